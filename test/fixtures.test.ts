/**
 * Scenario fixtures: the embedded default scenario, the format (keys, references, fixed ids,
 * dates, statuses, usage, faker bulk), loading at boot (files, directories, tenants, snapshots) and
 * through the control plane (YAML or JSON), per-organization reset, and refusals that name the
 * file, the path inside it and what is wrong while changing nothing.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import supertest from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { startEmulator } from "../src/index.js";
import { newPartition } from "../src/resources/index.js";
import { FIXTURE_DATE_PATTERN, parseFixtureDate } from "../src/scenarios/dates.js";
import { FixtureError, readFixtureText } from "../src/scenarios/fixture.js";
import { emptyRegistry } from "../src/scenarios/keys.js";
import { checkScenario } from "../src/scenarios/plan.js";
import { Store } from "../src/store/store.js";
import { startTestEmulator, tenant } from "./helpers.js";

let ctx: Awaited<ReturnType<typeof startTestEmulator>>;
beforeAll(async () => {
  ctx = await startTestEmulator();
});
afterAll(() => ctx.emulator.close());

type Json = Record<string, unknown> & { id: string };

async function all(path: string, headers: Record<string, string>): Promise<Json[]> {
  const res = await ctx.http.get(`${path}${path.includes("?") ? "&" : "?"}limit=100`).set(headers);
  expect(res.status, res.text).toBe(200);
  return res.body.items;
}

function loadYaml(organizationId: string, text: string, type = "application/yaml") {
  return ctx.http
    .post(`/_emulator/organizations/${organizationId}/fixtures`)
    .set("Content-Type", type)
    .send(text);
}

/** The whole state of an organization, to show a refused call changed nothing. */
async function stateOf(organizationId: string): Promise<string> {
  return (await ctx.http.get(`/_emulator/organizations/${organizationId}/snapshot`)).text;
}

const CATALOG = `
meters:
  - key: api_calls
    name: API calls
    filter: { conjunction: and, clauses: [{ property: name, operator: eq, value: api_call }] }
    aggregation: { func: count }
benefits:
  - { key: beta, type: feature_flag, description: Beta features, properties: {} }
  - { key: credits, type: meter_credit, description: 100 calls, properties: { meter: api_calls, units: 100, rollover: false } }
products:
  - { key: free, name: Free, recurring_interval: month, prices: [{ amount_type: fixed, price_amount: 0 }] }
  - key: pro
    name: Pro
    recurring_interval: month
    prices: [{ amount_type: fixed, price_amount: 2000 }]
    benefits: [beta, credits]
  - { key: team, name: Team, recurring_interval: year, prices: [{ amount_type: fixed, price_amount: 9000 }] }
  - { key: ebook, name: The e-book, prices: [{ amount_type: fixed, price_amount: 900 }] }
`;

