"""Events, event names and event types through polar-sdk 1.x, in each version module.

Events: ingested ones (UserEvent) and those Polar records itself (customer.created,
subscription.created, meter.credited, benefit.granted ... each its own class of the client's Event
union), listed with every filter the client sends, sorted and paged, and read one by one. Event names
with their counts. Event types with their statistics, relabelled, and the labels events then show.
Run by test/contract-python-v1.test.ts (see test_customers.py).
"""

from __future__ import annotations

import dataclasses
import json
import uuid
from typing import Any

import httpx
from conftest import Tenant
from support import call, raises
from test_catalog import recurring
from test_customers import assert_not_found, assert_recent, validation_error
from test_meters import clause


def seeded(tenant: Tenant) -> Any:
    """A customer (external id `ext_a`) and three usage events: a run, a step under it (ingested by
    the customer's external id), and an event of a customer the organization does not have."""
    alice = tenant.polar.customers.create(email="alice@example.com", name="Alice", external_id="ext_a")
    ingested = tenant.polar.events.ingest(
        events=[
            {
                "name": "run",
                "customer_id": alice.id,
                "external_id": "run-1",
                "timestamp": "2026-03-01T09:00:00Z",
                "metadata": {"model": "gpt", "tokens": 3},
            },
            {
                "name": "step",
                "external_customer_id": "ext_a",
                "parent_id": "run-1",
                "timestamp": "2026-03-01T09:01:00Z",
                "metadata": {"_cost": {"amount": 1.25, "currency": "usd"}},
            },
            {"name": "other", "external_customer_id": "someone", "timestamp": "2026-03-01T10:00:00Z"},
        ]
    )
    assert ingested == tenant.api.outputs.EventsIngestResponse(inserted=3, duplicates=0)
    # Its first usage event is on the customer now.
    alice = tenant.polar.customers.get(alice.id)
    assert alice.first_user_event_at == "2026-03-01T09:00:00Z"
    return alice


def names(page: Any) -> list[str]:
    return [event.name for event in page.items]


def test_lists_usage_and_system_events_in_the_clients_classes(tenant: Tenant) -> None:
    outputs = tenant.api.outputs
    events = tenant.polar.events
    alice = seeded(tenant)
    page = events.list()
    assert isinstance(page, outputs.ListResourceEvent)
    assert page.pagination == outputs.Pagination(total_count=4, max_page=1)
    created, other, step, run = page.items
    # The client's defaults go on the wire: newest first.
    assert tenant.recorder.responses[-1].request.url.params.multi_items() == [
        ("page", "1"),
        ("limit", "10"),
        ("sorting", "-timestamp"),
    ]

    assert isinstance(created, outputs.CustomerCreatedEvent)
    assert_recent(created.timestamp)
    assert (created.source, created.label, created.customer_id, created.organization_id) == (
        "system",
        "Customer Created",
        alice.id,
        tenant.organization_id,
    )
    assert created.metadata == outputs.CustomerCreatedMetadata(
        customer_id=alice.id, customer_email="alice@example.com", customer_name="Alice", customer_external_id="ext_a"
    )
    assert created.customer == alice

    assert isinstance(run, outputs.UserEvent)
    assert (run.timestamp, run.source, run.label, run.customer_id, run.external_customer_id) == (
        "2026-03-01T09:00:00Z",
        "user",
        "run",
        alice.id,
        None,
    )
    assert (run.child_count, run.parent_id, run.member_id, run.external_member_id) == (1, None, None, None)
    assert run.metadata == {"model": "gpt", "tokens": 3}
    assert run.customer == alice
    # Ingested by external id: no customer_id, but the customer that has it now.
    assert isinstance(step, outputs.UserEvent)
    assert (step.parent_id, step.customer_id, step.external_customer_id, step.child_count) == (
        run.id,
        None,
        "ext_a",
        0,
    )
    assert step.customer == alice
    assert step.metadata == {"_cost": outputs.CostMetadataOutput(amount="1.25", currency="usd")}
    assert (other.external_customer_id, other.customer_id, other.customer, other.metadata) == (
        "someone",
        None,
        None,
        {},
    )

    # One by one: the same event, but a single read counts no children.
    assert events.get(step.id) == step
    assert events.get(run.id) == dataclasses.replace(run, child_count=0)
    assert events.get(created.id) == created
    assert_not_found(tenant, raises(lambda: events.get(str(uuid.uuid4()))))


