/**
 * The official `@polar-sh/sdk` 1.0 client (installed as `polar-sdk-v1`), version 2026-10, against
 * the emulator. This client validates nothing, so the assertions here check the values; what it
 * adds is the `Polar-Version` header, its own query encoding and its 404/422 error classes.
 */
import { createHash, randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { createPolar, errors, type models } from "polar-sdk-v1/2026-10";
import { createPolar as createPolar202701, errors as errors202701 } from "polar-sdk-v1/2027-01";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { type RunningEmulator, startEmulator } from "../../src/index.js";

type Client = ReturnType<typeof createPolar>;
type Customer = models.Customer;
type ListQuery = NonNullable<Parameters<Client["customers"]["list"]>[0]>;

const EXPORT_HEADER =
  "ID,External ID,Created At,Email,Name,Tax ID,Billing Address Line 1,Billing Address Line 2," +
  "Billing Address City,Billing Address State,Billing Address Zip,Billing Address Country,Metadata";
const ISO_Z = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?Z$/;

let emulator: RunningEmulator;

beforeAll(async () => {
  emulator = await startEmulator();
});

afterAll(async () => {
  await emulator?.close();
});

afterEach(() => {
  vi.restoreAllMocks();
});

interface Tenant {
  polar: Client;
  organizationId: string;
  token: string;
}

function freshOrganization(): Tenant {
  const { organizationId, token } = emulator.createOrganization();
  return { polar: createPolar({ accessToken: token, baseUrl: emulator.url }), organizationId, token };
}

async function collect(iterator: AsyncGenerator<Customer>): Promise<Customer[]> {
  const items: Customer[] = [];
  for await (const item of iterator) items.push(item);
  return items;
}

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to be rejected, it resolved");
}

async function notFound(promise: Promise<unknown>): Promise<errors.ResourceNotFound> {
  const error = await rejectionOf(promise);
  expect(error).toBeInstanceOf(errors.ResourceNotFound);
  if (!(error instanceof errors.ResourceNotFound)) throw error;
  expect(error.statusCode).toBe(404);
  expect(error.error).toEqual({ error: "ResourceNotFound", detail: "Not found" });
  return error;
}

async function validationError(promise: Promise<unknown>): Promise<errors.HTTPValidationError> {
  const error = await rejectionOf(promise);
  expect(error).toBeInstanceOf(errors.HTTPValidationError);
  if (!(error instanceof errors.HTTPValidationError)) throw error;
  expect(error.statusCode).toBe(422);
  return error;
}

function gravatar(email: string): string {
  return `https://www.gravatar.com/avatar/${createHash("sha256").update(email.toLowerCase()).digest("hex")}?d=404`;
}

/** RFC 4180 with `\r\n` rows, enough for the export. */
function parseCsv(text: string): string[][] {
  expect(text.endsWith("\r\n")).toBe(true);
  return text
    .slice(0, -2)
    .split("\r\n")
    .map((line) => {
      const fields: string[] = [];
      let field = "";
      let quoted = false;
      for (let i = 0; i < line.length; i += 1) {
        const char = line[i];
        if (quoted && char === '"' && line[i + 1] === '"') {
          field += '"';
          i += 1;
        } else if (char === '"') {
          quoted = !quoted;
        } else if (char === "," && !quoted) {
          fields.push(field);
          field = "";
        } else {
          field += char;
        }
      }
      fields.push(field);
      return fields;
    });
}

/** Stands in for the customer portal's email verification, which the emulator does not serve yet. */
function markEmailVerified(organizationId: string, customerId: string): void {
  const record = emulator.emulator.context.store.partition(organizationId).customers.live(customerId);
  if (!record) throw new Error(`no live customer ${customerId}`);
  record.email_verified = true;
}

const ids = (customers: readonly Customer[]) => customers.map((customer) => customer.id);

