/**
 * Every billing transition, end to end: the domain events one call emits (the control plane's
 * `events` answer, or the journal after a mark) reach a real receiver as exactly that sequence of
 * webhooks, in order, each body `{type, timestamp, data}` equal to the event, one webhook event per
 * domain event. An endpoint subscribed to some types gets only those, in the same relative order;
 * an endpoint of another organization gets nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { WebhookEventType } from "../../src/index.js";
import { type Catalog, type ControlEvent, catalog, post, types } from "../billing/setup.js";
import { startTestEmulator, tenant } from "../helpers.js";
import { type Received, type Receiver, startReceiver } from "./receiver.js";

type Ctx = Awaited<ReturnType<typeof startTestEmulator>>;

let t: Ctx;
const receivers: Receiver[] = [];

beforeAll(async () => {
  t = await startTestEmulator({ webhooks: { retryDelays: [0, 20] } });
});

afterAll(async () => {
  for (const receiver of receivers) await receiver.close().catch(() => undefined);
  await t?.emulator.close();
});

/** What the partial endpoint subscribes to: interleaved with the rest in most transitions. */
const PARTIAL = [
  "customer.updated",
  "customer.deleted",
  "subscription.updated",
  "subscription.canceled",
  "benefit_grant.created",
  "benefit_grant.revoked",
  "product.updated",
];

/** Benefits in the order `catalog` attaches them (the order the product grants them in). */
const BENEFIT_ORDER = ["custom", "license_keys", "feature_flag", "meter_credit"] as const;

/** Four benefits: each grant change is followed by the customer's state. */
const perBenefit = (type: string, count = 4) =>
  Array.from({ length: count }, () => [type, "customer.state_changed"]).flat();

interface Scene {
  organizationId: string;
  /** Subscribed to every event type. */
  all: Receiver;
  allEndpointId: string;
  /** Subscribed to PARTIAL only. */
  partial: Receiver;
  partialEndpointId: string;
  /** Another organization's endpoint, subscribed to everything. */
  foreign: Receiver;
}

async function receiver(): Promise<Receiver> {
  const started = await startReceiver();
  receivers.push(started);
  return started;
}

/** Three receivers and their endpoints: all types and PARTIAL in this organization, all types in another. */
async function scene(organizationId: string): Promise<Scene> {
  const [all, partial, foreign] = await Promise.all([receiver(), receiver(), receiver()]);
  const allEndpoint = t.emulator.webhooks.createEndpoint({ url: all.url, organizationId });
  const partialEndpoint = t.emulator.webhooks.createEndpoint({
    url: partial.url,
    organizationId,
    events: PARTIAL as WebhookEventType[],
  });
  const other = tenant(t.emulator);
  t.emulator.webhooks.createEndpoint({ url: foreign.url, organizationId: other.organizationId });
  return {
    organizationId,
    all,
    allEndpointId: allEndpoint.id,
    partial,
    partialEndpointId: partialEndpoint.id,
    foreign,
  };
}

/** A catalog (customer, meter, four benefits, a monthly product) and, after it, the endpoints. */
async function catalogScene(): Promise<{ c: Catalog; s: Scene }> {
  const c = await catalog(t.emulator, t.http);
  const s = await scene(c.organizationId);
  return { c, s };
}

async function journal(organizationId: string, after?: string): Promise<ControlEvent[]> {
  const response = await t.http
    .get("/_emulator/events")
    .query({ organization_id: organizationId, limit: 10_000, ...(after === undefined ? {} : { after }) });
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return response.body.items;
}

/** The latest domain event's id (any organization's): `after` it, the journal lists what follows. */
function lastEventId(): string | undefined {
  return t.emulator.emulator.context.events.lastId();
}

/** The raw payload of an endpoint created without an API version: the current one, 2026-04. */
const envelope = (event: ControlEvent) => ({
  type: event.type,
  timestamp: event.timestamp,
  api_version: "2026-04",
  data: event.data,
});

/**
 * Runs one call and checks its webhooks: the events it emitted (what the control call answered, or
 * `GET /_emulator/events?after=<mark>`, and always the journal after the mark) went out to the
 * scene's endpoints as described above. Returns those events.
 */
