/**
 * Snapshots: the whole state of one organization as a document, and back. Snapshot → reset →
 * restore gives byte-identical API responses on every endpoint; a snapshot restores into another
 * emulator; a bad snapshot is a 422 with the path inside it, and nothing changes.
 */
import supertest from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { startEmulator } from "../src/index.js";
import { newPartition, RESOURCES, SNAPSHOT_SECTIONS } from "../src/resources/index.js";
import { startTestEmulator, tenant } from "./helpers.js";

let ctx: Awaited<ReturnType<typeof startTestEmulator>>;
beforeAll(async () => {
  ctx = await startTestEmulator();
});
afterAll(() => ctx.emulator.close());

type Snapshot = Record<string, unknown> & { organization: { id: string }; customers: { id: string }[] };

/** Every read endpoint of the organization, as raw bytes: lists, single objects, states, export. */
async function everyResponse(http: supertest.Agent, token: string): Promise<Map<string, string>> {
  const auth = { Authorization: `Bearer ${token}` };
  const responses = new Map<string, string>();
  const get = async (path: string) => {
    const res = await http.get(path).set(auth);
    responses.set(path, `${res.status} ${res.headers["content-type"]} ${res.text}`);
    return res;
  };
  const lists = [
    "/v1/customers/?limit=100",
    "/v1/customers/?limit=100&sorting=email",
    "/v1/customers/?active=true&limit=100",
    "/v1/subscriptions/?limit=100",
    "/v1/subscriptions/?limit=100&active=false",
    "/v1/products/?limit=100",
    "/v1/benefits/?limit=100",
    "/v1/benefit-grants/?limit=100",
    "/v1/meters/?limit=100",
    "/v1/customer-meters/?limit=100",
    "/v1/events/?limit=100",
    "/v1/events/names?limit=100",
    "/v1/event-types/?limit=100",
    "/v1/organizations/",
  ];
  const bodies = await Promise.all(lists.map(get));
  await get("/v1/customers/export");
  const [customers, , , subscriptions, , products, benefits, , meters, customerMeters] = bodies.map(
    (res) => (res.body.items ?? []) as { id: string; external_id?: string | null }[],
  );
  for (const customer of customers) {
    await get(`/v1/customers/${customer.id}`);
    await get(`/v1/customers/${customer.id}/state`);
    if (customer.external_id) await get(`/v1/customers/external/${customer.external_id}/state`);
  }
  for (const subscription of subscriptions) await get(`/v1/subscriptions/${subscription.id}`);
  for (const product of products) await get(`/v1/products/${product.id}`);
  for (const benefit of benefits) {
    await get(`/v1/benefits/${benefit.id}`);
    await get(`/v1/benefits/${benefit.id}/grants?limit=100`);
  }
  for (const meter of meters) await get(`/v1/meters/${meter.id}`);
  for (const customerMeter of customerMeters) await get(`/v1/customer-meters/${customerMeter.id}`);
  for (const event of (bodies[10].body.items ?? []) as { id: string }[]) await get(`/v1/events/${event.id}`);
  return responses;
}

function expectSame(after: Map<string, string>, before: Map<string, string>) {
  expect([...after.keys()]).toEqual([...before.keys()]);
  for (const [path, text] of before) expect(after.get(path), path).toBe(text);
}