describe("@polar-sh/sdk 1.0 (2026-10): transport", () => {
  it("sends Polar-Version 2026-10 and the emulator echoes it", async () => {
    const { polar, token } = freshOrganization();
    const spy = vi.spyOn(globalThis, "fetch");
    const page = await polar.customers.list();
    expect(page).toEqual({ items: [], pagination: { total_count: 0, max_page: 0 } });

    expect(spy).toHaveBeenCalledTimes(1);
    const [url, init] = spy.mock.calls[0];
    const headers = new Headers(init?.headers);
    expect(headers.get("Polar-Version")).toBe("2026-10");
    expect(headers.get("Authorization")).toBe(`Bearer ${token}`);
    // The client always sends its defaults: page 1, limit 10, sorting -created_at.
    const sent = new URL(String(url));
    expect(sent.pathname).toBe("/v1/customers/");
    expect(sent.searchParams.get("page")).toBe("1");
    expect(sent.searchParams.get("limit")).toBe("10");
    expect(sent.searchParams.getAll("sorting")).toEqual(["-created_at"]);

    const response = await spy.mock.results[0].value;
    expect(response).toBeInstanceOf(Response);
    if (response instanceof Response) expect(response.headers.get("Polar-Version")).toBe("2026-10");
  });

  it("answers 404 {detail: Not Found}, without Polar-Version, to a version Polar does not serve", async () => {
    const { token } = freshOrganization();
    for (const version of ["2027-04", "2025-01", "2026-4", "latest"]) {
      const response = await fetch(`${emulator.url}/v1/customers/`, {
        headers: { Authorization: `Bearer ${token}`, "Polar-Version": version },
      });
      expect(response.status).toBe(404);
      expect(response.headers.get("Polar-Version")).toBeNull();
      expect(await response.json()).toEqual({ detail: "Not Found" });
    }
    for (const version of ["2026-04", "2026-10", "2027-01"]) {
      const response = await fetch(`${emulator.url}/v1/customers/`, {
        headers: { Authorization: `Bearer ${token}`, "Polar-Version": version },
      });
      expect(response.status).toBe(200);
      expect(response.headers.get("Polar-Version")).toBe(version);
    }
    // None, or an empty one: the current version.
    for (const headers of [{}, { "Polar-Version": "" }] as Record<string, string>[]) {
      const response = await fetch(`${emulator.url}/v1/customers/`, {
        headers: { Authorization: `Bearer ${token}`, ...headers },
      });
      expect(response.status).toBe(200);
      expect(response.headers.get("Polar-Version")).toBe("2026-04");
    }
  });

  it("serves the SDK's own 2027-01 entry point", async () => {
    const { token } = freshOrganization();
    const next = createPolar202701({ accessToken: token, baseUrl: emulator.url });
    const created = await next.customers.create({ email: "next@example.com", name: "Next" });
    expect(created).toMatchObject({ email: "next@example.com", name: "Next", type: "individual" });
    expect(await next.customers.get(created.id)).toEqual(created);
    const error = await rejectionOf(next.customers.get(randomUUID()));
    expect(error).toBeInstanceOf(errors202701.ResourceNotFound);
  });
});