async function transition(
  s: Scene,
  call: () => Promise<ControlEvent[] | undefined>,
): Promise<ControlEvent[]> {
  const mark = lastEventId();
  const from = { all: s.all.received.length, partial: s.partial.received.length };
  const answered = await call();
  // What the call answered is what the journal holds after the mark (ids and types; the HTTP
  // journal is read when the call answers no events).
  const emitted = t.emulator.emulator.context.events.list({ organizationId: s.organizationId, after: mark });
  const events = answered ?? (await journal(s.organizationId, mark));
  expect(events.map((event) => [event.id, event.type, event.customer_id])).toEqual(
    emitted.map((event) => [event.id, event.type, event.customerId]),
  );
  expect(await t.emulator.webhooks.idle(10_000)).toBe(true);

  // The all-types endpoint: exactly these events, in order, with these bodies.
  const got = s.all.received.slice(from.all);
  expect(
    got.map((entry) => entry.json.type),
    "types received by the all-types endpoint",
  ).toEqual(types(events));
  events.forEach((event, index) => {
    const entry = got[index] as Received;
    expect(entry.json, `${index} ${event.type}`).toEqual(envelope(event));
    // Compact JSON, keys in Polar's order: what the signature covers.
    expect(entry.body, `${index} ${event.type}`).toBe(JSON.stringify(envelope(event)));
    expect(entry.headers["content-type"]).toMatch(/^application\/json/);
    expect(entry.headers["user-agent"]).toBe("polar.sh webhooks");
  });
  // One webhook event per domain event, its id the webhook-id header, sent once.
  const eventIds = new Set(events.map((event) => event.id));
  const logged = t.emulator.webhooks
    .events({ endpointId: s.allEndpointId })
    .filter((webhookEvent) => eventIds.has(webhookEvent.event_id));
  expect(logged.map((webhookEvent) => webhookEvent.event_id)).toEqual(events.map((event) => event.id));
  expect(got.map((entry) => entry.webhookId)).toEqual(logged.map((webhookEvent) => webhookEvent.id));
  logged.forEach((webhookEvent, index) => {
    const event = events[index] as ControlEvent;
    expect(webhookEvent).toMatchObject({
      type: event.type,
      customer_id: event.customer_id,
      organization_id: s.organizationId,
      status: "succeeded",
      attempts: 1,
      payload: JSON.stringify(envelope(event)),
    });
  });

  // The partial endpoint: the subscribed types only, same relative order, its own webhook ids.
  const partial = s.partial.received.slice(from.partial);
  expect(
    partial.map((entry) => entry.json),
    "bodies received by the partial endpoint",
  ).toEqual(events.filter((event) => PARTIAL.includes(event.type)).map(envelope));
  const allIds = new Set(s.all.received.map((entry) => entry.webhookId));
  for (const entry of partial) expect(allIds.has(entry.webhookId)).toBe(false);

  // Over the scene's whole life, too.
  expect(s.partial.received.map((entry) => entry.json)).toEqual(
    s.all.received.map((entry) => entry.json).filter((json) => PARTIAL.includes(json.type)),
  );
  expect(s.foreign.received, "another organization's endpoint").toEqual([]);
  return events;
}

type Data = Record<string, unknown>;
const data = (event: ControlEvent | undefined) => (event?.data ?? {}) as Data;
const idOf = (value: unknown) => (value as { id?: string } | null | undefined)?.id;

/**
 * The subject of each event: subscription.* carry the subscription, benefit_grant.* a grant of the
 * customer with `previous_properties`, its customer and benefit, customer.* the customer.
 */