describe("the embedded default scenario", () => {
  it("shows something real in alice's state: a pro subscription, its grants and her usage", async () => {
    const res = await ctx.http.get("/v1/customers/external/user_alice/state").set(ctx.auth());
    expect(res.status).toBe(200);
    const state = res.body;
    expect(state.active_subscriptions).toHaveLength(1);
    expect(state.active_subscriptions[0]).toMatchObject({ status: "active", amount: 2000, currency: "usd" });
    const types = state.granted_benefits.map((grant: { benefit_type: string }) => grant.benefit_type).sort();
    // Two license keys: the subscription's, and the one her lifetime purchase granted.
    expect(types).toEqual(["custom", "feature_flag", "license_keys", "license_keys", "meter_credit"]);
    expect(state.active_meters).toHaveLength(1);
    expect(state.active_meters[0]).toMatchObject({ consumed_units: 120, credited_units: 500, balance: 380 });
    // Her purchase history: the lifetime purchase, the subscription's first order and its renewals.
    const orders = await ctx.http
      .get(`/v1/orders/?customer_id=${state.id}&sorting=created_at&limit=100`)
      .set(ctx.auth());
    const reasons = orders.body.items.map((order: { billing_reason: string }) => order.billing_reason);
    expect(reasons[0]).toBe("subscription_create");
    expect(reasons).toContain("purchase");
    expect(reasons.filter((reason: string) => reason === "subscription_cycle").length).toBeGreaterThan(1);
    expect(orders.body.items.every((order: { status: string }) => order.status === "paid")).toBe(true);
    // Renewed month after month since she subscribed: the current period holds the reference time.
    const { current_period_start: start, current_period_end: end } = state.active_subscriptions[0];
    expect(new Date(start) <= new Date("2026-01-01T00:00:00Z")).toBe(true);
    expect(new Date(end) > new Date("2026-01-01T00:00:00Z")).toBe(true);
  });

  it("has a catalog with free, pro and team plans, benefits of several types and a meter", async () => {
    const products = await all("/v1/products/", ctx.auth());
    expect(products.map((product) => product.name)).toEqual(
      expect.arrayContaining(["Free", "Pro", "Pro (yearly)", "Team", "Team (yearly)"]),
    );
    const benefits = await all("/v1/benefits/", ctx.auth());
    expect(new Set(benefits.map((benefit) => benefit.type))).toEqual(
      // No Discord benefit: @polar-sh/sdk 0.49 and polar-go 0.16 cannot read one as Polar sends it now.
      new Set(["custom", "license_keys", "feature_flag", "meter_credit", "github_repository"]),
    );
    const meters = await all("/v1/meters/", ctx.auth());
    expect(meters.map((meter) => meter.name)).toEqual(["API calls"]);
  });

  it("has named customers in every subscription status, and faker-made ones", async () => {
    const byExternalId = async (externalId: string) => {
      const customer = (await ctx.http.get(`/v1/customers/external/${externalId}`).set(ctx.auth())).body;
      return all(`/v1/subscriptions/?customer_id=${customer.id}`, ctx.auth());
    };
    expect((await byExternalId("user_alice"))[0]).toMatchObject({
      status: "active",
      cancel_at_period_end: false,
    });
    expect((await byExternalId("user_dave"))[0]).toMatchObject({ status: "past_due" });
    expect((await byExternalId("user_erin"))[0]).toMatchObject({ status: "canceled" });
    expect((await byExternalId("user_frank"))[0]).toMatchObject({
      status: "active",
      cancel_at_period_end: true,
    });
    const carol = (await ctx.http.get("/v1/customers/?email=carol@example.org").set(ctx.auth())).body
      .items[0];
    const carolState = (await ctx.http.get(`/v1/customers/${carol.id}/state`).set(ctx.auth())).body;
    expect(carolState.active_subscriptions[0]).toMatchObject({ status: "trialing" });
    // Grace uses more than her credits: a negative balance.
    const grace = (await ctx.http.get("/v1/customers/external/user_grace/state").set(ctx.auth())).body;
    expect(grace.active_meters[0].balance).toBeLessThan(0);
    const subscriptions = await all("/v1/subscriptions/", ctx.auth());
    expect(subscriptions.length).toBeGreaterThan(8);
    const health = (await ctx.http.get("/_emulator/health")).body;
    expect(health.customers).toBe(40);
  });

  it("passes every check a user's fixture goes through (boot trusts it and skips the schemas)", () => {
    const text = readFileSync(new URL("../fixtures/default.yaml", import.meta.url), "utf8");
    const fixture = readFixtureText(text, "fixtures/default.yaml");
    const store = new Store(newPartition);
    store.addOrganization({ id: "o", name: "o", slug: "o", created_at: new Date(0) });
    const target = { store, organizationId: "o", registry: emptyRegistry(), reference: new Date() };
    expect(checkScenario(fixture, target, [], { boot: true, schemas: true })).toEqual([]);
  });

  it("is seeded without a single domain event", () => {
    const fresh = ctx.emulator.emulator;
    fresh.reset();
    expect(fresh.context.events.list()).toEqual([]);
  });
});

