"""Members of customers and customers' payment methods through polar-sdk 1.x, in each version module.

Members exist only in an organization with Polar's member model (`feature_settings.member_model_enabled`,
off by default in the emulator; conftest.member_tenant turns it on through the control plane). The
client's `customers.members` covers create, get, update and delete, each by ids and by external ids.

What polar-sdk 1.0.2 cannot do, asserted in test_lists_members_through_the_clients_core:
- `members:list_members` (GET /v1/members/, in Polar's August document and served by the emulator)
  has no method in any 1.x module (no service of polar/v2026_04, v2026_10 or v2027_01 builds that
  path). The test sends it through the client's own core (`Polar._client.build_request` and
  `send_request`, polar/base.py) and loads the answer with its `parse_response_json` as the module's
  `ListResourceMember`.
- The client's `customers.members.list` and `list_external` (polar/<module>/services/customers/
  members.py) call GET /v1/customers/{id}/members and /v1/customers/external/{id}/members, a listing
  newer than that document, which the emulator does not serve: it answers 405, which the client
  raises as a plain PolarClientError.

Payment methods: the emulator takes no payments, so a customer's list is always empty; it is read by
id and by external id, page by page, and an unknown customer is the client's ResourceNotFound. Run
by test/contract-python-v1.test.ts (see test_customers.py).
"""

from __future__ import annotations

import pathlib
import uuid
from typing import Any

import polar

from conftest import Tenant
from support import raises
from test_customers import assert_not_found, assert_recent, parse_time, validation_error

NOT_ENABLED = "Member management is not enabled for this organization"
ONE_MEMBER = (
    "Individual customers can only have one member (the owner). Upgrade to a team customer to add more members."
)


def assert_resource_not_found(tenant: Tenant, error: BaseException, detail: str) -> None:
    """The client's ResourceNotFound with Polar's own detail ("Member not found", ...)."""
    assert isinstance(error, tenant.api.errors.ResourceNotFound), repr(error)
    assert error.status_code == 404
    assert error.error == tenant.api.outputs.ResourceNotFound(error="ResourceNotFound", detail=detail)


def assert_not_permitted(tenant: Tenant, error: BaseException, detail: str) -> None:
    assert isinstance(error, tenant.api.errors.NotPermitted), repr(error)
    assert error.status_code == 403
    assert error.error == tenant.api.outputs.NotPermitted(error="NotPermitted", detail=detail)


def crew(tenant: Tenant) -> Any:
    """A team customer (external id `crew`) whose owner is boss@example.com."""
    return tenant.polar.customers.create(
        type="team", name="Crew", email="crew@example.com", external_id="crew", owner={"email": "Boss@Example.COM"}
    )


# --------------------------------------------------------------------------------------------
# Members
# --------------------------------------------------------------------------------------------


def test_adds_and_reads_members_by_ids_and_by_external_ids(member_tenant: Tenant) -> None:
    outputs = member_tenant.api.outputs
    members = member_tenant.polar.customers.members
    team = crew(member_tenant)
    # The owner is made with the customer: its email normalized, the customer's name and external id.
    owner = members.get_external("crew", "crew")
    assert isinstance(owner, outputs.Member)
    assert (owner.customer_id, owner.email, owner.name, owner.external_id, owner.role) == (
        team.id,
        "Boss@example.com",
        "Crew",
        "crew",
        "owner",
    )
    assert (owner.created_at, owner.modified_at) == (team.created_at, None)
    assert members.get(team.id, owner.id) == owner

    jane = members.create(team.id, email="Jane@Example.COM", name="  Jane ", external_id=" u_jane ")
    assert isinstance(jane, outputs.Member)
    assert_recent(jane.created_at)
    assert jane == outputs.Member(
        id=jane.id,
        created_at=jane.created_at,
        modified_at=None,
        customer_id=team.id,
        email="Jane@example.com",
        name="Jane",
        external_id="u_jane",
        role="member",
    )
    manager = members.create_external("crew", email="bm@example.com", role="billing_manager")
    assert (manager.customer_id, manager.role, manager.name, manager.external_id) == (
        team.id,
        "billing_manager",
        None,
        None,
    )
    # A member with the same email (in any case) is answered as it is.
    assert members.create(team.id, email="JANE@example.com", name="Other", role="billing_manager") == jane

    assert members.get(team.id, jane.id) == jane
    assert members.get(team.id, jane.id.upper()) == jane
    assert members.get_external("crew", "u_jane") == jane
    assert members.get(team.id, manager.id) == manager


