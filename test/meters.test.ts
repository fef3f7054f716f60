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

async function patchMeter(headers: Headers, id: string, body: unknown) {
  return ctx.http
    .patch(`/v1/meters/${id}`)
    .set(headers)
    .send(body as object);
}

const LLM = { conjunction: "and", clauses: [{ property: "name", operator: "eq", value: "llm" }] };

describe("meters:update", () => {
  it("writes the fields sent; Polar answers with the modified_at it read, the change is stored", async () => {
    const { headers, organizationId } = tenant(ctx.emulator);
    const m = await meter(headers, "Calls", { metadata: { team: "core" } });
    const after = ctx.emulator.emulator.context.events.lastId();
    const res = await patchMeter(headers, m.id, {
      name: "API calls",
      unit: "custom",
      custom_label: "call",
      custom_multiplier: 1000,
      metadata: { team: "platform" },
    });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body)).toEqual(METER_KEYS);
    expect(res.body).toMatchObject({
      name: "API calls",
      unit: "custom",
      custom_label: "call",
      custom_multiplier: 1000,
      metadata: { team: "platform" },
      modified_at: null,
      archived_at: null,
    });
    const stored = (await get(headers, `/v1/meters/${m.id}`)).body;
    expect(stored.modified_at).toMatch(ISO_Z);
    expect({ ...stored, modified_at: null }).toEqual(res.body);
    // Meters send no webhook.
    expect(ctx.emulator.emulator.context.events.list({ organizationId, after })).toEqual([]);
    // An empty body writes nothing; null for a NOT NULL column is left as it is.
    const again = await patchMeter(headers, m.id, { name: null, unit: null });
    expect(again.body).toEqual(stored);
    const short = await patchMeter(headers, m.id, { name: "ab" });
    expect(short.status).toBe(422);
    expect(short.body).toEqual({
      error: "RequestValidationError",
      detail: [
        {
          type: "string_too_short",
          loc: ["body", "name"],
          msg: "String should have at least 3 characters",
          input: "ab",
          ctx: { min_length: 3 },
        },
      ],
    });
  });

  it("changes the filter and aggregation only while no event matches the meter", async () => {
    const { headers } = tenant(ctx.emulator);
    const c = await customer(headers, { email: "agg@example.com" });
    const m = await meter(headers, "Tokens", { filter: LLM });
    const changed = await patchMeter(headers, m.id, {
      filter: { conjunction: "or", clauses: [{ property: "metadata.kind", operator: "eq", value: "llm" }] },
      aggregation: { func: "sum", property: "metadata.tokens" },
    });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({
      filter: { conjunction: "or", clauses: [{ property: "kind", operator: "eq", value: "llm" }] },
      aggregation: { func: "sum", property: "tokens" },
    });
    await ingest(headers, [{ name: "call", customer_id: c.id, metadata: { kind: "llm", tokens: 3 } }]);
    const refused = await patchMeter(headers, m.id, { filter: LLM, aggregation: null, name: "Renamed" });
    expect(refused.status).toBe(422);
    const msg = "This field can't be updated because the meter is already aggregating events.";
    expect(refused.body).toEqual({
      error: "PolarRequestValidationError",
      detail: [
        { type: "forbidden", loc: ["body", "filter"], msg, input: LLM },
        { type: "forbidden", loc: ["body", "aggregation"], msg, input: null },
      ],
    });
    expect((await get(headers, `/v1/meters/${m.id}`)).body.name).toBe("Tokens");
    expect((await patchMeter(headers, m.id, { name: "Renamed" })).status).toBe(200);
  });

  it("archives only a meter no active price or benefit uses; unarchiving a meter with events shows the new modified_at", async () => {
    const { headers } = tenant(ctx.emulator);
    const m = await meter(headers, "Seats", { filter: LLM });
    const product = await ctx.http
      .post("/v1/products/")
      .set(headers)
      .send({
        name: "Usage",
        recurring_interval: "month",
        prices: [{ amount_type: "metered_unit", meter_id: m.id, unit_amount: 1 }],
      });
    expect(product.status).toBe(201);
    const input = { is_archived: true };
    const inProduct = await patchMeter(headers, m.id, input);
    expect(inProduct.status).toBe(422);
    expect(inProduct.body).toEqual({
      error: "PolarRequestValidationError",
      detail: [
        {
          type: "value_error",
          loc: ["body", "is_archived"],
          msg: "Cannot archive meter that is still attached to active products",
          input: true,
        },
      ],
    });
    await ctx.http.patch(`/v1/products/${product.body.id}`).set(headers).send({ is_archived: true });
    const credits = await ctx.http
      .post("/v1/benefits/")
      .set(headers)
      .send({
        type: "meter_credit",
        description: "Credits",
        properties: { meter_id: m.id, units: 5, rollover: false },
      });
    const inBenefit = await patchMeter(headers, m.id, input);
    expect(inBenefit.body.detail[0].msg).toBe(
      "Cannot archive meter that is still referenced by active benefits",
    );
    await ctx.http.delete(`/v1/benefits/${credits.body.id}`).set(headers);

    const archived = await patchMeter(headers, m.id, input);
    expect(archived.status).toBe(200);
    expect(archived.body.archived_at).toMatch(ISO_Z);
    expect(archived.body.modified_at).toBeNull();
    expect(
      (await get(headers, "/v1/meters/?is_archived=true")).body.items.map((i: { id: string }) => i.id),
    ).toEqual([m.id]);

    const c = await customer(headers, { email: "seats@example.com" });
    await ingest(headers, [{ name: "llm", customer_id: c.id }]);
    const back = await patchMeter(headers, m.id, { is_archived: false });
    expect(back.body.archived_at).toBeNull();
    // Polar looks up the customers whose events match the meter, which flushes the change first.
    expect(back.body.modified_at).toMatch(ISO_Z);
  });

  it("answers 404 for an unknown or foreign meter, and needs meters:write", async () => {
    const a = tenant(ctx.emulator);
    const b = tenant(ctx.emulator);
    const m = await meter(a.headers, "Mine");
    const foreign = await patchMeter(b.headers, m.id, { name: "Theirs" });
    expect(foreign.status).toBe(404);
    expect(foreign.body).toEqual(NOT_FOUND);
    const reader = tenant(ctx.emulator, ["meters:read"]);
    const own = await meter(tenant(ctx.emulator).headers, "Own");
    expect((await patchMeter(reader.headers, own.id, { name: "Nope" })).status).toBe(403);
  });
});

