"""Meters, event ingestion and customer meters through polar-sdk 1.x, in each version module: create
meters (count, sum, unique), get, list with filters, update (and archive) them, and read their
quantities by interval, time zone, customer and metadata; ingest events by customer id and by external
customer id (duplicates by external_id); customer meters moved by the events and by a meter-credit
benefit, listed with filters and read one by one. Run by test/contract-python-v1.test.ts (see
test_customers.py).
"""

from __future__ import annotations

import dataclasses
import uuid
from typing import Any

import httpx
from conftest import Tenant
from support import call, raises
from test_customers import assert_not_found, assert_recent, validation_error


def clause(event: str) -> dict[str, Any]:
    return {"conjunction": "and", "clauses": [{"property": "name", "operator": "eq", "value": event}]}


def test_creates_gets_and_lists_meters(tenant: Tenant) -> None:
    outputs = tenant.api.outputs
    meters = tenant.polar.meters
    calls = meters.create(name="API calls", filter=clause("api_call"), aggregation={"func": "count"})
    assert isinstance(calls, outputs.Meter)
    assert_recent(calls.created_at)
    assert (calls.name, calls.unit, calls.custom_label, calls.organization_id) == (
        "API calls",
        "scalar",
        None,
        tenant.organization_id,
    )
    assert calls.aggregation == outputs.CountAggregation(func="count")
    assert calls.filter == outputs.Filter(
        conjunction="and", clauses=[outputs.FilterClause(property="name", operator="eq", value="api_call")]
    )
    tokens = meters.create(
        name="Tokens",
        filter=clause("llm"),
        aggregation={"func": "sum", "property": "tokens"},
        unit="token",
        metadata={"kind": "llm"},
    )
    assert tokens.aggregation == outputs.PropertyAggregation(func="sum", property="tokens")
    assert (tokens.unit, tokens.metadata) == ("token", {"kind": "llm"})
    users = meters.create(
        name="Active users", filter=clause("login"), aggregation={"func": "unique", "property": "user"}
    )
    assert users.aggregation == outputs.UniqueAggregation(func="unique", property="user")

    assert meters.get(tokens.id) == tokens
    assert_not_found(tenant, raises(lambda: meters.get(str(uuid.uuid4()))))

    def listed(**query: Any) -> list[str]:
        return [meter.name for meter in meters.list(**query).items]

    assert listed() == ["API calls", "Active users", "Tokens"]  # by name, the client's default
    assert listed(sorting=["-created_at"]) == ["Active users", "Tokens", "API calls"]
    assert listed(query="tok") == ["Tokens"]
    assert listed(metadata={"kind": "llm"}) == ["Tokens"]
    assert listed(is_archived=True) == []
    assert [meter.name for meter in meters.iter_list(limit=2)] == ["API calls", "Active users", "Tokens"]
    assert meters.list(limit=2).pagination == outputs.Pagination(total_count=3, max_page=2)

    [invalid] = validation_error(
        tenant,
        raises(lambda: meters.create(name="Bad", filter=clause("x"), aggregation={"func": "sum"})),  # type: ignore[typeddict-item]
    )
    assert (invalid.loc, invalid.type) == (["body", "aggregation", "sum", "property"], "missing")


