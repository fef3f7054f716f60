/**
 * Polar's webhooks API over real HTTP (webhook/endpoints.py): endpoints created, listed, read,
 * patched, re-keyed and deleted with Polar's shapes and 422s; scopes and organization isolation;
 * the deliveries list and its filters; redelivery; and both official clients (0.49 parses every
 * answer with zod, 1.x must return what plain HTTP gets).
 */
import { Polar } from "@polar-sh/sdk";
import { ResourceNotFound } from "@polar-sh/sdk/models/errors/resourcenotfound.js";
import { createPolar, errors, webhooks } from "polar-sdk-v1/2026-10";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningEmulator, startEmulator } from "../../src/index.js";
import { startTestEmulator, tenant } from "../helpers.js";
import { type Answer, type Received, type Receiver, startReceiver } from "./receiver.js";

type Ctx = Awaited<ReturnType<typeof startTestEmulator>>;
type Headers = { Authorization: string };
type Tenant = ReturnType<typeof tenant>;

interface Endpoint {
  created_at: string;
  modified_at: string | null;
  id: string;
  url: string;
  name: string | null;
  api_version: string;
  format: string;
  secret: string;
  organization_id: string;
  events: string[];
  enabled: boolean;
  uses_standard_webhook_signature: boolean;
}

interface WebhookEvent {
  created_at: string;
  modified_at: string | null;
  id: string;
  last_http_code: number | null;
  succeeded: boolean | null;
  skipped: boolean;
  api_version: string;
  payload: string | null;
  type: string;
  is_archived: boolean;
}

interface Delivery {
  created_at: string;
  modified_at: string | null;
  id: string;
  succeeded: boolean;
  http_code: number | null;
  response: string | null;
  webhook_event: WebhookEvent;
}

const ENDPOINT_KEYS = [
  "created_at",
  "modified_at",
  "id",
  "url",
  "name",
  "api_version",
  "format",
  "secret",
  "organization_id",
  "events",
  "enabled",
  "uses_standard_webhook_signature",
];
const DELIVERY_KEYS = [
  "created_at",
  "modified_at",
  "id",
  "succeeded",
  "http_code",
  "response",
  "webhook_event",
];
const EVENT_KEYS = [
  "created_at",
  "modified_at",
  "id",
  "last_http_code",
  "succeeded",
  "skipped",
  "api_version",
  "payload",
  "type",
  "is_archived",
];
/** A secret Polar generates since 2026-09-08: `whsec_` and the base64 of 32 random bytes. */
const SECRET = /^whsec_[A-Za-z0-9+/]{43}=$/;
const ISO_Z = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{6})?Z$/;
const UUID4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const NOT_FOUND = { error: "ResourceNotFound", detail: "Not found" };
const INSUFFICIENT_SCOPE = {
  error: "insufficient_scope",
  error_description: "The request requires higher privileges than provided by the access token.",
};

let ctx: Ctx;
/** A second emulator with ctx's seed, for the determinism test. */
let twin: RunningEmulator;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  // Fast retries: a failing receiver is tried twice, right away.
  const webhooks = { retryDelays: [0], maxAttempts: 2, timeoutMs: 2_000 };
  [ctx, twin] = await Promise.all([startTestEmulator({ webhooks }), startEmulator({ webhooks })]);
});

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  await Promise.all([ctx?.emulator.close(), twin?.close()]);
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function receiver(answer?: (request: Received) => Answer | undefined): Promise<Receiver> {
  const started = await startReceiver(answer);
  cleanups.push(() => started.close());
  return started;
}

async function idle(): Promise<void> {
  expect(await ctx.emulator.webhooks.idle(10_000)).toBe(true);
}

async function createEndpoint(headers: Headers, body: Record<string, unknown>): Promise<Endpoint> {
  const res = await ctx.http.post("/v1/webhooks/endpoints").set(headers).send(body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as Endpoint;
}

async function listEndpoints(headers: Headers, query: Record<string, string | number> = {}) {
  const res = await ctx.http.get("/v1/webhooks/endpoints").query(query).set(headers);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as { items: Endpoint[]; pagination: { total_count: number; max_page: number } };
}

async function getEndpoint(headers: Headers, id: string): Promise<Endpoint> {
  const res = await ctx.http.get(`/v1/webhooks/endpoints/${id}`).set(headers);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as Endpoint;
}

async function deliveries(headers: Headers, query: string) {
  const res = await ctx.http.get(`/v1/webhooks/deliveries?${query}`).set(headers);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as { items: Delivery[]; pagination: { total_count: number; max_page: number } };
}

async function createCustomer(headers: Headers, email: string): Promise<{ id: string }> {
  const res = await ctx.http.post("/v1/customers/").set(headers).send({ email });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string };
}

/**
 * What a receiver does on receipt: verify, then parse the payload. An endpoint created now signs
 * the Standard Webhooks way, which the 1.x client verifies (the 0.x one only knows the legacy
 * key); a secret the user chose signs the legacy way, which both verify.
 */
async function verifies(request: Received, secret: string): Promise<boolean> {
  try {
    await webhooks.validateEvent(request.body, request.headers, secret);
    return true;
  } catch (error) {
    if (error instanceof webhooks.PolarWebhookVerificationError) return false;
    throw error;
  }
}

const randomUuid = () => crypto.randomUUID();

describe("determinism", () => {
  // First in the file: ctx's webhook engine has made nothing yet, so its sequence starts as twin's.
  it("gives the same ids and secrets for the same seed and the same calls", async () => {
    const bodies = [
      { url: "https://a.example.com/hook", format: "raw", events: ["customer.created"] },
      { url: "http://localhost:4000/hook", format: "raw", events: ["customer.updated"], name: "local" },
    ];
    const run = async (emulator: RunningEmulator) => {
      const headers = { Authorization: `Bearer ${emulator.token}`, "Content-Type": "application/json" };
      const answers: Endpoint[] = [];
      for (const body of bodies) {
        const res = await fetch(`${emulator.url}/v1/webhooks/endpoints`, {
          method: "POST",
          headers,
          body: JSON.stringify(body),
        });
        expect(res.status).toBe(201);
        answers.push((await res.json()) as Endpoint);
      }
      return answers.map(({ id, secret, organization_id }) => ({ id, secret, organization_id }));
    };
    const [first, second] = await Promise.all([run(ctx.emulator), run(twin)]);
    expect(second).toEqual(first);
    expect(first[0]?.secret).not.toBe(first[1]?.secret);
    expect(first[0]?.id).not.toBe(first[1]?.id);
    for (const endpoint of first) {
      expect(endpoint.id).toMatch(UUID4);
      expect(endpoint.secret).toMatch(SECRET);
    }
  });
});

