"""Subscriptions, benefit grants and the customer state of a subscriber, through polar-sdk 1.x in
each version module. Subscriptions are started through the emulator's control plane (as a
completed checkout would); everything else goes through the client.

The customer state of a subscriber meets the client's bug in CustomerStateSubscription.status (see
support.py): get_state must fail on exactly that, and the body must load once that one field is
read as Polar's server declares it. Run by test/contract-python-v1.test.ts (see test_customers.py).
"""

from __future__ import annotations

import dataclasses
import uuid
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from conftest import Tenant
from support import assert_fails_only_on_state_status, call, load_state, raises
from test_catalog import recurring
from test_customers import assert_not_found, parse_time


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
