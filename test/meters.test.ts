/** Meters and customer meters to the byte, over real HTTP, each test in its own organization. */
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestEmulator, tenant } from "./helpers.js";

let ctx: Awaited<ReturnType<typeof startTestEmulator>>;
beforeAll(async () => {
  ctx = await startTestEmulator();
});
afterAll(() => ctx.emulator.close());

type Headers = Record<string, string>;

const METER_KEYS = [
  "metadata",
  "created_at",
  "modified_at",
  "id",
  "name",
  "unit",
  "custom_label",
  "custom_multiplier",
  "filter",
  "aggregation",
  "organization_id",
  "archived_at",
];
const CUSTOMER_METER_KEYS = [
  "id",
  "created_at",
  "modified_at",
  "customer_id",
  "meter_id",
  "consumed_units",
  "credited_units",
  "balance",
  "customer",
  "meter",
];
const ISO_Z = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{6})?Z$/;
const NOT_FOUND = { error: "ResourceNotFound", detail: "Not found" };
const ALL = { conjunction: "and", clauses: [] };

async function createMeter(headers: Headers, body: Record<string, unknown>) {
  return ctx.http.post("/v1/meters/").set(headers).send(body);
}

async function meter(headers: Headers, name: string, extra: Record<string, unknown> = {}) {
  const res = await createMeter(headers, { name, filter: ALL, aggregation: { func: "count" }, ...extra });
  expect(res.status).toBe(201);
  return res.body as { id: string; name: string };
}

async function customer(headers: Headers, body: Record<string, unknown>) {
  const res = await ctx.http.post("/v1/customers/").set(headers).send(body);
  expect(res.status).toBe(201);
  return res.body as { id: string; external_id: string | null };
}

async function ingest(headers: Headers, events: Record<string, unknown>[]) {
  const res = await ctx.http.post("/v1/events/ingest").set(headers).send({ events });
  expect(res.status).toBe(200);
  return res.body;
}

async function get(headers: Headers, path: string) {
  return ctx.http.get(path).set(headers);
}

