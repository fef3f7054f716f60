/**
 * Customer seats to the byte (Polar's customer_seat/endpoints.py, service.py, schemas.py and
 * customer_portal/endpoints/customer_seat.py), over real HTTP, each test in its own organization:
 * assigning within a seat-based subscription's seats, the invitation token from the control
 * plane, claiming (benefits and a portal session), revoking, re-sending, and the portal's views.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestEmulator } from "./helpers.js";

let ctx: Awaited<ReturnType<typeof startTestEmulator>>;
beforeAll(async () => {
  ctx = await startTestEmulator();
});
afterAll(() => ctx.emulator.close());

type Headers = Record<string, string>;
type Body = Record<string, unknown>;

const SEAT_KEYS = [
  "created_at",
  "modified_at",
  "id",
  "subscription_id",
  "order_id",
  "status",
  "customer_id",
  "member_id",
  "member",
  "email",
  "customer_email",
  "invitation_token_expires_at",
  "claimed_at",
  "revoked_at",
  "seat_metadata",
];

function org(memberModel: boolean) {
  const created = ctx.emulator.createOrganization({ member_model_enabled: memberModel });
  return {
    id: created.organizationId,
    token: created.token,
    headers: { Authorization: `Bearer ${created.token}` } as Headers,
  };
}

async function ok(res: { status: number; body: Body }, status = 200): Promise<Body> {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  return res.body;
}

/** A seat-based product with a custom benefit, bought with `seats` seats by `billing@example.com`. */
async function seatSubscription(headers: Headers, seats = 2) {
  const benefit = await ok(
    await ctx.http
      .post("/v1/benefits/")
      .set(headers)
      .send({ type: "custom", description: "Seat perk", properties: {} }),
    201,
  );
  const product = await ok(
    await ctx.http
      .post("/v1/products/")
      .set(headers)
      .send({
        name: "Team",
        recurring_interval: "month",
        prices: [
          {
            amount_type: "seat_based",
            seat_tiers: { tiers: [{ min_seats: 1, max_seats: null, price_per_seat: 1000 }] },
          },
        ],
      }),
    201,
  );
  await ok(
    await ctx.http
      .post(`/v1/products/${String(product.id)}/benefits`)
      .set(headers)
      .send({ benefits: [benefit.id] }),
  );
  const checkout = await ok(
    await ctx.http
      .post("/v1/checkouts/")
      .set(headers)
      .send({ products: [product.id], seats, customer_email: "billing@example.com" }),
    201,
  );
  await ok(await ctx.http.post(`/_emulator/checkouts/${String(checkout.id)}/complete`).send({}));
  const subscriptions = await ok(await ctx.http.get("/v1/subscriptions/").set(headers));
  const subscription = (subscriptions.items as Body[])[0] as Body & { id: string; customer_id: string };
  expect(subscription.seats).toBe(seats);
  return { subscription, product, benefit };
}

function assign(headers: Headers, body: Body) {
  return ctx.http.post("/v1/customer-seats").set(headers).send(body);
}

async function invitation(seatId: unknown): Promise<Body & { invitation_token: string }> {
  return (await ok(await ctx.http.get(`/_emulator/customer-seats/${String(seatId)}/invitation`))) as Body & {
    invitation_token: string;
  };
}

async function eventTypes(organizationId: string, after?: string) {
  const res = await ctx.http.get(
    `/_emulator/events?organization_id=${organizationId}${after ? `&after=${after}` : ""}`,
  );
  return res.body.items as { id: string; type: string; data: Body }[];
}

