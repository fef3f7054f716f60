"""Contract test: the emulator's webhooks, received and verified by Polar's official Python client.

A real receiver (http.server on 127.0.0.1, a free port) records every request as it arrived: raw
body bytes and headers. Endpoints for it are registered through Polar's API with polar-sdk; the
emulator is made to emit events through the SDK (benefits, a product, a customer) and through its
control plane (a subscription, a direct benefit grant and its revocation, an explicit
customer.state_changed, an event sent on demand). Then every request must pass the SDK's own
`polar_sdk.webhooks.validate_event(body, headers, secret)` (Standard Webhooks signature with Polar's
key rule, then the payload models), and a tampered one must raise its WebhookVerificationError.

The endpoints subscribe to every event type that validate_event of polar-sdk 0.32.0 can parse: the
members of its payload union. `WebhookEventType` also lists subscription.paused and
subscription.resumed, which that union lacks (the SDK would raise a pydantic error on them, not
WebhookUnknownTypeError), so a real user of this client leaves those two out, and so do we.

Run by test/contract-python.test.ts, which starts an emulator and sets POLAR_EMULATOR_URL and
POLAR_EMULATOR_TOKEN (see test_customers.py).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import threading
import time
import typing
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
from polar_sdk import Polar, models
from polar_sdk.webhooks import WebhookVerificationError, WebhoookPayload, validate_event
from pydantic import TypeAdapter
from standardwebhooks.webhooks import WebhookVerificationError as StandardWebhookVerificationError
from strict import Recorder, assert_recorded_strictly_valid, env, strict_problems

CHOSEN_SECRET = re.compile(r"^whsec_chosen[0-9a-f]{32}$")
# What Polar generates since 2026-09-08: whsec_ and the base64 of 32 random bytes.
GENERATED_SECRET = re.compile(r"^whsec_[A-Za-z0-9+/]{43}=$")
UUID4 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
SIGNATURE = re.compile(r"^v1,[A-Za-z0-9+/]{43}=$")
ISO_Z = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")
RECEIVER_ANSWER = b'{"received":true}'


def _union_tags(annotated: Any) -> dict[str, type]:
    """The event types validate_event parses, each with its payload model: the union's Tag()s."""
    union = typing.get_args(annotated)[0]
    tags: dict[str, type] = {}
    for member in typing.get_args(union):
        model, *metadata = typing.get_args(member)
        tags[next(m.tag for m in metadata if hasattr(m, "tag"))] = model
    return tags


PAYLOAD_MODELS = _union_tags(WebhoookPayload)
PARSEABLE_TYPES = [t for t in models.WebhookEventType if t.value in PAYLOAD_MODELS]
PAYLOAD_ADAPTER: TypeAdapter[Any] = TypeAdapter(WebhoookPayload)


# --------------------------------------------------------------------------------------------
# The receiver
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]  # as sent, names lower-cased
    body: bytes
    at: float

    @property
    def webhook_id(self) -> str:
        return self.headers["webhook-id"]

    @property
    def json(self) -> dict[str, Any]:
        return json.loads(self.body)

    @property
    def type(self) -> str:
        return self.json["type"]


class Receiver:
    """An HTTP server in a thread: records each POST as it came and answers 200."""

    def __init__(self) -> None:
        self.requests: list[Received] = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
                body = self.rfile.read(int(self.headers.get("content-length", "0")))
                headers = {name.lower(): value for name, value in self.headers.items()}
                with receiver.lock:
                    receiver.requests.append(Received(self.path, headers, body, time.time()))
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(RECEIVER_ANSWER)))
                self.end_headers()
                self.wfile.write(RECEIVER_ANSWER)

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.server_port}{path}"

    def at(self, path: str) -> list[Received]:
        with self.lock:
            return [request for request in self.requests if request.path == path]


# --------------------------------------------------------------------------------------------
# Fixtures: one client for the module, every SDK response checked strictly.
# --------------------------------------------------------------------------------------------