describe("@polar-sh/sdk 1.0 (2026-10): customers.list", () => {
  it("iterates every page of the seeded organization", async () => {
    const polar = createPolar({ accessToken: emulator.token, baseUrl: emulator.url });
    const first = await polar.customers.list({ limit: 7 });
    const total = first.pagination.total_count;
    expect(total).toBeGreaterThan(7);
    expect(first.pagination.max_page).toBe(Math.ceil(total / 7));
    expect(first.items).toHaveLength(7);

    const spy = vi.spyOn(globalThis, "fetch");
    const all = await collect(polar.customers.iterList({ limit: 7 }));
    expect(spy).toHaveBeenCalledTimes(Math.ceil(total / 7));
    expect(all).toHaveLength(total);
    expect(new Set(ids(all)).size).toBe(total);
    for (const customer of all) {
      expect(customer.organization_id).toBe(emulator.organizationId);
      expect(customer.created_at).toMatch(ISO_Z);
    }
    const times = all.map((customer) => Date.parse(customer.created_at));
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });

  describe("filters, sorting and pagination in a fresh organization", () => {
    let tenant: Tenant;
    let alice: Customer;
    let bob: Customer;
    let carol: Customer;
    let dave: Customer;
    let erin: Customer;

    beforeAll(async () => {
      tenant = freshOrganization();
      const { polar } = tenant;
      alice = await polar.customers.create({
        email: "alice@example.com",
        name: "Alice Zephyr",
        external_id: "ext-alice",
        metadata: { plan: "pro", seats: 3 },
      });
      await sleep(3);
      bob = await polar.customers.create({
        email: "bob@example.com",
        name: "Bob Young",
        external_id: "ext-bob",
        metadata: { plan: "team", seats: 10 },
      });
      await sleep(3);
      carol = await polar.customers.create({
        email: "carol@example.com",
        name: "Carol Xu",
        metadata: { plan: "free" },
      });
      await sleep(3);
      dave = await polar.customers.create({ email: "dave@sample.org", metadata: { plan: "pro", seats: 5 } });
      await sleep(3);
      erin = await polar.customers.create({ email: "erin@example.com", name: "Erin Alice" });
    });

    const list = (query: ListQuery) => tenant.polar.customers.list(query);

    it("lists newest first by default", async () => {
      const page = await list({});
      expect(ids(page.items)).toEqual(ids([erin, dave, carol, bob, alice]));
      expect(page.pagination).toEqual({ total_count: 5, max_page: 1 });
    });

    it("filters by organization_id", async () => {
      expect((await list({ organization_id: tenant.organizationId })).pagination.total_count).toBe(5);
      const foreign = await list({ organization_id: emulator.organizationId });
      expect(foreign).toEqual({ items: [], pagination: { total_count: 0, max_page: 0 } });
      const both = await list({ organization_id: [emulator.organizationId, tenant.organizationId] });
      expect(both.pagination.total_count).toBe(5);
    });

    it("filters by email, query and active", async () => {
      expect(ids((await list({ email: "CAROL@example.com" })).items)).toEqual([carol.id]);
      expect(ids((await list({ query: "alice", sorting: ["email"] })).items)).toEqual(ids([alice, erin]));
      expect(ids((await list({ query: "ext-a" })).items)).toEqual([alice.id]);
      expect(ids((await list({ query: "SAMPLE.org" })).items)).toEqual([dave.id]);
      expect((await list({ active: true })).pagination).toEqual({ total_count: 0, max_page: 0 });
      expect((await list({ active: false })).pagination.total_count).toBe(5);
    });

    it.each<[models.CustomerSortProperty[], () => Customer[]]>([
      [["created_at"], () => [alice, bob, carol, dave, erin]],
      [["-created_at"], () => [erin, dave, carol, bob, alice]],
      [["email"], () => [alice, bob, carol, dave, erin]],
      [["-email"], () => [erin, dave, carol, bob, alice]],
      [["name"], () => [alice, bob, carol, erin, dave]],
      [["-name"], () => [dave, erin, carol, bob, alice]],
      [["-name", "email"], () => [dave, erin, carol, bob, alice]],
    ])("sorts by %j", async (sorting, expected) => {
      expect(ids((await list({ sorting })).items)).toEqual(ids(expected()));
    });

    it("filters by metadata (deepObject)", async () => {
      const plans = await list({ metadata: { plan: ["pro", "team"] }, sorting: ["email"] });
      expect(ids(plans.items)).toEqual(ids([alice, bob, dave]));
      const anded = await list({ metadata: { plan: ["pro", "team"], seats: [3, 10] }, sorting: ["email"] });
      expect(ids(anded.items)).toEqual(ids([alice, bob]));
      expect(ids((await list({ metadata: { seats: 5 } })).items)).toEqual([dave.id]);
      expect((await list({ metadata: { plan: "enterprise" } })).items).toEqual([]);
    });

    it("pages with page and limit", async () => {
      const one = await list({ sorting: ["email"], limit: 2, page: 1 });
      const three = await list({ sorting: ["email"], limit: 2, page: 3 });
      const past = await list({ sorting: ["email"], limit: 2, page: 4 });
      expect(ids(one.items)).toEqual(ids([alice, bob]));
      expect(ids(three.items)).toEqual([erin.id]);
      expect(past.items).toEqual([]);
      for (const page of [one, three, past]) expect(page.pagination).toEqual({ total_count: 5, max_page: 3 });
      const iterated = await collect(tenant.polar.customers.iterList({ sorting: ["email"], limit: 2 }));
      expect(ids(iterated)).toEqual(ids([alice, bob, carol, dave, erin]));
    });

    it("rejects an invalid page with HTTPValidationError", async () => {
      const error = await validationError(list({ page: 0 }));
      expect(error.error.detail?.[0]).toMatchObject({ type: "greater_than", loc: ["query", "page"] });
    });
  });

  it("clamps a limit over 100 to 100, and iterList still reaches every page", async () => {
    const { polar } = freshOrganization();
    for (let i = 0; i < 101; i += 1) {
      await polar.customers.create({ email: `bulk-${String(i).padStart(3, "0")}@example.com` });
    }
    const first = await polar.customers.list({ limit: 500, sorting: ["email"] });
    expect(first.items).toHaveLength(100);
    expect(first.pagination).toEqual({ total_count: 101, max_page: 2 });
    const second = await polar.customers.list({ limit: 500, page: 2, sorting: ["email"] });
    expect(second.items.map((customer) => customer.email)).toEqual(["bulk-100@example.com"]);

    // Unlike 0.49, this iterator follows max_page.
    const all = await collect(polar.customers.iterList({ limit: 500, sorting: ["email"] }));
    expect(all.map((customer) => customer.email)).toEqual(
      Array.from({ length: 101 }, (_, i) => `bulk-${String(i).padStart(3, "0")}@example.com`),
    );
  });
});

