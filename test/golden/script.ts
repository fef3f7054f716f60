/**
 * The golden script: a long, fixed sequence of HTTP requests against an emulator booted with the
 * default seed, recording for each one the status, a few headers and the exact body text. Run
 * against the same code twice it gives the same bytes; `test/golden.test.ts` compares a run with
 * `test/golden/default-seed.jsonl`, so a refactor that changes any answer fails there.
 *
 * Only Node's global `fetch` is used. Ids of the default seed are read from the answers (the seed
 * makes them the same every run), ids of objects the script creates likewise. The script never
 * throws: if an answer it depends on is not what it expects, it carries on with a placeholder id
 * (the recording then differs, which is the point), and an unexpected exception becomes a last
 * entry named "script aborted".
 *
 * Webhook delivery is real HTTP and real time, so it is kept out: delivery is paused before any
 * webhook endpoint exists and stays paused until the endpoints are deleted (or the full reset
 * drops them); the webhook events, queue and logs recorded meanwhile are deterministic.
 */

import { createHash } from "node:crypto";

/** The response headers a golden entry keeps (lower case). */
export const GOLDEN_HEADERS = [
  "content-type",
  "location",
  "polar-version",
  "allow",
  "www-authenticate",
  "content-disposition",
  "retry-after",
  "cache-control",
] as const;

export interface GoldenEntry {
  name: string;
  method: string;
  path: string;
  /** The JSON body sent, or the text sent, or a description of it when it is large. */
  requestBody?: unknown;
  status: number;
  /** The headers of GOLDEN_HEADERS the response has (`location` with the host replaced). */
  headers: Record<string, string>;
  /** The response body, exactly; for the two spec documents, `sha256:<hex> (<n> bytes)`. */
  body: string;
}

export interface GoldenOptions {
  /** Called before each request with its index (0, 1, …), e.g. to move a test's clock. */
  beforeRequest?: (index: number) => void;
}

interface Send {
  /** A JSON body (sent as `application/json`). */
  json?: unknown;
  /** A body sent as is, with `contentType` when given. */
  raw?: string;
  contentType?: string;
  /** The Authorization header: a token (sent as `Bearer <token>`), or null for none. */
  token?: string | null;
  /** The Authorization header as is (wins over `token`). */
  authorization?: string;
  headers?: Record<string, string>;
  /** Send `raw` as a stream: chunked, no Content-Length. */
  stream?: boolean;
  /** What to record as the request body instead of the body itself (for large bodies). */
  describeBody?: string;
  /** Record the response body as its SHA-256 and length (for large static documents). */
  digest?: boolean;
}

interface Answer {
  entry: GoldenEntry;
  /** The body parsed as JSON, or undefined. */
  data: unknown;
}

/** The name of the last entry when the script met an exception (its message is the body). */
export const ABORTED = "script aborted";

/** An id used when an expected one is missing: a valid UUID v4 nothing has. */
const MISSING = "00000000-0000-4000-8000-000000000000";
/** UUIDs v4 the emulator does not hold. */
const UNKNOWN = "3b2c1d4e-1111-4111-8111-111111111111";
const UNKNOWN_2 = "9f8e7d6c-2222-4222-9222-222222222222";
/** A UUID of version 1: pydantic's `uuid_version`. */
const VERSION_1 = "3b2c1d4e-1111-1111-8111-111111111111";
/** Where webhook endpoints point: nothing is delivered while delivery is paused. */
const HOOK_URL = "http://127.0.0.1:9/hook";

type Json = Record<string, unknown>;

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function object(value: unknown): Json {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Json) : {};
}

function itemsOf(answer: Answer): Json[] {
  const items = object(answer.data).items;
  return Array.isArray(items) ? items.map(object) : [];
}

function str(value: unknown, fallback = MISSING): string {
  return typeof value === "string" ? value : fallback;
}

function idOf(answer: Answer): string {
  return str(object(answer.data).id);
}

function query(params: Record<string, string | number | boolean | (string | number)[]>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    for (const item of Array.isArray(value) ? value : [value]) search.append(key, String(item));
  }
  const text = search.toString();
  return text === "" ? "" : `?${text}`;
}

class Recorder {
  readonly entries: GoldenEntry[] = [];
  private readonly host: string;

  constructor(
    private readonly baseUrl: string,
    /** The default organization's token, sent on /v1/ routes unless told otherwise. */
    readonly token: string,
    private readonly options: GoldenOptions,
  ) {
    this.host = new URL(baseUrl).host;
  }

  async req(name: string, method: string, path: string, send: Send = {}): Promise<Answer> {
    this.options.beforeRequest?.(this.entries.length);
    const headers: Record<string, string> = {};
    const authorization =
      send.authorization ??
      (send.token === null
        ? undefined
        : send.token !== undefined
          ? `Bearer ${send.token}`
          : path.startsWith("/v1/")
            ? `Bearer ${this.token}`
            : undefined);
    if (authorization !== undefined) headers.Authorization = authorization;
    let body: string | ReadableStream<Uint8Array> | undefined;
    let requestBody: unknown;
    if (send.json !== undefined) {
      body = JSON.stringify(send.json);
      headers["Content-Type"] = "application/json";
      requestBody = send.json;
    } else if (send.raw !== undefined) {
      requestBody = send.raw;
      if (send.contentType !== undefined) headers["Content-Type"] = send.contentType;
      if (send.stream) {
        const bytes = new TextEncoder().encode(send.raw);
        body = new ReadableStream<Uint8Array>({
          start(controller) {
            controller.enqueue(bytes);
            controller.close();
          },
        });
      } else {
        body = send.raw;
      }
    }
    if (send.describeBody !== undefined) requestBody = send.describeBody;
    Object.assign(headers, send.headers);
    const init: RequestInit & { duplex?: "half" } = { method, headers, redirect: "manual" };
    if (body !== undefined) init.body = body;
    if (send.stream) init.duplex = "half";
    const response = await fetch(`${this.baseUrl}${path}`, init);
    const received = await response.text();
    const text = send.digest
      ? `sha256:${createHash("sha256").update(received).digest("hex")} (${Buffer.byteLength(received)} bytes)`
      : received;
    const kept: Record<string, string> = {};
    for (const header of GOLDEN_HEADERS) {
      const value = response.headers.get(header);
      if (value === null) continue;
      // The Location of a redirect is absolute: the port is the run's own.
      kept[header] = header === "location" ? value.split(this.host).join("emulator.test") : value;
    }
    const entry: GoldenEntry = {
      name,
      method,
      path,
      ...(requestBody === undefined ? {} : { requestBody }),
      status: response.status,
      headers: kept,
      body: text,
    };
    this.entries.push(entry);
    return { entry, data: parse(text) };
  }

  get(name: string, path: string, send: Send = {}) {
    return this.req(name, "GET", path, send);
  }
  post(name: string, path: string, json?: unknown, send: Send = {}) {
    return this.req(name, "POST", path, json === undefined ? send : { json, ...send });
  }
  patch(name: string, path: string, json: unknown, send: Send = {}) {
    return this.req(name, "PATCH", path, { json, ...send });
  }
  put(name: string, path: string, json: unknown, send: Send = {}) {
    return this.req(name, "PUT", path, { json, ...send });
  }
  delete(name: string, path: string, send: Send = {}) {
    return this.req(name, "DELETE", path, send);
  }
}

/** What the script learns of the default seed on its way. */
interface Seed {
  organizationId: string;
  customers: Json[];
  subscriptions: Json[];
  products: Json[];
  benefits: Json[];
  meters: Json[];
  customerMeters: Json[];
}

function customerByEmail(seed: Seed, email: string): string {
  return str(seed.customers.find((customer) => customer.email === email)?.id);
}

function productByName(seed: Seed, name: string): string {
  return str(seed.products.find((product) => product.name === name)?.id);
}

function benefitByType(seed: Seed, type: string): string {
  return str(seed.benefits.find((benefit) => benefit.type === type)?.id);
}

function subscriptionOf(seed: Seed, email: string): string {
  return str(seed.subscriptions.find((subscription) => object(subscription.customer).email === email)?.id);
}

/**
 * Runs the golden sequence against an emulator booted with the default seed and returns one entry
 * per request, in order.
 */
export async function runGoldenScript(
  baseUrl: string,
  token: string,
  organizationId: string,
  options: GoldenOptions = {},
): Promise<GoldenEntry[]> {
  const r = new Recorder(baseUrl, token, options);
  try {
    const seed = await seedReads(r, organizationId);
    await protocol(r, seed);
    await writes(r, seed);
    const discordId = await webhooks(r, seed);
    await controlPlane(r, seed, discordId);
  } catch (error) {
    r.entries.push({
      name: ABORTED,
      method: "-",
      path: "-",
      status: 0,
      headers: {},
      body: error instanceof Error ? error.message : String(error),
    });
  }
  return r.entries;
}

// 1. Reads of the default seed ---------------------------------------------------------------