describe("create", () => {
  it("answers 201 with Polar's WebhookEndpoint, a generated secret and a normalized URL", async () => {
    const t = tenant(ctx.emulator);
    const res = await ctx.http
      .post("/v1/webhooks/endpoints")
      .set(t.headers)
      .send({
        url: "https://Example.com",
        format: "raw",
        events: ["customer.created", "subscription.active"],
        name: "Production",
      });
    expect(res.status).toBe(201);
    expect(res.headers["content-type"]).toBe("application/json");
    expect(Object.keys(res.body)).toEqual(ENDPOINT_KEYS);
    expect(res.body).toMatchObject({
      modified_at: null,
      url: "https://example.com/",
      name: "Production",
      format: "raw",
      organization_id: t.organizationId,
      events: ["customer.created", "subscription.active"],
      enabled: true,
    });
    expect(res.body.id).toMatch(UUID4);
    expect(res.body.created_at).toMatch(ISO_Z);
    expect(res.body.secret).toMatch(SECRET);
    expect(await getEndpoint(t.headers, res.body.id)).toEqual(res.body);
  });

  it("accepts http://, localhost and private addresses, and the chat formats; name defaults to null", async () => {
    const t = tenant(ctx.emulator);
    const local = await createEndpoint(t.headers, {
      url: "http://localhost:3000/api/webhooks/polar",
      format: "raw",
      events: [],
    });
    expect(local).toMatchObject({ url: "http://localhost:3000/api/webhooks/polar", name: null, events: [] });
    const loopback = await createEndpoint(t.headers, {
      url: "  http://127.0.0.1:8080/Hook?x=1  ",
      format: "slack",
      events: ["order.paid"],
    });
    expect(loopback).toMatchObject({ url: "http://127.0.0.1:8080/Hook?x=1", format: "slack" });
    const lan = await createEndpoint(t.headers, {
      url: "https://192.168.1.20:443/hook",
      format: "discord",
      events: ["customer.deleted"],
    });
    expect(lan).toMatchObject({ url: "https://192.168.1.20/hook", format: "discord" });
    // Every endpoint gets a secret of its own.
    const secrets = [local, loopback, lan].map((endpoint) => endpoint.secret);
    for (const secret of secrets) expect(secret).toMatch(SECRET);
    expect(new Set(secrets).size).toBe(3);
  });

  it("keeps a deprecated secret of at least 32 characters as given", async () => {
    const t = tenant(ctx.emulator);
    const secret = `polar_whs_${"k".repeat(30)}`;
    const endpoint = await createEndpoint(t.headers, {
      url: "https://example.com/hook",
      format: "raw",
      events: ["customer.created"],
      secret,
    });
    expect(endpoint.secret).toBe(secret);
  });
});

describe("create: Polar's 422s", () => {
  const valid = { url: "https://example.com/hook", format: "raw", events: ["customer.created"] };
  let t: Tenant;

  beforeAll(async () => {
    t = tenant(ctx.emulator);
    await createEndpoint(t.headers, valid);
  });

  async function rejected(body: unknown) {
    const res = await ctx.http
      .post("/v1/webhooks/endpoints")
      .set(t.headers)
      .send(body as object);
    expect(res.status, JSON.stringify(res.body)).toBe(422);
    return res.body;
  }

  it("names each missing field", async () => {
    expect(await rejected({})).toEqual({
      error: "RequestValidationError",
      detail: [
        { type: "missing", loc: ["body", "url"], msg: "Field required", input: {} },
        { type: "missing", loc: ["body", "format"], msg: "Field required", input: {} },
        { type: "missing", loc: ["body", "events"], msg: "Field required", input: {} },
      ],
    });
    expect(await rejected({ url: valid.url, format: "raw" })).toEqual({
      error: "RequestValidationError",
      detail: [
        {
          type: "missing",
          loc: ["body", "events"],
          msg: "Field required",
          input: { url: valid.url, format: "raw" },
        },
      ],
    });
  });

  it("refuses an unknown format and an unknown event type", async () => {
    expect(await rejected({ ...valid, format: "xml" })).toEqual({
      error: "RequestValidationError",
      detail: [
        {
          type: "enum",
          loc: ["body", "format"],
          msg: "Input should be 'raw', 'discord' or 'slack'",
          input: "xml",
          ctx: { expected: "'raw', 'discord' or 'slack'" },
        },
      ],
    });
    const body = await rejected({ ...valid, events: ["customer.created", "customer.exploded"] });
    expect(body.error).toBe("RequestValidationError");
    expect(body.detail).toHaveLength(1);
    const [entry] = body.detail;
    expect(entry).toMatchObject({ type: "enum", loc: ["body", "events", 1], input: "customer.exploded" });
    expect(Object.keys(entry)).toEqual(["type", "loc", "msg", "input", "ctx"]);
    expect(entry.msg).toBe(`Input should be ${entry.ctx.expected}`);
    expect(entry.ctx.expected).toMatch(
      /^'checkout\.created', .*'customer\.state_changed', .* or '[a-z_.]+'$/,
    );
  });

  it("refuses a string that is not a URL, and a scheme other than http(s)", async () => {
    expect(await rejected({ ...valid, url: "not a url" })).toEqual({
      error: "RequestValidationError",
      detail: [
        {
          type: "url_parsing",
          loc: ["body", "url"],
          msg: "Input should be a valid URL, relative URL without a base",
          input: "not a url",
          ctx: { error: "relative URL without a base" },
        },
      ],
    });
    expect(await rejected({ ...valid, url: "ftp://files.example.com/hook" })).toEqual({
      error: "RequestValidationError",
      detail: [
        {
          type: "url_scheme",
          loc: ["body", "url"],
          msg: "URL scheme should be 'http' or 'https'",
          input: "ftp://files.example.com/hook",
          ctx: { expected_schemes: "'http' or 'https'" },
        },
      ],
    });
  });

  it("reports every invalid field at once, in the schema's field order, as pydantic does", async () => {
    expect(await rejected({ url: "ftp://files.example.com/hook", format: "xml", events: [] })).toEqual({
      error: "RequestValidationError",
      detail: [
        {
          type: "url_scheme",
          loc: ["body", "url"],
          msg: "URL scheme should be 'http' or 'https'",
          input: "ftp://files.example.com/hook",
          ctx: { expected_schemes: "'http' or 'https'" },
        },
        {
          type: "enum",
          loc: ["body", "format"],
          msg: "Input should be 'raw', 'discord' or 'slack'",
          input: "xml",
          ctx: { expected: "'raw', 'discord' or 'slack'" },
        },
      ],
    });
  });

  it("refuses organization_id with an organization token", async () => {
    expect(await rejected({ ...valid, organization_id: t.organizationId })).toEqual({
      error: "PolarRequestValidationError",
      detail: [
        {
          type: "organization_token",
          loc: ["body", "organization_id"],
          msg: "Setting organization_id is disallowed when using an organization token.",
          input: t.organizationId,
        },
      ],
    });
  });

  it("refuses a deprecated secret shorter than 32 characters", async () => {
    expect(await rejected({ ...valid, secret: "whsec_short" })).toEqual({
      error: "RequestValidationError",
      detail: [
        {
          type: "string_too_short",
          loc: ["body", "secret"],
          msg: "String should have at least 32 characters",
          input: "whsec_short",
          ctx: { min_length: 32 },
        },
      ],
    });
  });

  it("creates nothing when it refuses", async () => {
    const listed = await listEndpoints(t.headers);
    expect(listed.pagination.total_count).toBe(1);
    expect(listed.items.map((endpoint) => endpoint.url)).toEqual([valid.url]);
  });
});