describe("assigning, claiming and revoking (without the member model)", () => {
  it("assigns by email: a pending seat, a silent customer for the holder, the token on the control plane", async () => {
    const t = org(false);
    const { subscription } = await seatSubscription(t.headers, 2);
    const before = await eventTypes(t.id);
    const seat = await ok(
      await assign(t.headers, {
        subscription_id: subscription.id,
        email: "Holder@Example.COM",
        metadata: { team: "red" },
      }),
    );
    expect(Object.keys(seat)).toEqual(SEAT_KEYS);
    expect(seat).toMatchObject({
      subscription_id: subscription.id,
      order_id: null,
      status: "pending",
      email: "Holder@example.com",
      customer_email: "Holder@example.com",
      claimed_at: null,
      revoked_at: null,
      seat_metadata: { team: "red" },
      modified_at: null,
    });
    expect(seat.customer_id).not.toBe(subscription.customer_id);
    expect(seat.member).toMatchObject({ customer_id: subscription.customer_id, role: "member" });
    const events = (await eventTypes(t.id)).slice(before.length);
    expect(events.map((event) => event.type)).toEqual(["customer_seat.assigned"]);
    expect(events[0]?.data).toEqual(seat);

    const invite = await invitation(seat.id);
    expect(invite).toMatchObject({ seat_id: seat.id, status: "pending", expired: false });
    expect(invite.invitation_token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(invite.invitation_token_expires_at).toBe(seat.invitation_token_expires_at);

    const list = await ok(
      await ctx.http.get(`/v1/customer-seats?subscription_id=${subscription.id}`).set(t.headers),
    );
    expect(list).toEqual({ seats: [seat], available_seats: 1, total_seats: 2 });
  });

  it("claims with the token: the benefits granted to the holder, a session token, then single use", async () => {
    const t = org(false);
    const { subscription, product, benefit } = await seatSubscription(t.headers, 1);
    const seat = await ok(
      await assign(t.headers, { subscription_id: subscription.id, email: "holder@example.com" }),
    );
    const { invitation_token: token } = await invitation(seat.id);

    const info = await ok(await ctx.http.get(`/v1/customer-seats/claim/${token}`));
    expect(info).toEqual({
      product_name: "Team",
      product_id: product.id,
      organization_name: expect.any(String),
      organization_slug: expect.any(String),
      customer_email: "holder@example.com",
      can_claim: true,
    });

    const before = await eventTypes(t.id);
    const claimed = await ok(
      await ctx.http.post("/v1/customer-seats/claim").send({ invitation_token: token }),
    );
    expect(Object.keys(claimed)).toEqual(["seat", "customer_session_token"]);
    expect(claimed.seat).toMatchObject({ id: seat.id, status: "claimed", customer_id: seat.customer_id });
    expect((claimed.seat as Body).claimed_at).toEqual(expect.any(String));
    const events = (await eventTypes(t.id)).slice(before.length);
    expect(events.map((event) => event.type)).toEqual([
      "customer_seat.claimed",
      "benefit_grant.created",
      "customer.state_changed",
    ]);
    expect(events[1]?.data).toMatchObject({
      benefit_id: benefit.id,
      customer_id: seat.customer_id,
      member_id: (seat.member as Body).id,
      subscription_id: subscription.id,
    });

    // The claim made a member of the billing customer: the token is that member's session, and
    // the seat's subscription is listed in the portal as claimed.
    const sessionToken = String(claimed.customer_session_token);
    expect(sessionToken).toMatch(/^polar_mst_[A-Za-z0-9]{43}$/);
    const portal = { Authorization: `Bearer ${sessionToken}` };
    const claimedSubs = await ok(await ctx.http.get("/v1/customer-portal/seats/subscriptions").set(portal));
    expect((claimedSubs.items as Body[]).map((item) => item.id)).toEqual([subscription.id]);

    // Single use: the token is gone.
    const again = await ctx.http.post("/v1/customer-seats/claim").send({ invitation_token: token });
    expect(again.status).toBe(400);
    expect(again.body).toEqual({
      error: "InvalidInvitationToken",
      detail: "Invalid or expired invitation token",
    });
    const gone = await ctx.http.get(`/v1/customer-seats/claim/${token}`);
    expect(gone.status).toBe(404);
    expect(gone.body).toEqual({ error: "ResourceNotFound", detail: "Invalid or expired invitation token" });
    expect((await invitation(seat.id)).invitation_token).toBeNull();

    // Revoking: the seat's webhook, then the grant's revocation.
    const mark = await eventTypes(t.id);
    const revoked = await ok(await ctx.http.delete(`/v1/customer-seats/${String(seat.id)}`).set(t.headers));
    expect(revoked).toMatchObject({
      id: seat.id,
      status: "revoked",
      customer_id: null,
      member_id: null,
      member: null,
      email: null,
      customer_email: null,
    });
    const after = (await eventTypes(t.id)).slice(mark.length);
    expect(after.map((event) => event.type)).toEqual([
      "customer_seat.revoked",
      "benefit_grant.revoked",
      "customer.state_changed",
    ]);
    // A revoked seat is answered as it is, without events.
    const twice = await ok(await ctx.http.delete(`/v1/customer-seats/${String(seat.id)}`).set(t.headers));
    expect(twice).toEqual(revoked);
    expect((await eventTypes(t.id)).length).toBe(mark.length + 3);

    // The revoked seat is reused by the next assignment.
    const reused = await ok(
      await assign(t.headers, { subscription_id: subscription.id, email: "next@example.com" }),
    );
    expect(reused).toMatchObject({ id: seat.id, status: "pending", email: "next@example.com" });
  });

  it("refuses with Polar's errors and changes nothing", async () => {
    const t = org(false);
    const { subscription } = await seatSubscription(t.headers, 1);
    const missing = "6f1bbf3c-5a0e-4d4c-9d5e-2d7b2a4f0c11";

    const noSub = await assign(t.headers, { subscription_id: missing, email: "a@example.com" });
    expect(noSub.status).toBe(404);
    expect(noSub.body).toEqual({ error: "ResourceNotFound", detail: "Subscription not found" });
    const noOrder = await assign(t.headers, { order_id: missing, email: "a@example.com" });
    expect(noOrder.body).toEqual({ error: "ResourceNotFound", detail: "Order not found" });

    const both = await assign(t.headers, {
      subscription_id: subscription.id,
      order_id: missing,
      email: "a@example.com",
    });
    expect(both.status).toBe(422);
    expect(both.body.detail).toEqual([
      {
        type: "value_error",
        loc: ["body"],
        msg: "Value error, Exactly one of subscription_id or order_id must be provided",
        input: { subscription_id: subscription.id, order_id: missing, email: "a@example.com" },
        ctx: { error: {} },
      },
    ]);
    const nobody = await assign(t.headers, { subscription_id: subscription.id });
    expect(nobody.status).toBe(422);
    expect(nobody.body.detail[0].msg).toBe(
      "Value error, At least one of email, external_customer_id, customer_id, external_member_id, or member_id must be provided",
    );
    const mixed = await assign(t.headers, {
      subscription_id: subscription.id,
      customer_id: missing,
      member_id: missing,
    });
    expect(mixed.body.detail[0].msg).toBe(
      "Value error, Cannot combine external_customer_id/customer_id with external_member_id/member_id",
    );
    const two = await assign(t.headers, {
      subscription_id: subscription.id,
      email: "a@example.com",
      customer_id: missing,
    });
    expect(two.body.detail[0].msg).toBe(
      "Value error, Exactly one of email, external_customer_id, or customer_id must be provided",
    );
    const bigMetadata = await assign(t.headers, {
      subscription_id: subscription.id,
      email: "a@example.com",
      metadata: Object.fromEntries(Array.from({ length: 11 }, (_, index) => [`k${index}`, index])),
    });
    expect(bigMetadata.status).toBe(422);
    expect(bigMetadata.body.detail[0]).toMatchObject({
      type: "value_error",
      loc: ["body", "metadata"],
      msg: "Value error, Metadata cannot have more than 10 keys",
    });

    const unknownCustomer = await assign(t.headers, {
      subscription_id: subscription.id,
      external_customer_id: "nobody",
    });
    expect(unknownCustomer.status).toBe(404);
    expect(unknownCustomer.body).toEqual({ error: "CustomerNotFound", detail: "Customer not found: nobody" });

    // None of the refusals wrote anything.
    const customers = await ok(await ctx.http.get("/v1/customers/").set(t.headers));
    expect((customers.pagination as Body).total_count).toBe(1);
    const members = await ok(await ctx.http.get("/v1/members/").set(t.headers));
    expect((members.pagination as Body).total_count).toBe(0);

    const first = await ok(
      await assign(t.headers, { subscription_id: subscription.id, email: "a@example.com" }),
    );
    const full = await assign(t.headers, { subscription_id: subscription.id, email: "b@example.com" });
    expect(full.status).toBe(400);
    expect(full.body).toEqual({
      error: "SeatNotAvailable",
      detail: `No available seats for ${subscription.id}`,
    });

    const list = await ok(
      await ctx.http.get(`/v1/customer-seats?subscription_id=${subscription.id}`).set(t.headers),
    );
    expect(list).toMatchObject({ available_seats: 0, total_seats: 1 });
    expect((list.seats as Body[]).map((seat) => seat.id)).toEqual([first.id]);

    const neither = await ctx.http.get("/v1/customer-seats").set(t.headers);
    expect(neither.status).toBe(400);
    expect(neither.body).toEqual({
      error: "BadRequest",
      detail: "Either subscription_id or order_id must be provided",
    });

    const noSeat = await ctx.http.delete(`/v1/customer-seats/${missing}`).set(t.headers);
    expect(noSeat.status).toBe(404);
    expect(noSeat.body).toEqual({ error: "ResourceNotFound", detail: "Seat not found" });
    const noResend = await ctx.http.post(`/v1/customer-seats/${missing}/resend`).set(t.headers);
    expect(noResend.body).toEqual({ error: "ResourceNotFound", detail: "Seat not found" });

    const badToken = await ctx.http.post("/v1/customer-seats/claim").send({ invitation_token: "nope" });
    expect(badToken.status).toBe(400);
    expect(badToken.body).toEqual({
      error: "InvalidInvitationToken",
      detail: "Invalid or expired invitation token",
    });

    // Another organization sees none of it.
    const other = org(false);
    const foreign = await ctx.http.delete(`/v1/customer-seats/${String(first.id)}`).set(other.headers);
    expect(foreign.status).toBe(404);
    const foreignList = await ctx.http
      .get(`/v1/customer-seats?subscription_id=${subscription.id}`)
      .set(other.headers);
    expect(foreignList.body).toEqual({ error: "ResourceNotFound", detail: "Subscription not found" });
  });

  it("refuses a second seat to the same customer, and re-sends only a pending seat", async () => {
    const t = org(false);
    const { subscription } = await seatSubscription(t.headers, 3);
    const seat = await ok(
      await assign(t.headers, { subscription_id: subscription.id, email: "dup@example.com" }),
    );
    const dup = await assign(t.headers, { subscription_id: subscription.id, email: "dup@example.com" });
    expect(dup.status).toBe(400);
    expect(dup.body).toEqual({
      error: "SeatAlreadyAssigned",
      detail: "Seat already assigned to customer dup@example.com",
    });
    const byId = await assign(t.headers, { subscription_id: subscription.id, customer_id: seat.customer_id });
    expect(byId.body).toEqual({
      error: "SeatAlreadyAssigned",
      detail: `Seat already assigned to customer ${String(seat.customer_id)}`,
    });

    const resent = await ok(
      await ctx.http.post(`/v1/customer-seats/${String(seat.id)}/resend`).set(t.headers),
    );
    expect(resent).toEqual(seat);

    const immediate = await ok(
      await assign(t.headers, {
        subscription_id: subscription.id,
        email: "now@example.com",
        immediate_claim: true,
      }),
    );
    expect(immediate).toMatchObject({ status: "claimed", invitation_token_expires_at: null });
    expect((await invitation(immediate.id)).invitation_token).toBeNull();
    const notPending = await ctx.http
      .post(`/v1/customer-seats/${String(immediate.id)}/resend`)
      .set(t.headers);
    expect(notPending.status).toBe(400);
    expect(notPending.body).toEqual({ error: "SeatNotPending", detail: "Seat is not in pending status" });
  });

  it("needs the customer_seats scopes and a token for the organization routes", async () => {
    const limited = ctx.emulator.createOrganization({ scopes: ["customers:read"] });
    const res = await ctx.http
      .get("/v1/customer-seats?subscription_id=6f1bbf3c-5a0e-4d4c-9d5e-2d7b2a4f0c11")
      .set({ Authorization: `Bearer ${limited.token}` });
    expect(res.status).toBe(403);
    expect(res.body.error).toBe("insufficient_scope");
    const anonymous = await ctx.http.post("/v1/customer-seats").send({});
    expect(anonymous.status).toBe(401);
  });

  it("revokes the seats of a subscription that is revoked, and their benefits", async () => {
    const t = org(false);
    const { subscription } = await seatSubscription(t.headers, 1);
    const seat = await ok(
      await assign(t.headers, {
        subscription_id: subscription.id,
        email: "gone@example.com",
        immediate_claim: true,
      }),
    );
    const mark = await eventTypes(t.id);
    await ok(await ctx.http.delete(`/v1/subscriptions/${subscription.id}`).set(t.headers));
    const types = (await eventTypes(t.id)).slice(mark.length).map((event) => event.type);
    expect(types).toContain("customer_seat.revoked");
    expect(types.indexOf("customer_seat.revoked")).toBeLessThan(types.lastIndexOf("benefit_grant.revoked"));
    const list = await ok(
      await ctx.http.get(`/v1/customer-seats?subscription_id=${subscription.id}`).set(t.headers),
    );
    expect((list.seats as Body[]).find((item) => item.id === seat.id)).toMatchObject({ status: "revoked" });
  });
});

describe("with the member model", () => {
  it("assigns to a member of the billing customer, claims into a member session", async () => {
    const t = org(true);
    const { subscription, benefit } = await seatSubscription(t.headers, 2);
    const seat = await ok(
      await assign(t.headers, {
        subscription_id: subscription.id,
        email: "m@example.com",
        external_member_id: "ext-1",
      }),
    );
    expect(seat).toMatchObject({
      customer_id: subscription.customer_id,
      email: "m@example.com",
      member: {
        email: "m@example.com",
        external_id: "ext-1",
        role: "member",
        customer_id: subscription.customer_id,
      },
    });
    const mismatch = await assign(t.headers, {
      subscription_id: subscription.id,
      email: "other@example.com",
      external_member_id: "ext-1",
    });
    expect(mismatch.status).toBe(400);
    expect(mismatch.body).toEqual({
      error: "MemberEmailMismatch",
      detail:
        "Member with external_member_id 'ext-1' exists but has a different email than 'other@example.com'",
    });
    const unknown = await assign(t.headers, {
      subscription_id: subscription.id,
      external_member_id: "ext-2",
    });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ error: "MemberNotFound", detail: "Member not found: ext-2" });
    const dup = await assign(t.headers, {
      subscription_id: subscription.id,
      member_id: (seat.member as Body).id,
    });
    expect(dup.body).toEqual({
      error: "SeatAlreadyAssigned",
      detail: "Seat already assigned to customer m@example.com",
    });

    const { invitation_token: token } = await invitation(seat.id);
    const claimed = await ok(
      await ctx.http.post("/v1/customer-seats/claim").send({ invitation_token: token }),
    );
    const session = String(claimed.customer_session_token);
    expect(session).toMatch(/^polar_mst_/);
    const portal = { Authorization: `Bearer ${session}` };
    const subs = await ok(await ctx.http.get("/v1/customer-portal/seats/subscriptions").set(portal));
    expect(subs.pagination).toEqual({ total_count: 1, max_page: 1 });
    expect((subs.items as Body[])[0]).toMatchObject({ id: subscription.id });
    const grants = await ok(
      await ctx.http.get(`/v1/benefit-grants/?benefit_id=${String(benefit.id)}`).set(t.headers),
    );
    expect(grants.items as Body[]).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ member_id: (seat.member as Body).id, is_granted: true }),
      ]),
    );
    // A plain member may read the portal's seats, not assign them.
    const assignAsMember = await ctx.http
      .post("/v1/customer-portal/seats")
      .set(portal)
      .send({ subscription_id: subscription.id, email: "x@example.com" });
    expect(assignAsMember.status).toBe(403);
    expect(assignAsMember.body).toEqual({
      error: "NotPermitted",
      detail: "Only owners and billing managers can access billing features.",
    });
  });
});