/** Changes made through the API after boot, so the snapshot holds more than the seed. */
async function mutate(http: supertest.Agent, token: string) {
  const auth = { Authorization: `Bearer ${token}` };
  const created = await http
    .post("/v1/customers/")
    .set(auth)
    .send({ email: "snap@example.com", external_id: "user_snap", metadata: { tier: "gold" } });
  expect(created.status, created.text).toBe(201);
  const bob = (await http.get("/v1/customers/external/user_bob").set(auth)).body;
  expect((await http.patch(`/v1/customers/${bob.id}`).set(auth).send({ name: "Robert Lee" })).status).toBe(
    200,
  );
  expect((await http.delete("/v1/customers/external/user_dave").set(auth)).status).toBe(204);
  const ingested = await http
    .post("/v1/events/ingest")
    .set(auth)
    .send({
      events: [
        { name: "api_call", external_customer_id: "user_alice", external_id: "e-1" },
        { name: "api_call", external_customer_id: "user_nobody_yet" },
      ],
    });
  expect(ingested.status, ingested.text).toBe(200);
  const alice = (await http.get("/v1/customers/external/user_alice/state").set(auth)).body;
  const subscription = alice.active_subscriptions[0].id;
  const canceled = await http
    .patch(`/v1/subscriptions/${subscription}`)
    .set(auth)
    .send({ cancel_at_period_end: true });
  expect(canceled.status, canceled.text).toBe(200);
}