describe("list and get", () => {
  it("lists the organization's endpoints newest first, in Polar's pagination envelope", async () => {
    const t = tenant(ctx.emulator);
    expect(await listEndpoints(t.headers)).toEqual({
      items: [],
      pagination: { total_count: 0, max_page: 0 },
    });
    const made: Endpoint[] = [];
    for (const name of ["one", "two", "three"]) {
      made.push(
        await createEndpoint(t.headers, {
          url: `https://example.com/${name}`,
          format: "raw",
          events: ["customer.created"],
          name,
        }),
      );
    }
    const newestFirst = [...made].reverse();
    const all = await listEndpoints(t.headers);
    expect(all).toEqual({ items: newestFirst, pagination: { total_count: 3, max_page: 1 } });
    const first = await listEndpoints(t.headers, { limit: 2 });
    expect(first.items.map((endpoint) => endpoint.name)).toEqual(["three", "two"]);
    expect(first.pagination).toEqual({ total_count: 3, max_page: 2 });
    const second = await listEndpoints(t.headers, { limit: 2, page: 2 });
    expect(second.items.map((endpoint) => endpoint.name)).toEqual(["one"]);
    expect(second.pagination).toEqual({ total_count: 3, max_page: 2 });
    expect(await listEndpoints(t.headers, { limit: 2, page: 7 })).toEqual({
      items: [],
      pagination: { total_count: 3, max_page: 2 },
    });
    // A limit over 100 is clamped, not refused.
    expect((await listEndpoints(t.headers, { limit: 1000 })).items).toHaveLength(3);
    // organization_id is intersected with the token's organization.
    expect((await listEndpoints(t.headers, { organization_id: t.organizationId })).items).toHaveLength(3);
    expect(await listEndpoints(t.headers, { organization_id: randomUuid() })).toEqual({
      items: [],
      pagination: { total_count: 0, max_page: 0 },
    });
    const page0 = await ctx.http.get("/v1/webhooks/endpoints?page=0").set(t.headers);
    expect(page0.status).toBe(422);
    expect(page0.body.detail[0]).toMatchObject({ type: "greater_than", loc: ["query", "page"] });
  });

  it("answers 404 for an unknown endpoint and for another organization's, and 422 for a bad id", async () => {
    const owner = tenant(ctx.emulator);
    const stranger = tenant(ctx.emulator);
    const endpoint = await createEndpoint(owner.headers, {
      url: "https://example.com/private",
      format: "raw",
      events: ["customer.created"],
    });
    for (const [headers, id] of [
      [owner.headers, randomUuid()],
      [stranger.headers, endpoint.id],
    ] as const) {
      const attempts = [
        ctx.http.get(`/v1/webhooks/endpoints/${id}`).set(headers),
        ctx.http.patch(`/v1/webhooks/endpoints/${id}`).set(headers).send({ name: "taken" }),
        ctx.http.patch(`/v1/webhooks/endpoints/${id}/secret`).set(headers),
        ctx.http.delete(`/v1/webhooks/endpoints/${id}`).set(headers),
      ];
      for (const res of await Promise.all(attempts)) {
        expect(res.status).toBe(404);
        expect(res.body).toEqual(NOT_FOUND);
      }
    }
    expect((await listEndpoints(stranger.headers)).items).toEqual([]);
    // Nothing the stranger tried changed it.
    expect(await getEndpoint(owner.headers, endpoint.id)).toEqual(endpoint);
    const bad = await ctx.http.get("/v1/webhooks/endpoints/not-a-uuid").set(owner.headers);
    expect(bad.status).toBe(422);
    expect(bad.body.detail[0]).toMatchObject({
      type: "uuid_parsing",
      loc: ["path", "id"],
      input: "not-a-uuid",
    });
  });
});