describe("the customer portal", () => {
  it("lists, assigns, re-sends and revokes the customer's seats", async () => {
    const t = org(false);
    const { subscription } = await seatSubscription(t.headers, 2);
    const session = await ok(
      await ctx.http
        .post("/v1/customer-sessions/")
        .set(t.headers)
        .send({ customer_id: subscription.customer_id }),
      201,
    );
    const portal = { Authorization: `Bearer ${String(session.token)}` };
    const assigned = await ok(
      await ctx.http
        .post("/v1/customer-portal/seats")
        .set(portal)
        .send({ subscription_id: subscription.id, email: "p@example.com" }),
    );
    expect(assigned).toMatchObject({ status: "pending", email: "p@example.com" });
    const list = await ok(
      await ctx.http.get(`/v1/customer-portal/seats?subscription_id=${subscription.id}`).set(portal),
    );
    expect(list).toEqual({ seats: [assigned], available_seats: 1, total_seats: 2 });
    const resent = await ok(
      await ctx.http.post(`/v1/customer-portal/seats/${String(assigned.id)}/resend`).set(portal),
    );
    expect(resent).toEqual(assigned);
    const revoked = await ok(
      await ctx.http.delete(`/v1/customer-portal/seats/${String(assigned.id)}`).set(portal),
    );
    expect(revoked).toMatchObject({ status: "revoked" });
    const claimedNone = await ok(await ctx.http.get("/v1/customer-portal/seats/subscriptions").set(portal));
    expect(claimedNone).toEqual({ items: [], pagination: { total_count: 0, max_page: 0 } });

    const byCheckout = await ok(
      await ctx.http
        .post("/v1/customer-portal/seats")
        .set(portal)
        .send({ checkout_id: subscription.checkout_id, email: "c@example.com" }),
    );
    expect(byCheckout).toMatchObject({ subscription_id: subscription.id, status: "pending" });

    // Another customer's subscription and seats are not found.
    const stranger = await ok(
      await ctx.http.post("/v1/customers/").set(t.headers).send({ email: "s@example.com" }),
      201,
    );
    const strangerSession = await ok(
      await ctx.http.post("/v1/customer-sessions/").set(t.headers).send({ customer_id: stranger.id }),
      201,
    );
    const theirs = { Authorization: `Bearer ${String(strangerSession.token)}` };
    const notMine = await ctx.http
      .get(`/v1/customer-portal/seats?subscription_id=${subscription.id}`)
      .set(theirs);
    expect(notMine.status).toBe(404);
    expect(notMine.body).toEqual({ error: "ResourceNotFound", detail: "Subscription not found" });
    const notMySeat = await ctx.http.delete(`/v1/customer-portal/seats/${String(byCheckout.id)}`).set(theirs);
    expect(notMySeat.body).toEqual({ error: "ResourceNotFound", detail: "Seat not found" });
    const organizationToken = await ctx.http.get("/v1/customer-portal/seats/subscriptions").set(t.headers);
    expect(organizationToken.status).toBe(401);
  });
});
