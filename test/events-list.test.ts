/**
 * `GET /v1/events/`, `GET /v1/events/{id}` and `GET /v1/events/names`: the shapes of usage and
 * system events (customer embedded, labels, `child_count`, parents), every filter with the events
 * store's semantics, sorting, pagination, and Polar's errors. Over real HTTP, with a clock that
 * stands still, each test in its own organization.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FixedClock } from "../src/index.js";
import { startTestEmulator, tenant } from "./helpers.js";

const NOW = new Date("2026-03-01T12:00:00.000Z");
const clock = new FixedClock(NOW);
let ctx: Awaited<ReturnType<typeof startTestEmulator>>;
beforeAll(async () => {
  ctx = await startTestEmulator({ clock });
});
afterAll(() => ctx.emulator.close());

type Headers = Record<string, string>;
type Json = Record<string, unknown>;
const UNKNOWN_ID = "6f1b5c4e-0000-4000-8000-000000000000";

/** An organization with a customer (external id `ext_a`) and the customer.created event it records. */
async function setup() {
  clock.set(NOW);
  const t = tenant(ctx.emulator);
  const customer = await ctx.http
    .post("/v1/customers/")
    .set(t.headers)
    .send({ email: "alice@example.com", name: "Alice", external_id: "ext_a" });
  expect(customer.status).toBe(201);
  return { ...t, customerId: customer.body.id as string };
}

async function ingest(headers: Headers, events: Json[]) {
  const res = await ctx.http.post("/v1/events/ingest").set(headers).send({ events });
  expect(res.status, res.text).toBe(200);
  return res.body;
}

async function list(headers: Headers, query = "") {
  const res = await ctx.http.get(`/v1/events/${query}`).set(headers);
  expect(res.status, res.text).toBe(200);
  return res.body as { items: Json[]; pagination: { total_count: number; max_page: number } };
}

const names = (body: { items: Json[] }) => body.items.map((item) => item.name);