describe("update", () => {
  it("changes only the fields given and not null, and sets modified_at", async () => {
    const t = tenant(ctx.emulator);
    const created = await createEndpoint(t.headers, {
      url: "https://example.com/hook",
      format: "raw",
      events: ["customer.created"],
      name: "first",
    });
    const renamed = await ctx.http
      .patch(`/v1/webhooks/endpoints/${created.id}`)
      .set(t.headers)
      .send({ name: "second" });
    expect(renamed.status).toBe(200);
    expect(Object.keys(renamed.body)).toEqual(ENDPOINT_KEYS);
    expect(renamed.body.modified_at).toMatch(ISO_Z);
    expect(renamed.body).toEqual({ ...created, name: "second", modified_at: renamed.body.modified_at });

    const moved = await ctx.http
      .patch(`/v1/webhooks/endpoints/${created.id}`)
      .set(t.headers)
      .send({
        url: "http://LOCALHOST:9000/new",
        format: "slack",
        events: ["customer.updated", "customer.deleted"],
        name: null,
        enabled: null,
        secret: null,
      });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({
      id: created.id,
      created_at: created.created_at,
      url: "http://localhost:9000/new",
      format: "slack",
      events: ["customer.updated", "customer.deleted"],
      name: "second",
      secret: created.secret,
      enabled: true,
    });
    expect(await getEndpoint(t.headers, created.id)).toEqual(moved.body);

    const empty = await ctx.http.patch(`/v1/webhooks/endpoints/${created.id}`).set(t.headers).send({});
    expect(empty.status).toBe(200);
    expect({ ...empty.body, modified_at: null }).toEqual({ ...moved.body, modified_at: null });
  });

  it("refuses a bad URL or a short secret with Polar's 422 and changes nothing", async () => {
    const t = tenant(ctx.emulator);
    const created = await createEndpoint(t.headers, {
      url: "https://example.com/hook",
      format: "raw",
      events: ["customer.created"],
      name: "kept",
    });
    const badUrl = await ctx.http
      .patch(`/v1/webhooks/endpoints/${created.id}`)
      .set(t.headers)
      .send({ url: "mailto:someone@example.com", name: "lost" });
    expect(badUrl.status).toBe(422);
    expect(badUrl.body).toEqual({
      error: "RequestValidationError",
      detail: [
        {
          type: "url_scheme",
          loc: ["body", "url"],
          msg: "URL scheme should be 'http' or 'https'",
          input: "mailto:someone@example.com",
          ctx: { expected_schemes: "'http' or 'https'" },
        },
      ],
    });
    const badSecret = await ctx.http
      .patch(`/v1/webhooks/endpoints/${created.id}`)
      .set(t.headers)
      .send({ secret: "tiny", name: "lost" });
    expect(badSecret.status).toBe(422);
    expect(badSecret.body.detail).toEqual([
      {
        type: "string_too_short",
        loc: ["body", "secret"],
        msg: "String should have at least 32 characters",
        input: "tiny",
        ctx: { min_length: 32 },
      },
    ]);
    const badEnabled = await ctx.http
      .patch(`/v1/webhooks/endpoints/${created.id}`)
      .set(t.headers)
      .send({ enabled: "perhaps", name: "lost" });
    expect(badEnabled.status).toBe(422);
    expect(badEnabled.body.detail[0]).toMatchObject({ type: "bool_parsing", loc: ["body", "enabled"] });
    expect(await getEndpoint(t.headers, created.id)).toEqual(created);
  });

  it("turns an endpoint off and on: a disabled endpoint gets nothing, an enabled one gets new events", async () => {
    const t = tenant(ctx.emulator);
    const r = await receiver();
    const endpoint = await createEndpoint(t.headers, {
      url: r.url,
      format: "raw",
      events: ["customer.created"],
    });
    const off = await ctx.http
      .patch(`/v1/webhooks/endpoints/${endpoint.id}`)
      .set(t.headers)
      .send({ enabled: false });
    expect(off.status).toBe(200);
    expect(off.body.enabled).toBe(false);
    expect((await getEndpoint(t.headers, endpoint.id)).enabled).toBe(false);
    await createCustomer(t.headers, "while-off@example.com");
    await idle();
    expect(r.received).toHaveLength(0);

    const on = await ctx.http
      .patch(`/v1/webhooks/endpoints/${endpoint.id}`)
      .set(t.headers)
      .send({ enabled: true });
    expect(on.status).toBe(200);
    expect(on.body.enabled).toBe(true);
    const customer = await createCustomer(t.headers, "while-on@example.com");
    const [received] = await r.waitForCount(1);
    expect(received?.json.type).toBe("customer.created");
    expect(received?.json.data.id).toBe(customer.id);
    await idle();
    expect(r.received).toHaveLength(1);
  });
});

describe("reset the secret", () => {
  it("gives a new whsec_ secret; later deliveries, redeliveries too, verify with it only", async () => {
    const t = tenant(ctx.emulator);
    const r = await receiver();
    const endpoint = await createEndpoint(t.headers, {
      url: r.url,
      format: "raw",
      events: ["customer.created"],
    });
    const oldSecret = endpoint.secret;
    await createCustomer(t.headers, "before-reset@example.com");
    const [before] = await r.waitForCount(1);
    if (!before) throw new Error("no delivery before the reset");
    expect(await verifies(before, oldSecret)).toBe(true);

    const reset = await ctx.http.patch(`/v1/webhooks/endpoints/${endpoint.id}/secret`).set(t.headers);
    expect(reset.status).toBe(200);
    expect(Object.keys(reset.body)).toEqual(ENDPOINT_KEYS);
    const newSecret = reset.body.secret as string;
    expect(newSecret).toMatch(SECRET);
    expect(newSecret).not.toBe(oldSecret);
    expect(reset.body.modified_at).toMatch(ISO_Z);
    expect(reset.body).toEqual({ ...endpoint, secret: newSecret, modified_at: reset.body.modified_at });
    expect((await getEndpoint(t.headers, endpoint.id)).secret).toBe(newSecret);

    await createCustomer(t.headers, "after-reset@example.com");
    const redeliver = await ctx.http.post(`/v1/webhooks/events/${before.webhookId}/redeliver`).set(t.headers);
    expect(redeliver.status).toBe(202);
    const later = (await r.waitForCount(3)).slice(1);
    expect(later.map((request) => request.json.type)).toEqual(["customer.created", "customer.created"]);
    for (const request of later) {
      expect(await verifies(request, newSecret)).toBe(true);
      expect(await verifies(request, oldSecret)).toBe(false);
    }
    // The redelivery carries the first event again, same id and bytes, signed anew.
    expect(later[1]?.webhookId).toBe(before.webhookId);
    expect(later[1]?.body).toBe(before.body);
  });
});

describe("delete", () => {
  it("answers 204 with no body, then 404; deliveries stop, queued ones included", async () => {
    const t = tenant(ctx.emulator);
    const r = await receiver();
    const endpoint = await createEndpoint(t.headers, {
      url: r.url,
      format: "raw",
      events: ["customer.created"],
    });
    await createCustomer(t.headers, "delivered@example.com");
    await r.waitForCount(1);

    ctx.emulator.webhooks.pause();
    try {
      await createCustomer(t.headers, "queued@example.com");
      const deleted = await ctx.http.delete(`/v1/webhooks/endpoints/${endpoint.id}`).set(t.headers);
      expect(deleted.status).toBe(204);
      expect(deleted.text).toBe("");
      expect(deleted.headers["content-length"] ?? "0").toBe("0");
    } finally {
      ctx.emulator.webhooks.resume();
    }
    await createCustomer(t.headers, "after-delete@example.com");
    await idle();
    await sleep(50);
    expect(r.received).toHaveLength(1);

    for (const res of await Promise.all([
      ctx.http.get(`/v1/webhooks/endpoints/${endpoint.id}`).set(t.headers),
      ctx.http.delete(`/v1/webhooks/endpoints/${endpoint.id}`).set(t.headers),
      ctx.http.patch(`/v1/webhooks/endpoints/${endpoint.id}`).set(t.headers).send({ name: "back" }),
      ctx.http.patch(`/v1/webhooks/endpoints/${endpoint.id}/secret`).set(t.headers),
    ])) {
      expect(res.status).toBe(404);
      expect(res.body).toEqual(NOT_FOUND);
    }
    expect(await listEndpoints(t.headers)).toEqual({
      items: [],
      pagination: { total_count: 0, max_page: 0 },
    });
  });
});

