/** Customers to the byte (customer/service.py and schemas.py), over real HTTP, each test in its own organization. */
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestEmulator, tenant } from "./helpers.js";

let ctx: Awaited<ReturnType<typeof startTestEmulator>>;
beforeAll(async () => {
  ctx = await startTestEmulator();
});
afterAll(() => ctx.emulator.close());

const REQUIRED_KEYS = [
  "id",
  "created_at",
  "modified_at",
  "metadata",
  "external_id",
  "email",
  "email_verified",
  "type",
  "name",
  "billing_name",
  "billing_address",
  "tax_id",
  "locale",
  "organization_id",
  "default_payment_method_id",
  "deleted_at",
  "first_user_event_at",
  "avatar_url",
];
/** pydantic's form: microseconds when not zero, no fraction when zero, and a Z. */
const ISO_Z = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{6})?Z$/;

async function create(headers: Record<string, string>, body: Record<string, unknown>) {
  return ctx.http.post("/v1/customers/").set(headers).send(body);
}

async function count(headers: Record<string, string>) {
  return (await ctx.http.get("/v1/customers/").set(headers)).body.pagination.total_count as number;
}

describe("create", () => {
  it("answers 201 with every key, trimmed fields, normalized address and a gravatar", async () => {
    const { headers, organizationId } = tenant(ctx.emulator);
    const res = await create(headers, {
      email: "Jane@Example.COM",
      name: "  Jane Doe ",
      external_id: " user_1 ",
      billing_address: {
        country: "US",
        state: "CA",
        line1: "1 Main St",
        line2: "",
        city: "SF",
        postal_code: "94105",
      },
      tax_id: " 91-1144442 ",
      metadata: { plan: "pro", seats: 3, beta: true },
      unknown_key: "ignored",
    });
    expect(res.status).toBe(201);
    expect(Object.keys(res.body)).toEqual(REQUIRED_KEYS);
    expect(res.body).toMatchObject({
      email: "Jane@example.com",
      name: "Jane Doe",
      billing_name: "Jane Doe",
      external_id: "user_1",
      type: "individual",
      email_verified: false,
      modified_at: null,
      deleted_at: null,
      organization_id: organizationId,
      tax_id: ["911144442", "us_ein"],
      metadata: { plan: "pro", seats: 3, beta: true },
      billing_address: {
        line1: "1 Main St",
        line2: null,
        postal_code: "94105",
        city: "SF",
        state: "US-CA",
        country: "US",
      },
    });
    expect(res.body.created_at).toMatch(ISO_Z);
    const digest = createHash("sha256").update("jane@example.com").digest("hex");
    expect(res.body.avatar_url).toBe(`https://www.gravatar.com/avatar/${digest}?d=404`);
  });

  it("turns empty external_id, name and tax_id into null", async () => {
    const { headers } = tenant(ctx.emulator);
    const res = await create(headers, { email: "e@example.com", external_id: "", name: "  ", tax_id: "" });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ external_id: null, name: null, tax_id: null });
  });

  it("creates a team customer", async () => {
    const { headers } = tenant(ctx.emulator);
    const res = await create(headers, { type: "team", email: "billing@team.example.com", name: "Team" });
    expect(res.status).toBe(201);
    expect(res.body.type).toBe("team");
  });

  it("refuses a duplicate email (case-insensitive) and external id, both reported, email first", async () => {
    const { headers } = tenant(ctx.emulator);
    await create(headers, { email: "dup@example.com", external_id: "ext_dup" });
    const res = await create(headers, { email: "DUP@example.com", external_id: "ext_dup" });
    expect(res.status).toBe(422);
    expect(res.body).toEqual({
      error: "PolarRequestValidationError",
      detail: [
        {
          type: "value_error",
          loc: ["body", "email"],
          msg: "A customer with this email address already exists.",
          input: "DUP@example.com",
        },
        {
          type: "value_error",
          loc: ["body", "external_id"],
          msg: "A customer with this external ID already exists.",
          input: "ext_dup",
        },
      ],
    });
    expect(await count(headers)).toBe(1);
  });

  it("treats external ids case-sensitively", async () => {
    const { headers } = tenant(ctx.emulator);
    expect((await create(headers, { email: "a@example.com", external_id: "ABC" })).status).toBe(201);
    expect((await create(headers, { email: "b@example.com", external_id: "abc" })).status).toBe(201);
  });

  it("needs a billing address to validate a tax id, and refuses an invalid one", async () => {
    const { headers } = tenant(ctx.emulator);
    const noCountry = await create(headers, { email: "t@example.com", tax_id: "911144442" });
    expect(noCountry.body).toEqual({
      error: "PolarRequestValidationError",
      detail: [
        {
          type: "missing",
          loc: ["body", "billing_address"],
          msg: "Country is required to validate tax ID.",
          input: null,
        },
      ],
    });
    const invalid = await create(headers, {
      email: "t@example.com",
      tax_id: "12",
      billing_address: { country: "US" },
    });
    expect(invalid.body.detail).toEqual([
      { type: "invalid", loc: ["body", "tax_id"], msg: "Invalid tax ID.", input: "12" },
    ]);
    const eu = await create(headers, {
      email: "t@example.com",
      tax_id: "FR61954506077",
      billing_address: { country: "FR" },
    });
    expect(eu.body.tax_id).toEqual(["FR61954506077", "eu_vat"]);
  });

  it("refuses organization_id with an organization token", async () => {
    const { headers, organizationId } = tenant(ctx.emulator);
    const res = await create(headers, { email: "o@example.com", organization_id: organizationId });
    expect(res.status).toBe(422);
    expect(res.body.detail).toEqual([
      {
        type: "organization_token",
        loc: ["body", "organization_id"],
        msg: "Setting organization_id is disallowed when using an organization token.",
        input: organizationId,
      },
    ]);
    expect(await count(headers)).toBe(0);
  });
});

