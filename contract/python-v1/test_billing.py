"""Subscriptions, benefit grants and the customer state of a subscriber, through polar-sdk 1.x in
each version module. Paid subscriptions are started through the emulator's control plane (as a
completed checkout would); subscriptions to free products are created through the client, and
everything else goes through it too, the CSV export included.

The customer state of a subscriber meets the client's bug in CustomerStateSubscription.status (see
support.py): get_state must fail on exactly that, and the body must load once that one field is
read as Polar's server declares it. Run by test/contract-python-v1.test.ts (see test_customers.py).
"""

from __future__ import annotations

import dataclasses
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import httpx
import pytest
from conftest import Tenant
from support import assert_fails_only_on_state_status, call, load_state, raises
from test_catalog import recurring
from test_customers import assert_not_found, parse_time, validation_error


@dataclass
class Shop:
    perk: Any  # a custom benefit the product grants
    product: Any
    customer: Any
    subscription: Any  # as subscriptions.get returned it


def start(control: httpx.Client, customer_id: str, product_id: str, **fields: Any) -> dict[str, Any]:
    started = call(
        control, "/_emulator/subscriptions", {"customer_id": customer_id, "product_id": product_id, **fields}, 201
    )
    return started["subscription"]


@pytest.fixture
def shop(tenant: Tenant, control: httpx.Client) -> Shop:
    perk = tenant.polar.benefits.create(type="custom", description="Priority support", properties={"note": "Mail us"})
    product = recurring(tenant, "Pro", 1500)
    product = tenant.polar.products.update_benefits(product.id, benefits=[perk.id])
    customer = tenant.polar.customers.create(email="sub@example.com", name="Sub Scriber", external_id="sub-1")
    started = start(control, customer.id, product.id, metadata={"source": "test"})
    subscription = tenant.polar.subscriptions.get(started["id"])
    return Shop(perk, product, customer, subscription)


def test_a_started_subscription_reads_back_whole(tenant: Tenant, shop: Shop) -> None:
    outputs = tenant.api.outputs
    subscription = shop.subscription
    assert isinstance(subscription, outputs.Subscription)
    assert (subscription.status, subscription.amount, subscription.currency) == ("active", 1500, "usd")
    assert (subscription.recurring_interval, subscription.recurring_interval_count) == ("month", 1)
    assert (subscription.cancel_at_period_end, subscription.canceled_at, subscription.ends_at) == (False, None, None)
    assert parse_time(subscription.current_period_end) > parse_time(subscription.current_period_start)
    assert subscription.started_at == subscription.current_period_start
    assert subscription.metadata == {"source": "test"}
    assert (subscription.customer_id, subscription.customer.id, subscription.customer.email) == (
        shop.customer.id,
        shop.customer.id,
        "sub@example.com",
    )
    assert (subscription.product_id, subscription.product.id) == (shop.product.id, shop.product.id)
    # The product as it was, except that a subscription now references it: it cannot be deleted.
    assert subscription.product == dataclasses.replace(shop.product, is_deletable=False)
    assert tenant.polar.products.get(shop.product.id).is_deletable is False
    assert [price.id for price in subscription.prices] == [price.id for price in shop.product.prices]
    assert (subscription.discount_id, subscription.discount, subscription.meters) == (None, None, [])
    # Neither seat- nor unit-based: both are null (units is required in every 1.x version).
    assert (subscription.seats, subscription.units) == (None, None)
    assert subscription.pending_update is None
    assert tenant.polar.subscriptions.get(subscription.id) == subscription
    assert_not_found(tenant, raises(lambda: tenant.polar.subscriptions.get(str(uuid.uuid4()))))