describe("scopes and tokens", () => {
  it("lets webhooks:read read, and needs webhooks:write to change anything", async () => {
    const owner = tenant(ctx.emulator);
    const endpoint = await createEndpoint(owner.headers, {
      url: "https://example.com/hook",
      format: "raw",
      events: ["customer.created"],
    });
    // The reader is another organization: it sees its own (empty) list, and the owner's endpoint is 404.
    const reader = tenant(ctx.emulator, ["webhooks:read"]);
    expect((await ctx.http.get("/v1/webhooks/endpoints").set(reader.headers)).status).toBe(200);
    expect((await ctx.http.get("/v1/webhooks/deliveries").set(reader.headers)).status).toBe(200);
    expect((await ctx.http.get(`/v1/webhooks/endpoints/${endpoint.id}`).set(reader.headers)).status).toBe(
      404,
    );
    const writes = [
      ctx.http
        .post("/v1/webhooks/endpoints")
        .set(reader.headers)
        .send({ url: "https://example.com/x", format: "raw", events: [] }),
      ctx.http.patch(`/v1/webhooks/endpoints/${randomUuid()}`).set(reader.headers).send({ name: "x" }),
      ctx.http.patch(`/v1/webhooks/endpoints/${randomUuid()}/secret`).set(reader.headers),
      ctx.http.delete(`/v1/webhooks/endpoints/${randomUuid()}`).set(reader.headers),
      ctx.http.post(`/v1/webhooks/events/${randomUuid()}/redeliver`).set(reader.headers),
    ];
    for (const res of await Promise.all(writes)) {
      expect(res.status).toBe(403);
      expect(res.body).toEqual(INSUFFICIENT_SCOPE);
      expect(res.headers["www-authenticate"]).toBe(
        `Bearer realm="polar", scope="webhooks:write", error="insufficient_scope", error_description="${INSUFFICIENT_SCOPE.error_description}"`,
      );
    }

    const writer = tenant(ctx.emulator, ["webhooks:write"]);
    const made = await createEndpoint(writer.headers, {
      url: "https://example.com/w",
      format: "raw",
      events: [],
    });
    expect((await ctx.http.get(`/v1/webhooks/endpoints/${made.id}`).set(writer.headers)).status).toBe(200);
    expect((await ctx.http.get("/v1/webhooks/deliveries").set(writer.headers)).status).toBe(200);
  });

  it("refuses a token without any webhooks scope, and requests without a valid token", async () => {
    const other = tenant(ctx.emulator, ["customers:read", "customers:write"]);
    const reads = [
      ctx.http.get("/v1/webhooks/endpoints").set(other.headers),
      ctx.http.get(`/v1/webhooks/endpoints/${randomUuid()}`).set(other.headers),
      ctx.http.get("/v1/webhooks/deliveries").set(other.headers),
    ];
    for (const res of await Promise.all(reads)) {
      expect(res.status).toBe(403);
      expect(res.body).toEqual(INSUFFICIENT_SCOPE);
      expect(res.headers["www-authenticate"]).toContain('scope="webhooks:read webhooks:write"');
    }
    const anonymous = await ctx.http.get("/v1/webhooks/endpoints");
    expect(anonymous.status).toBe(401);
    expect(anonymous.body).toEqual({ error: "Unauthorized", detail: "Unauthorized" });
    expect(anonymous.headers["www-authenticate"]).toBe('Bearer realm="polar"');
    const unknown = await ctx.http
      .post("/v1/webhooks/endpoints")
      .set("Authorization", `Bearer polar_oat_${"z".repeat(43)}`)
      .send({ url: "https://example.com/x", format: "raw", events: [] });
    expect(unknown.status).toBe(401);
    expect(unknown.body.error).toBe("invalid_token");
  });
});