def test_updates_members_and_moves_ownership(member_tenant: Tenant) -> None:
    members = member_tenant.polar.customers.members
    team = crew(member_tenant)
    owner = members.get_external("crew", "crew")
    jane = members.create(team.id, email="jane@example.com", name="Jane", external_id="u_jane")

    renamed = members.update(team.id, jane.id, name=" Mia ", email="Mia@Example.com")
    assert (renamed.id, renamed.name, renamed.email, renamed.role, renamed.external_id) == (
        jane.id,
        "Mia",
        "Mia@example.com",
        "member",
        "u_jane",
    )
    assert renamed.modified_at is not None and parse_time(renamed.modified_at) >= parse_time(jane.created_at)
    # An update that changes nothing answers the member as it is.
    assert members.update(team.id, jane.id) == renamed
    assert members.get(team.id, jane.id) == renamed

    # Making a member the owner makes the owner a billing manager: one owner, always.
    promoted = members.update_external("crew", "u_jane", role="owner")
    assert (promoted.id, promoted.role) == (jane.id, "owner")
    assert members.get(team.id, owner.id).role == "billing_manager"
    [demote] = validation_error(member_tenant, raises(lambda: members.update(team.id, jane.id, role="member")))
    assert (demote.loc, demote.type, demote.input) == (["body", "role"], "value_error", "member")
    assert demote.msg == "Cannot change role. Customer must have exactly one owner."
    [taken] = validation_error(
        member_tenant, raises(lambda: members.update(team.id, owner.id, email="MIA@example.com"))
    )
    assert (taken.loc, taken.msg) == (["body", "email"], "A member with this email already exists for this customer.")


def test_deletes_members_never_the_only_owner(member_tenant: Tenant) -> None:
    members = member_tenant.polar.customers.members
    team = crew(member_tenant)
    owner = members.get_external("crew", "crew")
    [only] = validation_error(member_tenant, raises(lambda: members.delete(team.id, owner.id)))
    assert (only.loc, only.type, only.input) == (["body"], "value_error", owner.id)
    assert only.msg == "Cannot delete the only owner. Transfer ownership first."

    jane = members.create(team.id, email="jane@example.com", external_id="u_jane")
    manager = members.create(team.id, email="bm@example.com", role="billing_manager")
    assert members.delete(team.id, manager.id) is None
    assert members.delete_external("crew", "u_jane") is None
    for gone in (
        lambda: members.get(team.id, manager.id),
        lambda: members.get_external("crew", "u_jane"),
        lambda: members.update(team.id, jane.id, name="ghost"),
        lambda: members.delete(team.id, jane.id),
        lambda: members.delete_external("crew", "u_jane"),
    ):
        assert_resource_not_found(member_tenant, raises(gone), "Member not found")
    # Its email and external id are free again: a new member takes them.
    back = members.create(team.id, email="jane@example.com", external_id="u_jane")
    assert back.id != jane.id
    assert members.get(team.id, owner.id) == owner