describe("list", () => {
  it("filters, sorts, paginates and clamps the limit", async () => {
    const { headers } = tenant(ctx.emulator);
    for (const [email, name, plan] of [
      ["b@example.com", "Bravo", "pro"],
      ["a@example.com", "Alpha", "team"],
      ["c@example.com", null, "free"],
    ]) {
      await create(headers, { email, name, external_id: `ext_${email?.[0]}`, metadata: { plan, seats: 2 } });
    }
    const list = async (query: string) => (await ctx.http.get(`/v1/customers/${query}`).set(headers)).body;
    const emails = async (query: string) => (await list(query)).items.map((c: { email: string }) => c.email);

    expect(await emails("")).toEqual(["c@example.com", "a@example.com", "b@example.com"]);
    expect(await emails("?sorting=email")).toEqual(["a@example.com", "b@example.com", "c@example.com"]);
    expect(await emails("?sorting=name")).toEqual(["a@example.com", "b@example.com", "c@example.com"]);
    expect(await emails("?sorting=-name")).toEqual(["c@example.com", "b@example.com", "a@example.com"]);
    expect(await emails("?email=A@EXAMPLE.com")).toEqual(["a@example.com"]);
    expect(await emails("?query=brav")).toEqual(["b@example.com"]);
    expect(await emails("?query=EXT_C")).toEqual(["c@example.com"]);
    expect(await emails("?metadata[plan]=pro&metadata[plan]=team&sorting=email")).toEqual([
      "a@example.com",
      "b@example.com",
    ]);
    expect(await emails("?metadata[plan]=pro&metadata[seats]=2")).toEqual(["b@example.com"]);
    expect(await emails("?metadata[plan]=pro&metadata[seats]=3")).toEqual([]);
    expect(await emails("?active=true")).toEqual([]);
    expect((await emails("?active=no")).length).toBe(3);

    expect((await list("?limit=2&page=2")).pagination).toEqual({ total_count: 3, max_page: 2 });
    expect(await emails("?limit=2&page=2&sorting=email")).toEqual(["c@example.com"]);
    expect(await list("?page=9")).toEqual({ items: [], pagination: { total_count: 3, max_page: 1 } });
    const clamped = await list("?limit=1000");
    expect(clamped.pagination).toEqual({ total_count: 3, max_page: 1 });
  });

  it("answers an empty envelope with max_page 0, and intersects organization_id with the token", async () => {
    const { headers, organizationId } = tenant(ctx.emulator);
    const empty = (await ctx.http.get("/v1/customers/").set(headers)).body;
    expect(empty).toEqual({ items: [], pagination: { total_count: 0, max_page: 0 } });
    await create(headers, { email: "own@example.com" });
    const own = await ctx.http.get(`/v1/customers/?organization_id=${organizationId}`).set(headers);
    expect(own.body.pagination.total_count).toBe(1);
    const foreign = await ctx.http
      .get(`/v1/customers/?organization_id=${ctx.emulator.organizationId}`)
      .set(headers);
    expect(foreign.status).toBe(200);
    expect(foreign.body.pagination.total_count).toBe(0);
  });
});