describe("deliveries", () => {
  let t: Tenant;
  let ok: Receiver;
  let okEndpoint: Endpoint;
  let failEndpoint: Endpoint;
  let all: Delivery[];
  /** The deliveries of the first burst (customer.created), then of the second (customer.updated). */
  let firstBurst: Delivery[];
  let secondBurst: Delivery[];

  beforeAll(async () => {
    t = tenant(ctx.emulator);
    ok = await receiver();
    const failing = await receiver(() => ({ status: 503, body: "down for maintenance" }));
    okEndpoint = await createEndpoint(t.headers, {
      url: ok.url,
      format: "raw",
      events: ["customer.created", "customer.updated"],
    });
    failEndpoint = await createEndpoint(t.headers, {
      url: failing.url,
      format: "raw",
      events: ["customer.created"],
    });
    const customer = await createCustomer(t.headers, "deliveries@example.com");
    await idle();
    await sleep(25);
    const patched = await ctx.http
      .patch(`/v1/customers/${customer.id}`)
      .set(t.headers)
      .send({ name: "Renamed" });
    expect(patched.status).toBe(200);
    await idle();
    all = (await deliveries(t.headers, "limit=100")).items;
    secondBurst = all.filter((delivery) => delivery.webhook_event.type === "customer.updated");
    firstBurst = all.filter((delivery) => delivery.webhook_event.type === "customer.created");
  });

  it("lists every attempt, newest first, each with its webhook event, in Polar's shape", async () => {
    expect(all).toHaveLength(4);
    expect(secondBurst).toHaveLength(1);
    expect(firstBurst).toHaveLength(3);
    // The second burst came after the first: newest first puts it on top.
    expect(all[0]).toBe(secondBurst[0]);
    for (const delivery of all) {
      expect(Object.keys(delivery)).toEqual(DELIVERY_KEYS);
      expect(Object.keys(delivery.webhook_event)).toEqual(EVENT_KEYS);
      expect(delivery.id).toMatch(UUID4);
      expect(delivery.created_at).toMatch(ISO_Z);
      expect(delivery.webhook_event.created_at).toMatch(ISO_Z);
      expect(delivery.webhook_event.is_archived).toBe(false);
      expect(delivery.webhook_event.skipped).toBe(false);
    }
    const [updated] = secondBurst;
    expect(updated).toMatchObject({
      succeeded: true,
      http_code: 200,
      response: "ok",
      webhook_event: { succeeded: true, last_http_code: 200, type: "customer.updated" },
    });
    // The payload is the exact body the receiver got.
    const updatedReceipt = ok.received.find((request) => request.json.type === "customer.updated");
    expect(updated?.webhook_event.payload).toBe(updatedReceipt?.body);
    expect(updated?.webhook_event.id).toBe(updatedReceipt?.webhookId);

    const failures = firstBurst.filter((delivery) => !delivery.succeeded);
    expect(failures).toHaveLength(2);
    for (const failure of failures) {
      expect(failure).toMatchObject({
        http_code: 503,
        response: "down for maintenance",
        webhook_event: { succeeded: false, last_http_code: 503, type: "customer.created" },
      });
    }
    // Both attempts were of one webhook event, different from the successful one's.
    expect(failures[0]?.webhook_event.id).toBe(failures[1]?.webhook_event.id);
    const success = firstBurst.find((delivery) => delivery.succeeded);
    expect(success?.webhook_event.id).not.toBe(failures[0]?.webhook_event.id);
    expect(success?.webhook_event.payload).toBe(failures[0]?.webhook_event.payload);
  });

  it("orders by created_at, newest first, also when attempts to two endpoints overlap", async () => {
    // Polar sorts by created_at descending. Here a slow endpoint's one attempt spans both attempts
    // of a failing endpoint, so the order attempts finish in differs from the order they started in.
    const own = tenant(ctx.emulator);
    const slow = await receiver(() => ({ status: 200, delayMs: 300 }));
    const flaky = await receiver(() => ({ status: 500, delayMs: 20 }));
    await createEndpoint(own.headers, { url: slow.url, format: "raw", events: ["customer.created"] });
    await createEndpoint(own.headers, { url: flaky.url, format: "raw", events: ["customer.created"] });
    await createCustomer(own.headers, "overlap@example.com");
    await idle();
    const listed = (await deliveries(own.headers, "")).items;
    expect(listed).toHaveLength(3);
    const times = listed.map((delivery) => Date.parse(delivery.created_at));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    // And the time window filters agree with that order.
    const newest = listed[0] as Delivery;
    const older = await deliveries(own.headers, `end_timestamp=${encodeURIComponent(newest.created_at)}`);
    expect(older.items.map((delivery) => delivery.id)).not.toContain(newest.id);
  });

  it("pages with page and limit", async () => {
    const first = await deliveries(t.headers, "limit=3");
    expect(first.pagination).toEqual({ total_count: 4, max_page: 2 });
    const second = await deliveries(t.headers, "limit=3&page=2");
    expect(second.pagination).toEqual({ total_count: 4, max_page: 2 });
    expect([...first.items, ...second.items]).toEqual(all);
    expect((await deliveries(t.headers, "limit=3&page=3")).items).toEqual([]);
    expect((await deliveries(t.headers, "")).items).toEqual(all);
  });

  it("filters by endpoint_id (repeatable), other organizations' endpoints matching nothing", async () => {
    const ids = (list: Delivery[]) => list.map((delivery) => delivery.id);
    const okOnly = await deliveries(t.headers, `endpoint_id=${okEndpoint.id}`);
    expect(ids(okOnly.items)).toEqual(ids(all.filter((delivery) => delivery.succeeded)));
    const failOnly = await deliveries(t.headers, `endpoint_id=${failEndpoint.id}`);
    expect(ids(failOnly.items)).toEqual(ids(all.filter((delivery) => !delivery.succeeded)));
    const both = await deliveries(t.headers, `endpoint_id=${okEndpoint.id}&endpoint_id=${failEndpoint.id}`);
    expect(both.items).toEqual(all);
    expect(await deliveries(t.headers, `endpoint_id=${randomUuid()}`)).toEqual({
      items: [],
      pagination: { total_count: 0, max_page: 0 },
    });
    const stranger = tenant(ctx.emulator);
    expect((await deliveries(stranger.headers, `endpoint_id=${okEndpoint.id}`)).items).toEqual([]);
    expect((await deliveries(stranger.headers, "")).items).toEqual([]);
  });

  it("keeps a deleted endpoint's deliveries in the list, but its id filters nothing in", async () => {
    const own = tenant(ctx.emulator);
    const r = await receiver();
    const endpoint = await createEndpoint(own.headers, {
      url: r.url,
      format: "raw",
      events: ["customer.created"],
    });
    await createCustomer(own.headers, "deleted-endpoint@example.com");
    await r.waitForCount(1);
    await idle();
    expect((await ctx.http.delete(`/v1/webhooks/endpoints/${endpoint.id}`).set(own.headers)).status).toBe(
      204,
    );
    expect((await deliveries(own.headers, "")).items).toHaveLength(1);
    expect(await deliveries(own.headers, `endpoint_id=${endpoint.id}`)).toEqual({
      items: [],
      pagination: { total_count: 0, max_page: 0 },
    });
  });

  it("filters by succeeded, event_type (repeatable) and http_code_class", async () => {
    const ids = (list: Delivery[]) => list.map((delivery) => delivery.id);
    expect(ids((await deliveries(t.headers, "succeeded=true")).items)).toEqual(
      ids(all.filter((delivery) => delivery.succeeded)),
    );
    expect(ids((await deliveries(t.headers, "succeeded=false")).items)).toEqual(
      ids(all.filter((delivery) => !delivery.succeeded)),
    );
    expect(ids((await deliveries(t.headers, "succeeded=0")).items)).toEqual(
      ids(all.filter((delivery) => !delivery.succeeded)),
    );
    expect((await deliveries(t.headers, "event_type=customer.updated")).items).toEqual(secondBurst);
    expect((await deliveries(t.headers, "event_type=customer.created")).items).toEqual(firstBurst);
    expect(
      (await deliveries(t.headers, "event_type=customer.created&event_type=customer.updated")).items,
    ).toEqual(all);
    expect((await deliveries(t.headers, "event_type=subscription.created")).pagination.total_count).toBe(0);
    expect(ids((await deliveries(t.headers, "http_code_class=2xx")).items)).toEqual(
      ids(all.filter((delivery) => delivery.http_code === 200)),
    );
    expect(ids((await deliveries(t.headers, "http_code_class=5xx")).items)).toEqual(
      ids(all.filter((delivery) => delivery.http_code === 503)),
    );
    expect((await deliveries(t.headers, "http_code_class=4xx")).items).toEqual([]);
    const combined = await deliveries(t.headers, "succeeded=false&event_type=customer.created&limit=1");
    expect(combined.pagination).toEqual({ total_count: 2, max_page: 2 });
    const bad = await ctx.http.get("/v1/webhooks/deliveries?http_code_class=6xx").set(t.headers);
    expect(bad.status).toBe(422);
    // `Literal["2xx", "3xx", "4xx", "5xx"] | None` in Polar: pydantic's literal_error, not enum.
    expect(bad.body.detail[0]).toEqual({
      type: "literal_error",
      loc: ["query", "http_code_class"],
      msg: "Input should be '2xx', '3xx', '4xx' or '5xx'",
      input: "6xx",
      ctx: { expected: "'2xx', '3xx', '4xx' or '5xx'" },
    });
  });

  it("filters with query: a case-insensitive substring of the delivery id, the event id or the code", async () => {
    const matches = (query: string) =>
      all
        .filter(
          (delivery) =>
            delivery.id.includes(query) ||
            delivery.webhook_event.id.includes(query) ||
            String(delivery.http_code ?? "").includes(query),
        )
        .map((delivery) => delivery.id);
    const ids = (list: Delivery[]) => list.map((delivery) => delivery.id);
    const target = all[2] as Delivery;
    const piece = target.id.slice(0, 13);
    const byDelivery = ids((await deliveries(t.headers, `query=${piece}`)).items);
    expect(byDelivery).toContain(target.id);
    expect(byDelivery).toEqual(matches(piece));
    expect(ids((await deliveries(t.headers, `query=${piece.toUpperCase()}`)).items)).toEqual(byDelivery);
    const failedEvent = (all.find((delivery) => !delivery.succeeded) as Delivery).webhook_event.id;
    const byEvent = ids((await deliveries(t.headers, `query=${failedEvent}`)).items);
    expect(byEvent).toEqual(ids(all.filter((delivery) => delivery.webhook_event.id === failedEvent)));
    expect(byEvent).toHaveLength(2);
    const byCode = ids((await deliveries(t.headers, "query=503")).items);
    expect(byCode).toEqual(matches("503"));
    for (const failure of all.filter((delivery) => delivery.http_code === 503)) {
      expect(byCode).toContain(failure.id);
    }
  });

  it("filters by start_timestamp and end_timestamp, both exclusive", async () => {
    const ids = (list: Delivery[]) => list.map((delivery) => delivery.id);
    // Compared as instants: pydantic's form drops the fraction at .000, so strings do not sort.
    const time = (iso: string) => Date.parse(iso);
    const lastOfFirst = firstBurst
      .map((delivery) => delivery.created_at)
      .sort((a, b) => time(a) - time(b))[2] as string;
    const updatedAt = (secondBurst[0] as Delivery).created_at;
    expect(time(updatedAt)).toBeGreaterThan(time(lastOfFirst));
    const after = await deliveries(t.headers, `start_timestamp=${encodeURIComponent(lastOfFirst)}`);
    expect(ids(after.items)).toEqual(ids(secondBurst));
    const before = await deliveries(t.headers, `end_timestamp=${encodeURIComponent(updatedAt)}`);
    expect(ids(before.items)).toEqual(ids(firstBurst));
    const window = await deliveries(
      t.headers,
      `start_timestamp=2000-01-01T00:00:00Z&end_timestamp=${encodeURIComponent(updatedAt)}`,
    );
    expect(window.items).toEqual(firstBurst);
    // The same instants written with another offset.
    const plusTwo = (iso: string, deltaMs = 0) =>
      new Date(new Date(iso).getTime() + deltaMs + 2 * 3_600_000).toISOString().replace("Z", "+02:00");
    const atUpdate = await deliveries(t.headers, `end_timestamp=${encodeURIComponent(plusTwo(updatedAt))}`);
    expect(atUpdate.items).toEqual(firstBurst);
    const justAfter = await deliveries(
      t.headers,
      `end_timestamp=${encodeURIComponent(plusTwo(updatedAt, 1))}`,
    );
    expect(justAfter.items).toEqual(all);
  });

  it("refuses a timestamp without a timezone, as Polar's AwareDatetime does", async () => {
    const res = await ctx.http
      .get("/v1/webhooks/deliveries?start_timestamp=2026-01-01T00:00:00")
      .set(t.headers);
    expect(res.status).toBe(422);
    expect(res.body).toEqual({
      error: "RequestValidationError",
      detail: [
        {
          type: "timezone_aware",
          loc: ["query", "start_timestamp"],
          msg: "Input should have timezone info",
          input: "2026-01-01T00:00:00",
        },
      ],
    });
  });

  it("reports a missing timezone together with the other query errors", async () => {
    const res = await ctx.http
      .get("/v1/webhooks/deliveries?end_timestamp=2026-01-01T00:00:00&http_code_class=9xx")
      .set(t.headers);
    expect(res.status).toBe(422);
    expect(
      res.body.detail.map((detail: { type: string; loc: string[] }) => [detail.type, detail.loc]),
    ).toEqual([
      ["literal_error", ["query", "http_code_class"]],
      ["timezone_aware", ["query", "end_timestamp"]],
    ]);
  });
});

