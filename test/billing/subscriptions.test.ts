/**
 * Subscriptions over real HTTP: every transition of the subscription lifecycle through the control plane
 * and the public API, with the subscription's fields, the grants, the customer state and the
 * ordered events each one produces.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestEmulator } from "../helpers.js";
import { type Catalog, type ControlEvent, catalog, post, types } from "./setup.js";

let t: Awaited<ReturnType<typeof startTestEmulator>>;

beforeAll(async () => {
  t = await startTestEmulator();
});

afterAll(async () => {
  await t?.emulator.close();
});

interface Changed {
  subscription: Record<string, unknown> & { id: string };
  events: ControlEvent[];
}

async function start(c: Catalog, body: Record<string, unknown> = {}): Promise<Changed> {
  const response = await post(
    t.http,
    "/_emulator/subscriptions",
    {},
    {
      customer_id: c.customer.id,
      product_id: c.product.id,
      ...body,
    },
  );
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body;
}

async function change(id: string, action: string, status = 200): Promise<Changed> {
  const response = await post(t.http, `/_emulator/subscriptions/${id}/${action}`, {}, undefined);
  expect(response.status, JSON.stringify(response.body)).toBe(status);
  return response.body;
}

async function state(c: Catalog) {
  const response = await t.http.get(`/v1/customers/${c.customer.id}/state`).set(c.headers);
  expect(response.status).toBe(200);
  return response.body;
}

/** A paid order's webhooks (order/service.py `_on_order_created`, `_on_order_paid`). */
const ORDER_PAID = ["order.created", "order.updated", "order.paid"];

/** Four benefits: each grant or revocation is followed by the state. */
const grantEvents = (type: string) =>
  Array.from({ length: 4 }, () => [type, "customer.state_changed"]).flat();

