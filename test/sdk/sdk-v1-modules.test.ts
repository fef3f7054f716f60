/**
 * The official `@polar-sh/sdk` 1.0 client (1.0.1, installed as `polar-sdk-v1`) against the
 * emulator, in each of its version modules: `polar-sdk-v1/2026-04`, `/2026-10` and `/2027-01`. The
 * same calls run through each module's `createPolar` (23 tests per module, 69 in all) and reach
 * every one of the 71 operations the emulator serves: customers (state, external ids, export,
 * payment methods, members), products (updated), benefits (updated, deleted, their files), benefit
 * grants, subscriptions (created, exported), meters (updated, their quantities), customer meters,
 * events (ingested, listed, read, their names), event types, the organization, discounts, webhook
 * endpoints, deliveries and redelivery, and the module's `webhooks.validateEvent` on what a real
 * receiver got.
 *
 * What 1.0.1 cannot do, asserted where it is met:
 * - `members:list_members` (GET /v1/members/) has no method in any module (no service builds that
 *   path): it is sent through the module's own core (`createPolarCore`: `buildRequest`,
 *   `sendRequest`, `parseResponse`) and its answer checked as the `ListResourceMember` that
 *   `customers.members.list` resolves to. That method and `listExternal` call GET
 *   /v1/customers/{id}/members, newer than Polar's August document, which the emulator does not
 *   serve: 405, a plain PolarClientError.
 * - The 2027-01 module types the seat-based price with `seat_tiers` as the earlier versions do,
 *   not with Polar's 2027-01 `tiers` + `minimum_units` (seatBasedPriceOf202701): the body its types
 *   ask for is refused (422, as Polar does), and the price Polar's body makes does not fit its
 *   types. The 2027-01 seat-based price loads in Python's polar.v2027_01 (test_catalog.py).
 * - `CustomerStateSubscription.status` is typed granted/disabled (CLIENT_BUGS in sdk-v1-shapes.ts).
 *
 * This client validates nothing at runtime, so every value a call resolves to is checked against
 * the type that module declares for it (test/sdk/sdk-v1-shapes.ts reads it from the module's
 * `.d.mts` with the TypeScript compiler): required keys present, values of the declared types,
 * no undeclared keys. Every request must carry the module's `Polar-Version` and every response
 * must echo it. test/sdk/sdk-v1.test.ts goes deeper into customers with the 2026-10 module.
 */
import { createHash, createHmac, randomUUID } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { PolarClientError } from "polar-sdk-v1";
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
import { ROOT } from "../python-venv.js";
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

/**
 * How many tests each module runs (customers 2, catalog 4, billing 4, usage 1, catalog changes 2,
 * meters 1, events and event types 2, the organization 1, subscriptions created and exported 1,
 * members and payment methods 3, webhooks 2): fewer passing means some went missing.
 */
const PER_MODULE = 23;