describe("loading a fixture through the control plane", () => {
  it("creates what it describes, by key, and answers with the keys and every object created", async () => {
    const t = tenant(ctx.emulator);
    const res = await loadYaml(
      t.organizationId,
      `${CATALOG}
customers:
  - key: alice
    email: alice@tenant.example.com
    external_id: user_alice
    created_at: 2025-03-01
    subscriptions: [{ product: pro, started_at: 2025-03-01T10:00:00Z }]
    events: [{ name: api_call, count: 30, timestamp: -1d }]
    credits: [{ meter: api_calls, units: 25 }]
  - email: bob@tenant.example.com
    grants: [beta]
`,
    );
    expect(res.status, res.text).toBe(200);
    const { keys, changed, organization } = res.body;
    expect(organization).toMatchObject({ id: t.organizationId, customers: 2 });
    expect(Object.keys(keys.products)).toEqual(["free", "pro", "team", "ebook"]);
    expect(Object.keys(keys.customers)).toEqual(["alice", "bob@tenant.example.com"]);
    expect(changed.products.map((product: Json) => product.id)).toEqual(Object.values(keys.products));
    expect(changed.customers).toHaveLength(2);
    expect(changed.subscriptions).toHaveLength(1);
    expect(changed.events).toBe(30);

    const state = (await ctx.http.get(`/v1/customers/${keys.customers.alice}/state`).set(t.headers)).body;
    expect(state.created_at).toBe("2025-03-01T00:00:00Z");
    expect(state.active_subscriptions[0]).toMatchObject({ product_id: keys.products.pro, status: "active" });
    expect(state.active_subscriptions[0].started_at).toBe("2025-03-01T10:00:00Z");
    expect(state.active_meters[0]).toMatchObject({ consumed_units: 30, credited_units: 125 });
    const bob = (
      await ctx.http.get(`/v1/customers/${keys.customers["bob@tenant.example.com"]}/state`).set(t.headers)
    ).body;
    expect(bob.granted_benefits.map((grant: Json) => grant.benefit_id)).toEqual([keys.benefits.beta]);
  });

  it("takes JSON too, every YAML content type, and keys of earlier loads", async () => {
    const t = tenant(ctx.emulator);
    expect((await loadYaml(t.organizationId, CATALOG, "application/x-yaml")).status).toBe(200);
    const json = await ctx.http
      .post(`/_emulator/organizations/${t.organizationId}/fixtures`)
      .send({ customers: [{ email: "j@example.com", subscriptions: [{ product: "pro" }] }] });
    expect(json.status, json.text).toBe(200);
    const text = await loadYaml(
      t.organizationId,
      "customers: [{ email: y@example.com, grants: [beta] }]",
      "text/yaml",
    );
    expect(text.status, text.text).toBe(200);
    expect(text.body.changed.benefit_grants).toHaveLength(1);
  });

  it("reaches every status the way a test author names it", async () => {
    const t = tenant(ctx.emulator);
    const res = await loadYaml(
      t.organizationId,
      `${CATALOG}
customers:
${["active", "trialing", "past_due", "canceling", "canceled"]
  .map(
    (status) =>
      `  - { key: ${status}, email: ${status}@example.com, subscriptions: [{ product: pro, status: ${status} }] }`,
  )
  .join("\n")}
`,
    );
    expect(res.status, res.text).toBe(200);
    const byCustomer = new Map<string, Json>(
      res.body.changed.subscriptions.map((subscription: Json) => [subscription.customer_id, subscription]),
    );
    const of = (key: string) => byCustomer.get(res.body.keys.customers[key]);
    expect(of("active")).toMatchObject({ status: "active", cancel_at_period_end: false, ended_at: null });
    expect(of("trialing")).toMatchObject({ status: "trialing" });
    expect(of("trialing")?.trial_end).not.toBeNull();
    expect(of("past_due")).toMatchObject({ status: "past_due" });
    expect(of("canceling")).toMatchObject({ status: "active", cancel_at_period_end: true });
    expect(of("canceled")).toMatchObject({ status: "canceled" });
    expect(of("canceled")?.ended_at).not.toBeNull();
  });

  it("keeps fixed ids", async () => {
    const t = tenant(ctx.emulator);
    const ids = {
      product: "0d5c2d52-7b1e-4f57-9d43-1f2d7c1a0001",
      customer: "0d5c2d52-7b1e-4f57-9d43-1f2d7c1a0002",
      subscription: "0d5c2d52-7b1e-4f57-9d43-1f2d7c1a0003",
    };
    const res = await loadYaml(
      t.organizationId,
      `products: [{ key: p, id: ${ids.product}, name: Plan, recurring_interval: month, prices: [{ amount_type: fixed, price_amount: 100 }] }]
customers: [{ id: ${ids.customer}, email: fixed@example.com, subscriptions: [{ product: p, id: ${ids.subscription} }] }]
`,
    );
    expect(res.status, res.text).toBe(200);
    const subscription = (await ctx.http.get(`/v1/subscriptions/${ids.subscription}`).set(t.headers)).body;
    expect(subscription).toMatchObject({
      id: ids.subscription,
      customer_id: ids.customer,
      product_id: ids.product,
    });
    // The same ids again: refused, with the path of each.
    const again = await loadYaml(
      t.organizationId,
      `customers: [{ id: ${ids.customer}, email: other@example.com }]`,
    );
    expect(again.status).toBe(422);
    expect(again.body.detail[0]).toMatchObject({
      loc: ["body", "customers", 0, "id"],
      msg: "A customer with this id already exists",
    });
  });

  it("generates bulk customers with exact shares per product", async () => {
    const t = tenant(ctx.emulator);
    const res = await loadYaml(
      t.organizationId,
      `${CATALOG}
generate:
  customers: 50
  subscriptions:
    - { product: pro, share: 0.3 }
    - { product: team, share: 0.1, status: canceled }
  events: { name: api_call, max: 5 }
`,
    );
    expect(res.status, res.text).toBe(200);
    const subscriptions = res.body.changed.subscriptions as Json[];
    const on = (key: string) =>
      subscriptions.filter((item) => item.product_id === res.body.keys.products[key]);
    expect(on("pro")).toHaveLength(15);
    expect(on("team")).toHaveLength(5);
    expect(on("team").every((item) => item.status === "canceled")).toBe(true);
    expect(res.body.changed.customers).toHaveLength(50);
  });

  it("emits no domain events and gives the same bytes for the same seed and calls", async () => {
    const fixture = `${CATALOG}\ncustomers: [{ email: same@example.com, subscriptions: [{ product: pro }] }]\ngenerate: { customers: 5 }\n`;
    const run = async () => {
      const emulator = await startEmulator({ customers: 0 });
      try {
        const http = supertest(emulator.url);
        const t = emulator.createOrganization({ name: "Same" });
        const before = emulator.emulator.context.events.lastId();
        const loaded = await http
          .post(`/_emulator/organizations/${t.organizationId}/fixtures`)
          .set("Content-Type", "application/yaml")
          .send(fixture);
        expect(loaded.status, loaded.text).toBe(200);
        expect(emulator.emulator.context.events.lastId()).toBe(before);
        // The organization was created now (wall clock); what the fixture made is the same bytes.
        return JSON.stringify({ keys: loaded.body.keys, changed: loaded.body.changed });
      } finally {
        await emulator.close();
      }
    };
    expect(await run()).toBe(await run());
  });

  it("answers 404 for an organization it does not hold", async () => {
    const res = await loadYaml("5b1f6a0e-2222-4a4a-8b8b-000000000000", "customers: []");
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: "ResourceNotFound", detail: "Not found" });
  });
});

