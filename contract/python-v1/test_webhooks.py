"""Webhooks through polar-sdk 1.x, in each version module: the endpoint operations (create with
`api_version`, get, list, update, secret reset, delete), the deliveries list and redelivery, and,
above all, what a real receiver gets: every request the emulator sends must pass the module's own
`polar.<version>.webhooks.validate_event(body, headers, secret)` and load as its payload model.

What Polar does now (docs/polar-versions.md §1.4, §5): an endpoint has an `api_version` (≤ the
request's version), each event is rendered in it (`"api_version"` in the payload, a
`webhook-api-version` header, `WebhookEvent.api_version`), and a secret Polar generates today is
`whsec_` + base64 of 32 bytes, signed per Standard Webhooks (the key is the base64-decoded part after
`whsec_`; `uses_standard_webhook_signature` is true).

Run by test/contract-python-v1.test.ts (see test_customers.py).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from conftest import Tenant, new_tenant
from support import (
    Api,
    Received,
    Receiver,
    assert_fails_only_on_state_status,
    call,
    load,
    raises,
    wait_for,
    webhook_events,
)
from test_catalog import recurring
from test_customers import ISO_Z, UUID4, assert_not_found, parse_time, validation_error

STANDARD_SECRET = re.compile(r"^whsec_[A-Za-z0-9+/]{43}=$")
SIGNATURE = re.compile(r"^v1,[A-Za-z0-9+/]{43}=$")
SUPPORTED = ("2026-04", "2026-10", "2027-01")


def standard_key(secret: str) -> bytes:
    """Standard Webhooks: the key is the base64-decoded part after `whsec_`."""
    assert STANDARD_SECRET.match(secret), f"not a Standard Webhooks secret (whsec_ + base64 of 32 bytes): {secret}"
    return base64.b64decode(secret.removeprefix("whsec_"), validate=True)


def sign(key: bytes, webhook_id: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(key, f"{webhook_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def endpoint(tenant: Tenant, receiver: Receiver, path: str, events: list[str], **fields: Any) -> Any:
    return tenant.polar.webhooks.create_webhook_endpoint(
        url=receiver.url(path), format="raw", events=events, name=f"receiver {path}", **fields
    )


def validate(api: Api, request: Received, secret: str) -> Any:
    return api.webhooks.validate_event(request.body, request.headers, secret)


# --------------------------------------------------------------------------------------------
# Endpoints
# --------------------------------------------------------------------------------------------


def test_creates_an_endpoint_in_the_request_version(tenant: Tenant, receiver: Receiver) -> None:
    outputs = tenant.api.outputs
    made = endpoint(tenant, receiver, "/create", ["customer.created"], api_version=tenant.api.version)
    assert isinstance(made, outputs.WebhookEndpoint)
    assert UUID4.match(made.id) and ISO_Z.match(made.created_at)
    assert (made.url, made.name, made.format, made.events) == (
        receiver.url("/create"),
        "receiver /create",
        "raw",
        ["customer.created"],
    )
    assert (made.api_version, made.enabled, made.organization_id) == (tenant.api.version, True, tenant.organization_id)
    # Generated now: whsec_ + base64 of 32 random bytes, signed per Standard Webhooks.
    assert STANDARD_SECRET.match(made.secret), made.secret
    assert len(standard_key(made.secret)) == 32
    assert made.uses_standard_webhook_signature is True
    assert tenant.polar.webhooks.get_webhook_endpoint(made.id) == made


def test_api_version_is_optional_and_bounded_by_the_request_version(tenant: Tenant, receiver: Receiver) -> None:
    # Left out, it is the server's Current version (a setting of the emulator).
    default = endpoint(tenant, receiver, "/default", ["customer.created"])
    assert default.api_version in SUPPORTED
    oldest = endpoint(tenant, receiver, "/oldest", ["customer.created"], api_version="2026-04")
    assert oldest.api_version == "2026-04"

    newer = [version for version in SUPPORTED if version > tenant.api.version] or ["2027-04"]
    for version in [*newer, "2025-01", "2026-4"]:
        [detail] = validation_error(
            tenant,
            raises(lambda: endpoint(tenant, receiver, "/bad", ["customer.created"], api_version=version)),
        )
        assert detail.loc[:2] == ["body", "api_version"], detail
    assert [e.id for e in tenant.polar.webhooks.list_webhook_endpoints().items] == [oldest.id, default.id]


def test_accepts_every_event_type_the_module_knows(tenant: Tenant, receiver: Receiver) -> None:
    every = list(tenant.api.literals.WebhookEventType.__args__)
    assert "subscription.migrated" in every
    made = endpoint(tenant, receiver, "/every", every)
    assert made.events == every


def test_lists_updates_resets_and_deletes_endpoints(tenant: Tenant, receiver: Receiver) -> None:
    webhooks = tenant.polar.webhooks
    first = endpoint(tenant, receiver, "/one", ["customer.created"])
    time.sleep(0.003)
    second = endpoint(tenant, receiver, "/two", ["customer.updated", "customer.deleted"])
    page = webhooks.list_webhook_endpoints()
    assert [e.id for e in page.items] == [second.id, first.id]
    assert page.pagination == tenant.api.outputs.Pagination(total_count=2, max_page=1)
    assert [e.id for e in webhooks.iter_list_webhook_endpoints(limit=1)] == [second.id, first.id]
    assert webhooks.list_webhook_endpoints(organization_id=str(uuid.uuid4())).items == []

    updated = webhooks.update_webhook_endpoint(
        first.id,
        url=receiver.url("/moved"),
        name="moved",
        events=["customer.created", "customer.deleted"],
        enabled=False,
        api_version="2026-04",
    )
    assert (updated.url, updated.name, updated.events, updated.enabled, updated.api_version) == (
        receiver.url("/moved"),
        "moved",
        ["customer.created", "customer.deleted"],
        False,
        "2026-04",
    )
    assert updated.secret == first.secret and updated.modified_at is not None
    assert webhooks.get_webhook_endpoint(first.id) == updated

    reset = webhooks.reset_webhook_endpoint_secret(first.id)
    assert reset.secret != first.secret and STANDARD_SECRET.match(reset.secret)
    assert reset.uses_standard_webhook_signature is True
    assert webhooks.get_webhook_endpoint(first.id).secret == reset.secret

    assert webhooks.delete_webhook_endpoint(first.id) is None
    for gone in (
        lambda: webhooks.get_webhook_endpoint(first.id),
        lambda: webhooks.update_webhook_endpoint(first.id, name="x"),
        lambda: webhooks.reset_webhook_endpoint_secret(first.id),
        lambda: webhooks.delete_webhook_endpoint(first.id),
        lambda: webhooks.redeliver_webhook_event(str(uuid.uuid4())),
    ):
        assert_not_found(tenant, raises(gone))
    assert [e.id for e in webhooks.list_webhook_endpoints().items] == [second.id]


# --------------------------------------------------------------------------------------------
# The scenario: one organization per module, events set off through the client, all received
# --------------------------------------------------------------------------------------------

# What the scenario emits that the receiver must get, per type (the emulator's debounce is off by
# default: one customer.state_changed per change).
EMITTED = [
    "benefit.created",
    "product.created",
    "product.updated",
    "customer.created",
    "customer.updated",
    "customer.deleted",
    "customer.state_changed",
    "subscription.created",
    "subscription.active",
    "subscription.updated",
    "subscription.canceled",
    "subscription.uncanceled",
    "subscription.revoked",
    "benefit_grant.created",
    "benefit_grant.revoked",
    "discount.created",
    "discount.updated",
    "discount.deleted",
]


@dataclass
class Scenario:
    api: Api
    tenant: Tenant
    endpoint: Any
    customer: Any
    product: Any
    perk: Any
    subscription_id: str
    discount: Any
    received: list[Received] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)  # the control plane's log


@pytest.fixture(scope="module")
def scenario(api: Api, control: httpx.Client, base_url: str, receiver: Receiver) -> Iterator[Scenario]:
    tenant = new_tenant(api, control, base_url)
    path = f"/scenario/{api.name}"
    with tenant.polar:
        polar = tenant.polar
        hook = endpoint(tenant, receiver, path, EMITTED, api_version=api.version)
        perk = polar.benefits.create(type="custom", description="Priority support", properties={"note": "Mail us"})
        product = recurring(tenant, "Webhooks Pro", 1500)
        product = polar.products.update_benefits(product.id, benefits=[perk.id])
        # A name beyond ASCII: the signature covers the body's UTF-8 bytes as sent.
        customer = polar.customers.create(email="hooks@example.com", name="Zoë Ångström", external_id="hooks-1")
        customer = polar.customers.update(customer.id, metadata={"plan": "pro"})
        started = call(control, "/_emulator/subscriptions", {"customer_id": customer.id, "product_id": product.id}, 201)
        subscription_id = started["subscription"]["id"]
        polar.subscriptions.update(subscription_id, cancel_at_period_end=True)
        polar.subscriptions.update(subscription_id, cancel_at_period_end=False)
        polar.subscriptions.revoke(subscription_id)
        discount = polar.discounts.create(type="percentage", name="Half", duration="once", basis_points=5000)
        discount = polar.discounts.update(discount.id, name="Half off")
        polar.discounts.delete(discount.id)
        gone = polar.customers.create(email="gone@example.com")
        polar.customers.delete(gone.id)

        events = webhook_events(control, hook.id)
        wait_for(control, len(events), endpoint_id=hook.id, succeeded="true")
        made = Scenario(api, tenant, hook, customer, product, perk, subscription_id, discount)
        made.events = webhook_events(control, hook.id)
        made.received = receiver.at(path)
        tenant.recorder.check(api)
        yield made


def test_the_receiver_gets_each_event_once_in_order(scenario: Scenario) -> None:
    received = scenario.received
    assert set(Counter(request.type for request in received)) == set(EMITTED)
    assert [request.webhook_id for request in received] == [event["id"] for event in scenario.events]
    assert len({request.webhook_id for request in received}) == len(received)


def test_every_request_carries_polars_headers_and_a_standard_signature(scenario: Scenario) -> None:
    key = standard_key(scenario.endpoint.secret)
    for request in scenario.received:
        headers = request.headers
        assert headers["user-agent"] == "polar.sh webhooks"
        assert headers["content-type"].startswith("application/json")
        assert UUID4.match(headers["webhook-id"]), headers
        assert re.fullmatch(r"\d+", headers["webhook-timestamp"]), headers
        assert abs(int(headers["webhook-timestamp"]) - request.at) < 60
        assert SIGNATURE.match(headers["webhook-signature"]), headers
        # Standard Webhooks' key, not the UTF-8 bytes of the whole secret.
        assert headers["webhook-signature"] == sign(key, request.webhook_id, headers["webhook-timestamp"], request.body)
        assert headers.get("webhook-api-version") == scenario.api.version, headers


def test_every_payload_is_rendered_in_the_endpoints_version(scenario: Scenario) -> None:
    for request in scenario.received:
        body = request.json
        assert set(body) == {"type", "timestamp", "api_version", "data"}, (request.type, list(body))
        assert body["api_version"] == scenario.api.version
        assert ISO_Z.match(body["timestamp"]), body["timestamp"]
        # Compact JSON, as Polar's pydantic dump.
        assert request.body == json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()


def test_validate_event_loads_every_request(scenario: Scenario) -> None:
    api, secret = scenario.api, scenario.endpoint.secret
    payload_models = {
        "benefit.created": api.webhooks.WebhookBenefitCreatedPayload,
        "product.created": api.webhooks.WebhookProductCreatedPayload,
        "product.updated": api.webhooks.WebhookProductUpdatedPayload,
        "customer.created": api.webhooks.WebhookCustomerCreatedPayload,
        "customer.updated": api.webhooks.WebhookCustomerUpdatedPayload,
        "customer.deleted": api.webhooks.WebhookCustomerDeletedPayload,
        "customer.state_changed": api.webhooks.WebhookCustomerStateChangedPayload,
        "subscription.created": api.webhooks.WebhookSubscriptionCreatedPayload,
        "subscription.active": api.webhooks.WebhookSubscriptionActivePayload,
        "subscription.updated": api.webhooks.WebhookSubscriptionUpdatedPayload,
        "subscription.canceled": api.webhooks.WebhookSubscriptionCanceledPayload,
        "subscription.uncanceled": api.webhooks.WebhookSubscriptionUncanceledPayload,
        "subscription.revoked": api.webhooks.WebhookSubscriptionRevokedPayload,
        "benefit_grant.created": api.webhooks.WebhookBenefitGrantCreatedPayload,
        "benefit_grant.revoked": api.webhooks.WebhookBenefitGrantRevokedPayload,
        "discount.created": api.webhooks.WebhookDiscountCreatedPayload,
        "discount.updated": api.webhooks.WebhookDiscountUpdatedPayload,
        "discount.deleted": api.webhooks.WebhookDiscountDeletedPayload,
    }
    with_subscription = 0
    for request in scenario.received:
        body = request.json
        if body["type"] == "customer.state_changed" and body["data"]["active_subscriptions"]:
            # The client's CustomerStateSubscription.status bug (support.py): the signature passes,
            # then loading the payload fails on exactly that field.
            with_subscription += 1
            error = raises(lambda: validate(api, request, secret))
            assert type(error) is api.webhooks.PolarWebhookError, repr(error)
            assert_fails_only_on_state_status(api, error.__cause__, body["data"])
            event = load(api, body, payload_models[body["type"]])
        else:
            event = validate(api, request, secret)
        assert type(event) is payload_models[body["type"]], (body["type"], type(event))
        assert (event.type, event.api_version, event.timestamp) == (body["type"], api.version, body["timestamp"])
    assert with_subscription > 0


def test_payloads_carry_what_the_api_returns(scenario: Scenario) -> None:
    api, polar = scenario.api, scenario.tenant.polar
    events = [
        (request.json["type"], load(api, request.json, api.webhooks.WebhookPayload)) for request in scenario.received
    ]

    def data(event_type: str) -> list[Any]:
        return [event.data for kind, event in events if kind == event_type]

    [created] = [c for c in data("customer.created") if c.id == scenario.customer.id]
    assert data("customer.updated") == [scenario.customer]
    assert (created.email, created.name) == ("hooks@example.com", "Zoë Ångström")
    assert data("benefit.created") == [scenario.perk]
    assert data("product.updated") == [scenario.product]
    [discount_created] = data("discount.created")
    assert (discount_created.id, discount_created.name) == (scenario.discount.id, "Half")
    assert data("discount.updated") == [scenario.discount]
    assert [d.id for d in data("discount.deleted")] == [scenario.discount.id]
    [deleted] = data("customer.deleted")
    assert deleted.email == "gone@example.com" and deleted.deleted_at is not None

    statuses = {kind: [s.status for s in data(kind)] for kind in ("subscription.created", "subscription.revoked")}
    assert statuses == {"subscription.created": ["active"], "subscription.revoked": ["canceled"]}
    # Canceled twice: at period end, then at once by the revocation (which also sends .revoked).
    at_period_end, at_once = data("subscription.canceled")
    assert (at_period_end.id, at_period_end.status, at_period_end.cancel_at_period_end) == (
        scenario.subscription_id,
        "active",
        True,
    )
    assert (at_once.id, at_once.status) == (scenario.subscription_id, "canceled")
    [revoked] = data("subscription.revoked")
    assert revoked == polar.subscriptions.get(scenario.subscription_id)
    [granted] = data("benefit_grant.created")
    [lost] = data("benefit_grant.revoked")
    assert (granted.benefit_id, granted.customer_id, granted.subscription_id) == (
        scenario.perk.id,
        scenario.customer.id,
        scenario.subscription_id,
    )
    assert (granted.is_granted, lost.is_revoked, lost.id) == (True, True, granted.id)
    # The last customer.state_changed of the customer is its state now (no subscription left).
    last = [s for s in data("customer.state_changed") if s.id == scenario.customer.id][-1]
    assert last == polar.customers.get_state(scenario.customer.id)
    scenario.tenant.recorder.check(api)


def test_a_tampered_request_is_refused(scenario: Scenario) -> None:
    api, secret = scenario.api, scenario.endpoint.secret
    [request] = [r for r in scenario.received if r.type == "customer.updated"]
    assert isinstance(validate(api, request, secret), api.webhooks.WebhookCustomerUpdatedPayload)
    headers, body = request.headers, request.body
    key = standard_key(secret)
    now = str(int(time.time()))
    stale = str(int(time.time()) - 600)

    def resigned(timestamp: str) -> dict[str, str]:
        return {
            **headers,
            "webhook-timestamp": timestamp,
            "webhook-signature": sign(key, request.webhook_id, timestamp, body),
        }

    cases = {
        "body": (body.replace("Zoë".encode(), b"Zoe", 1), headers, secret),
        "webhook-id": (body, {**headers, "webhook-id": str(uuid.uuid4())}, secret),
        "webhook-timestamp": (
            body,
            {**headers, "webhook-timestamp": str(int(headers["webhook-timestamp"]) + 1)},
            secret,
        ),
        "secret": (body, headers, "whsec_" + base64.b64encode(b"\0" * 32).decode()),
        "no signature": (body, {k: v for k, v in headers.items() if k != "webhook-signature"}, secret),
        "stale": (body, resigned(stale), secret),
    }
    for name, (tampered, tampered_headers, tampered_secret) in cases.items():
        error = raises(lambda: api.webhooks.validate_event(tampered, tampered_headers, tampered_secret))
        assert isinstance(error, api.webhooks.PolarWebhookVerificationError), (name, repr(error))
    assert isinstance(
        api.webhooks.validate_event(body, resigned(now), secret), api.webhooks.WebhookCustomerUpdatedPayload
    )
    # A type the module does not know is refused after the signature passed.
    unknown = body.replace(b'"customer.updated"', b'"customer.unknown"', 1)
    unknown_headers = {
        **headers,
        "webhook-timestamp": now,
        "webhook-signature": sign(key, request.webhook_id, now, unknown),
    }
    error = raises(lambda: api.webhooks.validate_event(unknown, unknown_headers, secret))
    assert isinstance(error, api.webhooks.PolarWebhookUnknownTypeError) and error.event_type == "customer.unknown"


def test_the_client_lists_the_deliveries(scenario: Scenario) -> None:
    api, webhooks = scenario.api, scenario.tenant.polar.webhooks
    by_id = {request.webhook_id: request for request in scenario.received}
    deliveries = list(webhooks.iter_list_webhook_deliveries(endpoint_id=scenario.endpoint.id, limit=7))
    assert len(deliveries) == len(scenario.received)
    assert {delivery.webhook_event.id for delivery in deliveries} == set(by_id)
    for delivery in deliveries:
        assert (delivery.succeeded, delivery.http_code, delivery.response) == (True, 200, '{"received":true}')
        event = delivery.webhook_event
        assert (event.payload, event.type) == (by_id[event.id].body.decode(), by_id[event.id].type)
        assert (event.succeeded, event.last_http_code, event.skipped, event.is_archived) == (True, 200, False, False)
        assert event.api_version == api.version
    # As instants: Polar writes a whole second without a fraction ("...:11Z" sorts after "...:11.5Z" as text).
    times = [parse_time(delivery.created_at) for delivery in deliveries]
    assert times == sorted(times, reverse=True)

    states = webhooks.list_webhook_deliveries(
        endpoint_id=scenario.endpoint.id, event_type="customer.state_changed", limit=100
    )
    assert {d.webhook_event.type for d in states.items} == {"customer.state_changed"}
    assert len(states.items) == sum(1 for r in scenario.received if r.type == "customer.state_changed")
    assert webhooks.list_webhook_deliveries(endpoint_id=scenario.endpoint.id, succeeded=False).items == []
    assert webhooks.list_webhook_deliveries(endpoint_id=scenario.endpoint.id, http_code_class="5xx").items == []
    scenario.tenant.recorder.check(api)


def test_a_redelivery_resends_the_same_bytes_signed_anew(
    scenario: Scenario, control: httpx.Client, receiver: Receiver
) -> None:
    api, webhooks = scenario.api, scenario.tenant.polar.webhooks
    first = next(r for r in scenario.received if r.type == "customer.created")
    webhooks.redeliver_webhook_event(first.webhook_id)
    wait_for(control, 2, endpoint_id=scenario.endpoint.id, webhook_event_id=first.webhook_id)
    again = [r for r in receiver.at(f"/scenario/{api.name}") if r.webhook_id == first.webhook_id]
    assert len(again) == 2 and again[1].body == first.body
    assert again[1].headers["webhook-signature"] == sign(
        standard_key(scenario.endpoint.secret), first.webhook_id, again[1].headers["webhook-timestamp"], first.body
    )
    assert validate(api, again[1], scenario.endpoint.secret) == validate(api, first, scenario.endpoint.secret)
    scenario.tenant.recorder.check(api)


def test_a_version_change_applies_to_later_events_only(
    tenant: Tenant, control: httpx.Client, receiver: Receiver
) -> None:
    api = tenant.api
    path = f"/versioned/{api.name}"
    hook = endpoint(tenant, receiver, path, ["customer.created"], api_version="2026-04")
    before = tenant.polar.customers.create(email="before@example.com")
    wait_for(control, 1, endpoint_id=hook.id, succeeded="true")
    tenant.polar.webhooks.update_webhook_endpoint(hook.id, api_version=api.version)
    after = tenant.polar.customers.create(email="after@example.com")
    wait_for(control, 2, endpoint_id=hook.id, succeeded="true")
    tenant.polar.webhooks.redeliver_webhook_event(receiver.at(path)[0].webhook_id)
    wait_for(control, 3, endpoint_id=hook.id, succeeded="true")

    requests = receiver.at(path)
    assert [r.json["data"]["id"] for r in requests] == [before.id, after.id, before.id]
    assert [r.json.get("api_version") for r in requests] == ["2026-04", api.version, "2026-04"]
    assert [r.headers.get("webhook-api-version") for r in requests] == ["2026-04", api.version, "2026-04"]
    assert requests[2].body == requests[0].body
    # This module's validate_event reads a payload of another version: its models are the same
    # for customers (docs/polar-versions.md §2.1), and api_version says which it was.
    for request in requests:
        event = validate(api, request, hook.secret)
        assert isinstance(event, api.webhooks.WebhookCustomerCreatedPayload)
        assert event.api_version == request.json["api_version"]
    deliveries = tenant.polar.webhooks.list_webhook_deliveries(endpoint_id=hook.id).items
    assert sorted(d.webhook_event.api_version for d in deliveries) == sorted(["2026-04", api.version, "2026-04"])