async function seedReads(r: Recorder, organizationId: string): Promise<Seed> {
  const seed: Seed = {
    organizationId,
    customers: [],
    subscriptions: [],
    products: [],
    benefits: [],
    meters: [],
    customerMeters: [],
  };

  // Customers.
  await r.get("customers: list, defaults", "/v1/customers/");
  seed.customers = itemsOf(
    await r.get("customers: all, oldest first", "/v1/customers/?limit=100&sorting=created_at"),
  );
  for (const page of [1, 2, 3, 4, 5, 6, 7]) {
    await r.get(`customers: page ${page} of 7`, `/v1/customers/${query({ limit: 7, page })}`);
  }
  await r.get("customers: limit clamped to 100", "/v1/customers/?limit=1000");
  for (const sorting of ["created_at", "-created_at", "email", "-email", "name", "-name"]) {
    await r.get(`customers: sorted by ${sorting}`, `/v1/customers/${query({ sorting, limit: 20 })}`);
  }
  await r.get(
    "customers: two sort keys",
    `/v1/customers/${query({ sorting: ["-name", "created_at"], limit: 15 })}`,
  );
  const customerFilters: [string, Record<string, string | string[]>][] = [
    ["email exact", { email: "alice@example.com" }],
    ["email in other case", { email: "ALICE@Example.com" }],
    ["email unknown", { email: "nobody@example.com" }],
    ["query on a name", { query: "alice" }],
    ["query on an email domain", { query: "example.org" }],
    ["query on an external id", { query: "user_" }],
    ["query matching nothing", { query: "zzzz-nothing" }],
    ["active", { active: "true" }],
    ["not active", { active: "false" }],
    ["metadata plan=pro", { "metadata[plan]": "pro" }],
    ["metadata plan=pro or free", { "metadata[plan]": ["pro", "free"] }],
    ["metadata plan=team and seats=12", { "metadata[plan]": "team", "metadata[seats]": "12" }],
    ["metadata beta=true", { "metadata[beta]": "true" }],
    ["metadata signup_source=github", { "metadata[signup_source]": "github", sorting: "email" }],
    ["own organization_id", { organization_id: organizationId, limit: "3" }],
    ["other organization_id", { organization_id: UNKNOWN }],
    ["query and active together", { query: "example.com", active: "true" }],
  ];
  for (const [label, params] of customerFilters) {
    await r.get(`customers: filter ${label}`, `/v1/customers/${query(params)}`);
  }

  // Subscriptions.
  await r.get("subscriptions: list, defaults", "/v1/subscriptions/");
  // Every subscription, page by page (each is large: customer, product, prices, meters).
  for (const page of [1, 2, 3, 4]) {
    const answer = await r.get(
      `subscriptions: page ${page} of 3`,
      `/v1/subscriptions/${query({ limit: 10, page })}`,
    );
    seed.subscriptions.push(...itemsOf(answer));
  }
  for (const property of [
    "customer",
    "status",
    "started_at",
    "current_period_end",
    "ended_at",
    "ends_at",
    "amount",
    "product",
    "discount",
  ]) {
    for (const sorting of [property, `-${property}`]) {
      await r.get(`subscriptions: sorted by ${sorting}`, `/v1/subscriptions/${query({ sorting, limit: 4 })}`);
    }
  }
  const alice = customerByEmail(seed, "alice@example.com");
  const grace = customerByEmail(seed, "grace@example.com");
  const pro = productByName(seed, "Pro");
  const team = productByName(seed, "Team");
  const subscriptionFilters: [string, Record<string, string | string[]>][] = [
    ["status active", { status: "active", limit: "5" }],
    ["status past_due or canceled", { status: ["past_due", "canceled"] }],
    ["status trialing", { status: "trialing" }],
    ["status unpaid", { status: "unpaid" }],
    ["active", { active: "true", limit: "5" }],
    ["not active", { active: "false" }],
    ["cancel_at_period_end", { cancel_at_period_end: "true" }],
    ["customer_id", { customer_id: alice }],
    ["two customer_ids", { customer_id: [alice, grace] }],
    ["external_customer_id", { external_customer_id: "user_grace" }],
    ["product_id", { product_id: team }],
    ["two product_ids", { product_id: [team, productByName(seed, "Pro (yearly)")], limit: "4" }],
    ["started_after", { started_after: "2025-12-20T00:00:00Z" }],
    ["started_before", { started_before: "2025-11-10T00:00:00Z" }],
    ["canceled_at_after", { canceled_at_after: "2025-12-01T00:00:00Z" }],
    ["canceled_at_before", { canceled_at_before: "2025-12-20T00:00:00Z" }],
    ["customer_cancellation_reason", { customer_cancellation_reason: "other" }],
    ["discount_id", { discount_id: UNKNOWN }],
    ["metadata", { "metadata[plan]": "pro" }],
    ["product and status", { product_id: pro, status: "active", sorting: "customer" }],
  ];
  for (const [label, params] of subscriptionFilters) {
    await r.get(`subscriptions: filter ${label}`, `/v1/subscriptions/${query({ limit: "5", ...params })}`);
  }

  // Products.
  await r.get("products: list, defaults", "/v1/products/");
  seed.products = itemsOf(await r.get("products: all", "/v1/products/?limit=100"));
  for (const page of [1, 2, 3, 4]) {
    await r.get(`products: page ${page} of 3`, `/v1/products/${query({ limit: 2, page })}`);
  }
  for (const property of ["created_at", "name", "price_amount_type", "price_amount"]) {
    for (const sorting of [property, `-${property}`]) {
      await r.get(`products: sorted by ${sorting}`, `/v1/products/${query({ sorting, limit: 4 })}`);
    }
  }
  const license = benefitByType(seed, "license_keys");
  const productFilters: [string, Record<string, string | string[]>][] = [
    ["is_archived false", { is_archived: "false" }],
    ["is_archived true", { is_archived: "true" }],
    ["is_recurring true", { is_recurring: "true", sorting: "name" }],
    ["is_recurring false", { is_recurring: "false" }],
    ["query pro", { query: "pro" }],
    ["query yearly", { query: "yearly" }],
    ["benefit_id", { benefit_id: license, sorting: "name" }],
    ["two ids", { id: [pro, team] }],
    ["visibility public", { visibility: "public", limit: "2" }],
    ["visibility draft or private", { visibility: ["draft", "private"] }],
    ["metadata plan=team", { "metadata[plan]": "team" }],
    ["organization_id", { organization_id: organizationId, limit: "1" }],
  ];
  for (const [label, params] of productFilters) {
    await r.get(`products: filter ${label}`, `/v1/products/${query(params)}`);
  }

  // Benefits and grants.
  await r.get("benefits: list, defaults", "/v1/benefits/");
  seed.benefits = itemsOf(await r.get("benefits: all", "/v1/benefits/?limit=100"));
  for (const page of [1, 2, 3]) {
    await r.get(`benefits: page ${page} of 2`, `/v1/benefits/${query({ limit: 4, page })}`);
  }
  for (const property of ["created_at", "description", "type", "user_order"]) {
    for (const sorting of [property, `-${property}`]) {
      await r.get(`benefits: sorted by ${sorting}`, `/v1/benefits/${query({ sorting })}`);
    }
  }
  const benefitFilters: [string, Record<string, string | string[]>][] = [
    ["type license_keys", { type: "license_keys" }],
    ["type custom or discord", { type: ["custom", "discord"] }],
    ["type slack_shared_channel", { type: "slack_shared_channel" }],
    ["id", { id: license }],
    ["exclude_id", { exclude_id: [license, benefitByType(seed, "custom")] }],
    ["query", { query: "api" }],
    ["metadata flag=beta", { "metadata[flag]": "beta" }],
  ];
  for (const [label, params] of benefitFilters) {
    await r.get(`benefits: filter ${label}`, `/v1/benefits/${query(params)}`);
  }
  await r.get("benefit grants: list, defaults", "/v1/benefit-grants/");
  for (const page of [1, 2, 3, 4, 5, 6, 7, 8, 9]) {
    await r.get(`benefit grants: page ${page} of 8`, `/v1/benefit-grants/${query({ limit: 10, page })}`);
  }
  for (const property of ["created_at", "granted_at", "revoked_at"]) {
    for (const sorting of [property, `-${property}`]) {
      await r.get(
        `benefit grants: sorted by ${sorting}`,
        `/v1/benefit-grants/${query({ sorting, limit: 8 })}`,
      );
    }
  }
  const grantFilters: [string, Record<string, string | string[]>][] = [
    ["customer_id", { customer_id: alice }],
    ["external_customer_id", { external_customer_id: "user_grace" }],
    ["two external ids", { external_customer_id: ["user_dave", "user_erin"] }],
    ["is_granted true", { is_granted: "true", limit: "5" }],
    ["is_granted false", { is_granted: "false", limit: "100" }],
  ];
  for (const [label, params] of grantFilters) {
    await r.get(`benefit grants: filter ${label}`, `/v1/benefit-grants/${query(params)}`);
  }
  for (const benefit of seed.benefits) {
    await r.get(`benefit grants of ${benefit.type}: all`, `/v1/benefits/${str(benefit.id)}/grants?limit=25`);
  }
  await r.get("benefit grants of license_keys: page 2", `/v1/benefits/${license}/grants?limit=5&page=2`);
  await r.get("benefit grants of license_keys: revoked", `/v1/benefits/${license}/grants?is_granted=false`);
  await r.get(
    "benefit grants of license_keys: one customer",
    `/v1/benefits/${license}/grants${query({ customer_id: alice })}`,
  );
  await r.get(
    "benefit grants of license_keys: member_id",
    `/v1/benefits/${license}/grants${query({ member_id: UNKNOWN })}`,
  );

  // Meters and customer meters.
  await r.get("meters: list, defaults", "/v1/meters/");
  seed.meters = itemsOf(await r.get("meters: all", "/v1/meters/?limit=100"));
  for (const sorting of ["created_at", "-created_at", "name", "-name"]) {
    await r.get(`meters: sorted by ${sorting}`, `/v1/meters/${query({ sorting })}`);
  }
  await r.get("meters: query api", "/v1/meters/?query=api");
  await r.get("meters: query nothing", "/v1/meters/?query=nothing");
  await r.get("meters: is_archived false", "/v1/meters/?is_archived=false");
  await r.get("meters: is_archived true", "/v1/meters/?is_archived=true");
  await r.get("meters: metadata", "/v1/meters/?metadata[kind]=usage");
  await r.get("customer meters: list, defaults", "/v1/customer-meters/");
  seed.customerMeters = itemsOf(await r.get("customer meters: all", "/v1/customer-meters/?limit=100"));
  for (const page of [1, 2, 3, 4]) {
    await r.get(`customer meters: page ${page} of 3`, `/v1/customer-meters/${query({ limit: 10, page })}`);
  }
  for (const property of [
    "created_at",
    "modified_at",
    "customer_id",
    "customer_name",
    "meter_id",
    "meter_name",
    "consumed_units",
    "credited_units",
    "balance",
  ]) {
    for (const sorting of [property, `-${property}`]) {
      await r.get(
        `customer meters: sorted by ${sorting}`,
        `/v1/customer-meters/${query({ sorting, limit: 5 })}`,
      );
    }
  }
  const meter = str(seed.meters[0]?.id);
  await r.get("customer meters: customer_id", `/v1/customer-meters/${query({ customer_id: grace })}`);
  await r.get(
    "customer meters: external_customer_id",
    `/v1/customer-meters/${query({ external_customer_id: ["user_alice", "team_globex"] })}`,
  );
  await r.get("customer meters: meter_id", `/v1/customer-meters/${query({ meter_id: meter, limit: 3 })}`);
  await r.get("customer meters: unknown meter_id", `/v1/customer-meters/${query({ meter_id: UNKNOWN })}`);

  // Webhooks, before any endpoint exists.
  await r.get("webhook endpoints: none yet", "/v1/webhooks/endpoints");
  await r.get("webhook deliveries: none yet", "/v1/webhooks/deliveries");
  await r.get(
    "webhook deliveries: filters, none yet",
    `/v1/webhooks/deliveries${query({ succeeded: "true", http_code_class: "2xx", event_type: "customer.created", query: "abc" })}`,
  );

  // Every object by id.
  for (const customer of seed.customers) {
    const id = str(customer.id);
    const label = str(customer.email, id);
    await r.get(`customer ${label}`, `/v1/customers/${id}`);
    await r.get(`customer ${label}: state`, `/v1/customers/${id}/state`);
    if (typeof customer.external_id === "string") {
      const external = encodeURIComponent(customer.external_id);
      await r.get(`customer ${label}: by external id`, `/v1/customers/external/${external}`);
      await r.get(`customer ${label}: state by external id`, `/v1/customers/external/${external}/state`);
    }
  }
  for (const subscription of seed.subscriptions) {
    await r.get(
      `subscription of ${str(object(subscription.customer).email)}`,
      `/v1/subscriptions/${str(subscription.id)}`,
    );
  }
  for (const product of seed.products) {
    await r.get(`product ${str(product.name)}`, `/v1/products/${str(product.id)}`);
  }
  for (const benefit of seed.benefits) {
    await r.get(`benefit ${str(benefit.type)}`, `/v1/benefits/${str(benefit.id)}`);
  }
  for (const item of seed.meters) {
    await r.get(`meter ${str(item.name)}`, `/v1/meters/${str(item.id)}`);
  }
  for (const item of seed.customerMeters) {
    await r.get(
      `customer meter of ${str(object(item.customer).email)}`,
      `/v1/customer-meters/${str(item.id)}`,
    );
  }
  await r.get("customers: CSV export", "/v1/customers/export");
  await r.get(
    "customers: CSV export, own organization_id",
    `/v1/customers/export?organization_id=${organizationId}`,
  );
  await r.get(
    "customers: CSV export, other organization_id",
    `/v1/customers/export?organization_id=${UNKNOWN}`,
  );
  return seed;
}

// 2. Protocol: routing, headers, auth, bodies, validation ------------------------------------