def test_ingests_events_and_moves_customer_meters(tenant: Tenant) -> None:
    outputs = tenant.api.outputs
    tokens = tenant.polar.meters.create(
        name="Tokens", filter=clause("llm"), aggregation={"func": "sum", "property": "tokens"}
    )
    alice = tenant.polar.customers.create(email="alice@example.com", external_id="alice")
    bob = tenant.polar.customers.create(email="bob@example.com", name="Bob")

    ingested = tenant.polar.events.ingest(
        events=[
            {"name": "llm", "customer_id": alice.id, "metadata": {"tokens": 120}, "external_id": "e-1"},
            {"name": "llm", "external_customer_id": "alice", "metadata": {"tokens": 30.5}},
            {"name": "llm", "customer_id": bob.id, "metadata": {"tokens": 7}},
            {"name": "other", "customer_id": bob.id, "metadata": {"tokens": 1000}},
        ]
    )
    assert ingested == outputs.EventsIngestResponse(inserted=4, duplicates=0)
    again = tenant.polar.events.ingest(
        events=[{"name": "llm", "customer_id": alice.id, "metadata": {"tokens": 120}, "external_id": "e-1"}]
    )
    assert again == outputs.EventsIngestResponse(inserted=0, duplicates=1)

    page = tenant.polar.customer_meters.list(sorting=["customer_name"])
    assert page.pagination == outputs.Pagination(total_count=2, max_page=1)
    by_customer = {meter.customer_id: meter for meter in page.items}
    assert set(by_customer) == {alice.id, bob.id}
    mine = by_customer[alice.id]
    assert isinstance(mine, outputs.CustomerMeter)
    assert (mine.meter_id, mine.meter.id, mine.meter.name) == (tokens.id, tokens.id, "Tokens")
    assert (mine.customer.id, mine.customer.email) == (alice.id, "alice@example.com")
    assert (mine.consumed_units, mine.credited_units, mine.balance) == (150.5, 0, -150.5)
    assert (by_customer[bob.id].consumed_units, by_customer[bob.id].balance) == (7, -7)
    assert tenant.polar.customer_meters.get(mine.id) == mine
    assert_not_found(tenant, raises(lambda: tenant.polar.customer_meters.get(str(uuid.uuid4()))))

    def listed(**query: Any) -> list[str]:
        return [meter.customer_id for meter in tenant.polar.customer_meters.list(**query).items]

    assert listed(customer_id=bob.id) == [bob.id]
    assert listed(external_customer_id="alice") == [alice.id]
    assert listed(meter_id=tokens.id, sorting=["customer_name"]) == [alice.id, bob.id] or listed(
        meter_id=tokens.id, sorting=["customer_name"]
    ) == [bob.id, alice.id]
    assert listed(meter_id=str(uuid.uuid4())) == []
    assert [m.id for m in tenant.polar.customer_meters.iter_list(limit=1, sorting=["customer_name"])] == [
        m.id for m in page.items
    ]

    # The state of a customer without subscriptions loads in the client as it is.
    state = tenant.polar.customers.get_state(alice.id)
    assert state.active_subscriptions == []
    for active in state.active_meters:
        assert active.meter_id == tokens.id
        assert (active.consumed_units, active.credited_units, active.balance) == (150.5, 0, -150.5)


def test_rejects_an_event_for_an_unknown_customer(tenant: Tenant) -> None:
    [detail] = validation_error(
        tenant, raises(lambda: tenant.polar.events.ingest(events=[{"name": "llm", "customer_id": str(uuid.uuid4())}]))
    )
    assert (detail.loc, detail.type, detail.msg) == (
        ["body", "events", 0, "customer_id"],
        "customer_id",
        "Customer not found.",
    )


def test_a_meter_credit_benefit_credits_the_customer_meter(tenant: Tenant, control: httpx.Client) -> None:
    calls = tenant.polar.meters.create(name="API calls", filter=clause("api_call"), aggregation={"func": "count"})
    credit = tenant.polar.benefits.create(
        type="meter_credit", description="100 calls", properties={"meter_id": calls.id, "units": 100, "rollover": False}
    )
    customer = tenant.polar.customers.create(email="credit@example.com")
    call(control, "/_emulator/benefit-grants", {"customer_id": customer.id, "benefit_id": credit.id})
    tenant.polar.events.ingest(events=[{"name": "api_call", "customer_id": customer.id} for _ in range(3)])

    [meter] = tenant.polar.customer_meters.list(customer_id=customer.id).items
    assert (meter.meter_id, meter.consumed_units, meter.credited_units, meter.balance) == (calls.id, 3, 100, 97)
    state = tenant.polar.customers.get_state(customer.id)
    assert [(m.meter_id, m.consumed_units, m.credited_units, m.balance) for m in state.active_meters] == [
        (calls.id, 3, 100, 97)
    ]
    [granted] = state.granted_benefits
    assert (granted.benefit_id, granted.benefit_type) == (credit.id, "meter_credit")
    # CustomerStateBenefitGrant.properties and BenefitGrant.properties are, on Polar's server, the
    # union BenefitGrantProperties (server/polar/benefit/strategies/__init__.py), which has no
    # meter-credit member (customer/schemas/state.py, benefit/grant/schemas.py:140); so are they in
    # Polar's OpenAPI document and in every client. pydantic validates a meter-credit grant's
    # {"last_credited_meter_id", ...} against that union of TypedDicts, ignores the unknown keys and
    # serializes {}. Only the webhook payload (BenefitGrantMeterCreditWebhook) keeps them.
    raw_state = tenant.recorder.responses[-1].json()
    assert raw_state["granted_benefits"][0]["properties"] == {}
    tenant.polar.benefit_grants.list(customer_id=customer.id)
    [raw_grant] = tenant.recorder.responses[-1].json()["items"]
    assert raw_grant["properties"] == {}


# --------------------------------------------------------------------------------------------
# Updating a meter, and its quantities
# --------------------------------------------------------------------------------------------


