"""Orders, refunds and discounts through polar-sdk 1.x, in each version module: a one-time purchase
placed through the control plane (`POST /_emulator/orders`, as a completed checkout places it), its
billing details, invoice and receipt, refunds, Polar's refusals of off-session orders, and the
discount operations. Every answer is loaded as the module's model and checked for drift
(conftest.py). Run by test/contract-python-v1.test.ts (see test_customers.py).
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import httpx
import polar.base
from conftest import Tenant
from support import call, raises
from test_customers import assert_not_found, validation_error


def _purchase(tenant: Tenant, control: httpx.Client, amount: int) -> tuple[Any, Any]:
    """A paid one-time purchase of a new product by a new customer: the order, and the customer."""
    product = tenant.polar.products.create(
        name=f"Lifetime {uuid.uuid4().hex[:6]}", prices=[{"amount_type": "fixed", "price_amount": amount}]
    )
    customer = tenant.polar.customers.create(email=f"v1-order-{uuid.uuid4().hex[:10]}@example.com", name="V1 Buyer")
    placed = call(control, "/_emulator/orders", {"customer_id": customer.id, "product_id": product.id}, status=201)
    return tenant.polar.orders.get(placed["order"]["id"]), customer


def test_an_order_is_listed_updated_invoiced_and_receipted(tenant: Tenant, control: httpx.Client) -> None:
    order, customer = _purchase(tenant, control, 4200)
    assert order.status == "paid"
    assert order.total_amount == 4200
    assert order.customer.id == customer.id
    assert order.billing_reason == "purchase"
    assert [item.id for item in tenant.polar.orders.list(customer_id=customer.id).items] == [order.id]
    csv = tenant.polar.orders.export(columns=["total_amount", "billing_reason"])
    assert csv.split("\r\n")[:2] == ["Total,Billing Reason", "42.0,purchase"]
    assert_not_found(tenant, raises(lambda: tenant.polar.orders.get(str(uuid.uuid4()))))

    # An invoice needs a billing name and address: Polar's 422 MissingInvoiceBillingDetails.
    missing = raises(lambda: tenant.polar.orders.generate_invoice(order.id))
    assert isinstance(missing, tenant.api.errors.MissingInvoiceBillingDetails), repr(missing)
    updated = tenant.polar.orders.update(
        order.id,
        billing_name="V1 Buyer Ltd",
        billing_address={
            "country": "US",
            "state": "NY",
            "line1": "1 V1 Street",
            "city": "New York",
            "postal_code": "10001",
        },
    )
    assert updated.billing_name == "V1 Buyer Ltd"
    assert updated.billing_address is not None and updated.billing_address.state == "US-NY"
    tenant.polar.orders.generate_invoice(order.id)
    assert tenant.polar.orders.invoice(order.id).url.endswith("invoice.pdf")
    assert tenant.polar.orders.get(order.id).is_invoice_generated is True

    # The first receipt request renders it: Polar's 202 with no body, which the client cannot
    # parse as JSON; the next one has its URL.
    first = raises(lambda: tenant.polar.orders.receipt(order.id))
    assert isinstance(first, (json.JSONDecodeError, polar.base.PolarError)), repr(first)
    assert tenant.polar.orders.receipt(order.id).url.endswith("receipt.pdf")


def test_off_session_orders_are_refused_as_polar_refuses_them(tenant: Tenant, control: httpx.Client) -> None:
    order, customer = _purchase(tenant, control, 1000)
    # No organization has Polar's `off_session_charges_enabled` feature; orders.create maps no
    # 403, so the client raises its plain PolarClientError with Polar's body.
    refused = raises(lambda: tenant.polar.orders.create(customer_id=customer.id, product_id=order.product_id))
    assert isinstance(refused, polar.base.PolarClientError), repr(refused)
    assert refused.status_code == 403
    assert "OffSessionChargesNotEnabled" in str(refused)
    # Only a draft is finalized (drafts come from orders.create alone): 412 OrderNotDraft.
    not_draft = raises(lambda: tenant.polar.orders.finalize(order.id))
    assert isinstance(not_draft, tenant.api.errors.OrderNotDraft), repr(not_draft)
    assert not_draft.status_code == 412


def test_refunds_are_created_and_listed(tenant: Tenant, control: httpx.Client) -> None:
    order, _ = _purchase(tenant, control, 5000)
    refund = tenant.polar.refunds.create(order_id=order.id, reason="customer_request", amount=1500, comment="v1")
    assert refund.order_id == order.id
    assert refund.amount == 1500
    assert refund.status == "succeeded"
    assert [item.id for item in tenant.polar.refunds.list(order_id=order.id).items] == [refund.id]
    again = tenant.polar.orders.get(order.id)
    assert again.status == "partially_refunded"
    assert again.refunded_amount == 1500
    too_much = raises(lambda: tenant.polar.refunds.create(order_id=order.id, reason="other", amount=5000))
    assert validation_error(tenant, too_much)  # more than the 3500 left to refund
    tenant.polar.refunds.create(order_id=order.id, reason="other", amount=3500)
    assert tenant.polar.orders.get(order.id).status == "refunded"
    already = raises(lambda: tenant.polar.refunds.create(order_id=order.id, reason="other", amount=1))
    assert isinstance(already, tenant.api.errors.RefundedAlready), repr(already)


def test_discounts_are_created_listed_read_updated_and_deleted(tenant: Tenant) -> None:
    fixed = tenant.polar.discounts.create(
        type="fixed", name="V1 launch", duration="once", amount=500, currency="usd", code="V1LAUNCH", max_redemptions=5
    )
    assert fixed.code == "V1LAUNCH"
    assert fixed.amounts == {"usd": 500}
    percent = tenant.polar.discounts.create(
        type="percentage", name="V1 quarter", duration="repeating", duration_in_months=3, basis_points=2500
    )
    # The client's Discount union loads the first member that fits, and a repeating discount fits
    # DiscountPercentageOnceForeverDuration too (unknown keys are ignored): `duration` tells them.
    assert percent.duration == "repeating"
    assert percent.basis_points == 2500
    listed = tenant.polar.discounts.list()
    assert {item.id for item in listed.items} == {fixed.id, percent.id}
    got = tenant.polar.discounts.get(percent.id)
    assert got.basis_points == 2500
    assert got.duration == "repeating"
    updated = tenant.polar.discounts.update(fixed.id, name="V1 launch 2", max_redemptions=10)
    assert updated.name == "V1 launch 2"
    assert updated.max_redemptions == 10
    tenant.polar.discounts.delete(fixed.id)
    assert_not_found(tenant, raises(lambda: tenant.polar.discounts.get(fixed.id)))
    assert [item.id for item in tenant.polar.discounts.list().items] == [percent.id]
