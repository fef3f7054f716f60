/**
 * Webhooks received by the official clients over real HTTP: three receivers, each its own server
 * on 127.0.0.1 with its own endpoint, as an app would run them:
 *   - an express app with `Webhooks` from `@polar-sh/express` 0.3 (its own SDK 0.32 inside),
 *   - a plain server verifying with `validateEvent` from `@polar-sh/sdk/webhooks` (0.49),
 *   - a plain server verifying with `webhooks.validateEvent` from the 1.x SDK (2026-10).
 * A scenario makes the domain emit every event type it has; every receiver must accept what it
 * subscribes to, `customer.state_changed` must equal `getState` at that moment, tampered bodies
 * must be refused, the key rules must be Polar's, and the request must look like Polar's.
 */
import { createHmac } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Webhooks } from "@polar-sh/express";
import { Polar } from "@polar-sh/sdk";
import type { CustomerState } from "@polar-sh/sdk/models/components/customerstate.js";
import { SDKValidationError } from "@polar-sh/sdk/models/errors/sdkvalidationerror.js";
import { validateEvent as validateEvent049, WebhookVerificationError } from "@polar-sh/sdk/webhooks.js";
import express from "express";
import { createPolar, webhooks as webhooksV1 } from "polar-sdk-v1/2026-10";
import { Webhook } from "standardwebhooks";
import supertest from "supertest";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { DEFAULT_CONFIG } from "../../src/config.js";
import { createEmulator, type Emulator, type WebhookEventType } from "../../src/index.js";
import { FixedClock } from "../../src/util/clock.js";
import { post } from "../billing/setup.js";
import { startTestEmulator, tenant } from "../helpers.js";
import { startReceiver } from "./receiver.js";

/** Every event type the emulator's domain emits. */
const DOMAIN_TYPES = [
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
  "order.created",
  "order.updated",
  "order.paid",
  "order.refunded",
  "refund.created",
  "refund.updated",
];
/** Sent by Polar, unknown to the SDK 0.32 inside `@polar-sh/express` 0.3 (its validateEvent throws). */
const UNKNOWN_TO_SDK_032 = ["subscription.past_due", "subscription.cycled"];
/** Sent by Polar, unknown to 0.49's `validateEvent`. */
const UNKNOWN_TO_SDK_049 = ["subscription.cycled"];
/**
 * What the express adapter's endpoint subscribes to: every type its SDK 0.32 knows. It parses
 * product and subscription payloads because prices still carry the legacy `type` and
 * `recurring_interval` it requires (hidden from Polar's document with SkipJsonSchema, sent all
 * the same: server/polar/product/schemas.py ProductPriceBase), and order payloads because orders
 * carry the `amount` and `user_id` Polar still sends.
 */
const EXPRESS_TYPES = DOMAIN_TYPES.filter((type) => !UNKNOWN_TO_SDK_032.includes(type));

const PATH = "/webhooks/polar";

// Receivers ---------------------------------------------------------------------------------------

type Outcome =
  | { kind: "pending" }
  /** Verified and parsed by the client. */
  | { kind: "parsed"; payload: unknown }
  /** Verified, but of a type the client does not know: acknowledged with 202, as apps do. */
  | { kind: "ignored"; error: unknown }
  /** Refused by the signature check (403). */
  | { kind: "rejected"; error: unknown }
  /** Anything else (500): a payload the client could not parse. */
  | { kind: "failed"; error: unknown };

interface Hit {
  webhookId: string;
  headers: Record<string, string>;
  /** The raw body, as received. */
  body: string;
  receivedAt: number;
  status: number;
  outcome: Outcome;
}

interface ClientReceiver {
  client: string;
  url: string;
  /** The endpoint's secret, set once the endpoint exists. */
  secret: string;
  hits: Hit[];
  close(): Promise<void>;
}

interface Envelope {
  type: string;
  timestamp: string;
  data: Record<string, unknown>;
}

function envelope(hit: Hit): Envelope {
  return JSON.parse(hit.body) as Envelope;
}

function headersOf(request: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return headers;
}

async function listen(server: Server): Promise<{ url: string; close(): Promise<void> }> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${PATH}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** A plain node:http receiver: reads the raw body, and `verify` decides the answer. */
async function rawReceiver(
  client: string,
  verify: (
    body: string,
    headers: Record<string, string>,
    secret: string,
  ) => Promise<{ status: number; outcome: Outcome }>,
): Promise<ClientReceiver> {
  const hits: Hit[] = [];
  const receiver: ClientReceiver = { client, url: "", secret: "", hits, close: async () => {} };
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", async () => {
      const headers = headersOf(request);
      const hit: Hit = {
        webhookId: headers["webhook-id"] ?? "",
        headers,
        body: Buffer.concat(chunks).toString("utf8"),
        receivedAt: Date.now(),
        status: 0,
        outcome: { kind: "pending" },
      };
      hits.push(hit);
      const verdict = await verify(hit.body, headers, receiver.secret);
      hit.status = verdict.status;
      hit.outcome = verdict.outcome;
      response
        .writeHead(verdict.status, { "content-type": "application/json" })
        .end(JSON.stringify({ received: verdict.outcome.kind === "parsed" }));
    });
  });
  const listening = await listen(server);
  receiver.url = listening.url;
  receiver.close = listening.close;
  return receiver;
}

/** True when 0.49 failed only because it does not know the event type (its signature verified). */
function unknownTo049(error: unknown): boolean {
  return (
    error instanceof SDKValidationError &&
    error.cause instanceof SDKValidationError &&
    /^Unknown event type: /.test(String(error.cause.rawMessage))
  );
}