def test_lists_subscriptions_with_filters(tenant: Tenant, control: httpx.Client, shop: Shop) -> None:
    other = tenant.polar.customers.create(email="trial@example.com")
    basic = recurring(tenant, "Basic", 500)
    trial = start(control, other.id, basic.id, status="trialing")
    subscriptions = tenant.polar.subscriptions

    def listed(**query: Any) -> list[str]:
        return [subscription.id for subscription in subscriptions.list(**query).items]

    mine = shop.subscription.id
    assert listed() == [trial["id"], mine]
    assert listed(customer_id=shop.customer.id) == [mine]
    assert listed(external_customer_id="sub-1") == [mine]
    assert listed(product_id=basic.id) == [trial["id"]]
    assert listed(status="trialing") == [trial["id"]]
    assert listed(status=["active", "trialing"], sorting=["started_at"]) == [mine, trial["id"]]
    assert listed(active=True) == [trial["id"], mine]
    assert listed(active=False) == []
    assert listed(cancel_at_period_end=True) == []
    assert listed(metadata={"source": "test"}) == [mine]
    assert [s.id for s in subscriptions.iter_list(limit=1)] == [trial["id"], mine]
    got = subscriptions.get(trial["id"])
    assert (got.status, got.trial_start is not None, got.trial_end is not None) == ("trialing", True, True)
    # Both customers now count as active.
    assert {c.id for c in tenant.polar.customers.list(active=True).items} == {shop.customer.id, other.id}


def test_cancels_uncancels_and_revokes(tenant: Tenant, shop: Shop) -> None:
    subscriptions = tenant.polar.subscriptions
    errors = tenant.api.errors
    canceled = subscriptions.update(
        shop.subscription.id, cancel_at_period_end=True, customer_cancellation_reason="too_expensive"
    )
    assert (canceled.status, canceled.cancel_at_period_end) == ("active", True)
    assert canceled.ends_at == canceled.current_period_end
    assert canceled.canceled_at is not None
    assert canceled.customer_cancellation_reason == "too_expensive"
    assert [s.id for s in subscriptions.list(cancel_at_period_end=True).items] == [shop.subscription.id]

    kept = subscriptions.update(shop.subscription.id, cancel_at_period_end=False)
    assert (kept.cancel_at_period_end, kept.canceled_at, kept.ends_at) == (False, None, None)

    revoked = subscriptions.revoke(shop.subscription.id)
    assert (revoked.status, revoked.ended_at is not None) == ("canceled", True)
    assert subscriptions.get(shop.subscription.id) == revoked
    again = raises(lambda: subscriptions.revoke(shop.subscription.id))
    assert isinstance(again, errors.AlreadyCanceledSubscription), repr(again)
    assert (again.status_code, again.error.error) == (403, "AlreadyCanceledSubscription")
    by_update = raises(lambda: subscriptions.update(shop.subscription.id, revoke=True))
    assert isinstance(by_update, errors.SubscriptionsUpdate403Error), repr(by_update)
    assert by_update.error.error == "AlreadyCanceledSubscription"
    assert_not_found(tenant, raises(lambda: subscriptions.revoke(str(uuid.uuid4()))))
    assert_not_found(tenant, raises(lambda: subscriptions.update(str(uuid.uuid4()), cancel_at_period_end=True)))


def test_revokes_through_update(tenant: Tenant, shop: Shop) -> None:
    revoked = tenant.polar.subscriptions.update(shop.subscription.id, revoke=True)
    assert (revoked.status, revoked.cancel_at_period_end) == ("canceled", False)
    assert revoked.ended_at is not None and revoked.canceled_at is not None
    assert tenant.polar.subscriptions.list(active=True).items == []


