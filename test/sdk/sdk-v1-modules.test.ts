/**
 * The official `@polar-sh/sdk` 1.0 client (installed as `polar-sdk-v1`) against the emulator, in
 * each of its version modules: `polar-sdk-v1/2026-04`, `/2026-10` and `/2027-01`. The same
 * everyday calls run through each module's `createPolar`, over every operation the emulator serves:
 * customers (state, external ids, export), products, benefits, benefit grants, subscriptions,
 * meters, customer meters, event ingestion, discounts, webhook endpoints, deliveries and
 * redelivery, and the module's `webhooks.validateEvent` on what a real receiver got.
 *
 * This client validates nothing at runtime, so every value a call resolves to is checked against
 * the type that module declares for it (test/sdk/sdk-v1-shapes.ts reads it from the module's
 * `.d.mts` with the TypeScript compiler): required keys present, values of the declared types,
 * no undeclared keys. Every request must carry the module's `Polar-Version` and every response
 * must echo it. test/sdk/sdk-v1.test.ts goes deeper into customers with the 2026-10 module.
 */
import { createHash, createHmac, randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import * as v202604 from "polar-sdk-v1/2026-04";
import * as v202610 from "polar-sdk-v1/2026-10";
import * as v202701 from "polar-sdk-v1/2027-01";
import {
  afterAll,
  afterEach,
  beforeAll,
  beforeEach,
  describe,
  expect,
  it,
  type MockInstance,
  vi,
} from "vitest";
import { type RunningEmulator, startEmulator } from "../../src/index.js";
import { type Received, type Receiver, startReceiver } from "../webhooks/receiver.js";
import { MODULES, type Module, shapesOf } from "./sdk-v1-shapes.js";

/**
 * The module under test, typed as the 2026-10 module: the three declare the same operations, and
 * where their types differ (the accepted `api_version` values, the 2027-01 seat-based price) the
 * tests say so. What each call returns is checked against its own module's types at runtime.
 */
type SdkModule = typeof v202610;
type Client = ReturnType<SdkModule["createPolar"]>;
const SDK: Record<Module, SdkModule> = {
  "2026-04": v202604 as unknown as SdkModule,
  "2026-10": v202610,
  "2027-01": v202701 as unknown as SdkModule,
};

const ISO_Z = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const STANDARD_SECRET = /^whsec_[A-Za-z0-9+/]{43}=$/;
const EXPORT_HEADER =
  "ID,External ID,Created At,Email,Name,Tax ID,Billing Address Line 1,Billing Address Line 2," +
  "Billing Address City,Billing Address State,Billing Address Zip,Billing Address Country,Metadata";

let emulator: RunningEmulator;
let receiver: Receiver;

beforeAll(async () => {
  emulator = await startEmulator();
  receiver = await startReceiver(() => ({ status: 200, body: '{"received":true}' }));
});

afterAll(async () => {
  await receiver?.close();
  await emulator?.close();
});

/** POST to the control plane (/_emulator/...), which answers with JSON. */
async function control<T>(pathname: string, body: unknown, status = 200): Promise<T> {
  const response = await fetch(`${emulator.url}${pathname}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  expect(response.status, `${pathname}: ${text}`).toBe(status);
  return JSON.parse(text) as T;
}

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to be rejected, it resolved");
}

/** Standard Webhooks: HMAC-SHA256 keyed with the base64-decoded part of the secret after `whsec_`. */
function standardSignature(secret: string, id: string, timestamp: string, body: string): string {
  expect(secret, "a Standard Webhooks secret (whsec_ + base64 of 32 bytes)").toMatch(STANDARD_SECRET);
  const key = Buffer.from(secret.slice("whsec_".length), "base64");
  return `v1,${createHmac("sha256", key).update(`${id}.${timestamp}.${body}`).digest("base64")}`;
}

function gravatar(email: string): string {
  return `https://www.gravatar.com/avatar/${createHash("sha256").update(email.toLowerCase()).digest("hex")}?d=404`;
}

describe.each(MODULES)("@polar-sh/sdk 1.0, module %s", (module) => {
  const sdk = SDK[module];
  const shapes = shapesOf(module);
  /** Problems found in what the client resolved to, checked after each test. */
  let problems: string[] = [];
  let fetchSpy: MockInstance<typeof fetch>;

  /**
   * A client of this module for a fresh organization, whose every method's resolved value is
   * checked against the module's declared return type.
   */
  function tenant(): { polar: Client; organizationId: string; token: string } {
    const { organizationId, token } = emulator.createOrganization();
    const raw = sdk.createPolar({ accessToken: token, baseUrl: emulator.url });
    const polar = new Proxy(raw, {
      get(target, service: string) {
        const methods = Reflect.get(target, service) as Record<string, unknown>;
        return new Proxy(methods, {
          get(inner, name: string) {
            const method = Reflect.get(inner, name);
            if (typeof method !== "function" || name.startsWith("iter")) return method;
            return async (...args: unknown[]) => {
              const value = await method(...args);
              problems.push(
                ...shapes.problems(`${service}.${name}`, value).map((p) => `${service}.${name} ${p}`),
              );
              return value;
            };
          },
        });
      },
    }) as Client;
    return { polar, organizationId, token };
  }

  async function notFound(promise: Promise<unknown>): Promise<void> {
    const error = await rejectionOf(promise);
    expect(error).toBeInstanceOf(sdk.errors.ResourceNotFound);
    if (!(error instanceof sdk.errors.ResourceNotFound)) throw error;
    expect(error.statusCode).toBe(404);
    expect(error.error).toEqual({ error: "ResourceNotFound", detail: "Not found" });
  }

  async function validationError(promise: Promise<unknown>): Promise<v202610.models.ValidationError[]> {
    const error = await rejectionOf(promise);
    expect(error).toBeInstanceOf(sdk.errors.HTTPValidationError);
    if (!(error instanceof sdk.errors.HTTPValidationError)) throw error;
    expect(error.statusCode).toBe(422);
    return error.error.detail ?? [];
  }

  beforeEach(() => {
    problems = [];
    fetchSpy = vi.spyOn(globalThis, "fetch");
  });

  afterEach(async (context) => {
    const calls = fetchSpy.mock.calls;
    const results = fetchSpy.mock.results;
    vi.restoreAllMocks();
    if (context.task.result?.state === "fail") return;
    // Every request to the API carried this module's version, and every answer echoed it.
    let checked = 0;
    for (const [index, [input, init]] of calls.entries()) {
      const url = String(input instanceof Request ? input.url : input);
      if (!url.startsWith(`${emulator.url}/v1/`)) continue;
      checked += 1;
      expect(new Headers(init?.headers).get("Polar-Version"), url).toBe(module);
      const response = await results[index].value;
      expect(response).toBeInstanceOf(Response);
      expect((response as Response).headers.get("Polar-Version"), url).toBe(module);
    }
    expect(checked).toBeGreaterThan(0);
    expect(problems.join("\n"), `values that do not fit the ${module} module's types`).toBe("");
  });

  // ------------------------------------------------------------------------------------------
  // Customers
  // ------------------------------------------------------------------------------------------

  it("creates, reads, updates and deletes customers, by id and by external id", async () => {
    const { polar, organizationId } = tenant();
    const customer = await polar.customers.create({
      email: "ada@example.com",
      external_id: " user-ada ",
      name: "  Ada Lovelace ",
      billing_address: {
        line1: "1 Market St",
        postal_code: "94105",
        city: "San Francisco",
        state: "CA",
        country: "US",
      },
      tax_id: "91-1144442",
      metadata: { plan: "pro", seats: 3 },
    });
    expect(customer).toMatchObject({
      type: "individual",
      email: "ada@example.com",
      external_id: "user-ada",
      name: "Ada Lovelace",
      billing_name: "Ada Lovelace",
      billing_address: { line1: "1 Market St", state: "US-CA", country: "US" },
      tax_id: ["911144442", "us_ein"],
      metadata: { plan: "pro", seats: 3 },
      organization_id: organizationId,
      modified_at: null,
      deleted_at: null,
      avatar_url: gravatar("ada@example.com"),
    });
    expect(customer.id).toMatch(UUID);
    expect(customer.created_at).toMatch(ISO_Z);
    expect(await polar.customers.get(customer.id)).toEqual(customer);
    expect(await polar.customers.getExternal("user-ada")).toEqual(customer);

    const updated = await polar.customers.update(customer.id, {
      name: "Ada King",
      metadata: { plan: "team" },
    });
    expect(updated).toMatchObject({ id: customer.id, name: "Ada King", metadata: { plan: "team" } });
    expect(updated.modified_at).toMatch(ISO_Z);
    const byExternal = await polar.customers.updateExternal("user-ada", { name: "Countess" });
    expect(byExternal.name).toBe("Countess");
    const state = await polar.customers.getStateExternal("user-ada");
    expect(state).toEqual({
      ...byExternal,
      active_subscriptions: [],
      granted_benefits: [],
      active_meters: [],
    });
    expect(await polar.customers.getState(customer.id)).toEqual(state);

    const team = await polar.customers.create({
      type: "team",
      name: "Acme Inc",
      email: "billing@acme.example",
    });
    expect(team).toMatchObject({ type: "team", name: "Acme Inc" });
    expect((await polar.customers.getState(team.id)).type).toBe("team");

    await expect(polar.customers.deleteExternal("user-ada")).resolves.toBeUndefined();
    await notFound(polar.customers.get(customer.id));
    await notFound(polar.customers.getStateExternal("user-ada"));
    await expect(polar.customers.delete(team.id, { anonymize: true })).resolves.toBeUndefined();
    await notFound(polar.customers.delete(team.id));
    expect(await polar.customers.list()).toEqual({ items: [], pagination: { total_count: 0, max_page: 0 } });
  });

  it("lists customers with filters, sorting and pages, and exports them", async () => {
    const { polar, organizationId } = tenant();
    const made = [];
    for (const [email, name, plan] of [
      ["alice@example.com", "Alice", "pro"],
      ["bob@example.com", "Bob", "team"],
      ["carol@sample.org", null, "pro"],
    ] as const) {
      made.push(await polar.customers.create({ email, name, metadata: { plan } }));
      await sleep(3);
    }
    const [alice, bob, carol] = made;
    const ids = (page: { items: { id: string }[] }) => page.items.map((item) => item.id);
    expect(ids(await polar.customers.list())).toEqual([carol.id, bob.id, alice.id]);
    expect(ids(await polar.customers.list({ sorting: ["name"] }))).toEqual([alice.id, bob.id, carol.id]);
    expect(ids(await polar.customers.list({ email: "BOB@example.com" }))).toEqual([bob.id]);
    expect(ids(await polar.customers.list({ query: "sample" }))).toEqual([carol.id]);
    expect(ids(await polar.customers.list({ metadata: { plan: "pro" }, sorting: ["email"] }))).toEqual([
      alice.id,
      carol.id,
    ]);
    expect(
      ids(await polar.customers.list({ organization_id: organizationId, active: false, limit: 1, page: 2 })),
    ).toEqual([bob.id]);
    const walked = [];
    for await (const customer of polar.customers.iterList({ limit: 2, sorting: ["email"] }))
      walked.push(customer.id);
    expect(walked).toEqual([alice.id, bob.id, carol.id]);

    const csv = await polar.customers.export();
    const rows = csv.trimEnd().split("\r\n");
    expect(rows[0]).toBe(EXPORT_HEADER);
    expect(rows.slice(1).map((row) => row.split(",")[0])).toEqual([alice.id, bob.id, carol.id]);

    const [invalid] = await validationError(polar.customers.create({ email: "not-an-email" }));
    expect(invalid).toMatchObject({ type: "value_error", loc: ["body", "individual", "email"] });
    const [duplicate] = await validationError(polar.customers.create({ email: "Alice@example.com" }));
    expect(duplicate.msg).toBe("A customer with this email address already exists.");
    await notFound(polar.customers.get(randomUUID()));
  });

  // ------------------------------------------------------------------------------------------
  // Catalog
  // ------------------------------------------------------------------------------------------

  it("creates benefits of each type and lists and gets them", async () => {
    const { polar, organizationId } = tenant();
    const meter = await polar.meters.create({
      name: "API calls",
      filter: { conjunction: "and", clauses: [{ property: "name", operator: "eq", value: "api_call" }] },
      aggregation: { func: "count" },
    });
    const custom = await polar.benefits.create({
      type: "custom",
      description: "Priority support",
      properties: { note: "Mail us" },
    });
    expect(custom).toMatchObject({
      type: "custom",
      properties: { note: "Mail us" },
      organization_id: organizationId,
    });
    const keys = await polar.benefits.create({
      type: "license_keys",
      description: "License key",
      properties: { prefix: "ACME" },
    });
    expect(keys).toMatchObject({ type: "license_keys", properties: { prefix: "ACME" } });
    const flag = await polar.benefits.create({
      type: "feature_flag",
      description: "Beta access",
      properties: {},
    });
    const credit = await polar.benefits.create({
      type: "meter_credit",
      description: "1000 calls",
      properties: { meter_id: meter.id, units: 1000, rollover: false },
    });
    expect(credit.properties).toEqual({ meter_id: meter.id, units: 1000, rollover: false });
    for (const benefit of [custom, keys, flag, credit])
      expect(await polar.benefits.get(benefit.id)).toEqual(benefit);

    const listed = await polar.benefits.list({ type: ["custom", "feature_flag"] });
    expect(listed.items.map((benefit) => benefit.id)).toEqual([flag.id, custom.id]);
    expect((await polar.benefits.list({ query: "license" })).items.map((b) => b.id)).toEqual([keys.id]);
    expect((await polar.benefits.list({ limit: 1 })).pagination).toEqual({ total_count: 4, max_page: 4 });
    await notFound(polar.benefits.get(randomUUID()));
  });

  it("creates a Discord benefit with a guild_id (guild_token is gone)", async () => {
    const { polar } = tenant();
    const discord = await polar.benefits.create({
      type: "discord",
      description: "Discord role",
      properties: { guild_id: "1234567890", role_id: "987654321", kick_member: true },
    });
    expect(discord.properties).toEqual({ guild_id: "1234567890", role_id: "987654321", kick_member: true });
  });

  it("creates products with each price type, lists, gets and attaches benefits", async () => {
    const { polar } = tenant();
    const meter = await polar.meters.create({
      name: "API calls",
      filter: { conjunction: "and", clauses: [{ property: "name", operator: "eq", value: "api_call" }] },
      aggregation: { func: "count" },
    });
    const perk = await polar.benefits.create({
      type: "custom",
      description: "Priority support",
      properties: {},
    });
    const pro = await polar.products.create({
      name: "Pro",
      recurring_interval: "month",
      prices: [
        { amount_type: "fixed", price_amount: 1500 },
        { amount_type: "metered_unit", meter_id: meter.id, unit_amount: "0.5" },
      ],
      metadata: { tier: "pro" },
    });
    expect(pro).toMatchObject({
      name: "Pro",
      is_recurring: true,
      recurring_interval: "month",
      is_archived: false,
      is_deletable: true,
      metadata: { tier: "pro" },
      benefits: [],
    });
    expect(pro.prices.map((price) => price.amount_type)).toEqual(["fixed", "metered_unit"]);
    const lifetime = await polar.products.create({
      name: "Lifetime",
      prices: [{ amount_type: "custom", minimum_amount: 500, preset_amount: 1000 }],
    });
    expect(lifetime).toMatchObject({ is_recurring: false, recurring_interval: null });
    if (module !== "2027-01") {
      // TS 1.0.1 types the 2027-01 seat-based price with seat_tiers, like the earlier versions,
      // while Polar's 2027-01 document has tiers + minimum_units (docs/polar-versions.md §2.2,
      // §4 row 2): the Python client's test covers 2027-01.
      const team = await polar.products.create({
        name: "Team",
        recurring_interval: "month",
        prices: [
          {
            amount_type: "seat_based",
            seat_tiers: {
              tiers: [
                { min_seats: 1, max_seats: 5, price_per_seat: 1000 },
                { min_seats: 6, price_per_seat: 800 },
              ],
            },
          },
        ],
      });
      expect(team.prices[0]).toMatchObject({
        amount_type: "seat_based",
        seat_tiers: { minimum_seats: 1, maximum_seats: null },
      });
    }
    const withPerk = await polar.products.updateBenefits(pro.id, { benefits: [perk.id] });
    expect(withPerk.benefits).toEqual([perk]);
    expect(await polar.products.get(pro.id)).toMatchObject({ id: pro.id, benefits: [perk] });
    expect((await polar.products.list({ benefit_id: perk.id })).items.map((p) => p.id)).toEqual([pro.id]);
    expect((await polar.products.list({ is_recurring: false })).items.map((p) => p.id)).toEqual([
      lifetime.id,
    ]);
    expect(
      (await polar.products.list({ query: "pro", metadata: { tier: "pro" } })).items.map((p) => p.id),
    ).toEqual([pro.id]);
    await notFound(polar.products.get(randomUUID()));
  });

  it("creates, lists, gets, updates and deletes discounts", async () => {
    const { polar } = tenant();
    const pro = await polar.products.create({
      name: "Pro",
      recurring_interval: "month",
      prices: [{ amount_type: "fixed", price_amount: 2000 }],
    });
    const fixed = await polar.discounts.create({
      type: "fixed",
      name: "Ten off",
      duration: "repeating",
      duration_in_months: 3,
      amount: 1000,
      currency: "usd",
      code: "TEN",
      products: [pro.id],
    });
    expect(fixed).toMatchObject({
      type: "fixed",
      duration: "repeating",
      duration_in_months: 3,
      amount: 1000,
      code: "TEN",
    });
    expect(fixed.products.map((product) => product.id)).toEqual([pro.id]);
    const half = await polar.discounts.create({
      type: "percentage",
      name: "Half",
      duration: "once",
      basis_points: 5000,
    });
    expect((await polar.discounts.list({ sorting: ["name"] })).items.map((d) => d.id)).toEqual([
      half.id,
      fixed.id,
    ]);
    expect(await polar.discounts.get(half.id)).toEqual(half);
    expect(await polar.discounts.update(half.id, { name: "Half off" })).toMatchObject({ name: "Half off" });
    await expect(polar.discounts.delete(half.id)).resolves.toBeUndefined();
    await notFound(polar.discounts.get(half.id));
  });

  // ------------------------------------------------------------------------------------------
  // Billing
  // ------------------------------------------------------------------------------------------

  async function subscribed(polar: Client, status: "active" | "trialing" = "active") {
    const perk = await polar.benefits.create({
      type: "custom",
      description: "Priority support",
      properties: {},
    });
    const created = await polar.products.create({
      name: "Pro",
      recurring_interval: "month",
      prices: [{ amount_type: "fixed", price_amount: 1500 }],
    });
    const product = await polar.products.updateBenefits(created.id, { benefits: [perk.id] });
    const customer = await polar.customers.create({ email: "sub@example.com", external_id: "sub-1" });
    const started = await control<{ subscription: { id: string } }>(
      "/_emulator/subscriptions",
      { customer_id: customer.id, product_id: product.id, status },
      201,
    );
    return { perk, product, customer, subscriptionId: started.subscription.id };
  }

  it("reads, lists, cancels, uncancels and revokes subscriptions", async () => {
    const { polar } = tenant();
    const { product, customer, subscriptionId } = await subscribed(polar);
    const subscription = await polar.subscriptions.get(subscriptionId);
    expect(subscription).toMatchObject({
      id: subscriptionId,
      status: "active",
      amount: 1500,
      currency: "usd",
      recurring_interval: "month",
      cancel_at_period_end: false,
      customer_id: customer.id,
      product_id: product.id,
      units: null,
    });
    // The product as it was, except that a subscription now references it: it cannot be deleted.
    expect(subscription.product).toEqual({ ...product, is_deletable: false });
    expect((await polar.products.get(product.id)).is_deletable).toBe(false);
    expect(subscription.customer.id).toBe(customer.id);
    expect((await polar.subscriptions.list({ customer_id: customer.id })).items.map((s) => s.id)).toEqual([
      subscriptionId,
    ]);
    expect(
      (await polar.subscriptions.list({ external_customer_id: "sub-1", active: true })).items,
    ).toHaveLength(1);
    expect((await polar.subscriptions.list({ status: "trialing" })).items).toEqual([]);

    const canceled = await polar.subscriptions.update(subscriptionId, { cancel_at_period_end: true });
    expect(canceled).toMatchObject({
      cancel_at_period_end: true,
      status: "active",
      ends_at: canceled.current_period_end,
    });
    const kept = await polar.subscriptions.update(subscriptionId, { cancel_at_period_end: false });
    expect(kept).toMatchObject({ cancel_at_period_end: false, canceled_at: null, ends_at: null });
    const revoked = await polar.subscriptions.revoke(subscriptionId);
    expect(revoked.status).toBe("canceled");
    const again = await rejectionOf(polar.subscriptions.revoke(subscriptionId));
    expect(again).toBeInstanceOf(sdk.errors.AlreadyCanceledSubscription);
    if (again instanceof sdk.errors.AlreadyCanceledSubscription) {
      expect(again.statusCode).toBe(403);
      expect(again.error.error).toBe("AlreadyCanceledSubscription");
    }
    await notFound(polar.subscriptions.get(randomUUID()));
  });

  it("lists benefit grants, across benefits and of one benefit", async () => {
    const { polar } = tenant();
    const { perk, customer, subscriptionId } = await subscribed(polar);
    const grants = await polar.benefitGrants.list({ customer_id: customer.id });
    expect(grants.items).toHaveLength(1);
    expect(grants.items[0]).toMatchObject({
      benefit_id: perk.id,
      customer_id: customer.id,
      subscription_id: subscriptionId,
      is_granted: true,
      is_revoked: false,
    });
    expect((await polar.benefits.grants(perk.id, { is_granted: true })).items.map((g) => g.id)).toEqual([
      grants.items[0].id,
    ]);
    await polar.subscriptions.revoke(subscriptionId);
    expect((await polar.benefitGrants.list({ is_granted: false })).items.map((g) => g.is_revoked)).toEqual([
      true,
    ]);
  });

  it.each(["active", "trialing"] as const)(
    "serves the state of a %s subscriber as Polar does",
    async (status) => {
      const { polar } = tenant();
      const { perk, product, customer, subscriptionId } = await subscribed(polar, status);
      const state = await polar.customers.getState(customer.id);
      // Typed "granted" | "disabled" by the client (see CLIENT_BUGS in sdk-v1-shapes.ts); Polar
      // sends the subscription's status, and so does the emulator.
      expect(state.active_subscriptions.map((s) => [s.id, s.status as string, s.product_id])).toEqual([
        [subscriptionId, status, product.id],
      ]);
      expect(state.active_subscriptions[0]).toMatchObject({
        seats: null,
        units: null,
        amount: 1500,
        meters: [],
      });
      expect(state.granted_benefits.map((grant) => grant.benefit_id)).toEqual([perk.id]);
      expect(await polar.customers.getStateExternal("sub-1")).toEqual(state);
    },
  );

  it("ingests events and moves customer meters", async () => {
    const { polar } = tenant();
    const meter = await polar.meters.create({
      name: "Tokens",
      filter: { conjunction: "and", clauses: [{ property: "name", operator: "eq", value: "llm" }] },
      aggregation: { func: "sum", property: "tokens" },
      unit: "token",
    });
    expect(meter).toMatchObject({
      name: "Tokens",
      unit: "token",
      aggregation: { func: "sum", property: "tokens" },
    });
    expect(await polar.meters.get(meter.id)).toEqual(meter);
    expect((await polar.meters.list({ query: "tok" })).items.map((m) => m.id)).toEqual([meter.id]);
    const customer = await polar.customers.create({ email: "usage@example.com", external_id: "usage-1" });
    expect(
      await polar.events.ingest({
        events: [
          { name: "llm", customer_id: customer.id, metadata: { tokens: 120 }, external_id: "e-1" },
          { name: "llm", external_customer_id: "usage-1", metadata: { tokens: 30 } },
        ],
      }),
    ).toEqual({ inserted: 2, duplicates: 0 });
    expect(
      await polar.events.ingest({ events: [{ name: "llm", customer_id: customer.id, external_id: "e-1" }] }),
    ).toEqual({ inserted: 0, duplicates: 1 });
    const page = await polar.customerMeters.list({ customer_id: customer.id });
    expect(page.items).toHaveLength(1);
    const [customerMeter] = page.items;
    expect(customerMeter).toMatchObject({
      customer_id: customer.id,
      meter_id: meter.id,
      consumed_units: 150,
      credited_units: 0,
      balance: -150,
    });
    expect(await polar.customerMeters.get(customerMeter.id)).toEqual(customerMeter);
    expect((await polar.customerMeters.list({ external_customer_id: "usage-1" })).items).toHaveLength(1);
    expect((await polar.customers.getState(customer.id)).active_meters).toMatchObject([
      { meter_id: meter.id, consumed_units: 150, balance: -150 },
    ]);
    await notFound(polar.customerMeters.get(randomUUID()));
    await notFound(polar.meters.get(randomUUID()));
  });

  // ------------------------------------------------------------------------------------------
  // Webhooks
  // ------------------------------------------------------------------------------------------

  it("creates, lists, updates, resets and deletes webhook endpoints", async () => {
    const { polar, organizationId } = tenant();
    const endpoint = await polar.webhooks.createWebhookEndpoint({
      url: `${receiver.url}?endpoint=${module}-crud`,
      format: "raw",
      events: ["customer.created"],
      api_version: module as v202610.models.ApiVersion,
    });
    expect(endpoint).toMatchObject({
      format: "raw",
      events: ["customer.created"],
      enabled: true,
      api_version: module,
      uses_standard_webhook_signature: true,
      organization_id: organizationId,
    });
    expect(endpoint.secret).toMatch(STANDARD_SECRET);
    expect(await polar.webhooks.getWebhookEndpoint(endpoint.id)).toEqual(endpoint);
    expect((await polar.webhooks.listWebhookEndpoints()).items.map((e) => e.id)).toEqual([endpoint.id]);
    const updated = await polar.webhooks.updateWebhookEndpoint(endpoint.id, {
      name: "renamed",
      events: ["customer.created", "customer.updated"],
      api_version: "2026-04",
    });
    expect(updated).toMatchObject({
      name: "renamed",
      events: ["customer.created", "customer.updated"],
      api_version: "2026-04",
    });
    const reset = await polar.webhooks.resetWebhookEndpointSecret(endpoint.id);
    expect(reset.secret).not.toBe(endpoint.secret);
    expect(reset.secret).toMatch(STANDARD_SECRET);
    await expect(polar.webhooks.deleteWebhookEndpoint(endpoint.id)).resolves.toBeUndefined();
    await notFound(polar.webhooks.getWebhookEndpoint(endpoint.id));
    // A version newer than the request's, or one Polar does not serve, is refused.
    for (const version of [module === "2027-01" ? "2027-04" : "2027-01", "2025-01"]) {
      const [detail] = await validationError(
        polar.webhooks.createWebhookEndpoint({
          url: receiver.url,
          format: "raw",
          events: ["customer.created"],
          api_version: version as v202610.models.ApiVersion,
        }),
      );
      expect(detail.loc.slice(0, 2)).toEqual(["body", "api_version"]);
    }
  });

  it("delivers what validateEvent accepts: Standard Webhooks signature, payload in the endpoint's version", async () => {
    const { polar } = tenant();
    const path = `?endpoint=${module}-deliveries`;
    const endpoint = await polar.webhooks.createWebhookEndpoint({
      url: `${receiver.url}${path}`,
      format: "raw",
      events: [
        "customer.created",
        "customer.updated",
        "customer.state_changed",
        "product.created",
        "product.updated",
        "benefit.created",
        "subscription.created",
        "subscription.active",
        "subscription.revoked",
        "benefit_grant.created",
        "benefit_grant.revoked",
        "discount.created",
      ],
      api_version: module as v202610.models.ApiVersion,
    });
    const { customer, subscriptionId } = await subscribed(polar);
    await polar.customers.update(customer.id, { name: "Zoë Ångström" });
    await polar.subscriptions.revoke(subscriptionId);
    await polar.discounts.create({ type: "percentage", name: "Half", duration: "once", basis_points: 5000 });
    await emulator.webhooks.idle(10_000);
    const delivered = emulator.webhooks.deliveries({ endpointId: endpoint.id });
    expect(delivered.length).toBeGreaterThanOrEqual(12);
    const received: Received[] = receiver.received.filter((request) =>
      delivered.some((delivery) => delivery.webhook_event_id === request.webhookId),
    );
    expect(received).toHaveLength(delivered.length);

    const types = new Set<string>();
    for (const request of received) {
      const { headers, body } = request;
      expect(headers["webhook-signature"]).toBe(
        standardSignature(endpoint.secret, headers["webhook-id"], headers["webhook-timestamp"], body),
      );
      expect(headers["webhook-api-version"]).toBe(module);
      const event = await sdk.webhooks.validateEvent(body, headers, endpoint.secret);
      expect(event.type).toBe(request.json.type);
      expect(event.api_version).toBe(module);
      expect(Object.keys(event).sort()).toEqual(["api_version", "data", "timestamp", "type"]);
      expect(shapes.payloadProblems(event), `${event.type} ${request.webhookId}`).toEqual([]);
      types.add(event.type);
    }
    expect([...types].sort()).toEqual([
      "benefit.created",
      "benefit_grant.created",
      "benefit_grant.revoked",
      "customer.created",
      "customer.state_changed",
      "customer.updated",
      "discount.created",
      "product.created",
      "product.updated",
      "subscription.active",
      "subscription.created",
      "subscription.revoked",
    ]);

    // Tampered, re-keyed or stale requests are refused with the module's error class.
    const [sample] = received;
    const stale = String(Math.floor(Date.now() / 1000) - 600);
    for (const [body, headers] of [
      [sample.body.replace('"type"', ' "type"'), sample.headers],
      [sample.body, { ...sample.headers, "webhook-id": randomUUID() }],
      [
        sample.body,
        {
          ...sample.headers,
          "webhook-timestamp": stale,
          "webhook-signature": standardSignature(endpoint.secret, sample.webhookId, stale, sample.body),
        },
      ],
    ] as const) {
      const error = await rejectionOf(sdk.webhooks.validateEvent(body, headers, endpoint.secret));
      expect(error).toBeInstanceOf(sdk.webhooks.PolarWebhookVerificationError);
    }

    // The deliveries as the API lists them, each with its event in the endpoint's version.
    const deliveries = await polar.webhooks.listWebhookDeliveries({ endpoint_id: endpoint.id, limit: 100 });
    expect(deliveries.items).toHaveLength(delivered.length);
    for (const delivery of deliveries.items) {
      expect(delivery).toMatchObject({ succeeded: true, http_code: 200 });
      expect(delivery.webhook_event.api_version).toBe(module);
      const request = received.find((r) => r.webhookId === delivery.webhook_event.id);
      expect(delivery.webhook_event.payload).toBe(request?.body);
    }

    // A redelivery: the same bytes, signed anew.
    const before = receiver.received.length;
    await polar.webhooks.redeliverWebhookEvent(sample.webhookId);
    await emulator.webhooks.waitFor({ endpointId: endpoint.id, webhookEventId: sample.webhookId, count: 2 });
    const again = receiver.received.slice(before).find((request) => request.webhookId === sample.webhookId);
    expect(again?.body).toBe(sample.body);
    expect(again?.headers["webhook-signature"]).toBe(
      standardSignature(
        endpoint.secret,
        sample.webhookId,
        again?.headers["webhook-timestamp"] ?? "",
        sample.body,
      ),
    );
    expect(
      await sdk.webhooks.validateEvent(again?.body ?? "", again?.headers ?? {}, endpoint.secret),
    ).toEqual(await sdk.webhooks.validateEvent(sample.body, sample.headers, endpoint.secret));
  });
});