describe("refusing an invalid fixture", () => {
  it("names the path and what is wrong, with the keys it knows, and changes nothing", async () => {
    const t = tenant(ctx.emulator);
    expect((await loadYaml(t.organizationId, CATALOG)).status).toBe(200);
    const before = await stateOf(t.organizationId);
    const res = await loadYaml(
      t.organizationId,
      `customers:
  - email: a@example.com
  - email: b@example.com
  - email: c@example.com
  - email: d@example.com
    subscriptions: [{ product: pr0 }, { product: ebook }]
    grants: [{ benefit: bet }]
    events: [{ name: api_call, timestamp: -1d }]
  - email: A@example.com
`,
    );
    expect(res.status).toBe(422);
    expect(res.body.error).toBe("RequestValidationError");
    expect(res.body.detail).toEqual([
      {
        type: "reference_error",
        loc: ["body", "customers", 3, "subscriptions", 0, "product"],
        msg: 'unknown product "pr0"; known: free, pro, team, ebook',
        input: "pr0",
      },
      {
        type: "value_error",
        loc: ["body", "customers", 3, "subscriptions", 1, "product"],
        msg: 'Product "ebook" is a one-time product; a subscription needs a recurring product',
        input: "ebook",
      },
      {
        type: "reference_error",
        loc: ["body", "customers", 3, "grants", 0, "benefit"],
        msg: 'unknown benefit "bet"; known: beta, credits',
        input: "bet",
      },
      {
        type: "value_error",
        loc: ["body", "customers", 4, "email"],
        msg: "A customer with this email address already exists.",
        input: "A@example.com",
      },
    ]);
    expect(await stateOf(t.organizationId)).toBe(before);
  });

  it("reads dates the way FixtureDate in the spec describes them", async () => {
    const spec = parseYaml(readFileSync(new URL("../spec/emulator.yaml", import.meta.url), "utf8"));
    expect(spec.components.schemas.FixtureDate.pattern).toBe(FIXTURE_DATE_PATTERN);
    const reference = new Date("2026-01-01T00:00:00Z");
    const at = (text: string) => parseFixtureDate(text, reference)?.toISOString() ?? null;
    expect(at("now")).toBe("2026-01-01T00:00:00.000Z");
    expect(at("-30d")).toBe("2025-12-02T00:00:00.000Z");
    expect(at("now-1mo")).toBe("2025-12-01T00:00:00.000Z");
    expect(at("+1d12h")).toBe("2026-01-02T12:00:00.000Z");
    expect(at("-2y")).toBe("2024-01-01T00:00:00.000Z");
    expect(at("2025-06-01")).toBe("2025-06-01T00:00:00.000Z");
    expect(at("2025-06-01T09:30:00+0200")).toBe("2025-06-01T07:30:00.000Z");
    expect(at("2025-06-01 09:30")).toBe("2025-06-01T09:30:00.000Z");
    for (const bad of ["yesterday", "now - 2w", "-1000d", "2025-13-01", "1969-01-01", "+1d1d1d1d1d"]) {
      expect(at(bad), bad).toBeNull();
    }
    // A date the grammar refuses is a 422 at its path (the shape, so nothing else is checked yet).
    const t = tenant(ctx.emulator);
    const res = await loadYaml(
      t.organizationId,
      "customers: [{ email: a@example.com, created_at: yesterday }]",
    );
    expect(res.status).toBe(422);
    expect(res.body.detail).toEqual([
      expect.objectContaining({
        type: "string_pattern_mismatch",
        loc: ["body", "customers", 0, "created_at"],
      }),
    ]);
    // In-process and at boot the message says what a date is.
    expect(() => ctx.emulator.loadFixture({ reference_time: "tomorrow" }, t.organizationId)).toThrow(
      "/reference_time: Input should be a date (2025-06-01, 2025-06-01T09:30:00Z) or a time relative",
    );
  });

  it("refuses a subscription that would need too many renewals to catch up", async () => {
    const t = tenant(ctx.emulator);
    const res = await loadYaml(
      t.organizationId,
      `products: [{ key: daily, name: Daily, recurring_interval: day, prices: [{ amount_type: fixed, price_amount: 100 }] }]
customers: [{ email: old@example.com, created_at: 2020-01-01, subscriptions: [{ product: daily, started_at: 2020-01-01 }] }]
`,
    );
    expect(res.status).toBe(422);
    expect(res.body.detail).toEqual([
      expect.objectContaining({
        loc: ["body", "customers", 0, "subscriptions", 0, "started_at"],
        msg: "About 2192 renewals from the start to the reference time (at most 1000): start it later",
      }),
    ]);
  });

  it("checks each body against Polar's create schema, and refuses unknown keys", async () => {
    const t = tenant(ctx.emulator);
    const res = await loadYaml(
      t.organizationId,
      `products:
  - { key: p, name: P, recurring_interval: month, prices: [{ amount_type: fixed, price_amount: -1 }] }
benefits:
  - { key: b, type: feature_flagg, description: Beta, properties: {} }
meters:
  - { key: m, name: Meter, filter: { conjunction: and, clauses: [] }, aggregation: { func: count }, unit: parsec }
customers:
  - { email: not-an-email, emial: typo@example.com }
`,
    );
    expect(res.status).toBe(422);
    const locs = res.body.detail.map((detail: { loc: unknown[] }) => detail.loc);
    expect(locs).toEqual(
      expect.arrayContaining([
        ["body", "meters", 0, "unit"],
        ["body", "benefits", 0, "type"],
        ["body", "products", 0, "name"],
        ["body", "products", 0, "prices", 0, "price_amount"],
        ["body", "customers", 0, "emial"],
        ["body", "customers", 0, "email"],
      ]),
    );
    const typo = res.body.detail.find((detail: { loc: unknown[] }) => detail.loc.includes("emial"));
    expect(typo.msg).toMatch(/^Extra inputs are not permitted; CustomerIndividualCreate takes .*email/);
    expect(await stateOf(t.organizationId)).toContain('"customers":[]');
  });

  it("refuses the shape first, with pydantic's wording, at the path inside the body", async () => {
    const t = tenant(ctx.emulator);
    const res = await loadYaml(
      t.organizationId,
      "customers: [{ email: a@example.com, subscriptions: [{}] }]\nproduct: []",
    );
    expect(res.status).toBe(422);
    expect(res.body.detail).toEqual([
      expect.objectContaining({ type: "extra_forbidden", loc: ["body", "product"] }),
      expect.objectContaining({
        type: "missing",
        loc: ["body", "customers", 0, "subscriptions", 0, "product"],
      }),
    ]);
  });

  it("puts everything back when the domain refuses something halfway", async () => {
    const t = tenant(ctx.emulator);
    expect((await loadYaml(t.organizationId, CATALOG)).status).toBe(200);
    const before = await stateOf(t.organizationId);
    // The tax id is only refused by the domain, after the first customer and its subscription exist.
    const res = await loadYaml(
      t.organizationId,
      `customers:
  - { email: first@example.com, subscriptions: [{ product: pro }], events: [{ name: api_call, count: 3 }] }
  - { email: second@example.com, tax_id: "12", billing_address: { country: US } }
tokens: [{ comment: would be added }]
organization: { name: Renamed }
`,
    );
    expect(res.status).toBe(422);
    expect(res.body.detail).toEqual([
      { type: "invalid", loc: ["body", "customers", 1, "tax_id"], msg: "Invalid tax ID.", input: "12" },
    ]);
    expect(await stateOf(t.organizationId)).toBe(before);
    // A refused load does not move the ids the next one gets.
    const ok = await loadYaml(t.organizationId, "customers: [{ email: first@example.com }]");
    const fresh = tenant(ctx.emulator);
    await loadYaml(fresh.organizationId, CATALOG);
    const reference = await loadYaml(fresh.organizationId, "customers: [{ email: first@example.com }]");
    expect(ok.body.changed.customers[0].id).not.toBe(reference.body.changed.customers[0].id);
    expect(ok.body.changed.customers[0].created_at).toBe(reference.body.changed.customers[0].created_at);
  });

  it("refuses a YAML syntax error, a boot-only section and a body that is not a fixture", async () => {
    const t = tenant(ctx.emulator);
    const syntax = await loadYaml(t.organizationId, "customers: [\n  - email: a@example.com\n");
    expect(syntax.status).toBe(422);
    expect(syntax.body.detail[0]).toMatchObject({ type: "yaml_invalid", msg: "YAML decode error" });
    expect(syntax.body.detail[0].loc[0]).toBe("body");
    const tenants = await loadYaml(t.organizationId, "organizations: [{ customers: [] }]");
    expect(tenants.status).toBe(422);
    expect(tenants.body.detail[0].loc).toEqual(["body", "organizations"]);
    const scalar = await loadYaml(t.organizationId, "just text");
    expect(scalar.status).toBe(422);
    const missing = await ctx.http.post(`/_emulator/organizations/${t.organizationId}/fixtures`);
    expect(missing.status).toBe(422);
    expect(missing.body.detail[0]).toMatchObject({ type: "missing", loc: ["body"] });
    const wrongOrg = await loadYaml(
      t.organizationId,
      "organization: { id: 5b1f6a0e-2222-4a4a-8b8b-000000000000 }",
    );
    expect(wrongOrg.status).toBe(422);
    expect(wrongOrg.body.detail[0].loc).toEqual(["body", "organization", "id"]);
    expect(await stateOf(t.organizationId)).toContain('"customers":[]');
  });

  it("throws a FixtureError with every problem from startEmulator(): the shape first, then references", async () => {
    const dir = mkdtempSync(join(tmpdir(), "polar-fixture-"));
    const shape = join(dir, "shape.yaml");
    writeFileSync(
      shape,
      "customers:\n  - email: a@example.com\n    subscriptions: [{ product: pro, status: paused }]\n",
    );
    const failure = await startEmulator({ fixtures: [shape] }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(FixtureError);
    expect((failure as FixtureError).message).toBe(
      `[polar-emulator] ${shape} is not a valid fixture:\n` +
        "  /customers/0/subscriptions/0/status: Input should be 'active', 'trialing', 'past_due', 'canceling' or 'canceled'",
    );
    const references = join(dir, "references.yaml");
    writeFileSync(
      references,
      "customers:\n  - email: a@example.com\n    subscriptions: [{ product: pro }]\n    credits: [{ meter: calls, units: 5 }]\n",
    );
    const second = await startEmulator({ fixtures: [references] }).catch((error: unknown) => error);
    expect((second as FixtureError).problems.map((problem) => problem.path)).toEqual([
      ["customers", 0, "subscriptions", 0, "product"],
      ["customers", 0, "credits", 0, "meter"],
    ]);
    expect((second as FixtureError).message).toContain(
      '/customers/0/subscriptions/0/product: unknown product "pro"; no product key is defined',
    );
  });
});

describe("startEmulator()", () => {
  it("loads fixtures (YAML text or objects), snapshots, restores and resets in-process", async () => {
    const emulator = await startEmulator({ customers: 0 });
    try {
      // The boot fixtures' keys (the default scenario's `pro`) work in later loads.
      const loaded = emulator.loadFixture(
        "customers: [{ key: ann, email: ann@example.com, subscriptions: [{ product: pro }] }]",
      );
      expect(loaded.keys.customers).toEqual({ ann: expect.any(String) });
      expect(loaded.changed.subscriptions).toHaveLength(1);
      const tenantId = emulator.createOrganization().organizationId;
      const more = emulator.loadFixture(
        { ...parseYaml(CATALOG), customers: [{ email: "t@example.com" }] },
        tenantId,
      );
      expect(Object.keys(more.keys.products)).toEqual(["free", "pro", "team", "ebook"]);
      expect(more.organizationId).toBe(tenantId);
      const snapshot = emulator.snapshot();
      emulator.resetOrganization();
      const customers = () =>
        emulator.emulator.context.store.partition(emulator.organizationId).customers.size;
      expect(customers()).toBe(8);
      expect(emulator.restore(snapshot)).toEqual({ organizationId: emulator.organizationId, created: false });
      expect(customers()).toBe(9);
      expect(() => emulator.loadFixture("customers: [{ email: ann@example.com }]")).toThrow(
        "fixture is not a valid fixture:\n  /customers/0/email: A customer with this email address already exists.",
      );
      expect(() => emulator.restore({ ...snapshot, customers: "none" })).toThrow(
        "snapshot is not a valid snapshot:\n  /customers: Input should be a valid list",
      );
    } finally {
      await emulator.close();
    }
  });
});

describe("boot fixtures", () => {
  it("loads several files and directories in order, into the default organization", async () => {
    const dir = mkdtempSync(join(tmpdir(), "polar-fixtures-"));
    writeFileSync(
      join(dir, "b-customers.yaml"),
      "customers: [{ email: dir@example.com, subscriptions: [{ product: solo }] }]\n",
    );
    writeFileSync(
      join(dir, "a-catalog.json"),
      JSON.stringify({
        products: [
          {
            key: "solo",
            name: "Solo",
            recurring_interval: "month",
            prices: [{ amount_type: "fixed", price_amount: 500 }],
          },
        ],
      }),
    );
    writeFileSync(join(dir, "ignored.txt"), "not a fixture");
    const first = join(mkdtempSync(join(tmpdir(), "polar-fixtures-")), "org.yml");
    writeFileSync(
      first,
      "organization: { name: Custom Org, slug: custom }\ncustomers: [{ email: first@example.com }]\n",
    );
    const emulator = await startEmulator({ fixtures: [first, dir] });
    try {
      const http = supertest(emulator.url);
      const auth = { Authorization: `Bearer ${emulator.token}` };
      const customers = (await http.get("/v1/customers/?sorting=created_at").set(auth)).body.items;
      expect(customers.map((customer: Json) => customer.email)).toEqual([
        "first@example.com",
        "dir@example.com",
      ]);
      expect(emulator.emulator.organization.name).toBe("Custom Org");
      const subscriptions = (await http.get("/v1/subscriptions/").set(auth)).body.items;
      expect(subscriptions[0].product.name).toBe("Solo");
    } finally {
      await emulator.close();
    }
  });

  it("declares more organizations with fixed ids and tokens (the tenants example)", async () => {
    const emulator = await startEmulator({ fixtures: "fixtures/examples/tenants.yaml" });
    try {
      const http = supertest(emulator.url);
      const jobA = { Authorization: "Bearer polar_oat_CIjobAaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" };
      const readOnly = { Authorization: "Bearer polar_oat_CIjobBreadonlyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy" };
      const alice = (await http.get("/v1/customers/external/user_alice").set(jobA)).body;
      expect(alice).toMatchObject({
        id: "11111111-0000-4000-8000-00000000a11c",
        organization_id: "11111111-1111-4111-8111-111111111111",
      });
      const other = (await http.get("/v1/customers/external/user_alice").set(readOnly)).body;
      expect(other.organization_id).toBe("22222222-2222-4222-8222-222222222222");
      expect((await http.post("/v1/customers/").set(readOnly).send({ email: "x@example.com" })).status).toBe(
        403,
      );
      const organizations = (await http.get("/_emulator/organizations")).body.items;
      expect(organizations.map((organization: Json) => organization.name)).toEqual([
        "Shared default",
        "CI job A",
        "CI job B",
      ]);
      // Each resets to its boot state alone.
      await http.post("/v1/customers/").set(jobA).send({ email: "extra@a.example.com" });
      expect(
        (await http.post("/_emulator/organizations/11111111-1111-4111-8111-111111111111/reset")).status,
      ).toBe(200);
      expect((await http.get("/v1/customers/").set(jobA)).body.pagination.total_count).toBe(1);
    } finally {
      await emulator.close();
    }
  });

  it("restores a snapshot file given to --fixtures as it is", async () => {
    const { emulator } = ctx;
    const file = join(mkdtempSync(join(tmpdir(), "polar-snapshot-")), "state.json");
    writeFileSync(file, JSON.stringify(emulator.snapshot()));
    const before = (await ctx.http.get("/v1/subscriptions/?limit=100").set(ctx.auth())).text;
    const booted = await startEmulator({ seed: 5, fixtures: [file] });
    try {
      // The snapshot is of another organization than seed 5's default one: it is added beside it.
      const http = supertest(booted.url);
      expect((await http.get("/_emulator/organizations")).body.items).toHaveLength(2);
      expect((await http.get("/v1/subscriptions/?limit=100").set(ctx.auth())).text).toBe(before);
    } finally {
      await booted.close();
    }
  });

  it.each([
    "fixtures/examples/saas-seats.yaml",
    "fixtures/examples/usage-billing.yaml",
    "fixtures/examples/subscription-statuses.yaml",
  ])("loads the worked example %s", async (file) => {
    const emulator = await startEmulator({ fixtures: [file] });
    try {
      const http = supertest(emulator.url);
      const auth = { Authorization: `Bearer ${emulator.token}` };
      const subscriptions = (await http.get("/v1/subscriptions/?limit=100").set(auth)).body.items;
      expect(subscriptions.length).toBeGreaterThan(0);
      if (file.includes("usage")) {
        const heavy = (await http.get("/v1/customers/external/user_heavy/state").set(auth)).body;
        expect(heavy.active_meters.find((meter: Json) => meter.consumed_units === 150000)).toMatchObject({
          credited_units: 120000,
          balance: -30000,
        });
      }
      if (file.includes("statuses")) {
        const state = async (status: string) =>
          (await http.get(`/v1/customers/external/status_${status}/state`).set(auth)).body;
        expect((await state("active")).active_subscriptions[0].status).toBe("active");
        expect((await state("trialing")).active_subscriptions[0].status).toBe("trialing");
        expect((await state("canceling")).active_subscriptions[0].cancel_at_period_end).toBe(true);
        expect((await state("past_due")).active_subscriptions).toEqual([]);
        expect((await state("canceled")).active_subscriptions).toEqual([]);
        expect((await state("granted")).granted_benefits).toHaveLength(1);
      }
      if (file.includes("seats")) {
        const initech = (await http.get("/v1/customers/external/team_initech/state").set(auth)).body;
        expect(initech.granted_benefits.map((grant: Json) => grant.benefit_type).sort()).toEqual([
          "custom",
          "discord",
          "feature_flag",
          "feature_flag",
          "github_repository",
        ]);
        // Its seat, claimed by Peter, who holds the team's benefits too.
        const subscription = initech.active_subscriptions[0] as Json;
        const seats = await http.get(`/v1/customer-seats?subscription_id=${subscription.id}`).set(auth);
        expect(seats.body.seats).toHaveLength(1);
        const seat = seats.body.seats[0] as Json;
        expect(seat).toMatchObject({ status: "claimed", email: "peter@initech.example.com" });
        const peter = (await http.get(`/v1/customers/${String(seat.customer_id)}/state`).set(auth)).body;
        expect(peter.granted_benefits).toHaveLength(5);
      }
    } finally {
      await emulator.close();
    }
  });
});

describe("resetting one organization", () => {
  it("puts the default organization back to its boot fixtures, and leaves the others alone", async () => {
    const boot = (await ctx.http.get("/v1/customers/?limit=100").set(ctx.auth())).text;
    const t = tenant(ctx.emulator);
    await ctx.http.post("/v1/customers/").set(t.headers).send({ email: "stays@example.com" });
    await ctx.http.post("/v1/customers/").set(ctx.auth()).send({ email: "goes@example.com" });
    const res = await ctx.http.post(`/_emulator/organizations/${ctx.emulator.organizationId}/reset`);
    expect(res.status).toBe(200);
    expect(res.body.organization).toMatchObject({ id: ctx.emulator.organizationId, customers: 40 });
    expect(res.body.tokens.map((token: { token: string }) => token.token)).toEqual([ctx.emulator.token]);
    expect((await ctx.http.get("/v1/customers/?limit=100").set(ctx.auth())).text).toBe(boot);
    expect((await ctx.http.get("/v1/customers/").set(t.headers)).body.pagination.total_count).toBe(1);
  });

  it("empties an organization created through the control plane, and keeps its token", async () => {
    const t = tenant(ctx.emulator);
    await loadYaml(
      t.organizationId,
      `${CATALOG}\ncustomers: [{ email: c@example.com }]\ntokens: [{ comment: extra }]`,
    );
    const res = await ctx.http.post(`/_emulator/organizations/${t.organizationId}/reset`);
    expect(res.status).toBe(200);
    expect(res.body.counts).toEqual({
      meters: 0,
      benefits: 0,
      products: 0,
      discounts: 0,
      customers: 0,
      members: 0,
      payment_methods: 0,
      setup_intents: 0,
      customer_sessions: 0,
      subscriptions: 0,
      benefit_grants: 0,
      orders: 0,
      customer_seats: 0,
      refunds: 0,
      checkouts: 0,
      checkout_links: 0,
      license_keys: 0,
      license_key_activations: 0,
      customer_meters: 0,
      event_types: 0,
      events: 0,
      system_events: 0,
      email_verifications: 0,
      retry_payments: 0,
    });
    expect(res.body.tokens.map((token: { token: string }) => token.token)).toEqual([t.token]);
    expect((await ctx.http.get("/v1/customers/").set(t.headers)).status).toBe(200);
    // Its keys are gone too: `pro` means nothing until the catalog is loaded again.
    const again = await loadYaml(
      t.organizationId,
      "customers: [{ email: d@example.com, subscriptions: [{ product: pro }] }]",
    );
    expect(again.status).toBe(422);
  });

  it("answers 404 for an unknown organization and 422 for a malformed id", async () => {
    expect(
      (await ctx.http.post("/_emulator/organizations/5b1f6a0e-2222-4a4a-8b8b-000000000000/reset")).status,
    ).toBe(404);
    const malformed = await ctx.http.post("/_emulator/organizations/nope/reset");
    expect(malformed.status).toBe(422);
    expect(malformed.body.detail[0].loc).toEqual(["path", "organization_id"]);
  });
});
