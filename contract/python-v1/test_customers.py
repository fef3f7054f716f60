"""Customers through polar-sdk 1.x, in each version module: create (individual and team), get,
update, delete (plain and anonymized), the same by external id, list with its filters, sorting
and pagination (and the client's iter_list), the customer state, the CSV export, and the
client's error classes for 404 and 422.

Run by test/contract-python-v1.test.ts, which starts an emulator and sets POLAR_EMULATOR_URL and
POLAR_EMULATOR_TOKEN. Every test runs in a fresh organization (conftest.tenant), so counts are
exact, and every response is checked against the module's models afterwards (support.Recorder).
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import time
import uuid
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from conftest import Tenant
from support import raises

ISO_Z = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?Z$")
UUID4 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
EXPORT_HEADER = [
    "ID",
    "External ID",
    "Created At",
    "Email",
    "Name",
    "Tax ID",
    "Billing Address Line 1",
    "Billing Address Line 2",
    "Billing Address City",
    "Billing Address State",
    "Billing Address Zip",
    "Billing Address Country",
    "Metadata",
]


def gravatar(email: str) -> str:
    return f"https://www.gravatar.com/avatar/{hashlib.sha256(email.lower().encode()).hexdigest()}?d=404"


def parse_time(value: str) -> datetime:
    assert ISO_Z.match(value), value
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def assert_recent(value: str) -> None:
    now = datetime.now(timezone.utc)
    assert now - timedelta(minutes=5) <= parse_time(value) <= now + timedelta(seconds=5), value


def ids(items: Any) -> list[str]:
    return [item.id for item in items]


def assert_not_found(tenant: Tenant, error: BaseException) -> None:
    assert isinstance(error, tenant.api.errors.ResourceNotFound), repr(error)
    assert error.status_code == 404
    assert error.error == tenant.api.outputs.ResourceNotFound(error="ResourceNotFound", detail="Not found")


def validation_error(tenant: Tenant, error: BaseException) -> Any:
    assert isinstance(error, tenant.api.errors.HTTPValidationError), repr(error)
    assert error.status_code == 422
    assert error.error.detail
    return error.error.detail


def test_sends_its_polar_version_and_gets_it_back(tenant: Tenant) -> None:
    page = tenant.polar.customers.list()
    assert page == tenant.api.outputs.ListResourceCustomer(
        items=[], pagination=tenant.api.outputs.Pagination(total_count=0, max_page=0)
    )
    [response] = tenant.recorder.responses
    assert response.request.headers["polar-version"] == tenant.api.version
    assert response.request.headers["authorization"] == f"Bearer {tenant.token}"
    assert response.status_code == 200
    assert response.headers["polar-version"] == tenant.api.version
    # The client's defaults go on the wire: page 1, limit 10, sorting -created_at.
    assert response.request.url.params.multi_items() == [("page", "1"), ("limit", "10"), ("sorting", "-created_at")]


def test_creates_an_individual_with_every_field_normalized(tenant: Tenant) -> None:
    outputs = tenant.api.outputs
    customer = tenant.polar.customers.create(
        email="ada@example.com",
        external_id="  user-ada  ",
        name="  Ada Lovelace ",
        billing_address={
            "line1": "1 Market St",
            "line2": "",
            "postal_code": "94105",
            "city": "San Francisco",
            "state": "CA",
            "country": "US",
        },
        tax_id="91-1144442",
        locale="en-US",
        metadata={"plan": "pro", "seats": 3, "ratio": 0.5, "beta": True},
    )
    assert isinstance(customer, outputs.CustomerIndividual)
    assert UUID4.match(customer.id)
    assert_recent(customer.created_at)
    assert customer == outputs.CustomerIndividual(
        id=customer.id,
        created_at=customer.created_at,
        modified_at=None,
        metadata={"plan": "pro", "seats": 3, "ratio": 0.5, "beta": True},
        external_id="user-ada",
        email="ada@example.com",
        email_verified=False,
        type="individual",
        name="Ada Lovelace",
        billing_name="Ada Lovelace",
        billing_address=outputs.Address(
            line1="1 Market St",
            line2=None,
            postal_code="94105",
            city="San Francisco",
            state="US-CA",
            country="US",
        ),
        tax_id=["911144442", "us_ein"],
        locale="en-US",
        organization_id=tenant.organization_id,
        default_payment_method_id=None,
        deleted_at=None,
        first_user_event_at=None,
        avatar_url=gravatar("ada@example.com"),
    )
    # Types as loaded: the float stays a float and the int an int.
    assert type(customer.metadata["ratio"]) is float and type(customer.metadata["seats"]) is int
    assert tenant.polar.customers.get(customer.id) == customer


def test_creates_a_team_customer(tenant: Tenant) -> None:
    team = tenant.polar.customers.create(type="team", name="Acme Inc", email="billing@acme.example")
    assert isinstance(team, tenant.api.outputs.CustomerTeam)
    assert (team.type, team.name, team.email, team.billing_name) == (
        "team",
        "Acme Inc",
        "billing@acme.example",
        "Acme Inc",
    )
    assert tenant.polar.customers.get(team.id) == team
    state = tenant.polar.customers.get_state(team.id)
    assert isinstance(state, tenant.api.outputs.CustomerStateTeam)
    assert (state.id, state.active_subscriptions, state.granted_benefits, state.active_meters) == (team.id, [], [], [])


def test_updates_only_the_fields_sent(tenant: Tenant) -> None:
    customer = tenant.polar.customers.create(email="up@example.com", name="Before", metadata={"a": 1})
    updated = tenant.polar.customers.update(
        customer.id, name="After", metadata={"b": "two"}, billing_address={"country": "DE", "city": "Berlin"}
    )
    assert (updated.id, updated.email, updated.name) == (customer.id, "up@example.com", "After")
    assert updated.metadata == {"b": "two"}
    assert updated.billing_address == tenant.api.outputs.Address(country="DE", city="Berlin")
    assert updated.modified_at is not None and parse_time(updated.modified_at) >= parse_time(customer.created_at)
    assert tenant.polar.customers.get(customer.id) == updated
    # email-validator's normalization, as Polar's EmailStr does it: the domain is lower-cased.
    assert tenant.polar.customers.update(customer.id, email="Other@Example.COM").email == "Other@example.com"


def test_external_id_operations(tenant: Tenant) -> None:
    customers = tenant.polar.customers
    created = customers.create(email="ext@example.com", external_id="ext 42 é")
    assert customers.get_external("ext 42 é") == created
    updated = customers.update_external("ext 42 é", name="External", metadata={"via": "external"})
    assert (updated.id, updated.name, updated.metadata) == (created.id, "External", {"via": "external"})
    state = customers.get_state_external("ext 42 é")
    assert state == customers.get_state(created.id)
    assert (state.id, state.name, state.active_subscriptions, state.granted_benefits, state.active_meters) == (
        created.id,
        "External",
        [],
        [],
        [],
    )

    assert customers.delete_external("ext 42 é") is None
    for call in (
        lambda: customers.get_external("ext 42 é"),
        lambda: customers.get_state_external("ext 42 é"),
        lambda: customers.update_external("ext 42 é", name="ghost"),
        lambda: customers.delete_external("ext 42 é"),
        lambda: customers.get(created.id),
    ):
        assert_not_found(tenant, raises(call))


def test_deletes_plainly_and_anonymized(tenant: Tenant) -> None:
    customers = tenant.polar.customers
    plain = customers.create(email="plain@example.com")
    anonymous = customers.create(email="anon@example.com", name="Anon", billing_address={"country": "DE"})
    survivor = customers.create(email="survivor@example.com")
    assert customers.delete(plain.id) is None
    assert customers.delete(anonymous.id, anonymize=True) is None
    for gone in (plain.id, anonymous.id):
        assert_not_found(tenant, raises(lambda: customers.get(gone)))
        assert_not_found(tenant, raises(lambda: customers.get_state(gone)))
        assert_not_found(tenant, raises(lambda: customers.delete(gone)))
    page = customers.list()
    assert ids(page.items) == [survivor.id]
    assert page.pagination == tenant.api.outputs.Pagination(total_count=1, max_page=1)
    # The email is free again.
    assert customers.create(email="plain@example.com").email == "plain@example.com"


@pytest.fixture
def five(tenant: Tenant) -> dict[str, Any]:
    made: dict[str, Any] = {}
    for key, fields in (
        (
            "alice",
            {
                "email": "alice@example.com",
                "name": "Alice Zephyr",
                "external_id": "ext-alice",
                "metadata": {"plan": "pro", "seats": 3},
            },
        ),
        (
            "bob",
            {
                "email": "bob@example.com",
                "name": "Bob Young",
                "external_id": "ext-bob",
                "metadata": {"plan": "team", "seats": 10},
            },
        ),
        ("carol", {"email": "carol@example.com", "name": "Carol Xu", "metadata": {"plan": "free"}}),
        ("dave", {"email": "dave@sample.org", "metadata": {"plan": "pro", "seats": 5}}),
        ("erin", {"email": "erin@example.com", "name": "Erin Alice"}),
    ):
        made[key] = tenant.polar.customers.create(**fields)
        time.sleep(0.003)
    return made


def test_lists_with_filters(tenant: Tenant, five: dict[str, Any]) -> None:
    def listed(**query: Any) -> list[str]:
        return ids(tenant.polar.customers.list(**query).items)

    def of(*names: str) -> list[str]:
        return [five[name].id for name in names]

    assert listed() == of("erin", "dave", "carol", "bob", "alice")
    assert listed(email="CAROL@example.com") == of("carol")
    assert listed(query="alice", sorting=["email"]) == of("alice", "erin")
    assert listed(query="ext-a") == of("alice")
    assert listed(query="SAMPLE.org") == of("dave")
    assert listed(active=True) == []
    assert listed(active=False, sorting=["email"]) == of("alice", "bob", "carol", "dave", "erin")
    assert listed(metadata={"plan": ["pro", "team"]}, sorting=["email"]) == of("alice", "bob", "dave")
    assert listed(metadata={"plan": ["pro", "team"], "seats": ["3", "10"]}, sorting=["email"]) == of("alice", "bob")
    assert listed(metadata={"seats": 5}) == of("dave")
    assert listed(metadata={"plan": "enterprise"}) == []
    assert len(listed(organization_id=tenant.organization_id)) == 5
    assert listed(organization_id=str(uuid.uuid4())) == []


@pytest.mark.parametrize(
    ("sorting", "expected"),
    [
        (["created_at"], ["alice", "bob", "carol", "dave", "erin"]),
        (["-email"], ["erin", "dave", "carol", "bob", "alice"]),
        # Postgres puts nulls last ascending and first descending: dave has no name.
        (["name"], ["alice", "bob", "carol", "erin", "dave"]),
        (["-name", "email"], ["dave", "erin", "carol", "bob", "alice"]),
    ],
)
def test_sorts(tenant: Tenant, five: dict[str, Any], sorting: list[str], expected: list[str]) -> None:
    assert ids(tenant.polar.customers.list(sorting=sorting).items) == [five[name].id for name in expected]


def test_pages_and_iterates(tenant: Tenant, five: dict[str, Any]) -> None:
    Pagination = tenant.api.outputs.Pagination
    pages = [tenant.polar.customers.list(sorting=["email"], limit=2, page=n) for n in (1, 2, 3, 4)]
    assert [[c.email for c in page.items] for page in pages] == [
        ["alice@example.com", "bob@example.com"],
        ["carol@example.com", "dave@sample.org"],
        ["erin@example.com"],
        [],
    ]
    assert all(page.pagination == Pagination(total_count=5, max_page=3) for page in pages)
    tenant.recorder.check(tenant.api)
    # iter_list follows max_page: three requests.
    walked = list(tenant.polar.customers.iter_list(sorting=["email"], limit=2))
    assert [c.email for c in walked] == [c.email for page in pages for c in page.items]
    assert [r.request.url.params["page"] for r in tenant.recorder.responses] == ["1", "2", "3"]


def test_clamps_a_limit_over_100(tenant: Tenant) -> None:
    emails = [f"bulk-{i:03d}@example.com" for i in range(101)]
    for email in emails:
        tenant.polar.customers.create(email=email)
    first = tenant.polar.customers.list(limit=250, sorting=["email"])
    assert [c.email for c in first.items] == emails[:100]
    assert first.pagination == tenant.api.outputs.Pagination(total_count=101, max_page=2)
    assert [c.email for c in tenant.polar.customers.iter_list(limit=250, sorting=["email"])] == emails


def test_exports_csv(tenant: Tenant) -> None:
    customers = tenant.polar.customers
    assert customers.export() == ",".join(EXPORT_HEADER) + "\r\n"
    full = customers.create(
        email="csv@example.com",
        external_id="csv-1",
        name='Jane "JJ" Doe',
        billing_address={"line1": "9 Elm", "city": "Austin", "state": "TX", "postal_code": "73301", "country": "US"},
        tax_id="91-1144442",
        metadata={"plan": "pro"},
    )
    time.sleep(0.003)
    bare = customers.create(email="bare@example.com")
    text = customers.export()
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0] == EXPORT_HEADER
    assert rows[1][:2] == [full.id, "csv-1"]
    assert parse_time(full.created_at) == datetime.fromisoformat(rows[1][2]).astimezone(timezone.utc)
    assert rows[1][3:] == [
        "csv@example.com",
        'Jane "JJ" Doe',
        "911144442",
        "9 Elm",
        "",
        "Austin",
        "US-TX",
        "73301",
        "US",
        '{"plan": "pro"}',
    ]
    assert rows[2][0] == bare.id and rows[2][3] == "bare@example.com"
    assert len(rows) == 3
    assert customers.export(organization_id=tenant.organization_id) == text


def test_maps_404_and_422_to_the_modules_error_classes(tenant: Tenant) -> None:
    customers = tenant.polar.customers
    customers.create(email="first@example.com", external_id="first")
    missing = str(uuid.uuid4())
    for call in (
        lambda: customers.get(missing),
        lambda: customers.update(missing, name="x"),
        lambda: customers.delete(missing),
        lambda: customers.get_state(missing),
        lambda: customers.get_external("missing"),
    ):
        assert_not_found(tenant, raises(call))

    ValidationError = tenant.api.outputs.ValidationError
    duplicate = validation_error(tenant, raises(lambda: customers.create(email="First@example.com")))
    assert duplicate == [
        ValidationError(
            loc=["body", "email"],
            msg="A customer with this email address already exists.",
            type="value_error",
            input="First@example.com",
        )
    ]
    both = validation_error(tenant, raises(lambda: customers.create(email="first@example.com", external_id="first")))
    assert [detail.msg for detail in both] == [
        "A customer with this email address already exists.",
        "A customer with this external ID already exists.",
    ]
    [invalid] = validation_error(tenant, raises(lambda: customers.create(email="not-an-email")))
    assert (invalid.loc, invalid.type) == (["body", "individual", "email"], "value_error")
    assert invalid.msg == "value is not a valid email address: An email address must have an @-sign."
    [malformed] = validation_error(tenant, raises(lambda: customers.get("not-a-uuid")))
    assert (malformed.loc, malformed.type) == (["path", "id"], "uuid_parsing")
    [page] = validation_error(tenant, raises(lambda: customers.list(page=0)))
    assert (page.loc, page.type) == (["query", "page"], "greater_than")