describe("the event objects", () => {
  it("lists usage events and system events in Polar's shapes, newest first", async () => {
    const t = await setup();
    await ingest(t.headers, [
      {
        name: "llm.call",
        customer_id: t.customerId,
        timestamp: "2026-03-01T10:00:00Z",
        external_id: "call-1",
        metadata: {
          zeta: "z",
          a: 1,
          _llm: { vendor: "openai", model: "gpt", input_tokens: 1, output_tokens: 2, total_tokens: 3 },
          _cost: { amount: 12, currency: "usd" },
        },
      },
      {
        name: "llm.call",
        external_customer_id: "ext_a",
        external_member_id: "member-9",
        timestamp: "2026-03-01T11:00:00Z",
      },
    ]);
    const body = await list(t.headers);
    expect(body.pagination).toEqual({ total_count: 3, max_page: 1 });
    const [created, external, byId] = body.items;
    expect(Object.keys(byId)).toEqual([
      "id",
      "timestamp",
      "organization_id",
      "customer_id",
      "customer",
      "external_customer_id",
      "member_id",
      "external_member_id",
      "child_count",
      "parent_id",
      "label",
      "name",
      "source",
      "metadata",
    ]);
    expect(byId).toMatchObject({
      timestamp: "2026-03-01T10:00:00Z",
      organization_id: t.organizationId,
      customer_id: t.customerId,
      external_customer_id: null,
      member_id: null,
      external_member_id: null,
      child_count: 0,
      parent_id: null,
      label: "llm.call",
      source: "user",
    });
    // `_cost` and `_llm` first, in their TypedDicts' order; the rest as jsonb keeps keys.
    expect(JSON.stringify(byId.metadata)).toBe(
      JSON.stringify({
        _cost: { amount: "12.0", currency: "usd" },
        _llm: {
          vendor: "openai",
          model: "gpt",
          prompt: null,
          response: null,
          input_tokens: 1,
          output_tokens: 2,
          total_tokens: 3,
        },
        a: 1,
        zeta: "z",
      }),
    );
    expect((byId.customer as Json).id).toBe(t.customerId);
    // Ingested by external id: no customer_id, but the customer who has it now.
    expect(external).toMatchObject({
      customer_id: null,
      external_customer_id: "ext_a",
      external_member_id: "member-9",
      metadata: {},
    });
    expect((external.customer as Json).id).toBe(t.customerId);
    expect(Object.keys(created).slice(10)).toEqual(["label", "source", "name", "metadata"]);
    expect(created).toMatchObject({
      timestamp: "2026-03-01T12:00:00Z",
      customer_id: t.customerId,
      label: "Customer Created",
      source: "system",
      name: "customer.created",
      metadata: {
        customer_id: t.customerId,
        customer_email: "alice@example.com",
        customer_name: "Alice",
        customer_external_id: "ext_a",
      },
    });
    const one = await ctx.http.get(`/v1/events/${byId.id}`).set(t.headers);
    expect(one.status).toBe(200);
    expect(one.body).toEqual(byId);
  });

  it("records system events for customer updates and deletions, subscriptions, grants and meter credits", async () => {
    const t = await setup();
    const meter = await ctx.http
      .post("/v1/meters/")
      .set(t.headers)
      .send({ name: "calls", filter: { conjunction: "and", clauses: [] }, aggregation: { func: "count" } });
    const benefit = await ctx.http
      .post("/v1/benefits/")
      .set(t.headers)
      .send({
        type: "meter_credit",
        description: "Credits",
        properties: { meter_id: meter.body.id, units: 10, rollover: false },
      });
    expect(benefit.status, benefit.text).toBe(201);
    const product = await ctx.http
      .post("/v1/products/")
      .set(t.headers)
      .send({
        name: "Pro",
        recurring_interval: "month",
        prices: [{ amount_type: "fixed", price_amount: 1000 }],
      });
    await ctx.http
      .post(`/v1/products/${product.body.id}/benefits`)
      .set(t.headers)
      .send({ benefits: [benefit.body.id] });
    await ctx.http
      .patch(`/v1/customers/${t.customerId}`)
      .set(t.headers)
      .send({ name: "Alice B", metadata: { b: 1, a: "x" } });
    const started = await ctx.http
      .post("/_emulator/subscriptions")
      .send({ customer_id: t.customerId, product_id: product.body.id });
    expect(started.status, started.text).toBe(201);
    const subscriptionId = started.body.subscription.id;
    await ctx.http.post(`/_emulator/subscriptions/${subscriptionId}/cancel`);
    await ctx.http.post(`/_emulator/subscriptions/${subscriptionId}/uncancel`);
    await ctx.http.post(`/_emulator/subscriptions/${subscriptionId}/past_due`);
    await ctx.http.post(`/_emulator/subscriptions/${subscriptionId}/recover`);
    await ctx.http.post(`/_emulator/subscriptions/${subscriptionId}/renew`);
    await ctx.http.delete(`/v1/customers/${t.customerId}`).set(t.headers);

    const body = await list(t.headers, "?limit=100&sorting=timestamp");
    expect(names(body)).toEqual([
      "customer.created",
      "customer.updated",
      "subscription.created",
      // The started subscription's first order, paid.
      "order.paid",
      "meter.credited",
      "benefit.granted",
      "subscription.canceled",
      "subscription.uncanceled",
      "subscription.past_due",
      "meter.credited",
      "benefit.revoked",
      "subscription.reactivated",
      "meter.credited",
      "benefit.granted",
      "subscription.cycled",
      // The renewal's order, paid.
      "order.paid",
      "meter.reset",
      "meter.credited",
      "benefit.cycled",
      "subscription.canceled",
      "subscription.revoked",
      "meter.credited",
      "benefit.revoked",
      "customer.deleted",
    ]);
    const byName = (name: string) => body.items.find((item) => item.name === name) as Json;
    expect(byName("customer.updated").metadata).toEqual({
      customer_id: t.customerId,
      customer_email: "alice@example.com",
      customer_name: "Alice B",
      customer_external_id: "ext_a",
      updated_fields: { name: "Alice B", metadata: { a: "x", b: 1 } },
    });
    expect(JSON.stringify((byName("customer.updated").metadata as Json).updated_fields)).toBe(
      '{"name":"Alice B","metadata":{"a":"x","b":1}}',
    );
    expect(byName("meter.credited").metadata).toEqual({
      meter_id: meter.body.id,
      units: 10,
      rollover: false,
    });
    expect(byName("benefit.granted").metadata).toEqual({
      benefit_id: benefit.body.id,
      benefit_grant_id: expect.any(String),
      benefit_type: "meter_credit",
    });
    expect(Object.keys(byName("subscription.created").metadata as Json)).toEqual([
      "subscription_id",
      "product_id",
      "amount",
      "currency",
      "recurring_interval",
      "recurring_interval_count",
      "started_at",
    ]);
    expect((byName("subscription.created").metadata as Json).started_at).toBe("2026-03-01T12:00:00+00:00");
    expect(byName("subscription.canceled").metadata).toEqual({
      subscription_id: subscriptionId,
      product_id: product.body.id,
      amount: 1000,
      currency: "usd",
      recurring_interval: "month",
      recurring_interval_count: 1,
      canceled_at: "2026-03-01T12:00:00+00:00",
      ends_at: expect.any(String),
      cancel_at_period_end: true,
    });
    expect(Object.keys(byName("subscription.past_due").metadata as Json).slice(0, 3)).toEqual([
      "subscription_id",
      "product_id",
      "past_due_at",
    ]);
    // A deleted customer keeps its external id in the event, and is embedded as deleted.
    const deleted = body.items.at(-1) as Json;
    expect((deleted.metadata as Json).customer_external_id).toBe("ext_a");
    expect((deleted.customer as Json).deleted_at).toBe("2026-03-01T12:00:00Z");
    expect(body.items.every((item) => item.label !== item.name)).toBe(true);
  });
});