async function protocol(r: Recorder, seed: Seed): Promise<void> {
  const alice = customerByEmail(seed, "alice@example.com");
  const globex = customerByEmail(seed, "billing@globex.example.com");
  const aliceSubscription = subscriptionOf(seed, "alice@example.com");

  // Trailing slashes: 307 to the other form when that one is a route.
  for (const path of [
    "/v1/customers",
    "/v1/customers?limit=1&sorting=email",
    "/v1/customers/export/",
    "/v1/subscriptions",
    "/v1/products",
    "/v1/benefits",
    "/v1/benefit-grants",
    "/v1/meters",
    "/v1/customer-meters",
    "/v1/webhooks/endpoints/",
    "/v1/webhooks/deliveries/",
    `/v1/customers/${alice}/`,
  ]) {
    await r.get(`redirect ${path}`, path);
  }
  await r.post("redirect of a POST", "/v1/customers", { email: "redirected@example.com" });
  await r.get("redirect on the control plane", "/_emulator/health/");

  // Unknown routes and methods.
  await r.get("404 unknown route", "/v1/nothing-here/");
  await r.get("404 root", "/");
  await r.get("404 /v1/", "/v1/");
  await r.get("404 below a customer", `/v1/customers/${alice}/nope`);
  await r.get("404 unknown control route", "/_emulator/nothing");
  await r.get("404 unknown route without a token", "/v1/nothing-here/", { token: null });
  await r.req("405 PUT on a collection", "PUT", "/v1/customers/", { json: {} });
  await r.req("405 DELETE on products", "DELETE", "/v1/products/");
  await r.req("405 OPTIONS on the export", "OPTIONS", "/v1/customers/export");
  await r.req("405 HEAD on the export", "HEAD", "/v1/customers/export");
  await r.req("405 PUT on a meter", "PUT", `/v1/meters/${str(seed.meters[0]?.id)}`, { json: {} });
  await r.get("GET on events ingest: an event id that is no UUID", "/v1/events/ingest");
  await r.req("405 POST on subscription", "POST", `/v1/subscriptions/${aliceSubscription}`, { json: {} });
  await r.post("405 on the control plane", "/_emulator/health");
  await r.req("405 on the control plane, PUT", "PUT", "/_emulator/organizations", { json: {} });

  // Polar-Version.
  await r.get("Polar-Version 2026-10 echoed", "/v1/customers/?limit=1", {
    headers: { "Polar-Version": "2026-10" },
  });
  await r.get("Polar-Version 2026-04 echoed", "/v1/customers/?limit=1", {
    headers: { "Polar-Version": "2026-04" },
  });
  await r.get("Polar-Version unsupported", "/v1/customers/?limit=1", {
    headers: { "Polar-Version": "2024-01" },
  });
  await r.get("Polar-Version unsupported, unknown route", "/v1/nothing/", {
    headers: { "Polar-Version": "1999-01" },
  });
  await r.get("Polar-Version ignored by the control plane", "/_emulator/health", {
    headers: { "Polar-Version": "1999-01" },
  });

  // Authentication and scopes.
  await r.get("401 without a token", "/v1/customers/", { token: null });
  await r.get("401 Basic scheme", "/v1/customers/", { authorization: "Basic dXNlcjpwYXNz" });
  await r.get("401 customer session token", "/v1/customers/", { token: `polar_cst_${"a".repeat(43)}` });
  await r.get("401 member session token", "/v1/customers/", { token: `polar_mst_${"b".repeat(43)}` });
  await r.get("401 unknown token", "/v1/customers/", { token: `polar_oat_${"x".repeat(43)}` });
  await r.get("401 bare Bearer", "/v1/products/", { authorization: "Bearer" });
  await r.get("401 token without a prefix", "/v1/customers/", { token: "nope" });
  await r.get("Bearer scheme in any case", "/v1/customers/?limit=1", { authorization: `bEaReR ${r.token}` });
  const reader = await r.post("organization with customers:read only", "/_emulator/organizations", {
    name: "Readers",
    slug: "readers",
    scopes: ["customers:read"],
  });
  const readerToken = str(object(reader.data).token, "polar_oat_missing");
  await r.get("reader: customers list", "/v1/customers/", { token: readerToken });
  await r.post(
    "reader: 403 customer create",
    "/v1/customers/",
    { email: "x@example.com" },
    { token: readerToken },
  );
  await r.get("reader: 403 products", "/v1/products/", { token: readerToken });
  await r.get("reader: 403 customer meters", "/v1/customer-meters/", { token: readerToken });
  await r.post("reader: 403 events ingest", "/v1/events/ingest", { events: [] }, { token: readerToken });
  await r.get("reader: 403 webhook endpoints", "/v1/webhooks/endpoints", { token: readerToken });
  await r.get("reader: foreign customer is 404", `/v1/customers/${alice}`, { token: readerToken });
  const writer = await r.post("organization with write scopes", "/_emulator/organizations", {
    scopes: ["customers:write", "products:write", "meters:write", "events:write"],
  });
  const writerToken = str(object(writer.data).token, "polar_oat_missing");
  await r.get("writer: reads with a write scope", "/v1/products/", { token: writerToken });
  await r.get("writer: 403 customer meters need their own scope", "/v1/customer-meters/", {
    token: writerToken,
  });
  const none = await r.post("organization without scopes", "/_emulator/organizations", { scopes: [] });
  await r.get("no scopes: 403", "/v1/customers/", {
    token: str(object(none.data).token, "polar_oat_missing"),
  });
  await r.get("organizations after three were created", "/_emulator/organizations");

  // Bodies.
  await r.req("411 without Content-Length", "POST", "/v1/customers/", {
    raw: JSON.stringify({ email: "chunked@example.com" }),
    contentType: "application/json",
    stream: true,
  });
  await r.req("413 for a body over 10 MiB", "POST", "/v1/customers/", {
    raw: JSON.stringify({ email: "big@example.com", name: "x".repeat(10 * 1024 * 1024) }),
    contentType: "application/json",
    describeBody: "a customer whose name is 10 MiB of x",
  });
  await r.req("control plane takes a chunked body", "POST", "/_emulator/organizations", {
    raw: JSON.stringify({ name: "Chunked", slug: "chunked" }),
    contentType: "application/json",
    stream: true,
  });
  const invalidJson: [string, string][] = [
    ["property name", "{bad"],
    ["comma", "[1,"],
    ["colon", '{"a" 1}'],
    ["extra data", '{"email":"a@example.com"}x'],
    ["unterminated string", '{"email":"a@exa'],
    ["control character", '{"email":"a\u0001"}'],
    ["empty value", '{"email":}'],
    ["trailing comma", '{"email":"a@example.com",}'],
  ];
  for (const [label, raw] of invalidJson) {
    await r.req(`json_invalid: ${label}`, "POST", "/v1/customers/", { raw, contentType: "application/json" });
  }
  await r.req("json_invalid before authentication", "POST", "/v1/customers/", {
    raw: "{bad",
    contentType: "application/json",
    token: null,
  });
  await r.req("json_invalid without a content type", "POST", "/v1/customers/", { raw: "[1," });
  await r.req("text body is not JSON", "POST", "/v1/customers/", {
    raw: "email=a",
    contentType: "text/plain",
  });
  await r.req("JSON nested past 1000 levels", "POST", "/v1/customers/", {
    raw: `${"[".repeat(1001)}${"]".repeat(1001)}`,
    contentType: "application/json",
    describeBody: "1001 nested arrays",
  });
  await r.req("empty body", "POST", "/v1/customers/", { raw: "", contentType: "application/json" });
  await r.req("null body", "POST", "/v1/customers/", { raw: "null", contentType: "application/json" });
  await r.req("control plane json_invalid", "POST", "/_emulator/organizations", {
    raw: '{"name":',
    contentType: "application/json",
  });
  await r.req(
    "control plane yaml_invalid",
    "POST",
    `/_emulator/organizations/${seed.organizationId}/fixtures`,
    {
      raw: "customers: [\n  - email: a@example.com\n  bad: : :",
      contentType: "application/yaml",
    },
  );

  // Path parameters.
  await r.get("uuid_parsing", "/v1/customers/not-a-uuid");
  await r.get("uuid_parsing, too short", "/v1/subscriptions/1234");
  await r.get("uuid_version", `/v1/customers/${VERSION_1}`);
  await r.get("uuid_version on a product", `/v1/products/${VERSION_1}`);
  for (const spelling of [
    alice.toUpperCase(),
    alice.replaceAll("-", ""),
    `urn:uuid:${alice}`,
    `{${alice}}`,
  ]) {
    await r.get(`customer id spelled ${spelling}`, `/v1/customers/${encodeURIComponent(spelling)}`);
  }
  const unknown: [string, string][] = [
    ["customer", `/v1/customers/${UNKNOWN}`],
    ["customer state", `/v1/customers/${UNKNOWN}/state`],
    ["external customer", "/v1/customers/external/nobody"],
    ["external customer state", "/v1/customers/external/nobody/state"],
    ["external id in other case", "/v1/customers/external/USER_ALICE"],
    ["subscription", `/v1/subscriptions/${UNKNOWN}`],
    ["product", `/v1/products/${UNKNOWN}`],
    ["benefit", `/v1/benefits/${UNKNOWN}`],
    ["benefit grants", `/v1/benefits/${UNKNOWN}/grants`],
    ["meter", `/v1/meters/${UNKNOWN}`],
    ["customer meter", `/v1/customer-meters/${UNKNOWN}`],
    ["webhook endpoint", `/v1/webhooks/endpoints/${UNKNOWN}`],
  ];
  for (const [label, path] of unknown) await r.get(`404 unknown ${label}`, path);
  await r.patch("404 update of an unknown customer", `/v1/customers/${UNKNOWN}`, { name: "x" });
  await r.delete("404 delete of an unknown customer", `/v1/customers/${UNKNOWN}`);
  await r.delete("404 delete of an unknown external id", "/v1/customers/external/nobody");
  await r.patch("404 update of an unknown subscription", `/v1/subscriptions/${UNKNOWN}`, { metadata: {} });
  await r.delete("404 revoke of an unknown subscription", `/v1/subscriptions/${UNKNOWN}`);
  await r.post("404 benefits of an unknown product", `/v1/products/${UNKNOWN}/benefits`, { benefits: [] });
  await r.post("404 redeliver of an unknown event", `/v1/webhooks/events/${UNKNOWN}/redeliver`);

  // Query parameters.
  const badQueries: [string, string][] = [
    [
      "limit 0, bad sorting, page abc, active maybe",
      "/v1/customers/?limit=0&sorting=foo&page=abc&active=maybe",
    ],
    ["integers with underscores", "/v1/customers/?page=1_0&limit=1_0"],
    ["page 1e3", "/v1/customers/?page=1e3"],
    ["page 0x10", "/v1/customers/?page=0x10"],
    ["limit -1", "/v1/customers/?limit=-1"],
    ["page 0", "/v1/products/?page=0"],
    ["page beyond the last", "/v1/products/?page=99"],
    ["booleans as yes/off", "/v1/customers/?active=yes&limit=2"],
    ["boolean on", "/v1/products/?is_recurring=on&limit=1"],
    ["boolean maybe", "/v1/products/?is_archived=maybe"],
    ["sorting -bogus", "/v1/subscriptions/?sorting=-bogus"],
    ["status bogus", "/v1/subscriptions/?status=bogus"],
    ["two bad statuses", "/v1/subscriptions/?status=bogus&status=active&status=nope"],
    ["date not a date", "/v1/subscriptions/?started_after=notadate"],
    ["date without time", "/v1/subscriptions/?started_after=2025-12-01"],
    ["benefit type coupon", "/v1/benefits/?type=coupon"],
    ["product visibility hidden", "/v1/products/?visibility=hidden"],
    ["customer_id not a uuid", "/v1/subscriptions/?customer_id=abc"],
    ["customer_id version 1", `/v1/benefit-grants/?customer_id=${VERSION_1}`],
    ["organization_id not a uuid", "/v1/meters/?organization_id=acme"],
    ["http_code_class 6xx", "/v1/webhooks/deliveries?http_code_class=6xx"],
    ["event_type bogus", "/v1/webhooks/deliveries?event_type=bogus"],
    ["metadata key up to its first ]", "/v1/customers/?metadata[plan][x]=pro&sorting=email"],
    ["metadata without a key", "/v1/customers/?metadata=pro"],
    ["sorting customer meters bogus", "/v1/customer-meters/?sorting=bogus"],
    ["anonymize maybe", `/v1/customers/${UNKNOWN}?anonymize=maybe`],
    ["control plane events limit 0", "/_emulator/events?limit=0"],
    ["control plane events limit too large", "/_emulator/events?limit=10001"],
    ["control plane events after not a uuid", "/_emulator/events?after=nope"],
    [
      "control plane snapshot format xml",
      `/_emulator/organizations/${seed.organizationId}/snapshot?format=xml`,
    ],
  ];
  for (const [label, path] of badQueries) {
    await r.get(`query: ${label}`, path);
  }
  await r.delete("query: anonymize maybe on a delete", `/v1/customers/${UNKNOWN}?anonymize=maybe`);

  // Customer bodies.
  const metadata51 = Object.fromEntries(Array.from({ length: 51 }, (_, index) => [`k${index}`, index]));
  const customerBodies: [string, unknown][] = [
    ["empty object", {}],
    ["bad email", { email: "not-an-email" }],
    ["email with a space", { email: "a b@example.com" }],
    ["email without a dot domain", { email: "a@localhost" }],
    ["unknown type", { type: "company", email: "a@example.com" }],
    ["type not a string", { type: 5, email: "a@example.com" }],
    ["team name too long", { type: "team", name: "x".repeat(257) }],
    ["team without email or owner", { type: "team", name: "Globex 2" }],
    ["team owner without email", { type: "team", name: "Globex 3", owner: { name: "Owner" } }],
    ["name not a string", { email: "n@example.com", name: 42 }],
    ["NUL in a name", { email: "nul@example.com", name: "a\u0000b" }],
    ["NUL in a metadata key", { email: "nul@example.com", metadata: { "k\u0000": 1 } }],
    ["NUL in a city", { email: "nul@example.com", billing_address: { country: "FR", city: "P\u0000ris" } }],
    ["metadata: 51 keys", { email: "m@example.com", metadata: metadata51 }],
    [
      "metadata: long key, long value, empty value, nested",
      {
        email: "m@example.com",
        metadata: { ["k".repeat(41)]: 1, long: "v".repeat(501), empty: "", nested: { a: 1 } },
      },
    ],
    ["address: US state ZZ", { email: "addr1@example.com", billing_address: { country: "US", state: "ZZ" } }],
    ["address: country missing", { email: "addr2@example.com", billing_address: { city: "Paris" } }],
    ["address: country unknown", { email: "addr3@example.com", billing_address: { country: "XX" } }],
    [
      "address: CA province XX",
      { email: "addr4@example.com", billing_address: { country: "CA", state: "XX" } },
    ],
    ["team address empty", { type: "team", email: "t1@example.com", billing_address: {} }],
    [
      "team address line1 a number",
      { type: "team", email: "t2@example.com", billing_address: { country: "FR", line1: 5 } },
    ],
    ["organization_id", { email: "org@example.com", organization_id: seed.organizationId }],
    ["organization_id not a uuid", { email: "org@example.com", organization_id: "acme" }],
    ["duplicate email", { email: "alice@example.com" }],
    ["duplicate email in other case", { email: "ALICE@example.COM" }],
    ["duplicate email and external id", { email: "bob@example.com", external_id: "user_alice" }],
    ["duplicate external id, trimmed", { email: "new-ext@example.com", external_id: "  user_grace  " }],
    ["tax id without an address", { email: "tax1@example.com", tax_id: "FR61954506077" }],
    [
      "tax id invalid for the country",
      { email: "tax2@example.com", tax_id: "123", billing_address: { country: "FR", city: "Paris" } },
    ],
    [
      "tax id of another country",
      { email: "tax3@example.com", tax_id: "GB123456789", billing_address: { country: "DE" } },
    ],
  ];
  for (const [label, body] of customerBodies) {
    await r.post(`customer create 422: ${label}`, "/v1/customers/", body);
  }
  const customerUpdates: [string, string, unknown][] = [
    ["name a number, too many metadata keys", `/v1/customers/${alice}`, { name: 42, metadata: metadata51 }],
    ["write-once external id", `/v1/customers/${alice}`, { external_id: "user_alice_2" }],
    ["email taken", `/v1/customers/${alice}`, { email: "bob@example.com" }],
    [
      "email taken and external id changed",
      `/v1/customers/${alice}`,
      { email: "GRACE@example.com", external_id: "x" },
    ],
    ["billing address reset to null", `/v1/customers/${alice}`, { billing_address: null }],
    ["team downgraded", `/v1/customers/${globex}`, { type: "individual" }],
    ["tax id without an address", `/v1/customers/${globex}`, { tax_id: "DE123456789" }],
    ["invalid tax id", `/v1/customers/${alice}`, { tax_id: "1" }],
    ["type bogus", `/v1/customers/${alice}`, { type: "company" }],
    ["path before body", "/v1/customers/nope", { name: 1 }],
    ["by external id, email taken", "/v1/customers/external/user_alice", { email: "dave@example.com" }],
    ["by external id, address reset", "/v1/customers/external/user_alice", { billing_address: null }],
  ];
  for (const [label, path, body] of customerUpdates) {
    await r.patch(`customer update 422: ${label}`, path, body);
  }
  await r.get("alice unchanged after the refused updates", `/v1/customers/${alice}`);

  // Products.
  const meterId = str(seed.meters[0]?.id);
  const productBodies: [string, unknown][] = [
    ["one-time without a name", { prices: [{ amount_type: "fixed", price_amount: 1000 }] }],
    ["recurring: bad interval, no prices", { name: "Pro", recurring_interval: "fortnight", prices: [] }],
    [
      "prices: no tag, unknown tag, not an object, member errors",
      {
        name: "Prices",
        prices: [
          { price_amount: 1000 },
          { amount_type: "tiered" },
          "fixed",
          { amount_type: "custom", minimum_amount: -1, preset_amount: "abc" },
        ],
      },
    ],
    [
      "short name, minimum price, interval count on one-time",
      { name: "ab", prices: [{ amount_type: "fixed", price_amount: 10 }], recurring_interval_count: 2 },
    ],
    [
      "nested price errors",
      {
        name: "Seats",
        recurring_interval: "month",
        trial_interval: "day",
        prices: [
          { amount_type: "seat_based", seat_tiers: { tiers: [{ min_seats: 0, price_per_seat: 100 }] } },
          { amount_type: "metered_unit", meter_id: VERSION_1, unit_amount: "abc" },
        ],
      },
    ],
    ["not an object", "a product"],
    [
      "NUL characters",
      {
        name: "a\u0000b",
        description: "ok",
        prices: [{ amount_type: "fixed", price_amount: 0 }],
        metadata: { k: "v\u0000" },
      },
    ],
    [
      "metered price on a one-time product",
      {
        name: "Metered once",
        prices: [{ amount_type: "metered_unit", meter_id: meterId, unit_amount: "1" }],
      },
    ],
    [
      "metered price with an unknown meter",
      {
        name: "Metered unknown",
        recurring_interval: "month",
        prices: [{ amount_type: "metered_unit", meter_id: UNKNOWN, unit_amount: "1" }],
      },
    ],
    [
      "the same meter twice",
      {
        name: "Metered twice",
        recurring_interval: "month",
        prices: [
          { amount_type: "metered_unit", meter_id: meterId, unit_amount: "1" },
          { amount_type: "metered_unit", meter_id: meterId, unit_amount: "2" },
        ],
      },
    ],
    [
      "trial interval without a count",
      {
        name: "Trial",
        recurring_interval: "month",
        trial_interval: "day",
        prices: [{ amount_type: "fixed", price_amount: 1000 }],
      },
    ],
    [
      "meter interval not dividing",
      {
        name: "Meter interval",
        recurring_interval: "month",
        meter_interval: "week",
        prices: [{ amount_type: "fixed", price_amount: 1000 }],
      },
    ],
    [
      "organization_id",
      {
        name: "Org",
        organization_id: seed.organizationId,
        prices: [{ amount_type: "fixed", price_amount: 1000 }],
      },
    ],
  ];
  for (const [label, body] of productBodies) {
    await r.post(`product create 422: ${label}`, "/v1/products/", body);
  }
  const pro = productByName(seed, "Pro");
  await r.post("product benefits 422: uuid_version and a number", `/v1/products/${pro}/benefits`, {
    benefits: [VERSION_1, 5],
  });
  await r.post("product benefits 422: missing", `/v1/products/${pro}/benefits`, {});
  await r.post("product benefits 422: unknown benefit", `/v1/products/${pro}/benefits`, {
    benefits: [UNKNOWN],
  });
  await r.post("product benefits 422: path before body", "/v1/products/nope/benefits", {});

  // Benefits.
  const benefitBodies: [string, unknown][] = [
    ["no type", { description: "No type", properties: {} }],
    ["unknown type", { type: "coupon", description: "Bad type", properties: {} }],
    [
      "license keys: expiry, activations, Int32",
      {
        type: "license_keys",
        description: "Keys",
        properties: {
          expires: { ttl: 500, timeframe: "year" },
          activations: { limit: 0, enable_customer_admin: "sometimes" },
          limit_usage: 3000000000,
        },
      },
    ],
    [
      "downloadables: key version, value, length",
      {
        type: "downloadables",
        description: "Files",
        properties: { archived: { [VERSION_1]: "x" }, files: [] },
      },
    ],
    [
      "github repository: missing, literal",
      {
        type: "github_repository",
        description: "x",
        properties: { repository_owner: "polarsource", permission: "owner" },
      },
    ],
    [
      "custom: long description, note type, visibility",
      {
        type: "custom",
        description: "A custom benefit with a description too long",
        properties: { note: 5 },
        visibility: "hidden",
      },
    ],
    [
      "meter credit: units, rollover",
      { type: "meter_credit", description: "Credits", properties: { units: 0, rollover: "x" } },
    ],
    [
      "meter credit: unknown meter",
      {
        type: "meter_credit",
        description: "Credits",
        properties: { units: 5, rollover: false, meter_id: UNKNOWN },
      },
    ],
    [
      "slack: bad placeholder",
      {
        type: "slack_shared_channel",
        description: "Slack",
        properties: { slack_integration_id: UNKNOWN, channel_name_template: "{customer_id}" },
      },
    ],
    [
      "slack: not enabled",
      {
        type: "slack_shared_channel",
        description: "Slack",
        properties: { slack_integration_id: UNKNOWN, channel_name_template: "{customer_name}" },
      },
    ],
    [
      "github repository with an organization token",
      {
        type: "github_repository",
        description: "Repo access",
        properties: { repository_owner: "acme", repository_name: "sdk", permission: "pull" },
      },
    ],
    [
      "discord: missing properties",
      { type: "discord", description: "Discord", properties: { guild_id: "1" } },
    ],
    [
      "visibility on a discord benefit",
      {
        type: "discord",
        description: "Discord",
        properties: { guild_id: "1", role_id: "2" },
        visibility: "private",
      },
    ],
    [
      "organization_id",
      { type: "custom", description: "Org", properties: {}, organization_id: seed.organizationId },
    ],
  ];
  for (const [label, body] of benefitBodies) {
    await r.post(`benefit create 422: ${label}`, "/v1/benefits/", body);
  }
  await r.req("benefit create 422: null body", "POST", "/v1/benefits/", {
    raw: "null",
    contentType: "application/json",
  });

  // Meters.
  const meterBodies: [string, unknown][] = [
    [
      "short name, bad conjunction, bad func",
      { name: "ab", filter: { conjunction: "xor", clauses: [{}] }, aggregation: { func: "median" } },
    ],
    [
      "clause value a float, empty aggregation",
      {
        name: "Meter",
        filter: { conjunction: "and", clauses: [{ property: "a", operator: "eq", value: 5.5 }] },
        aggregation: {},
      },
    ],
    [
      "sum without a property",
      { name: "Meter", filter: { conjunction: "and", clauses: [] }, aggregation: { func: "sum" } },
    ],
    [
      "custom unit without a label",
      {
        name: "Meter",
        unit: "custom",
        filter: { conjunction: "and", clauses: [] },
        aggregation: { func: "count" },
      },
    ],
    [
      "organization_id",
      {
        name: "Meter",
        organization_id: seed.organizationId,
        filter: { conjunction: "and", clauses: [] },
        aggregation: { func: "count" },
      },
    ],
    ["missing everything", {}],
  ];
  for (const [label, body] of meterBodies) {
    await r.post(`meter create 422: ${label}`, "/v1/meters/", body);
  }

  // Events.
  const eventBodies: [string, unknown][] = [
    ["no customer", { events: [{ name: "api.call" }] }],
    [
      "bad metadata in both members",
      {
        events: [
          {
            name: "api.call",
            external_customer_id: "user_1",
            metadata: { tags: [], _cost: { amount: "abc", currency: "usd" } },
          },
        ],
      },
    ],
    ["events not a list", { events: "api.call" }],
    ["missing events", {}],
    ["name too long", { events: [{ name: "n".repeat(129), customer_id: alice }] }],
    [
      "timestamp in the future",
      { events: [{ name: "api_call", customer_id: alice, timestamp: "2030-01-01T00:00:00Z" }] },
    ],
    [
      "timestamp without a zone",
      { events: [{ name: "api_call", customer_id: alice, timestamp: "2026-01-01T00:00:00" }] },
    ],
    ["timestamp not a date", { events: [{ name: "api_call", customer_id: alice, timestamp: "yesterday" }] }],
    ["unknown customer", { events: [{ name: "api_call", customer_id: UNKNOWN }] }],
    [
      "organization_id",
      { events: [{ name: "api_call", customer_id: alice, organization_id: seed.organizationId }] },
    ],
    ["unknown member", { events: [{ name: "api_call", customer_id: alice, member_id: UNKNOWN }] }],
    [
      "one good, one bad: nothing inserted",
      {
        events: [
          { name: "api_call", customer_id: alice },
          { name: "api_call", customer_id: UNKNOWN_2 },
        ],
      },
    ],
  ];
  for (const [label, body] of eventBodies) {
    await r.post(`events ingest 422: ${label}`, "/v1/events/ingest", body);
  }
  await r.get("alice's meter unchanged after refused events", `/v1/customer-meters/?customer_id=${alice}`);

  // Subscription updates.
  const subscriptionBodies: [string, unknown][] = [
    ["cancel_at_period_end maybe", { cancel_at_period_end: "maybe" }],
    ["trial_end tomorrow", { trial_end: "tomorrow" }],
    ["product change", { product_id: pro }],
    ["seats", { seats: 3 }],
    ["discount", { discount_id: UNKNOWN }],
    ["pause", { pause_at_period_end: true }],
    ["billing period", { current_billing_period_end: "2026-02-01T00:00:00Z" }],
    ["revoke false and cancel", { revoke: false, cancel_at_period_end: true }],
  ];
  for (const [label, body] of subscriptionBodies) {
    await r.patch(`subscription update 422: ${label}`, `/v1/subscriptions/${aliceSubscription}`, body);
  }
  await r.get("alice's subscription unchanged", `/v1/subscriptions/${aliceSubscription}`);
}