describe("starting a subscription", () => {
  it("is active for one period, emits created, active and the state, then grants every benefit", async () => {
    const c = await catalog(t.emulator, t.http);
    const { subscription, events } = await start(c, { starts_at: "2026-01-31T10:00:00Z" });
    expect(subscription).toMatchObject({
      status: "active",
      amount: 2000,
      currency: "usd",
      recurring_interval: "month",
      recurring_interval_count: 1,
      current_period_start: "2026-01-31T10:00:00Z",
      // The anchor day (31) is clamped to February's length.
      current_period_end: "2026-02-28T10:00:00Z",
      started_at: "2026-01-31T10:00:00Z",
      cancel_at_period_end: false,
      canceled_at: null,
      ends_at: null,
      ended_at: null,
      trial_start: null,
      trial_end: null,
      customer_id: c.customer.id,
      product_id: c.product.id,
      modified_at: null,
      discount: null,
      pending_update: null,
    });
    expect((subscription.customer as { id: string }).id).toBe(c.customer.id);
    expect((subscription.product as { id: string }).id).toBe(c.product.id);
    expect((subscription.prices as unknown[]).length).toBe(1);
    expect(types(events)).toEqual([
      "subscription.created",
      "subscription.active",
      "customer.state_changed",
      // The checkout's order, before the benefits are granted.
      ...ORDER_PAID,
      ...grantEvents("benefit_grant.created"),
    ]);
    expect(events.every((event) => event.customer_id === c.customer.id)).toBe(true);
    expect(events[0].data.id).toBe(subscription.id);
    // The first state shows the subscription before any benefit is granted; the last shows all four.
    const states = events.filter((event) => event.type === "customer.state_changed");
    expect((states[0].data.granted_benefits as unknown[]).length).toBe(0);
    expect((states[states.length - 1].data.granted_benefits as unknown[]).length).toBe(4);

    const current = await state(c);
    expect(current.active_subscriptions).toEqual([
      expect.objectContaining({ id: subscription.id, status: "active", amount: 2000, meters: [] }),
    ]);
    const granted = current.granted_benefits as {
      benefit_type: string;
      properties: Record<string, unknown>;
    }[];
    expect(granted.map((grant) => grant.benefit_type).sort()).toEqual([
      "custom",
      "feature_flag",
      "license_keys",
      "meter_credit",
    ]);
    const license = granted.find((grant) => grant.benefit_type === "license_keys");
    expect(license?.properties.display_key).toMatch(/^\*\*\*\*-[0-9A-F-]{6}$/);
    // The meter-credit benefit credited its units.
    expect(current.active_meters).toEqual([
      expect.objectContaining({
        meter_id: c.meter.id,
        credited_units: 1000,
        consumed_units: 0,
        balance: 1000,
      }),
    ]);
  });

  it("can start trialing, with the product's trial or a chosen end", async () => {
    const c = await catalog(t.emulator, t.http);
    const { subscription, events } = await start(c, {
      status: "trialing",
      starts_at: "2026-03-01T00:00:00Z",
      trial_end: "2026-03-15T00:00:00Z",
    });
    expect(subscription).toMatchObject({
      status: "trialing",
      trial_start: "2026-03-01T00:00:00Z",
      trial_end: "2026-03-15T00:00:00Z",
      current_period_start: "2026-03-01T00:00:00Z",
      current_period_end: "2026-03-15T00:00:00Z",
    });
    expect(types(events).slice(0, 3)).toEqual([
      "subscription.created",
      "subscription.active",
      "customer.state_changed",
    ]);
    const current = await state(c);
    expect(current.active_subscriptions[0]).toMatchObject({
      status: "trialing",
      trial_end: "2026-03-15T00:00:00Z",
    });
  });

  it("refuses bad input with a clear 422 and changes nothing", async () => {
    const c = await catalog(t.emulator, t.http);
    const before = await t.http.get(`/_emulator/events?organization_id=${c.organizationId}`);
    const cases: [Record<string, unknown>, unknown[]][] = [
      [{ product_id: c.product.id }, ["body", "customer_id"]],
      [{ customer_id: c.customer.id, product_id: c.benefits.custom.id }, ["body", "product_id"]],
      [
        { customer_id: c.customer.id, product_id: c.product.id, trial_end: "2026-03-15T00:00:00Z" },
        ["body", "trial_end"],
      ],
      [
        { external_customer_id: "nobody", organization_id: c.organizationId, product_id: c.product.id },
        ["body", "external_customer_id"],
      ],
      [{ customer_id: c.customer.id, product_id: c.product.id, status: "past_due" }, ["body", "status"]],
    ];
    for (const [body, loc] of cases) {
      const response = await post(t.http, "/_emulator/subscriptions", {}, body);
      expect(response.status, JSON.stringify(body)).toBe(422);
      expect(response.body.detail[0].loc, JSON.stringify(response.body)).toEqual(loc);
      expect(typeof response.body.detail[0].msg).toBe("string");
    }
    const oneTime = await post(t.http, "/v1/products/", c.headers, {
      name: "Lifetime",
      prices: [{ amount_type: "fixed", price_amount: 9900 }],
    });
    const refused = await post(
      t.http,
      "/_emulator/subscriptions",
      {},
      {
        customer_id: c.customer.id,
        product_id: oneTime.body.id,
      },
    );
    expect(refused.status).toBe(422);
    expect(refused.body.detail[0].msg).toMatch(/one-time/);
    const after = await t.http.get(`/_emulator/events?organization_id=${c.organizationId}`);
    // Only the one-time product's creation happened in between.
    expect(types(after.body.items).slice(before.body.items.length)).toEqual(["product.created"]);
    const list = await t.http.get("/v1/subscriptions/").set(c.headers);
    expect(list.body.pagination.total_count).toBe(0);
  });
});