describe("meters:create", () => {
  it("answers 201 with every key in order, prefixes stripped and defaults filled", async () => {
    const { headers, organizationId } = tenant(ctx.emulator);
    const res = await createMeter(headers, {
      name: "LLM tokens",
      filter: {
        conjunction: "and",
        clauses: [
          { property: "name", operator: "eq", value: "llm.call", ignored: true },
          {
            conjunction: "or",
            clauses: [
              { property: "metadata.model", operator: "like", value: "gpt" },
              { property: "tokens", operator: "gte", value: 10 },
              { property: "beta", operator: "eq", value: true },
            ],
          },
        ],
      },
      aggregation: { func: "sum", property: "metadata._llm.total_tokens" },
      metadata: { team: "ai", version: 2 },
      unknown_key: "ignored",
    });
    expect(res.status).toBe(201);
    expect(Object.keys(res.body)).toEqual(METER_KEYS);
    expect(res.body).toEqual({
      metadata: { team: "ai", version: 2 },
      created_at: expect.stringMatching(ISO_Z),
      modified_at: null,
      id: expect.any(String),
      name: "LLM tokens",
      unit: "scalar",
      custom_label: null,
      custom_multiplier: null,
      filter: {
        conjunction: "and",
        clauses: [
          { property: "name", operator: "eq", value: "llm.call" },
          {
            conjunction: "or",
            clauses: [
              { property: "model", operator: "like", value: "gpt" },
              { property: "tokens", operator: "gte", value: 10 },
              { property: "beta", operator: "eq", value: true },
            ],
          },
        ],
      },
      aggregation: { func: "sum", property: "_llm.total_tokens" },
      organization_id: organizationId,
      archived_at: null,
    });
    const again = await get(headers, `/v1/meters/${res.body.id}`);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(res.body);
  });

  it("normalizes each aggregation and keeps custom units", async () => {
    const { headers } = tenant(ctx.emulator);
    const count = await createMeter(headers, {
      name: "Calls",
      filter: ALL,
      aggregation: { func: "count", property: "dropped" },
    });
    expect(count.body.aggregation).toEqual({ func: "count" });
    const unique = await createMeter(headers, {
      name: "Users",
      filter: ALL,
      aggregation: { func: "unique", property: "metadata.user" },
    });
    expect(unique.body.aggregation).toEqual({ func: "unique", property: "user" });
    const custom = await createMeter(headers, {
      name: "Requests",
      unit: "custom",
      custom_label: "request",
      custom_multiplier: 1000,
      filter: ALL,
      aggregation: { func: "max", property: "latency" },
    });
    expect(custom.body).toMatchObject({
      unit: "custom",
      custom_label: "request",
      custom_multiplier: 1000,
      aggregation: { func: "max", property: "latency" },
    });
    const token = await createMeter(headers, {
      name: "Tok",
      unit: "token",
      filter: ALL,
      aggregation: { func: "count" },
    });
    expect(token.status).toBe(201);
    expect(token.body).toMatchObject({ unit: "token", aggregation: { func: "count" } });
  });

  it("applies MeterCreate's custom-unit validator as a schema error on the whole body", async () => {
    const { headers } = tenant(ctx.emulator);
    const body = { name: "Custom", unit: "custom", filter: ALL, aggregation: { func: "count" } };
    const missing = await createMeter(headers, body);
    expect(missing.status).toBe(422);
    expect(missing.body).toEqual({
      error: "RequestValidationError",
      detail: [
        {
          type: "value_error",
          loc: ["body"],
          msg: "Value error, custom_label is required when unit is 'custom'.",
          input: body,
          ctx: { error: {} },
        },
      ],
    });
    const refused = await createMeter(headers, { ...body, unit: "scalar", custom_label: "x" });
    expect(refused.status).toBe(422);
    expect(refused.body.detail[0].msg).toBe(
      "Value error, custom_label and custom_multiplier are only allowed when unit is 'custom'.",
    );
    const list = await get(headers, "/v1/meters/");
    expect(list.body.pagination.total_count).toBe(0);
  });

  it("refuses organization_id with an organization token, and a short name", async () => {
    const { headers, organizationId } = tenant(ctx.emulator);
    const res = await createMeter(headers, {
      name: "Meter",
      filter: ALL,
      aggregation: { func: "count" },
      organization_id: organizationId,
    });
    expect(res.status).toBe(422);
    expect(res.body).toEqual({
      error: "PolarRequestValidationError",
      detail: [
        {
          type: "organization_token",
          loc: ["body", "organization_id"],
          msg: "Setting organization_id is disallowed when using an organization token.",
          input: organizationId,
        },
      ],
    });
    const short = await createMeter(headers, { name: "ab", filter: ALL, aggregation: { func: "count" } });
    expect(short.status).toBe(422);
    expect(short.body.detail[0]).toMatchObject({ type: "string_too_short", loc: ["body", "name"] });
    expect((await get(headers, "/v1/meters/")).body.pagination.total_count).toBe(0);
  });

  it("stamps modified_at when an already ingested event matches the new meter", async () => {
    const { headers } = tenant(ctx.emulator);
    await ingest(headers, [{ name: "early", external_customer_id: "nobody-yet" }]);
    const matching = await createMeter(headers, {
      name: "Early",
      filter: { conjunction: "and", clauses: [{ property: "name", operator: "eq", value: "early" }] },
      aggregation: { func: "count" },
    });
    expect(matching.body.modified_at).toMatch(ISO_Z);
    const other = await createMeter(headers, {
      name: "Late",
      filter: { conjunction: "and", clauses: [{ property: "name", operator: "eq", value: "late" }] },
      aggregation: { func: "count" },
    });
    expect(other.body.modified_at).toBeNull();
  });
});

describe("meters:get", () => {
  it("is 404 for an unknown id and for another organization's meter", async () => {
    const a = tenant(ctx.emulator);
    const b = tenant(ctx.emulator);
    const m = await meter(a.headers, "Mine");
    const foreign = await get(b.headers, `/v1/meters/${m.id}`);
    expect(foreign.status).toBe(404);
    expect(foreign.body).toEqual(NOT_FOUND);
    const unknown = await get(a.headers, "/v1/meters/6f1b5c4e-0000-4000-8000-000000000000");
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual(NOT_FOUND);
    const bad = await get(a.headers, "/v1/meters/not-a-uuid");
    expect(bad.status).toBe(422);
    expect(bad.body.detail[0]).toMatchObject({ type: "uuid_parsing", loc: ["path", "id"] });
  });
});