describe("parents", () => {
  it("links children to parents by external id or id, counts descendants, and hides orphans", async () => {
    const t = await setup();
    await ingest(t.headers, [
      { name: "run", customer_id: t.customerId, external_id: "run-1", timestamp: "2026-03-01T09:00:00Z" },
      {
        name: "step",
        customer_id: t.customerId,
        external_id: "step-1",
        parent_id: "run-1",
        timestamp: "2026-03-01T09:01:00Z",
      },
      { name: "tool", customer_id: t.customerId, parent_id: "step-1", timestamp: "2026-03-01T09:02:00Z" },
      {
        name: "late",
        customer_id: t.customerId,
        parent_id: "arrives-later",
        timestamp: "2026-03-01T09:03:00Z",
      },
    ]);
    let body = await list(t.headers, "?name=run&name=step&name=tool&name=late");
    expect(names(body)).toEqual(["tool", "step", "run"]);
    const run = body.items[2];
    const step = body.items[1];
    expect(run.child_count).toBe(2);
    expect(step.child_count).toBe(1);
    expect(step.parent_id).toBe(run.id);
    expect(body.items[0].parent_id).toBe(step.id);
    // An event whose parent has not arrived is nowhere yet.
    const hidden = ctx.emulator.emulator.context.store
      .partition(t.organizationId)
      .usage.events.find((event) => event.name === "late");
    expect((await ctx.http.get(`/v1/events/${hidden?.id}`).set(t.headers)).status).toBe(404);

    await ingest(t.headers, [
      {
        name: "run",
        customer_id: t.customerId,
        external_id: "arrives-later",
        timestamp: "2026-03-01T09:04:00Z",
      },
      {
        name: "child-by-id",
        customer_id: t.customerId,
        parent_id: String(run.id).toUpperCase(),
        timestamp: "2026-03-01T09:05:00Z",
      },
    ]);
    body = await list(t.headers, "?name=late&name=child-by-id");
    expect(names(body)).toEqual(["child-by-id", "late"]);
    expect(body.items[0].parent_id).toBe(run.id);

    expect(names(await list(t.headers, "?depth=0&source=user"))).toEqual(["run", "run"]);
    expect(names(await list(t.headers, `?parent_id=${run.id}`))).toEqual(["child-by-id", "step"]);
    expect(names(await list(t.headers, `?parent_id=${run.id}&depth=2`))).toEqual([
      "child-by-id",
      "tool",
      "step",
    ]);
    expect(names(await list(t.headers, `?parent_id=${run.id}&depth=1`))).toEqual(["child-by-id", "step"]);
    expect(names(await list(t.headers, "?depth=1&source=user"))).toEqual([
      "child-by-id",
      "run",
      "late",
      "step",
      "run",
    ]);
    // `GET` counts no children.
    expect((await ctx.http.get(`/v1/events/${run.id}`).set(t.headers)).body.child_count).toBe(0);
  });
});

