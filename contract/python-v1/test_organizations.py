"""The organization through polar-sdk 1.x, in each version module: get and list (with an organization
token, only its own organization), update with its settings, the client's error classes, and create,
which Polar refuses to an organization token with a 401 that no client has a model for. Run by
test/contract-python-v1.test.ts (see test_customers.py).
"""

from __future__ import annotations

import dataclasses
import uuid

import httpx
import polar
from conftest import Tenant
from support import raises
from test_customers import assert_not_found, parse_time, validation_error


def test_gets_and_lists_the_tokens_own_organization(tenant: Tenant) -> None:
    outputs = tenant.api.outputs
    organizations = tenant.polar.organizations
    organization = organizations.get(tenant.organization_id)
    assert isinstance(organization, outputs.Organization)
    assert organization.id == tenant.organization_id
    assert organization.name.startswith("Test organization ")
    assert (organization.modified_at, organization.status, organization.avatar_url) == (None, "active", None)
    assert (organization.email, organization.website, organization.socials, organization.country) == (
        None,
        None,
        [],
        None,
    )
    assert (organization.default_presentment_currency, organization.default_tax_behavior) == ("usd", "location")
    assert (organization.proration_behavior, organization.allow_customer_updates, organization.sso_enforced) == (
        "prorate",
        True,
        False,
    )
    assert organization.subscription_settings == outputs.OrganizationSubscriptionSettings(
        allow_multiple_subscriptions=False,
        proration_behavior="prorate",
        benefit_revocation_grace_period=0,
        prevent_trial_abuse=False,
        allow_customer_updates=True,
    )
    assert organization.dispute_settings == outputs.OrganizationDisputeSettings(auto_accept_below_amount=None)
    assert organization.embed_hosts == []
    assert organization.capabilities == outputs.OrganizationCapabilities(
        checkout_payments=True,
        subscription_renewals=True,
        payouts=True,
        refunds=True,
        api_access=True,
        dashboard_access=True,
    )
    assert organization.feature_settings is not None and organization.feature_settings.wallets_enabled is False

    page = organizations.list()
    assert page == outputs.ListResourceOrganization(
        items=[organization], pagination=outputs.Pagination(total_count=1, max_page=1)
    )
    # The client's defaults go on the wire: sorted by creation.
    assert tenant.recorder.responses[-1].request.url.params.multi_items() == [
        ("page", "1"),
        ("limit", "10"),
        ("sorting", "created_at"),
    ]
    assert organizations.list(slug=organization.slug.upper(), sorting=["-name"]).items == [organization]
    assert organizations.list(slug="no-such-slug").items == []
    assert list(organizations.iter_list(limit=1)) == [organization]

    assert_not_found(tenant, raises(lambda: organizations.get(str(uuid.uuid4()))))
    [malformed] = validation_error(tenant, raises(lambda: organizations.get("not-a-uuid")))
    assert (malformed.loc, malformed.type) == (["path", "id"], "uuid_parsing")
    [sorting] = validation_error(
        tenant,
        raises(lambda: organizations.list(sorting=["email"])),  # type: ignore[list-item]
    )
    assert (sorting.loc, sorting.type) == (["query", "sorting", 0], "enum")


def test_does_not_show_another_organization(tenant: Tenant, control: httpx.Client) -> None:
    other = control.post("/_emulator/organizations", json={}).json()["organization"]["id"]
    assert_not_found(tenant, raises(lambda: tenant.polar.organizations.get(other)))
    assert_not_found(tenant, raises(lambda: tenant.polar.organizations.update(other, name="Mine now")))
    assert [item.id for item in tenant.polar.organizations.list().items] == [tenant.organization_id]