def test_records_the_system_events_of_a_subscription_and_its_grants(tenant: Tenant, control: httpx.Client) -> None:
    outputs = tenant.api.outputs
    calls = tenant.polar.meters.create(name="API calls", filter=clause("api_call"), aggregation={"func": "count"})
    credit = tenant.polar.benefits.create(
        type="meter_credit", description="100 calls", properties={"meter_id": calls.id, "units": 100, "rollover": False}
    )
    product = tenant.polar.products.update_benefits(recurring(tenant).id, benefits=[credit.id])
    customer = tenant.polar.customers.create(email="sub@example.com")
    started = call(control, "/_emulator/subscriptions", {"customer_id": customer.id, "product_id": product.id}, 201)
    subscription_id = started["subscription"]["id"]
    tenant.polar.subscriptions.revoke(subscription_id)

    listed = tenant.polar.events.list(source="system", sorting=["timestamp"], limit=100).items
    assert [(type(event), event.name) for event in listed] == [
        (outputs.CustomerCreatedEvent, "customer.created"),
        (outputs.SubscriptionCreatedEvent, "subscription.created"),
        (outputs.MeterCreditEvent, "meter.credited"),
        (outputs.BenefitGrantedEvent, "benefit.granted"),
        (outputs.SubscriptionCanceledEvent, "subscription.canceled"),
        (outputs.SubscriptionRevokedEvent, "subscription.revoked"),
        (outputs.MeterCreditEvent, "meter.credited"),
        (outputs.BenefitRevokedEvent, "benefit.revoked"),
    ]
    created, credited = listed[1], listed[2]
    assert (created.metadata.subscription_id, created.metadata.product_id, created.metadata.amount) == (
        subscription_id,
        product.id,
        1500,
    )
    assert (created.metadata.currency, created.metadata.recurring_interval) == ("usd", "month")
    assert (credited.metadata.meter_id, credited.metadata.units, credited.metadata.rollover) == (calls.id, 100, False)
    assert (listed[3].metadata.benefit_id, listed[3].metadata.benefit_type) == (credit.id, "meter_credit")
    assert {event.customer_id for event in listed} == {customer.id}
    for event in listed:
        assert tenant.polar.events.get(event.id) == event