function expectSubjects(
  events: ControlEvent[],
  expected: { customerId: string; subscriptionId?: string; productId?: string },
): void {
  for (const [index, event] of events.entries()) {
    const body = data(event);
    const where = `${index} ${event.type}`;
    if (event.type.startsWith("product.")) {
      expect(event.customer_id, where).toBeNull();
      expect(body.id, where).toBe(expected.productId);
      continue;
    }
    expect(event.customer_id, where).toBe(expected.customerId);
    if (event.type.startsWith("subscription.")) {
      expect(body.id, where).toBe(expected.subscriptionId);
      expect(body.customer_id, where).toBe(expected.customerId);
      expect(idOf(body.customer), where).toBe(expected.customerId);
    } else if (event.type.startsWith("benefit_grant.")) {
      expect(body, where).toHaveProperty("previous_properties");
      expect(typeof body.previous_properties, where).toBe("object");
      expect(body.previous_properties, where).not.toBeNull();
      expect(body.customer_id, where).toBe(expected.customerId);
      expect(idOf(body.customer), where).toBe(expected.customerId);
      expect(idOf(body.benefit), where).toBe(body.benefit_id);
    } else if (event.type.startsWith("customer.")) {
      expect(body.id, where).toBe(expected.customerId);
    } else if (event.type.startsWith("order.")) {
      expect(body.customer_id, where).toBe(expected.customerId);
      expect(body.subscription_id, where).toBe(expected.subscriptionId);
    }
  }
}

/** The benefit ids of the grant events, in order. */
const grantBenefits = (events: ControlEvent[]) =>
  events.filter((event) => event.type.startsWith("benefit_grant.")).map((event) => data(event).benefit_id);

const productOrder = (c: Catalog) => BENEFIT_ORDER.map((key) => c.benefits[key]?.id);

interface Changed {
  subscription: Data & { id: string; status: string };
  events: ControlEvent[];
}

async function startSubscription(c: Catalog, body: Record<string, unknown> = {}): Promise<Changed> {
  const response = await post(
    t.http,
    "/_emulator/subscriptions",
    {},
    { customer_id: c.customer.id, product_id: c.product.id, ...body },
  );
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body;
}

async function change(id: string, action: string): Promise<Changed> {
  const response = await post(t.http, `/_emulator/subscriptions/${id}/${action}`, {}, undefined);
  expect(response.status, `${action}: ${JSON.stringify(response.body)}`).toBe(200);
  return response.body;
}

/** A transition through the control plane; the subscription as it answered. */
async function changeWebhooks(s: Scene, id: string, action: string) {
  let subscription: Changed["subscription"] | undefined;
  const events = await transition(s, async () => {
    const changed = await change(id, action);
    subscription = changed.subscription;
    return changed.events;
  });
  return { events, subscription: subscription as Changed["subscription"] };
}

async function startWebhooks(s: Scene, c: Catalog, body: Record<string, unknown> = {}) {
  let subscription: Changed["subscription"] | undefined;
  const events = await transition(s, async () => {
    const started = await startSubscription(c, body);
    subscription = started.subscription;
    return started.events;
  });
  return { events, subscription: subscription as Changed["subscription"] };
}

/** A paid order (the checkout's, or a renewal's), before the benefits move. */
const ORDER_PAID = ["order.created", "order.updated", "order.paid"];
const START = [
  "subscription.created",
  "subscription.active",
  "customer.state_changed",
  ...ORDER_PAID,
  ...perBenefit("benefit_grant.created"),
];
const CYCLE = [
  "subscription.cycled",
  "subscription.updated",
  "customer.state_changed",
  ...ORDER_PAID,
  ...perBenefit("benefit_grant.cycled"),
];
const REVOKED_WITH_BENEFITS = [
  "subscription.updated",
  "subscription.canceled",
  "subscription.revoked",
  "customer.state_changed",
  ...perBenefit("benefit_grant.revoked"),
];