describe("@polar-sh/sdk 1.0 (2026-10): create, get, update, delete, state, export", () => {
  it("creates an individual customer with every field, normalized", async () => {
    const { polar, organizationId } = freshOrganization();
    const customer = await polar.customers.create({
      email: "ada@example.com",
      external_id: "  user-ada  ",
      name: "  Ada Lovelace ",
      billing_address: {
        line1: "1 Market St",
        line2: "",
        postal_code: "94105",
        city: "San Francisco",
        state: "CA",
        country: "US",
      },
      tax_id: "91-1144442",
      locale: "en-US",
      metadata: { plan: "pro", seats: 3, ratio: 0.5, beta: true },
    });
    expect(customer).toEqual({
      id: expect.any(String),
      created_at: expect.stringMatching(ISO_Z),
      modified_at: null,
      metadata: { plan: "pro", seats: 3, ratio: 0.5, beta: true },
      external_id: "user-ada",
      email: "ada@example.com",
      email_verified: false,
      type: "individual",
      name: "Ada Lovelace",
      billing_name: "Ada Lovelace",
      billing_address: {
        line1: "1 Market St",
        line2: null,
        postal_code: "94105",
        city: "San Francisco",
        state: "US-CA",
        country: "US",
      },
      tax_id: ["911144442", "us_ein"],
      locale: "en-US",
      organization_id: organizationId,
      default_payment_method_id: null,
      deleted_at: null,
      first_user_event_at: null,
      avatar_url: gravatar("ada@example.com"),
    });
    expect(Math.abs(Date.parse(customer.created_at) - Date.now())).toBeLessThan(60_000);
    expect(await polar.customers.get(customer.id)).toEqual(customer);
    expect(await polar.customers.getExternal("user-ada")).toEqual(customer);
    await notFound(polar.customers.getExternal("user-ADA"));
  });

  it("creates a team customer and refuses to downgrade it", async () => {
    const { polar } = freshOrganization();
    const team = await polar.customers.create({
      type: "team",
      email: "billing@acme.com",
      name: "Acme Inc.",
      billing_address: { country: "CA", state: "QC" },
      owner: { email: "olive@acme.com", name: "Olive" },
    });
    expect(team).toMatchObject({
      type: "team",
      email: "billing@acme.com",
      name: "Acme Inc.",
      billing_address: { country: "CA", state: "CA-QC" },
    });
    expect(await polar.customers.get(team.id)).toEqual(team);
    const error = await validationError(polar.customers.update(team.id, { type: "individual" }));
    expect(error.error.detail?.[0]).toMatchObject({
      loc: ["body", "type"],
      msg: "Customer type cannot be downgraded from 'team' to 'individual'.",
    });
  });

  it("updates: metadata replaced, email change unverified, external_id write-once", async () => {
    const { polar, organizationId } = freshOrganization();
    const customer = await polar.customers.create({ email: "up@example.com", metadata: { a: "1", b: 2 } });
    await polar.customers.create({ email: "taken@example.com" });
    markEmailVerified(organizationId, customer.id);

    const replaced = await polar.customers.update(customer.id, { metadata: { c: false } });
    expect(replaced.metadata).toEqual({ c: false });
    expect(replaced.email_verified).toBe(true);
    expect(replaced.modified_at).toMatch(ISO_Z);
    expect(replaced.email).toBe("up@example.com");

    const moved = await polar.customers.update(customer.id, { email: "moved@example.com", name: "Moved" });
    expect(moved).toMatchObject({
      email: "moved@example.com",
      email_verified: false,
      name: "Moved",
      metadata: { c: false },
      avatar_url: gravatar("moved@example.com"),
    });

    const duplicate = await validationError(
      polar.customers.update(customer.id, { email: "taken@example.com" }),
    );
    expect(duplicate.error.detail).toEqual([
      {
        type: "value_error",
        loc: ["body", "email"],
        msg: "A customer with this email address already exists.",
        input: "taken@example.com",
      },
    ]);

    const set = await polar.customers.update(customer.id, { external_id: "ext-up" });
    expect(set.external_id).toBe("ext-up");
    expect((await polar.customers.update(customer.id, { external_id: "ext-up" })).external_id).toBe("ext-up");
    const locked = await validationError(polar.customers.update(customer.id, { external_id: "ext-other" }));
    expect(locked.error.detail?.[0]).toMatchObject({
      type: "value_error",
      loc: ["body", "external_id"],
      msg: "Customer external ID cannot be updated.",
    });
    expect((await polar.customers.get(customer.id)).external_id).toBe("ext-up");

    const cleared = await polar.customers.update(customer.id, { metadata: {} });
    expect(cleared.metadata).toEqual({});
  });

  it("updates, reads the state of and deletes a customer by external id", async () => {
    const { polar } = freshOrganization();
    const created = await polar.customers.create({ email: "ext@example.com", external_id: "ext/42 é" });

    const updated = await polar.customers.updateExternal("ext/42 é", {
      name: "External",
      metadata: { via: "external" },
      billing_address: { country: "US", state: "TX" },
    });
    expect(updated).toMatchObject({
      id: created.id,
      external_id: "ext/42 é",
      name: "External",
      metadata: { via: "external" },
      billing_address: { country: "US", state: "US-TX" },
    });
    expect(updated.modified_at).toMatch(ISO_Z);

    const state = await polar.customers.getStateExternal("ext/42 é");
    expect(state).toEqual({ ...updated, active_subscriptions: [], granted_benefits: [], active_meters: [] });
    expect(await polar.customers.getState(created.id)).toEqual(state);

    await expect(polar.customers.deleteExternal("ext/42 é")).resolves.toBeUndefined();
    await notFound(polar.customers.getExternal("ext/42 é"));
    await notFound(polar.customers.getStateExternal("ext/42 é"));
    await notFound(polar.customers.updateExternal("ext/42 é", { name: "ghost" }));
    await notFound(polar.customers.deleteExternal("ext/42 é"));
    await notFound(polar.customers.get(created.id));

    const again = await polar.customers.create({ email: "ext@example.com", external_id: "ext/42 é" });
    await polar.customers.deleteExternal("ext/42 é", { anonymize: true });
    await notFound(polar.customers.get(again.id));
  });

  it("deletes with and without anonymize", async () => {
    const { polar } = freshOrganization();
    const plain = await polar.customers.create({ email: "plain@example.com" });
    const anonymous = await polar.customers.create({
      email: "anon@example.com",
      name: "Anon",
      billing_address: { country: "DE", city: "Berlin" },
    });
    const survivor = await polar.customers.create({ email: "survivor@example.com" });

    await expect(polar.customers.delete(plain.id)).resolves.toBeUndefined();
    await expect(polar.customers.delete(anonymous.id, { anonymize: true })).resolves.toBeUndefined();
    for (const id of [plain.id, anonymous.id]) {
      await notFound(polar.customers.get(id));
      await notFound(polar.customers.getState(id));
      await notFound(polar.customers.delete(id));
    }
    const remaining = await polar.customers.list();
    expect(ids(remaining.items)).toEqual([survivor.id]);
    expect(remaining.pagination).toEqual({ total_count: 1, max_page: 1 });
    expect((await polar.customers.create({ email: "plain@example.com" })).email).toBe("plain@example.com");
  });

  it("exports CSV with the exact header and normalized rows", async () => {
    const { polar, organizationId } = freshOrganization();
    expect(await polar.customers.export()).toBe(`${EXPORT_HEADER}\r\n`);

    const full = await polar.customers.create({
      email: "csv@example.com",
      external_id: "csv-1",
      name: 'Jane "JJ" Doe',
      billing_address: { line1: "9 Elm", city: "Austin", state: "TX", postal_code: "73301", country: "US" },
      tax_id: "91-1144442",
      metadata: { plan: "pro" },
    });
    await sleep(3);
    const bare = await polar.customers.create({ email: "bare@example.com" });

    const text = await polar.customers.export();
    expect(text.split("\r\n")[0]).toBe(EXPORT_HEADER);
    expect(text).toContain(`,"Jane ""JJ"" Doe",`);
    const rows = parseCsv(text);
    expect(rows).toHaveLength(3);
    expect(rows[1][0]).toBe(full.id);
    expect(rows[1][1]).toBe("csv-1");
    expect(Date.parse(rows[1][2])).toBe(Date.parse(full.created_at));
    expect(rows[1].slice(3)).toEqual([
      "csv@example.com",
      'Jane "JJ" Doe',
      "911144442",
      "9 Elm",
      "",
      "Austin",
      "US-TX",
      "73301",
      "US",
      '{"plan": "pro"}',
    ]);
    expect(rows[2]).toEqual([
      bare.id,
      "",
      rows[2][2],
      "bare@example.com",
      "",
      "",
      "",
      "",
      "",
      "",
      "",
      "",
      "",
    ]);
    expect(await polar.customers.export({ organization_id: organizationId })).toBe(text);
    expect(await polar.customers.export({ organization_id: emulator.organizationId })).toBe(
      `${EXPORT_HEADER}\r\n`,
    );
  });
});