describe("meters:list", () => {
  it("sorts by name by default, filters by query, metadata and archived state, paginates", async () => {
    const { headers, organizationId } = tenant(ctx.emulator);
    await meter(headers, "charlie calls", { metadata: { tier: "pro", seats: 3 } });
    await sleep(3);
    await meter(headers, "alpha tokens", { metadata: { tier: "free" } });
    await sleep(3);
    await meter(headers, "bravo_storage", { metadata: { tier: "pro" } });
    const names = async (query: string) =>
      (await get(headers, `/v1/meters/${query}`)).body.items.map((item: { name: string }) => item.name);

    expect(await names("")).toEqual(["alpha tokens", "bravo_storage", "charlie calls"]);
    expect(await names("?sorting=-name")).toEqual(["charlie calls", "bravo_storage", "alpha tokens"]);
    expect(await names("?sorting=created_at")).toEqual(["charlie calls", "alpha tokens", "bravo_storage"]);
    expect(await names("?sorting=-created_at")).toEqual(["bravo_storage", "alpha tokens", "charlie calls"]);
    expect(await names("?query=TOKEN")).toEqual(["alpha tokens"]);
    // ILIKE without escaping: `_` is any one character, `%` any run.
    expect(await names("?query=o_s")).toEqual(["bravo_storage"]);
    expect(await names("?query=a%25s")).toEqual(["alpha tokens", "bravo_storage", "charlie calls"]);
    expect(await names("?metadata[tier]=pro")).toEqual(["bravo_storage", "charlie calls"]);
    expect(await names("?metadata[tier]=pro&metadata[seats]=3")).toEqual(["charlie calls"]);
    expect(await names("?metadata[tier]=free&metadata[tier]=pro&sorting=-name")).toEqual([
      "charlie calls",
      "bravo_storage",
      "alpha tokens",
    ]);
    expect(await names("?is_archived=false")).toHaveLength(3);
    expect(await names("?is_archived=true")).toEqual([]);

    const page = await get(headers, "/v1/meters/?limit=2&page=2");
    expect(page.body.pagination).toEqual({ total_count: 3, max_page: 2 });
    expect(page.body.items.map((item: { name: string }) => item.name)).toEqual(["charlie calls"]);
    expect(Object.keys(page.body.items[0])).toEqual(METER_KEYS);

    const own = await get(headers, `/v1/meters/?organization_id=${organizationId}`);
    expect(own.body.pagination.total_count).toBe(3);
    const foreign = await get(headers, `/v1/meters/?organization_id=${ctx.emulator.organizationId}`);
    expect(foreign.body).toEqual({ items: [], pagination: { total_count: 0, max_page: 0 } });
    const bad = await get(headers, "/v1/meters/?sorting=meter_name");
    expect(bad.status).toBe(422);
    expect(bad.body.detail[0]).toMatchObject({ type: "enum", loc: ["query", "sorting", 0] });
  });
});