describe("redeliver", () => {
  it("answers 202 null and sends the same webhook event again, signed, and logged as a delivery", async () => {
    const t = tenant(ctx.emulator);
    const r = await receiver();
    const endpoint = await createEndpoint(t.headers, {
      url: r.url,
      format: "raw",
      events: ["customer.created"],
    });
    await createCustomer(t.headers, "redeliver@example.com");
    const [first] = await r.waitForCount(1);
    if (!first) throw new Error("nothing delivered");

    const res = await ctx.http.post(`/v1/webhooks/events/${first.webhookId}/redeliver`).set(t.headers);
    expect(res.status).toBe(202);
    expect(res.headers["content-type"]).toBe("application/json");
    expect(res.text).toBe("null");
    const [, again] = await r.waitForCount(2);
    expect(again?.webhookId).toBe(first.webhookId);
    expect(again?.body).toBe(first.body);
    expect(await verifies(again as Received, endpoint.secret)).toBe(true);
    await idle();
    const logged = await deliveries(t.headers, `endpoint_id=${endpoint.id}`);
    expect(logged.pagination.total_count).toBe(2);
    expect(logged.items.map((delivery) => delivery.webhook_event.id)).toEqual([
      first.webhookId,
      first.webhookId,
    ]);
    expect(logged.items.every((delivery) => delivery.succeeded)).toBe(true);
  });

  it("answers 404 for an unknown event and another organization's, 422 for a bad id", async () => {
    const t = tenant(ctx.emulator);
    const r = await receiver();
    await createEndpoint(t.headers, { url: r.url, format: "raw", events: ["customer.created"] });
    await createCustomer(t.headers, "mine@example.com");
    const [mine] = await r.waitForCount(1);
    const stranger = tenant(ctx.emulator);
    for (const [headers, id] of [
      [t.headers, randomUuid()],
      [stranger.headers, mine?.webhookId as string],
    ] as const) {
      const res = await ctx.http.post(`/v1/webhooks/events/${id}/redeliver`).set(headers);
      expect(res.status).toBe(404);
      expect(res.body).toEqual(NOT_FOUND);
    }
    await idle();
    expect(r.received).toHaveLength(1);
    const bad = await ctx.http.post("/v1/webhooks/events/123/redeliver").set(t.headers);
    expect(bad.status).toBe(422);
    expect(bad.body.detail[0]).toMatchObject({ type: "uuid_parsing", loc: ["path", "id"] });
  });
});