def test_updates_a_meter_and_its_aggregation_while_nothing_matches_it(tenant: Tenant) -> None:
    outputs = tenant.api.outputs
    meters = tenant.polar.meters
    tokens = meters.create(
        name="Tokens",
        filter=clause("llm"),
        aggregation={"func": "sum", "property": "tokens"},
        metadata={"team": "core"},
    )
    updated = meters.update(
        tokens.id,
        name="LLM tokens",
        unit="custom",
        custom_label="token",
        custom_multiplier=1000,
        metadata={"team": "platform"},
        filter={"conjunction": "or", "clauses": [{"property": "metadata.kind", "operator": "eq", "value": "llm"}]},
        aggregation={"func": "max", "property": "metadata.tokens"},
    )
    assert isinstance(updated, outputs.Meter)
    assert (updated.id, updated.name, updated.unit, updated.custom_label, updated.custom_multiplier) == (
        tokens.id,
        "LLM tokens",
        "custom",
        "token",
        1000,
    )
    assert updated.metadata == {"team": "platform"}
    # The `metadata.` prefix is Polar's way of writing a property, and is dropped.
    assert updated.filter == outputs.Filter(
        conjunction="or", clauses=[outputs.FilterClause(property="kind", operator="eq", value="llm")]
    )
    assert updated.aggregation == outputs.PropertyAggregation(func="max", property="tokens")
    # Polar answers with the modified_at it read before the write; the change is stored.
    assert (updated.modified_at, updated.archived_at) == (None, None)
    stored = meters.get(tokens.id)
    assert stored.modified_at is not None
    assert stored == dataclasses.replace(updated, modified_at=stored.modified_at)

    customer = tenant.polar.customers.create(email="agg@example.com")
    tenant.polar.events.ingest(
        events=[{"name": "call", "customer_id": customer.id, "metadata": {"kind": "llm", "tokens": 3}}]
    )
    message = "This field can't be updated because the meter is already aggregating events."
    refused = validation_error(
        tenant,
        raises(lambda: meters.update(tokens.id, name="Renamed", filter=clause("llm"), aggregation={"func": "count"})),
    )
    assert [(detail.loc, detail.type, detail.msg) for detail in refused] == [
        (["body", "filter"], "forbidden", message),
        (["body", "aggregation"], "forbidden", message),
    ]
    assert meters.get(tokens.id).name == "LLM tokens"
    assert meters.update(tokens.id, name="Renamed").name == "Renamed"

    [short] = validation_error(tenant, raises(lambda: meters.update(tokens.id, name="ab")))
    assert (short.loc, short.type) == (["body", "name"], "string_too_short")
    assert_not_found(tenant, raises(lambda: meters.update(str(uuid.uuid4()), name="Gone")))


def test_archives_a_meter_no_active_price_uses(tenant: Tenant) -> None:
    meters = tenant.polar.meters
    seats = meters.create(name="Seats", filter=clause("seat"), aggregation={"func": "count"})
    usage = tenant.polar.products.create(
        name="Usage",
        recurring_interval="month",
        prices=[{"amount_type": "metered_unit", "meter_id": seats.id, "unit_amount": "1"}],
    )
    [attached] = validation_error(tenant, raises(lambda: meters.update(seats.id, is_archived=True)))
    assert (attached.loc, attached.msg) == (
        ["body", "is_archived"],
        "Cannot archive meter that is still attached to active products",
    )
    tenant.polar.products.update(usage.id, is_archived=True)
    archived = meters.update(seats.id, is_archived=True)
    assert archived.archived_at is not None
    assert_recent(archived.archived_at)
    assert [meter.id for meter in meters.list(is_archived=True).items] == [seats.id]
    assert meters.list(is_archived=False).items == []
    assert meters.update(seats.id, is_archived=False).archived_at is None


def usage(tenant: Tenant) -> tuple[Any, Any, Any]:
    """Two customers' `llm` events over four days, and a sum meter of their tokens."""
    alice = tenant.polar.customers.create(email="alice@example.com", external_id="ext_alice")
    bob = tenant.polar.customers.create(email="bob@example.com")
    llm = [
        ({"customer_id": alice.id}, "2026-03-07T23:30:00Z", {"tokens": 10, "model": "a"}),
        ({"external_customer_id": "ext_alice"}, "2026-03-08T06:30:00Z", {"tokens": 5.5, "model": "b"}),
        ({"customer_id": bob.id}, "2026-03-08T12:00:00Z", {"tokens": 7, "model": "a"}),
        ({"external_customer_id": "ext_ghost"}, "2026-03-09T01:00:00Z", {"tokens": 1, "model": "a"}),
    ]
    tenant.polar.events.ingest(
        events=[
            *({"name": "llm", **who, "timestamp": at, "metadata": metadata} for who, at, metadata in llm),
            {"name": "other", "customer_id": bob.id, "timestamp": "2026-03-08T12:00:00Z", "metadata": {"tokens": 100}},
        ]
    )
    tokens = tenant.polar.meters.create(
        name="Tokens", filter=clause("llm"), aggregation={"func": "sum", "property": "tokens"}
    )
    return alice, bob, tokens


