"""Contract test: checkouts and checkout links through Polar's official Python client (polar-sdk).

The SDK parses every response into its pydantic models, and every JSON response is validated again
in pydantic's strict mode with its keys compared to the model's fields (strict.py). Run by
test/contract-python.test.ts with the emulator's URL and a token with every scope.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from polar_sdk import Polar, models
from strict import Recorder, assert_recorded_strictly_valid


def _response_type(response: httpx.Response) -> Any:
    """The SDK's own type for a response, from the route and the status."""
    path, method = response.request.url.path, response.request.method
    if response.status_code == 404:
        return models.ResourceNotFoundData
    if response.status_code >= 300:
        return None
    if path.startswith("/v1/checkouts/client/"):
        return models.CheckoutPublicConfirmed if path.endswith("/confirm") else models.CheckoutPublic
    if path == "/v1/checkouts/":
        return models.ListResourceCheckout if method == "GET" else models.Checkout
    if path.startswith("/v1/checkouts/"):
        return models.Checkout
    if path == "/v1/checkout-links/":
        return models.ListResourceCheckoutLink if method == "GET" else models.CheckoutLink
    if path.startswith("/v1/checkout-links/"):
        return models.CheckoutLink
    if path.startswith("/v1/products/"):
        return models.Product
    return None


@pytest.fixture(autouse=True)
def every_response_is_strictly_valid(recorder: Recorder) -> Iterator[None]:
    recorder.responses.clear()
    yield
    assert_recorded_strictly_valid(recorder, _response_type)


def _product(polar: Polar, recurring: bool) -> models.Product:
    name = f"Checkout {uuid.uuid4().hex[:8]}"
    price = [models.ProductPriceFixedCreate(price_amount=2500)]
    if recurring:
        return polar.products.create(
            request=models.ProductCreateRecurring(name=name, recurring_interval="month", prices=price)
        )
    return polar.products.create(request=models.ProductCreateOneTime(name=name, prices=price))


def test_checkout_through_the_client_api(polar: Polar) -> None:
    product = _product(polar, recurring=True)
    email = f"py-{uuid.uuid4().hex[:12]}@example.com"
    checkout = polar.checkouts.create(
        request=models.CheckoutCreate(products=[product.id], customer_email=email, metadata={"source": "py"})
    )
    assert checkout.status == "open"
    assert checkout.url.endswith(f"/checkout/{checkout.client_secret}")
    assert checkout.total_amount == 2500
    listed = polar.checkouts.list(product_id=product.id)
    assert listed is not None
    assert [item.id for item in listed.result.items] == [checkout.id]
    assert polar.checkouts.get(id=checkout.id).id == checkout.id
    updated = polar.checkouts.update(
        id=checkout.id, checkout_update=models.CheckoutUpdate(customer_name="Py Buyer")
    )
    assert updated.customer_name == "Py Buyer"

    public = polar.checkouts.client_get(client_secret=checkout.client_secret)
    assert public.organization.id == checkout.organization_id
    public = polar.checkouts.client_update(
        client_secret=checkout.client_secret,
        checkout_update_public=models.CheckoutUpdatePublic(
            customer_billing_address=models.AddressInput(country="FR")
        ),
    )
    assert public.customer_billing_address is not None
    confirmed = polar.checkouts.client_confirm(
        client_secret=checkout.client_secret,
        checkout_confirm_stripe=models.CheckoutConfirmStripe(confirmation_token_id="4242 4242 4242 4242"),
    )
    assert confirmed.id == checkout.id  # its `status` is the model's constant, `confirmed`
    done = polar.checkouts.get(id=checkout.id)
    assert done.status == "succeeded"
    assert done.customer_id is not None


def test_checkout_links(polar: Polar) -> None:
    product = _product(polar, recurring=False)
    link = polar.checkout_links.create(
        request=models.CheckoutLinkCreateProducts(payment_processor="stripe", products=[product.id], label="Py")
    )
    assert link.url.endswith(f"/v1/checkout-links/{link.client_secret}/redirect")
    listed = polar.checkout_links.list(product_id=product.id)
    assert listed is not None
    assert [item.id for item in listed.result.items] == [link.id]
    assert polar.checkout_links.get(id=link.id).label == "Py"
    updated = polar.checkout_links.update(
        id=link.id, checkout_link_update=models.CheckoutLinkUpdate(label="Py 2", allow_discount_codes=False)
    )
    assert updated.label == "Py 2"
    assert updated.allow_discount_codes is False
    polar.checkout_links.delete(id=link.id)
    with pytest.raises(models.ResourceNotFound):
        polar.checkout_links.get(id=link.id)
