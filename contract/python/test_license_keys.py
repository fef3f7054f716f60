"""Contract test: customer sessions, license keys and the customer portal through Polar's official
Python client (polar-sdk 0.x). A license key granted by a subscription validates, activates up to
its limit, refuses the next activation, and stops validating when the subscription is revoked;
every answer is parsed by the SDK and checked again in pydantic's strict mode."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from polar_sdk import Polar, models
from strict import Recorder, assert_recorded_strictly_valid


def _response_type(response: httpx.Response) -> Any:
    """The SDK's own type for a response, from the route and the status."""
    path, method = response.request.url.path, response.request.method
    if response.status_code == 404:
        return models.ResourceNotFoundData
    if response.status_code == 422:
        return models.HTTPValidationErrorData
    if response.status_code >= 400 or not path.startswith(("/v1/license-keys", "/v1/customer-")):
        return None
    if path == "/v1/customer-sessions/":
        return models.CustomerSession
    if path.endswith("/validate"):
        return models.ValidatedLicenseKey
    if path.endswith("/activate") or "/activations/" in path:
        return models.LicenseKeyActivationRead
    if path in ("/v1/license-keys/", "/v1/customer-portal/license-keys/"):
        return models.ListResourceLicenseKeyRead
    if path.startswith("/v1/customer-portal/license-keys/") or (
        path.startswith("/v1/license-keys/") and method == "GET"
    ):
        return models.LicenseKeyWithActivations
    if path.startswith("/v1/license-keys/"):
        return models.LicenseKeyRead
    if path == "/v1/customer-portal/customers/me":
        return models.CustomerPortalCustomer
    # The portal's subscriptions are parsed by the SDK only: their organization's portal settings
    # leave out `pause` when it was never set (a `NotRequired` key of Polar's TypedDict,
    # server/polar/models/organization.py), which the strict key comparison would call missing.
    return None


@pytest.fixture(autouse=True)
def every_response_is_strictly_valid(recorder: Recorder) -> Iterator[None]:
    recorder.responses.clear()
    yield
    assert_recorded_strictly_valid(recorder, _response_type)


@pytest.fixture(scope="module")
def organization_id(polar: Polar) -> str:
    """The token's organization, as a customer it creates says."""
    return polar.customers.create(request={"email": f"lk-org-{uuid.uuid4().hex[:12]}@example.com"}).organization_id


def _granted_key(polar: Polar, control: httpx.Client, organization_id: str) -> tuple[Any, str, str]:
    """A customer with a subscription granting a license key (two activations): (key, customer id, subscription id)."""
    customer = polar.customers.create(request={"email": f"lk-{uuid.uuid4().hex[:12]}@example.com"})
    created = polar.benefits.create(
        request={
            "type": "license_keys",
            "description": f"App {uuid.uuid4().hex[:6]}",
            "properties": {"prefix": "py", "activations": {"limit": 2, "enable_customer_admin": True}},
        }
    )
    product = polar.products.create(
        request={
            "name": "App",
            "recurring_interval": "month",
            "prices": [{"amount_type": "fixed", "price_amount": 900, "price_currency": "usd"}],
        }
    )
    polar.products.update_benefits(id=product.id, product_benefits_update={"benefits": [created.id]})
    started = control.post("/_emulator/subscriptions", json={"customer_id": customer.id, "product_id": product.id})
    assert started.status_code == 201, started.text
    keys = polar.license_keys.list(benefit_id=created.id)
    assert keys is not None
    return keys.result.items[0], customer.id, started.json()["subscription"]["id"]


def test_a_subscription_key_validates_activates_to_its_limit_and_dies_with_it(
    polar: Polar, control: httpx.Client, organization_id: str
) -> None:
    key, _, subscription_id = _granted_key(polar, control, organization_id)
    assert key.key.startswith("PY-") and key.display_key == f"****-{key.key[-6:]}"
    validated = polar.license_keys.validate(request={"key": key.key, "organization_id": organization_id})
    assert validated.validations == 1
    first = polar.license_keys.activate(
        request={"key": key.key, "organization_id": organization_id, "label": "laptop", "meta": {"os": "linux"}}
    )
    polar.license_keys.activate(request={"key": key.key, "organization_id": organization_id, "label": "desktop"})
    with pytest.raises(models.NotPermitted) as refused:
        polar.license_keys.activate(request={"key": key.key, "organization_id": organization_id, "label": "phone"})
    assert "activation limit already reached" in str(refused.value.data.detail)
    assert polar.license_keys.get_activation(id=key.id, activation_id=first.id).label == "laptop"
    assert len(polar.license_keys.get(id=key.id).activations) == 2
    polar.license_keys.deactivate(request={"key": key.key, "organization_id": organization_id, "activation_id": first.id})
    updated = polar.license_keys.update(id=key.id, license_key_update={"limit_usage": 10})
    assert updated.limit_usage == 10
    control.post(f"/_emulator/subscriptions/{subscription_id}/revoke")
    with pytest.raises(models.ResourceNotFound) as gone:
        polar.license_keys.validate(request={"key": key.key, "organization_id": organization_id})
    assert gone.value.data.detail == "License key is no longer active."


def test_the_portal_with_a_customer_session(polar: Polar, control: httpx.Client, organization_id: str) -> None:
    key, customer_id, _ = _granted_key(polar, control, organization_id)
    session = polar.customer_sessions.create(request={"customer_id": customer_id})
    security = {"customer_session": session.token}
    portal = polar.customer_portal
    assert portal.customers.get(security=security).id == customer_id
    subscriptions = portal.subscriptions.list(security=security)
    assert subscriptions is not None and len(subscriptions.result.items) == 1
    keys = portal.license_keys.list(security=security)
    assert keys is not None and [item.id for item in keys.result.items] == [key.id]
    assert portal.license_keys.get(security=security, id=key.id).key == key.key
    activation = portal.license_keys.activate(
        request={"key": key.key, "organization_id": organization_id, "label": "laptop"}
    )
    assert portal.license_keys.validate(
        request={"key": key.key, "organization_id": organization_id, "activation_id": activation.id}
    ).activation is not None
    portal.license_keys.deactivate(
        request={"key": key.key, "organization_id": organization_id, "activation_id": activation.id}
    )