describe("filters", () => {
  async function seeded() {
    const t = await setup();
    await ingest(t.headers, [
      {
        name: "a",
        customer_id: t.customerId,
        timestamp: "2026-03-01T08:00:00Z",
        metadata: { n: 5, s: "x", flag: true },
      },
      {
        name: "b",
        external_customer_id: "ext_a",
        timestamp: "2026-03-01T09:00:00Z",
        metadata: { s: "yx", _cost: { amount: 0.5, currency: "usd" } },
      },
      { name: "c", external_customer_id: "someone", timestamp: "2026-03-01T10:00:00Z", metadata: { n: 7 } },
    ]);
    return t;
  }

  it("filters by time (exclusive), name, source, customer and external customer", async () => {
    const t = await seeded();
    expect(names(await list(t.headers, "?source=user&start_timestamp=2026-03-01T08:00:00Z"))).toEqual([
      "c",
      "b",
    ]);
    expect(names(await list(t.headers, "?source=user&end_timestamp=2026-03-01T10:00:00%2B00:00"))).toEqual([
      "b",
      "a",
    ]);
    expect(names(await list(t.headers, "?name=a&name=c"))).toEqual(["c", "a"]);
    expect(names(await list(t.headers, "?source=system"))).toEqual(["customer.created"]);
    // A customer's events: by its id, and by the external id it has.
    expect(names(await list(t.headers, `?customer_id=${t.customerId}`))).toEqual([
      "customer.created",
      "b",
      "a",
    ]);
    expect(names(await list(t.headers, "?external_customer_id=ext_a"))).toEqual([
      "customer.created",
      "b",
      "a",
    ]);
    expect(names(await list(t.headers, "?external_customer_id=someone"))).toEqual(["c"]);
    expect(names(await list(t.headers, `?customer_id=${UNKNOWN_ID}`))).toEqual([]);
    // Another organization's id reads nothing.
    expect(await list(t.headers, `?organization_id=${UNKNOWN_ID}`)).toEqual({
      items: [],
      pagination: { total_count: 0, max_page: 0 },
    });
  });

  it("filters by filter clauses and metadata as the events store does", async () => {
    const t = await seeded();
    const filter = (clauses: Json[], conjunction = "and") =>
      `?source=user&filter=${encodeURIComponent(JSON.stringify({ conjunction, clauses }))}`;
    expect(names(await list(t.headers, filter([{ property: "n", operator: "gt", value: 5 }])))).toEqual([
      "c",
    ]);
    // A missing number reads as 0, a missing text as '': they match `lt` and `ne`.
    expect(names(await list(t.headers, filter([{ property: "n", operator: "lt", value: 6 }])))).toEqual([
      "b",
      "a",
    ]);
    expect(names(await list(t.headers, filter([{ property: "s", operator: "ne", value: "x" }])))).toEqual([
      "c",
      "b",
    ]);
    expect(
      names(await list(t.headers, filter([{ property: "metadata.s", operator: "like", value: "x" }]))),
    ).toEqual(["b", "a"]);
    expect(names(await list(t.headers, filter([{ property: "flag", operator: "eq", value: true }])))).toEqual(
      ["a"],
    );
    expect(
      names(await list(t.headers, filter([{ property: "_cost.amount", operator: "gte", value: 0 }]))),
    ).toEqual(["b"]);
    expect(
      names(
        await list(
          t.headers,
          filter(
            [
              { property: "name", operator: "eq", value: "a" },
              { property: "name", operator: "eq", value: "c" },
            ],
            "or",
          ),
        ),
      ),
    ).toEqual(["c", "a"]);
    expect(names(await list(t.headers, "?source=user&metadata[s]=x&metadata[s]=yx"))).toEqual(["b", "a"]);
    // Only text values compare: a number in the metadata is not `5`.
    expect(names(await list(t.headers, "?source=user&metadata[n]=5"))).toEqual([]);
  });

  it("filters by a meter: its filter, and a number in its aggregated property", async () => {
    const t = await seeded();
    const meter = await ctx.http
      .post("/v1/meters/")
      .set(t.headers)
      .send({
        name: "numbers",
        filter: { conjunction: "and", clauses: [{ property: "name", operator: "ne", value: "b" }] },
        aggregation: { func: "sum", property: "n" },
      });
    expect(meter.status, meter.text).toBe(201);
    expect(names(await list(t.headers, `?meter_id=${meter.body.id}`))).toEqual(["c", "a"]);
    const res = await ctx.http.get(`/v1/events/?meter_id=${UNKNOWN_ID}`).set(t.headers);
    expect(res.status).toBe(422);
    expect(res.body).toEqual({
      error: "PolarRequestValidationError",
      detail: [{ type: "meter_id", loc: ["query", "meter_id"], msg: "Meter not found.", input: UNKNOWN_ID }],
    });
    // No organization left to read: no meter to look for.
    expect((await list(t.headers, `?meter_id=${UNKNOWN_ID}&organization_id=${UNKNOWN_ID}`)).items).toEqual(
      [],
    );
  });

  it("searches names, sources, metadata and customers with `query`, only with an organization_id filter", async () => {
    const t = await seeded();
    const org = `organization_id=${t.organizationId}`;
    expect(names(await list(t.headers, `?${org}&query=ALICE`))).toEqual(["customer.created", "b", "a"]);
    expect(names(await list(t.headers, `?${org}&query=${encodeURIComponent('"yx"')}`))).toEqual(["b"]);
    expect(names(await list(t.headers, `?${org}&query=syst`))).toEqual(["customer.created"]);
    const without = await ctx.http.get("/v1/events/?query=alice").set(t.headers);
    expect(without.status).toBe(422);
    expect(without.text).toBe(
      '{"error":"RequestValidationError","detail":[{"type":"value_error","msg":"Query is only supported when organization_id is provided.","loc":["query","query"],"input":"alice"}]}',
    );
    const short = await ctx.http.get(`/v1/events/?${org}&query=al`).set(t.headers);
    expect(short.text).toBe(
      '{"error":"RequestValidationError","detail":[{"type":"query","msg":"Query must be at least 3 characters.","loc":["query","query"],"input":"al"}]}',
    );
  });

  it("sorts by timestamp in the first criterion's direction and paginates", async () => {
    const t = await seeded();
    expect(names(await list(t.headers, "?sorting=timestamp&sorting=-timestamp"))).toEqual([
      "a",
      "b",
      "c",
      "customer.created",
    ]);
    const page = await list(t.headers, "?limit=3&page=2");
    expect(page).toMatchObject({ pagination: { total_count: 4, max_page: 2 } });
    expect(names(page)).toEqual(["a"]);
    expect((await list(t.headers, "?limit=3&page=3")).items).toEqual([]);
  });
});