describe("@polar-sh/sdk 0.49", () => {
  it("resolves every webhooks call (its zod schemas accept each answer)", async () => {
    const t = tenant(ctx.emulator);
    const r = await receiver();
    const polar = new Polar({ accessToken: t.token, serverURL: ctx.emulator.url });
    const created = await polar.webhooks.createWebhookEndpoint({
      url: r.url,
      format: "raw",
      events: ["customer.created"],
      name: "sdk",
    });
    expect(created).toMatchObject({
      url: r.url,
      name: "sdk",
      format: "raw",
      organizationId: t.organizationId,
      events: ["customer.created"],
      enabled: true,
      modifiedAt: null,
    });
    expect(created.createdAt).toBeInstanceOf(Date);
    expect(created.secret).toMatch(SECRET);

    const page = await polar.webhooks.listWebhookEndpoints({ limit: 10 });
    expect(page.result.items.map((endpoint) => endpoint.id)).toEqual([created.id]);
    expect(page.result.pagination).toEqual({ totalCount: 1, maxPage: 1 });
    expect(await polar.webhooks.getWebhookEndpoint({ id: created.id })).toEqual(created);

    const updated = await polar.webhooks.updateWebhookEndpoint({
      id: created.id,
      webhookEndpointUpdate: { name: "sdk renamed", events: ["customer.created", "customer.updated"] },
    });
    expect(updated).toMatchObject({ name: "sdk renamed", events: ["customer.created", "customer.updated"] });
    expect(updated.modifiedAt).toBeInstanceOf(Date);

    const rekeyed = await polar.webhooks.resetWebhookEndpointSecret({ id: created.id });
    expect(rekeyed.secret).toMatch(SECRET);
    expect(rekeyed.secret).not.toBe(created.secret);

    await createCustomer(t.headers, "sdk@example.com");
    const [received] = await r.waitForCount(1);
    expect(await verifies(received as Received, rekeyed.secret)).toBe(true);
    await idle();
    const listed = await polar.webhooks.listWebhookDeliveries({
      endpointId: created.id,
      succeeded: true,
      eventType: ["customer.created"],
      httpCodeClass: "2xx",
      startTimestamp: new Date("2000-01-01T00:00:00Z"),
    });
    expect(listed.result.items).toHaveLength(1);
    const [delivery] = listed.result.items;
    expect(delivery).toMatchObject({
      succeeded: true,
      httpCode: 200,
      response: "ok",
      webhookEvent: { id: received?.webhookId, type: "customer.created", succeeded: true, isArchived: false },
    });
    expect(delivery?.createdAt).toBeInstanceOf(Date);

    expect(await polar.webhooks.redeliverWebhookEvent({ id: received?.webhookId as string })).toBeNull();
    await r.waitForCount(2);
    await expect(polar.webhooks.redeliverWebhookEvent({ id: randomUuid() })).rejects.toBeInstanceOf(
      ResourceNotFound,
    );

    await idle();
    expect(await polar.webhooks.deleteWebhookEndpoint({ id: created.id })).toBeUndefined();
    await expect(polar.webhooks.getWebhookEndpoint({ id: created.id })).rejects.toBeInstanceOf(
      ResourceNotFound,
    );
  });
});

describe("@polar-sh/sdk 1.x (2026-10)", () => {
  it("returns exactly the JSON plain HTTP gets, and maps 404 and 422", async () => {
    const t = tenant(ctx.emulator);
    const r = await receiver();
    const polar = createPolar({ accessToken: t.token, baseUrl: ctx.emulator.url });
    const raw = async (path: string) => {
      const res = await ctx.http.get(path).set(t.headers);
      expect(res.status).toBe(200);
      return res.body;
    };

    const created = await polar.webhooks.createWebhookEndpoint({
      url: r.url,
      format: "raw",
      events: ["customer.created"],
    });
    expect(Object.keys(created)).toEqual(ENDPOINT_KEYS);
    expect(created).toEqual(await raw(`/v1/webhooks/endpoints/${created.id}`));
    expect(await polar.webhooks.getWebhookEndpoint(created.id)).toEqual(
      await raw(`/v1/webhooks/endpoints/${created.id}`),
    );
    expect(await polar.webhooks.listWebhookEndpoints({ limit: 5 })).toEqual(
      await raw("/v1/webhooks/endpoints?limit=5"),
    );
    const updated = await polar.webhooks.updateWebhookEndpoint(created.id, { name: "v1" });
    expect(updated).toEqual(await raw(`/v1/webhooks/endpoints/${created.id}`));
    expect(updated.name).toBe("v1");
    const rekeyed = await polar.webhooks.resetWebhookEndpointSecret(created.id);
    expect(rekeyed).toEqual(await raw(`/v1/webhooks/endpoints/${created.id}`));
    expect(rekeyed.secret).not.toBe(created.secret);

    await createCustomer(t.headers, "v1@example.com");
    const [received] = await r.waitForCount(1);
    await idle();
    expect(
      await polar.webhooks.listWebhookDeliveries({
        endpoint_id: [created.id],
        event_type: ["customer.created", "customer.updated"],
        succeeded: true,
      }),
    ).toEqual(
      await raw(
        `/v1/webhooks/deliveries?endpoint_id=${created.id}&event_type=customer.created&event_type=customer.updated&succeeded=true`,
      ),
    );
    expect(await polar.webhooks.redeliverWebhookEvent(received?.webhookId as string)).toBeNull();
    await r.waitForCount(2);
    await idle();

    const invalid = polar.webhooks.createWebhookEndpoint({
      url: "ftp://example.com/hook",
      format: "raw",
      events: [],
    });
    await expect(invalid).rejects.toBeInstanceOf(errors.HTTPValidationError);
    await expect(invalid).rejects.toMatchObject({ statusCode: 422 });

    expect(await polar.webhooks.deleteWebhookEndpoint(created.id)).toBeUndefined();
    const missing = polar.webhooks.getWebhookEndpoint(created.id);
    await expect(missing).rejects.toBeInstanceOf(errors.ResourceNotFound);
    await expect(missing).rejects.toMatchObject({ statusCode: 404, error: NOT_FOUND });
    await expect(polar.webhooks.redeliverWebhookEvent(randomUuid())).rejects.toBeInstanceOf(
      errors.ResourceNotFound,
    );
  });
});