describe("update", () => {
  it("applies only the keys sent, replaces metadata and stamps modified_at", async () => {
    const { headers } = tenant(ctx.emulator);
    const created = (await create(headers, { email: "u@example.com", name: "U", metadata: { a: 1, b: 2 } }))
      .body;
    const res = await ctx.http
      .patch(`/v1/customers/${created.id}`)
      .set(headers)
      .send({ metadata: { c: "x" } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: "U", email: "u@example.com", metadata: { c: "x" } });
    expect(res.body.modified_at).toMatch(ISO_Z);
    const cleared = await ctx.http.patch(`/v1/customers/${created.id}`).set(headers).send({ metadata: {} });
    expect(cleared.body.metadata).toEqual({});
  });

  it("makes external_id write-once and checks email uniqueness", async () => {
    const { headers } = tenant(ctx.emulator);
    await create(headers, { email: "taken@example.com" });
    const c = (await create(headers, { email: "w@example.com" })).body;
    const set = await ctx.http.patch(`/v1/customers/${c.id}`).set(headers).send({ external_id: "ext_w" });
    expect(set.body.external_id).toBe("ext_w");
    const same = await ctx.http.patch(`/v1/customers/${c.id}`).set(headers).send({ external_id: "ext_w" });
    expect(same.status).toBe(200);
    const change = await ctx.http
      .patch(`/v1/customers/${c.id}`)
      .set(headers)
      .send({ external_id: "other", email: "TAKEN@example.com" });
    expect(change.status).toBe(422);
    expect(change.body).toEqual({
      error: "PolarRequestValidationError",
      detail: [
        {
          type: "value_error",
          loc: ["body", "email"],
          msg: "A customer with this email address already exists.",
          input: "TAKEN@example.com",
        },
        {
          type: "value_error",
          loc: ["body", "external_id"],
          msg: "Customer external ID cannot be updated.",
          input: "other",
        },
      ],
    });
    const after = await ctx.http.get(`/v1/customers/${c.id}`).set(headers);
    expect(after.body).toMatchObject({ email: "w@example.com", external_id: "ext_w" });
  });

  it("resets email_verified on an email change, refuses a null address and a team downgrade", async () => {
    const { headers } = tenant(ctx.emulator);
    const c = (
      await create(headers, { type: "team", email: "t@example.com", billing_address: { country: "DE" } })
    ).body;
    const email = await ctx.http
      .patch(`/v1/customers/${c.id}`)
      .set(headers)
      .send({ email: "t2@example.com" });
    expect(email.body).toMatchObject({ email: "t2@example.com", email_verified: false });
    const res = await ctx.http
      .patch(`/v1/customers/${c.id}`)
      .set(headers)
      .send({ billing_address: null, type: "individual" });
    expect(res.body.detail).toEqual([
      {
        type: "value_error",
        loc: ["body", "billing_address"],
        msg: "Customer billing address cannot be reset to null once set.",
        input: null,
      },
      {
        type: "value_error",
        loc: ["body", "type"],
        msg: "Customer type cannot be downgraded from 'team' to 'individual'.",
        input: "individual",
      },
    ]);
  });

  it("updates by external id, ignoring external_id in that body", async () => {
    const { headers } = tenant(ctx.emulator);
    await create(headers, { email: "x@example.com", external_id: "ext/with space" });
    const path = `/v1/customers/external/${encodeURIComponent("ext/with space")}`;
    const res = await ctx.http.patch(path).set(headers).send({ name: "Renamed", external_id: "ignored" });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: "Renamed", external_id: "ext/with space" });
    expect((await ctx.http.get(`/v1/customers/external/EXT%2Fwith%20space`).set(headers)).status).toBe(404);
  });
});