describe("errors", () => {
  it("answers the filter's JSON errors as pydantic gives them, url included", async () => {
    const t = await setup();
    const res = await ctx.http
      .get(`/v1/events/?filter=${encodeURIComponent('{"conjunction":"and","clauses":[{}]')}`)
      .set(t.headers);
    expect(res.status).toBe(422);
    expect(res.body.detail).toEqual([
      {
        type: "json_invalid",
        loc: [],
        msg: "Invalid JSON: EOF while parsing an object at line 1 column 35",
        input: '{"conjunction":"and","clauses":[{}]',
        ctx: { error: "EOF while parsing an object at line 1 column 35" },
        url: "https://errors.pydantic.dev/2.13/v/json_invalid",
      },
    ]);
    const invalid = await ctx.http
      .get(
        `/v1/events/?filter=${encodeURIComponent('{"conjunction":"xor","clauses":[{"property":"a","operator":"eq","value":1.5}]}')}`,
      )
      .set(t.headers);
    expect(
      invalid.body.detail.map((detail: Json) => [detail.type, (detail.loc as unknown[]).join(".")]),
    ).toEqual([
      ["enum", "conjunction"],
      ["string_type", "clauses.0.FilterClause.value.constrained-str"],
      ["int_from_float", "clauses.0.FilterClause.value.constrained-int"],
      ["bool_type", "clauses.0.FilterClause.value.bool"],
      ["missing", "clauses.0.Filter.conjunction"],
      ["missing", "clauses.0.Filter.clauses"],
    ]);
  });

  it("answers 404 for an unknown or another organization's event, 422 for a bad id or depth", async () => {
    const t = await setup();
    const other = await setup();
    const event = (await list(other.headers)).items[0];
    expect((await ctx.http.get(`/v1/events/${event.id}`).set(t.headers)).body).toEqual({
      error: "ResourceNotFound",
      detail: "Not found",
    });
    expect((await ctx.http.get(`/v1/events/${UNKNOWN_ID}`).set(t.headers)).status).toBe(404);
    expect((await ctx.http.get("/v1/events/ingest").set(t.headers)).status).toBe(422);
    const depth = await ctx.http.get("/v1/events/?depth=6").set(t.headers);
    expect(depth.body.detail[0]).toMatchObject({ type: "less_than_equal", loc: ["query", "depth"] });
    const naive = await ctx.http.get("/v1/events/?start_timestamp=2026-03-01T00:00:00").set(t.headers);
    expect(naive.body.detail[0]).toMatchObject({ type: "timezone_aware", loc: ["query", "start_timestamp"] });
  });

  it("needs events:read or events:write", async () => {
    const t = tenant(ctx.emulator, ["customers:read"]);
    for (const path of ["/v1/events/", "/v1/events/names", `/v1/events/${UNKNOWN_ID}`]) {
      const res = await ctx.http.get(path).set(t.headers);
      expect(res.status).toBe(403);
      expect(res.headers["www-authenticate"]).toContain('scope="events:read events:write"');
    }
    const reader = tenant(ctx.emulator, ["events:read"]);
    expect((await ctx.http.get("/v1/events/").set(reader.headers)).status).toBe(200);
  });
});