// 3. Writes through the public API ------------------------------------------------------------

async function writes(r: Recorder, seed: Seed): Promise<void> {
  const alice = customerByEmail(seed, "alice@example.com");
  const grace = customerByEmail(seed, "grace@example.com");
  const meterId = str(seed.meters[0]?.id);

  // Customers.
  const one = await r.post("customer create: email only", "/v1/customers/", {
    email: "golden.one@example.com",
  });
  const oneId = idOf(one);
  await r.get("customer create: read back", `/v1/customers/${oneId}`);
  await r.get("customer create: its state", `/v1/customers/${oneId}/state`);
  const two = await r.post("customer create: every field", "/v1/customers/", {
    email: "Golden.Two@Example.COM",
    name: "  Golden Two  ",
    external_id: "  golden_two  ",
    billing_address: {
      line1: " 1 Infinite Loop ",
      line2: "Suite 2",
      postal_code: "95014",
      city: "Cupertino",
      state: "CA",
      country: "us",
    },
    tax_id: "12-3456789",
    locale: "en-US",
    metadata: { tier: "gold", count: 3, ratio: 1.5, flag: true, "2": "numeric key" },
  });
  const twoId = idOf(two);
  await r.get("customer create: by external id", "/v1/customers/external/golden_two");
  await r.get("customer create: state by external id", "/v1/customers/external/golden_two/state");
  const three = await r.post("customer create: FR address, VAT id", "/v1/customers/", {
    email: "golden.three@example.fr",
    name: "Golden Trois",
    billing_address: { line1: "5 Rue de la Paix", postal_code: "75002", city: "Paris", country: "FR" },
    tax_id: "FR 61 954 506 077",
    locale: "fr",
  });
  const threeId = idOf(three);
  await r.post("customer create: DE address, lower-case country", "/v1/customers/", {
    email: "golden.four@example.de",
    external_id: "golden_four",
    billing_address: { city: "Berlin", country: "de" },
    tax_id: "DE123456789",
  });
  await r.post("customer create: CA address with a province", "/v1/customers/", {
    email: "golden.five@example.ca",
    billing_address: {
      line1: "1 Main St",
      city: "Toronto",
      state: "ON",
      postal_code: "M5V 2T6",
      country: "CA",
    },
  });
  await r.post("customer create: empty strings become null", "/v1/customers/", {
    email: "golden.empty@example.com",
    external_id: "",
    name: "",
    tax_id: "",
  });
  const teamCustomer = await r.post("customer create: team with an owner", "/v1/customers/", {
    type: "team",
    name: "Golden Team",
    external_id: "golden_team",
    owner: { email: "owner@golden-team.example.com", name: "Team Owner", external_id: "golden_owner" },
    metadata: { seats: 5 },
  });
  const teamId = idOf(teamCustomer);
  await r.post("customer create: team with an email", "/v1/customers/", {
    type: "team",
    email: "team@golden.example.com",
    billing_address: { country: "GB", city: "London", postal_code: "SW1A 1AA", line1: "10 Downing St" },
    tax_id: "GB123456789",
  });
  await r.post("customer create: external id taken only in other case", "/v1/customers/", {
    email: "case@example.com",
    external_id: "USER_ALICE",
  });
  await r.get("customers: newest first after creates", "/v1/customers/?limit=12");
  await r.get("customers: query golden", "/v1/customers/?query=golden&sorting=email");

  await r.patch("customer update: metadata replaced", `/v1/customers/${oneId}`, {
    metadata: { a: "1", b: 2 },
  });
  await r.patch("customer update: metadata cleared", `/v1/customers/${oneId}`, { metadata: {} });
  await r.patch("customer update: name and locale", `/v1/customers/${oneId}`, {
    name: " One ",
    locale: "de",
  });
  await r.patch("customer update: email changed", `/v1/customers/${oneId}`, {
    email: "Golden.Uno@Example.com",
  });
  await r.patch("customer update: same email in other case", `/v1/customers/${oneId}`, {
    email: "golden.uno@example.com",
  });
  await r.patch("customer update: external id set once", `/v1/customers/${oneId}`, {
    external_id: "golden_one",
  });
  await r.patch("customer update: the same external id again", `/v1/customers/${oneId}`, {
    external_id: "golden_one",
  });
  await r.patch("customer update: external id changed, refused", `/v1/customers/${oneId}`, {
    external_id: "golden_1",
  });
  await r.patch("customer update: address and tax id", `/v1/customers/${oneId}`, {
    billing_address: { country: "AU", city: "Sydney", state: "NSW" },
    tax_id: "51824753556",
  });
  await r.patch("customer update: name to null", `/v1/customers/${oneId}`, { name: null });
  await r.patch("customer update: type individual to team", `/v1/customers/${oneId}`, { type: "team" });
  await r.patch("customer update: nothing", `/v1/customers/${oneId}`, {});
  await r.patch(
    "customer update by external id: name, external_id ignored",
    "/v1/customers/external/golden_two",
    {
      name: "Renamed Two",
      external_id: "ignored",
      type: "team",
    },
  );
  await r.patch("customer update by external id: metadata", "/v1/customers/external/user_alice", {
    metadata: { plan: "pro", seats: 2, golden: true },
  });
  await r.get("customer update: read back", `/v1/customers/${oneId}`);
  await r.get("customer update: state", "/v1/customers/external/golden_one/state");
  await r.get("customers: metadata filter after updates", "/v1/customers/?metadata[golden]=true");

  await r.delete("customer delete: by id", `/v1/customers/${threeId}`);
  await r.get("customer delete: gone", `/v1/customers/${threeId}`);
  await r.get("customer delete: state gone", `/v1/customers/${threeId}/state`);
  await r.delete("customer delete: twice", `/v1/customers/${threeId}`);
  await r.patch("customer delete: update refused", `/v1/customers/${threeId}`, { name: "x" });
  await r.post("customer delete: email free again", "/v1/customers/", { email: "golden.three@example.fr" });
  await r.delete("customer delete: by external id", "/v1/customers/external/golden_four");
  await r.get("customer delete: external id gone", "/v1/customers/external/golden_four");
  await r.post("customer delete: external id free again", "/v1/customers/", {
    email: "golden.four.again@example.de",
    external_id: "golden_four",
  });
  await r.delete(
    "customer delete: bob with his subscription, by external id",
    "/v1/customers/external/user_bob",
  );
  await r.get(
    "customer delete: bob's subscription is gone",
    `/v1/subscriptions/${subscriptionOf(seed, "bob@example.com")}`,
  );
  await r.get(
    "customer delete: bob's grants",
    `/v1/benefit-grants/?customer_id=${customerByEmail(seed, "bob@example.com")}`,
  );
  await r.delete("customer delete: anonymized, by id", `/v1/customers/${twoId}?anonymize=true`);
  await r.delete(
    "customer delete: dave anonymized, by external id",
    "/v1/customers/external/user_dave?anonymize=1",
  );
  await r.delete("customer delete: team, anonymize false", `/v1/customers/${teamId}?anonymize=false`);
  await r.get("customers: after deletes", "/v1/customers/?limit=15");
  await r.get("customers: active after deletes", "/v1/customers/?active=true&limit=100");
  await r.get("customers: CSV export after writes", "/v1/customers/export");

  // Products.
  const fixed = await r.post("product create: fixed monthly", "/v1/products/", {
    name: "Golden Monthly",
    description: "A fixed monthly price.",
    recurring_interval: "month",
    prices: [{ amount_type: "fixed", price_amount: 1500 }],
    metadata: { golden: "yes", rank: 1 },
  });
  const fixedId = idOf(fixed);
  await r.post("product create: custom one-time", "/v1/products/", {
    name: "Golden Tip Jar",
    prices: [{ amount_type: "custom", minimum_amount: 100, maximum_amount: 10000, preset_amount: 500 }],
  });
  await r.post("product create: custom with defaults", "/v1/products/", {
    name: "  Golden Pay What You Want  ",
    description: "  ",
    prices: [{ amount_type: "custom" }],
  });
  const seats = await r.post("product create: seat based", "/v1/products/", {
    name: "Golden Seats",
    recurring_interval: "month",
    prices: [
      {
        amount_type: "seat_based",
        seat_tiers: {
          tiers: [
            { min_seats: 1, max_seats: 4, price_per_seat: 1000 },
            { min_seats: 5, price_per_seat: 800 },
          ],
        },
      },
    ],
  });
  const metered = await r.post("product create: fixed and metered", "/v1/products/", {
    name: "Golden Metered",
    recurring_interval: "month",
    prices: [
      { amount_type: "fixed", price_amount: 900 },
      { amount_type: "metered_unit", meter_id: meterId, unit_amount: "0.5", cap_amount: 10000 },
    ],
  });
  await r.post("product create: legacy free price", "/v1/products/", {
    name: "Golden Free",
    recurring_interval: "year",
    prices: [{ amount_type: "free" }],
  });
  await r.post("product create: coerced numbers, trial", "/v1/products/", {
    name: "Golden Quarterly",
    recurring_interval: "month",
    recurring_interval_count: "3",
    trial_interval: "week",
    trial_interval_count: 2,
    prices: [{ amount_type: "fixed", price_amount: "4500" }],
  });
  await r.post("product create 422: separate meter cycling", "/v1/products/", {
    name: "Golden Yearly",
    recurring_interval: "year",
    meter_interval: "month",
    meter_interval_count: null,
    prices: [{ amount_type: "fixed", price_amount: 12000 }],
  });
  await r.get("product create: read back", `/v1/products/${fixedId}`);
  await r.get("product create: seat based read back", `/v1/products/${idOf(seats)}`);
  await r.get("product create: metered read back", `/v1/products/${idOf(metered)}`);
  await r.get("products: newest first after creates", "/v1/products/?limit=20");
  await r.get(
    "products: sorted by price amount after creates",
    "/v1/products/?limit=20&sorting=-price_amount",
  );
  await r.get("products: metadata golden", "/v1/products/?metadata[golden]=yes");

  // Benefits.
  const custom = await r.post("benefit create: custom", "/v1/benefits/", {
    type: "custom",
    description: "Golden custom benefit",
    properties: { note: "Hello from the golden test" },
    metadata: { golden: true },
  });
  const customId = idOf(custom);
  await r.post("benefit create: discord", "/v1/benefits/", {
    type: "discord",
    description: "Golden Discord",
    properties: { guild_id: "123456789", role_id: "987654321", kick_member: false },
  });
  await r.post("benefit create: downloadables", "/v1/benefits/", {
    type: "downloadables",
    description: "Golden files",
    properties: { files: [UNKNOWN, UNKNOWN_2], archived: { [UNKNOWN]: true } },
  });
  const keys = await r.post("benefit create: license keys", "/v1/benefits/", {
    type: "license_keys",
    description: "Golden keys",
    properties: {
      prefix: "GOLD",
      expires: { ttl: 30, timeframe: "day" },
      activations: { limit: 2, enable_customer_admin: false },
      limit_usage: 100,
    },
  });
  await r.post("benefit create: license keys, bare", "/v1/benefits/", {
    type: "license_keys",
    description: "Bare keys",
    properties: { prefix: "  ", limit_usage: 5.0 },
  });
  const credits = await r.post("benefit create: meter credit", "/v1/benefits/", {
    type: "meter_credit",
    description: "Golden credits",
    properties: { units: "250", rollover: "yes", meter_id: `{${meterId.toUpperCase()}}` },
  });
  const flag = await r.post("benefit create: feature flag", "/v1/benefits/", {
    type: "feature_flag",
    description: "Golden flag",
    properties: {},
    metadata: { a: 1.5, b: true, c: "x" },
  });
  await r.post("benefit create: feature flag, public", "/v1/benefits/", {
    type: "feature_flag",
    description: "Public flag",
    properties: {},
    visibility: "public",
  });
  await r.get("benefit create: read back", `/v1/benefits/${customId}`);
  await r.get("benefits: after creates", "/v1/benefits/?limit=20");
  await r.get("benefits: query golden", "/v1/benefits/?query=golden");

  // Benefits of products: subscriptions follow.
  await r.post("product benefits: set on a new product", `/v1/products/${fixedId}/benefits`, {
    benefits: [idOf(flag), customId, idOf(keys)],
  });
  await r.post("product benefits: reordered", `/v1/products/${fixedId}/benefits`, {
    benefits: [idOf(keys), idOf(flag)],
  });
  const free = productByName(seed, "Free");
  const support = benefitByType(seed, "custom");
  await r.post("product benefits: free plan gains support", `/v1/products/${free}/benefits`, {
    benefits: [support, idOf(credits)],
  });
  await r.get("product benefits: free plan", `/v1/products/${free}`);
  await r.get("product benefits: grants of support", `/v1/benefits/${support}/grants?limit=100`);
  await r.post("product benefits: free plan back to none", `/v1/products/${free}/benefits`, { benefits: [] });
  await r.get(
    "product benefits: support revoked again",
    `/v1/benefits/${support}/grants?limit=100&is_granted=false`,
  );
  await r.post("product benefits: a github benefit", `/v1/products/${fixedId}/benefits`, {
    benefits: [benefitByType(seed, "github_repository")],
  });

  // Meters.
  const count = await r.post("meter create: count", "/v1/meters/", {
    name: "Golden requests",
    filter: { conjunction: "and", clauses: [{ property: "name", operator: "eq", value: "golden.request" }] },
    aggregation: { func: "count" },
    metadata: { kind: "usage" },
  });
  const sum = await r.post("meter create: sum with nested filters", "/v1/meters/", {
    name: "Golden bytes",
    filter: {
      conjunction: "or",
      clauses: [
        { property: "name", operator: "eq", value: "golden.upload" },
        {
          conjunction: "and",
          clauses: [
            { property: "name", operator: "like", value: "golden.%" },
            { property: "metadata.bytes", operator: "gt", value: 100 },
          ],
        },
      ],
    },
    aggregation: { func: "sum", property: "bytes" },
  });
  await r.post("meter create: unique", "/v1/meters/", {
    name: "Golden users",
    filter: { conjunction: "and", clauses: [{ property: "metadata.x", operator: "like", value: false }] },
    aggregation: { func: "unique", property: "metadata.user" },
  });
  await r.post("meter create: custom unit", "/v1/meters/", {
    name: "Golden tokens",
    unit: "custom",
    custom_label: "token",
    custom_multiplier: 1000,
    filter: { conjunction: "and", clauses: [] },
    aggregation: { func: "max", property: "tokens" },
  });
  await r.get("meter create: read back", `/v1/meters/${idOf(count)}`);
  await r.get("meters: after creates", "/v1/meters/");
  await r.get("meters: metadata after creates", "/v1/meters/?metadata[kind]=usage");

  // Event ingestion.
  await r.post("events ingest: by customer id", "/v1/events/ingest", {
    events: [
      {
        name: "api_call",
        customer_id: alice,
        external_id: "golden-evt-1",
        timestamp: "2026-01-04T10:00:00Z",
      },
      {
        name: "api_call",
        customer_id: alice,
        external_id: "golden-evt-2",
        metadata: { endpoint: "/v1/golden" },
      },
      { name: "golden.request", customer_id: alice.toUpperCase(), timestamp: "2026-01-04T11:00:00.250Z" },
    ],
  });
  await r.post("events ingest: by external customer id", "/v1/events/ingest", {
    events: [
      { name: "api_call", external_customer_id: "user_grace", external_id: "golden-evt-3" },
      { name: "golden.upload", external_customer_id: "user_grace", metadata: { bytes: 2048 } },
      { name: "golden.other", external_customer_id: "user_grace", metadata: { bytes: 50 } },
      { name: "golden.big", external_customer_id: "user_grace", metadata: { bytes: 4096 } },
    ],
  });
  await r.post("events ingest: duplicates by external id", "/v1/events/ingest", {
    events: [
      { name: "api_call", customer_id: alice, external_id: "golden-evt-1" },
      { name: "api_call", external_customer_id: "user_grace", external_id: "golden-evt-3" },
      { name: "api_call", customer_id: alice, external_id: "golden-evt-4" },
      { name: "api_call", customer_id: alice, external_id: "golden-evt-4" },
    ],
  });
  await r.post("events ingest: nothing", "/v1/events/ingest", { events: [] });
  await r.post("events ingest: for an external id nobody has", "/v1/events/ingest", {
    events: [
      { name: "api_call", external_customer_id: "golden_future", external_id: "golden-future-1" },
      { name: "api_call", external_customer_id: "golden_future", timestamp: "2026-01-03T00:00:00Z" },
      { name: "golden.request", external_customer_id: "golden_future" },
    ],
  });
  await r.get(
    "events ingest: nobody has golden_future",
    "/v1/customer-meters/?external_customer_id=golden_future",
  );
  await r.get("events ingest: alice's meters", `/v1/customer-meters/?customer_id=${alice}`);
  await r.get("events ingest: grace's meters", `/v1/customer-meters/?customer_id=${grace}`);
  await r.get("events ingest: the sum meter", `/v1/customer-meters/?meter_id=${idOf(sum)}`);
  await r.get("events ingest: the count meter", `/v1/customer-meters/?meter_id=${idOf(count)}`);
  await r.get("events ingest: alice's state", `/v1/customers/${alice}/state`);
  await r.post("events ingest: golden_future signs up", "/v1/customers/", {
    email: "future@example.com",
    external_id: "golden_future",
  });
  await r.get(
    "events ingest: golden_future's meters",
    "/v1/customer-meters/?external_customer_id=golden_future",
  );
  await r.get("events ingest: golden_future's state", "/v1/customers/external/golden_future/state");
  await r.post("events ingest: for an external id given later by update", "/v1/events/ingest", {
    events: [{ name: "api_call", external_customer_id: "golden_later", external_id: "golden-later-1" }],
  });
  const empty = await r.get(
    "events ingest: find golden.empty",
    "/v1/customers/?email=golden.empty@example.com",
  );
  const emptyId = str(itemsOf(empty)[0]?.id);
  await r.patch("events ingest: external id set on update", `/v1/customers/${emptyId}`, {
    external_id: "golden_later",
  });
  await r.get(
    "events ingest: golden_later's meters",
    "/v1/customer-meters/?external_customer_id=golden_later",
  );
  await r.get(
    "customer meters: sorted by balance after ingest",
    "/v1/customer-meters/?sorting=-balance&limit=10",
  );

  // Subscriptions through the public API.
  const graceSubscription = subscriptionOf(seed, "grace@example.com");
  const path = `/v1/subscriptions/${graceSubscription}`;
  await r.patch("subscription: cancel at period end", path, { cancel_at_period_end: true });
  await r.patch("subscription: cancel again, 403", path, { cancel_at_period_end: true });
  await r.get("subscription: canceling", path);
  await r.get("subscription: grace's state while canceling", "/v1/customers/external/user_grace/state");
  await r.patch("subscription: uncancel", path, { cancel_at_period_end: false });
  await r.patch("subscription: uncancel again, 400", path, { cancel_at_period_end: false });
  await r.patch("subscription: cancel with a reason", path, {
    cancel_at_period_end: true,
    customer_cancellation_reason: "too_expensive",
    customer_cancellation_comment: "Golden comment",
  });
  await r.get(
    "subscriptions: filter by cancellation reason",
    "/v1/subscriptions/?customer_cancellation_reason=too_expensive",
  );
  await r.patch("subscription: uncancel with coerced boolean", path, { cancel_at_period_end: "no" });
  await r.patch("subscription: metadata", path, { metadata: { golden: "yes", n: 1 } });
  await r.get("subscriptions: metadata filter", "/v1/subscriptions/?metadata[golden]=yes");
  await r.patch("subscription: empty update", path, {});
  await r.patch("subscription: unsupported product change", path, {
    product_id: productByName(seed, "Team"),
  });
  await r.patch("subscription: unsupported seats", path, { seats: "3" });
  await r.patch("subscription: revoke", path, { revoke: true });
  await r.patch("subscription: revoke again, 403", path, { revoke: true });
  await r.patch("subscription: uncancel an ended one, 410", path, { cancel_at_period_end: false });
  await r.get("subscription: revoked", path);
  await r.get("subscription: grace's state after revoke", "/v1/customers/external/user_grace/state");
  const carolSubscription = subscriptionOf(seed, "carol@example.org");
  await r.delete("subscription: DELETE revokes a trial", `/v1/subscriptions/${carolSubscription}`);
  await r.delete("subscription: DELETE again, 403", `/v1/subscriptions/${carolSubscription}`);
  await r.patch(
    "subscription: cancel frank's, already canceling",
    `/v1/subscriptions/${subscriptionOf(seed, "frank@example.org")}`,
    { cancel_at_period_end: true },
  );
  await r.patch(
    "subscription: uncancel frank's",
    `/v1/subscriptions/${subscriptionOf(seed, "frank@example.org")}`,
    { cancel_at_period_end: false },
  );
  await r.patch(
    "subscription: revoke dave's past due, deleted customer",
    `/v1/subscriptions/${subscriptionOf(seed, "dave@example.com")}`,
    { revoke: true },
  );
  await r.patch(
    "subscription: cancel erin's canceled one",
    `/v1/subscriptions/${subscriptionOf(seed, "erin@example.net")}`,
    { cancel_at_period_end: true },
  );
  await r.get(
    "subscriptions: canceled after changes",
    "/v1/subscriptions/?status=canceled&limit=100&sorting=-ended_at",
  );
  await r.get(
    "subscriptions: active after changes",
    "/v1/subscriptions/?active=true&limit=4&sorting=customer",
  );
  await r.get("benefit grants: after changes", "/v1/benefit-grants/?limit=20&sorting=-revoked_at");
}