describe("customers", () => {
  it("create and update: the customer event, then the state", async () => {
    const org = tenant(t.emulator);
    const s = await scene(org.organizationId);
    let customerId = "";
    const created = await transition(s, async () => {
      const response = await post(t.http, "/v1/customers/", org.headers, {
        email: "grace@example.com",
        name: "Grace Hopper",
        external_id: "user_grace",
      });
      expect(response.status, JSON.stringify(response.body)).toBe(201);
      customerId = response.body.id;
      return undefined;
    });
    expect(types(created)).toEqual(["customer.created", "customer.state_changed"]);
    expectSubjects(created, { customerId });
    expect(data(created[0])).toMatchObject({ external_id: "user_grace", name: "Grace Hopper" });
    expect(data(created[1])).toMatchObject({
      id: customerId,
      active_subscriptions: [],
      granted_benefits: [],
    });
    const logged = t.emulator.webhooks.events({ endpointId: s.allEndpointId });
    expect(logged.map((event) => event.external_customer_id)).toEqual(["user_grace", "user_grace"]);

    const updated = await transition(s, async () => {
      const response = await t.http
        .patch(`/v1/customers/${customerId}`)
        .set(org.headers)
        .send({ name: "Rear Admiral Hopper", metadata: { plan: "navy" } });
      expect(response.status, JSON.stringify(response.body)).toBe(200);
      return undefined;
    });
    expect(types(updated)).toEqual(["customer.updated", "customer.state_changed"]);
    expectSubjects(updated, { customerId });
    expect(data(updated[0])).toMatchObject({ name: "Rear Admiral Hopper", metadata: { plan: "navy" } });
    expect(data(updated[0]).modified_at).not.toBeNull();
    expect(data(updated[1])).toMatchObject({ name: "Rear Admiral Hopper" });
  });

  it("delete revokes the subscriptions, then every grant, then customer.deleted", async () => {
    const { c, s } = await catalogScene();
    const { subscription } = await startWebhooks(s, c);
    const direct = await transition(s, async () => {
      const response = await post(
        t.http,
        "/_emulator/benefit-grants",
        {},
        { customer_id: c.customer.id, benefit_id: c.benefits.feature_flag?.id },
      );
      expect(response.status, JSON.stringify(response.body)).toBe(200);
      return response.body.events;
    });
    expect(types(direct)).toEqual(["benefit_grant.created", "customer.state_changed"]);

    const deleted = await transition(s, async () => {
      const response = await t.http.delete(`/v1/customers/${c.customer.id}`).set(c.headers);
      expect(response.status, JSON.stringify(response.body)).toBe(204);
      return undefined;
    });
    expect(types(deleted)).toEqual([
      ...REVOKED_WITH_BENEFITS,
      "benefit_grant.revoked",
      "customer.state_changed",
      "customer.deleted",
      "customer.state_changed",
    ]);
    expectSubjects(deleted.slice(0, 3), { customerId: c.customer.id, subscriptionId: subscription.id });
    expectSubjects(deleted.slice(3), { customerId: c.customer.id });
    expect(data(deleted[0])).toMatchObject({ status: "canceled" });
    // The subscription's four grants first, then the direct one.
    const grants = deleted.filter((event) => event.type === "benefit_grant.revoked");
    expect(grants.map((event) => data(event).benefit_id)).toEqual([
      ...productOrder(c),
      c.benefits.feature_flag?.id,
    ]);
    expect(grants.map((event) => data(event).subscription_id)).toEqual([
      subscription.id,
      subscription.id,
      subscription.id,
      subscription.id,
      null,
    ]);
    const customerDeleted = data(deleted.at(-2));
    expect(customerDeleted.deleted_at).not.toBeNull();
    expect(customerDeleted.external_id).toBeNull();
    expect(customerDeleted.metadata).toMatchObject({ __external_id: "user_ada" });
    expect(data(deleted.at(-1))).toMatchObject({ active_subscriptions: [], granted_benefits: [] });
    // The external id moved to the metadata still names the customer in the log.
    const logged = t.emulator.webhooks.events({ endpointId: s.allEndpointId, type: "customer.deleted" });
    expect(logged.map((event) => event.external_customer_id)).toEqual(["user_ada"]);
  });
});