describe("event names", () => {
  it("counts each name and source, with first and last seen, sorted and filtered", async () => {
    const t = await setup();
    await ingest(t.headers, [
      { name: "api.call", customer_id: t.customerId, timestamp: "2026-03-01T08:00:00Z" },
      { name: "api.call", external_customer_id: "ext_a", timestamp: "2026-03-01T09:00:00Z" },
      { name: "customer.created", external_customer_id: "nobody", timestamp: "2026-03-01T07:00:00Z" },
    ]);
    const res = await ctx.http.get("/v1/events/names").set(t.headers);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      items: [
        {
          name: "customer.created",
          label: "Customer Created",
          source: "system",
          occurrences: 1,
          first_seen: "2026-03-01T12:00:00Z",
          last_seen: "2026-03-01T12:00:00Z",
        },
        {
          name: "api.call",
          label: "api.call",
          source: "user",
          occurrences: 2,
          first_seen: "2026-03-01T08:00:00Z",
          last_seen: "2026-03-01T09:00:00Z",
        },
        {
          name: "customer.created",
          label: "customer.created",
          source: "user",
          occurrences: 1,
          first_seen: "2026-03-01T07:00:00Z",
          last_seen: "2026-03-01T07:00:00Z",
        },
      ],
      pagination: { total_count: 3, max_page: 1 },
    });
    const byOccurrences = await ctx.http.get("/v1/events/names?sorting=-occurrences&limit=1").set(t.headers);
    expect(byOccurrences.body.items.map((item: Json) => item.name)).toEqual(["api.call"]);
    expect(byOccurrences.body.pagination).toEqual({ total_count: 3, max_page: 3 });
    const filtered = await ctx.http.get("/v1/events/names?source=user&query=CALL").set(t.headers);
    expect(filtered.body.items.map((item: Json) => item.name)).toEqual(["api.call"]);
    const nobody = await ctx.http.get("/v1/events/names?external_customer_id=nobody").set(t.headers);
    expect(nobody.body.items.map((item: Json) => [item.name, item.source])).toEqual([
      ["customer.created", "user"],
    ]);
    const bad = await ctx.http.get("/v1/events/names?sorting=label").set(t.headers);
    expect(bad.status).toBe(422);
    expect(bad.body.detail[0]).toMatchObject({ type: "enum", loc: ["query", "sorting", 0] });
  });
});