// Webhook endpoints (delivery paused) ----------------------------------------------------------

/** Sets up webhook endpoints with delivery paused; answers the id of the discord one. */
async function webhooks(r: Recorder, seed: Seed): Promise<string> {
  await r.get("webhooks: status before", "/_emulator/webhooks");
  await r.post("webhooks: pause delivery", "/_emulator/webhooks/pause");
  const raw = await r.post("webhook endpoint create: raw", "/v1/webhooks/endpoints", {
    url: HOOK_URL,
    format: "raw",
    events: ["customer.created", "customer.updated", "customer.state_changed", "subscription.updated"],
  });
  const rawId = idOf(raw);
  const discord = await r.post("webhook endpoint create: discord, named", "/v1/webhooks/endpoints", {
    url: "  HTTP://127.0.0.1:9/Discord?x=1  ",
    name: "Golden Discord",
    format: "discord",
    events: ["customer.created", "benefit.created"],
  });
  const slack = await r.post("webhook endpoint create: slack, own secret", "/v1/webhooks/endpoints", {
    url: `${HOOK_URL}/slack`,
    format: "slack",
    events: ["customer.created"],
    secret: "golden-secret-golden-secret-golden-secret",
  });
  const all = await r.post("webhook endpoint create: every event", "/v1/webhooks/endpoints", {
    url: `${HOOK_URL}/all`,
    format: "raw",
    events: [
      "customer.created",
      "customer.updated",
      "customer.deleted",
      "customer.state_changed",
      "subscription.created",
      "subscription.updated",
      "subscription.active",
      "subscription.canceled",
      "subscription.uncanceled",
      "subscription.cycled",
      "subscription.revoked",
      "subscription.past_due",
      "benefit_grant.created",
      "benefit_grant.updated",
      "benefit_grant.cycled",
      "benefit_grant.revoked",
      "product.created",
      "product.updated",
      "benefit.created",
      "benefit.updated",
    ],
  });
  const endpointBodies: [string, unknown][] = [
    ["short secret", { url: HOOK_URL, format: "raw", events: [], secret: "short" }],
    ["relative url", { url: "/hook", format: "raw", events: [] }],
    ["ftp url", { url: "ftp://127.0.0.1/hook", format: "raw", events: [] }],
    ["empty host", { url: "http://", format: "raw", events: [] }],
    ["unknown event", { url: HOOK_URL, format: "raw", events: ["customer.exploded"] }],
    ["unknown format", { url: HOOK_URL, format: "teams", events: [] }],
    ["missing fields", {}],
    ["organization_id", { url: HOOK_URL, format: "raw", events: [], organization_id: seed.organizationId }],
  ];
  for (const [label, body] of endpointBodies) {
    await r.post(`webhook endpoint create 422: ${label}`, "/v1/webhooks/endpoints", body);
  }
  await r.get("webhook endpoints: list", "/v1/webhooks/endpoints");
  await r.get("webhook endpoints: page 2 of 2", "/v1/webhooks/endpoints?limit=3&page=2");
  await r.get("webhook endpoints: other organization", `/v1/webhooks/endpoints?organization_id=${UNKNOWN}`);
  await r.get("webhook endpoint: get", `/v1/webhooks/endpoints/${rawId}`);
  await r.patch("webhook endpoint update: name and events", `/v1/webhooks/endpoints/${idOf(discord)}`, {
    name: "Golden Discord 2",
    events: ["customer.created", "customer.deleted", "benefit.created"],
  });
  await r.patch("webhook endpoint update: url", `/v1/webhooks/endpoints/${idOf(slack)}`, {
    url: "http://127.0.0.1:9/slack-2",
    name: null,
  });
  await r.patch("webhook endpoint update: secret", `/v1/webhooks/endpoints/${idOf(slack)}`, {
    secret: "another-golden-secret-another-golden-secret",
  });
  await r.patch("webhook endpoint update: short secret", `/v1/webhooks/endpoints/${idOf(slack)}`, {
    secret: "x",
  });
  await r.patch("webhook endpoint update: bad url", `/v1/webhooks/endpoints/${idOf(slack)}`, { url: "nope" });
  await r.patch("webhook endpoint update: disabled", `/v1/webhooks/endpoints/${idOf(slack)}`, {
    enabled: false,
  });
  await r.patch("webhook endpoint update: format", `/v1/webhooks/endpoints/${rawId}`, { format: "raw" });
  await r.req("webhook endpoint: reset secret", "PATCH", `/v1/webhooks/endpoints/${rawId}/secret`);
  await r.req(
    "webhook endpoint: reset secret of unknown",
    "PATCH",
    `/v1/webhooks/endpoints/${UNKNOWN}/secret`,
  );
  await r.get("webhook endpoint: after updates", `/v1/webhooks/endpoints/${rawId}`);
  await r.get("webhooks: status with endpoints", "/_emulator/webhooks");

  // Changes fan out to the endpoints; nothing is sent while paused.
  const created = await r.post("webhooks: a customer is created", "/v1/customers/", {
    email: "hooked@example.com",
    external_id: "golden_hooked",
  });
  await r.post("webhooks: a benefit is created", "/v1/benefits/", {
    type: "custom",
    description: "Hooked benefit",
    properties: {},
  });
  await r.patch("webhooks: the customer is updated", `/v1/customers/${idOf(created)}`, { name: "Hooked" });
  await r.get("webhooks: events queued", "/_emulator/webhooks/events?limit=10000");
  await r.get("webhooks: events of one endpoint", `/_emulator/webhooks/events?endpoint_id=${idOf(discord)}`);
  await r.get("webhooks: events of one type", "/_emulator/webhooks/events?type=customer.updated");
  await r.get(
    "webhooks: events of one customer",
    "/_emulator/webhooks/events?external_customer_id=golden_hooked&limit=2",
  );
  await r.get("webhooks: events pending", "/_emulator/webhooks/events?status=pending&limit=3");
  await r.get("webhooks: events succeeded", "/_emulator/webhooks/events?status=succeeded");
  await r.get("webhooks: events bad status", "/_emulator/webhooks/events?status=lost");
  const queued = await r.get(
    "webhooks: events of the raw endpoint",
    `/_emulator/webhooks/events?endpoint_id=${rawId}`,
  );
  const firstEvent = str(itemsOf(queued)[0]?.id);
  await r.post("webhooks: redeliver through the API", `/v1/webhooks/events/${firstEvent}/redeliver`);
  await r.post(
    "webhooks: redeliver through the control plane",
    `/_emulator/webhooks/events/${firstEvent}/redeliver`,
  );
  await r.post("webhooks: redeliver unknown", `/_emulator/webhooks/events/${UNKNOWN}/redeliver`);
  await r.post("webhooks: replay a customer", "/_emulator/webhooks/replay", {
    external_customer_id: "golden_hooked",
  });
  await r.post("webhooks: replay one type of one endpoint", "/_emulator/webhooks/replay", {
    customer_id: idOf(created),
    endpoint_id: idOf(all),
    type: "customer.created",
  });
  await r.get("webhooks: status with a queue", "/_emulator/webhooks");
  await r.get("webhooks: no deliveries while paused", "/v1/webhooks/deliveries");
  await r.get("webhooks: control plane deliveries, none", "/_emulator/webhooks/deliveries");
  await r.get(
    "webhooks: wait times out at once",
    "/_emulator/webhooks/wait?timeout_ms=0&type=customer.created",
  );
  await r.delete("webhooks: clear the delivery log", "/_emulator/webhooks/deliveries");
  await r.get("webhooks: events kept after clear (pending)", "/_emulator/webhooks/events?limit=3");
  await r.put("webhooks: faults on", "/_emulator/webhooks/faults", { duplicate: true, out_of_order: true });
  await r.put("webhooks: faults half off", "/_emulator/webhooks/faults", { out_of_order: false });
  await r.put("webhooks: faults bad", "/_emulator/webhooks/faults", { duplicate: "sometimes" });
  await r.put("webhooks: faults off", "/_emulator/webhooks/faults", { duplicate: false });
  await r.delete("webhook endpoint: delete", `/v1/webhooks/endpoints/${idOf(slack)}`);
  await r.get("webhook endpoint: deleted is 404", `/v1/webhooks/endpoints/${idOf(slack)}`);
  await r.delete("webhook endpoint: delete twice", `/v1/webhooks/endpoints/${idOf(slack)}`);
  await r.get(
    "webhooks: events after a delete (skipped)",
    `/_emulator/webhooks/events?endpoint_id=${idOf(slack)}`,
  );
  await r.get("webhook endpoints: after a delete", "/v1/webhooks/endpoints");
  // The other endpoints stay, paused, through the control plane section: their queues record
  // every event; the full reset at the end drops them without sending anything.
  return idOf(discord);
}