describe("transitions", () => {
  it("trial → active: cycled, updated, the state, then each grant cycles", async () => {
    const c = await catalog(t.emulator, t.http);
    const { subscription } = await start(c, { status: "trialing" });
    const { subscription: active, events } = await change(subscription.id, "activate");
    expect(active.status).toBe("active");
    expect(active.trial_end).toBe(active.current_period_start);
    expect(active.modified_at).not.toBeNull();
    expect(types(events)).toEqual([
      "subscription.cycled",
      "subscription.updated",
      "customer.state_changed",
      ...ORDER_PAID,
      ...grantEvents("benefit_grant.cycled"),
    ]);
    await change(active.id, "activate", 422);
  });

  it("renew advances one period on the anchor day and cycles the grants", async () => {
    const c = await catalog(t.emulator, t.http);
    const { subscription } = await start(c, { starts_at: "2026-01-31T10:00:00Z" });
    const first = await change(subscription.id, "renew");
    expect(first.subscription).toMatchObject({
      current_period_start: "2026-02-28T10:00:00Z",
      current_period_end: "2026-03-31T10:00:00Z",
      status: "active",
    });
    expect(types(first.events)).toEqual([
      "subscription.cycled",
      "subscription.updated",
      "customer.state_changed",
      ...ORDER_PAID,
      ...grantEvents("benefit_grant.cycled"),
    ]);
    // Meter credits start over each period.
    await post(
      t.http,
      "/_emulator/usage",
      {},
      { customer_id: c.customer.id, events: [{ name: "api_call", count: 30 }] },
    );
    expect((await state(c)).active_meters[0]).toMatchObject({
      consumed_units: 30,
      credited_units: 1000,
      balance: 970,
    });
    await change(subscription.id, "renew");
    expect((await state(c)).active_meters[0]).toMatchObject({
      consumed_units: 0,
      credited_units: 1000,
      balance: 1000,
    });
  });

  it("cancel at period end via PATCH, uncancel, cancel again, then the period ends", async () => {
    const c = await catalog(t.emulator, t.http);
    const { subscription } = await start(c);
    const url = `/v1/subscriptions/${subscription.id}`;

    const canceled = await t.http.patch(url).set(c.headers).send({
      cancel_at_period_end: true,
      customer_cancellation_reason: "too_expensive",
    });
    expect(canceled.status).toBe(200);
    expect(canceled.body).toMatchObject({
      status: "active",
      cancel_at_period_end: true,
      ends_at: subscription.current_period_end,
      customer_cancellation_reason: "too_expensive",
    });
    expect(canceled.body.canceled_at).not.toBeNull();

    // Still in the state until the period ends.
    expect((await state(c)).active_subscriptions[0]).toMatchObject({ cancel_at_period_end: true });

    const again = await t.http.patch(url).set(c.headers).send({ cancel_at_period_end: true });
    expect(again.status).toBe(403);
    expect(again.body).toEqual({
      error: "AlreadyCanceledSubscription",
      detail: "This subscription is already canceled or will be at the end of the period.",
    });

    const uncanceled = await change(subscription.id, "uncancel");
    expect(uncanceled.subscription).toMatchObject({
      cancel_at_period_end: false,
      canceled_at: null,
      ends_at: null,
      customer_cancellation_reason: null,
    });
    expect(types(uncanceled.events)).toEqual([
      "subscription.updated",
      "subscription.uncanceled",
      "customer.state_changed",
    ]);
    const notCanceling = await t.http.patch(url).set(c.headers).send({ cancel_at_period_end: false });
    expect(notCanceling.status).toBe(400);
    expect(notCanceling.body).toEqual({ error: "BadRequest", detail: "Bad request" });

    const cancel = await change(subscription.id, "cancel");
    expect(types(cancel.events)).toEqual([
      "subscription.updated",
      "subscription.canceled",
      "customer.state_changed",
    ]);
    await change(subscription.id, "renew", 422);

    const ended = await change(subscription.id, "end_period");
    expect(ended.subscription).toMatchObject({ status: "canceled", cancel_at_period_end: true });
    expect(ended.subscription.ended_at).not.toBeNull();
    expect(types(ended.events)).toEqual([
      "subscription.updated",
      "subscription.canceled",
      "subscription.revoked",
      "customer.state_changed",
      ...grantEvents("benefit_grant.revoked"),
    ]);
    const after = await state(c);
    expect(after.active_subscriptions).toEqual([]);
    expect(after.granted_benefits).toEqual([]);
    // The meter credit was taken back.
    expect(after.active_meters[0]).toMatchObject({ credited_units: 0, balance: 0 });

    const gone = await t.http.patch(url).set(c.headers).send({ cancel_at_period_end: false });
    expect(gone.status).toBe(410);
    expect(gone.body).toEqual({ error: "ResourceUnavailable", detail: "Unavailable" });
  });

  it("revoke now via DELETE (and PATCH revoke): canceled, benefits revoked; a second time is 403", async () => {
    const c = await catalog(t.emulator, t.http);
    const { subscription } = await start(c);
    const revoked = await t.http.delete(`/v1/subscriptions/${subscription.id}`).set(c.headers);
    expect(revoked.status).toBe(200);
    expect(revoked.body).toMatchObject({ status: "canceled", cancel_at_period_end: false });
    expect(revoked.body.ended_at).toBe(revoked.body.canceled_at);
    expect(revoked.body.ends_at).toBe(revoked.body.canceled_at);
    const events = await t.http.get(`/_emulator/events?customer_id=${c.customer.id}`);
    const tail = types(events.body.items).slice(-(4 + 8));
    expect(tail).toEqual([
      "subscription.updated",
      "subscription.canceled",
      "subscription.revoked",
      "customer.state_changed",
      ...grantEvents("benefit_grant.revoked"),
    ]);
    const again = await t.http.delete(`/v1/subscriptions/${subscription.id}`).set(c.headers);
    expect(again.status).toBe(403);
    expect(again.body.error).toBe("AlreadyCanceledSubscription");
    const patch = await t.http
      .patch(`/v1/subscriptions/${subscription.id}`)
      .set(c.headers)
      .send({ revoke: true });
    expect(patch.status).toBe(403);

    const second = await start(c);
    const byPatch = await t.http
      .patch(`/v1/subscriptions/${second.subscription.id}`)
      .set(c.headers)
      .send({ revoke: true });
    expect(byPatch.status).toBe(200);
    expect(byPatch.body.status).toBe("canceled");
  });

  it("past_due revokes benefits; recover grants the same grants again; dunning over cancels", async () => {
    const c = await catalog(t.emulator, t.http);
    const { subscription } = await start(c);
    const grantIds = (await state(c)).granted_benefits.map((grant: { id: string }) => grant.id).sort();

    const pastDue = await change(subscription.id, "past_due");
    expect(pastDue.subscription.status).toBe("past_due");
    expect(pastDue.subscription.past_due_at).not.toBeNull();
    expect(types(pastDue.events)).toEqual([
      "subscription.updated",
      "subscription.past_due",
      "customer.state_changed",
      ...grantEvents("benefit_grant.revoked"),
    ]);
    let current = await state(c);
    expect(current.active_subscriptions).toEqual([]);
    // A past_due customer still counts as active in the customers list.
    const active = await t.http.get("/v1/customers/?active=true").set(c.headers);
    expect(active.body.items.map((customer: { id: string }) => customer.id)).toEqual([c.customer.id]);

    const recovered = await change(subscription.id, "recover");
    expect(recovered.subscription).toMatchObject({ status: "active", past_due_at: null });
    expect(types(recovered.events)).toEqual([
      "subscription.updated",
      "subscription.active",
      "customer.state_changed",
      ...grantEvents("benefit_grant.created"),
    ]);
    current = await state(c);
    expect(current.granted_benefits.map((grant: { id: string }) => grant.id).sort()).toEqual(grantIds);

    await change(subscription.id, "past_due");
    const over = await change(subscription.id, "dunning_over");
    expect(over.subscription.status).toBe("canceled");
    expect(types(over.events)).toEqual([
      "subscription.updated",
      "subscription.canceled",
      "subscription.revoked",
      "customer.state_changed",
    ]);
    await change(subscription.id, "recover", 422);
  });

  it("illegal transitions answer 422 (or Polar's error) and change nothing", async () => {
    const c = await catalog(t.emulator, t.http);
    const { subscription } = await start(c);
    const before = await t.http.get(`/v1/subscriptions/${subscription.id}`).set(c.headers);
    for (const action of ["activate", "recover", "dunning_over"]) {
      const refused = await change(subscription.id, action, 422);
      expect(refused).toMatchObject({
        error: "PolarRequestValidationError",
        detail: [{ type: "value_error", loc: ["path", "action"], input: action }],
      });
    }
    const bogus = await post(t.http, `/_emulator/subscriptions/${subscription.id}/explode`, {}, undefined);
    expect(bogus.status).toBe(422);
    expect(bogus.body.detail[0].loc).toEqual(["path", "action"]);
    const unknown = await post(
      t.http,
      "/_emulator/subscriptions/6f1b4a4e-53f2-4a0b-9d51-5d1c1f3c0e11/renew",
      {},
      undefined,
    );
    expect(unknown.status).toBe(404);
    const after = await t.http.get(`/v1/subscriptions/${subscription.id}`).set(c.headers);
    expect(after.text).toBe(before.text);
  });

  it("benefits added to a product reach its active subscriptions", async () => {
    const c = await catalog(t.emulator, t.http);
    await start(c);
    const extra = await post(t.http, "/v1/benefits/", c.headers, {
      type: "custom",
      description: "Extra",
      properties: {},
    });
    const ids = [...Object.values(c.benefits).map((benefit) => benefit.id), extra.body.id];
    const updated = await post(t.http, `/v1/products/${c.product.id}/benefits`, c.headers, {
      benefits: ids.slice(1),
    });
    expect(updated.status).toBe(200);
    const current = await state(c);
    const benefitIds = current.granted_benefits
      .map((grant: { benefit_id: string }) => grant.benefit_id)
      .sort();
    expect(benefitIds).toEqual(ids.slice(1).sort());
  });
});

