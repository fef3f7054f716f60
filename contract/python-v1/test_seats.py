"""Customer seats through polar-sdk 1.x, in each version module: the organization's six seat
operations and the customer portal's five, on a seat-based subscription bought through a checkout
(made with plain HTTP: the modules spell seat-based prices differently). The invitation token comes
from the emulator's control plane (Polar only emails it). Every answer is loaded as the module's
model and checked for drift (conftest.py). Run by test/contract-python-v1.test.ts.
"""

from __future__ import annotations

from typing import Any

import httpx

from conftest import Tenant


def seat_subscription(tenant: Tenant, control: httpx.Client, seats: int = 3) -> Any:
    """A subscription of `seats` seats to a seat-based product with a custom benefit."""
    headers = {"Authorization": f"Bearer {tenant.token}"}
    benefit = control.post(
        "/v1/benefits/", headers=headers, json={"type": "custom", "description": "Seat perk", "properties": {}}
    ).json()
    product = control.post(
        "/v1/products/",
        headers=headers,
        json={
            "name": "Team",
            "recurring_interval": "month",
            "prices": [
                {"amount_type": "seat_based", "seat_tiers": {"tiers": [{"min_seats": 1, "price_per_seat": 1000}]}}
            ],
        },
    ).json()
    control.post(f"/v1/products/{product['id']}/benefits", headers=headers, json={"benefits": [benefit["id"]]})
    checkout = control.post(
        "/v1/checkouts/",
        headers=headers,
        json={"products": [product["id"]], "seats": seats, "customer_email": "billing@example.com"},
    ).json()
    assert control.post(f"/_emulator/checkouts/{checkout['id']}/complete", json={}).status_code == 200
    return tenant.polar.subscriptions.list().items[0]


def invitation_token(control: httpx.Client, seat_id: str) -> str:
    response = control.get(f"/_emulator/customer-seats/{seat_id}/invitation")
    assert response.status_code == 200, response.text
    return response.json()["invitation_token"]


def test_assigns_claims_and_revokes_a_seat(tenant: Tenant, control: httpx.Client) -> None:
    subscription = seat_subscription(tenant, control)
    seat = tenant.polar.customer_seats.assign_seat(
        subscription_id=subscription.id, email="holder@example.com", metadata={"team": "red"}
    )
    assert seat.status == "pending"
    assert seat.seat_metadata == {"team": "red"}
    listed = tenant.polar.customer_seats.list_seats(subscription_id=subscription.id)
    assert (listed.available_seats, listed.total_seats) == (2, 3)
    assert [item.id for item in listed.seats] == [seat.id]
    assert tenant.polar.customer_seats.resend_invitation(seat.id).id == seat.id

    token = invitation_token(control, seat.id)
    info = tenant.polar.customer_seats.get_claim_info(token)
    assert (info.product_name, info.customer_email, info.can_claim) == ("Team", "holder@example.com", True)
    claimed = tenant.polar.customer_seats.claim_seat(invitation_token=token)
    assert claimed.seat.status == "claimed"
    assert claimed.customer_session_token.startswith("polar_mst_")

    revoked = tenant.polar.customer_seats.revoke_seat(seat.id)
    assert (revoked.status, revoked.customer_id, revoked.member) == ("revoked", None, None)


def test_the_portal_serves_the_buyers_seats(tenant: Tenant, control: httpx.Client) -> None:
    subscription = seat_subscription(tenant, control)
    session = tenant.polar.customer_sessions.create(customer_id=subscription.customer_id)
    seats = tenant.polar.customer_portal.seats
    seat = seats.assign_seat(
        subscription_id=subscription.id, email="p@example.com", request_access_token=session.token
    )
    assert seat.status == "pending"
    listed = seats.list_seats(subscription_id=subscription.id, request_access_token=session.token)
    assert [item.id for item in listed.seats] == [seat.id]
    assert seats.resend_invitation(seat.id, request_access_token=session.token).id == seat.id
    claimed = tenant.polar.customer_seats.claim_seat(invitation_token=invitation_token(control, seat.id))
    holder = seats.list_claimed_subscriptions(request_access_token=claimed.customer_session_token)
    assert [item.id for item in holder.items] == [subscription.id]
    assert seats.revoke_seat(seat.id, request_access_token=session.token).status == "revoked"