describe("subscriptions", () => {
  it("start (active): created, active, the state, then each benefit granted with the state", async () => {
    const { c, s } = await catalogScene();
    const { events, subscription } = await startWebhooks(s, c);
    expect(types(events)).toEqual(START);
    expectSubjects(events, { customerId: c.customer.id, subscriptionId: subscription.id });
    expect(data(events[0])).toMatchObject({ status: "active", modified_at: null });
    expect(data(events[1])).toEqual(data(events[0]));
    expect(grantBenefits(events)).toEqual(productOrder(c));
    // New grants: nothing before.
    for (const event of events.filter((e) => e.type === "benefit_grant.created")) {
      expect(data(event)).toMatchObject({
        previous_properties: {},
        is_granted: true,
        subscription_id: subscription.id,
      });
    }
    // Each state shows one more grant than the one before.
    const states = events.filter((event) => event.type === "customer.state_changed");
    expect(states.map((event) => (data(event).granted_benefits as unknown[]).length)).toEqual([
      0, 1, 2, 3, 4,
    ]);
    expect(data(states[0]).active_subscriptions).toEqual([
      expect.objectContaining({ id: subscription.id, status: "active" }),
    ]);
  });

  it("start (trialing), then activate: cycled, updated, the state, then each grant cycles", async () => {
    const { c, s } = await catalogScene();
    const started = await startWebhooks(s, c, {
      status: "trialing",
      starts_at: "2026-03-01T00:00:00Z",
      trial_end: "2026-03-15T00:00:00Z",
    });
    expect(types(started.events)).toEqual(START);
    expectSubjects(started.events, { customerId: c.customer.id, subscriptionId: started.subscription.id });
    expect(data(started.events[0])).toMatchObject({ status: "trialing", trial_end: "2026-03-15T00:00:00Z" });

    const activated = await changeWebhooks(s, started.subscription.id, "activate");
    expect(activated.subscription.status).toBe("active");
    expect(types(activated.events)).toEqual(CYCLE);
    expectSubjects(activated.events, { customerId: c.customer.id, subscriptionId: started.subscription.id });
    expect(data(activated.events[0])).toMatchObject({ status: "active" });
    expect(data(activated.events[1])).toEqual(data(activated.events[0]));
    expect(grantBenefits(activated.events)).toEqual(productOrder(c));
    // A cycled grant carries its properties before the cycle.
    const granted = started.events.filter((event) => event.type === "benefit_grant.created");
    const cycled = activated.events.filter((event) => event.type === "benefit_grant.cycled");
    cycled.forEach((event, index) => {
      expect(data(event).previous_properties).toEqual(data(granted[index]).properties);
    });
  });

  it("renew (and end_period without a cancellation): cycled first, then updated, the state, the grants", async () => {
    const { c, s } = await catalogScene();
    const { subscription } = await startWebhooks(s, c, { starts_at: "2026-01-31T10:00:00Z" });
    const renewed = await changeWebhooks(s, subscription.id, "renew");
    expect(types(renewed.events)).toEqual(CYCLE);
    expectSubjects(renewed.events, { customerId: c.customer.id, subscriptionId: subscription.id });
    expect(data(renewed.events[0])).toMatchObject({
      current_period_start: "2026-02-28T10:00:00Z",
      current_period_end: "2026-03-31T10:00:00Z",
    });
    expect(grantBenefits(renewed.events)).toEqual(productOrder(c));

    const ended = await changeWebhooks(s, subscription.id, "end_period");
    expect(types(ended.events)).toEqual(CYCLE);
    expect(data(ended.events[0])).toMatchObject({ current_period_start: "2026-03-31T10:00:00Z" });
  });

  it("cancel at period end, uncancel, cancel again, then the period ends", async () => {
    const { c, s } = await catalogScene();
    const { subscription } = await startWebhooks(s, c);
    const subject = { customerId: c.customer.id, subscriptionId: subscription.id };

    const canceled = await changeWebhooks(s, subscription.id, "cancel");
    expect(types(canceled.events)).toEqual([
      "subscription.updated",
      "subscription.canceled",
      "customer.state_changed",
    ]);
    expectSubjects(canceled.events, subject);
    expect(data(canceled.events[1])).toMatchObject({ status: "active", cancel_at_period_end: true });
    expect(data(canceled.events[2]).active_subscriptions).toEqual([
      expect.objectContaining({ id: subscription.id, cancel_at_period_end: true }),
    ]);

    const uncanceled = await changeWebhooks(s, subscription.id, "uncancel");
    expect(types(uncanceled.events)).toEqual([
      "subscription.updated",
      "subscription.uncanceled",
      "customer.state_changed",
    ]);
    expectSubjects(uncanceled.events, subject);
    expect(data(uncanceled.events[1])).toMatchObject({ cancel_at_period_end: false, canceled_at: null });

    // The public API's PATCH emits the same sequence as the control plane's cancel.
    const patched = await transition(s, async () => {
      const response = await t.http
        .patch(`/v1/subscriptions/${subscription.id}`)
        .set(c.headers)
        .send({ cancel_at_period_end: true });
      expect(response.status, JSON.stringify(response.body)).toBe(200);
      return undefined;
    });
    expect(types(patched)).toEqual(types(canceled.events));
    expectSubjects(patched, subject);

    const ended = await changeWebhooks(s, subscription.id, "end_period");
    expect(ended.subscription.status).toBe("canceled");
    expect(types(ended.events)).toEqual(REVOKED_WITH_BENEFITS);
    expectSubjects(ended.events, subject);
    expect(grantBenefits(ended.events)).toEqual(productOrder(c));
    // A revoked grant carries the properties it had while granted.
    const granted = (await journal(c.organizationId)).filter(
      (event) => event.type === "benefit_grant.created",
    );
    ended.events
      .filter((event) => event.type === "benefit_grant.revoked")
      .forEach((event, index) => {
        expect(data(event)).toMatchObject({ is_revoked: true, is_granted: false });
        expect(data(event).previous_properties).toEqual(data(granted[index]).properties);
      });
  });

  it("revoke now: updated, canceled, revoked, the state, then each benefit revoked", async () => {
    const { c, s } = await catalogScene();
    const { subscription } = await startWebhooks(s, c);
    const revoked = await changeWebhooks(s, subscription.id, "revoke");
    expect(types(revoked.events)).toEqual(REVOKED_WITH_BENEFITS);
    expectSubjects(revoked.events, { customerId: c.customer.id, subscriptionId: subscription.id });
    expect(data(revoked.events[2])).toMatchObject({ status: "canceled" });
    expect(data(revoked.events[2]).ended_at).not.toBeNull();
    expect(grantBenefits(revoked.events)).toEqual(productOrder(c));

    // DELETE /v1/subscriptions/{id} is the same transition.
    const second = await startWebhooks(s, c);
    const deleted = await transition(s, async () => {
      const response = await t.http.delete(`/v1/subscriptions/${second.subscription.id}`).set(c.headers);
      expect(response.status, JSON.stringify(response.body)).toBe(200);
      return undefined;
    });
    expect(types(deleted)).toEqual(REVOKED_WITH_BENEFITS);
    expectSubjects(deleted, { customerId: c.customer.id, subscriptionId: second.subscription.id });
  });

  it("past_due, recover, past_due again, dunning_over", async () => {
    const { c, s } = await catalogScene();
    const { subscription } = await startWebhooks(s, c);
    const subject = { customerId: c.customer.id, subscriptionId: subscription.id };

    const pastDue = await changeWebhooks(s, subscription.id, "past_due");
    expect(types(pastDue.events)).toEqual([
      "subscription.updated",
      "subscription.past_due",
      "customer.state_changed",
      ...perBenefit("benefit_grant.revoked"),
    ]);
    expectSubjects(pastDue.events, subject);
    expect(data(pastDue.events[1])).toMatchObject({ status: "past_due" });
    expect(data(pastDue.events[2]).active_subscriptions).toEqual([]);

    const recovered = await changeWebhooks(s, subscription.id, "recover");
    expect(types(recovered.events)).toEqual([
      "subscription.updated",
      "subscription.active",
      "customer.state_changed",
      ...perBenefit("benefit_grant.created"),
    ]);
    expectSubjects(recovered.events, subject);
    expect(data(recovered.events[1])).toMatchObject({ status: "active", past_due_at: null });
    // The same grants come back; each carries its revoked properties as the previous ones.
    const revokedGrants = pastDue.events.filter((event) => event.type === "benefit_grant.revoked");
    const regranted = recovered.events.filter((event) => event.type === "benefit_grant.created");
    expect(regranted.map((event) => data(event).id)).toEqual(revokedGrants.map((event) => data(event).id));
    regranted.forEach((event, index) => {
      expect(data(event).previous_properties).toEqual(data(revokedGrants[index]).properties);
    });

    await changeWebhooks(s, subscription.id, "past_due");
    const over = await changeWebhooks(s, subscription.id, "dunning_over");
    expect(types(over.events)).toEqual([
      "subscription.updated",
      "subscription.canceled",
      "subscription.revoked",
      "customer.state_changed",
    ]);
    expectSubjects(over.events, subject);
    expect(data(over.events[2])).toMatchObject({ status: "canceled" });
  });
});