/** b. `validateEvent` of `@polar-sh/sdk` 0.49 on the raw body. */
function sdk049Receiver(): Promise<ClientReceiver> {
  return rawReceiver("@polar-sh/sdk 0.49", async (body, headers, secret) => {
    try {
      return { status: 200, outcome: { kind: "parsed", payload: validateEvent049(body, headers, secret) } };
    } catch (error) {
      if (error instanceof WebhookVerificationError)
        return { status: 403, outcome: { kind: "rejected", error } };
      if (unknownTo049(error)) return { status: 202, outcome: { kind: "ignored", error } };
      return { status: 500, outcome: { kind: "failed", error } };
    }
  });
}

/** c. `webhooks.validateEvent` of the 1.x SDK on the raw body. */
function sdkV1Receiver(): Promise<ClientReceiver> {
  return rawReceiver("@polar-sh/sdk 1.x", async (body, headers, secret) => {
    try {
      const payload = await webhooksV1.validateEvent(body, headers, secret);
      return { status: 200, outcome: { kind: "parsed", payload } };
    } catch (error) {
      if (error instanceof webhooksV1.PolarWebhookVerificationError) {
        return { status: 403, outcome: { kind: "rejected", error } };
      }
      if (error instanceof webhooksV1.PolarWebhookUnknownTypeError) {
        return { status: 202, outcome: { kind: "ignored", error } };
      }
      return { status: 500, outcome: { kind: "failed", error } };
    }
  });
}

interface ExpressReceiver extends ClientReceiver {
  /** What `onCustomerStateChanged` was called with (the adapter's typed handler). */
  stateChanged: unknown[];
}

/**
 * a. An express app with `Webhooks` of `@polar-sh/express`: `express.json()` first (the adapter
 * re-serializes `req.body`), the raw body kept aside only to record it.
 */
async function expressReceiver(): Promise<ExpressReceiver> {
  const hits: Hit[] = [];
  const stateChanged: unknown[] = [];
  const receiver: ExpressReceiver = {
    client: "@polar-sh/express 0.3",
    url: "",
    secret: "",
    hits,
    stateChanged,
    close: async () => {},
  };
  const raw = new WeakMap<IncomingMessage, string>();
  const app = express();
  app.post(
    PATH,
    express.json({ verify: (request, _response, buffer) => raw.set(request, buffer.toString("utf8")) }),
    (request, response, next) => {
      const headers = headersOf(request);
      const hit: Hit = {
        webhookId: headers["webhook-id"] ?? "",
        headers,
        body: raw.get(request) ?? "",
        receivedAt: Date.now(),
        status: 0,
        outcome: { kind: "pending" },
      };
      hits.push(hit);
      response.on("finish", () => {
        hit.status = response.statusCode;
        if (hit.outcome.kind !== "pending") return;
        hit.outcome =
          response.statusCode === 403
            ? { kind: "rejected", error: "403 from the adapter" }
            : { kind: "failed", error: `${response.statusCode} from the adapter` };
      });
      const handler = Webhooks({
        webhookSecret: receiver.secret,
        onPayload: async (payload) => {
          hit.outcome = { kind: "parsed", payload };
        },
        onCustomerStateChanged: async (payload) => {
          stateChanged.push(payload);
        },
      });
      Promise.resolve(handler(request, response, next)).catch(next);
    },
  );
  const listening = await listen(createServer(app));
  receiver.url = listening.url;
  receiver.close = listening.close;
  return receiver;
}

// Checks shared by the suites -------------------------------------------------------------------

/** The signature Polar sends: HMAC-SHA256 keyed with the UTF-8 bytes of the whole secret. */
/** Secrets chosen for endpoints (2026-04's `secret`): Polar signs them with its legacy key. */
const LEGACY_SECRETS = {
  v049: "whsec_legacyLegacyLegacyLegacyLegacyLegacy0049",
  express: "whsec_legacyLegacyLegacyLegacyLegacyLegacyExpr",
};

/** Polar's legacy signature: the key is the UTF-8 bytes of the whole secret. */
function polarSignature(secret: string, hit: Hit): string {
  const signed = `${hit.headers["webhook-id"]}.${hit.headers["webhook-timestamp"]}.${hit.body}`;
  return `v1,${createHmac("sha256", Buffer.from(secret, "utf8")).update(signed).digest("base64")}`;
}

/** The strict Standard Webhooks signature: the key is the base64 decoding of what follows `whsec_`. */
function standardSignature(secret: string, hit: Hit): string {
  const signed = `${hit.headers["webhook-id"]}.${hit.headers["webhook-timestamp"]}.${hit.body}`;
  const key = Buffer.from(secret.slice("whsec_".length), "base64");
  return `v1,${createHmac("sha256", key).update(signed).digest("base64")}`;
}

/** What Polar's request looks like, whatever the event. */
function expectPolarRequest(hit: Hit): void {
  expect(hit.headers["user-agent"]).toBe("polar.sh webhooks");
  expect(hit.headers["content-type"]).toBe("application/json");
  expect(hit.headers["webhook-id"]).toMatch(
    /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
  );
  const timestamp = hit.headers["webhook-timestamp"] ?? "";
  expect(timestamp).toMatch(/^\d+$/);
  expect(Math.abs(Number(timestamp) - hit.receivedAt / 1000)).toBeLessThan(5);
  expect(hit.headers["webhook-signature"]).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
  const parsed = JSON.parse(hit.body) as Record<string, unknown>;
  expect(Object.keys(parsed)).toEqual(["type", "timestamp", "api_version", "data"]);
  expect(hit.headers["webhook-api-version"]).toBe(parsed.api_version);
  expect(JSON.stringify(parsed)).toBe(hit.body);
  expect(parsed.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?Z$/);
  expect(typeof parsed.data).toBe("object");
}

interface DeliveryItem {
  id: string;
  succeeded: boolean;
  http_code: number | null;
  webhook_event: { id: string; type: string; payload: string; succeeded: boolean | null };
}