describe("@polar-sh/sdk 1.0 (2026-10): error classes", () => {
  let polar: Client;

  beforeAll(async () => {
    polar = freshOrganization().polar;
    await polar.customers.create({ email: "first@example.com", external_id: "first" });
  });

  it("maps 404 to errors.ResourceNotFound", async () => {
    await notFound(polar.customers.get(randomUUID()));
    await notFound(polar.customers.update(randomUUID(), { name: "x" }));
    await notFound(polar.customers.delete(randomUUID()));
    await notFound(polar.customers.getState(randomUUID()));
    await notFound(polar.customers.getExternal("missing"));
  });

  it("maps a duplicate email to errors.HTTPValidationError", async () => {
    const error = await validationError(polar.customers.create({ email: "First@example.com" }));
    expect(error.error).toEqual({
      error: "PolarRequestValidationError",
      detail: [
        {
          type: "value_error",
          loc: ["body", "email"],
          msg: "A customer with this email address already exists.",
          input: "First@example.com",
        },
      ],
    });
    const both = await validationError(
      polar.customers.create({ email: "first@example.com", external_id: "first" }),
    );
    expect(both.error.detail?.map((detail) => detail.msg)).toEqual([
      "A customer with this email address already exists.",
      "A customer with this external ID already exists.",
    ]);
  });

  it("maps an invalid email to errors.HTTPValidationError", async () => {
    const error = await validationError(polar.customers.create({ email: "not-an-email" }));
    expect(error.error.detail).toEqual([
      {
        type: "value_error",
        loc: ["body", "individual", "email"],
        msg: "value is not a valid email address: An email address must have an @-sign.",
        input: "not-an-email",
        ctx: { reason: "An email address must have an @-sign." },
      },
    ]);
  });

  it("maps a malformed id to errors.HTTPValidationError", async () => {
    const error = await validationError(polar.customers.get("not-a-uuid"));
    expect(error.error.detail?.[0]).toMatchObject({ type: "uuid_parsing", loc: ["path", "id"] });
  });
});