// 4. The control plane -------------------------------------------------------------------------

const STATUS_FIXTURE = {
  organization: { name: "Status Demo", slug: "status-demo" },
  benefits: [{ key: "pro_access", type: "feature_flag", description: "Pro features", properties: {} }],
  products: [
    {
      key: "pro",
      name: "Pro",
      recurring_interval: "month",
      prices: [{ amount_type: "fixed", price_amount: 1500 }],
      benefits: ["pro_access"],
    },
  ],
  customers: [
    {
      email: "active@example.com",
      external_id: "status_active",
      subscriptions: [{ product: "pro", status: "active", started_at: "-100d" }],
    },
    {
      email: "trialing@example.com",
      external_id: "status_trialing",
      subscriptions: [{ product: "pro", status: "trialing", started_at: "-2d", trial_end: "+12d" }],
    },
    {
      email: "past_due@example.com",
      external_id: "status_past_due",
      subscriptions: [{ product: "pro", status: "past_due", started_at: "-70d", changed_at: "-2d" }],
    },
    {
      email: "canceling@example.com",
      external_id: "status_canceling",
      subscriptions: [{ product: "pro", status: "canceling", started_at: "-40d", changed_at: "-3d" }],
    },
    {
      email: "canceled@example.com",
      external_id: "status_canceled",
      subscriptions: [{ product: "pro", status: "canceled", started_at: "-90d", changed_at: "-15d" }],
    },
    { email: "granted@example.com", external_id: "status_granted", grants: ["pro_access"] },
    { email: "no_subscription@example.com", external_id: "status_none" },
  ],
};

