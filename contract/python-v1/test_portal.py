"""The customer portal through polar-sdk 1.x in each version module, with a customer session token
as the client's access token: the customer and its session, benefit grants, subscriptions (cancel
and uncancel), meters, license keys, downloadables, orders (billing details, invoice, receipt,
payment status, the retry of a past-due renewal) and the email change, its token read from the
emulator's control plane. Every response is checked against the module's models after the test
(support.Recorder), as the organization's are. Run by test/contract-python-v1.test.ts.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from conftest import Tenant
from support import call, raises
from test_billing import start
from test_catalog import recurring


@dataclass
class Portal:
    customer: Any
    product: Any
    subscription_id: str
    token: str
    client: Any  # the module's Polar client with the customer session as its token


@pytest.fixture
def portal(tenant: Tenant, control: httpx.Client, base_url: str) -> Any:
    perk = tenant.polar.benefits.create(type="license_keys", description="App key", properties={"prefix": "APP"})
    product = recurring(tenant, "Pro", 1500)
    product = tenant.polar.products.update_benefits(product.id, benefits=[perk.id])
    customer = tenant.polar.customers.create(email="ada@example.com", name="Ada", external_id="ada")
    started = start(control, customer.id, product.id, starts_at="2026-01-15T00:00:00Z")
    session = tenant.polar.customer_sessions.create(customer_id=customer.id)
    client = tenant.recorder.attach(tenant.api.Polar(session.token, base_url=base_url, timeout=10.0))
    with client:
        yield Portal(customer, product, started["id"], session.token, client)


def test_reads_the_customer_its_session_grants_subscriptions_meters_and_keys(tenant: Tenant, portal: Portal) -> None:
    outputs = tenant.api.outputs
    cp = portal.client.customer_portal
    me = cp.customers.get()
    assert isinstance(me, outputs.CustomerPortalCustomer)
    assert (me.id, me.email) == (portal.customer.id, "ada@example.com")
    assert cp.customers.update(billing_name="Ada Ltd").billing_name == "Ada Ltd"
    assert cp.customers.list_payment_methods().items == []
    assert cp.customer_session.introspect().expires_at
    assert cp.customer_session.get_authenticated_user().customer_id == portal.customer.id
    slug = tenant.polar.organizations.get(tenant.organization_id).slug
    assert [product.id for product in cp.organizations.get(slug).products] == [portal.product.id]

    grants = cp.benefit_grants.list().items
    assert [grant.benefit.type for grant in grants] == ["license_keys"]
    assert cp.benefit_grants.get(grants[0].id).id == grants[0].id

    subscriptions = cp.subscriptions.list().items
    assert [item.id for item in subscriptions] == [portal.subscription_id]
    got = cp.subscriptions.get(portal.subscription_id)
    assert got.product.organization.id == tenant.organization_id
    canceled = cp.subscriptions.update(portal.subscription_id, cancel_at_period_end=True, cancellation_reason="other")
    assert (canceled.cancel_at_period_end, canceled.customer_cancellation_reason) == (True, "other")
    assert cp.subscriptions.update(portal.subscription_id, cancel_at_period_end=False).cancel_at_period_end is False
    assert cp.subscriptions.cancel(portal.subscription_id).cancel_at_period_end is True

    assert cp.customer_meters.list().items == []
    # A license key's `member_id` and `member` came with 2026-10 (docs/polar-versions.md §2.2); the
    # emulator renders license keys in that shape whatever the version, so 2026-04 would drift.
    if tenant.api.version != "2026-04":
        keys = cp.license_keys.list().items
        assert len(keys) == 1 and keys[0].key.startswith("APP-")
        assert cp.license_keys.get(keys[0].id).id == keys[0].id
    assert cp.downloadables.list().items == []

    missing = raises(lambda: cp.subscriptions.get(str(uuid.uuid4())))
    assert isinstance(missing, tenant.api.errors.ResourceNotFound)


def test_lists_and_works_on_orders(tenant: Tenant, control: httpx.Client, portal: Portal, base_url: str) -> None:
    outputs = tenant.api.outputs
    guide = tenant.polar.products.create(
        name="Guide", prices=[{"amount_type": "fixed", "price_amount": 900, "price_currency": "usd"}]
    )
    call(control, "/_emulator/orders", {"customer_id": portal.customer.id, "product_id": guide.id}, 201)
    call(control, f"/_emulator/subscriptions/{portal.subscription_id}/renew_failed")
    orders = portal.client.customer_portal.orders

    listed = orders.list()
    assert isinstance(listed, outputs.ListResourceCustomerOrder)
    assert [order.billing_reason for order in listed.items] == ["subscription_cycle", "purchase", "subscription_create"]
    assert [order.product_id for order in orders.list(product_billing_type="one_time").items] == [guide.id]
    assert [order.billing_reason for order in orders.list(sorting=["amount"], limit=1).items] == ["purchase"]
    renewal, purchase = listed.items[0], listed.items[1]
    assert purchase.product.organization.id == tenant.organization_id
    assert orders.get(purchase.id).description == "Guide"

    updated = orders.update(purchase.id, billing_name="Ada Ltd", billing_address={"country": "fr", "city": "Paris"})
    assert (updated.billing_name, updated.billing_address.country) == ("Ada Ltd", "FR")
    orders.generate_invoice(purchase.id)
    assert orders.invoice(purchase.id).url.endswith(f"/_emulator/orders/{purchase.id}/invoice.pdf")
    # The first request renders the receipt (Polar's empty 202), outside the client.
    rendered = httpx.get(
        f"{base_url}/v1/customer-portal/orders/{purchase.id}/receipt",
        headers={"Authorization": f"Bearer {portal.token}"},
    )
    assert (rendered.status_code, rendered.content) == (202, b"")
    assert orders.receipt(purchase.id).url.endswith("/receipt.pdf")

    status = orders.get_payment_status(renewal.id)
    assert (status.status, status.error) == ("failed", "Your card was declined.")
    declined = orders.confirm_retry_payment(renewal.id, confirmation_token_id="tok_chargeDeclined")
    assert (declined.status, declined.error) == ("failed", "Your card was declined.")
    paid = orders.confirm_retry_payment(renewal.id, confirmation_token_id="tok_visa")
    assert (paid.status, paid.client_secret, paid.error) == ("succeeded", None, None)
    assert orders.get(renewal.id).status == "paid"
    assert tenant.polar.subscriptions.get(portal.subscription_id).status == "active"

    missing = raises(lambda: orders.get(str(uuid.uuid4())))
    assert isinstance(missing, tenant.api.errors.ResourceNotFound)


def test_changes_the_email_with_the_token_from_the_control_plane(
    tenant: Tenant, control: httpx.Client, portal: Portal
) -> None:
    tenant.polar.organizations.update(
        tenant.organization_id,
        customer_portal_settings={
            "usage": {"show": True},
            "subscription": {"update_seats": True, "update_plan": True},
            "customer": {"allow_email_change": True},
        },
    )
    customers = portal.client.customer_portal.customers
    customers.request_email_update(email="ada.new@example.com")
    pending = control.get(f"/_emulator/customers/{portal.customer.id}/email-update")
    assert pending.status_code == 200, pending.text
    token = pending.json()["token"]
    assert customers.check_email_update(token=token) is None
    verified = customers.verify_email_update(token=token)
    assert verified.token.startswith("polar_cst_")
    assert tenant.polar.customers.get(portal.customer.id).email == "ada.new@example.com"
    spent = raises(lambda: customers.check_email_update(token=token))
    assert getattr(spent, "status_code", None) == 401 or "401" in str(spent)