describe("@polar-sh/sdk 1.0 (2026-10): organizations are isolated", () => {
  it("never shows one organization's customers to another", async () => {
    const a = freshOrganization();
    const b = freshOrganization();
    const ofA = await a.polar.customers.create({ email: "same@example.com", external_id: "same" });
    const ofB = await b.polar.customers.create({ email: "same@example.com", external_id: "same" });
    const onlyB = await b.polar.customers.create({ email: "only-b@example.com", external_id: "only-b" });

    const listA = await collect(a.polar.customers.iterList());
    expect(ids(listA)).toEqual([ofA.id]);
    expect(ids(listA)).not.toContain(onlyB.id);
    expect((await a.polar.customers.list({ organization_id: b.organizationId })).items).toEqual([]);
    expect((await a.polar.customers.list({ email: "only-b@example.com" })).items).toEqual([]);

    await notFound(a.polar.customers.get(ofB.id));
    await notFound(a.polar.customers.get(onlyB.id));
    await notFound(a.polar.customers.getState(onlyB.id));
    await notFound(a.polar.customers.getExternal("only-b"));
    await notFound(a.polar.customers.update(onlyB.id, { name: "hijack" }));
    await notFound(a.polar.customers.delete(onlyB.id));
    expect((await a.polar.customers.getExternal("same")).id).toBe(ofA.id);
    expect(parseCsv(await a.polar.customers.export()).map((row) => row[0])).toEqual(["ID", ofA.id]);

    expect(await b.polar.customers.get(onlyB.id)).toEqual(onlyB);
    expect((await b.polar.customers.getExternal("same")).id).toBe(ofB.id);
  });
});