describe("delete", () => {
  it("soft-deletes: 204, then 404 everywhere, and frees the email and external id", async () => {
    const { headers } = tenant(ctx.emulator);
    const c = (await create(headers, { email: "d@example.com", external_id: "ext_d" })).body;
    const res = await ctx.http.delete(`/v1/customers/${c.id}?anonymize=false`).set(headers);
    expect(res.status).toBe(204);
    expect(res.text).toBe("");
    for (const path of [
      `/v1/customers/${c.id}`,
      `/v1/customers/${c.id}/state`,
      "/v1/customers/external/ext_d",
    ]) {
      expect((await ctx.http.get(path).set(headers)).status).toBe(404);
    }
    expect(await count(headers)).toBe(0);
    const again = await create(headers, { email: "d@example.com", external_id: "ext_d" });
    expect(again.status).toBe(201);
    expect((await ctx.http.delete(`/v1/customers/${c.id}`).set(headers)).status).toBe(404);
  });

  it("anonymizes with sha256 digests and keeps external_id and tax_id", async () => {
    const { headers } = tenant(ctx.emulator);
    const c = (await create(headers, { email: "anon@example.com", name: "Anon", external_id: "ext_a" })).body;
    expect((await ctx.http.delete("/v1/customers/external/ext_a?anonymize=true").set(headers)).status).toBe(
      204,
    );
    const stored = ctx.emulator.emulator.context.store.partition(c.organization_id).customers.get(c.id);
    const createdAt = new Date(c.created_at);
    const pyIso = `${createdAt.toISOString().slice(0, 19)}.${String(createdAt.getUTCMilliseconds()).padStart(3, "0")}000+00:00`;
    const digest = (value: string) => createHash("sha256").update(pyIso).update(value).digest("hex");
    expect(stored?.email).toBe(`${digest("anon@example.com")}@anonymized.polar.sh`);
    expect(stored?.name).toBe(digest("Anon"));
    expect(stored?.external_id).toBe("ext_a");
    expect(typeof stored?.metadata.__anonymized_at).toBe("string");
    expect(stored?.deleted_at).not.toBeNull();
  });
});

describe("state and export", () => {
  it("serves the customer state with its three lists", async () => {
    const { headers } = tenant(ctx.emulator);
    const c = (await create(headers, { email: "s@example.com", external_id: "ext_s" })).body;
    const byId = await ctx.http.get(`/v1/customers/${c.id}/state`).set(headers);
    expect(byId.status).toBe(200);
    expect(byId.body).toEqual({ ...c, active_subscriptions: [], granted_benefits: [], active_meters: [] });
    const byExternal = await ctx.http.get("/v1/customers/external/ext_s/state").set(headers);
    expect(byExternal.body).toEqual(byId.body);
  });

  it("exports CSV with Polar's header, quoting and line ends", async () => {
    const { headers } = tenant(ctx.emulator);
    await create(headers, { email: "csv@example.com", name: 'Quote "Me", Inc', metadata: { plan: "pro" } });
    const res = await ctx.http.get("/v1/customers/export").set(headers);
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^text\/csv/);
    expect(res.headers["content-disposition"]).toBe('attachment; filename="polar-customers.csv"');
    const lines = res.text.split("\r\n");
    expect(lines[0]).toBe(
      "ID,External ID,Created At,Email,Name,Tax ID,Billing Address Line 1,Billing Address Line 2,Billing Address City,Billing Address State,Billing Address Zip,Billing Address Country,Metadata",
    );
    expect(lines[1]).toMatch(
      /^[0-9a-f-]{36},,\d{4}-\d{2}-\d{2}T[\d:.]+\+00:00,csv@example.com,"Quote ""Me"", Inc",,,,,,,,"\{""plan"": ""pro""\}"$/,
    );
    expect(lines[2]).toBe("");
  });
});