def test_answers_the_clients_error_classes_for_members(member_tenant: Tenant) -> None:
    members = member_tenant.polar.customers.members
    team = crew(member_tenant)
    other = member_tenant.polar.customers.create(
        type="team", name="Other", email="other@example.com", external_id="other"
    )
    jane = members.create(team.id, email="jane@example.com", external_id="u_jane")
    missing = str(uuid.uuid4())
    for call in (
        lambda: members.get(team.id, missing),
        lambda: members.get(other.id, jane.id),
        lambda: members.get_external("other", "u_jane"),
        lambda: members.get_external("nobody", "u_jane"),
        lambda: members.update_external("crew", "nope", name="x"),
    ):
        assert_resource_not_found(member_tenant, raises(call), "Member not found")
    for call in (
        lambda: members.create(missing, email="x@example.com"),
        lambda: members.create_external("nobody", email="x@example.com"),
    ):
        assert_resource_not_found(member_tenant, raises(call), "Customer not found")

    [duplicate] = validation_error(
        member_tenant, raises(lambda: members.create(team.id, email="b@example.com", external_id="u_jane"))
    )
    assert (duplicate.loc, duplicate.type, duplicate.input) == (["body", "external_id"], "value_error", "u_jane")
    assert duplicate.msg == "A member with this external ID already exists for this customer."
    [invalid] = validation_error(member_tenant, raises(lambda: members.create(team.id, email="nope")))
    assert (invalid.loc, invalid.type) == (["body", "email"], "value_error")
    [malformed] = validation_error(member_tenant, raises(lambda: members.get("not-a-uuid", jane.id)))
    assert (malformed.loc, malformed.type) == (["path", "id"], "uuid_parsing")

    # An individual customer has one member, its owner.
    solo = member_tenant.polar.customers.create(email="solo@example.com", external_id="solo")
    assert members.get_external("solo", "solo").email == "solo@example.com"
    assert_not_permitted(member_tenant, raises(lambda: members.create(solo.id, email="two@example.com")), ONE_MEMBER)


def test_refuses_members_without_the_member_model(tenant: Tenant) -> None:
    members = tenant.polar.customers.members
    team = tenant.polar.customers.create(type="team", name="Crew", email="crew@example.com", external_id="crew")
    assert_not_permitted(tenant, raises(lambda: members.create(team.id, email="m@example.com")), NOT_ENABLED)
    assert_not_permitted(tenant, raises(lambda: members.create_external("crew", email="m@example.com")), NOT_ENABLED)
    # The customer is looked up first; no owner was made with it.
    assert_resource_not_found(
        tenant, raises(lambda: members.create(str(uuid.uuid4()), email="m@example.com")), "Customer not found"
    )
    assert_resource_not_found(tenant, raises(lambda: members.get_external("crew", "crew")), "Member not found")