describe("@polar-sh/sdk 1.0 (2026-10): discounts", () => {
  it("creates, lists, gets, updates and deletes discounts", async () => {
    const { polar, organizationId } = freshOrganization();
    const pro = await polar.products.create({
      name: "Pro",
      recurring_interval: "month",
      prices: [{ amount_type: "fixed", price_amount: 2000 }],
    });
    const fixed = await polar.discounts.create({
      type: "fixed",
      name: "Ten off",
      duration: "repeating",
      duration_in_months: 12,
      amounts: { eur: 900, gbp: 800 },
      code: "TEN",
      starts_at: "2026-01-01T00:00:00Z",
      products: [pro.id],
    });
    expect(fixed).toMatchObject({
      duration: "repeating",
      duration_in_months: 12,
      type: "fixed",
      amount: 900,
      currency: "eur",
      amounts: { eur: 900, gbp: 800 },
      code: "TEN",
      starts_at: "2026-01-01T00:00:00Z",
      ends_at: null,
      redemptions_count: 0,
      organization_id: organizationId,
    });
    expect(fixed.created_at).toMatch(ISO_Z);
    expect(fixed.products.map((product) => product.id)).toEqual([pro.id]);
    const percentage = await polar.discounts.create({
      type: "percentage",
      name: "Half",
      duration: "once",
      basis_points: 5000,
    });
    expect(percentage).toMatchObject({ type: "percentage", basis_points: 5000, products: [] });

    const page = await polar.discounts.list({ sorting: ["-name"] });
    expect(page.items.map((item) => item.name)).toEqual(["Ten off", "Half"]);
    expect(page.pagination).toEqual({ total_count: 2, max_page: 1 });
    const all = [];
    for await (const item of polar.discounts.iterList({ limit: 1 })) all.push(item.id);
    expect(all).toEqual([percentage.id, fixed.id]);
    expect((await polar.discounts.list({ query: "ten" })).items.map((item) => item.id)).toEqual([fixed.id]);

    // Read back from the database, amounts are in jsonb's key order, and so is the "first" currency.
    const read = await polar.discounts.get(fixed.id);
    expect(read.type === "fixed" && "amounts" in read ? Object.keys(read.amounts) : []).toEqual([
      "eur",
      "gbp",
    ]);
    const updated = await polar.discounts.update(fixed.id, {
      name: "Ten percent",
      ends_at: "2026-12-31T23:59:59Z",
    });
    expect(updated).toMatchObject({ name: "Ten percent", ends_at: "2026-12-31T23:59:59Z" });
    expect(updated.modified_at).toMatch(ISO_Z);

    const invalid = await validationError(
      polar.discounts.create({ type: "percentage", name: "Bad", duration: "repeating", basis_points: 1 }),
    );
    expect(invalid.error.detail?.[0]).toMatchObject({
      type: "value_error",
      loc: ["body", "percentage"],
      msg: "Value error, `duration_in_months` is required when `duration` is `repeating`.",
    });
    const duration = await validationError(polar.discounts.update(fixed.id, { duration: "forever" }));
    expect(duration.error).toEqual({
      error: "PolarRequestValidationError",
      detail: [
        {
          type: "value_error",
          loc: ["body", "duration"],
          msg: "Duration cannot be changed.",
          input: "forever",
        },
      ],
    });

    await polar.discounts.delete(percentage.id);
    await notFound(polar.discounts.get(percentage.id));
    await notFound(polar.discounts.update(percentage.id, { name: "x" }));
    await notFound(freshOrganization().polar.discounts.get(fixed.id));
    expect((await polar.discounts.list()).items.map((item) => item.id)).toEqual([fixed.id]);
  });
});