describe("snapshot → reset → restore", () => {
  it("gives byte-identical responses on every endpoint", async () => {
    const { http, emulator } = ctx;
    await mutate(http, emulator.token);
    const before = await everyResponse(http, emulator.token);
    expect(before.size).toBeGreaterThan(100);
    const snapshot = await http.get(`/_emulator/organizations/${emulator.organizationId}/snapshot`);
    expect(snapshot.status).toBe(200);
    expect(snapshot.headers["content-type"]).toBe("application/json");
    expect(snapshot.body.polar_emulator_snapshot).toBe(1);

    const reset = await http.post(`/_emulator/organizations/${emulator.organizationId}/reset`);
    expect(reset.status).toBe(200);
    expect((await http.get("/v1/customers/external/user_snap").set(ctx.auth())).status).toBe(404);

    const restored = await http
      .put(`/_emulator/organizations/${emulator.organizationId}/snapshot`)
      .send(snapshot.body);
    expect(restored.status, restored.text).toBe(200);
    expect(restored.body.organization).toMatchObject({ id: emulator.organizationId, customers: 40 });
    expect(restored.body.counts.customers).toBe(41);
    expectSame(await everyResponse(http, emulator.token), before);

    // Its indices are back too: the unique email and external id rules hold for restored customers.
    const duplicate = await http.post("/v1/customers/").set(ctx.auth()).send({ email: "SNAP@example.com" });
    expect(duplicate.status).toBe(422);
    const external = await http.get("/v1/customers/external/user_snap").set(ctx.auth());
    expect(external.status).toBe(200);
    expect(
      (await http.post("/v1/customers/").set(ctx.auth()).send({ email: "dave@example.com" })).status,
    ).toBe(201);
  });

  it("gives objects created after a restore new ids, never a restored one's", async () => {
    const { http, emulator } = ctx;
    const meter = (name: string) =>
      http
        .post("/v1/meters/")
        .set(ctx.auth())
        .send({ name, filter: { conjunction: "and", clauses: [] }, aggregation: { func: "count" } });
    const first = await meter("Restored meter");
    expect(first.status).toBe(201);
    const snapshot = await http.get(`/_emulator/organizations/${emulator.organizationId}/snapshot`);
    expect((await http.post("/_emulator/reset")).status).toBe(200);
    const restored = await http
      .put(`/_emulator/organizations/${emulator.organizationId}/snapshot`)
      .send(snapshot.body);
    expect(restored.status).toBe(200);
    // A reset rewinds the seed's sequence; without moving on, this meter got the restored one's id.
    const second = await meter("New meter");
    expect(second.status).toBe(201);
    expect(second.body.id).not.toBe(first.body.id);
    const names = (await http.get("/v1/meters/?limit=100").set(ctx.auth())).body.items.map(
      (item: { name: string }) => item.name,
    );
    expect(names).toEqual(expect.arrayContaining(["Restored meter", "New meter"]));
  });

  it("restores the partition deep-equal, indices included, and the snapshot of a restore is the same bytes", async () => {
    const { emulator } = ctx.emulator;
    const id = ctx.emulator.organizationId;
    const document = emulator.snapshot(id);
    const original = emulator.context.store.partition(id);
    emulator.restore(structuredClone(document), id);
    const restored = emulator.context.store.partition(id);
    expect(restored).not.toBe(original);
    expect(restored).toEqual(original);
    expect(JSON.stringify(emulator.snapshot(id))).toBe(JSON.stringify(document));
  });

  it("restores a snapshot taken before a resource existed: a section it leaves out is empty", () => {
    const { emulator } = ctx.emulator;
    const id = ctx.emulator.organizationId;
    const document = emulator.snapshot(id);
    // Refunds: a section the default seed leaves empty (its discounts are referenced by orders,
    // checkouts and checkout links since it has some).
    expect(document.refunds).toEqual([]);
    const older: Record<string, unknown> = structuredClone(document);
    delete older.refunds;
    older.keys = { ...(older.keys as Record<string, unknown>) };
    delete (older.keys as Record<string, unknown>).refunds;
    expect(emulator.restore(older, id)).toEqual({ organizationId: id, created: false });
    expect(JSON.stringify(emulator.snapshot(id))).toBe(JSON.stringify(document));
  });

  it("covers every piece of a partition's state: each resource with tables writes sections", () => {
    const partition = newPartition({ id: "x", name: "x", slug: "x", created_at: new Date(0) });
    const tables = RESOURCES.flatMap((resource) => Object.keys(resource.tables?.() ?? {}));
    expect(Object.keys(partition).sort()).toEqual(["organization", ...tables].sort());
    for (const resource of RESOURCES) {
      if (resource.tables)
        expect(Object.keys(resource.snapshot?.sections ?? {}), resource.name).not.toEqual([]);
    }
    expect(SNAPSHOT_SECTIONS.map(({ name }) => name)).toEqual([
      "meters",
      "benefits",
      "products",
      "discounts",
      "customers",
      "members",
      "payment_methods",
      "setup_intents",
      "customer_sessions",
      "subscriptions",
      "benefit_grants",
      "orders",
      "customer_seats",
      "refunds",
      "checkouts",
      "checkout_links",
      "license_keys",
      "license_key_activations",
      "customer_meters",
      "event_types",
      "events",
      "system_events",
      "usage_index",
      "organization_profile",
      "email_verifications",
      "retry_payments",
    ]);
  });

  it("round-trips as YAML too, control characters and all", async () => {
    const { http, emulator } = ctx;
    const odd = "Zo\u00eb \u0096\u0085\u2028 \u{1F600}";
    const created = await http
      .post("/v1/customers/")
      .set(ctx.auth())
      .send({ email: "odd@example.com", name: odd, metadata: { [`k${odd}`]: odd } });
    expect(created.status, created.text).toBe(201);
    const before = await everyResponse(http, emulator.token);
    const yaml = await http.get(`/_emulator/organizations/${emulator.organizationId}/snapshot?format=yaml`);
    expect(yaml.status).toBe(200);
    expect(yaml.headers["content-type"]).toMatch(/^application\/yaml/);
    expect(yaml.text.startsWith("polar_emulator_snapshot: 1\n")).toBe(true);
    // Written escaped: no parser (PyYAML reads NEL and U+2028 as line breaks) can misread them.
    expect(yaml.text).not.toMatch(/[\u0080-\u009f\u2028]/);
    expect(yaml.text).toContain("\\x96\\x85\\u2028");
    const json = (await http.get(`/_emulator/organizations/${emulator.organizationId}/snapshot`)).body;
    expect(parseYaml(yaml.text)).toEqual(json);
    await http.post(`/_emulator/organizations/${emulator.organizationId}/reset`);
    const restored = await http
      .put(`/_emulator/organizations/${emulator.organizationId}/snapshot`)
      .set("Content-Type", "application/yaml")
      .send(yaml.text);
    expect(restored.status, restored.text).toBe(200);
    expectSame(await everyResponse(http, emulator.token), before);
  });

  it("restores a tenant, its keys included, and into another emulator with another seed", async () => {
    const t = tenant(ctx.emulator);
    const loaded = await ctx.http
      .post(`/_emulator/organizations/${t.organizationId}/fixtures`)
      .set("Content-Type", "application/yaml")
      .send(
        `products: [{ key: pro, name: Pro, recurring_interval: month, prices: [{ amount_type: fixed, price_amount: 100 }] }]
customers: [{ email: t@example.com, subscriptions: [{ product: pro, status: canceling }] }]
generate: { customers: 3 }
`,
      );
    expect(loaded.status, loaded.text).toBe(200);
    const before = await everyResponse(ctx.http, t.token);
    const snapshot = (await ctx.http.get(`/_emulator/organizations/${t.organizationId}/snapshot`))
      .body as Snapshot;

    const other = await startEmulator({ seed: 99, customers: 0 });
    try {
      const http = supertest(other.url);
      const created = await http.put(`/_emulator/organizations/${t.organizationId}/snapshot`).send(snapshot);
      expect(created.status, created.text).toBe(201);
      expect((await http.get("/_emulator/organizations")).body.items).toHaveLength(2);
      expectSame(await everyResponse(http, t.token), before);
      // Its keys came along: `pro` still names the product there.
      const more = await http
        .post(`/_emulator/organizations/${t.organizationId}/fixtures`)
        .send({ customers: [{ email: "more@example.com", subscriptions: [{ product: "pro" }] }] });
      expect(more.status, more.text).toBe(200);
      // A reset of a restored organization goes back to what was restored.
      expect((await http.post(`/_emulator/organizations/${t.organizationId}/reset`)).status).toBe(200);
      expectSame(await everyResponse(http, t.token), before);
    } finally {
      await other.close();
    }
  });
});