def _response_type(response: httpx.Response) -> Any:
    """The SDK's own type for a response, from the route and the status."""
    path, method = response.request.url.path, response.request.method
    if response.status_code == 404:
        return models.ResourceNotFoundData
    if response.status_code >= 300:
        return None
    if path == "/v1/webhooks/endpoints":
        return models.ListResourceWebhookEndpoint if method == "GET" else models.WebhookEndpoint
    if path.startswith("/v1/webhooks/endpoints/"):
        return models.WebhookEndpoint
    if path == "/v1/webhooks/deliveries":
        return models.ListResourceWebhookDelivery
    if path.endswith("/state"):
        return models.CustomerState
    if path.startswith("/v1/customers/"):
        return models.Customer
    if path.startswith("/v1/benefits/"):
        return models.Benefit
    if path.startswith("/v1/products/"):
        return models.Product
    return None


@pytest.fixture(scope="module")
def receiver() -> Iterator[Receiver]:
    running = Receiver()
    running.thread.start()
    yield running
    running.server.shutdown()
    running.server.server_close()


@pytest.fixture(autouse=True)
def every_response_is_strictly_valid(recorder: Recorder) -> Iterator[None]:
    recorder.responses.clear()
    yield
    assert_recorded_strictly_valid(recorder, _response_type)


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------


def call(control: httpx.Client, path: str, body: Any = None, status: int = 200) -> Any:
    response = control.post(path, json=body)
    assert response.status_code == status, f"POST {path} -> {response.status_code}: {response.text}"
    return response.json()


def webhook_events(control: httpx.Client, endpoint_id: str) -> list[dict[str, Any]]:
    """The endpoint's webhook events in the control plane's log, oldest first."""
    response = control.get("/_emulator/webhooks/events", params={"endpoint_id": endpoint_id})
    assert response.status_code == 200, response.text
    return response.json()["items"]


def wait_for(control: httpx.Client, count: int, **query: Any) -> list[dict[str, Any]]:
    """Long-polls the control plane until `count` matching deliveries happened."""
    params = {"count": count, "timeout_ms": 10_000, **query}
    response = control.get("/_emulator/webhooks/wait", params=params, timeout=15.0)
    assert response.status_code == 200, f"wait {params} -> {response.status_code}: {response.text}"
    items = response.json()["items"]
    assert len(items) >= count
    return items


def register(
    polar: Polar, control: httpx.Client, receiver: Receiver, path: str, events: list[models.WebhookEventType]
) -> Any:
    """An endpoint this client can verify, read back through it. polar-sdk 0.32's validate_event
    knows only Polar's legacy key, which Polar keeps for a secret the user chose (API version
    2026-04 still takes `secret`, which this client's model does not have, hence plain HTTP); a
    secret Polar generates now is signed the Standard Webhooks way, which 0.32 refuses (see
    test_a_secret_polar_generates_now_is_refused_by_this_client)."""
    secret = f"whsec_chosen{uuid.uuid4().hex}"
    response = control.post(
        "/v1/webhooks/endpoints",
        headers={"Authorization": f"Bearer {env('POLAR_EMULATOR_TOKEN')}"},
        json={"url": receiver.url(path), "format": "raw", "events": [e.value for e in events], "name": f"receiver {path}", "secret": secret},
    )
    assert response.status_code == 201, response.text
    assert response.json()["uses_standard_webhook_signature"] is False
    return polar.webhooks.get_webhook_endpoint(id=response.json()["id"])