def test_lists_benefit_grants(tenant: Tenant, control: httpx.Client, shop: Shop) -> None:
    outputs = tenant.api.outputs
    grants = tenant.polar.benefit_grants.list()
    [grant] = grants.items
    assert isinstance(grant, outputs.BenefitGrant)
    assert (grant.customer_id, grant.customer.id, grant.benefit_id, grant.benefit.id) == (
        shop.customer.id,
        shop.customer.id,
        shop.perk.id,
        shop.perk.id,
    )
    assert (grant.subscription_id, grant.order_id) == (shop.subscription.id, None)
    assert (grant.is_granted, grant.is_revoked, grant.revoked_at) == (True, False, None)
    assert grant.granted_at is not None
    assert grants.pagination == outputs.Pagination(total_count=1, max_page=1)

    direct = tenant.polar.benefits.create(type="feature_flag", description="Beta access", properties={})
    other = tenant.polar.customers.create(email="direct@example.com", external_id="direct-1")
    call(control, "/_emulator/benefit-grants", {"customer_id": other.id, "benefit_id": direct.id})
    call(control, "/_emulator/benefit-grants/revoke", {"customer_id": other.id, "benefit_id": direct.id})

    def listed(**query: Any) -> list[tuple[str, bool]]:
        return [(g.customer_id, g.is_granted) for g in tenant.polar.benefit_grants.list(**query).items]

    assert listed(customer_id=other.id) == [(other.id, False)]
    assert listed(external_customer_id="sub-1") == [(shop.customer.id, True)]
    assert listed(is_granted=True) == [(shop.customer.id, True)]
    assert listed(is_granted=False) == [(other.id, False)]
    assert listed(organization_id=str(uuid.uuid4())) == []
    [revoked] = tenant.polar.benefits.grants(direct.id).items
    assert (revoked.is_revoked, revoked.revoked_at is not None, revoked.subscription_id) == (True, True, None)
    assert [g.id for g in tenant.polar.benefits.grants(shop.perk.id, is_granted=True).items] == [grant.id]
    assert tenant.polar.benefits.grants(shop.perk.id, customer_id=other.id).items == []
    assert len(list(tenant.polar.benefit_grants.iter_list(limit=1))) == 2

    # Revoking the subscription revokes what it granted.
    tenant.polar.subscriptions.revoke(shop.subscription.id)
    assert listed(customer_id=shop.customer.id) == [(shop.customer.id, False)]


@pytest.mark.parametrize("status", ["active", "trialing"])
def test_customer_state_of_a_subscriber(tenant: Tenant, control: httpx.Client, status: str) -> None:
    perk = tenant.polar.benefits.create(type="custom", description="Priority support", properties={})
    product = tenant.polar.products.update_benefits(recurring(tenant).id, benefits=[perk.id])
    customer = tenant.polar.customers.create(email="state@example.com", external_id="state-1")
    started = start(control, customer.id, product.id, status=status)

    for get_state in (
        lambda: tenant.polar.customers.get_state(customer.id),
        lambda: tenant.polar.customers.get_state_external("state-1"),
    ):
        error = raises(get_state)
        raw = tenant.recorder.responses[-1].json()
        assert [subscription["status"] for subscription in raw["active_subscriptions"]] == [status]
        assert_fails_only_on_state_status(tenant.api, error, raw)

    state = load_state(tenant.api, raw)
    assert isinstance(state, tenant.api.outputs.CustomerStateIndividual)
    assert (state.id, state.email, state.external_id) == (customer.id, "state@example.com", "state-1")
    [subscription] = state.active_subscriptions
    assert (subscription.id, subscription.status, subscription.product_id) == (started["id"], status, product.id)
    assert (subscription.amount, subscription.currency, subscription.recurring_interval) == (1500, "usd", "month")
    assert (subscription.seats, subscription.units, subscription.meters) == (None, None, [])
    assert subscription.current_period_start == started["current_period_start"]
    [granted] = state.granted_benefits
    assert (granted.benefit_id, granted.benefit_type) == (perk.id, "custom")
    assert state.active_meters == []


# --------------------------------------------------------------------------------------------
# Creating subscriptions through the API, and exporting them
# --------------------------------------------------------------------------------------------

PAID = "Product is not free. The customer should go through a checkout to create a paid subscription."


def free_product(tenant: Tenant, name: str = "Free", **fields: Any) -> Any:
    return tenant.polar.products.create(
        name=name, recurring_interval="month", prices=[{"amount_type": "fixed", "price_amount": 0}], **fields
    )