MARCH_7_TO_10 = {"start_timestamp": "2026-03-07T00:00:00Z", "end_timestamp": "2026-03-10T00:00:00Z", "interval": "day"}


def test_aggregates_a_meters_quantities_by_day_and_time_zone(tenant: Tenant) -> None:
    outputs = tenant.api.outputs
    meters = tenant.polar.meters
    alice, bob, tokens = usage(tenant)

    def rows(values: list[float], start: int = 7) -> list[Any]:
        return [
            outputs.MeterQuantity(timestamp=f"2026-03-{start + index:02d}T00:00:00Z", quantity=value)
            for index, value in enumerate(values)
        ]

    quantities = meters.quantities(tokens.id, **MARCH_7_TO_10)
    assert quantities == outputs.MeterQuantities(quantities=rows([10, 12.5, 1, 0]), total=23.5)
    # Floats, as pydantic writes them: 10.0 loads as a float, not an int.
    assert all(type(row.quantity) is float for row in quantities.quantities)
    assert tenant.recorder.responses[-1].request.url.params.multi_items() == [
        ("start_timestamp", "2026-03-07T00:00:00Z"),
        ("end_timestamp", "2026-03-10T00:00:00Z"),
        ("interval", "day"),
        ("timezone", "UTC"),
    ]
    # The time zone's days: DST moves the rows' instants.
    assert meters.quantities(tokens.id, **MARCH_7_TO_10, timezone="America/New_York") == outputs.MeterQuantities(
        quantities=[
            outputs.MeterQuantity(timestamp="2026-03-07T00:00:00Z", quantity=0),
            outputs.MeterQuantity(timestamp="2026-03-08T00:00:00Z", quantity=10),
            outputs.MeterQuantity(timestamp="2026-03-08T23:00:00Z", quantity=13.5),
            outputs.MeterQuantity(timestamp="2026-03-09T23:00:00Z", quantity=0),
        ],
        total=23.5,
    )
    by_alice = meters.quantities(tokens.id, **MARCH_7_TO_10, customer_id=alice.id)
    assert by_alice == outputs.MeterQuantities(quantities=rows([10, 5.5, 0, 0]), total=15.5)
    assert meters.quantities(tokens.id, **MARCH_7_TO_10, external_customer_id="ext_alice") == by_alice
    assert meters.quantities(tokens.id, **MARCH_7_TO_10, customer_id=[alice.id, bob.id]).total == 22.5
    assert meters.quantities(tokens.id, **MARCH_7_TO_10, metadata={"model": "b"}).total == 5.5
    # Per customer first: each customer's largest day, then the day's sum of those.
    per_customer = meters.quantities(tokens.id, **MARCH_7_TO_10, customer_aggregation_function="max")
    assert per_customer == outputs.MeterQuantities(quantities=rows([10, 7, 1, 0]), total=18)
    month = meters.quantities(
        tokens.id, start_timestamp="2026-03-01T00:00:00Z", end_timestamp="2026-03-31T00:00:00Z", interval="month"
    )
    assert month == outputs.MeterQuantities(
        quantities=[outputs.MeterQuantity(timestamp="2026-03-01T00:00:00Z", quantity=23.5)], total=23.5
    )


def test_refuses_quantities_the_way_polar_does(tenant: Tenant) -> None:
    meters = tenant.polar.meters
    _, _, tokens = usage(tenant)
    [long] = validation_error(
        tenant,
        raises(
            lambda: meters.quantities(
                tokens.id, start_timestamp="2026-03-01T00:00:00Z", end_timestamp="2026-03-09T00:00:00Z", interval="hour"
            )
        ),
    )
    assert (long.loc, long.type) == (["query"], "value_error")
    assert long.msg == (
        "The interval is too small for the given date range. Use a larger interval or reduce the date range."
    )
    invalid = validation_error(
        tenant,
        raises(
            lambda: meters.quantities(
                tokens.id,
                start_timestamp="2022-12-31T00:00:00Z",
                end_timestamp="2026-03-10T00:00:00",
                interval="day",
                timezone="Mars/Olympus",
            )
        ),
    )
    assert [(detail.loc, detail.type) for detail in invalid] == [
        (["query", "start_timestamp"], "greater_than_equal"),
        (["query", "end_timestamp"], "timezone_aware"),
        (["query", "timezone"], "TimeZoneName"),
    ]
    assert_not_found(tenant, raises(lambda: meters.quantities(str(uuid.uuid4()), **MARCH_7_TO_10)))