/** fixtures/examples/usage-billing.yaml, as YAML (a copy: the golden file must not follow edits of the example). */
const USAGE_FIXTURE_YAML = `organization:
  name: Tokenly
  slug: tokenly

meters:
  - key: tokens
    name: LLM tokens
    filter:
      conjunction: and
      clauses:
        - { property: name, operator: eq, value: llm.completion }
    aggregation: { func: sum, property: tokens }
  - key: requests
    name: API requests
    filter: { conjunction: and, clauses: [{ property: name, operator: eq, value: llm.completion }] }
    aggregation: { func: count }

benefits:
  - key: monthly_tokens
    type: meter_credit
    description: 100,000 tokens a month
    properties: { meter: tokens, units: 100000, rollover: false }
  - key: rollover_tokens
    type: meter_credit
    description: 1M tokens a month, unused roll over
    properties: { meter: tokens, units: 1000000, rollover: true }

products:
  - key: starter
    name: Starter
    description: "100k tokens included, then $0.20 per 1,000 tokens."
    recurring_interval: month
    prices:
      - { amount_type: fixed, price_amount: 1000 }
      - { amount_type: metered_unit, meter: tokens, unit_amount: "0.02", cap_amount: 100000 }
    benefits: [monthly_tokens]
  - key: scale
    name: Scale
    description: "1M tokens included (unused ones roll over), then $0.10 per 1,000."
    recurring_interval: month
    prices:
      - { amount_type: fixed, price_amount: 9900 }
      - { amount_type: metered_unit, meter: tokens, unit_amount: "0.01" }
    benefits: [rollover_tokens]

customers:
  - key: light
    email: light@example.com
    external_id: user_light
    subscriptions: [{ product: starter, started_at: -10d }]
    events:
      - { name: llm.completion, count: 12, timestamp: -2d, metadata: { tokens: 850, model: small } }
  - key: near
    email: near@example.com
    external_id: user_near
    subscriptions: [{ product: starter, started_at: -20d }]
    events:
      - { name: llm.completion, count: 45, timestamp: -5d, metadata: { tokens: 2100, model: large } }
  - key: heavy
    email: heavy@example.com
    external_id: user_heavy
    subscriptions: [{ product: starter, started_at: -25d }]
    events:
      - { name: llm.completion, count: 60, timestamp: -6d, metadata: { tokens: 2500, model: large } }
    credits:
      - { meter: tokens, units: 20000 }
  - key: enterprise
    email: ops@bigco.example.com
    external_id: org_bigco
    type: team
    subscriptions: [{ product: scale, started_at: -3mo }]
    events:
      - { name: llm.completion, count: 200, timestamp: -1d, metadata: { tokens: 3000, model: large } }
  - key: prepaid
    email: prepaid@example.com
    external_id: user_prepaid
    credits:
      - { meter: tokens, units: 50000 }
    events:
      - { name: llm.completion, count: 10, metadata: { tokens: 1000, model: small } }
`;