describe("refusing a bad snapshot", () => {
  async function refused(
    body: unknown,
    organizationId = ctx.emulator.organizationId,
    type = "application/json",
  ) {
    const before = (await ctx.http.get(`/_emulator/organizations/${organizationId}/snapshot`)).text;
    const req = ctx.http.put(`/_emulator/organizations/${organizationId}/snapshot`).set("Content-Type", type);
    const res = await req.send(typeof body === "string" ? body : JSON.stringify(body));
    expect(res.status, res.text).toBe(422);
    expect(res.body.error).toBe("RequestValidationError");
    expect((await ctx.http.get(`/_emulator/organizations/${organizationId}/snapshot`)).text).toBe(before);
    return res.body.detail as { type: string; loc: unknown[]; msg: string }[];
  }

  const fresh = async (): Promise<Snapshot> =>
    (await ctx.http.get(`/_emulator/organizations/${ctx.emulator.organizationId}/snapshot`)).body;

  it("names what is missing or mistyped, at its path", async () => {
    const snapshot = await fresh();
    // A section left out is empty (a snapshot from before its resource existed); the organization
    // and its tokens are not sections.
    const { tokens: _tokens, ...withoutTokens } = snapshot;
    expect((await refused(withoutTokens)).map((detail) => detail.loc)).toEqual([["body", "tokens"]]);
    // Without its customers, what points at a customer points at nothing.
    const { customers: _customers, ...withoutCustomers } = snapshot;
    const orphans = await refused(withoutCustomers);
    expect(orphans.length).toBeGreaterThan(0);
    expect(new Set(orphans.map((detail) => `${detail.loc[1]} ${detail.type}`))).toEqual(
      new Set(
        [
          "subscriptions",
          "benefit_grants",
          "orders",
          "checkouts",
          "license_keys",
          "customer_meters",
          "events",
          "system_events",
          "keys",
        ].map((name) => `${name} value_error`),
      ),
    );

    const broken = structuredClone(snapshot) as Snapshot & { customers: Record<string, unknown>[] };
    broken.customers[3].created_at = "yesterday";
    broken.customers[5].email_verified = "yes";
    delete broken.customers[6].metadata;
    broken.customers[7].favourite_colour = "green";
    expect((await refused(broken)).map((detail) => [detail.loc, detail.type])).toEqual([
      [["body", "customers", 3, "created_at"], "datetime_parsing"],
      [["body", "customers", 5, "email_verified"], "bool_type"],
      [["body", "customers", 6, "metadata"], "missing"],
      [["body", "customers", 7, "favourite_colour"], "extra_forbidden"],
    ]);
  });

  it("refuses two live customers with one email (whatever its case) or one external id", async () => {
    const snapshot = structuredClone(await fresh());
    const customers = snapshot.customers as unknown as Record<string, unknown>[];
    const live = customers
      .map((customer, index) => ({ customer, index }))
      .filter(({ customer }) => customer.deleted_at === null && customer.external_id !== null);
    const [a, b, c, d] = live;
    b.customer.email = String(a.customer.email).toUpperCase();
    d.customer.external_id = c.customer.external_id;
    expect((await refused(snapshot)).map((detail) => [detail.loc, detail.msg])).toEqual([
      [["body", "customers", b.index, "email"], "Two live customers share this email"],
      [["body", "customers", d.index, "external_id"], "Two live customers share this external id"],
    ]);
  });

  it("refuses references to records the snapshot does not hold", async () => {
    const snapshot = structuredClone(await fresh()) as Snapshot & {
      subscriptions: Record<string, unknown>[];
      benefit_grants: Record<string, unknown>[];
    };
    snapshot.subscriptions[0].product_id = "7d0f3b1c-0000-4000-8000-000000000000";
    snapshot.benefit_grants[1].customer_id = "7d0f3b1c-0000-4000-8000-000000000001";
    const detail = await refused(snapshot);
    expect(detail.map((entry) => entry.loc)).toEqual(
      expect.arrayContaining([
        ["body", "subscriptions", 0, "product_id"],
        ["body", "subscriptions", 0, "price_ids", 0],
        ["body", "benefit_grants", 1, "customer_id"],
      ]),
    );
    expect(detail[0].msg).toMatch(/^No .* with this id in the snapshot$/);
  });

  it("refuses another organization's snapshot, a token in use elsewhere, and what is not a snapshot", async () => {
    const t = tenant(ctx.emulator);
    const other = (await ctx.http.get(`/_emulator/organizations/${t.organizationId}/snapshot`)).body;
    const detail = await refused(other);
    expect(detail).toEqual([
      expect.objectContaining({
        loc: ["body", "organization", "id"],
        msg: expect.stringContaining("This snapshot is of"),
      }),
    ]);
    const stolen = structuredClone(other);
    stolen.tokens = [{ token: ctx.emulator.token, scopes: [], comment: "stolen" }];
    expect((await refused(stolen, t.organizationId)).map((entry) => entry.loc)).toEqual([
      ["body", "tokens", 0, "token"],
    ]);
    expect((await refused({ customers: [] })).map((entry) => entry.type)).toContain("missing");
    expect((await refused("polar_emulator_snapshot: [", undefined, "application/yaml"))[0].type).toBe(
      "yaml_invalid",
    );
    expect((await refused({ ...other, polar_emulator_snapshot: 2 }, t.organizationId))[0].loc).toEqual([
      "body",
      "polar_emulator_snapshot",
    ]);
  });

  it("answers 404 when asked for the snapshot of an organization it does not hold, 422 for a bad format", async () => {
    const res = await ctx.http.get("/_emulator/organizations/5b1f6a0e-2222-4a4a-8b8b-000000000000/snapshot");
    expect(res.status).toBe(404);
    const format = await ctx.http.get(
      `/_emulator/organizations/${ctx.emulator.organizationId}/snapshot?format=xml`,
    );
    expect(format.status).toBe(422);
    expect(format.body.detail[0]).toMatchObject({ type: "enum", loc: ["query", "format"] });
  });
});