def test_creates_a_subscription_to_a_free_product(tenant: Tenant) -> None:
    outputs = tenant.api.outputs
    subscriptions = tenant.polar.subscriptions
    perk = tenant.polar.benefits.create(type="custom", description="Community", properties={})
    free = tenant.polar.products.update_benefits(free_product(tenant).id, benefits=[perk.id])
    customer = tenant.polar.customers.create(email="free@example.com", external_id="free-1")
    created = subscriptions.create(product_id=free.id, customer_id=customer.id, metadata={"source": "api", "seats": 2})
    assert isinstance(created, outputs.Subscription)
    assert (created.status, created.amount, created.currency, created.recurring_interval) == (
        "active",
        0,
        "usd",
        "month",
    )
    assert (created.customer_id, created.customer.id, created.product_id) == (customer.id, customer.id, free.id)
    assert created.product == dataclasses.replace(free, is_deletable=False)
    assert created.metadata == {"source": "api", "seats": 2}
    assert created.started_at == created.created_at == created.current_period_start
    assert parse_time(created.current_period_end) > parse_time(created.current_period_start)
    assert (created.modified_at, created.trial_start, created.trial_end, created.ended_at) == (None, None, None, None)
    assert (created.cancel_at_period_end, created.seats, created.discount) == (False, None, None)
    assert subscriptions.get(created.id) == created
    assert [s.id for s in subscriptions.list(customer_id=customer.id).items] == [created.id]
    # What the product grants is granted.
    [grant] = tenant.polar.benefit_grants.list(customer_id=customer.id).items
    assert (grant.benefit_id, grant.subscription_id, grant.is_granted) == (perk.id, created.id, True)

    other = tenant.polar.customers.create(email="other@example.com", external_id="free-2")
    by_external = subscriptions.create(product_id=free.id, external_customer_id="free-2")
    assert (by_external.customer_id, by_external.product_id, by_external.metadata) == (other.id, free.id, {})


def test_refuses_a_subscription_polar_would_need_a_checkout_for(tenant: Tenant) -> None:
    subscriptions = tenant.polar.subscriptions
    customer = tenant.polar.customers.create(email="refused@example.com")
    paid = recurring(tenant, "Paid", 500)
    once = tenant.polar.products.create(name="Once", prices=[{"amount_type": "fixed", "price_amount": 0}])
    missing = str(uuid.uuid4())

    def refusal(**body: Any) -> tuple[list[Any], str, Any]:
        [detail] = validation_error(tenant, raises(lambda: subscriptions.create(**body)))
        assert detail.type == "value_error"
        return detail.loc, detail.msg, detail.input

    assert refusal(product_id=paid.id, customer_id=customer.id) == (["body", "product_id"], PAID, paid.id)
    assert refusal(product_id=once.id, customer_id=customer.id) == (
        ["body", "product_id"],
        "Product is not a recurring product.",
        once.id,
    )
    assert refusal(product_id=missing, customer_id=customer.id) == (
        ["body", "product_id"],
        "Product does not exist.",
        missing,
    )
    free = free_product(tenant)
    assert refusal(product_id=free.id, customer_id=missing) == (
        ["body", "customer_id"],
        "Customer does not exist.",
        missing,
    )
    assert refusal(product_id=free.id, external_customer_id="nobody") == (
        ["body", "external_customer_id"],
        "Customer does not exist.",
        "nobody",
    )
    assert subscriptions.list().items == []