def test_filters_sorts_and_pages_events(tenant: Tenant) -> None:
    events = tenant.polar.events
    alice = seeded(tenant)
    run = events.list(name="run").items[0]
    assert names(events.list(name=["run", "step"])) == ["step", "run"]
    assert names(events.list(source="system")) == ["customer.created"]
    assert names(events.list(source=["user"], sorting=["timestamp"])) == ["run", "step", "other"]
    # A customer's events: by its id, and by the external id it has.
    assert names(events.list(customer_id=alice.id)) == ["customer.created", "step", "run"]
    assert names(events.list(external_customer_id="ext_a")) == ["customer.created", "step", "run"]
    assert names(events.list(external_customer_id=["someone"])) == ["other"]
    assert names(events.list(customer_id=str(uuid.uuid4()))) == []
    # The time window is exclusive at both ends.
    assert names(events.list(start_timestamp="2026-03-01T09:00:00Z", end_timestamp="2026-03-01T10:00:00Z")) == [
        "step"
    ]
    assert names(events.list(parent_id=run.id)) == ["step"]
    assert names(events.list(depth=0, source="user")) == ["other", "run"]
    assert names(events.list(metadata={"model": "gpt"})) == ["run"]
    assert names(events.list(filter=json.dumps(clause("other")))) == ["other"]
    assert names(events.list(query="ALICE", organization_id=tenant.organization_id)) == [
        "customer.created",
        "step",
        "run",
    ]
    meter = tenant.polar.meters.create(name="Runs", filter=clause("run"), aggregation={"func": "count"})
    assert names(events.list(meter_id=meter.id)) == ["run"]
    assert events.list(organization_id=str(uuid.uuid4())).items == []

    second = events.list(limit=3, page=2)
    assert names(second) == ["run"]
    assert second.pagination == tenant.api.outputs.Pagination(total_count=4, max_page=2)
    assert events.list(limit=3, page=3).items == []

    [query] = validation_error(tenant, raises(lambda: events.list(query="alice")))
    assert (query.loc, query.msg) == (["query", "query"], "Query is only supported when organization_id is provided.")
    unknown = str(uuid.uuid4())
    [meter_id] = validation_error(tenant, raises(lambda: events.list(meter_id=unknown)))
    assert (meter_id.loc, meter_id.type, meter_id.msg, meter_id.input) == (
        ["query", "meter_id"],
        "meter_id",
        "Meter not found.",
        unknown,
    )
    [depth] = validation_error(tenant, raises(lambda: events.list(depth=6)))
    assert (depth.loc, depth.type) == (["query", "depth"], "less_than_equal")
    [naive] = validation_error(tenant, raises(lambda: events.list(start_timestamp="2026-03-01T00:00:00")))
    assert (naive.loc, naive.type) == (["query", "start_timestamp"], "timezone_aware")


def test_lists_event_names_with_their_counts(tenant: Tenant) -> None:
    outputs = tenant.api.outputs
    events = tenant.polar.events
    seeded(tenant)
    tenant.polar.events.ingest(
        events=[{"name": "run", "external_customer_id": "ext_a", "timestamp": "2026-03-02T09:00:00Z"}]
    )
    page = events.list_names()
    assert page.pagination == outputs.Pagination(total_count=4, max_page=1)
    system, *user = page.items
    assert (system.name, system.label, system.source, system.occurrences) == (
        "customer.created",
        "Customer Created",
        "system",
        1,
    )
    assert_recent(system.first_seen)
    assert system.last_seen == system.first_seen
    assert user == [
        outputs.EventName(
            name="run",
            label="run",
            source="user",
            occurrences=2,
            first_seen="2026-03-01T09:00:00Z",
            last_seen="2026-03-02T09:00:00Z",
        ),
        outputs.EventName(
            name="other",
            label="other",
            source="user",
            occurrences=1,
            first_seen="2026-03-01T10:00:00Z",
            last_seen="2026-03-01T10:00:00Z",
        ),
        outputs.EventName(
            name="step",
            label="step",
            source="user",
            occurrences=1,
            first_seen="2026-03-01T09:01:00Z",
            last_seen="2026-03-01T09:01:00Z",
        ),
    ]
    assert tenant.recorder.responses[-1].request.url.params.multi_items() == [
        ("page", "1"),
        ("limit", "10"),
        ("sorting", "-last_seen"),
    ]
    assert [item.name for item in events.list_names(sorting=["-occurrences", "name"], limit=1).items] == ["run"]
    assert events.list_names(limit=1).pagination == outputs.Pagination(total_count=4, max_page=4)
    assert [item.name for item in events.list_names(source="user", query="RUN").items] == ["run"]
    assert [item.name for item in events.list_names(external_customer_id="someone").items] == ["other"]
    assert [item.name for item in events.iter_list_names(limit=1, sorting=["name"])] == [
        "customer.created",
        "other",
        "run",
        "step",
    ]
    [bad] = validation_error(tenant, raises(lambda: events.list_names(sorting=["label"])))  # type: ignore[list-item]
    assert (bad.loc, bad.type) == (["query", "sorting", 0], "enum")