/** Every page of GET /v1/webhooks/deliveries for one endpoint. */
async function polarDeliveries(
  http: supertest.Agent,
  headers: Record<string, string>,
  endpointId: string,
): Promise<DeliveryItem[]> {
  const items: DeliveryItem[] = [];
  for (let page = 1; ; page++) {
    const response = await http
      .get("/v1/webhooks/deliveries")
      .query({ endpoint_id: endpointId, limit: 100, page })
      .set(headers);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    items.push(...(response.body.items as DeliveryItem[]));
    if (page >= response.body.pagination.max_page) return items;
  }
}

/** Sends a request to a receiver as the emulator would (to replay a recorded one, or a forged one). */
async function replay(url: string, hit: Hit, body: string): Promise<number> {
  const response = await fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "user-agent": "polar.sh webhooks",
      "webhook-id": hit.headers["webhook-id"] ?? "",
      "webhook-timestamp": hit.headers["webhook-timestamp"] ?? "",
      "webhook-signature": hit.headers["webhook-signature"] ?? "",
    },
    body,
  });
  await response.text();
  return response.status;
}

/** The body with one byte changed (a letter of the customer's e-mail address), still valid JSON. */
function tamper(body: string): string {
  const at = body.indexOf('"email":"') + '"email":"'.length + 1;
  expect(at).toBeGreaterThan('"email":"'.length);
  const original = body[at] as string;
  const replacement = original === "x" ? "y" : "x";
  const tampered = `${body.slice(0, at)}${replacement}${body.slice(at + 1)}`;
  expect(tampered.length).toBe(body.length);
  expect(tampered).not.toBe(body);
  JSON.parse(tampered);
  return tampered;
}

// The scenario --------------------------------------------------------------------------------

type ReceiverKey = "express" | "v049" | "v1";

interface Subscriber {
  key: ReceiverKey;
  receiver: ClientReceiver;
  endpointId: string;
  /** Whether its secret signs the Standard Webhooks way (else Polar's legacy key). */
  standard: boolean;
  /** The event types the endpoint gets from this scenario. */
  types: string[];
  /** Of those, the ones its client does not know (acknowledged, not parsed). */
  unknown: string[];
}

/** A moment of the scenario: what getState said, and the latest state_changed each receiver had. */
interface Moment {
  label: string;
  state049: CustomerState;
  stateV1: unknown;
  stateRaw: Record<string, unknown>;
  last: Partial<Record<ReceiverKey, Hit>>;
  /** The latest customer.state_changed webhook event the emulator made for each endpoint. */
  lastEventId: Partial<Record<ReceiverKey, string>>;
}

interface Organization {
  name: string;
  tenant: ReturnType<typeof tenant>;
  benefitKinds: string[];
  subscribers: Subscriber[];
  adaId: string;
  moments: Moment[];
}

const BENEFIT_BODIES: Record<string, (meterId: string) => Record<string, unknown>> = {
  custom: () => ({ type: "custom", description: "Priority support", properties: { note: "Write to us" } }),
  license_keys: () => ({ type: "license_keys", description: "License key", properties: { prefix: "ACME" } }),
  feature_flag: () => ({ type: "feature_flag", description: "Beta features", properties: {} }),
  meter_credit: (meterId) => ({
    type: "meter_credit",
    description: "1000 API calls",
    properties: { units: 1000, rollover: false, meter_id: meterId },
  }),
};