async function controlPlane(r: Recorder, seed: Seed, discordId: string): Promise<void> {
  const org = seed.organizationId;
  const alice = customerByEmail(seed, "alice@example.com");
  const pro = productByName(seed, "Pro");
  const team = productByName(seed, "Team");
  const lifetime = productByName(seed, "Acme Desktop (lifetime)");
  const support = benefitByType(seed, "custom");
  const license = benefitByType(seed, "license_keys");
  const meterId = str(seed.meters[0]?.id);

  await r.get("control: health", "/_emulator/health");
  await r.get("control: organizations", "/_emulator/organizations");
  const eventsSoFar = await r.get("control: every domain event so far", "/_emulator/events?limit=10000");
  const lastEvent = str(itemsOf(eventsSoFar).at(-1)?.id);

  // Subscriptions.
  const uno = await r.get("control: find golden_one", "/v1/customers/external/golden_one");
  const unoId = idOf(uno);
  const started = await r.post("control: start an active subscription", "/_emulator/subscriptions", {
    customer_id: unoId,
    product_id: pro,
    metadata: { source: "golden" },
  });
  const activeId = str(object(object(started.data).subscription).id);
  const trial = await r.post("control: start a trial by external id", "/_emulator/subscriptions", {
    external_customer_id: "golden_future",
    organization_id: org,
    product_id: team,
    status: "trialing",
    trial_end: "2026-01-19T12:00:00Z",
  });
  const trialId = str(object(object(trial.data).subscription).id);
  await r.post("control: start with a start date", "/_emulator/subscriptions", {
    external_customer_id: "golden_later",
    product_id: productByName(seed, "Pro (yearly)"),
    starts_at: "2025-12-31T00:00:00Z",
  });
  const defaultTrial = await r.post("control: start a default trial", "/_emulator/subscriptions", {
    external_customer_id: "golden_hooked",
    product_id: pro,
    status: "trialing",
  });
  const defaultTrialId = str(object(object(defaultTrial.data).subscription).id);
  const startErrors: [string, unknown][] = [
    ["unknown customer", { customer_id: UNKNOWN, product_id: pro }],
    ["unknown external customer", { external_customer_id: "nobody", product_id: pro }],
    ["no customer", { product_id: pro }],
    ["unknown product", { customer_id: alice, product_id: UNKNOWN }],
    ["one-time product", { customer_id: alice, product_id: lifetime }],
    [
      "trial_end without trialing",
      { customer_id: alice, product_id: pro, trial_end: "2026-02-01T00:00:00Z" },
    ],
    [
      "trial_end before the start",
      { customer_id: alice, product_id: pro, status: "trialing", trial_end: "2025-01-01T00:00:00Z" },
    ],
    ["bad status", { customer_id: alice, product_id: pro, status: "past_due" }],
    [
      "unknown organization",
      { external_customer_id: "user_alice", organization_id: UNKNOWN, product_id: pro },
    ],
    ["product not a uuid", { customer_id: alice, product_id: "pro" }],
  ];
  for (const [label, body] of startErrors) {
    await r.post(`control: start 422, ${label}`, "/_emulator/subscriptions", body);
  }
  const change = (id: string, action: string) => `/_emulator/subscriptions/${id}/${action}`;
  const trialSteps: [string, string][] = [
    ["activate", "activate"],
    ["activate again", "activate"],
    ["renew", "renew"],
    ["cancel", "cancel"],
    ["cancel again", "cancel"],
    ["renew while canceling", "renew"],
    ["uncancel", "uncancel"],
    ["past_due", "past_due"],
    ["renew while past due", "renew"],
    ["past_due again", "past_due"],
    ["recover", "recover"],
    ["recover again", "recover"],
    ["cancel then end the period", "cancel"],
    ["end_period", "end_period"],
    ["end_period again", "end_period"],
    ["uncancel after the end", "uncancel"],
    ["revoke after the end", "revoke"],
  ];
  await r.post("control: default trial, renew ends the trial", change(defaultTrialId, "renew"));
  await r.post("control: default trial, cancel", change(defaultTrialId, "cancel"));
  await r.post("control: default trial, revoke", change(defaultTrialId, "revoke"));
  for (const [label, action] of trialSteps) {
    await r.post(`control: trial, ${label}`, change(trialId, action));
  }
  const activeSteps: [string, string][] = [
    ["end_period renews", "end_period"],
    ["past_due", "past_due"],
    ["dunning_over", "dunning_over"],
    ["dunning_over again", "dunning_over"],
    ["recover a canceled one", "recover"],
    ["activate a canceled one", "activate"],
  ];
  for (const [label, action] of activeSteps) {
    await r.post(`control: active, ${label}`, change(activeId, action));
  }
  await r.post(
    "control: revoke alice's subscription",
    change(subscriptionOf(seed, "alice@example.com"), "revoke"),
  );
  await r.post("control: unknown action", change(activeId, "explode"));
  await r.post("control: unknown subscription", change(UNKNOWN, "renew"));
  await r.post("control: subscription id not a uuid", change("nope", "renew"));
  await r.get("control: the trial after its life", `/v1/subscriptions/${trialId}`);
  await r.get("control: golden_future's state", "/v1/customers/external/golden_future/state");

  // Benefit grants.
  const grantPath = "/_emulator/benefit-grants";
  await r.post("control: grant a benefit", grantPath, { customer_id: unoId, benefit_id: support });
  await r.post("control: grant it again", grantPath, { customer_id: unoId, benefit_id: support });
  await r.post("control: grant by external id", grantPath, {
    external_customer_id: "golden_one",
    benefit_id: license,
  });
  await r.get("control: golden_one's grants", `/v1/benefit-grants/?customer_id=${unoId}`);
  await r.post("control: revoke a grant", `${grantPath}/revoke`, { customer_id: unoId, benefit_id: support });
  await r.post("control: revoke it again", `${grantPath}/revoke`, {
    customer_id: unoId,
    benefit_id: support,
  });
  await r.post("control: revoke a subscription's grant", `${grantPath}/revoke`, {
    external_customer_id: "user_frank",
    benefit_id: license,
    subscription_id: subscriptionOf(seed, "frank@example.org"),
  });
  await r.post("control: grant error, unknown benefit", grantPath, {
    customer_id: unoId,
    benefit_id: UNKNOWN,
  });
  await r.post("control: grant error, unknown subscription", `${grantPath}/revoke`, {
    customer_id: unoId,
    benefit_id: license,
    subscription_id: UNKNOWN,
  });
  await r.post("control: grant error, no benefit", grantPath, { customer_id: unoId });
  await r.get("control: golden_one's state after grants", `/v1/customers/${unoId}/state`);

  // Meters and usage.
  const credit = `/_emulator/meters/${meterId}/credit`;
  await r.post("control: credit a meter", credit, { customer_id: alice, units: 100 });
  await r.post("control: debit a meter", credit, { external_customer_id: "user_alice", units: -30 });
  await r.post("control: credit a new customer meter", credit, { customer_id: unoId, units: 7 });
  await r.post("control: credit an unknown meter", `/_emulator/meters/${UNKNOWN}/credit`, {
    customer_id: alice,
    units: 1,
  });
  await r.post("control: credit an unknown customer", credit, { customer_id: UNKNOWN, units: 1 });
  await r.post("control: credit without units", credit, { customer_id: alice });
  await r.post("control: record usage", "/_emulator/usage", {
    external_customer_id: "user_alice",
    events: [
      { name: "api_call", count: 3, external_id: "golden-usage" },
      { name: "api_call", external_id: "golden-usage-single", metadata: { endpoint: "/v1/x" } },
      { name: "other", timestamp: "2026-01-04T08:00:00Z" },
    ],
  });
  await r.post("control: record the same usage again", "/_emulator/usage", {
    customer_id: alice,
    events: [{ name: "api_call", count: 3, external_id: "golden-usage" }],
  });
  await r.post("control: usage error, no customer", "/_emulator/usage", { events: [{ name: "api_call" }] });
  await r.post("control: usage error, no events", "/_emulator/usage", { customer_id: alice });
  await r.get("control: alice's customer meters", `/v1/customer-meters/?customer_id=${alice}`);
  await r.post("control: state changed", `/_emulator/customers/${alice}/state-changed`);
  await r.post("control: state changed, unknown customer", `/_emulator/customers/${UNKNOWN}/state-changed`);

  // Sending events on demand.
  const send = "/_emulator/webhooks/send";
  const sends: [string, unknown][] = [
    ["customer.updated", { type: "customer.updated", id: alice }],
    ["customer.state_changed", { type: "customer.state_changed", id: alice }],
    [
      "customer.deleted of a deleted customer",
      { type: "customer.deleted", id: customerByEmail(seed, "bob@example.com") },
    ],
    ["subscription.updated", { type: "subscription.updated", id: subscriptionOf(seed, "frank@example.org") }],
    ["product.updated", { type: "product.updated", id: pro }],
    ["benefit.updated", { type: "benefit.updated", id: license }],
    ["unknown id", { type: "customer.updated", id: UNKNOWN }],
    [
      "customer.updated of a deleted customer",
      { type: "customer.updated", id: customerByEmail(seed, "bob@example.com") },
    ],
    ["unknown type", { type: "subscription.paused", id: alice }],
  ];
  for (const [label, body] of sends) {
    await r.post(`control: send ${label}`, send, body);
  }
  const grants = await r.get(
    "control: a grant to announce",
    `/v1/benefit-grants/?customer_id=${unoId}&limit=1`,
  );
  const announced = await r.post("control: send benefit_grant.updated", send, {
    type: "benefit_grant.updated",
    id: str(itemsOf(grants)[0]?.id),
  });
  // The billing verbs answered with their events: the journal is read here with filters only,
  // and in full again for what comes after this last event.
  const events = object(announced.data).events;
  const lastBillingEvent = str(Array.isArray(events) ? object(events.at(-1)).id : undefined);

  // The domain events.
  await r.get(
    "control: events after the last recorded one, 3",
    `/_emulator/events?after=${lastEvent}&limit=3`,
  );
  await r.get("control: events of alice", `/_emulator/events?customer_id=${alice}&limit=10000`);
  await r.get("control: events of one type", "/_emulator/events?type=subscription.cycled&limit=10000");
  await r.get("control: events of the organization, 5", `/_emulator/events?organization_id=${org}&limit=5`);
  await r.get("control: events of another organization", `/_emulator/events?organization_id=${UNKNOWN}`);
  await r.get("control: events after an unknown id", `/_emulator/events?after=${UNKNOWN}&limit=2`);
  await r.get(
    "webhooks: discord endpoint events",
    `/_emulator/webhooks/events?endpoint_id=${discordId}&limit=10000`,
  );
  await r.get("webhooks: cycled events", "/_emulator/webhooks/events?type=subscription.cycled&limit=3");
  await r.get("webhooks: events of alice", `/_emulator/webhooks/events?customer_id=${alice}&limit=4`);
  await r.get("webhooks: status before the scenarios", "/_emulator/webhooks");

  // Organizations and fixtures.
  const tokenly = await r.post("control: create an organization", "/_emulator/organizations", {
    name: "Golden Org",
    slug: "golden-org",
  });
  const tokenlyId = str(object(object(tokenly.data).organization).id);
  const asTokenly = { token: str(object(tokenly.data).token, "polar_oat_missing") };
  const demo = await r.post("control: create an organization, defaults", "/_emulator/organizations");
  const demoId = str(object(object(demo.data).organization).id);
  const asDemo = { token: str(object(demo.data).token, "polar_oat_missing") };
  await r.post("control: create an organization, bad scopes", "/_emulator/organizations", {
    scopes: ["everything"],
  });
  await r.post("control: create an organization, bad name", "/_emulator/organizations", { name: 5 });
  await r.get("control: snapshot of an empty organization", `/_emulator/organizations/${tokenlyId}/snapshot`);
  await r.req("control: load a YAML fixture", "POST", `/_emulator/organizations/${tokenlyId}/fixtures`, {
    raw: USAGE_FIXTURE_YAML,
    contentType: "application/yaml",
  });
  const loaded = await r.post(
    "control: load a JSON fixture",
    `/_emulator/organizations/${demoId}/fixtures`,
    STATUS_FIXTURE,
  );
  const demoPro = str(object(object(object(loaded.data).keys).products).pro);
  await r.post("control: load a second fixture on top", `/_emulator/organizations/${demoId}/fixtures`, {
    customers: [
      {
        email: "second@example.com",
        external_id: "status_second",
        // A long name with spaces and characters YAML must escape, for the YAML snapshot.
        name: "A customer whose name is long enough for any line width to fold it: Second Example",
        metadata: { note: "bell\u0007, next line\u0085, line separator\u2028, end", emoji: "snow \u2603" },
        subscriptions: [{ product: "pro" }],
      },
    ],
  });
  await r.post("control: load a fixture with problems", `/_emulator/organizations/${demoId}/fixtures`, {
    products: [{ key: "p", name: "P", prices: [] }],
    customers: [
      { email: "x@example.com", subscriptions: [{ product: "nope" }] },
      { emial: "typo@example.com" },
    ],
  });
  await r.post(
    "control: load a fixture into an unknown organization",
    `/_emulator/organizations/${UNKNOWN}/fixtures`,
    {
      customers: [],
    },
  );
  await r.post("control: load a fixture with organizations", `/_emulator/organizations/${demoId}/fixtures`, {
    organizations: [],
  });
  await r.get("tokenly: customers", "/v1/customers/?limit=100", asTokenly);
  await r.get("tokenly: products", "/v1/products/", asTokenly);
  await r.get("tokenly: meters", "/v1/meters/", asTokenly);
  await r.get("tokenly: customer meters", "/v1/customer-meters/?limit=100&sorting=customer_name", asTokenly);
  await r.get("tokenly: subscriptions", "/v1/subscriptions/?limit=100&sorting=customer", asTokenly);
  await r.get("tokenly: heavy's state", "/v1/customers/external/user_heavy/state", asTokenly);
  await r.get("tokenly: prepaid's state", "/v1/customers/external/user_prepaid/state", asTokenly);
  await r.get("tokenly: export", "/v1/customers/export", asTokenly);
  await r.get("tokenly: alice is not here", `/v1/customers/${alice}`, asTokenly);
  await r.get("status demo: customers", "/v1/customers/?limit=100", asDemo);
  await r.get("status demo: subscriptions", "/v1/subscriptions/?limit=100&sorting=customer", asDemo);
  await r.get("status demo: grants", "/v1/benefit-grants/?limit=100", asDemo);
  await r.get(
    "status demo: the trialing one's state",
    "/v1/customers/external/status_trialing/state",
    asDemo,
  );
  await r.get("status demo: the granted one's state", "/v1/customers/external/status_granted/state", asDemo);
  await r.get("control: organizations after the fixtures", "/_emulator/organizations");

  // Snapshots of the status demo, and restores.
  const snapshotPath = `/_emulator/organizations/${demoId}/snapshot`;
  const snapshot = await r.get("control: snapshot", snapshotPath);
  const yaml = await r.get("control: snapshot as YAML", `${snapshotPath}?format=yaml`);
  await r.get("control: snapshot as JSON, asked", `${snapshotPath}?format=json`);
  await r.get("control: snapshot of an unknown organization", `/_emulator/organizations/${UNKNOWN}/snapshot`);
  await r.post(
    "status demo: a customer after the snapshot",
    "/v1/customers/",
    { email: "late@example.com" },
    asDemo,
  );
  await r.delete(
    "status demo: a deletion after the snapshot",
    "/v1/customers/external/status_active",
    asDemo,
  );
  await r.post("status demo: a start after the snapshot", "/_emulator/subscriptions", {
    external_customer_id: "status_none",
    organization_id: demoId,
    product_id: demoPro,
  });
  await r.put("control: restore the snapshot", snapshotPath, snapshot.data, {
    describeBody: "the snapshot above",
  });
  await r.get("status demo: customers after restore", "/v1/customers/?limit=100", asDemo);
  await r.get(
    "status demo: the active one's state after restore",
    "/v1/customers/external/status_active/state",
    asDemo,
  );
  await r.post(
    "status demo: a customer after restore",
    "/v1/customers/",
    { email: "after-restore@example.com" },
    asDemo,
  );
  await r.req("control: restore the YAML snapshot", "PUT", snapshotPath, {
    raw: yaml.entry.body,
    contentType: "application/yaml",
    describeBody: "the YAML snapshot above",
  });
  await r.get("status demo: customers after the YAML restore", "/v1/customers/?limit=3", asDemo);
  await r.put(
    "control: restore into another organization",
    `/_emulator/organizations/${org}/snapshot`,
    snapshot.data,
    {
      describeBody: "the snapshot above",
    },
  );
  await r.put("control: restore something else", snapshotPath, { version: 99 });
  const copyId = "c0ffee00-0000-4000-8000-000000000001";
  // The same snapshot for another organization id; tokens belong to one organization, the copy has none.
  const copy = { ...object(parse(snapshot.entry.body.split(demoId).join(copyId))), tokens: [] };
  await r.put(
    "control: restore a copy keeping the records' ids",
    `/_emulator/organizations/${copyId}/snapshot`,
    copy,
    {
      describeBody: "the snapshot above, for another organization id, without tokens",
    },
  );
  // Ids are global: the copy's records get ids of their own (references follow, as text).
  let renumbered = JSON.stringify(copy);
  let n = 0;
  for (const records of Object.values(copy)) {
    if (!Array.isArray(records)) continue;
    for (const record of records) {
      const id = object(record).id;
      n += 1;
      if (typeof id === "string")
        renumbered = renumbered.split(id).join(`c0ffee01-0000-4000-8000-${String(n).padStart(12, "0")}`);
    }
  }
  await r.put(
    "control: restore as a new organization",
    `/_emulator/organizations/${copyId}/snapshot`,
    parse(renumbered),
    {
      describeBody:
        "the snapshot above, for another organization id, without tokens, each record with an id of its own",
    },
  );
  await r.get("control: organizations with the copy", "/_emulator/organizations");
  await r.get("control: the copy's snapshot", `/_emulator/organizations/${copyId}/snapshot?format=yaml`);
  await r.post("control: reset the status demo", `/_emulator/organizations/${demoId}/reset`);
  await r.get("status demo: customers after its reset", "/v1/customers/", asDemo);
  await r.post("control: reset an unknown organization", `/_emulator/organizations/${UNKNOWN}/reset`);
  await r.post("control: reset the restored copy", `/_emulator/organizations/${copyId}/reset`);
  await r.post("control: reset the default organization", `/_emulator/organizations/${org}/reset`);
  await r.get("after its reset: alice", "/v1/customers/external/user_alice/state");
  await r.get("after its reset: golden_one is gone", "/v1/customers/external/golden_one");
  await r.get("after its reset: customers", "/v1/customers/?limit=5");
  await r.get("after its reset: webhook endpoints kept", "/v1/webhooks/endpoints");
  await r.post("after its reset: a customer", "/v1/customers/", { email: "after-org-reset@example.com" });
  await r.get("control: organizations before the full reset", "/_emulator/organizations");

  // The specs.
  await r.get("control: Polar's spec", "/_emulator/openapi/polar.yaml", { digest: true });
  await r.get("control: the control plane's spec", "/_emulator/openapi/emulator.yaml", { digest: true });

  // Every domain event of the run, then back to the seed.
  await r.get(
    "control: every domain event after the billing verbs",
    `/_emulator/events?after=${lastBillingEvent}&limit=10000`,
  );
  await r.get("webhooks: skipped events", "/_emulator/webhooks/events?status=skipped&limit=10000");
  await r.get(
    "webhooks: the latest events",
    `/_emulator/webhooks/events?organization_id=${org}&type=customer.created`,
  );
  await r.post("control: full reset", "/_emulator/reset");
  await r.get("after the reset: health", "/_emulator/health");
  await r.get("after the reset: organizations", "/_emulator/organizations");
  await r.get("after the reset: no events", "/_emulator/events");
  await r.get("after the reset: webhooks", "/_emulator/webhooks");
  await r.get("after the reset: webhook endpoints", "/v1/webhooks/endpoints");
  await r.get("after the reset: customers", "/v1/customers/");
  await r.get("after the reset: alice", "/v1/customers/external/user_alice/state");
  await r.get("after the reset: bob is back", "/v1/customers/external/user_bob");
  await r.get("after the reset: subscriptions", "/v1/subscriptions/?limit=3");
  await r.get("after the reset: products", "/v1/products/?limit=100");
  await r.get("after the reset: customer meters", "/v1/customer-meters/?limit=100");
  await r.get("after the reset: a created organization's token is gone", "/v1/customers/", asTokenly);
  await r.post(
    "after the reset: a customer gets a new id, never one handed out before the reset",
    "/v1/customers/",
    {
      email: "golden.one@example.com",
    },
  );
  await r.post("after the reset: resume delivery (nothing to send)", "/_emulator/webhooks/resume");
}