describe("customer_meters", () => {
  it("gets one with its customer and meter, 404 for unknown or foreign ids", async () => {
    const { headers } = tenant(ctx.emulator);
    const m = await meter(headers, "Calls");
    const c = await customer(headers, { email: "cm@example.com", external_id: "cm_1" });
    await ingest(headers, [{ name: "call", customer_id: c.id }]);
    const listed = await get(headers, "/v1/customer-meters/");
    expect(listed.status).toBe(200);
    expect(listed.body.pagination).toEqual({ total_count: 1, max_page: 1 });
    const item = listed.body.items[0];
    expect(Object.keys(item)).toEqual(CUSTOMER_METER_KEYS);
    expect(item).toMatchObject({
      customer_id: c.id,
      meter_id: m.id,
      consumed_units: 1,
      credited_units: 0,
      balance: -1,
    });
    expect(item.created_at).toMatch(ISO_Z);
    expect(item.modified_at).toMatch(ISO_Z);
    expect(item.customer).toEqual((await get(headers, `/v1/customers/${c.id}`)).body);
    expect(item.meter).toEqual((await get(headers, `/v1/meters/${m.id}`)).body);

    const one = await get(headers, `/v1/customer-meters/${item.id}`);
    expect(one.status).toBe(200);
    expect(one.body).toEqual(item);

    const other = tenant(ctx.emulator);
    const foreign = await get(other.headers, `/v1/customer-meters/${item.id}`);
    expect(foreign.status).toBe(404);
    expect(foreign.body).toEqual(NOT_FOUND);
    const unknown = await get(headers, "/v1/customer-meters/6f1b5c4e-0000-4000-8000-000000000000");
    expect(unknown.body).toEqual(NOT_FOUND);
    expect((await get(other.headers, "/v1/customer-meters/")).body).toEqual({
      items: [],
      pagination: { total_count: 0, max_page: 0 },
    });
  });

  it("filters by customer, external customer id and meter, and sorts by every property", async () => {
    const { headers } = tenant(ctx.emulator);
    const calls = await meter(headers, "calls");
    const bytes = await meter(headers, "bytes", {
      aggregation: { func: "sum", property: "bytes" },
    });
    const ann = await customer(headers, { email: "ann@example.com", name: "Ann", external_id: "ann" });
    const bob = await customer(headers, { email: "bob@example.com", name: "Bob" });
    await ingest(headers, [
      { name: "x", customer_id: ann.id, metadata: { bytes: 500 } },
      { name: "x", customer_id: ann.id, metadata: { bytes: 100 } },
    ]);
    await sleep(3);
    await ingest(headers, [{ name: "x", customer_id: bob.id, metadata: { bytes: 50 } }]);
    // Four customer meters: ann/calls 2, ann/bytes 600, bob/calls 1, bob/bytes 50.
    type Item = { customer_id: string; meter_id: string; consumed_units: number };
    const rows = async (query: string) =>
      (await get(headers, `/v1/customer-meters/${query}`)).body.items.map(
        (item: Item) =>
          `${item.customer_id === ann.id ? "ann" : "bob"}/${item.meter_id === calls.id ? "calls" : "bytes"}`,
      );

    // Default -modified_at: bob's (later) first.
    expect((await rows("")).slice(0, 2).sort()).toEqual(["bob/bytes", "bob/calls"]);
    expect(await rows("?sorting=consumed_units")).toEqual([
      "bob/calls",
      "ann/calls",
      "bob/bytes",
      "ann/bytes",
    ]);
    expect(await rows("?sorting=balance")).toEqual(["ann/bytes", "bob/bytes", "ann/calls", "bob/calls"]);
    expect(await rows("?sorting=-customer_name&sorting=meter_name")).toEqual([
      "bob/bytes",
      "bob/calls",
      "ann/bytes",
      "ann/calls",
    ]);
    expect(await rows("?sorting=credited_units&sorting=-consumed_units")).toEqual([
      "ann/bytes",
      "bob/bytes",
      "ann/calls",
      "bob/calls",
    ]);
    expect((await rows(`?customer_id=${bob.id}&sorting=meter_name`)).sort()).toEqual([
      "bob/bytes",
      "bob/calls",
    ]);
    expect((await rows("?external_customer_id=ann&sorting=meter_name")).sort()).toEqual([
      "ann/bytes",
      "ann/calls",
    ]);
    expect(await rows("?external_customer_id=nobody")).toEqual([]);
    expect(await rows(`?meter_id=${bytes.id}&sorting=-consumed_units`)).toEqual(["ann/bytes", "bob/bytes"]);
    expect(await rows(`?meter_id=${bytes.id}&meter_id=${calls.id}&customer_id=${ann.id}`)).toHaveLength(2);
    const page = await get(headers, "/v1/customer-meters/?limit=3&page=2&sorting=consumed_units");
    expect(page.body.pagination).toEqual({ total_count: 4, max_page: 2 });
    expect(page.body.items).toHaveLength(1);
    expect(page.body.items[0].consumed_units).toBe(600);
  });
});