describe("the official clients as webhook receivers", () => {
  let t: Awaited<ReturnType<typeof startTestEmulator>>;
  let viaExpress: ExpressReceiver;
  let via049: ClientReceiver;
  let viaV1: ClientReceiver;
  /**
   * Two organizations run the same scenario. "current" has every benefit type, for the 0.49 and
   * 1.x receivers. "classic" leaves out feature_flag benefits for the express adapter: its SDK 0.32
   * predates them and throws on any payload that carries one (a benefit, a grant, a state), as it
   * would against Polar.
   */
  const organizations: Organization[] = [];

  const polar049 = (org: Organization) =>
    new Polar({ accessToken: org.tenant.token, serverURL: t.emulator.url });
  const polarV1 = (org: Organization) =>
    createPolar({ accessToken: org.tenant.token, baseUrl: t.emulator.url });

  async function api(
    org: Organization,
    method: "post" | "patch" | "delete",
    path: string,
    body?: object,
    status = 200,
  ) {
    const response = await t.http[method](path).set(org.tenant.headers).send(body);
    expect(response.status, `${org.name}: ${method} ${path}: ${JSON.stringify(response.body)}`).toBe(status);
    return response.body;
  }

  async function control(path: string, body?: object, status = 200) {
    const response = await post(t.http, path, {}, body);
    expect(response.status, `${path}: ${JSON.stringify(response.body)}`).toBe(status);
    return response.body;
  }

  function lastStateChanged(org: Organization, receiver: ClientReceiver): Hit | undefined {
    return receiver.hits.findLast((hit) => {
      const parsed = envelope(hit);
      return parsed.type === "customer.state_changed" && parsed.data.id === org.adaId;
    });
  }

  /** Waits for every delivery, then records getState and what each receiver last got. */
  async function moment(org: Organization, label: string): Promise<void> {
    expect(await t.emulator.webhooks.idle(5000), `${org.name}: idle at ${label}`).toBe(true);
    const [state049, stateV1, stateRaw] = await Promise.all([
      polar049(org).customers.getState({ id: org.adaId }),
      polarV1(org).customers.getState(org.adaId),
      t.http.get(`/v1/customers/${org.adaId}/state`).set(org.tenant.headers),
    ]);
    expect(stateRaw.status).toBe(200);
    const entry: Moment = { label, state049, stateV1, stateRaw: stateRaw.body, last: {}, lastEventId: {} };
    for (const { key, receiver, endpointId } of org.subscribers) {
      entry.last[key] = lastStateChanged(org, receiver);
      entry.lastEventId[key] = t.emulator.webhooks
        .events({ endpointId, type: "customer.state_changed", customerId: org.adaId })
        .at(-1)?.id;
    }
    org.moments.push(entry);
  }

  /** Makes the domain emit every event type it has, for one organization. */
  async function drive(org: Organization): Promise<void> {
    // Customers: created, updated, deleted.
    const ada = await api(
      org,
      "post",
      "/v1/customers/",
      { email: "ada@example.com", name: "Ada Lovelace", external_id: "user_ada" },
      201,
    );
    org.adaId = ada.id;
    const bob = await api(org, "post", "/v1/customers/", { email: "bob@example.com", name: "Bob" }, 201);
    await api(org, "patch", `/v1/customers/${org.adaId}`, { name: "Ada King", metadata: { plan: "pro" } });
    await api(org, "delete", `/v1/customers/${bob.id}`, undefined, 204);

    // Catalog: a meter, benefits, a monthly product with them attached.
    const meter = await api(
      org,
      "post",
      "/v1/meters/",
      {
        name: "API calls",
        filter: { conjunction: "and", clauses: [{ property: "name", operator: "eq", value: "api_call" }] },
        aggregation: { func: "count" },
      },
      201,
    );
    const benefits: Record<string, { id: string }> = {};
    for (const kind of org.benefitKinds) {
      benefits[kind] = await api(org, "post", "/v1/benefits/", BENEFIT_BODIES[kind]?.(meter.id), 201);
    }
    const product = await api(
      org,
      "post",
      "/v1/products/",
      {
        name: "Pro",
        recurring_interval: "month",
        prices: [{ amount_type: "fixed", price_amount: 2000, price_currency: "usd" }],
      },
      201,
    );
    await api(org, "post", `/v1/products/${product.id}/benefits`, {
      benefits: Object.values(benefits).map((benefit) => benefit.id),
    });

    // Subscription A lives through the whole scenario.
    const started = await control(
      "/_emulator/subscriptions",
      { customer_id: org.adaId, product_id: product.id },
      201,
    );
    const a = started.subscription.id as string;
    await moment(org, "subscribed");
    await control("/_emulator/usage", { customer_id: org.adaId, events: [{ name: "api_call", count: 5 }] });
    await moment(org, "usage recorded");
    await control(`/_emulator/subscriptions/${a}/renew`);
    await moment(org, "renewed");
    await control(`/_emulator/subscriptions/${a}/cancel`);
    await moment(org, "cancel at period end");
    await control(`/_emulator/subscriptions/${a}/uncancel`);
    await control(`/_emulator/subscriptions/${a}/past_due`);
    await moment(org, "past due");
    await control(`/_emulator/subscriptions/${a}/recover`);
    await moment(org, "recovered");
    await control("/_emulator/usage", { customer_id: org.adaId, events: [{ name: "api_call", count: 3 }] });

    // The renewal's order is partly refunded.
    const orders = await t.http.get(`/v1/orders/?subscription_id=${a}`).set(org.tenant.headers);
    await api(
      org,
      "post",
      "/v1/refunds/",
      { order_id: orders.body.items[0].id, reason: "other", amount: 500 },
      201,
    );
    await moment(org, "refunded");

    // Subscription B is revoked.
    const second = await control(
      "/_emulator/subscriptions",
      { customer_id: org.adaId, product_id: product.id },
      201,
    );
    await control(`/_emulator/subscriptions/${second.subscription.id}/revoke`);

    // A direct grant: granted, revoked, granted again.
    const grant = { customer_id: org.adaId, benefit_id: benefits.custom?.id };
    const granted = await control("/_emulator/benefit-grants", grant);
    await control("/_emulator/benefit-grants/revoke", grant);
    await control("/_emulator/benefit-grants", grant);

    // What the API cannot trigger here.
    await control("/_emulator/webhooks/send", { type: "benefit_grant.updated", id: granted.grant.id });
    await control("/_emulator/webhooks/send", { type: "benefit.updated", id: benefits.license_keys?.id });
    await moment(org, "final");

    const emitted = await t.http
      .get("/_emulator/events")
      .query({ organization_id: org.tenant.organizationId });
    const types = new Set((emitted.body.items as { type: string }[]).map((event) => event.type));
    expect([...types].sort(), org.name).toEqual([...DOMAIN_TYPES].sort());
  }

  beforeAll(async () => {
    // No generated customers: the tests make their own organizations.
    t = await startTestEmulator({ customers: 0, webhooks: { retryDelays: [0, 50] } });
    [viaExpress, via049, viaV1] = await Promise.all([expressReceiver(), sdk049Receiver(), sdkV1Receiver()]);
    const organization = (name: string, benefitKinds: string[]): Organization => ({
      name,
      tenant: tenant(t.emulator),
      benefitKinds,
      subscribers: [],
      adaId: "",
      moments: [],
    });
    const current = organization("current", ["custom", "license_keys", "feature_flag", "meter_credit"]);
    const classic = organization("classic", ["custom", "license_keys", "meter_credit"]);
    organizations.push(current, classic);

    // b. 0.49: every type the domain emits, through Polar's API. The 0.x clients verify only
    // Polar's legacy key, which an endpoint whose secret the user chose (2026-04's `secret`) keeps.
    const endpoint049 = await api(
      current,
      "post",
      "/v1/webhooks/endpoints",
      { url: via049.url, format: "raw", events: DOMAIN_TYPES, secret: LEGACY_SECRETS.v049 },
      201,
    );
    via049.secret = endpoint049.secret;
    current.subscribers.push({
      key: "v049",
      receiver: via049,
      endpointId: endpoint049.id,
      standard: false,
      types: DOMAIN_TYPES,
      unknown: UNKNOWN_TO_SDK_049,
    });
    // c. 1.x: every type Polar has (the in-process API's default), with a secret generated now:
    // signed the Standard Webhooks way, which the 1.x clients verify.
    const endpointV1 = t.emulator.webhooks.createEndpoint({
      url: viaV1.url,
      organizationId: current.tenant.organizationId,
    });
    viaV1.secret = endpointV1.secret;
    current.subscribers.push({
      key: "v1",
      receiver: viaV1,
      endpointId: endpointV1.id,
      standard: true,
      types: DOMAIN_TYPES,
      unknown: [],
    });
    // a. the express adapter: only the types its client knows, as its user would subscribe.
    const endpointExpress = await api(
      classic,
      "post",
      "/v1/webhooks/endpoints",
      { url: viaExpress.url, format: "raw", events: EXPRESS_TYPES, secret: LEGACY_SECRETS.express },
      201,
    );
    viaExpress.secret = endpointExpress.secret;
    classic.subscribers.push({
      key: "express",
      receiver: viaExpress,
      endpointId: endpointExpress.id,
      standard: false,
      types: EXPRESS_TYPES,
      unknown: [],
    });
    expect([endpoint049.secret, endpointExpress.secret]).toEqual([
      LEGACY_SECRETS.v049,
      LEGACY_SECRETS.express,
    ]);
    expect([
      endpoint049.uses_standard_webhook_signature,
      endpointExpress.uses_standard_webhook_signature,
    ]).toEqual([false, false]);
    expect(viaV1.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
  });

  afterAll(async () => {
    await Promise.all([viaExpress?.close(), via049?.close(), viaV1?.close()]);
    await t?.emulator.close();
  });

  const subscribers = () => organizations.flatMap((org) => org.subscribers);

  it("drives a scenario through every event type the domain emits", async () => {
    for (const org of organizations) await drive(org);
  });

  it("each receiver accepted every event it subscribes to, and its client parsed what it knows", async () => {
    expect(await t.emulator.webhooks.idle(5000)).toBe(true);
    expect(subscribers().map((subscriber) => subscriber.key)).toEqual(["v049", "v1", "express"]);
    for (const { receiver, endpointId, types, unknown } of subscribers()) {
      const label = receiver.client;
      // The emulator's log: every event of the endpoint delivered at the first attempt, with a 2xx.
      const events = t.emulator.webhooks.events({ endpointId });
      expect([...new Set(events.map((event) => event.type))].sort(), label).toEqual([...types].sort());
      const failing = events.filter((event) => event.status !== "succeeded" || event.attempts !== 1);
      expect(
        failing.map((event) => `${event.type} ${event.status} ${event.last_http_code}`),
        label,
      ).toEqual([]);
      const deliveries = t.emulator.webhooks.deliveries({ endpointId });
      expect(deliveries).toHaveLength(events.length);
      for (const delivery of deliveries) {
        expect(delivery.succeeded, `${label} ${delivery.type}`).toBe(true);
        expect(delivery.http_code, `${label} ${delivery.type}`).toBeGreaterThanOrEqual(200);
        expect(delivery.http_code, `${label} ${delivery.type}`).toBeLessThan(300);
      }

      // The receiver: one request per event, each verified; parsed unless its client does not know the type.
      expect(receiver.hits.map((hit) => hit.webhookId)).toEqual(events.map((event) => event.id));
      for (const hit of receiver.hits) {
        const sent = envelope(hit);
        const context = `${label} ${sent.type}`;
        if (unknown.includes(sent.type)) {
          expect(hit.outcome.kind, context).toBe("ignored");
          expect(hit.status, context).toBe(202);
          continue;
        }
        if (hit.outcome.kind !== "parsed") {
          const error = "error" in hit.outcome ? hit.outcome.error : undefined;
          const detail = error instanceof SDKValidationError ? error.pretty() : String(error);
          expect.fail(`${context}: ${hit.outcome.kind} with ${hit.status}: ${detail}`);
        }
        expect(hit.status, context).toBe(200);
        const payload = hit.outcome.payload as { type: string; data: { id: string } };
        expect(payload.type, context).toBe(sent.type);
        expect(payload.data.id, context).toBe(sent.data.id);
      }
      const parsedTypes = new Set(
        receiver.hits.filter((hit) => hit.outcome.kind === "parsed").map((hit) => envelope(hit).type),
      );
      expect([...parsedTypes].sort(), label).toEqual(types.filter((type) => !unknown.includes(type)).sort());
    }

    // The adapter's typed handler got every state change.
    const express = subscribers().find((subscriber) => subscriber.key === "express") as Subscriber;
    expect(viaExpress.stateChanged).toHaveLength(
      t.emulator.webhooks.events({ endpointId: express.endpointId, type: "customer.state_changed" }).length,
    );
  });

  it("0.49 refuses subscription.cycled as an unknown type, not as a bad signature", () => {
    const cycled = via049.hits.filter((hit) => envelope(hit).type === "subscription.cycled");
    expect(cycled.length).toBeGreaterThan(0);
    for (const hit of cycled) {
      expect(hit.outcome.kind).toBe("ignored");
      const error = hit.outcome.kind === "ignored" ? hit.outcome.error : undefined;
      expect(error).toBeInstanceOf(SDKValidationError);
      expect(error).not.toBeInstanceOf(WebhookVerificationError);
      expect(String((error as Error).message)).toContain("Unknown event type: subscription.cycled");
      // Direct call: the same error, and the signature itself verifies with 0.49's key rule.
      let thrown: unknown;
      try {
        validateEvent049(hit.body, hit.headers, via049.secret);
      } catch (caught) {
        thrown = caught;
      }
      expect(unknownTo049(thrown)).toBe(true);
      const verified = new Webhook(Buffer.from(via049.secret, "utf8").toString("base64")).verify(
        hit.body,
        hit.headers,
      );
      expect(verified).toEqual(JSON.parse(hit.body));
    }
    // 1.x knows it and parsed it.
    const cycledV1 = viaV1.hits.filter((hit) => envelope(hit).type === "subscription.cycled");
    expect(cycledV1.length).toBe(cycled.length);
    for (const hit of cycledV1) expect(hit.outcome.kind).toBe("parsed");
  });

  it("customer.state_changed, parsed by each client, equals getState at that moment", () => {
    for (const org of organizations) {
      expect(
        org.moments.map((entry) => entry.label),
        org.name,
      ).toEqual([
        "subscribed",
        "usage recorded",
        "renewed",
        "cancel at period end",
        "past due",
        "recovered",
        "refunded",
        "final",
      ]);
      for (const entry of org.moments) {
        const label = `${org.name}: ${entry.label}`;
        for (const { key, receiver } of org.subscribers) {
          const context = `${label}: ${receiver.client}`;
          // The latest state_changed the receiver got is the latest the emulator made for it.
          const hit = entry.last[key];
          expect(hit, context).toBeDefined();
          expect(hit?.webhookId, context).toBe(entry.lastEventId[key]);
          const outcome = hit?.outcome;
          expect(outcome?.kind, context).toBe("parsed");
          const payload = (outcome as { payload: { type: string; data: unknown } }).payload;
          expect(payload.type, context).toBe("customer.state_changed");
          // The bytes sent are the state plain HTTP gets.
          expect(envelope(hit as Hit).data, context).toEqual(entry.stateRaw);
          if (key === "v049") {
            // 0.49: parsed objects, equal to what its getState parses.
            expect(payload.data, context).toEqual(entry.state049);
          } else if (key === "v1") {
            // 1.x: the JSON as sent, equal to what its getState returns.
            expect(payload.data, context).toEqual(entry.stateV1);
          } else {
            // The express adapter's SDK 0.32 knows fewer keys: what it parsed holds the values
            // 0.49's getState parsed.
            expect(entry.state049, context).toMatchObject(payload.data as Record<string, unknown>);
          }
        }
      }

      const at = (label: string) =>
        org.moments.find((entry) => entry.label === label)?.state049 as CustomerState;
      expect(at("subscribed").activeSubscriptions, org.name).toHaveLength(1);
      expect(at("subscribed").grantedBenefits, org.name).toHaveLength(org.benefitKinds.length);
      expect(at("usage recorded").activeMeters[0], org.name).toMatchObject({ consumedUnits: 5 });
      expect(at("cancel at period end").activeSubscriptions[0]?.cancelAtPeriodEnd, org.name).toBe(true);
      expect(at("past due").activeSubscriptions, org.name).toHaveLength(0);
      // The last state: an active subscription, granted benefits of every kind, and the meter.
      const final = at("final");
      expect(final.activeSubscriptions.map((subscription) => subscription.status)).toEqual(["active"]);
      expect(new Set(final.grantedBenefits.map((grant) => grant.benefitType))).toEqual(
        new Set(org.benefitKinds),
      );
      expect(final.grantedBenefits).toHaveLength(org.benefitKinds.length + 1);
      expect(final.activeMeters).toHaveLength(1);
      // Renewal started the meter over: 3 calls since.
      expect(final.activeMeters[0]).toMatchObject({ consumedUnits: 3 });
    }
  });

  it("sends Polar's request: headers, each endpoint's key, the webhook event id, a compact envelope", async () => {
    for (const org of organizations) {
      for (const { receiver, endpointId, standard } of org.subscribers) {
        const deliveries = await polarDeliveries(t.http, org.tenant.headers, endpointId);
        const byEventId = new Map(deliveries.map((delivery) => [delivery.webhook_event.id, delivery]));
        expect(receiver.hits.length).toBeGreaterThan(EXPRESS_TYPES.length);
        for (const hit of receiver.hits) {
          const context = `${receiver.client} ${envelope(hit).type}`;
          expectPolarRequest(hit);
          const delivery = byEventId.get(hit.webhookId);
          expect(delivery, context).toBeDefined();
          expect(delivery?.webhook_event.payload, context).toBe(hit.body);
          expect(delivery?.webhook_event.type, context).toBe(envelope(hit).type);
          expect(delivery?.succeeded, context).toBe(true);
          const sign = standard ? standardSignature : polarSignature;
          expect(hit.headers["webhook-signature"], context).toBe(sign(receiver.secret, hit));
        }
      }
    }
  });

  it("refuses a tampered body in every client, and accepts the untouched one", async () => {
    const silenced = vi.spyOn(console, "log").mockImplementation(() => {});
    try {
      for (const receiver of [viaExpress, via049, viaV1]) {
        const recorded = receiver.hits.findLast(
          (hit) => envelope(hit).type === "customer.state_changed",
        ) as Hit;
        expect(recorded).toBeDefined();
        const tampered = tamper(recorded.body);
        const before = receiver.hits.length;
        expect(await replay(receiver.url, recorded, tampered), receiver.client).toBe(403);
        const refused = receiver.hits[before] as Hit;
        expect(refused.body).toBe(tampered);
        expect(refused.outcome.kind, receiver.client).toBe("rejected");
        // The untouched body, same headers: accepted (the 403 was the tampering, not the replay).
        expect(await replay(receiver.url, recorded, recorded.body), receiver.client).toBe(200);
        expect(receiver.hits.at(-1)?.outcome.kind).toBe("parsed");
      }
      // The error classes, from the receivers and from direct calls.
      const refused049 = via049.hits.findLast((hit) => hit.outcome.kind === "rejected") as Hit;
      expect((refused049.outcome as { error: unknown }).error).toBeInstanceOf(WebhookVerificationError);
      expect(() => validateEvent049(refused049.body, refused049.headers, via049.secret)).toThrow(
        WebhookVerificationError,
      );
      const refusedV1 = viaV1.hits.findLast((hit) => hit.outcome.kind === "rejected") as Hit;
      expect((refusedV1.outcome as { error: unknown }).error).toBeInstanceOf(
        webhooksV1.PolarWebhookVerificationError,
      );
      await expect(
        webhooksV1.validateEvent(refusedV1.body, refusedV1.headers, viaV1.secret),
      ).rejects.toBeInstanceOf(webhooksV1.PolarWebhookVerificationError);
      const refusedExpress = viaExpress.hits.findLast((hit) => hit.outcome.kind === "rejected") as Hit;
      expect(refusedExpress.status).toBe(403);
      // Another endpoint's secret does not verify an untouched body either.
      const genuine = viaV1.hits.findLast((hit) => hit.outcome.kind === "parsed") as Hit;
      expect(() => validateEvent049(genuine.body, genuine.headers, via049.secret)).toThrow(
        WebhookVerificationError,
      );
    } finally {
      silenced.mockRestore();
    }
  });
});

// Key rules -------------------------------------------------------------------------------------

describe('signing: "standard"', () => {
  let t: Awaited<ReturnType<typeof startTestEmulator>>;
  let via049: ClientReceiver;
  let viaV1: ClientReceiver;

  beforeAll(async () => {
    // The 0.49 endpoint fails by design: quiet about it.
    t = await startTestEmulator({
      customers: 0,
      logLevel: "error",
      webhooks: { signing: "standard", retryDelays: [0], maxAttempts: 2 },
    });
    [via049, viaV1] = await Promise.all([sdk049Receiver(), sdkV1Receiver()]);
  });

  afterAll(async () => {
    await Promise.all([via049?.close(), viaV1?.close()]);
    await t?.emulator.close();
  });

  it("1.x accepts the strict Standard Webhooks key, 0.49 refuses it", async () => {
    const org = tenant(t.emulator);
    const events: WebhookEventType[] = ["customer.created"];
    const endpoint049 = t.emulator.webhooks.createEndpoint({
      url: via049.url,
      events,
      organizationId: org.organizationId,
    });
    via049.secret = endpoint049.secret;
    const endpointV1 = t.emulator.webhooks.createEndpoint({
      url: viaV1.url,
      events,
      organizationId: org.organizationId,
    });
    viaV1.secret = endpointV1.secret;
    const created = await post(t.http, "/v1/customers/", org.headers, { email: "grace@example.com" });
    expect(created.status).toBe(201);
    expect(await t.emulator.webhooks.idle(5000)).toBe(true);

    const [accepted] = await t.emulator.webhooks.waitFor({ endpointId: endpointV1.id, timeoutMs: 2000 });
    expect(accepted).toMatchObject({ type: "customer.created", succeeded: true, http_code: 200 });
    expect(viaV1.hits).toHaveLength(1);
    expect(viaV1.hits[0]?.outcome.kind).toBe("parsed");

    // Both attempts logged (idle() can answer while a retry's attempt is in flight).
    await t.emulator.webhooks.waitFor({ endpointId: endpoint049.id, count: 2, timeoutMs: 5000 });
    const refused = t.emulator.webhooks.deliveries({ endpointId: endpoint049.id });
    expect(refused.map((delivery) => [delivery.succeeded, delivery.http_code])).toEqual([
      [false, 403],
      [false, 403],
    ]);
    expect(via049.hits).toHaveLength(2);
    for (const hit of via049.hits) {
      expect(hit.outcome.kind).toBe("rejected");
      expect((hit.outcome as { error: unknown }).error).toBeInstanceOf(WebhookVerificationError);
      expect(hit.headers["webhook-signature"]).toBe(standardSignature(via049.secret, hit));
      expect(hit.headers["webhook-signature"]).not.toBe(polarSignature(via049.secret, hit));
    }
    const hitV1 = viaV1.hits[0] as Hit;
    expect(hitV1.headers["webhook-signature"]).toBe(standardSignature(viaV1.secret, hitV1));
    expectPolarRequest(hitV1);
  });
});

/** `new Webhook(secret)` of the `standardwebhooks` package on the raw body: the strict key rule. */
function standardWebhooksReceiver(): Promise<ClientReceiver> {
  return rawReceiver("standardwebhooks", async (body, headers, secret) => {
    try {
      const payload = new Webhook(secret).verify(body, headers);
      return { status: 200, outcome: { kind: "parsed", payload } };
    } catch (error) {
      return { status: 403, outcome: { kind: "rejected", error } };
    }
  });
}

describe("signing as Polar signs now: by when the endpoint's secret was made", () => {
  let t: Awaited<ReturnType<typeof startTestEmulator>>;
  const receivers: ClientReceiver[] = [];

  beforeAll(async () => {
    // The refusing receivers fail by design: quiet about it.
    t = await startTestEmulator({
      customers: 0,
      logLevel: "error",
      webhooks: { retryDelays: [0], maxAttempts: 1 },
    });
  });

  afterAll(async () => {
    await Promise.all(receivers.map((receiver) => receiver.close()));
    await t?.emulator.close();
  });

  /** The outcome of one `customer.created` at each receiver. */
  async function outcomes(org: ReturnType<typeof tenant>, list: ClientReceiver[]): Promise<string[]> {
    const before = list.map((receiver) => receiver.hits.length);
    const created = await post(t.http, "/v1/customers/", org.headers, {
      email: `${crypto.randomUUID()}@example.com`,
    });
    expect(created.status).toBe(201);
    expect(await t.emulator.webhooks.idle(5000)).toBe(true);
    return list.map((receiver, index) => receiver.hits[before[index] ?? 0]?.outcome.kind ?? "none");
  }

  it("a secret generated now: the 1.x clients and standardwebhooks verify, the 0.x ones and the adapter refuse", async () => {
    const org = tenant(t.emulator);
    const list = await Promise.all([
      expressReceiver(),
      sdk049Receiver(),
      sdkV1Receiver(),
      standardWebhooksReceiver(),
    ]);
    receivers.push(...list);
    for (const receiver of list) {
      const created = await post(
        t.http,
        "/v1/webhooks/endpoints",
        { ...org.headers, "Polar-Version": "2026-10" },
        { url: receiver.url, format: "raw", events: ["customer.created"] },
      );
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      expect(created.body).toMatchObject({ api_version: "2026-04", uses_standard_webhook_signature: true });
      expect(created.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
      receiver.secret = created.body.secret as string;
    }
    expect(await outcomes(org, list)).toEqual(["rejected", "rejected", "parsed", "parsed"]);
  });

  it("a secret the user chose (2026-04), or one older than 2026-09-08: every client verifies, not standardwebhooks", async () => {
    const org = tenant(t.emulator);
    const list = await Promise.all([
      expressReceiver(),
      sdk049Receiver(),
      sdkV1Receiver(),
      standardWebhooksReceiver(),
    ]);
    receivers.push(...list);
    const ids: string[] = [];
    for (const [index, receiver] of list.entries()) {
      const secret = `whsec_chosenChosenChosenChosenChosenChosen00${index}`;
      const created = await post(t.http, "/v1/webhooks/endpoints", org.headers, {
        url: receiver.url,
        format: "raw",
        events: ["customer.created"],
        secret,
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      expect(created.body).toMatchObject({ secret, uses_standard_webhook_signature: false });
      receiver.secret = secret;
      ids.push(created.body.id as string);
    }
    expect(await outcomes(org, list)).toEqual(["parsed", "parsed", "parsed", "rejected"]);

    // An endpoint made before the cutoff (the in-process API can backdate one) signs the same way.
    const old = await sdk049Receiver();
    receivers.push(old);
    const endpoint = t.emulator.webhooks.createEndpoint({
      url: old.url,
      events: ["customer.created"],
      organizationId: org.organizationId,
      signing: "legacy",
    });
    expect(endpoint.secret).toMatch(/^whsec_[A-Za-z0-9]{43}$/);
    old.secret = endpoint.secret;
    expect(await outcomes(org, [old])).toEqual(["parsed"]);

    // A new secret is a secret generated now: the endpoint moves to Standard Webhooks.
    const reset = await t.http.patch(`/v1/webhooks/endpoints/${ids[1]}/secret`).set(org.headers);
    expect(reset.status).toBe(200);
    expect(reset.body.uses_standard_webhook_signature).toBe(true);
    const v049 = list[1] as ClientReceiver;
    v049.secret = reset.body.secret as string;
    const [express, , v1, standard] = list as [
      ClientReceiver,
      ClientReceiver,
      ClientReceiver,
      ClientReceiver,
    ];
    expect(await outcomes(org, [express, v049, v1, standard])).toEqual([
      "parsed",
      "rejected",
      "parsed",
      "rejected",
    ]);
  });
});

// A clock in the past ---------------------------------------------------------------------------

describe("with a fixed clock in the past", () => {
  const past = new Date("2025-01-15T09:30:00Z");
  let emulator: Emulator;
  let http: supertest.Agent;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  /** When each request arrived (by its number). */
  const arrivals = new Map<number, number>();

  beforeAll(async () => {
    emulator = await createEmulator(
      {
        ...DEFAULT_CONFIG,
        host: "127.0.0.1",
        port: 0,
        logLevel: "warn",
        customers: 0,
        webhooks: { ...DEFAULT_CONFIG.webhooks, retryDelays: [0, 50] },
      },
      { clock: new FixedClock(past) },
    );
    const { url } = await emulator.listen();
    http = supertest(url);
    receiver = await startReceiver((request) => {
      arrivals.set(request.n, Date.now());
      return undefined;
    });
  });

  afterAll(async () => {
    await receiver?.close();
    await emulator?.close();
  });

  it("signs with the wall clock, dates the envelope with the emulator's clock, and the clients accept it", async () => {
    const headers = { Authorization: `Bearer ${emulator.token}` };
    const endpoint = await post(http, "/v1/webhooks/endpoints", headers, {
      url: receiver.url,
      format: "raw",
      events: ["customer.created", "customer.state_changed"],
    });
    expect(endpoint.status, JSON.stringify(endpoint.body)).toBe(201);
    const secret = endpoint.body.secret as string;
    const created = await post(http, "/v1/customers/", headers, { email: "past@example.com" });
    expect(created.status).toBe(201);
    await receiver.waitForCount(2, 5000);
    expect(await emulator.webhooks.idle(5000)).toBe(true);
    expect(receiver.types()).toEqual(["customer.created", "customer.state_changed"]);

    const deliveries = await polarDeliveries(http, headers, endpoint.body.id);
    for (const received of receiver.received) {
      const hit: Hit = {
        webhookId: received.webhookId,
        headers: received.headers,
        body: received.body,
        receivedAt: arrivals.get(received.n) ?? 0,
        status: 200,
        outcome: { kind: "pending" },
      };
      expectPolarRequest(hit);
      // Signed with the wall clock, not the emulator's.
      const signedAt = Number(received.headers["webhook-timestamp"]);
      expect(Math.abs(signedAt - Date.now() / 1000)).toBeLessThan(10);
      expect(signedAt - past.getTime() / 1000).toBeGreaterThan(86_400);
      // The envelope and the object carry the emulator's (fixed) time.
      expect(received.json.timestamp).toBe("2025-01-15T09:30:00Z");
      expect(received.json.data.created_at).toBe("2025-01-15T09:30:00Z");
      const delivery = deliveries.find((item) => item.webhook_event.id === received.webhookId);
      expect(delivery?.webhook_event.payload).toBe(received.body);
      expect(received.headers["webhook-signature"]).toBe(polarSignature(secret, hit));
      // Both clients check the timestamp against their own clock (±300 s) and accept.
      expect(validateEvent049(received.body, received.headers, secret).type).toBe(received.json.type);
      expect((await webhooksV1.validateEvent(received.body, received.headers, secret)).type).toBe(
        received.json.type,
      );
    }
  });
});