describe("meters:quantities", () => {
  /** An organization with two customers, events of several kinds, and a meter per aggregation. */
  async function usage() {
    const { headers } = tenant(ctx.emulator);
    const alice = await customer(headers, { email: "alice@example.com", external_id: "ext_alice" });
    const bob = await customer(headers, { email: "bob@example.com" });
    await ingest(headers, [
      {
        name: "llm",
        customer_id: alice.id,
        timestamp: "2026-03-07T23:30:00Z",
        metadata: { tokens: 10, model: "a" },
      },
      {
        name: "llm",
        external_customer_id: "ext_alice",
        timestamp: "2026-03-08T06:30:00Z",
        metadata: { tokens: 5.5, model: "b" },
      },
      {
        name: "llm",
        customer_id: bob.id,
        timestamp: "2026-03-08T12:00:00Z",
        metadata: { tokens: 7, model: "a" },
      },
      {
        name: "llm",
        external_customer_id: "ext_ghost",
        timestamp: "2026-03-09T01:00:00Z",
        metadata: { tokens: 1, model: "a" },
      },
      {
        name: "llm",
        customer_id: alice.id,
        timestamp: "2026-03-10T15:00:00Z",
        metadata: { tokens: "x", model: "a" },
      },
      { name: "other", customer_id: bob.id, timestamp: "2026-03-08T12:00:00Z", metadata: { tokens: 100 } },
      {
        name: "llm",
        customer_id: alice.id,
        timestamp: "2026-01-15T10:00:00Z",
        metadata: { tokens: 3, model: "a" },
      },
    ]);
    const meters: Record<string, string> = {};
    for (const func of ["count", "sum", "max", "avg", "unique"]) {
      const aggregation =
        func === "count" ? { func } : { func, property: func === "unique" ? "model" : "tokens" };
      meters[func] = (await meter(headers, `By ${func}`, { filter: LLM, aggregation })).id;
    }
    return { headers, alice, bob, meters };
  }

  async function quantities(headers: Headers, meterId: string, query: Record<string, string>) {
    return ctx.http.get(`/v1/meters/${meterId}/quantities`).query(query).set(headers);
  }

  const days = (values: number[], from = 7) =>
    values.map((quantity, index) => ({
      timestamp: `2026-03-${String(from + index).padStart(2, "0")}T00:00:00Z`,
      quantity,
    }));
  const MARCH_7_TO_10 = {
    start_timestamp: "2026-03-07T00:00:00Z",
    end_timestamp: "2026-03-10T00:00:00Z",
    interval: "day",
  };

  it("gives each day's sum and the total, floats as pydantic writes them", async () => {
    const { headers, meters } = await usage();
    const res = await quantities(headers, meters.sum, MARCH_7_TO_10);
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe("application/json");
    expect(res.text).toBe(
      '{"quantities":[{"timestamp":"2026-03-07T00:00:00Z","quantity":10.0},{"timestamp":"2026-03-08T00:00:00Z","quantity":12.5},' +
        '{"timestamp":"2026-03-09T00:00:00Z","quantity":1.0},{"timestamp":"2026-03-10T00:00:00Z","quantity":0.0}],"total":23.5}',
    );
    const count = await quantities(headers, meters.count, MARCH_7_TO_10);
    expect(count.body).toEqual({ quantities: days([1, 2, 1, 1]), total: 5 });
    const max = await quantities(headers, meters.max, MARCH_7_TO_10);
    expect(max.body).toEqual({ quantities: days([10, 7, 1, 0]), total: 10 });
    // avg and unique: the total is over every matching event, whatever its time.
    const avg = await quantities(headers, meters.avg, MARCH_7_TO_10);
    expect(avg.body).toEqual({ quantities: days([10, 6.25, 1, 0]), total: 5.3 });
    const unique = await quantities(headers, meters.unique, MARCH_7_TO_10);
    expect(unique.body).toEqual({ quantities: days([1, 2, 1, 1]), total: 2 });
  });

  it("buckets by the time zone's days: a bucket holds its whole day, DST moves the rows' instants", async () => {
    const { headers, meters } = await usage();
    const res = await quantities(headers, meters.sum, { ...MARCH_7_TO_10, timezone: "America/New_York" });
    expect(res.body).toEqual({
      quantities: [
        { timestamp: "2026-03-07T00:00:00Z", quantity: 0 },
        { timestamp: "2026-03-08T00:00:00Z", quantity: 10 },
        { timestamp: "2026-03-08T23:00:00Z", quantity: 13.5 },
        { timestamp: "2026-03-09T23:00:00Z", quantity: 0 },
      ],
      total: 23.5,
    });
    // An unaligned start keeps its time of day; the row still shows the whole day's bucket.
    const shifted = await quantities(headers, meters.count, {
      start_timestamp: "2026-03-07T18:00:00.123456+00:00",
      end_timestamp: "2026-03-09T18:00:01Z",
      interval: "day",
    });
    expect(shifted.text).toContain('"timestamp":"2026-03-07T18:00:00.123456Z","quantity":1.0');
    expect(shifted.body.quantities.map((row: { quantity: number }) => row.quantity)).toEqual([1, 2, 1]);
    const weeks = await quantities(headers, meters.count, {
      start_timestamp: "2026-03-01T00:00:00Z",
      end_timestamp: "2026-03-31T00:00:00Z",
      interval: "week",
    });
    // Weeks start on Monday: 2026-03-01 is a Sunday, in the week of February 23; 03-08 in that of 03-02.
    expect(weeks.body.quantities.map((row: { quantity: number }) => row.quantity)).toEqual([0, 3, 2, 0, 0]);
    expect(weeks.body.total).toBe(5);
  });

  it("aggregates per customer first, a customer being an id or an external id as the event was ingested", async () => {
    const { headers, meters } = await usage();
    const max = await quantities(headers, meters.sum, {
      ...MARCH_7_TO_10,
      customer_aggregation_function: "max",
    });
    expect(max.body).toEqual({ quantities: days([10, 7, 1, 0]), total: 18 });
    const counted = await quantities(headers, meters.count, {
      ...MARCH_7_TO_10,
      customer_aggregation_function: "count",
    });
    expect(counted.body).toEqual({ quantities: days([1, 2, 1, 1]), total: 5 });
    // The average of bigints is a numeric: the total adds them exactly before the float.
    const average = await quantities(headers, meters.count, {
      start_timestamp: "2026-03-08T00:00:00Z",
      end_timestamp: "2026-03-08T00:00:00Z",
      interval: "month",
      customer_aggregation_function: "avg",
    });
    expect(average.text).toBe(
      '{"quantities":[{"timestamp":"2026-03-08T00:00:00Z","quantity":1.25}],"total":1.25}',
    );
  });

  it("filters by customer (by id or external id, whichever the events carry) and by metadata", async () => {
    const { headers, alice, bob, meters } = await usage();
    const byAlice = await quantities(headers, meters.sum, { ...MARCH_7_TO_10, customer_id: alice.id });
    expect(byAlice.body).toEqual({ quantities: days([10, 5.5, 0, 0]), total: 15.5 });
    const byExternal = await quantities(headers, meters.sum, {
      ...MARCH_7_TO_10,
      external_customer_id: "ext_alice",
    });
    expect(byExternal.body).toEqual(byAlice.body);
    const ghost = await quantities(headers, meters.count, {
      ...MARCH_7_TO_10,
      external_customer_id: "ext_ghost",
    });
    expect(ghost.body).toEqual({ quantities: days([0, 0, 1, 0]), total: 1 });
    const both = await ctx.http
      .get(
        `/v1/meters/${meters.count}/quantities?start_timestamp=2026-03-07T00:00:00Z&end_timestamp=2026-03-10T00:00:00Z&interval=day&customer_id=${alice.id}&customer_id=${bob.id}`,
      )
      .set(headers);
    expect(both.body.total).toBe(4);
    const modelA = await quantities(headers, meters.count, { ...MARCH_7_TO_10, "metadata[model]": "a" });
    expect(modelA.body).toEqual({ quantities: days([1, 1, 1, 1]), total: 4 });
  });

  it("validates the query like pydantic: the earliest start, aware datetimes, the interval, TimeZoneName", async () => {
    const { headers, meters } = await usage();
    const res = await quantities(headers, meters.count, {
      start_timestamp: "2022-12-31T00:00:00",
      end_timestamp: "2026-03-10T00:00:00",
      interval: "minute",
      timezone: "Mars/Olympus",
      customer_aggregation_function: "median",
    });
    expect(res.status).toBe(422);
    expect(res.body).toEqual({
      error: "RequestValidationError",
      detail: [
        {
          type: "greater_than_equal",
          loc: ["query", "start_timestamp"],
          msg: "Input should be greater than or equal to 2023-01-01T00:00:00Z",
          input: "2022-12-31T00:00:00",
          ctx: { ge: "2023-01-01T00:00:00Z" },
        },
        {
          type: "timezone_aware",
          loc: ["query", "end_timestamp"],
          msg: "Input should have timezone info",
          input: "2026-03-10T00:00:00",
        },
        {
          type: "enum",
          loc: ["query", "interval"],
          msg: "Input should be 'year', 'month', 'week', 'day' or 'hour'",
          input: "minute",
          ctx: { expected: "'year', 'month', 'week', 'day' or 'hour'" },
        },
        {
          type: "TimeZoneName",
          loc: ["query", "timezone"],
          msg: "Invalid timezone name.",
          input: "Mars/Olympus",
        },
        {
          type: "enum",
          loc: ["query", "customer_aggregation_function"],
          msg: "Input should be 'count', 'sum', 'max', 'min', 'avg' or 'unique'",
          input: "median",
          ctx: { expected: "'count', 'sum', 'max', 'min', 'avg' or 'unique'" },
        },
      ],
    });
    const missing = await quantities(headers, meters.count, { interval: "day", timezone: "" });
    expect(missing.body.detail).toEqual([
      { type: "missing", loc: ["query", "start_timestamp"], msg: "Field required", input: null },
      { type: "missing", loc: ["query", "end_timestamp"], msg: "Field required", input: null },
      {
        type: "string_too_short",
        loc: ["query", "timezone"],
        msg: "String should have at least 1 character",
        input: "",
        ctx: { min_length: 1 },
      },
    ]);
  });

  it("refuses a range too long for the interval, or reversed, with Polar's error; 404 for a foreign meter", async () => {
    const { headers, meters } = await usage();
    const long = await quantities(headers, meters.count, {
      start_timestamp: "2026-03-01T00:00:00.5+05:30",
      end_timestamp: "2026-03-09T00:00:00Z",
      interval: "hour",
    });
    expect(long.status).toBe(422);
    expect(long.body).toEqual({
      error: "PolarRequestValidationError",
      detail: [
        {
          type: "value_error",
          loc: ["query"],
          msg: "The interval is too small for the given date range. Use a larger interval or reduce the date range.",
          input: ["2026-03-01T00:00:00.500000+05:30", "2026-03-09T00:00:00+00:00", "hour"],
        },
      ],
    });
    // Seven days by the dates at their own offsets is the most an hour interval takes.
    const seven = await quantities(headers, meters.count, {
      start_timestamp: "2026-03-01T23:00:00-05:00",
      end_timestamp: "2026-03-08T00:00:00Z",
      interval: "hour",
    });
    expect(seven.status).toBe(200);
    expect(seven.body.quantities).toHaveLength(141);
    const reversed = await quantities(headers, meters.count, {
      start_timestamp: "2026-03-08T00:00:00Z",
      end_timestamp: "2026-03-07T00:00:00Z",
      interval: "year",
    });
    expect(reversed.body.error).toBe("PolarRequestValidationError");
    const other = tenant(ctx.emulator, ["meters:read"]);
    const foreign = await quantities(other.headers, meters.count, MARCH_7_TO_10);
    expect(foreign.status).toBe(404);
    expect(foreign.body).toEqual(NOT_FOUND);
  });
});