describe("payment methods", () => {
  it("lists none (the emulator takes no payments), by id or external id, in Polar's envelope", async () => {
    const { headers } = tenant(ctx.emulator);
    const c = (await create(headers, { email: "pm@example.com", external_id: "ext_pm" })).body;
    const empty = { items: [], pagination: { total_count: 0, max_page: 0 } };
    const byId = await ctx.http.get(`/v1/customers/${c.id}/payment-methods?limit=5&page=2`).set(headers);
    expect(byId.status).toBe(200);
    expect(byId.body).toEqual(empty);
    const byExternal = await ctx.http.get("/v1/customers/external/ext_pm/payment-methods").set(headers);
    expect(byExternal.body).toEqual(empty);
  });

  it("answers 404 for an unknown, deleted or foreign customer, and validates the page first", async () => {
    const { headers } = tenant(ctx.emulator);
    const c = (await create(headers, { email: "gone@example.com", external_id: "ext_gone" })).body;
    await ctx.http.delete(`/v1/customers/${c.id}`).set(headers);
    for (const path of [
      `/v1/customers/${c.id}/payment-methods`,
      "/v1/customers/external/ext_gone/payment-methods",
      "/v1/customers/11111111-1111-4111-8111-111111111111/payment-methods",
    ]) {
      const res = await ctx.http.get(path).set(headers);
      expect(res.status, path).toBe(404);
      expect(res.body).toEqual({ error: "ResourceNotFound", detail: "Not found" });
    }
    const page = await ctx.http.get(`/v1/customers/${c.id}/payment-methods?page=0`).set(headers);
    expect(page.status).toBe(422);
    expect(page.body.detail).toEqual([
      {
        type: "greater_than",
        loc: ["query", "page"],
        msg: "Input should be greater than 0",
        input: "0",
        ctx: { gt: 0 },
      },
    ]);
    const other = tenant(ctx.emulator, ["products:read"]);
    const scoped = await ctx.http.get(`/v1/customers/${c.id}/payment-methods`).set(other.headers);
    expect(scoped.status).toBe(403);
    expect(scoped.headers["www-authenticate"]).toContain('scope="customers:read customers:write"');
  });
});

describe("bad input changes nothing", () => {
  it("leaves the organization as it was after every rejected write", async () => {
    const { headers } = tenant(ctx.emulator);
    const c = (await create(headers, { email: "keep@example.com", name: "Keep", external_id: "ext_k" })).body;
    const before = (await ctx.http.get(`/v1/customers/${c.id}`).set(headers)).body;
    const attempts = [
      ctx.http.post("/v1/customers/").set(headers).send({ email: "keep@example.com" }),
      ctx.http.post("/v1/customers/").set(headers).send({ email: "nope" }),
      ctx.http.patch(`/v1/customers/${c.id}`).set(headers).send({ name: "Changed", external_id: "new" }),
      ctx.http.patch(`/v1/customers/${c.id}`).set(headers).send({ name: "Changed", tax_id: "1" }),
      ctx.http
        .patch(`/v1/customers/${c.id}`)
        .set(headers)
        .set("Content-Type", "application/json")
        .send("[1,"),
      ctx.http.delete(`/v1/customers/${c.id}?anonymize=maybe`).set(headers),
    ];
    for (const attempt of attempts) {
      const res = await attempt;
      expect(res.status).toBe(422);
    }
    expect((await ctx.http.get(`/v1/customers/${c.id}`).set(headers)).body).toEqual(before);
    expect(await count(headers)).toBe(1);
  });
});

describe("events", () => {
  it("publishes each change's events in Polar's order, each followed by customer.state_changed", async () => {
    const { headers } = tenant(ctx.emulator);
    const c = (await create(headers, { email: "ev@example.com" })).body;
    await ctx.http.patch(`/v1/customers/${c.id}`).set(headers).send({ name: "Ev" });
    await ctx.http.post("/v1/customers/").set(headers).send({ email: "ev@example.com" }); // rejected: no events
    await ctx.http.delete(`/v1/customers/${c.id}`).set(headers);
    const events = ctx.emulator.emulator.context.events.list({ customerId: c.id });
    expect(events.map((event) => event.type)).toEqual([
      "customer.created",
      "customer.state_changed",
      "customer.updated",
      "customer.state_changed",
      "customer.deleted",
      "customer.state_changed",
    ]);
    expect(new Set(events.map((event) => event.id)).size).toBe(6);
  });
});
