/**
 * Customer seats through the official clients: `@polar-sh/sdk` 0.49 (every answer validated by
 * zod: a call that resolves proves the bytes satisfy it) and 1.x (`polar-sdk-v1`, the 2026-10
 * surface): the six organization operations and the portal's five.
 */
import { Polar } from "@polar-sh/sdk";
import { createPolar } from "polar-sdk-v1/2026-10";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningEmulator, startEmulator } from "../../src/index.js";

let emulator: RunningEmulator;
beforeAll(async () => {
  emulator = await startEmulator();
});
afterAll(async () => {
  await emulator?.close();
});

/** An organization whose customer `billing@example.com` bought `seats` seats of a product with a benefit. */
async function seatSubscription(memberModel: boolean, seats = 3) {
  const { token } = emulator.createOrganization({ member_model_enabled: memberModel });
  const v0 = new Polar({ accessToken: token, serverURL: emulator.url });
  const benefit = await v0.benefits.create({ type: "custom", description: "Seat perk", properties: {} });
  const product = await v0.products.create({
    name: "Team",
    recurringInterval: "month",
    prices: [
      {
        amountType: "seat_based",
        seatTiers: { tiers: [{ minSeats: 1, maxSeats: null, pricePerSeat: 1000 }] },
      },
    ],
  });
  await v0.products.updateBenefits({ id: product.id, productBenefitsUpdate: { benefits: [benefit.id] } });
  const checkout = await v0.checkouts.create({
    products: [product.id],
    seats,
    customerEmail: "billing@example.com",
  });
  const completed = await fetch(`${emulator.url}/_emulator/checkouts/${checkout.id}/complete`, {
    method: "POST",
  });
  expect(completed.status).toBe(200);
  const page = await v0.subscriptions.list({});
  const subscription = page.result.items[0];
  if (!subscription) throw new Error("no subscription");
  return { token, v0, subscription };
}

async function invitationToken(seatId: string): Promise<string> {
  const res = await fetch(`${emulator.url}/_emulator/customer-seats/${seatId}/invitation`);
  const body = (await res.json()) as { invitation_token: string };
  return body.invitation_token;
}

describe("@polar-sh/sdk 0.49", () => {
  it("assigns, lists, resends, claims and revokes, its zod schemas satisfied", async () => {
    const { v0, subscription } = await seatSubscription(false);
    const seat = await v0.customerSeats.assignSeat({
      subscriptionId: subscription.id,
      email: "holder@example.com",
      metadata: { team: "red" },
    });
    expect(seat).toMatchObject({
      status: "pending",
      email: "holder@example.com",
      seatMetadata: { team: "red" },
    });
    expect(seat.invitationTokenExpiresAt).toBeInstanceOf(Date);
    const list = await v0.customerSeats.listSeats({ subscriptionId: subscription.id });
    expect(list).toMatchObject({ availableSeats: 2, totalSeats: 3 });
    expect(list.seats).toEqual([seat]);
    expect(await v0.customerSeats.resendInvitation({ seatId: seat.id })).toEqual(seat);

    const token = await invitationToken(seat.id);
    const info = await v0.customerSeats.getClaimInfo({ invitationToken: token });
    expect(info).toMatchObject({ productName: "Team", customerEmail: "holder@example.com", canClaim: true });
    const claimed = await v0.customerSeats.claimSeat({ invitationToken: token });
    expect(claimed.seat).toMatchObject({ id: seat.id, status: "claimed" });
    expect(claimed.seat.claimedAt).toBeInstanceOf(Date);

    // The claim's session opens the portal: the claimed subscription is listed there.
    const claimedPages = [];
    for await (const page of await v0.customerPortal.seats.listClaimedSubscriptions(
      { memberSession: claimed.customerSessionToken },
      {},
    )) {
      claimedPages.push(page.result);
    }
    expect(claimedPages[0]?.items.map((item) => item.id)).toEqual([subscription.id]);

    const revoked = await v0.customerSeats.revokeSeat({ seatId: seat.id });
    expect(revoked).toMatchObject({ status: "revoked", customerId: null, member: null });
    expect(revoked.revokedAt).toBeInstanceOf(Date);
  });

  it("serves the portal's seats to the buyer's customer session", async () => {
    const { v0, subscription } = await seatSubscription(false);
    const { token: sessionToken } = await v0.customerSessions.create({ customerId: subscription.customerId });
    const security = { customerSession: sessionToken };
    const portal = v0.customerPortal.seats;
    const seat = await portal.assignSeat(security, {
      subscriptionId: subscription.id,
      email: "p@example.com",
    });
    expect(seat.status).toBe("pending");
    const list = await portal.listSeats(security, { subscriptionId: subscription.id });
    expect(list.seats).toEqual([seat]);
    expect(await portal.resendInvitation(security, { seatId: seat.id })).toEqual(seat);
    expect((await portal.revokeSeat(security, { seatId: seat.id })).status).toBe("revoked");
    const pages = [];
    for await (const page of await portal.listClaimedSubscriptions(security, {})) pages.push(page.result);
    expect(pages[0]?.items).toEqual([]);
  });
});

describe("@polar-sh/sdk 1.x (2026-10)", () => {
  it("calls every seat operation of the organization and the portal", async () => {
    const { token, subscription } = await seatSubscription(true);
    const v1 = createPolar({ accessToken: token, baseUrl: emulator.url });
    const seat = await v1.customerSeats.assignSeat({
      subscription_id: subscription.id,
      email: "m@example.com",
    });
    expect(seat).toMatchObject({ status: "pending", email: "m@example.com", member: { role: "member" } });
    const list = await v1.customerSeats.listSeats({ subscription_id: subscription.id });
    expect(list).toMatchObject({ available_seats: 2, total_seats: 3 });
    expect((await v1.customerSeats.resendInvitation(seat.id)).id).toBe(seat.id);
    const invitation = await invitationToken(seat.id);
    expect((await v1.customerSeats.getClaimInfo(invitation)).can_claim).toBe(true);
    const claimed = await v1.customerSeats.claimSeat({ invitation_token: invitation });
    expect(claimed.customer_session_token).toMatch(/^polar_mst_/);

    const holder = createPolar({ accessToken: claimed.customer_session_token, baseUrl: emulator.url });
    const claimedSubs = await holder.customerPortal.seats.listClaimedSubscriptions();
    expect(claimedSubs.items.map((item) => item.id)).toEqual([subscription.id]);
    expect(
      (await holder.customerPortal.seats.listSeats({ subscription_id: subscription.id })).total_seats,
    ).toBe(3);

    // The buyer (the owner's member session) assigns, re-sends and revokes in the portal.
    const buyer = createPolar({ accessToken: token, baseUrl: emulator.url });
    const session = await buyer.customerSessions.create({ customer_id: subscription.customerId });
    const owner = createPolar({ accessToken: session.token, baseUrl: emulator.url }).customerPortal.seats;
    const second = await owner.assignSeat({ subscription_id: subscription.id, email: "n@example.com" });
    expect((await owner.resendInvitation(second.id)).status).toBe("pending");
    expect((await owner.revokeSeat(second.id)).status).toBe("revoked");
    expect((await v1.customerSeats.revokeSeat(seat.id)).status).toBe("revoked");
  });
});