def test_updates_the_organization_as_polar_normalizes_it(tenant: Tenant) -> None:
    outputs = tenant.api.outputs
    organizations = tenant.polar.organizations
    before = organizations.get(tenant.organization_id)
    updated = organizations.update(
        tenant.organization_id,
        name="Renamed Shop",
        email="Support@Example.COM",
        website="https://Example.com",
        socials=[
            {"platform": "x", "url": "https://www.GitHub.com/Acme"},
            {"platform": "youtube", "url": "https://acme.example/blog"},
        ],
        country="FR",
        subscription_settings={
            "allow_multiple_subscriptions": True,
            "proration_behavior": "invoice",
            "benefit_revocation_grace_period": 3,
            "prevent_trial_abuse": True,
            "allow_customer_updates": False,
        },
        customer_portal_settings={
            "usage": {"show": False},
            "subscription": {"update_seats": False, "update_plan": False},
        },
        embed_hosts=["Shop.Example.com", "*.example.org:443", "localhost:3000", "shop.example.com"],
        default_tax_behavior="inclusive",
    )
    assert isinstance(updated, outputs.Organization)
    assert (updated.id, updated.slug, updated.created_at) == (before.id, before.slug, before.created_at)
    assert updated.modified_at is not None and parse_time(updated.modified_at) >= parse_time(before.created_at)
    assert (updated.name, updated.email, updated.website, updated.country) == (
        "Renamed Shop",
        "Support@example.com",
        "https://example.com/",
        "FR",
    )
    # The platform is detected from the URL, whatever was sent.
    assert updated.socials == [
        outputs.OrganizationSocialLink(platform="github", url="https://www.github.com/Acme"),
        outputs.OrganizationSocialLink(platform="other", url="https://acme.example/blog"),
    ]
    assert updated.subscription_settings == outputs.OrganizationSubscriptionSettings(
        allow_multiple_subscriptions=True,
        proration_behavior="invoice",
        benefit_revocation_grace_period=3,
        prevent_trial_abuse=True,
        allow_customer_updates=False,
    )
    # The top-level copies follow the subscription settings.
    assert (updated.proration_behavior, updated.allow_customer_updates) == ("invoice", False)
    assert (updated.customer_portal_settings.usage.show, updated.customer_portal_settings.subscription.update_plan) == (
        False,
        False,
    )
    assert updated.embed_hosts == ["shop.example.com", "*.example.org", "localhost:3000"]
    assert updated.default_tax_behavior == "inclusive"
    assert organizations.get(tenant.organization_id) == updated
    assert organizations.list().items == [updated]
    # The fields left out stay as they are.
    again = organizations.update(tenant.organization_id, country="DE")
    assert again == dataclasses.replace(updated, country="DE", modified_at=again.modified_at)


def test_answers_the_clients_error_classes_for_an_update(tenant: Tenant) -> None:
    errors, outputs = tenant.api.errors, tenant.api.outputs
    organizations = tenant.polar.organizations
    invalid = validation_error(
        tenant,
        raises(lambda: organizations.update(tenant.organization_id, email="not-an-email", website="", name="ab")),
    )
    assert [(detail.loc, detail.type) for detail in invalid] == [
        (["body", "name"], "string_too_short"),
        (["body", "email"], "value_error"),
        (["body", "website"], "url_parsing"),
    ]
    [seats] = validation_error(
        tenant,
        raises(
            lambda: organizations.update(tenant.organization_id, feature_settings={"seat_based_pricing_enabled": True})
        ),
    )
    assert (seats.loc, seats.msg) == (
        ["body", "feature_settings", "seat_based_pricing_enabled"],
        "Member model must be enabled before enabling seat-based pricing.",
    )
    sso = raises(lambda: organizations.update(tenant.organization_id, sso_enforced=True))
    assert isinstance(sso, errors.OrganizationsUpdate403Error), repr(sso)
    assert sso.status_code == 403
    assert sso.error == outputs.NotPermitted(
        error="NotPermitted", detail="You must be signed in through SSO for this organization to enforce it."
    )
    dispute = raises(
        lambda: organizations.update(tenant.organization_id, dispute_settings={"auto_accept_below_amount": 500})
    )
    assert isinstance(dispute, errors.OrganizationsUpdate403Error), repr(dispute)
    assert dispute.error == outputs.DisputeAutoAcceptNotEnabled(
        error="DisputeAutoAcceptNotEnabled", detail="Dispute auto-accept is not enabled for this organization."
    )
    # Nothing was written.
    assert organizations.get(tenant.organization_id).modified_at is None


def test_refuses_to_create_an_organization_with_an_organization_token(tenant: Tenant) -> None:
    """Only a user creates organizations: Polar answers an organization token as no token, 401. The
    client declares 403 and 422 for this method (organizations.py `create`), so a 401 is its plain
    PolarClientError carrying the body's text."""
    error = raises(lambda: tenant.polar.organizations.create(name="New", slug="new-org"))
    assert type(error) is polar.PolarClientError, repr(error)
    assert error.status_code == 401
    assert error.error == '{"error":"Unauthorized","detail":"Unauthorized"}'
    [response] = tenant.recorder.responses
    assert response.headers["www-authenticate"] == 'Bearer realm="polar"'
    assert [item.id for item in tenant.polar.organizations.list().items] == [tenant.organization_id]