def sign(secret: str, webhook_id: str, timestamp: str, body: bytes) -> str:
    """Polar's rule: HMAC-SHA256 keyed with the UTF-8 bytes of the whole secret, prefix included."""
    digest = hmac.new(secret.encode(), f"{webhook_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def sign_standard(secret: str, webhook_id: str, timestamp: str, body: bytes) -> str:
    """The Standard Webhooks rule: the key is the base64-decoded part after whsec_."""
    encoded = secret.removeprefix("whsec_")
    key = base64.b64decode(encoded + "=" * (-len(encoded) % 4))
    digest = hmac.new(key, f"{webhook_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def of_type(requests: list[Received], event_type: str) -> list[Received]:
    return [request for request in requests if request.type == event_type]


def parsed(request: Received, secret: str) -> Any:
    return validate_event(request.body, request.headers, secret)


def assert_aware(value: datetime | None) -> None:
    assert isinstance(value, datetime), value
    assert value.tzinfo is not None and value.utcoffset() == timedelta(0), value


# --------------------------------------------------------------------------------------------
# The scenario: every test reads what it delivered.
# --------------------------------------------------------------------------------------------


@dataclass
class Scenario:
    everything: Any  # the WebhookEndpoint subscribed to every parseable type
    states: Any  # the WebhookEndpoint subscribed to customer.state_changed only
    perk: Any  # a custom benefit the product grants
    extra: Any  # a custom benefit granted directly
    product: Any  # as products.create returned it
    product_with_perk: Any  # as products.update_benefits returned it
    customer: Any  # as customers.create returned it
    updated: Any  # as customers.update returned it
    subscription: dict[str, Any]
    perk_grant: dict[str, Any]
    extra_grant: dict[str, Any]
    extra_revoked: dict[str, Any]
    events: list[dict[str, Any]] = field(default_factory=list)  # the control plane's log
    received: list[Received] = field(default_factory=list)  # at the everything endpoint
    state_received: list[Received] = field(default_factory=list)  # at the states endpoint


EVERYTHING, STATES = "/hooks/everything", "/hooks/states"

# What the scenario emits, per type (debounce is off: one customer.state_changed per change).
EXPECTED_TYPES = Counter(
    {
        "benefit.created": 2,
        "product.created": 1,
        "product.updated": 1,
        "customer.created": 1,
        "customer.updated": 1,
        "subscription.created": 1,
        "subscription.active": 1,
        # The started subscription's first order (parsed into the SDK's Order model).
        "order.created": 1,
        "order.updated": 1,
        "order.paid": 1,
        "benefit_grant.created": 2,
        "benefit_grant.revoked": 1,
        "benefit_grant.updated": 1,
        # created, updated, subscribed, perk granted, extra granted, extra revoked, asked for
        "customer.state_changed": 7,
    }
)


@pytest.fixture(scope="module")
def scenario(polar: Polar, control: httpx.Client, receiver: Receiver, recorder: Recorder) -> Scenario:
    recorder.responses.clear()
    everything = register(polar, control, receiver, EVERYTHING, PARSEABLE_TYPES)
    states = register(polar, control, receiver, STATES, [models.WebhookEventType.CUSTOMER_STATE_CHANGED])

    tag = uuid.uuid4().hex[:10]
    perk = polar.benefits.create(
        request=models.BenefitCustomCreate(
            description=f"Priority support {tag}", properties=models.BenefitCustomCreateProperties(note="Mail us")
        )
    )
    extra = polar.benefits.create(
        request=models.BenefitCustomCreate(description=f"Sticker pack {tag}", properties={})
    )
    product = polar.products.create(
        request=models.ProductCreateRecurring(
            name=f"Webhooks Pro {tag}",
            recurring_interval=models.RecurringInterval.MONTH,
            prices=[models.ProductPriceFixedCreate(price_amount=1500, price_currency="usd")],
        )
    )
    product_with_perk = polar.products.update_benefits(
        id=product.id, product_benefits_update=models.ProductBenefitsUpdate(benefits=[perk.id])
    )
    # A name beyond ASCII: the signature covers the body's UTF-8 bytes as sent.
    customer = polar.customers.create(
        request=models.CustomerIndividualCreate(
            email=f"hooks-{tag}@example.com", name="Zoë Ångström", external_id=f"hooks-{tag}"
        )
    )
    updated = polar.customers.update(
        id=customer.id, customer_update=models.CustomerUpdate(metadata={"plan": "pro", "seats": 2})
    )
    started = call(control, "/_emulator/subscriptions", {"customer_id": customer.id, "product_id": product.id}, 201)
    subscription = started["subscription"]
    # The perk's grant, as the control plane reports what the subscription set off.
    perk_grant = next(event["data"] for event in started["events"] if event["type"] == "benefit_grant.created")
    grant = {"customer_id": customer.id, "benefit_id": extra.id}
    extra_grant = call(control, "/_emulator/benefit-grants", grant)["grant"]
    extra_revoked = call(control, "/_emulator/benefit-grants/revoke", grant)["grant"]
    call(control, f"/_emulator/customers/{customer.id}/state-changed")
    call(control, "/_emulator/webhooks/send", {"type": "benefit_grant.updated", "id": perk_grant["id"]})

    events = webhook_events(control, everything.id)
    state_events = webhook_events(control, states.id)
    wait_for(control, len(events), endpoint_id=everything.id, succeeded="true")
    wait_for(control, len(state_events), endpoint_id=states.id, succeeded="true")
    events = webhook_events(control, everything.id)  # now delivered
    assert_recorded_strictly_valid(recorder, _response_type)
    return Scenario(
        everything=everything,
        states=states,
        perk=perk,
        extra=extra,
        product=product,
        product_with_perk=product_with_perk,
        customer=customer,
        updated=updated,
        subscription=subscription,
        perk_grant=perk_grant,
        extra_grant=extra_grant,
        extra_revoked=extra_revoked,
        events=events,
        received=receiver.at(EVERYTHING),
        state_received=receiver.at(STATES),
    )


# --------------------------------------------------------------------------------------------
# Endpoints through the SDK
# --------------------------------------------------------------------------------------------


def test_the_sdk_registers_and_reads_back_endpoints(polar: Polar, scenario: Scenario, receiver: Receiver) -> None:
    assert set(PAYLOAD_MODELS) == {t.value for t in PARSEABLE_TYPES}
    assert {t.value for t in models.WebhookEventType} - set(PAYLOAD_MODELS) == {
        "subscription.paused",
        "subscription.resumed",
    }
    endpoint = scenario.everything
    assert isinstance(endpoint, models.WebhookEndpoint)
    assert UUID4.match(endpoint.id)
    assert endpoint.url == receiver.url(EVERYTHING)
    assert endpoint.format_ == models.WebhookFormat.RAW
    assert endpoint.events == PARSEABLE_TYPES
    assert endpoint.enabled is True
    assert endpoint.name == f"receiver {EVERYTHING}"
    assert CHOSEN_SECRET.match(endpoint.secret), endpoint.secret
    assert_aware(endpoint.created_at)
    assert endpoint.organization_id == scenario.customer.organization_id
    assert scenario.states.events == [models.WebhookEventType.CUSTOMER_STATE_CHANGED]
    assert scenario.states.secret != endpoint.secret

    assert polar.webhooks.get_webhook_endpoint(id=endpoint.id) == endpoint
    assert polar.webhooks.get_webhook_endpoint(id=scenario.states.id) == scenario.states
    listed = polar.webhooks.list_webhook_endpoints(limit=100)
    assert listed is not None
    by_id = {item.id: item for item in listed.result.items}
    assert by_id[endpoint.id] == endpoint
    assert by_id[scenario.states.id] == scenario.states
    with pytest.raises(models.ResourceNotFound):
        polar.webhooks.get_webhook_endpoint(id=str(uuid.uuid4()))


# --------------------------------------------------------------------------------------------
# What the receiver got
# --------------------------------------------------------------------------------------------


def test_each_event_arrives_once_in_the_order_it_happened(scenario: Scenario) -> None:
    received = scenario.received
    assert Counter(request.type for request in received) == EXPECTED_TYPES
    assert len(scenario.events) == sum(EXPECTED_TYPES.values())
    # webhook-id is the webhook event's id; per endpoint, events go out in order.
    assert [request.webhook_id for request in received] == [event["id"] for event in scenario.events]
    assert [request.body.decode() for request in received] == [event["payload"] for event in scenario.events]
    assert len({request.webhook_id for request in received}) == len(received)
    assert all(event["status"] == "succeeded" for event in scenario.events)


def test_every_request_carries_polars_headers_and_signature(scenario: Scenario) -> None:
    secret = scenario.everything.secret
    for request in scenario.received + scenario.state_received:
        headers = request.headers
        assert headers["user-agent"] == "polar.sh webhooks"
        assert headers["content-type"].startswith("application/json")
        assert int(headers["content-length"]) == len(request.body)
        assert UUID4.match(headers["webhook-id"]), headers
        assert re.fullmatch(r"\d+", headers["webhook-timestamp"]), headers
        # Real time, whatever the emulator's clock: the client allows 5 minutes of skew.
        assert abs(int(headers["webhook-timestamp"]) - request.at) < 60
        assert SIGNATURE.match(headers["webhook-signature"]), headers
        key = secret if request.path == EVERYTHING else scenario.states.secret
        assert headers["webhook-signature"] == sign(key, request.webhook_id, headers["webhook-timestamp"], request.body)
        # Compact JSON, type first: {"type":…,"timestamp":…,"api_version":…,"data":{…}}.
        body = request.json
        assert list(body) == ["type", "timestamp", "api_version", "data"]
        assert body["api_version"] == headers["webhook-api-version"] == "2026-04"
        assert request.body == json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()
        assert ISO_Z.match(body["timestamp"]), body["timestamp"]


def test_validate_event_parses_every_request_into_its_payload_model(scenario: Scenario) -> None:
    problems: list[str] = []
    for request in scenario.received + scenario.state_received:
        secret = scenario.everything.secret if request.path == EVERYTHING else scenario.states.secret
        event = parsed(request, secret)
        assert isinstance(event, PAYLOAD_MODELS[request.type]), (request.type, type(event))
        assert event.TYPE == request.type
        assert_aware(event.timestamp)
        # The lax parse ignores unknown keys and fills absent optional ones: check both strictly.
        problems += strict_problems(WebhoookPayload, request.body, f"{request.type} {request.webhook_id}")
    assert not problems, "\n".join(problems)


def test_payloads_carry_what_the_api_returned(polar: Polar, scenario: Scenario) -> None:
    secret = scenario.everything.secret
    events = [parsed(request, secret) for request in scenario.received]

    def data(event_type: str) -> list[Any]:
        return [event.data for event in events if event.TYPE == event_type]

    assert data("customer.created") == [scenario.customer]
    assert data("customer.updated") == [scenario.updated]
    assert scenario.updated.metadata == {"plan": "pro", "seats": 2}
    assert data("benefit.created") == [scenario.perk, scenario.extra]
    assert data("product.created") == [scenario.product]
    assert data("product.updated") == [scenario.product_with_perk]
    assert [benefit.id for benefit in scenario.product_with_perk.benefits] == [scenario.perk.id]

    [created] = data("subscription.created")
    [active] = data("subscription.active")
    # The control plane answers with the public object, as the API serves it.
    assert created == models.Subscription.model_validate(scenario.subscription)
    for subscription in (created, active):
        assert isinstance(subscription, models.Subscription)
        assert subscription.id == scenario.subscription["id"]
        assert subscription.status == models.SubscriptionStatus.ACTIVE
        assert subscription.customer_id == scenario.customer.id
        assert subscription.customer.id == scenario.customer.id
        assert subscription.product_id == scenario.product.id
        assert subscription.product.id == scenario.product.id
        assert subscription.amount == 1500
        assert subscription.currency == "usd"
        assert [price.id for price in subscription.prices] == [price.id for price in scenario.product.prices]

    perk_grant, extra_grant = data("benefit_grant.created")
    [revoked] = data("benefit_grant.revoked")
    [updated_grant] = data("benefit_grant.updated")
    assert perk_grant.id == scenario.perk_grant["id"] == updated_grant.id
    assert perk_grant.benefit_id == perk_grant.benefit.id == scenario.perk.id
    assert perk_grant.subscription_id == scenario.subscription["id"]
    assert perk_grant.is_granted is True and perk_grant.is_revoked is False
    assert updated_grant.is_granted is True
    assert extra_grant.id == scenario.extra_grant["id"] == revoked.id
    assert extra_grant.benefit_id == extra_grant.benefit.id == scenario.extra.id
    assert extra_grant.subscription_id is None
    assert extra_grant.is_granted is True and extra_grant.granted_at is not None
    assert revoked.is_revoked is True and revoked.is_granted is False
    assert revoked.revoked_at == datetime.fromisoformat(scenario.extra_revoked["revoked_at"].replace("Z", "+00:00"))
    assert perk_grant.benefit_id == scenario.perk_grant["benefit_id"]
    assert_aware(revoked.revoked_at)
    for grant in (perk_grant, extra_grant, revoked, updated_grant):
        assert grant.customer_id == grant.customer.id == scenario.customer.id
        assert grant.customer.name == "Zoë Ångström"


def test_customer_state_changed_equals_get_state(polar: Polar, scenario: Scenario) -> None:
    secret = scenario.everything.secret
    sequence = [(request.type, parsed(request, secret)) for request in scenario.received]
    states = [event.data for event_type, event in sequence if event_type == "customer.state_changed"]
    assert all(state.id == scenario.customer.id for state in states)

    # The last one, asked for through the control plane, is the state the API serves now.
    current = polar.customers.get_state(id=scenario.customer.id)
    assert isinstance(states[-1], models.CustomerStateIndividual)
    assert states[-1].model_dump() == current.model_dump()
    assert [s.id for s in current.active_subscriptions] == [scenario.subscription["id"]]
    assert [b.benefit_id for b in current.granted_benefits] == [scenario.perk.id]

    def state_after(event_type: str, benefit_id: str | None = None) -> Any:
        for index, (kind, event) in enumerate(sequence):
            if kind == event_type and (benefit_id is None or event.data.benefit_id == benefit_id):
                return next(e.data for k, e in sequence[index + 1 :] if k == "customer.state_changed")
        raise AssertionError(f"no {event_type}")

    first = state_after("customer.created")
    assert (first.active_subscriptions, first.granted_benefits, first.active_meters) == ([], [], [])
    assert first.metadata == {}
    assert state_after("customer.updated").metadata == {"plan": "pro", "seats": 2}
    with_extra = state_after("benefit_grant.created", scenario.extra.id)
    assert [b.benefit_id for b in with_extra.granted_benefits] == [scenario.perk.id, scenario.extra.id]
    after_revoke = state_after("benefit_grant.revoked")
    assert [b.benefit_id for b in after_revoke.granted_benefits] == [scenario.perk.id]
    assert after_revoke.model_dump() == current.model_dump()


def test_an_endpoint_gets_only_the_types_it_subscribed_to(scenario: Scenario) -> None:
    only_states = scenario.state_received
    assert {request.type for request in only_states} == {"customer.state_changed"}
    assert len(only_states) == EXPECTED_TYPES["customer.state_changed"]
    # The same payloads as the other endpoint's, under this endpoint's own webhook ids and secret.
    assert [r.body for r in only_states] == [r.body for r in of_type(scenario.received, "customer.state_changed")]
    assert not {r.webhook_id for r in only_states} & {r.webhook_id for r in scenario.received}
    for request in only_states:
        assert isinstance(parsed(request, scenario.states.secret), models.WebhookCustomerStateChangedPayload)
        with pytest.raises(WebhookVerificationError):
            parsed(request, scenario.everything.secret)


def test_a_tampered_request_raises_webhook_verification_error(scenario: Scenario) -> None:
    secret = scenario.everything.secret
    [request] = of_type(scenario.received, "customer.created")
    headers, body = request.headers, request.body
    assert issubclass(WebhookVerificationError, StandardWebhookVerificationError)

    # The untouched request passes, as bytes and as text.
    assert isinstance(parsed(request, secret), models.WebhookCustomerCreatedPayload)
    assert isinstance(validate_event(body.decode(), headers, secret), models.WebhookCustomerCreatedPayload)

    tampered_body = body.replace(b'"Zo\xc3\xab', b'"Zoe', 1)
    assert tampered_body != body
    now = str(int(time.time()))
    stale = str(int(time.time()) - 600)
    webhook_id = request.webhook_id

    def resigned(timestamp: str, signature: str) -> dict[str, str]:
        return {**headers, "webhook-timestamp": timestamp, "webhook-signature": signature}

    cases: dict[str, tuple[bytes, dict[str, str], str]] = {
        "body": (tampered_body, headers, secret),
        "a space added": (body.replace(b'","', b'", "', 1), headers, secret),
        "webhook-id": (body, {**headers, "webhook-id": str(uuid.uuid4())}, secret),
        "webhook-timestamp": (
            body,
            {**headers, "webhook-timestamp": str(int(headers["webhook-timestamp"]) + 1)},
            secret,
        ),
        "secret": (body, headers, scenario.states.secret),
        "no signature": (body, {k: v for k, v in headers.items() if k != "webhook-signature"}, secret),
        # Signed right, but older than the client's 5 minutes of tolerance.
        "stale": (body, resigned(stale, sign(secret, webhook_id, stale, body)), secret),
        # The Standard Webhooks key rule (base64-decoded part after whsec_) is not what 0.x accepts.
        "standard key": (body, resigned(now, sign_standard(secret, webhook_id, now, body)), secret),
    }
    for name, (tampered, tampered_headers, key) in cases.items():
        with pytest.raises(WebhookVerificationError):
            validate_event(tampered, tampered_headers, key)
            pytest.fail(f"{name}: accepted")

    # Re-signed with Polar's rule, the changed body passes again: the key is what the SDK expects.
    event = validate_event(tampered_body, resigned(now, sign(secret, webhook_id, now, tampered_body)), secret)
    assert isinstance(event, models.WebhookCustomerCreatedPayload)
    assert event.data.name == "Zoe Ångström"


# --------------------------------------------------------------------------------------------
# Deliveries through the SDK
# --------------------------------------------------------------------------------------------


def test_the_sdk_lists_the_deliveries(polar: Polar, scenario: Scenario) -> None:
    endpoint = scenario.everything
    by_webhook_id = {request.webhook_id: request for request in scenario.received}
    page = polar.webhooks.list_webhook_deliveries(endpoint_id=endpoint.id, limit=100)
    assert page is not None
    deliveries = page.result.items
    assert page.result.pagination.total_count == len(scenario.received) == len(deliveries)
    assert {delivery.webhook_event.id for delivery in deliveries} == set(by_webhook_id)
    for delivery in deliveries:
        assert isinstance(delivery, models.WebhookDelivery)
        assert UUID4.match(delivery.id)
        assert delivery.succeeded is True
        assert delivery.http_code == 200
        assert delivery.response == RECEIVER_ANSWER.decode()
        assert_aware(delivery.created_at)
        event = delivery.webhook_event
        request = by_webhook_id[event.id]
        assert event.payload == request.body.decode()
        assert event.type.value == request.type
        assert event.succeeded is True
        assert event.last_http_code == 200
        assert event.skipped is False
        assert event.is_archived is False
    # Newest first.
    times = [delivery.created_at for delivery in deliveries]
    assert times == sorted(times, reverse=True)

    states = polar.webhooks.list_webhook_deliveries(
        endpoint_id=endpoint.id, event_type=models.WebhookEventType.CUSTOMER_STATE_CHANGED, limit=100
    )
    assert states is not None
    assert len(states.result.items) == EXPECTED_TYPES["customer.state_changed"]
    assert {d.webhook_event.type for d in states.result.items} == {models.WebhookEventType.CUSTOMER_STATE_CHANGED}
    failed = polar.webhooks.list_webhook_deliveries(endpoint_id=endpoint.id, succeeded=False)
    assert failed is not None
    assert failed.result.items == []
    assert failed.result.pagination.total_count == 0

    # The SDK's paginator walks every page.
    response = polar.webhooks.list_webhook_deliveries(endpoint_id=endpoint.id, limit=4)
    walked: list[str] = []
    pages = 0
    while response is not None:
        pages += 1
        walked += [delivery.id for delivery in response.result.items]
        response = response.next()
    assert pages == -(-len(deliveries) // 4)
    assert walked == [delivery.id for delivery in deliveries]


def test_a_redelivery_through_the_sdk_keeps_the_webhook_id(
    polar: Polar, scenario: Scenario, control: httpx.Client, receiver: Receiver
) -> None:
    # On the states endpoint, so the everything endpoint's deliveries stay as the scenario left them.
    first = scenario.state_received[0]
    assert polar.webhooks.redeliver_webhook_event(id=first.webhook_id) is None
    wait_for(control, 2, endpoint_id=scenario.states.id, webhook_event_id=first.webhook_id)
    again = [request for request in receiver.at(STATES) if request.webhook_id == first.webhook_id]
    assert len(again) == 2
    assert again[1].body == first.body
    assert int(again[1].headers["webhook-timestamp"]) >= int(first.headers["webhook-timestamp"])
    assert again[1].headers["webhook-signature"] == sign(
        scenario.states.secret, first.webhook_id, again[1].headers["webhook-timestamp"], first.body
    )
    assert parsed(again[1], scenario.states.secret) == parsed(first, scenario.states.secret)
    with pytest.raises(models.ResourceNotFound):
        polar.webhooks.redeliver_webhook_event(id=str(uuid.uuid4()))


def test_a_secret_polar_generates_now_is_refused_by_this_client(
    polar: Polar, control: httpx.Client, receiver: Receiver
) -> None:
    """An endpoint created through this client gets a secret generated now, which Polar signs the
    Standard Webhooks way (key: the base64 after whsec_): 0.32's validate_event, which keys the
    HMAC with the whole secret's bytes, refuses every delivery, as it would Polar's."""
    path = "/hooks/generated"
    endpoint = polar.webhooks.create_webhook_endpoint(
        request=models.WebhookEndpointCreate(
            url=receiver.url(path), format_=models.WebhookFormat.RAW, events=[models.WebhookEventType.CUSTOMER_CREATED]
        )
    )
    assert GENERATED_SECRET.match(endpoint.secret), endpoint.secret
    customer = polar.customers.create(request=models.CustomerIndividualCreate(email=f"{uuid.uuid4().hex}@example.com"))
    deadline = time.time() + 10
    while not receiver.at(path) and time.time() < deadline:
        time.sleep(0.05)
    [request] = receiver.at(path)
    assert request.json["data"]["id"] == customer.id
    assert request.headers["webhook-signature"] == sign_standard(
        endpoint.secret, request.webhook_id, request.headers["webhook-timestamp"], request.body
    )
    with pytest.raises(WebhookVerificationError):
        validate_event(request.body, request.headers, endpoint.secret)
    polar.webhooks.delete_webhook_endpoint(id=endpoint.id)