describe.each(MODULES)("@polar-sh/sdk 1.0, module %s", (module) => {
  const sdk = SDK[module];
  const shapes = shapesOf(module);
  /** Problems found in what the client resolved to, checked after each test. */
  let problems: string[] = [];
  let fetchSpy: MockInstance<typeof fetch>;
  /** Tests that passed, their checks after the test included. */
  let passed = 0;

  /**
   * A client of this module for a fresh organization (with Polar's member model when asked), whose
   * every method's resolved value, nested services' (`customers.members`) included, is checked
   * against the module's declared return type.
   */
  function tenant(options: { memberModel?: boolean } = {}): {
    polar: Client;
    organizationId: string;
    token: string;
  } {
    const { organizationId, token } = emulator.createOrganization(
      options.memberModel ? { member_model_enabled: true } : {},
    );
    const raw = sdk.createPolar({ accessToken: token, baseUrl: emulator.url });
    const checked = (target: object, path: string[]): object =>
      new Proxy(target, {
        get(inner, name: string) {
          const member = Reflect.get(inner, name);
          if (path.length > 0 && typeof member === "object" && member !== null)
            return checked(member, [...path, name]);
          if (path.length === 0) return checked(member as object, [name]);
          if (typeof member !== "function" || name.startsWith("iter")) return member;
          const method = [...path, name].join(".");
          return async (...args: unknown[]) => {
            const value = await member(...args);
            problems.push(...shapes.problems(method, value).map((p) => `${method} ${p}`));
            return value;
          };
        },
      });
    return { polar: checked(raw, []) as Client, organizationId, token };
  }

  /**
   * A client bug of TS 1.0.1, asserted exactly: its 2027-01 module types the seat-based price as
   * the earlier versions do (`seat_tiers` in `ProductPriceSeatBasedCreate` and `ProductPriceSeatBased`,
   * node_modules/polar-sdk-v1/dist/models-B0yaXFSN.d.mts:18540 and :18495), while Polar's 2027-01
   * document and Python's polar.v2027_01 have `tiers` + `minimum_units`/`maximum_units`
   * (docs/polar-versions.md §2.2, §4 row 2). So the body its types ask for is refused, as Polar
   * refuses it, and the body Polar takes (cast past the types) makes a price the module's types do
   * not describe. `change` creates or updates a product with the given prices through a client of
   * an organization of its own whose values are not checked (they are checked here).
   */
  async function seatBasedPriceOf202701(
    change: (raw: Client, prices: v202610.models.ProductPriceSeatBasedCreate[]) => Promise<unknown>,
  ): Promise<void> {
    const { token } = emulator.createOrganization();
    const raw = sdk.createPolar({ accessToken: token, baseUrl: emulator.url });
    const typed: v202610.models.ProductPriceSeatBasedCreate = {
      amount_type: "seat_based",
      seat_tiers: { tiers: [{ min_seats: 2, price_per_seat: 900 }] },
    };
    // (An update's body also tries the price as an existing one first: the seat-based miss is last.)
    const missing = (await validationError(change(raw, [typed]))).at(-1);
    expect(missing).toMatchObject({ type: "missing", msg: "Field required" });
    expect(missing?.loc.slice(-2)).toEqual(["seat_based", "tiers"]);
    const polars = {
      amount_type: "seat_based",
      tiers: { type: "volume", tiers: [{ unit_amount: 900 }] },
      minimum_units: 2,
    } as unknown as v202610.models.ProductPriceSeatBasedCreate;
    const product = (await change(raw, [polars])) as { prices: unknown[] };
    expect(product.prices).toMatchObject([
      { amount_type: "seat_based", tiers: { type: "volume" }, minimum_units: 2, maximum_units: null },
    ]);
    // Read as the module's Product, the price is closest to its unit-based price (which has tiers).
    expect(shapes.problems("products.create", product)).toEqual([
      '$.prices[0].amount_type: "seat_based" is not "unit_based"',
      "$.prices[0]: missing required ProductPriceUnitBased.unit_label",
    ]);
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
    passed += 1;
  });

  // Vitest reads the first parameter as the fixtures it injects (it must be a destructuring
  // pattern); the suite comes second.
  // biome-ignore lint/correctness/noEmptyPattern: no fixture is used, the suite is
  afterAll(({}, suite) => {
    const tests = suite.tasks.filter((task) => task.type === "test");
    expect(tests.length, `tests declared for ${module}`).toBeGreaterThanOrEqual(PER_MODULE);
    // In a whole run (no test filtered out or skipped), each module ran its share and passed it.
    if (tests.every((task) => task.mode === "run"))
      expect(passed, `tests passed in ${module}`).toBeGreaterThanOrEqual(PER_MODULE);
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
      // Until 2026-10 a seat-based price has seat_tiers. In 2027-01 it has tiers + minimum_units,
      // which TS 1.0.1 does not type (seatBasedPriceOf202701 asserts that client bug); the Python
      // client's test_catalog.py creates one in 2027-01.
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
    } else {
      await seatBasedPriceOf202701((raw, prices) =>
        raw.products.create({ name: "Team", recurring_interval: "month", prices }),
      );
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
  // Catalog changes: products and benefits updated, benefits deleted, a benefit's files
  // ------------------------------------------------------------------------------------------

  it("updates a product's fields and prices", async () => {
    const { polar } = tenant();
    const pro = await polar.products.create({
      name: "Pro",
      recurring_interval: "month",
      prices: [{ amount_type: "fixed", price_amount: 2000 }],
      metadata: { tier: "pro" },
    });
    const updated = await polar.products.update(pro.id, {
      name: "  Pro plan  ",
      description: "Everything",
      visibility: "private",
      metadata: { tier: "gold", seats: 5 },
      trial_interval: "day",
      trial_interval_count: 14,
    });
    expect(updated).toEqual({
      ...pro,
      modified_at: updated.modified_at,
      name: "Pro plan",
      description: "Everything",
      visibility: "private",
      metadata: { tier: "gold", seats: 5 },
      trial_interval: "day",
      trial_interval_count: 14,
    });
    expect(updated.modified_at).toMatch(ISO_Z);
    expect(await polar.products.get(pro.id)).toEqual(updated);

    const [usd] = pro.prices;
    const repriced = await polar.products.update(pro.id, {
      prices: [{ id: usd.id }, { amount_type: "fixed", price_amount: 1800, price_currency: "eur" }],
    });
    expect(repriced.prices[0]).toEqual(usd);
    expect(repriced.prices[1]).toMatchObject({
      amount_type: "fixed",
      price_amount: 1800,
      price_currency: "eur",
      product_id: pro.id,
      is_archived: false,
    });
    // Only prices changed: the product's own row, and its modified_at, stay as they were.
    expect(repriced.modified_at).toBe(updated.modified_at);
    const archived = await polar.products.update(pro.id, { is_archived: true });
    expect(archived.is_archived).toBe(true);
    expect((await polar.products.list({ is_archived: true })).items.map((p) => p.id)).toEqual([pro.id]);
    if (module !== "2027-01") {
      // As in the product test above: in 2027-01, seatBasedPriceOf202701 asserts the client bug,
      // and test_catalog.py adds a seat-based price by an update.
      const team = await polar.products.update(pro.id, {
        prices: [
          { amount_type: "seat_based", seat_tiers: { tiers: [{ min_seats: 2, price_per_seat: 900 }] } },
        ],
      });
      expect(team.prices).toMatchObject([
        { amount_type: "seat_based", seat_tiers: { minimum_seats: 2, maximum_seats: null } },
      ]);
    } else {
      await seatBasedPriceOf202701(async (raw, prices) => {
        const plain = await raw.products.create({
          name: "Plain",
          recurring_interval: "month",
          prices: [{ amount_type: "fixed", price_amount: 900 }],
        });
        return raw.products.update(plain.id, { prices });
      });
    }

    await notFound(polar.products.update(randomUUID(), { name: "Gone" }));
    const [interval] = await validationError(polar.products.update(pro.id, { recurring_interval: "year" }));
    expect(interval).toMatchObject({
      loc: ["body", "recurring_interval"],
      msg: "Recurring interval cannot be changed.",
    });
  });

  it("updates and deletes benefits, and lists a downloadables benefit's files", async () => {
    const { polar } = tenant();
    const support = await polar.benefits.create({
      type: "custom",
      description: "Support",
      properties: { note: "Old" },
    });
    const updated = await polar.benefits.update(support.id, {
      type: "custom",
      description: "Priority support",
      metadata: { level: "gold" },
      properties: { note: "Write to us" },
    });
    expect(updated).toEqual({
      ...support,
      modified_at: updated.modified_at,
      description: "Priority support",
      metadata: { level: "gold" },
      properties: { note: "Write to us" },
    });
    expect(updated.modified_at).toMatch(ISO_Z);
    expect(await polar.benefits.get(support.id)).toEqual(updated);
    const [typed] = await validationError(
      polar.benefits.update(support.id, { type: "feature_flag", description: "Flag" }),
    );
    expect(typed).toMatchObject({
      loc: ["body", "type"],
      msg: "Benefit type cannot be changed.",
      input: "custom",
    });

    const files = await polar.benefits.create({
      type: "downloadables",
      description: "E-book",
      properties: { files: [randomUUID()] },
    });
    expect(await polar.benefits.files(files.id)).toEqual({
      items: [],
      pagination: { total_count: 0, max_page: 0 },
    });
    expect(await polar.benefits.files(files.id, { page: 2, limit: 5 })).toEqual({
      items: [],
      pagination: { total_count: 0, max_page: 0 },
    });
    const walked = [];
    for await (const file of polar.benefits.iterFiles(files.id)) walked.push(file);
    expect(walked).toEqual([]);
    await notFound(polar.benefits.files(support.id));

    const product = await polar.products.create({
      name: "Pro",
      recurring_interval: "month",
      prices: [{ amount_type: "fixed", price_amount: 1500 }],
    });
    await polar.products.updateBenefits(product.id, { benefits: [support.id, files.id] });
    const customer = await polar.customers.create({ email: "granted@example.com" });
    await control("/_emulator/benefit-grants", { customer_id: customer.id, benefit_id: support.id });
    await expect(polar.benefits.delete(support.id)).resolves.toBeUndefined();
    await notFound(polar.benefits.get(support.id));
    await notFound(polar.benefits.delete(support.id));
    expect((await polar.products.get(product.id)).benefits.map((b) => b.id)).toEqual([files.id]);
    expect((await polar.benefits.list()).items.map((b) => b.id)).toEqual([files.id]);
    const [revoked] = (await polar.benefitGrants.list({ customer_id: customer.id })).items;
    expect(revoked).toMatchObject({ benefit_id: support.id, is_granted: false, is_revoked: true });
    expect(revoked.benefit.is_deleted).toBe(true);
  });

  // ------------------------------------------------------------------------------------------
  // Meters updated, their quantities
  // ------------------------------------------------------------------------------------------

  it("updates a meter while nothing matches it, and reads its quantities", async () => {
    const { polar } = tenant();
    const tokens = await polar.meters.create({
      name: "Tokens",
      filter: { conjunction: "and", clauses: [{ property: "name", operator: "eq", value: "llm" }] },
      aggregation: { func: "count" },
    });
    const updated = await polar.meters.update(tokens.id, {
      name: "LLM tokens",
      unit: "custom",
      custom_label: "token",
      custom_multiplier: 1000,
      metadata: { team: "platform" },
      aggregation: { func: "sum", property: "metadata.tokens" },
    });
    expect(updated).toEqual({
      ...tokens,
      name: "LLM tokens",
      unit: "custom",
      custom_label: "token",
      custom_multiplier: 1000,
      metadata: { team: "platform" },
      aggregation: { func: "sum", property: "tokens" },
    });
    // Polar answers with the modified_at it read before the write; the change is stored.
    const stored = await polar.meters.get(tokens.id);
    expect(stored.modified_at).toMatch(ISO_Z);
    expect(stored).toEqual({ ...updated, modified_at: stored.modified_at });

    const alice = await polar.customers.create({ email: "alice@example.com", external_id: "ext_alice" });
    const bob = await polar.customers.create({ email: "bob@example.com" });
    await polar.events.ingest({
      events: [
        { name: "llm", customer_id: alice.id, timestamp: "2026-03-07T23:30:00Z", metadata: { tokens: 10 } },
        {
          name: "llm",
          external_customer_id: "ext_alice",
          timestamp: "2026-03-08T06:30:00Z",
          metadata: { tokens: 5.5 },
        },
        { name: "llm", customer_id: bob.id, timestamp: "2026-03-08T12:00:00Z", metadata: { tokens: 7 } },
      ],
    });
    const range = {
      start_timestamp: "2026-03-07T00:00:00Z",
      end_timestamp: "2026-03-09T00:00:00Z",
      interval: "day",
    } as const;
    expect(await polar.meters.quantities(tokens.id, range)).toEqual({
      quantities: [
        { timestamp: "2026-03-07T00:00:00Z", quantity: 10 },
        { timestamp: "2026-03-08T00:00:00Z", quantity: 12.5 },
        { timestamp: "2026-03-09T00:00:00Z", quantity: 0 },
      ],
      total: 22.5,
    });
    expect(
      await polar.meters.quantities(tokens.id, { ...range, external_customer_id: "ext_alice" }),
    ).toMatchObject({ total: 15.5 });
    expect(
      (await polar.meters.quantities(tokens.id, { ...range, timezone: "America/New_York" })).quantities,
    ).toEqual([
      { timestamp: "2026-03-07T00:00:00Z", quantity: 0 },
      { timestamp: "2026-03-08T00:00:00Z", quantity: 10 },
      { timestamp: "2026-03-08T23:00:00Z", quantity: 12.5 },
    ]);
    const refused = await validationError(
      polar.meters.update(tokens.id, { aggregation: { func: "count" }, name: "Renamed" }),
    );
    expect(refused.map((detail) => [detail.loc, detail.type])).toEqual([
      [["body", "aggregation"], "forbidden"],
    ]);
    const [long] = await validationError(
      polar.meters.quantities(tokens.id, {
        ...range,
        end_timestamp: "2026-03-20T00:00:00Z",
        interval: "hour",
      }),
    );
    expect(long).toMatchObject({ loc: ["query"], type: "value_error" });
    await notFound(polar.meters.update(randomUUID(), { name: "Gone" }));
    await notFound(polar.meters.quantities(randomUUID(), range));
  });

  // ------------------------------------------------------------------------------------------
  // Events, event names and event types
  // ------------------------------------------------------------------------------------------

  /** A customer (`ext_a`), a run, a step under it ingested by external id, and a stranger's event. */
  async function withEvents(polar: Client) {
    const alice = await polar.customers.create({
      email: "alice@example.com",
      name: "Alice",
      external_id: "ext_a",
    });
    expect(
      await polar.events.ingest({
        events: [
          {
            name: "run",
            customer_id: alice.id,
            external_id: "run-1",
            timestamp: "2026-03-01T09:00:00Z",
            metadata: { model: "gpt", tokens: 3 },
          },
          {
            name: "step",
            external_customer_id: "ext_a",
            parent_id: "run-1",
            timestamp: "2026-03-01T09:01:00Z",
            metadata: { _cost: { amount: 1.25, currency: "usd" } },
          },
          { name: "other", external_customer_id: "someone", timestamp: "2026-03-01T10:00:00Z" },
        ],
      }),
    ).toEqual({ inserted: 3, duplicates: 0 });
    return { alice: await polar.customers.get(alice.id) };
  }

  it("lists and gets usage and system events, with every filter, and event names", async () => {
    const { polar, organizationId } = tenant();
    const { alice } = await withEvents(polar);
    expect(alice.first_user_event_at).toBe("2026-03-01T09:00:00Z");
    const page = await polar.events.list();
    if (!("total_count" in page.pagination))
      throw new Error("a cursor page where a numbered one was expected");
    expect(page.pagination).toEqual({ total_count: 4, max_page: 1 });
    const [created, other, step, run] = page.items;
    expect(created).toMatchObject({
      name: "customer.created",
      source: "system",
      label: "Customer Created",
      customer_id: alice.id,
      organization_id: organizationId,
      metadata: {
        customer_id: alice.id,
        customer_email: "alice@example.com",
        customer_name: "Alice",
        customer_external_id: "ext_a",
      },
    });
    expect(created.customer).toEqual(alice);
    expect(run).toMatchObject({
      name: "run",
      source: "user",
      label: "run",
      timestamp: "2026-03-01T09:00:00Z",
      customer_id: alice.id,
      child_count: 1,
      parent_id: null,
      metadata: { model: "gpt", tokens: 3 },
    });
    expect(step).toMatchObject({
      parent_id: run.id,
      customer_id: null,
      external_customer_id: "ext_a",
      child_count: 0,
      metadata: { _cost: { amount: "1.25", currency: "usd" } },
    });
    expect(step.customer).toEqual(alice);
    expect(other).toMatchObject({ external_customer_id: "someone", customer: null, metadata: {} });
    expect(await polar.events.get(step.id)).toEqual(step);
    // A single read counts no children.
    expect(await polar.events.get(run.id)).toEqual({ ...run, child_count: 0 });
    await notFound(polar.events.get(randomUUID()));

    const names = async (query: Parameters<Client["events"]["list"]>[0]) =>
      (await polar.events.list(query)).items.map((event) => event.name);
    expect(await names({ name: ["run", "step"] })).toEqual(["step", "run"]);
    expect(await names({ source: "system" })).toEqual(["customer.created"]);
    expect(await names({ external_customer_id: "ext_a", sorting: ["timestamp"] })).toEqual([
      "run",
      "step",
      "customer.created",
    ]);
    expect(await names({ parent_id: run.id })).toEqual(["step"]);
    expect(await names({ depth: 0, source: "user" })).toEqual(["other", "run"]);
    expect(await names({ metadata: { model: "gpt" } })).toEqual(["run"]);
    expect(
      await names({ start_timestamp: "2026-03-01T09:00:00Z", end_timestamp: "2026-03-01T10:00:00Z" }),
    ).toEqual(["step"]);
    expect(await names({ query: "alice", organization_id: organizationId })).toEqual([
      "customer.created",
      "step",
      "run",
    ]);
    expect(await names({ limit: 3, page: 2 })).toEqual(["run"]);
    const [query] = await validationError(polar.events.list({ query: "alice" }));
    expect(query).toMatchObject({
      loc: ["query", "query"],
      msg: "Query is only supported when organization_id is provided.",
    });

    const eventNames = await polar.events.listNames();
    expect(eventNames.pagination).toEqual({ total_count: 4, max_page: 1 });
    expect(eventNames.items.slice(1)).toEqual([
      {
        name: "other",
        label: "other",
        source: "user",
        occurrences: 1,
        first_seen: "2026-03-01T10:00:00Z",
        last_seen: "2026-03-01T10:00:00Z",
      },
      {
        name: "step",
        label: "step",
        source: "user",
        occurrences: 1,
        first_seen: "2026-03-01T09:01:00Z",
        last_seen: "2026-03-01T09:01:00Z",
      },
      {
        name: "run",
        label: "run",
        source: "user",
        occurrences: 1,
        first_seen: "2026-03-01T09:00:00Z",
        last_seen: "2026-03-01T09:00:00Z",
      },
    ]);
    expect(eventNames.items[0]).toMatchObject({ name: "customer.created", source: "system", occurrences: 1 });
    expect((await polar.events.listNames({ source: "user", query: "RUN" })).items.map((n) => n.name)).toEqual(
      ["run"],
    );
    const walked = [];
    for await (const name of polar.events.iterListNames({ limit: 1, sorting: ["name"] }))
      walked.push(name.name);
    expect(walked).toEqual(["customer.created", "other", "run", "step"]);
  });

  it("lists event types with their statistics and relabels one", async () => {
    const { polar, organizationId } = tenant();
    await withEvents(polar);
    const page = await polar.eventTypes.list({ sorting: ["name"] });
    expect(page.pagination).toEqual({ total_count: 4, max_page: 1 });
    expect(page.items.map((item) => [item.name, item.source, item.occurrences])).toEqual([
      ["customer.created", "system", 1],
      ["other", "user", 1],
      ["run", "user", 1],
      ["step", "user", 1],
    ]);
    const [system, , run] = page.items;
    // A system event type has no row of its own: no id, no dates.
    expect(system).toMatchObject({
      id: null,
      created_at: null,
      modified_at: null,
      label: "Customer Created",
    });
    expect(run).toMatchObject({
      modified_at: null,
      label: "run",
      label_property_selector: null,
      organization_id: organizationId,
      first_seen: "2026-03-01T09:00:00Z",
      last_seen: "2026-03-01T09:00:00Z",
    });
    expect(run.id).toMatch(UUID);
    expect(
      (await polar.eventTypes.list({ source: "user", root_events: true })).items.map((t) => t.name),
    ).toEqual(["other", "run"]);
    const walked = [];
    for await (const type of polar.eventTypes.iterList({ limit: 1, query: "U", sorting: ["name"] }))
      walked.push(type.name);
    expect(walked).toEqual(["customer.created", "run"]);

    const relabelled = await polar.eventTypes.update(run.id ?? "", {
      label: "  A run  ",
      label_property_selector: " model ",
    });
    expect(relabelled).toEqual({
      created_at: run.created_at,
      modified_at: null,
      id: run.id,
      name: "run",
      label: "A run",
      label_property_selector: "model",
      organization_id: organizationId,
    });
    expect((await polar.events.list({ name: "run" })).items.map((event) => event.label)).toEqual(["gpt"]);
    expect((await polar.eventTypes.list({ query: "run" })).items[0]).toMatchObject({ label: "A run" });
    const missing = await rejectionOf(polar.eventTypes.update(randomUUID(), { label: "Mine" }));
    // Declared without a body model (`EventTypesUpdate404Error extends PolarClientError<null>`), but
    // the client hands over the JSON it got.
    expect(missing).toBeInstanceOf(sdk.errors.EventTypesUpdate404Error);
    if (missing instanceof sdk.errors.EventTypesUpdate404Error) {
      expect(missing.statusCode).toBe(404);
      expect(missing.error).toEqual({ error: "ResourceNotFound", detail: "Not found" });
    }
    const [blank] = await validationError(polar.eventTypes.update(run.id ?? "", { label: "   " }));
    expect(blank).toMatchObject({
      loc: ["body", "label"],
      msg: "Value error, Label cannot be empty or only whitespace",
    });
  });

  // ------------------------------------------------------------------------------------------
  // The organization
  // ------------------------------------------------------------------------------------------

  it("gets, lists and updates the token's organization; creating one is refused", async () => {
    const { polar, organizationId } = tenant();
    const organization = await polar.organizations.get(organizationId);
    expect(organization).toMatchObject({
      id: organizationId,
      modified_at: null,
      status: "active",
      default_presentment_currency: "usd",
      default_tax_behavior: "location",
      subscription_settings: {
        allow_multiple_subscriptions: false,
        proration_behavior: "prorate",
        benefit_revocation_grace_period: 0,
        prevent_trial_abuse: false,
        allow_customer_updates: true,
      },
      embed_hosts: [],
    });
    expect(await polar.organizations.list()).toEqual({
      items: [organization],
      pagination: { total_count: 1, max_page: 1 },
    });
    expect((await polar.organizations.list({ slug: organization.slug.toUpperCase() })).items).toEqual([
      organization,
    ]);
    expect((await polar.organizations.list({ slug: "no-such-slug" })).items).toEqual([]);
    const walked = [];
    for await (const item of polar.organizations.iterList()) walked.push(item.id);
    expect(walked).toEqual([organizationId]);
    await notFound(polar.organizations.get(emulator.organizationId));

    const updated = await polar.organizations.update(organizationId, {
      name: "Renamed Shop",
      email: "Support@Example.COM",
      website: "https://Example.com",
      socials: [{ platform: "x", url: "https://www.GitHub.com/Acme" }],
      country: "FR",
      embed_hosts: ["Shop.Example.com", "localhost:3000"],
    });
    expect(updated).toEqual({
      ...organization,
      modified_at: updated.modified_at,
      name: "Renamed Shop",
      email: "Support@example.com",
      website: "https://example.com/",
      socials: [{ platform: "github", url: "https://www.github.com/Acme" }],
      country: "FR",
      embed_hosts: ["shop.example.com", "localhost:3000"],
    });
    expect(updated.modified_at).toMatch(ISO_Z);
    expect(await polar.organizations.get(organizationId)).toEqual(updated);
    await notFound(polar.organizations.update(emulator.organizationId, { name: "Mine now" }));
    const sso = await rejectionOf(polar.organizations.update(organizationId, { sso_enforced: true }));
    expect(sso).toBeInstanceOf(sdk.errors.OrganizationsUpdate403Error);
    if (sso instanceof sdk.errors.OrganizationsUpdate403Error) {
      expect(sso.statusCode).toBe(403);
      expect(sso.error).toEqual({
        error: "NotPermitted",
        detail: "You must be signed in through SSO for this organization to enforce it.",
      });
    }
    const [email] = await validationError(polar.organizations.update(organizationId, { email: "nope" }));
    expect(email).toMatchObject({ loc: ["body", "email"], type: "value_error" });

    // Only a user creates organizations: an organization token is answered as no token, 401, which
    // this method declares no class for (it has 403 and 422), so it is the plain PolarClientError.
    const refused = await rejectionOf(polar.organizations.create({ name: "New", slug: "new-org" }));
    expect(refused).toBeInstanceOf(PolarClientError);
    expect(refused).not.toBeInstanceOf(sdk.errors.CannotCreateOrganizationError);
    if (refused instanceof PolarClientError) {
      expect(refused.statusCode).toBe(401);
      expect(refused.error).toBe('{"error":"Unauthorized","detail":"Unauthorized"}');
    }
  });

  // ------------------------------------------------------------------------------------------
  // Subscriptions created through the API, and exported
  // ------------------------------------------------------------------------------------------

  it("creates subscriptions to a free product, refuses a paid one, and exports them as CSV", async () => {
    const { polar } = tenant();
    const perk = await polar.benefits.create({ type: "custom", description: "Community", properties: {} });
    const created = await polar.products.create({
      name: "Free",
      recurring_interval: "month",
      prices: [{ amount_type: "fixed", price_amount: 0 }],
    });
    const free = await polar.products.updateBenefits(created.id, { benefits: [perk.id] });
    const ann = await polar.customers.create({ email: "ann@example.com", name: "Ann", external_id: "ann" });
    const subscription = await polar.subscriptions.create({
      product_id: free.id,
      customer_id: ann.id,
      metadata: { source: "api" },
    });
    expect(subscription).toMatchObject({
      status: "active",
      amount: 0,
      currency: "usd",
      recurring_interval: "month",
      cancel_at_period_end: false,
      customer_id: ann.id,
      product_id: free.id,
      metadata: { source: "api" },
      modified_at: null,
      seats: null,
    });
    expect(subscription.started_at).toBe(subscription.created_at);
    expect(subscription.product).toEqual({ ...free, is_deletable: false });
    expect(await polar.subscriptions.get(subscription.id)).toEqual(subscription);
    expect((await polar.benefitGrants.list({ customer_id: ann.id })).items).toMatchObject([
      { benefit_id: perk.id, subscription_id: subscription.id, is_granted: true },
    ]);
    const bob = await polar.customers.create({ email: "bob@example.com", external_id: "bob" });
    await sleep(3);
    const byExternal = await polar.subscriptions.create({ product_id: free.id, external_customer_id: "bob" });
    expect(byExternal.customer_id).toBe(bob.id);

    const paid = await polar.products.create({
      name: "Paid",
      recurring_interval: "month",
      prices: [{ amount_type: "fixed", price_amount: 500 }],
    });
    const [refused] = await validationError(
      polar.subscriptions.create({ product_id: paid.id, customer_id: ann.id }),
    );
    expect(refused).toMatchObject({
      loc: ["body", "product_id"],
      msg: "Product is not free. The customer should go through a checkout to create a paid subscription.",
    });
    const [nobody] = await validationError(
      polar.subscriptions.create({ product_id: free.id, external_customer_id: "nobody" }),
    );
    expect(nobody).toMatchObject({ loc: ["body", "external_customer_id"], msg: "Customer does not exist." });

    // The CSV writes Python's isoformat of the same instant.
    const started = (value: string | null) => (value ?? "").replace(/Z$/, "+00:00");
    const csv = await polar.subscriptions.export();
    expect(csv).toBe(
      "Email,Started At,Product,Amount,Currency,Status,Billing Interval\r\n" +
        `bob@example.com,${started(byExternal.started_at)},Free,0.0,usd,active,month\r\n` +
        `ann@example.com,${started(subscription.started_at)},Free,0.0,usd,active,month\r\n`,
    );
    expect(
      await polar.subscriptions.export({
        columns: ["customer_name", "status", "cancel_at_period_end"],
        product_id: free.id,
        timezone: "Europe/Paris",
      }),
    ).toBe("Customer Name,Status,Cancels At Period End\r\n,active,false\r\nAnn,active,false\r\n");
    expect(await polar.subscriptions.export({ status: "canceled", columns: "email" })).toBe("Email\r\n");
    const [zone] = await validationError(polar.subscriptions.export({ timezone: "utc" }));
    expect(zone).toMatchObject({
      loc: ["query", "timezone"],
      msg: "Value error, 'utc' is not a valid IANA time zone",
    });
  });

  // ------------------------------------------------------------------------------------------
  // Members, and payment methods
  // ------------------------------------------------------------------------------------------

  async function resourceNotFound(promise: Promise<unknown>, detail: string): Promise<void> {
    const error = await rejectionOf(promise);
    expect(error).toBeInstanceOf(sdk.errors.ResourceNotFound);
    if (!(error instanceof sdk.errors.ResourceNotFound)) throw error;
    expect(error.statusCode).toBe(404);
    expect(error.error).toEqual({ error: "ResourceNotFound", detail });
  }

  async function notPermitted(promise: Promise<unknown>, detail: string): Promise<void> {
    const error = await rejectionOf(promise);
    expect(error).toBeInstanceOf(sdk.errors.NotPermitted);
    if (!(error instanceof sdk.errors.NotPermitted)) throw error;
    expect(error.statusCode).toBe(403);
    expect(error.error).toEqual({ error: "NotPermitted", detail });
  }

  it("adds, reads, updates and deletes members by ids and by external ids", async () => {
    const { polar } = tenant({ memberModel: true });
    const members = polar.customers.members;
    const team = await polar.customers.create({
      type: "team",
      name: "Crew",
      email: "crew@example.com",
      external_id: "crew",
      owner: { email: "Boss@Example.COM" },
    });
    const owner = await members.getExternal("crew", "crew");
    expect(owner).toMatchObject({
      customer_id: team.id,
      email: "Boss@example.com",
      name: "Crew",
      external_id: "crew",
      role: "owner",
      created_at: team.created_at,
      modified_at: null,
    });
    expect(await members.get(team.id, owner.id)).toEqual(owner);
    const jane = await members.create(team.id, {
      email: "Jane@Example.COM",
      name: "  Jane ",
      external_id: " u_jane ",
    });
    expect(jane).toEqual({
      id: jane.id,
      created_at: jane.created_at,
      modified_at: null,
      customer_id: team.id,
      email: "Jane@example.com",
      name: "Jane",
      external_id: "u_jane",
      role: "member",
    });
    expect(jane.id).toMatch(UUID);
    const manager = await members.createExternal("crew", {
      email: "bm@example.com",
      role: "billing_manager",
    });
    expect(manager).toMatchObject({ customer_id: team.id, role: "billing_manager", external_id: null });
    // A member with the same email, in any case, is answered as it is.
    expect(await members.create(team.id, { email: "JANE@example.com", name: "Other" })).toEqual(jane);
    expect(await members.getExternal("crew", "u_jane")).toEqual(jane);

    const renamed = await members.update(team.id, jane.id, { name: "Mia", email: "Mia@Example.com" });
    expect(renamed).toMatchObject({ id: jane.id, name: "Mia", email: "Mia@example.com", role: "member" });
    expect(renamed.modified_at).toMatch(ISO_Z);
    const promoted = await members.updateExternal("crew", "u_jane", { role: "owner" });
    expect(promoted).toMatchObject({ id: jane.id, role: "owner" });
    expect((await members.get(team.id, owner.id)).role).toBe("billing_manager");
    const [demote] = await validationError(members.update(team.id, jane.id, { role: "member" }));
    expect(demote).toMatchObject({
      loc: ["body", "role"],
      msg: "Cannot change role. Customer must have exactly one owner.",
    });
    const [only] = await validationError(members.delete(team.id, jane.id));
    expect(only).toMatchObject({
      loc: ["body"],
      msg: "Cannot delete the only owner. Transfer ownership first.",
    });

    await expect(members.delete(team.id, manager.id)).resolves.toBeUndefined();
    await expect(members.deleteExternal("crew", "crew")).resolves.toBeUndefined();
    await resourceNotFound(members.get(team.id, manager.id), "Member not found");
    await resourceNotFound(members.getExternal("crew", "crew"), "Member not found");
    await resourceNotFound(members.deleteExternal("crew", "crew"), "Member not found");
    await resourceNotFound(members.update(team.id, randomUUID(), { name: "ghost" }), "Member not found");
    await resourceNotFound(members.create(randomUUID(), { email: "x@example.com" }), "Customer not found");
    await resourceNotFound(
      members.createExternal("nobody", { email: "x@example.com" }),
      "Customer not found",
    );
    const [duplicate] = await validationError(
      members.create(team.id, { email: "b@example.com", external_id: "u_jane" }),
    );
    expect(duplicate).toMatchObject({
      loc: ["body", "external_id"],
      msg: "A member with this external ID already exists for this customer.",
    });
    const solo = await polar.customers.create({ email: "solo@example.com" });
    await notPermitted(
      members.create(solo.id, { email: "two@example.com" }),
      "Individual customers can only have one member (the owner). Upgrade to a team customer to add more members.",
    );
  });

  it("refuses members without the member model, and lists no payment method", async () => {
    const { polar } = tenant();
    const team = await polar.customers.create({
      type: "team",
      name: "Crew",
      email: "crew@example.com",
      external_id: "crew",
    });
    await notPermitted(
      polar.customers.members.create(team.id, { email: "m@example.com" }),
      "Member management is not enabled for this organization",
    );
    await notPermitted(
      polar.customers.members.createExternal("crew", { email: "m@example.com" }),
      "Member management is not enabled for this organization",
    );

    const empty = { items: [], pagination: { total_count: 0, max_page: 0 } };
    expect(await polar.customers.listPaymentMethods(team.id)).toEqual(empty);
    expect(await polar.customers.listPaymentMethods(team.id, { page: 2, limit: 5 })).toEqual(empty);
    expect(await polar.customers.listPaymentMethodsExternal("crew")).toEqual(empty);
    const walked = [];
    for await (const method of polar.customers.iterListPaymentMethods(team.id)) walked.push(method);
    for await (const method of polar.customers.iterListPaymentMethodsExternal("crew")) walked.push(method);
    expect(walked).toEqual([]);
    await notFound(polar.customers.listPaymentMethods(randomUUID()));
    await notFound(polar.customers.listPaymentMethodsExternal("nobody"));
    await polar.customers.delete(team.id);
    await notFound(polar.customers.listPaymentMethods(team.id));
  });

  it("lists members through the client's core, as no method calls GET /v1/members/", async () => {
    // The paths with members that this module's services build requests for: GET /v1/members/
    // (members:list_members) is not one of them.
    const services = path.join(ROOT, "node_modules", "polar-sdk-v1", "dist", module, "services");
    const built = new Set<string>();
    for (const file of readdirSync(services, { recursive: true, encoding: "utf8" })) {
      if (!file.endsWith(".mjs")) continue;
      const source = readFileSync(path.join(services, file), "utf8");
      for (const [, method, url] of source.matchAll(/buildRequest\("(\w+)", "([^"]*members[^"]*)"/g))
        built.add(`${method} ${url}`);
    }
    expect([...built].sort()).toEqual([
      "DELETE /v1/customer-portal/members/{id}",
      "DELETE /v1/customers/external/{external_id}/members/{member_external_id}",
      "DELETE /v1/customers/{id}/members/{member_id}",
      "GET /v1/customer-portal/members",
      "GET /v1/customers/external/{external_id}/members",
      "GET /v1/customers/external/{external_id}/members/{member_external_id}",
      "GET /v1/customers/{id}/members",
      "GET /v1/customers/{id}/members/{member_id}",
      "PATCH /v1/customer-portal/members/{id}",
      "PATCH /v1/customers/external/{external_id}/members/{member_external_id}",
      "PATCH /v1/customers/{id}/members/{member_id}",
      "POST /v1/customer-portal/members",
      "POST /v1/customers/external/{external_id}/members",
      "POST /v1/customers/{id}/members",
    ]);

    const { polar, token } = tenant({ memberModel: true });
    const members = polar.customers.members;
    const team = await polar.customers.create({
      type: "team",
      name: "Crew",
      email: "crew@example.com",
      external_id: "crew",
    });
    const owner = await members.getExternal("crew", "crew");
    const jane = await members.create(team.id, { email: "jane@example.com", external_id: "u_jane" });
    const manager = await members.create(team.id, { email: "bm@example.com", role: "billing_manager" });
    const other = await polar.customers.create({ email: "solo@example.com", external_id: "solo" });
    const solo = await members.getExternal("solo", "solo");

    // The module's own core sends it, with its Polar-Version, and parses it as its methods do;
    // the answer is checked against the type its `customers.members.list` resolves to.
    const core = sdk.createPolarCore({ accessToken: token, baseUrl: emulator.url });
    async function listMembers(query: Record<string, string | number | string[]> = {}) {
      const request = core.buildRequest("GET", "/v1/members/", {}, query);
      const response = await core.sendRequest(request);
      const value = await core.parseResponse<v202610.models.ListResourceMember>(response, "json", {
        404: sdk.errors.ResourceNotFound,
        422: sdk.errors.HTTPValidationError,
      });
      problems.push(...shapes.problems("customers.members.list", value).map((p) => `GET /v1/members/ ${p}`));
      return value;
    }
    const everyone = await listMembers();
    expect(everyone.pagination).toEqual({ total_count: 4, max_page: 1 });
    expect(new Set(everyone.items.map((member) => member.id))).toEqual(
      new Set([owner.id, jane.id, manager.id, solo.id]),
    );
    expect((await listMembers({ customer_id: team.id, sorting: ["created_at"] })).items).toEqual([
      owner,
      jane,
      manager,
    ]);
    expect((await listMembers({ external_customer_id: "solo" })).items).toEqual([solo]);
    expect((await listMembers({ customer_id: team.id, role: "billing_manager" })).items).toEqual([manager]);
    const paged = await listMembers({ customer_id: team.id, sorting: ["created_at"], page: 2, limit: 2 });
    expect(paged).toEqual({ items: [manager], pagination: { total_count: 3, max_page: 2 } });
    expect((await listMembers({ customer_id: other.id, role: "member" })).items).toEqual([]);
    const [role] = await validationError(listMembers({ role: "admin" }));
    expect(role).toMatchObject({ loc: ["query", "role"], type: "enum" });

    // The client's own listing (GET /v1/customers/{id}/members, newer than Polar's August document)
    // is not served: 405, which it rejects with the plain PolarClientError.
    for (const call of [() => members.list(team.id), () => members.listExternal("crew")]) {
      const error = await rejectionOf(call());
      expect(error).toBeInstanceOf(PolarClientError);
      expect(error).not.toBeInstanceOf(sdk.errors.ResourceNotFound);
      if (!(error instanceof PolarClientError)) throw error;
      expect([error.statusCode, error.error]).toEqual([405, '{"detail":"Method Not Allowed"}']);
    }
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