describe("deleting a customer", () => {
  it("revokes its subscriptions and grants, then emits customer.deleted", async () => {
    const c = await catalog(t.emulator, t.http);
    const { subscription } = await start(c);
    const direct = await post(
      t.http,
      "/_emulator/benefit-grants",
      {},
      {
        customer_id: c.customer.id,
        benefit_id: c.benefits.custom.id,
      },
    );
    expect(direct.status).toBe(200);
    const mark = (await t.http.get(`/_emulator/events?customer_id=${c.customer.id}`)).body.items.at(-1).id;
    const deleted = await t.http.delete(`/v1/customers/${c.customer.id}`).set(c.headers);
    expect(deleted.status).toBe(204);
    const events = (await t.http.get(`/_emulator/events?customer_id=${c.customer.id}&after=${mark}`)).body
      .items;
    expect(types(events)).toEqual([
      "subscription.updated",
      "subscription.canceled",
      "subscription.revoked",
      "customer.state_changed",
      ...grantEvents("benefit_grant.revoked"),
      "benefit_grant.revoked",
      "customer.state_changed",
      "customer.deleted",
      "customer.state_changed",
    ]);
    const revoked = events.find((event: ControlEvent) => event.type === "subscription.revoked");
    expect(revoked.data).toMatchObject({ id: subscription.id, status: "canceled" });
    // Polar still reads the subscription of a deleted customer (subscription/repository.py
    // `get_readable_statement`): canceled, with the deleted customer.
    const kept = await t.http.get(`/v1/subscriptions/${subscription.id}`).set(c.headers);
    expect(kept.status).toBe(200);
    expect(kept.body).toMatchObject({
      id: subscription.id,
      status: "canceled",
      customer: { id: c.customer.id },
    });
    expect(kept.body.customer.deleted_at).not.toBeNull();
  });
});