def test_lists_members_through_the_clients_core(member_tenant: Tenant) -> None:
    api = member_tenant.api
    outputs = api.outputs
    # No method of the module calls GET /v1/members/; its customers' members are listed elsewhere.
    services = pathlib.Path(polar.__file__).parent / api.name / "services"
    urls = sorted(
        {
            line.split('"')[1]
            for source in services.rglob("*.py")
            for line in source.read_text().splitlines()
            if line.strip().startswith('url="/v1/') and "members" in line
        }
    )
    assert urls == [
        "/v1/customer-portal/members",
        "/v1/customer-portal/members/{id}",
        "/v1/customers/external/{external_id}/members",
        "/v1/customers/external/{external_id}/members/{member_external_id}",
        "/v1/customers/{id}/members",
        "/v1/customers/{id}/members/{member_id}",
    ]

    members = member_tenant.polar.customers.members
    team = crew(member_tenant)
    owner = members.get_external("crew", "crew")
    jane = members.create(team.id, email="jane@example.com", external_id="u_jane")
    manager = members.create(team.id, email="bm@example.com", role="billing_manager")
    other = member_tenant.polar.customers.create(email="solo@example.com", external_id="solo")
    solo = members.get_external("solo", "solo")

    core = member_tenant.polar._client

    def list_members(**query: Any) -> Any:
        request = core.build_request(method="GET", url="/v1/members/", query_params=query)
        response = core.send_request(request)
        errors = {404: api.errors.ResourceNotFound, 422: api.errors.HTTPValidationError}
        return polar.base.parse_response_json(response, outputs.ListResourceMember, errors)

    everyone = list_members()
    assert isinstance(everyone, outputs.ListResourceMember)
    assert everyone.pagination == outputs.Pagination(total_count=4, max_page=1)
    assert {member.id for member in everyone.items} == {owner.id, jane.id, manager.id, solo.id}
    of_team = list_members(customer_id=team.id, sorting=["created_at"])
    assert of_team.items == [owner, jane, manager]
    assert list_members(external_customer_id="solo").items == [solo]
    assert list_members(customer_id=team.id, role="billing_manager").items == [manager]
    paged = list_members(customer_id=team.id, sorting=["created_at"], page=2, limit=2)
    assert (paged.items, paged.pagination.total_count, paged.pagination.max_page) == ([manager], 3, 2)
    assert list_members(customer_id=other.id, role="member").items == []
    [role] = validation_error(member_tenant, raises(lambda: list_members(role="admin")))
    assert (role.loc, role.type) == (["query", "role"], "enum")

    # The client's own listing calls a path the emulator does not serve.
    for call in (lambda: members.list(team.id), lambda: members.list_external("crew")):
        error = raises(call)
        assert type(error) is polar.base.PolarClientError, repr(error)
        assert (error.status_code, error.error) == (405, '{"detail":"Method Not Allowed"}')
    sent = [response.request for response in member_tenant.recorder.responses[-2:]]
    assert [(request.method, request.url.path) for request in sent] == [
        ("GET", f"/v1/customers/{team.id}/members"),
        ("GET", "/v1/customers/external/crew/members"),
    ]


# --------------------------------------------------------------------------------------------
# Payment methods
# --------------------------------------------------------------------------------------------


def test_lists_no_payment_method_by_id_and_by_external_id(tenant: Tenant) -> None:
    outputs = tenant.api.outputs
    customers = tenant.polar.customers
    customer = customers.create(email="pay@example.com", external_id="pay")
    empty = outputs.ListResourcePaymentMethod(items=[], pagination=outputs.Pagination(total_count=0, max_page=0))
    assert customers.list_payment_methods(customer.id) == empty
    assert customers.list_payment_methods_external("pay") == empty
    assert customers.list_payment_methods(customer.id, page=2, limit=5) == empty
    assert list(customers.iter_list_payment_methods(customer.id)) == []
    assert list(customers.iter_list_payment_methods_external("pay", limit=1)) == []
    # The client's defaults go on the wire (responses[0] is the customer's creation).
    sent = [response.request.url for response in tenant.recorder.responses[1:4]]
    assert [url.path for url in sent] == [
        f"/v1/customers/{customer.id}/payment-methods",
        "/v1/customers/external/pay/payment-methods",
        f"/v1/customers/{customer.id}/payment-methods",
    ]
    assert [url.params.multi_items() for url in sent] == [
        [("page", "1"), ("limit", "10")],
        [("page", "1"), ("limit", "10")],
        [("page", "2"), ("limit", "5")],
    ]

    for call in (
        lambda: customers.list_payment_methods(str(uuid.uuid4())),
        lambda: customers.list_payment_methods_external("nobody"),
    ):
        assert_not_found(tenant, raises(call))
    [limit] = validation_error(tenant, raises(lambda: customers.list_payment_methods(customer.id, limit=0)))
    assert (limit.loc, limit.type) == (["query", "limit"], "greater_than")
    # A deleted customer has none to list.
    customers.delete(customer.id)
    assert_not_found(tenant, raises(lambda: customers.list_payment_methods(customer.id)))
    assert_not_found(tenant, raises(lambda: customers.list_payment_methods_external("pay")))
