"""Contract test: orders, refunds and discounts through Polar's official Python client (polar-sdk).

The SDK parses every response into its pydantic models, and every JSON response is validated again
in pydantic's strict mode with its keys compared to the model's fields (strict.py). Orders are
placed through the control plane (`POST /_emulator/orders`, as a completed checkout places them).
Run by test/contract-python.test.ts with the emulator's URL and a token with every scope.
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
    if response.status_code >= 300 or response.status_code in (202, 204):
        return None
    if path == "/v1/orders/export":
        return None  # text/csv
    if path == "/v1/orders/":
        return models.ListResourceOrder if method == "GET" else models.Order
    if path.endswith("/invoice"):
        return models.OrderInvoice
    if path.endswith("/receipt"):
        return models.OrderReceipt
    if path.startswith("/v1/orders/"):
        return models.Order
    if path == "/v1/refunds/":
        return models.ListResourceRefund if method == "GET" else models.Refund
    if path == "/v1/discounts/":
        return models.ListResourceDiscount if method == "GET" else models.Discount
    if path.startswith("/v1/discounts/"):
        return models.Discount
    if path.startswith("/v1/products/"):
        return models.Product
    if path.startswith("/v1/customers/"):
        return models.Customer
    return None


@pytest.fixture(autouse=True)
def every_response_is_strictly_valid(recorder: Recorder) -> Iterator[None]:
    recorder.responses.clear()
    yield
    assert_recorded_strictly_valid(recorder, _response_type)


def _purchase(polar: Polar, control: httpx.Client, amount: int) -> tuple[models.Order, models.Customer]:
    """A paid one-time purchase of a new product by a new customer."""
    product = polar.products.create(
        request=models.ProductCreateOneTime(
            name=f"Order {uuid.uuid4().hex[:8]}", prices=[models.ProductPriceFixedCreate(price_amount=amount)]
        )
    )
    customer = polar.customers.create(
        request=models.CustomerIndividualCreate(email=f"py-order-{uuid.uuid4().hex[:12]}@example.com", name="Py Buyer")
    )
    placed = control.post("/_emulator/orders", json={"customer_id": customer.id, "product_id": product.id})
    assert placed.status_code == 201, placed.text
    return polar.orders.get(id=placed.json()["order"]["id"]), customer


def test_orders(polar: Polar, control: httpx.Client) -> None:
    order, customer = _purchase(polar, control, 4200)
    assert order.status == "paid"
    assert order.total_amount == 4200
    assert order.customer.id == customer.id
    assert order.billing_reason == "purchase"

    listed = polar.orders.list(customer_id=customer.id)
    assert listed is not None
    assert [item.id for item in listed.result.items] == [order.id]
    csv = polar.orders.export(product_id=order.product_id)
    assert csv.split("\r\n")[0] == "Email,Created At,Product,Net Amount,Currency,Status,Invoice number"
    assert customer.email in csv
    with pytest.raises(models.ResourceNotFound):
        polar.orders.get(id=str(uuid.uuid4()))

    # An invoice needs a billing name and address (422 MissingInvoiceBillingDetails without them).
    with pytest.raises(models.MissingInvoiceBillingDetails):
        polar.orders.generate_invoice(id=order.id)
    updated = polar.orders.update(
        id=order.id,
        order_update=models.OrderUpdate(
            billing_name="Py Buyer Ltd",
            billing_address=models.AddressInput(
                country="US", state="NY", line1="1 Py Street", city="New York", postal_code="10001"
            ),
        ),
    )
    assert updated.billing_name == "Py Buyer Ltd"
    assert updated.billing_address is not None and updated.billing_address.state == "US-NY"
    polar.orders.generate_invoice(id=order.id)
    invoice = polar.orders.invoice(id=order.id)
    assert invoice.url.endswith("invoice.pdf")
    assert polar.orders.get(id=order.id).is_invoice_generated is True

    # The receipt is rendered on the first request (202, no body), then has its URL.
    assert polar.orders.receipt(id=order.id) is None
    receipt = polar.orders.receipt(id=order.id)
    assert receipt is not None and receipt.url.endswith("receipt.pdf")

    # Polar's refusals: no organization has off-session charges; only a draft is finalized.
    # polar-sdk 0.32 maps no 403 for orders.create (Polar's document lists 201 and 422 only): the
    # client raises its generic SDKError with Polar's body.
    with pytest.raises(models.SDKError) as refused:
        polar.orders.create(request=models.OrderCreate(customer_id=customer.id, product_id=order.product_id))
    assert refused.value.status_code == 403
    assert '"error":"OffSessionChargesNotEnabled"' in refused.value.body
    with pytest.raises(models.OrderNotDraft):
        polar.orders.finalize(id=order.id, order_finalize=models.OrderFinalize())


def test_refunds(polar: Polar, control: httpx.Client) -> None:
    order, _ = _purchase(polar, control, 5000)
    refund = polar.refunds.create(
        request=models.RefundCreate(order_id=order.id, reason="customer_request", amount=1500, comment="py")
    )
    assert refund.order_id == order.id
    assert refund.amount == 1500
    assert refund.status == "succeeded"
    listed = polar.refunds.list(order_id=order.id)
    assert listed is not None
    assert [item.id for item in listed.result.items] == [refund.id]
    again = polar.orders.get(id=order.id)
    assert again.status == "partially_refunded"
    assert again.refunded_amount == 1500
    with pytest.raises(models.HTTPValidationError):  # more than the 3500 left to refund
        polar.refunds.create(request=models.RefundCreate(order_id=order.id, reason="other", amount=5000))
    rest = polar.refunds.create(request=models.RefundCreate(order_id=order.id, reason="other", amount=3500))
    assert rest.amount == 3500
    assert polar.orders.get(id=order.id).status == "refunded"
    with pytest.raises(models.RefundedAlready):
        polar.refunds.create(request=models.RefundCreate(order_id=order.id, reason="other", amount=1))


def test_discounts(polar: Polar) -> None:
    code = f"PY{uuid.uuid4().hex[:8].upper()}"
    fixed = polar.discounts.create(
        request=models.DiscountFixedCreate(
            name="Py launch", duration="once", amount=500, currency="usd", code=code, max_redemptions=5
        )
    )
    assert isinstance(fixed, models.DiscountFixedOnceForeverDuration)
    assert fixed.code == code
    assert fixed.amounts == {"usd": 500}
    percent = polar.discounts.create(
        request=models.DiscountPercentageCreate(
            name="Py quarter", duration="repeating", duration_in_months=3, basis_points=2500
        )
    )
    assert isinstance(percent, models.DiscountPercentageRepeatDuration)
    assert percent.duration_in_months == 3

    listed = polar.discounts.list(query="Py ", limit=100)
    assert listed is not None
    assert {fixed.id, percent.id} <= {item.id for item in listed.result.items}
    got = polar.discounts.get(id=percent.id)
    assert isinstance(got, models.DiscountPercentageRepeatDuration)
    assert got.basis_points == 2500
    updated = polar.discounts.update(
        id=fixed.id, discount_update=models.DiscountUpdate(name="Py launch 2", max_redemptions=10)
    )
    assert updated.name == "Py launch 2"
    assert updated.max_redemptions == 10
    polar.discounts.delete(id=fixed.id)
    with pytest.raises(models.ResourceNotFound):
        polar.discounts.get(id=fixed.id)