def test_lists_and_relabels_event_types(tenant: Tenant) -> None:
    outputs = tenant.api.outputs
    event_types = tenant.polar.event_types
    alice = tenant.polar.customers.create(email="bob@example.com", external_id="ext_b")
    tenant.polar.events.ingest(
        events=[
            {
                "name": "chat",
                "customer_id": alice.id,
                "external_id": "c1",
                "timestamp": "2026-03-01T08:00:00Z",
                "metadata": {"subject": "Hello"},
            },
            {"name": "chat", "external_customer_id": "ext_b", "timestamp": "2026-03-01T09:00:00Z"},
            {"name": "tool", "external_customer_id": "other", "parent_id": "c1", "timestamp": "2026-03-01T10:00:00Z"},
        ]
    )
    page = event_types.list()
    assert page.pagination == outputs.Pagination(total_count=3, max_page=1)
    created, tool, chat = page.items
    # A system event type has no row of its own: no id, no dates.
    assert (created.id, created.created_at, created.modified_at, created.name, created.source) == (
        None,
        None,
        None,
        "customer.created",
        "system",
    )
    assert (created.label, created.occurrences, created.organization_id) == (
        "Customer Created",
        1,
        tenant.organization_id,
    )
    assert chat == outputs.EventTypeWithStats(
        id=chat.id,
        created_at=chat.created_at,
        modified_at=None,
        name="chat",
        label="chat",
        label_property_selector=None,
        organization_id=tenant.organization_id,
        source="user",
        occurrences=2,
        first_seen="2026-03-01T08:00:00Z",
        last_seen="2026-03-01T09:00:00Z",
    )
    assert chat.id is not None and chat.created_at is not None
    assert_recent(chat.created_at)
    assert (tool.name, tool.occurrences) == ("tool", 1)

    def pairs(**query: Any) -> list[str]:
        return [f"{item.name}/{item.source}" for item in event_types.list(**query).items]

    assert pairs(customer_id=alice.id) == ["customer.created/system", "chat/user"]
    assert pairs(external_customer_id="other") == ["tool/user"]
    assert pairs(source="user", root_events=True) == ["chat/user"]
    first_chat = tenant.polar.events.list(name="chat", sorting=["timestamp"]).items[0]
    assert pairs(parent_id=first_chat.id) == ["tool/user"]
    assert pairs(query="CREATED") == ["customer.created/system"]
    assert pairs(sorting=["name"]) == ["chat/user", "customer.created/system", "tool/user"]
    assert pairs(limit=2, page=2) == ["chat/user"]
    assert [f"{item.name}/{item.source}" for item in event_types.iter_list(limit=1, sorting=["name"])] == [
        "chat/user",
        "customer.created/system",
        "tool/user",
    ]

    relabelled = event_types.update(chat.id, label="  Chat message  ", label_property_selector=" subject ")
    assert relabelled == outputs.EventType(
        created_at=chat.created_at,
        modified_at=None,
        id=chat.id,
        name="chat",
        label="Chat message",
        label_property_selector="subject",
        organization_id=tenant.organization_id,
    )
    [listed] = event_types.list(query="chat").items
    assert (listed.label, listed.label_property_selector) == ("Chat message", "subject")
    assert listed.modified_at is not None
    # The selector's value labels the event that has one; the other takes the label.
    assert [event.label for event in tenant.polar.events.list(name="chat").items] == ["Chat message", "Hello"]
    assert [item.label for item in tenant.polar.events.list_names(query="chat").items] == ["Chat message"]

    missing = raises(lambda: event_types.update(str(uuid.uuid4()), label="Mine"))
    # The client declares this 404 without a body model (errors.py `EventTypesUpdate404Error`).
    assert isinstance(missing, tenant.api.errors.EventTypesUpdate404Error), repr(missing)
    assert (missing.status_code, missing.error) == (404, None)
    assert tenant.recorder.responses[-1].json() == {"error": "ResourceNotFound", "detail": "Not found"}
    [blank] = validation_error(tenant, raises(lambda: event_types.update(chat.id, label="   ")))
    assert (blank.loc, blank.type, blank.msg) == (
        ["body", "label"],
        "value_error",
        "Value error, Label cannot be empty or only whitespace",
    )