def test_creates_a_free_seat_based_subscription_in_the_versions_shape(tenant: Tenant) -> None:
    """A free seat-based product: the subscription has one seat, the customer becomes a team, and the
    embedded product's price is in the version's shape (`tiers` from 2027-01, `seat_tiers` before)."""
    outputs = tenant.api.outputs
    if tenant.api.number >= 202701:
        price = {"amount_type": "seat_based", "tiers": {"type": "volume", "tiers": [{"unit_amount": 0}]}}
    else:
        price = {"amount_type": "seat_based", "seat_tiers": {"tiers": [{"min_seats": 1, "price_per_seat": 0}]}}
    seats = tenant.polar.products.create(name="Free seats", recurring_interval="month", prices=[price])
    customer = tenant.polar.customers.create(email="crew@example.com")
    assert customer.type == "individual"
    created = tenant.polar.subscriptions.create(product_id=seats.id, customer_id=customer.id)
    assert (created.seats, created.amount, created.status) == (1, 0, "active")
    assert (created.customer.id, created.customer.type) == (customer.id, "team")
    assert isinstance(tenant.polar.customers.get(customer.id), outputs.CustomerTeam)
    [embedded] = created.product.prices
    assert isinstance(embedded, outputs.ProductPriceSeatBased)
    if tenant.api.number >= 202701:
        assert (embedded.tiers.type, [(t.bound, Decimal(t.unit_amount)) for t in embedded.tiers.tiers]) == (
            "volume",
            [(None, 0)],
        )
        assert (embedded.minimum_units, embedded.maximum_units) == (1, None)
    else:
        assert [(t.min_seats, t.max_seats, t.price_per_seat) for t in embedded.seat_tiers.tiers] == [(1, None, 0)]
    assert created.product == dataclasses.replace(seats, is_deletable=False)
    assert tenant.polar.subscriptions.get(created.id) == created


def test_exports_subscriptions_as_csv(tenant: Tenant, control: httpx.Client) -> None:
    subscriptions = tenant.polar.subscriptions
    header = "Email,Started At,Product,Amount,Currency,Status,Billing Interval\r\n"
    assert subscriptions.export() == header
    pro = recurring(tenant, "Pro, monthly", 1999)
    quarterly = tenant.polar.products.create(
        name="Quarterly",
        recurring_interval="month",
        recurring_interval_count=3,
        prices=[{"amount_type": "fixed", "price_amount": 6000}],
    )
    ann = tenant.polar.customers.create(email="ann@example.com", name="Ann", billing_address={"country": "FR"})
    crew = tenant.polar.customers.create(type="team", name="Crew", email="crew@example.com")
    start(control, ann.id, pro.id, starts_at="2026-03-01T00:00:00Z")
    canceling = start(control, crew.id, quarterly.id, starts_at="2026-02-10T08:00:00Z")
    subscriptions.update(canceling["id"], cancel_at_period_end=True, customer_cancellation_reason="too_expensive")

    text = subscriptions.export()
    assert text == (
        header
        + 'ann@example.com,2026-03-01T00:00:00+00:00,"Pro, monthly",19.99,usd,active,month\r\n'
        + "crew@example.com,2026-02-10T08:00:00+00:00,Quarterly,60.0,usd,active,3 months\r\n"
    )
    [response] = tenant.recorder.responses[-1:]
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    # The client's defaults go on the wire: the time zone only.
    assert response.request.url.params.multi_items() == [("timezone", "UTC")]
    assert subscriptions.export(organization_id=tenant.organization_id) == text

    paris = subscriptions.export(
        timezone="Europe/Paris",
        columns=["customer_name", "billing_country", "current_period_start", "cancel_at_period_end"],
    )
    assert paris == (
        "Customer Name,Billing Country,Current Period Start,Cancels At Period End\r\n"
        "Ann,FR,2026-03-01T01:00:00+01:00,false\r\n"
        "Crew,,2026-02-10T09:00:00+01:00,true\r\n"
    )
    assert subscriptions.export(product_id=quarterly.id, columns="product") == "Product\r\nQuarterly\r\n"
    assert subscriptions.export(cancel_at_period_end=True, columns=["cancellation_reason"]) == (
        "Cancellation Reason\r\ntoo_expensive\r\n"
    )
    assert subscriptions.export(status="canceled", columns=["product"]) == "Product\r\n"
    started_in_march = subscriptions.export(started_after="2026-02-28T00:00:00Z", columns=["email"])
    assert started_in_march == "Email\r\nann@example.com\r\n"

    invalid = validation_error(
        tenant, raises(lambda: subscriptions.export(timezone="utc", started_after="2026-01-01T00:00:00"))
    )
    assert sorted((tuple(detail.loc), detail.type) for detail in invalid) == [
        (("query", "started_after"), "timezone_aware"),
        (("query", "timezone"), "value_error"),
    ]