describe("benefits, meters and usage", () => {
  it("grant and revoke through the control plane, directly and of a subscription's grant", async () => {
    const { c, s } = await catalogScene();
    const grant = (path: string, body: Record<string, unknown>) =>
      transition(s, async () => {
        const response = await post(t.http, path, {}, { customer_id: c.customer.id, ...body });
        expect(response.status, JSON.stringify(response.body)).toBe(200);
        return response.body.events;
      });
    const license = c.benefits.license_keys?.id;

    const granted = await grant("/_emulator/benefit-grants", { benefit_id: license });
    expect(types(granted)).toEqual(["benefit_grant.created", "customer.state_changed"]);
    expectSubjects(granted, { customerId: c.customer.id });
    expect(data(granted[0])).toMatchObject({
      benefit_id: license,
      subscription_id: null,
      previous_properties: {},
      is_granted: true,
    });
    expect(data(granted[0]).properties).toMatchObject({ display_key: expect.stringMatching(/^\*{4}-/) });

    // Granting again changes nothing: no event, no webhook.
    expect(await grant("/_emulator/benefit-grants", { benefit_id: license })).toEqual([]);

    const revoked = await grant("/_emulator/benefit-grants/revoke", { benefit_id: license });
    expect(types(revoked)).toEqual(["benefit_grant.revoked", "customer.state_changed"]);
    expectSubjects(revoked, { customerId: c.customer.id });
    expect(data(revoked[0]).id).toBe(data(granted[0]).id);
    expect(data(revoked[0]).previous_properties).toEqual(data(granted[0]).properties);

    // A subscription's grant, revoked by naming the subscription.
    const { subscription } = await startWebhooks(s, c);
    const credit = c.benefits.meter_credit?.id;
    const fromSubscription = await grant("/_emulator/benefit-grants/revoke", {
      benefit_id: credit,
      subscription_id: subscription.id,
    });
    expect(types(fromSubscription)).toEqual(["benefit_grant.revoked", "customer.state_changed"]);
    expectSubjects(fromSubscription, { customerId: c.customer.id });
    expect(data(fromSubscription[0])).toMatchObject({
      subscription_id: subscription.id,
      benefit_id: credit,
      properties: { last_credited_meter_id: c.meter.id, last_credited_units: -1000 },
      previous_properties: { last_credited_meter_id: c.meter.id, last_credited_units: 1000 },
    });
  });

  it("product benefits changed: product.updated, then each active subscription revokes and grants", async () => {
    const { c, s } = await catalogScene();
    const first = await startWebhooks(s, c);
    // Another customer, trialing; and a revoked subscription that the change must not touch.
    let bob = { id: "", external_id: "" };
    const bobCreated = await transition(s, async () => {
      const response = await post(t.http, "/v1/customers/", c.headers, { email: "bob@example.com" });
      expect(response.status, JSON.stringify(response.body)).toBe(201);
      bob = response.body;
      return undefined;
    });
    expect(types(bobCreated)).toEqual(["customer.created", "customer.state_changed"]);
    const second = await startWebhooks(s, { ...c, customer: bob }, { status: "trialing" });
    const ended = await startWebhooks(s, c);
    await changeWebhooks(s, ended.subscription.id, "revoke");
    const extra = await transition(s, async () => {
      const response = await post(t.http, "/v1/benefits/", c.headers, {
        type: "custom",
        description: "Extra",
        properties: {},
      });
      expect(response.status, JSON.stringify(response.body)).toBe(201);
      return undefined;
    });
    expect(types(extra)).toEqual(["benefit.created"]);
    const extraId = data(extra[0]).id as string;

    const [, ...kept] = productOrder(c);
    const changed = await transition(s, async () => {
      const response = await post(t.http, `/v1/products/${c.product.id}/benefits`, c.headers, {
        benefits: [...kept, extraId],
      });
      expect(response.status, JSON.stringify(response.body)).toBe(200);
      return undefined;
    });
    const perSubscription = [
      "benefit_grant.revoked",
      "customer.state_changed",
      "benefit_grant.created",
      "customer.state_changed",
    ];
    expect(types(changed)).toEqual(["product.updated", ...perSubscription, ...perSubscription]);
    expectSubjects(changed.slice(0, 5), { customerId: c.customer.id, productId: c.product.id });
    expectSubjects(changed.slice(5), { customerId: bob.id });
    expect(((data(changed[0]).benefits ?? []) as { id: string }[]).map((benefit) => benefit.id)).toEqual([
      ...kept,
      extraId,
    ]);
    const grants = changed.filter((event) => event.type.startsWith("benefit_grant."));
    expect(grants.map((event) => [data(event).subscription_id, data(event).benefit_id])).toEqual([
      [first.subscription.id, c.benefits.custom?.id],
      [first.subscription.id, extraId],
      [second.subscription.id, c.benefits.custom?.id],
      [second.subscription.id, extraId],
    ]);
  });

  it("a meter credit and usage: the state, with the meter as it now is", async () => {
    const { c, s } = await catalogScene();
    const credited = await transition(s, async () => {
      const response = await post(
        t.http,
        `/_emulator/meters/${c.meter.id}/credit`,
        {},
        { customer_id: c.customer.id, units: 250 },
      );
      expect(response.status, JSON.stringify(response.body)).toBe(200);
      return response.body.events;
    });
    expect(types(credited)).toEqual(["customer.state_changed"]);
    expectSubjects(credited, { customerId: c.customer.id });
    expect(data(credited[0]).active_meters).toEqual([
      expect.objectContaining({ meter_id: c.meter.id, credited_units: 250, consumed_units: 0, balance: 250 }),
    ]);

    const used = await transition(s, async () => {
      const response = await post(
        t.http,
        "/_emulator/usage",
        {},
        { customer_id: c.customer.id, events: [{ name: "api_call", count: 40 }] },
      );
      expect(response.status, JSON.stringify(response.body)).toBe(200);
      return response.body.events;
    });
    expect(types(used)).toEqual(["customer.state_changed"]);
    expectSubjects(used, { customerId: c.customer.id });
    expect(data(used[0]).active_meters).toEqual([
      expect.objectContaining({
        meter_id: c.meter.id,
        credited_units: 250,
        consumed_units: 40,
        balance: 210,
      }),
    ]);

    // Usage no meter counts moves nothing: no event, no webhook.
    const unmetered = await transition(s, async () => {
      const response = await post(
        t.http,
        "/_emulator/usage",
        {},
        { customer_id: c.customer.id, events: [{ name: "page_view" }] },
      );
      expect(response.status, JSON.stringify(response.body)).toBe(200);
      return response.body.events;
    });
    expect(unmetered).toEqual([]);
  });
});

describe("many transitions in a row", () => {
  it("the receiver's whole sequence is the organization's journal since the endpoint existed", async () => {
    const { c, s } = await catalogScene();
    const mark = lastEventId();
    const { subscription } = await startSubscription(c);
    for (const action of ["renew", "cancel", "uncancel", "past_due", "recover", "revoke"]) {
      await change(subscription.id, action);
    }
    await post(
      t.http,
      `/_emulator/meters/${c.meter.id}/credit`,
      {},
      { customer_id: c.customer.id, units: 5 },
    );
    const events = await journal(c.organizationId, mark);
    expect(events.length).toBeGreaterThan(40);
    expect(await t.emulator.webhooks.idle(10_000)).toBe(true);
    expect(s.all.received.map((entry) => entry.json)).toEqual(events.map(envelope));
    expect(s.partial.received.map((entry) => entry.json)).toEqual(
      events.filter((event) => PARTIAL.includes(event.type)).map(envelope),
    );
    expect(s.foreign.received).toEqual([]);
    // Every webhook event went out once, with its own id.
    const ids = s.all.received.map((entry) => entry.webhookId);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
