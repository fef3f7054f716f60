"""Checkouts and checkout links through polar-sdk 1.x, in each version module: the merchant's API,
the checkout page's client API paid with the test card 4242 4242 4242 4242, and checkout links.
Every answer is loaded as the module's model and checked for drift (conftest.py).
Run by test/contract-python-v1.test.ts (see test_customers.py).
"""

from __future__ import annotations

from conftest import Tenant
from support import raises
from test_catalog import recurring
from test_customers import assert_not_found


def test_a_checkout_through_the_client_api_to_a_purchase(tenant: Tenant) -> None:
    product = recurring(tenant, "Pro", 2000)
    checkout = tenant.polar.checkouts.create(products=[product.id], customer_email="v1-buyer@example.com")
    assert checkout.status == "open"
    assert checkout.url.endswith(f"/checkout/{checkout.client_secret}")
    assert checkout.total_amount == 2000
    listed = tenant.polar.checkouts.list(product_id=product.id)
    assert [item.id for item in listed.items] == [checkout.id]
    assert tenant.polar.checkouts.get(checkout.id).id == checkout.id
    assert tenant.polar.checkouts.update(checkout.id, customer_name="V1 Buyer").customer_name == "V1 Buyer"
    public = tenant.polar.checkouts.client_get(checkout.client_secret)
    assert public.organization.id == tenant.organization_id
    public = tenant.polar.checkouts.client_update(checkout.client_secret, customer_billing_address={"country": "FR"})
    assert public.customer_billing_address is not None
    confirmed = tenant.polar.checkouts.client_confirm(checkout.client_secret, confirmation_token_id="4242424242424242")
    assert confirmed.status == "confirmed"
    done = tenant.polar.checkouts.get(checkout.id)
    assert done.status == "succeeded"
    assert done.customer_id is not None


def test_checkout_links_are_created_listed_updated_and_deleted(tenant: Tenant) -> None:
    product = recurring(tenant, "Pro", 2000)
    link = tenant.polar.checkout_links.create(payment_processor="stripe", products=[product.id], label="V1")
    assert link.url.endswith(f"/v1/checkout-links/{link.client_secret}/redirect")
    assert [item.id for item in tenant.polar.checkout_links.list(product_id=product.id).items] == [link.id]
    assert tenant.polar.checkout_links.get(link.id).label == "V1"
    assert tenant.polar.checkout_links.update(link.id, label="V1 again").label == "V1 again"
    tenant.polar.checkout_links.delete(link.id)
    assert_not_found(tenant, raises(lambda: tenant.polar.checkout_links.get(link.id)))
