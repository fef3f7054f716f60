/**
 * Refunds over real HTTP (Polar's refund/service.py and models/order.py): the refundable amount,
 * the order's status after a partial and a full refund, `revoke_benefits`, every error Polar
 * gives, and the webhooks a refund sends, in Polar's order.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Catalog, type ControlEvent, catalog, post, types } from "./billing/setup.js";
import { startTestEmulator } from "./helpers.js";

let t: Awaited<ReturnType<typeof startTestEmulator>>;
beforeAll(async () => {
  t = await startTestEmulator();
});
afterAll(() => t.emulator.close());

type Body = Record<string, unknown> & { id: string };

const REFUND_KEYS = [
  "created_at",
  "modified_at",
  "id",
  "metadata",
  "status",
  "reason",
  "amount",
  "tax_amount",
  "currency",
  "organization_id",
  "order_id",
  "subscription_id",
  "customer_id",
  "revoke_benefits",
  "dispute",
];

async function shop(): Promise<Catalog & { oneTime: Body }> {
  const c = await catalog(t.emulator, t.http);
  const product = await post(t.http, "/v1/products/", c.headers, {
    name: "Lifetime",
    prices: [{ amount_type: "fixed", price_amount: 5000, price_currency: "usd" }],
  });
  expect(product.status).toBe(201);
  const attached = await post(t.http, `/v1/products/${product.body.id}/benefits`, c.headers, {
    benefits: [c.benefits.custom?.id],
  });
  return { ...c, oneTime: attached.body };
}

async function purchase(c: Catalog & { oneTime: Body }, body: Record<string, unknown> = {}): Promise<Body> {
  const response = await post(
    t.http,
    "/_emulator/orders",
    {},
    {
      customer_id: c.customer.id,
      product_id: c.oneTime.id,
      ...body,
    },
  );
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body.order;
}

async function journal(organizationId: string, after?: string): Promise<ControlEvent[]> {
  const query = `organization_id=${organizationId}${after ? `&after=${after}` : ""}`;
  const response = await t.http.get(`/_emulator/events?${query}`);
  return response.body.items;
}

async function refund(c: Catalog, body: Record<string, unknown>) {
  return t.http.post("/v1/refunds/").set(c.headers).send(body);
}

describe("POST /v1/refunds/", () => {
  it("refunds part of an order, then the rest: statuses, amounts and webhooks in Polar's order", async () => {
    const c = await shop();
    const order = await purchase(c);
    const before = (await journal(c.organizationId)).at(-1)?.id;
    const partial = await refund(c, {
      order_id: order.id,
      reason: "customer_request",
      amount: 2000,
      comment: "Asked nicely",
      metadata: { ticket: 42 },
    });
    expect(partial.status, JSON.stringify(partial.body)).toBe(201);
    expect(Object.keys(partial.body)).toEqual(REFUND_KEYS);
    expect(partial.body).toMatchObject({
      modified_at: null,
      metadata: { ticket: 42 },
      status: "succeeded",
      reason: "customer_request",
      amount: 2000,
      tax_amount: 0,
      currency: "usd",
      organization_id: c.organizationId,
      order_id: order.id,
      subscription_id: null,
      customer_id: c.customer.id,
      revoke_benefits: false,
      dispute: null,
    });
    const events = await journal(c.organizationId, before);
    expect(types(events)).toEqual(["refund.created", "order.updated", "order.refunded", "refund.updated"]);
    expect(events[1]?.data).toMatchObject({
      status: "partially_refunded",
      refunded_amount: 2000,
      refundable_amount: 3000,
      paid: true,
    });
    expect(events[3]?.data).toMatchObject({ id: partial.body.id, status: "succeeded" });
    expect(events[3]?.data.modified_at).not.toBeNull();

    const tooMuch = await refund(c, { order_id: order.id, reason: "other", amount: 3001 });
    expect(tooMuch.status).toBe(422);
    expect(tooMuch.body).toEqual({
      error: "PolarRequestValidationError",
      detail: [
        {
          type: "value_error",
          loc: ["body", "amount"],
          msg: "Refund amount exceeds refundable amount",
          input: 3001,
        },
      ],
    });

    const rest = await refund(c, { order_id: order.id, reason: "duplicate", amount: 3000 });
    expect(rest.status).toBe(201);
    const got = await t.http.get(`/v1/orders/${order.id}`).set(c.headers);
    expect(got.body).toMatchObject({ status: "refunded", refunded_amount: 5000, refundable_amount: 0 });

    const again = await refund(c, { order_id: order.id, reason: "duplicate", amount: 1 });
    expect(again.status).toBe(403);
    expect(again.body).toEqual({
      error: "RefundedAlready",
      detail: `Order is already fully refunded: ${order.id}`,
    });
  });

  it("revokes a one-time purchase's benefits when asked", async () => {
    const c = await shop();
    const order = await purchase(c);
    const before = (await journal(c.organizationId)).at(-1)?.id;
    const response = await refund(c, {
      order_id: order.id,
      reason: "fraudulent",
      amount: 5000,
      revoke_benefits: true,
    });
    expect(response.status).toBe(201);
    expect(response.body.revoke_benefits).toBe(true);
    expect(types(await journal(c.organizationId, before))).toEqual([
      "refund.created",
      "order.updated",
      "order.refunded",
      "benefit_grant.revoked",
      "customer.state_changed",
      "refund.updated",
    ]);
    const state = await t.http.get(`/v1/customers/${c.customer.id}/state`).set(c.headers);
    expect(state.body.granted_benefits).toEqual([]);
  });

  it("refuses revoke_benefits for a subscription's order (400)", async () => {
    const c = await shop();
    const started = await post(
      t.http,
      "/_emulator/subscriptions",
      {},
      {
        customer_id: c.customer.id,
        product_id: c.product.id,
      },
    );
    const order = (started.body.events as ControlEvent[]).find((event) => event.type === "order.paid")
      ?.data as Body;
    const refused = await refund(c, {
      order_id: order.id,
      reason: "other",
      amount: 100,
      revoke_benefits: true,
    });
    expect(refused.status).toBe(400);
    expect(refused.body).toEqual({
      error: "RevokeSubscriptionBenefitsProhibited",
      detail: "Subscription benefits can only be revoked upon cancellation",
    });
    const allowed = await refund(c, { order_id: order.id, reason: "other", amount: 100 });
    expect(allowed.status).toBe(201);
    expect(allowed.body.subscription_id).toBe(order.subscription_id);
  });

  it("answers an unknown order, an unpaid one and a bad body as Polar does", async () => {
    const c = await shop();
    const other = await shop();
    const foreign = await purchase(other);
    for (const id of [crypto.randomUUID(), foreign.id]) {
      const response = await refund(c, { order_id: id, reason: "other", amount: 1 });
      expect(response.status).toBe(422);
      expect(response.body).toEqual({
        error: "PolarRequestValidationError",
        detail: [{ type: "value_error", loc: ["body", "order_id"], msg: "Order not found", input: id }],
      });
    }
    const pending = await purchase(c, { paid: false });
    const unpaid = await refund(c, { order_id: pending.id, reason: "other", amount: 1 });
    expect(unpaid.status).toBe(404);
    expect(unpaid.body).toEqual({
      error: "RefundUnknownPayment",
      detail: `Refund issued for unknown order: ${pending.id}`,
    });
    const zero = await refund(c, { order_id: pending.id, reason: "other", amount: 0 });
    expect(zero.status).toBe(422);
    expect(zero.body.detail[0]).toMatchObject({ type: "greater_than", loc: ["body", "amount"] });
    const reason = await refund(c, { order_id: pending.id, reason: "dispute_prevention", amount: 1 });
    expect(reason.status).toBe(422);
    expect(reason.body.detail[0]).toMatchObject({ loc: ["body", "reason"] });
    const missing = await refund(c, { order_id: pending.id });
    expect(missing.status).toBe(422);
    expect(missing.body.detail.map((entry: { loc: unknown[] }) => entry.loc)).toEqual([
      ["body", "reason"],
      ["body", "amount"],
    ]);
    // Nothing changed.
    const list = await t.http.get("/v1/refunds/").set(c.headers);
    expect(list.body.pagination.total_count).toBe(0);
  });
});

describe("GET /v1/refunds/", () => {
  it("lists with Polar's filters and sorting", async () => {
    const c = await shop();
    const a = await purchase(c);
    const b = await purchase(c);
    const small = (await refund(c, { order_id: a.id, reason: "other", amount: 100 })).body;
    const big = (await refund(c, { order_id: b.id, reason: "other", amount: 900 })).body;
    const get = async (query: string) => {
      const response = await t.http.get(`/v1/refunds/${query}`).set(c.headers);
      expect(response.status, JSON.stringify(response.body)).toBe(200);
      return (response.body.items as Body[]).map((item) => item.id);
    };
    expect(await get("")).toEqual([big.id, small.id]);
    expect(await get("?sorting=amount")).toEqual([small.id, big.id]);
    expect(await get(`?order_id=${a.id}`)).toEqual([small.id]);
    expect(await get(`?id=${big.id}`)).toEqual([big.id]);
    expect(await get(`?customer_id=${c.customer.id}`)).toHaveLength(2);
    expect(await get("?external_customer_id=user_ada")).toHaveLength(2);
    expect(await get("?succeeded=false")).toEqual([]);
    expect(await get("?succeeded=true")).toHaveLength(2);
    expect(await get(`?subscription_id=${crypto.randomUUID()}`)).toEqual([]);
    const bad = await t.http.get("/v1/refunds/?sorting=status").set(c.headers);
    expect(bad.status).toBe(422);
  });
});
