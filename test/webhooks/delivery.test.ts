/**
 * Webhook delivery over real HTTP (webhook/tasks.py, as Polar delivers): retries across a 500, a timeout and a refused
 * connection; stable webhook-id and byte-identical, verifiable bodies; per-endpoint ordering
 * (strict and polar); the attempt limit and what counts as success; disabling after the latest 10
 * completed events failed; pause and resume; the duplicate and out-of-order faults; the
 * customer.state_changed debounce; redelivery and replay; the long-poll wait and waitFor; and an
 * API that stays responsive while deliveries are slow.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";
import { afterAll, describe, expect, it, onTestFinished } from "vitest";
import type { DeliverySettings, DeliveryView, WebhookEventView } from "../../src/index.js";
import { catalog, post } from "../billing/setup.js";
import { startTestEmulator, tenant } from "../helpers.js";
import { type Answer, type Received, type Receiver, startReceiver } from "./receiver.js";

type Ctx = Awaited<ReturnType<typeof startTestEmulator>>;
type Headers = { Authorization: string };

const cleanups: (() => Promise<void>)[] = [];

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** An emulator of its own, closed after the file. */
async function boot(webhooks: Partial<DeliverySettings> = {}): Promise<Ctx> {
  // Failed deliveries are the point here: their warnings would only be noise.
  const ctx = await startTestEmulator({ webhooks, logLevel: "error" });
  cleanups.push(() => ctx.emulator.close());
  return ctx;
}

let shared: Promise<Ctx> | undefined;

/**
 * One emulator with fast retries for the scenarios that touch no global switch (pause, faults):
 * each of them works in a tenant of its own.
 */
function basic(): Promise<Ctx> {
  shared ??= boot({ retryDelays: [0, 20] });
  return shared;
}

/** A receiver, closed after the file. */
async function receiver(answer?: (request: Received) => Answer | undefined): Promise<Receiver> {
  const started = await startReceiver(answer);
  cleanups.push(() => started.close());
  return started;
}

async function until(condition: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

async function createCustomer(ctx: Ctx, headers: Headers, email: string, externalId?: string) {
  const created = await post(ctx.http, "/v1/customers/", headers, {
    email,
    ...(externalId === undefined ? {} : { external_id: externalId }),
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body as { id: string; external_id: string | null };
}

async function stateChanged(ctx: Ctx, customerId: string) {
  const fired = await ctx.http.post(`/_emulator/customers/${customerId}/state-changed`);
  expect(fired.status, JSON.stringify(fired.body)).toBe(200);
  return fired.body as { events: { id: string; type: string }[] };
}

async function controlDeliveries(ctx: Ctx, query: Record<string, string>): Promise<DeliveryView[]> {
  const listed = await ctx.http.get("/_emulator/webhooks/deliveries").query(query);
  expect(listed.status, JSON.stringify(listed.body)).toBe(200);
  return listed.body.items;
}

async function controlEvents(ctx: Ctx, query: Record<string, string>): Promise<WebhookEventView[]> {
  const listed = await ctx.http.get("/_emulator/webhooks/events").query(query);
  expect(listed.status, JSON.stringify(listed.body)).toBe(200);
  return listed.body.items;
}

async function idle(ctx: Ctx, timeoutMs = 10_000): Promise<void> {
  expect(await ctx.emulator.webhooks.idle(timeoutMs)).toBe(true);
}

const ids = (received: Received[]) => received.map((entry) => entry.webhookId);

describe("retries", () => {
  it("idle() waits for a retry whose attempt is in flight (polar ordering)", async () => {
    const ctx = await boot({ retryDelays: [0], maxAttempts: 2 });
    const t = tenant(ctx.emulator);
    // The first attempt fails at once; the retry is held 300 ms by the receiver, then fails too.
    const r = await receiver((request) =>
      request.n === 1 ? { status: 500 } : { status: 500, delayMs: 300 },
    );
    const endpoint = ctx.emulator.webhooks.createEndpoint({
      url: r.url,
      events: ["customer.created"],
      organizationId: t.organizationId,
    });
    await createCustomer(ctx, t.headers, "in-flight@example.com");
    await until(() => r.received.length === 2, "the retry to reach the receiver");
    await idle(ctx);
    expect(ctx.emulator.webhooks.deliveries({ endpointId: endpoint.id }).map((d) => d.http_code)).toEqual([
      500, 500,
    ]);
  });

  it("delivers every event in order through a 500, a timeout and a refused connection (strict)", async () => {
    // A timeout with room for a loaded machine to answer the other attempts well within it.
    const ctx = await boot({ retryDelays: [50, 400, 400], timeoutMs: 1_000, ordering: "strict" });
    // The first fetch of a process loads its HTTP client; not part of what is timed here.
    await fetch(`${ctx.emulator.url}/_emulator/health`).then((response) => response.text());
    const t = tenant(ctx.emulator);
    const answered: { id: string; status: number }[] = [];
    // Strict ordering: the first request is the first event's. Its attempt number is one more than
    // the attempts the emulator has logged for it, whatever the timing.
    let firstId: string | undefined;
    const r = await receiver((request) => {
      firstId ??= request.webhookId;
      const made = ctx.emulator.webhooks.deliveries({ webhookEventId: request.webhookId }).length;
      if (request.webhookId === firstId && made === 0) {
        answered.push({ id: request.webhookId, status: 500 });
        return { status: 500, body: "boom" };
      }
      // Well past the emulator's timeout.
      if (request.webhookId === firstId && made === 1) return { delayMs: 3_000 };
      answered.push({ id: request.webhookId, status: 200 });
      return { status: 200 };
    });
    ctx.emulator.webhooks.createEndpoint({ url: r.url, organizationId: t.organizationId });

    const customer = await createCustomer(ctx, t.headers, "retry@example.com", "user_retry");
    await stateChanged(ctx, customer.id);
    await stateChanged(ctx, customer.id);
    const events = ctx.emulator.webhooks.events({ organizationId: t.organizationId });
    expect(events.map((event) => event.type)).toEqual([
      "customer.created",
      "customer.state_changed",
      "customer.state_changed",
      "customer.state_changed",
    ]);
    const first = events[0] as WebhookEventView;

    expect(firstId === undefined || firstId === first.id).toBe(true);
    // Attempt 2 timed out: the receiver goes away, so attempt 3 meets a refused connection.
    await ctx.emulator.webhooks.waitFor({ webhookEventId: first.id, count: 2, timeoutMs: 5_000 });
    await r.stop();
    await ctx.emulator.webhooks.waitFor({ webhookEventId: first.id, count: 3, timeoutMs: 5_000 });
    await r.start();
    await idle(ctx);

    // The receiver saw the first event on attempts 1, 2 and 4 (3 never reached it), same webhook-id.
    expect(ids(r.received.slice(0, 3))).toEqual([first.id, first.id, first.id]);
    expect(ids(r.received.slice(2))).toEqual(events.map((event) => event.id));
    // Successes: every event once, in the order they happened.
    const successes = answered.filter((entry) => entry.status === 200).map((entry) => entry.id);
    expect(successes).toEqual(events.map((event) => event.id));
    expect(new Set(successes).size).toBe(4);
    expect(r.received).toHaveLength(6);

    const attempts = await controlDeliveries(ctx, { webhook_event_id: first.id });
    const seen = JSON.stringify(attempts.map((d) => [d.attempt, d.http_code, d.error, d.duration_ms]));
    expect(
      attempts.map((d) => d.attempt),
      seen,
    ).toEqual([1, 2, 3, 4]);
    expect(attempts.map((d) => d.http_code)).toEqual([500, null, null, 200]);
    expect(attempts.map((d) => d.succeeded)).toEqual([false, false, false, true]);
    expect(attempts.map((d) => d.kind)).toEqual(["attempt", "attempt", "attempt", "attempt"]);
    expect(attempts[0]?.response).toBe("boom");
    expect(attempts[1]?.error).toMatch(/timed out/i);
    // Refused; a connect that races the listener's close may read as a reset instead.
    expect(attempts[2]?.error).toMatch(/ECONNREFUSED|ECONNRESET/);
    expect(attempts[2]?.error).not.toMatch(/timed out/i);
    expect(attempts[3]?.error).toBeNull();
    for (const attempt of attempts) expect(attempt.request.headers["webhook-id"]).toBe(first.id);
    const finished = await controlEvents(ctx, { organization_id: t.organizationId });
    expect(finished.map((event) => [event.status, event.attempts])).toEqual([
      ["succeeded", 4],
      ["succeeded", 1],
      ["succeeded", 1],
      ["succeeded", 1],
    ]);

    // Polar's deliveries list: the organization's attempts, newest first, the event embedded.
    const all = await controlDeliveries(ctx, { organization_id: t.organizationId });
    expect(all).toHaveLength(7);
    const polar = await ctx.http.get("/v1/webhooks/deliveries").query({ limit: 100 }).set(t.headers);
    expect(polar.status, JSON.stringify(polar.body)).toBe(200);
    expect(polar.body.pagination.total_count).toBe(7);
    const items = polar.body.items as {
      id: string;
      created_at: string;
      http_code: number | null;
      succeeded: boolean;
      webhook_event: { id: string; type: string; payload: string; succeeded: boolean | null };
    }[];
    expect(items.map((item) => item.id)).toEqual(all.map((d) => d.id).reverse());
    const times = items.map((item) => Date.parse(item.created_at));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    for (const item of items) {
      const event = events.find((candidate) => candidate.id === item.webhook_event.id);
      expect(event, item.webhook_event.id).toBeDefined();
      expect(item.webhook_event).toMatchObject({
        type: event?.type,
        payload: event?.payload,
        succeeded: true,
      });
    }
    expect(items.at(-1)).toMatchObject({ http_code: 500, succeeded: false, webhook_event: { id: first.id } });
    // Another organization sees none of them.
    const other = tenant(ctx.emulator);
    const none = await ctx.http.get("/v1/webhooks/deliveries").set(other.headers);
    expect(none.body.pagination.total_count).toBe(0);
  });

  it("sends the same bytes on every attempt, each one signed with the endpoint's key (Standard Webhooks: made now)", async () => {
    // Strict ordering: the first event's three attempts come first.
    const ctx = await boot({ retryDelays: [0, 20], ordering: "strict" });
    const t = tenant(ctx.emulator);
    const r = await receiver((request) => (request.n <= 2 ? { status: 500 } : { status: 200 }));
    const created = await post(ctx.http, "/v1/webhooks/endpoints", t.headers, {
      url: r.url,
      format: "raw",
      events: ["customer.created", "customer.state_changed"],
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const secret = created.body.secret as string;
    // A secret generated after 2026-09-08: Standard Webhooks, whose key is the base64 after whsec_.
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(created.body.uses_standard_webhook_signature).toBe(true);

    await createCustomer(ctx, t.headers, "signed@example.com");
    await r.waitForCount(4);
    await idle(ctx);
    expect(r.received).toHaveLength(4);

    const [a, b, c, d] = r.received as [Received, Received, Received, Received];
    expect(ids([a, b, c])).toEqual([a.webhookId, a.webhookId, a.webhookId]);
    expect(d.webhookId).not.toBe(a.webhookId);
    expect(b.body).toBe(a.body);
    expect(c.body).toBe(a.body);
    // Compact JSON envelope, as clients re-serialise and compare.
    expect(JSON.stringify(JSON.parse(a.body))).toBe(a.body);
    expect(a.json.type).toBe("customer.created");
    expect(d.json.type).toBe("customer.state_changed");

    const verifier = new Webhook(secret);
    // The legacy key (the UTF-8 bytes of the whole secret) does not verify it.
    const stranger = new Webhook(Buffer.from(secret, "utf8").toString("base64"));
    for (const request of r.received) {
      expect(request.headers["user-agent"]).toBe("polar.sh webhooks");
      expect(request.headers["content-type"]).toMatch(/^application\/json/);
      expect(request.headers["webhook-signature"]).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
      expect(request.headers["webhook-api-version"]).toBe("2026-04");
      const timestamp = Number(request.headers["webhook-timestamp"]);
      expect(Math.abs(timestamp - Date.now() / 1000)).toBeLessThan(60);
      expect(verifier.verify(request.body, request.headers)).toEqual(JSON.parse(request.body));
      expect(() => stranger.verify(request.body, request.headers)).toThrow();
      expect(() => verifier.verify(`${request.body} `, request.headers)).toThrow();
    }
  });
});

describe("ordering", () => {
  it("strict: a failing event holds back its endpoint's later events, not another endpoint's", async () => {
    const ctx = await boot({ retryDelays: [25], maxAttempts: 1_000, ordering: "strict" });
    const t = tenant(ctx.emulator);
    let released = false;
    const okA: string[] = [];
    const a = await receiver((request) => {
      if (!released) return { status: 500 };
      okA.push(request.webhookId);
      return { status: 200 };
    });
    const b = await receiver();
    const endpointA = ctx.emulator.webhooks.createEndpoint({ url: a.url, organizationId: t.organizationId });
    const endpointB = ctx.emulator.webhooks.createEndpoint({ url: b.url, organizationId: t.organizationId });

    const customer = await createCustomer(ctx, t.headers, "strict@example.com");
    await stateChanged(ctx, customer.id);
    const eventsA = ctx.emulator.webhooks.events({ endpointId: endpointA.id }).map((event) => event.id);
    const eventsB = ctx.emulator.webhooks.events({ endpointId: endpointB.id }).map((event) => event.id);
    expect(eventsA).toHaveLength(3);

    // The healthy endpoint gets all three while A's first event keeps failing.
    await b.waitForCount(3);
    expect(ids(b.received)).toEqual(eventsB);
    await a.waitForCount(a.received.length + 3);
    expect(released).toBe(false);
    expect(new Set(ids(a.received))).toEqual(new Set([eventsA[0]]));
    const held = await controlEvents(ctx, { endpoint_id: endpointA.id });
    expect(held.map((event) => event.status)).toEqual(["pending", "pending", "pending"]);
    expect(held.map((event) => event.attempts > 0)).toEqual([true, false, false]);

    released = true;
    await idle(ctx);
    expect(okA).toEqual(eventsA);
    expect(b.received).toHaveLength(3);
  });

  it("polar: later events go out while the failing one retries", async () => {
    const ctx = await boot({ retryDelays: [25], maxAttempts: 1_000, ordering: "polar" });
    const t = tenant(ctx.emulator);
    let released = false;
    let failing: string | undefined;
    const ok: string[] = [];
    const a = await receiver((request) => {
      failing ??= request.webhookId;
      if (request.webhookId === failing && !released) return { status: 500 };
      ok.push(request.webhookId);
      return { status: 200 };
    });
    const endpoint = ctx.emulator.webhooks.createEndpoint({ url: a.url, organizationId: t.organizationId });

    const customer = await createCustomer(ctx, t.headers, "polar@example.com");
    await stateChanged(ctx, customer.id);
    const events = ctx.emulator.webhooks.events({ endpointId: endpoint.id }).map((event) => event.id);
    expect(events).toHaveLength(3);
    await until(() => ok.length === 2, "the two later events");
    expect(failing).toBe(events[0]);
    expect(ok).toEqual([events[1], events[2]]);
    const during = await controlEvents(ctx, { endpoint_id: endpoint.id });
    expect(during.map((event) => event.status)).toEqual(["pending", "succeeded", "succeeded"]);
    expect(during[0]?.attempts).toBeGreaterThanOrEqual(1);

    released = true;
    await ctx.emulator.webhooks.waitFor({ webhookEventId: events[0], succeeded: true, timeoutMs: 5_000 });
    await idle(ctx);
    expect(ok).toEqual([events[1], events[2], events[0]]);
  });
});

describe("what a failed attempt records, and chat formats", () => {
  it("records httpx's status error text when a failing response has no body", async () => {
    const ctx = await basic();
    const t = tenant(ctx.emulator);
    const r = await receiver(() => ({ status: 503, body: "" }));
    const endpoint = ctx.emulator.webhooks.createEndpoint({
      url: r.url,
      organizationId: t.organizationId,
      events: ["customer.created"],
    });
    await createCustomer(ctx, t.headers, "empty-503@example.com");
    const [failed] = await ctx.emulator.webhooks.waitFor({ endpointId: endpoint.id, succeeded: false });
    expect(failed?.http_code).toBe(503);
    const expected = `Server error '503 Service Unavailable' for url '${r.url}'\nFor more information check: https://developer.mozilla.org/en-US/docs/Web/HTTP/Status/503`;
    expect(failed?.response).toBe(expected);
    expect(failed?.error).toBe(expected);
    // Polar's deliveries API shows the same text.
    const listed = await ctx.http.get(`/v1/webhooks/deliveries?endpoint_id=${endpoint.id}`).set(t.headers);
    expect(listed.body.items.at(-1).response).toBe(expected);
    await ctx.http.delete(`/v1/webhooks/endpoints/${endpoint.id}`).set(t.headers);
  });

  it("sends Polar's generic Discord and Slack messages to endpoints in those formats", async () => {
    const ctx = await basic();
    const t = tenant(ctx.emulator);
    const discord = await receiver();
    const slack = await receiver();
    for (const [target, format] of [
      [discord, "discord"],
      [slack, "slack"],
    ] as const) {
      const created = await post(ctx.http, "/v1/webhooks/endpoints", t.headers, {
        url: target.url,
        format,
        events: ["customer.created"],
      });
      expect(created.status).toBe(201);
    }
    const customer = await createCustomer(ctx, t.headers, "chat@example.com");
    await idle(ctx);
    const organization = ctx.emulator.emulator.context.store.partition(t.organizationId).organization.name;
    expect(discord.received.map((entry) => JSON.parse(entry.body))).toEqual([
      {
        content: "customer.created",
        embeds: [
          {
            title: "customer.created",
            description: "customer.created",
            fields: [
              { name: "Object", value: customer.id },
              { name: "Organization", value: organization },
            ],
          },
        ],
      },
    ]);
    expect(slack.received.map((entry) => JSON.parse(entry.body))).toEqual([
      {
        text: "customer.created",
        blocks: [
          {
            type: "section",
            text: { type: "mrkdwn", text: "customer.created" },
            fields: [
              { type: "mrkdwn", text: `*Object*\n${customer.id}` },
              { type: "mrkdwn", text: `*Organization*\n${organization}` },
            ],
          },
        ],
      },
    ]);
  });
});

describe("attempt limit and success", () => {
  it("makes exactly maxAttempts attempts, then the event fails; only 2xx succeeds", async () => {
    const ctx = await boot({ maxAttempts: 3, retryDelays: [0, 10], ordering: "strict" });

    // Always 500: three attempts per event, in order, then failed.
    const t = tenant(ctx.emulator);
    const r = await receiver(() => ({ status: 500 }));
    const endpoint = ctx.emulator.webhooks.createEndpoint({ url: r.url, organizationId: t.organizationId });
    await createCustomer(ctx, t.headers, "limit@example.com");
    await idle(ctx);
    const events = await controlEvents(ctx, { endpoint_id: endpoint.id });
    expect(events.map((event) => [event.type, event.status, event.attempts, event.last_http_code])).toEqual([
      ["customer.created", "failed", 3, 500],
      ["customer.state_changed", "failed", 3, 500],
    ]);
    const [first, second] = events.map((event) => event.id) as [string, string];
    expect(ids(r.received)).toEqual([first, first, first, second, second, second]);
    const attempts = await controlDeliveries(ctx, { endpoint_id: endpoint.id });
    expect(attempts.map((d) => d.attempt)).toEqual([1, 2, 3, 1, 2, 3]);
    expect(attempts.every((d) => d.succeeded === false && d.http_code === 500)).toBe(true);
    expect((await controlEvents(ctx, { endpoint_id: endpoint.id, status: "failed" })).length).toBe(2);

    // A 302 fails and is not followed.
    const landing = await receiver();
    let redirected = 0;
    const redirect: Server = createServer((_request, response) => {
      redirected += 1;
      response.writeHead(302, { location: landing.url }).end();
    });
    await new Promise<void>((resolve) => redirect.listen(0, "127.0.0.1", resolve));
    cleanups.push(
      () =>
        new Promise<void>((resolve) => {
          redirect.closeAllConnections();
          redirect.close(() => resolve());
        }),
    );
    const port = (redirect.address() as AddressInfo).port;
    const t302 = tenant(ctx.emulator);
    const e302 = ctx.emulator.webhooks.createEndpoint({
      url: `http://127.0.0.1:${port}/hook`,
      organizationId: t302.organizationId,
      events: ["customer.created"],
    });
    await createCustomer(ctx, t302.headers, "redirect@example.com");
    await idle(ctx);
    expect(redirected).toBe(3);
    expect(landing.received).toHaveLength(0);
    const redirects = await controlDeliveries(ctx, { endpoint_id: e302.id });
    expect(redirects.map((d) => [d.http_code, d.succeeded])).toEqual([
      [302, false],
      [302, false],
      [302, false],
    ]);
    expect(redirects[0]?.response).toMatch(/302/);
    expect((await controlEvents(ctx, { endpoint_id: e302.id }))[0]?.status).toBe("failed");

    // A 204 succeeds at once.
    const t204 = tenant(ctx.emulator);
    const r204 = await receiver(() => ({ status: 204 }));
    const e204 = ctx.emulator.webhooks.createEndpoint({
      url: r204.url,
      organizationId: t204.organizationId,
      events: ["customer.created"],
    });
    await createCustomer(ctx, t204.headers, "nocontent@example.com");
    await idle(ctx);
    expect(r204.received).toHaveLength(1);
    const ok = await controlDeliveries(ctx, { endpoint_id: e204.id });
    expect(ok.map((d) => [d.attempt, d.http_code, d.succeeded])).toEqual([[1, 204, true]]);
    expect((await controlEvents(ctx, { endpoint_id: e204.id }))[0]).toMatchObject({
      status: "succeeded",
      attempts: 1,
      last_http_code: 204,
    });
  });
});

describe("disabling", () => {
  async function endpointFor(ctx: Ctx, headers: Headers, url: string) {
    const created = await post(ctx.http, "/v1/webhooks/endpoints", headers, {
      url,
      format: "raw",
      events: ["customer.state_changed"],
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.enabled).toBe(true);
    return created.body.id as string;
  }

  async function enabled(ctx: Ctx, headers: Headers, id: string): Promise<boolean> {
    const got = await ctx.http.get(`/v1/webhooks/endpoints/${id}`).set(headers);
    expect(got.status, JSON.stringify(got.body)).toBe(200);
    return got.body.enabled;
  }

  it("disables an endpoint whose 10 latest completed events failed, and enables it again", async () => {
    const ctx = await boot({ maxAttempts: 1 });

    // Twelve events queued while paused: ten fail, the endpoint is disabled, two are skipped.
    const t = tenant(ctx.emulator);
    let healthy = false;
    const r = await receiver(() => ({ status: healthy ? 200 : 500 }));
    const customer = await createCustomer(ctx, t.headers, "disabled@example.com");
    const id = await endpointFor(ctx, t.headers, r.url);
    expect((await ctx.http.post("/_emulator/webhooks/pause")).status).toBe(200);
    for (let index = 0; index < 12; index++) await stateChanged(ctx, customer.id);
    expect((await ctx.http.post("/_emulator/webhooks/resume")).status).toBe(200);
    await idle(ctx);
    expect(r.received).toHaveLength(10);
    expect(await enabled(ctx, t.headers, id)).toBe(false);
    expect(await controlEvents(ctx, { endpoint_id: id, status: "failed" })).toHaveLength(10);
    const skipped = await controlEvents(ctx, { endpoint_id: id, status: "skipped" });
    expect(skipped).toHaveLength(2);
    const all = await controlEvents(ctx, { endpoint_id: id });
    expect(skipped.map((event) => event.id)).toEqual(all.slice(10).map((event) => event.id));
    expect(skipped.every((event) => event.attempts === 0)).toBe(true);
    expect(await controlEvents(ctx, { endpoint_id: id, status: "pending" })).toHaveLength(0);

    // Later events are not sent to it.
    await stateChanged(ctx, customer.id);
    await idle(ctx);
    await sleep(50);
    expect(r.received).toHaveLength(10);

    // Nine failures keep an endpoint enabled.
    const nine = tenant(ctx.emulator);
    const r9 = await receiver(() => ({ status: 500 }));
    const c9 = await createCustomer(ctx, nine.headers, "nine@example.com");
    const id9 = await endpointFor(ctx, nine.headers, r9.url);
    for (let index = 0; index < 9; index++) await stateChanged(ctx, c9.id);
    await idle(ctx);
    expect(r9.received).toHaveLength(9);
    expect(await controlEvents(ctx, { endpoint_id: id9, status: "failed" })).toHaveLength(9);
    expect(await enabled(ctx, nine.headers, id9)).toBe(true);

    // A success among the latest ten keeps it enabled, even with ten failures in all.
    const mixed = tenant(ctx.emulator);
    const rm = await receiver((request) => ({ status: request.n === 5 ? 200 : 500 }));
    const cm = await createCustomer(ctx, mixed.headers, "mixed@example.com");
    const idm = await endpointFor(ctx, mixed.headers, rm.url);
    for (let index = 0; index < 11; index++) await stateChanged(ctx, cm.id);
    await idle(ctx);
    expect(rm.received).toHaveLength(11);
    expect(await controlEvents(ctx, { endpoint_id: idm, status: "failed" })).toHaveLength(10);
    expect(await controlEvents(ctx, { endpoint_id: idm, status: "succeeded" })).toHaveLength(1);
    expect(await enabled(ctx, mixed.headers, idm)).toBe(true);

    // PATCH enabled=true turns the first one back on: new events are delivered again.
    const patched = await ctx.http
      .patch(`/v1/webhooks/endpoints/${id}`)
      .set(t.headers)
      .send({ enabled: true });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    expect(patched.body.enabled).toBe(true);
    expect(await enabled(ctx, t.headers, id)).toBe(true);
    healthy = true;
    const fired = await stateChanged(ctx, customer.id);
    const [delivered] = await ctx.emulator.webhooks.waitFor({
      endpointId: id,
      succeeded: true,
      timeoutMs: 5_000,
    });
    expect(delivered?.event_id).toBe(fired.events[0]?.id);
    await idle(ctx);
    expect(r.received).toHaveLength(11);
    expect(r.received[10]?.webhookId).toBe(delivered?.webhook_event_id);
  });
});

describe("pause and resume", () => {
  it("sends nothing while paused and everything, in order, after resume", async () => {
    const ctx = await basic();
    await idle(ctx);
    const t = tenant(ctx.emulator);
    const r = await receiver();
    ctx.emulator.webhooks.createEndpoint({ url: r.url, organizationId: t.organizationId });

    // Pausing is global: never leave the shared emulator paused.
    onTestFinished(() => ctx.emulator.webhooks.resume());
    const paused = await ctx.http.post("/_emulator/webhooks/pause");
    expect(paused.status).toBe(200);
    expect(paused.body.paused).toBe(true);
    const customer = await createCustomer(ctx, t.headers, "paused@example.com");
    await stateChanged(ctx, customer.id);
    await stateChanged(ctx, customer.id);
    await sleep(200);
    expect(r.received).toHaveLength(0);
    const status = await ctx.http.get("/_emulator/webhooks");
    expect(status.body).toMatchObject({ paused: true, pending: 4 });

    const resumed = await ctx.http.post("/_emulator/webhooks/resume");
    expect(resumed.status).toBe(200);
    expect(resumed.body.paused).toBe(false);
    await r.waitForCount(4);
    await idle(ctx);
    const events = ctx.emulator.webhooks.events({ organizationId: t.organizationId });
    expect(ids(r.received)).toEqual(events.map((event) => event.id));
    expect(r.types()).toEqual([
      "customer.created",
      "customer.state_changed",
      "customer.state_changed",
      "customer.state_changed",
    ]);
    expect((await ctx.http.get("/_emulator/webhooks")).body).toMatchObject({ paused: false, pending: 0 });
  });
});

describe("faults", () => {
  it("duplicates each event with the same webhook-id, and reverses a burst, only when asked", async () => {
    const ctx = await basic();
    // Faults are global: never leave them on in the shared emulator.
    onTestFinished(() => {
      ctx.emulator.emulator.webhooks.faults = { duplicate: false, outOfOrder: false };
    });
    const c = await catalog(ctx.emulator, ctx.http);
    const r = await receiver();
    const endpoint = ctx.emulator.webhooks.createEndpoint({ url: r.url, organizationId: c.organizationId });

    // Off by default: one delivery per event.
    const status = await ctx.http.get("/_emulator/webhooks");
    expect(status.body.faults).toEqual({ duplicate: false, out_of_order: false });
    await stateChanged(ctx, c.customer.id);
    await idle(ctx);
    expect(r.received).toHaveLength(1);

    const duplicate = await ctx.http.put("/_emulator/webhooks/faults").send({ duplicate: true });
    expect(duplicate.status).toBe(200);
    expect(duplicate.body).toEqual({ duplicate: true, out_of_order: false });
    await stateChanged(ctx, c.customer.id);
    await idle(ctx);
    expect(r.received).toHaveLength(3);
    const twice = r.received.slice(1);
    expect(twice[0]?.webhookId).toBe(twice[1]?.webhookId);
    expect(twice[0]?.body).toBe(twice[1]?.body);
    const kinds = await controlDeliveries(ctx, { webhook_event_id: twice[0]?.webhookId as string });
    expect(kinds.map((d) => [d.kind, d.succeeded])).toEqual([
      ["attempt", true],
      ["duplicate", true],
    ]);
    const succeeded = await controlEvents(ctx, { endpoint_id: endpoint.id, status: "succeeded" });
    // The duplicate is not an attempt: the event counts one.
    expect(succeeded.find((event) => event.id === twice[0]?.webhookId)?.attempts).toBe(1);

    // Out of order: one call's burst arrives newest first.
    const reversed = await ctx.http
      .put("/_emulator/webhooks/faults")
      .send({ duplicate: false, out_of_order: true });
    expect(reversed.body).toEqual({ duplicate: false, out_of_order: true });
    const started = await post(
      ctx.http,
      "/_emulator/subscriptions",
      {},
      {
        customer_id: c.customer.id,
        product_id: c.product.id,
      },
    );
    expect(started.status, JSON.stringify(started.body)).toBe(201);
    const burst = (started.body.events as { id: string; type: string }[]).map((event) => event.id);
    expect(burst.length).toBeGreaterThanOrEqual(3);
    await r.waitForCount(3 + burst.length);
    await idle(ctx);
    expect(r.received).toHaveLength(3 + burst.length);
    const domainEventOf = (entry: Received) =>
      ctx.emulator.webhooks.events({ endpointId: endpoint.id }).find((event) => event.id === entry.webhookId)
        ?.event_id;
    const arrived = r.received.slice(3).map(domainEventOf);
    expect(arrived).toEqual([...burst].reverse());

    // Off again: the next burst arrives in order.
    await ctx.http.put("/_emulator/webhooks/faults").send({ out_of_order: false });
    const before = r.received.length;
    const cancel = await post(
      ctx.http,
      `/_emulator/subscriptions/${started.body.subscription.id}/revoke`,
      {},
      undefined,
    );
    expect(cancel.status, JSON.stringify(cancel.body)).toBe(200);
    const next = (cancel.body.events as { id: string }[]).map((event) => event.id);
    expect(next.length).toBeGreaterThanOrEqual(2);
    await r.waitForCount(before + next.length);
    await idle(ctx);
    expect(r.received.slice(before).map(domainEventOf)).toEqual(next);
  });
});

describe("state_changed debounce", () => {
  it("coalesces a customer's quick state changes into one carrying the latest state", async () => {
    const ctx = await boot({ retryDelays: [0, 20], stateChangedDebounceMs: 1000 });
    const c = await catalog(ctx.emulator, ctx.http);
    const r = await receiver();
    ctx.emulator.webhooks.createEndpoint({ url: r.url, organizationId: c.organizationId });

    const first = await stateChanged(ctx, c.customer.id);
    const started = await post(
      ctx.http,
      "/_emulator/subscriptions",
      {},
      {
        customer_id: c.customer.id,
        product_id: c.product.id,
      },
    );
    expect(started.status, JSON.stringify(started.body)).toBe(201);
    const emitted = [...first.events, ...(started.body.events as { type: string }[])];
    expect(emitted.filter((event) => event.type === "customer.state_changed").length).toBeGreaterThanOrEqual(
      2,
    );
    await idle(ctx);

    const types = r.types();
    expect(types.filter((type) => type === "customer.state_changed")).toHaveLength(1);
    // Fired first, yet it comes last: only it waited.
    expect(types.at(-1)).toBe("customer.state_changed");
    expect(types).toContain("subscription.created");
    expect(types.indexOf("subscription.created")).toBeLessThan(types.indexOf("customer.state_changed"));
    const state = r.received.at(-1)?.json.data as { id: string; active_subscriptions: { id: string }[] };
    expect(state.id).toBe(c.customer.id);
    expect(state.active_subscriptions.map((subscription) => subscription.id)).toEqual([
      started.body.subscription.id,
    ]);
  });

  it("does not hold a customer's state back past five windows while changes keep coming, as Polar's max threshold", async () => {
    const ctx = await boot({ retryDelays: [0, 20], stateChangedDebounceMs: 150 });
    const t = tenant(ctx.emulator);
    const customer = await createCustomer(ctx, t.headers, "busy@example.com");
    const r = await receiver();
    ctx.emulator.webhooks.createEndpoint({
      url: r.url,
      organizationId: t.organizationId,
      events: ["customer.state_changed"],
    });
    // A change every ~40 ms for 1.6 s: each restarts the 150 ms wait, so only the 750 ms cap lets
    // some go out while the changes last.
    let changes = 0;
    const until = Date.now() + 1600;
    while (Date.now() < until) {
      await stateChanged(ctx, customer.id);
      changes++;
      await sleep(40);
    }
    const whileChanging = r.received.length;
    await idle(ctx);
    expect(whileChanging).toBeGreaterThanOrEqual(1);
    expect(r.received.length).toBeGreaterThanOrEqual(2);
    expect(r.received.length).toBeLessThan(changes);
  });

  it("sends one customer.state_changed per change by default", async () => {
    const ctx = await basic();
    const t = tenant(ctx.emulator);
    const customer = await createCustomer(ctx, t.headers, "each@example.com");
    const r = await receiver();
    ctx.emulator.webhooks.createEndpoint({
      url: r.url,
      organizationId: t.organizationId,
      events: ["customer.state_changed"],
    });
    for (let index = 0; index < 3; index++) await stateChanged(ctx, customer.id);
    await idle(ctx);
    expect(r.types()).toEqual(["customer.state_changed", "customer.state_changed", "customer.state_changed"]);
    expect(new Set(ids(r.received)).size).toBe(3);
  });
});

describe("redelivery and replay", () => {
  const notFound = { error: "ResourceNotFound", detail: "Not found" };

  it("redelivers the same webhook-id and body; 404 for unknown or foreign events", async () => {
    const ctx = await basic();
    const t = tenant(ctx.emulator);
    const r = await receiver();
    const endpoint = ctx.emulator.webhooks.createEndpoint({ url: r.url, organizationId: t.organizationId });
    await createCustomer(ctx, t.headers, "again@example.com");
    await r.waitForCount(2);
    await idle(ctx);
    const original = r.received[0] as Received;

    const polar = await ctx.http.post(`/v1/webhooks/events/${original.webhookId}/redeliver`).set(t.headers);
    expect(polar.status).toBe(202);
    expect(polar.text).toBe("null");
    await r.waitForCount(3);
    expect(r.received[2]?.webhookId).toBe(original.webhookId);
    expect(r.received[2]?.body).toBe(original.body);

    const control = await ctx.http.post(`/_emulator/webhooks/events/${original.webhookId}/redeliver`);
    expect(control.status).toBe(202);
    expect(control.body).toMatchObject({ id: original.webhookId, endpoint_id: endpoint.id });
    await r.waitForCount(4);
    await idle(ctx);
    expect(r.received[3]?.webhookId).toBe(original.webhookId);
    expect(r.received[3]?.body).toBe(original.body);
    const attempts = await controlDeliveries(ctx, { webhook_event_id: original.webhookId });
    expect(attempts.map((d) => [d.kind, d.attempt, d.succeeded])).toEqual([
      ["attempt", 1, true],
      ["redelivery", 2, true],
      ["redelivery", 3, true],
    ]);

    const unknown = "00000000-0000-4000-8000-000000000000";
    const missing = await ctx.http.post(`/v1/webhooks/events/${unknown}/redeliver`).set(t.headers);
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual(notFound);
    const missingControl = await ctx.http.post(`/_emulator/webhooks/events/${unknown}/redeliver`);
    expect(missingControl.status).toBe(404);
    expect(missingControl.body).toEqual(notFound);

    const other = tenant(ctx.emulator);
    const foreign = await ctx.http
      .post(`/v1/webhooks/events/${original.webhookId}/redeliver`)
      .set(other.headers);
    expect(foreign.status).toBe(404);
    expect(foreign.body).toEqual(notFound);
    await idle(ctx);
    await sleep(30);
    expect(r.received).toHaveLength(4);
  });

  it("replays every event of one customer in the original order", async () => {
    const ctx = await basic();
    const t = tenant(ctx.emulator);
    const r = await receiver();
    ctx.emulator.webhooks.createEndpoint({ url: r.url, organizationId: t.organizationId });
    const ada = await createCustomer(ctx, t.headers, "ada@example.com");
    const bob = await createCustomer(ctx, t.headers, "bob@example.com");
    await stateChanged(ctx, ada.id);
    await stateChanged(ctx, bob.id);
    await idle(ctx);
    expect(r.received).toHaveLength(6);
    const adaEvents = ctx.emulator.webhooks.events({ customerId: ada.id });
    expect(adaEvents.map((event) => event.type)).toEqual([
      "customer.created",
      "customer.state_changed",
      "customer.state_changed",
    ]);

    const replay = await post(ctx.http, "/_emulator/webhooks/replay", {}, { customer_id: ada.id });
    expect(replay.status, JSON.stringify(replay.body)).toBe(202);
    expect(replay.body.items.map((event: { id: string }) => event.id)).toEqual(adaEvents.map((e) => e.id));
    await r.waitForCount(9);
    await idle(ctx);
    expect(r.received).toHaveLength(9);
    const replayed = r.received.slice(6);
    expect(ids(replayed)).toEqual(adaEvents.map((event) => event.id));
    expect(replayed.map((entry) => entry.body)).toEqual(adaEvents.map((event) => event.payload));
  });
});

describe("waiting for deliveries", () => {
  it("long-polls over HTTP and in-process, with after, timeouts and a clear", async () => {
    const ctx = await basic();
    const t = tenant(ctx.emulator);
    const r = await receiver();
    ctx.emulator.webhooks.createEndpoint({ url: r.url, organizationId: t.organizationId });
    const customer = await createCustomer(ctx, t.headers, "wait@example.com");
    await idle(ctx);

    // Already delivered: answers at once.
    const done = await ctx.http
      .get("/_emulator/webhooks/wait")
      .query({ type: "customer.created", customer_id: customer.id, timeout_ms: 2_000 });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect(done.body.items).toHaveLength(1);
    expect(done.body.items[0]).toMatchObject({
      type: "customer.created",
      customer_id: customer.id,
      succeeded: true,
    });
    const [earlier] = await ctx.emulator.webhooks.waitFor({
      type: "customer.state_changed",
      customerId: customer.id,
    });
    expect(earlier?.succeeded).toBe(true);

    // after=: only a newer one counts; the wait is open until the event happens.
    let settled = false;
    const pending = ctx.http
      .get("/_emulator/webhooks/wait")
      .query({
        type: "customer.state_changed",
        customer_id: customer.id,
        after: earlier?.id as string,
        timeout_ms: 5_000,
      })
      .then((response) => {
        settled = true;
        return response;
      });
    await sleep(150);
    expect(settled).toBe(false);
    const fired = await stateChanged(ctx, customer.id);
    const later = await pending;
    expect(later.status, JSON.stringify(later.body)).toBe(200);
    expect(later.body.items).toHaveLength(1);
    expect(later.body.items[0].id).not.toBe(earlier?.id);
    expect(later.body.items[0].event_id).toBe(fired.events[0]?.id);

    // In-process: resolves for a later delivery, rejects clearly on timeout.
    const inProcess = ctx.emulator.webhooks.waitFor({
      type: "customer.updated",
      customerId: customer.id,
      timeoutMs: 5_000,
    });
    const patched = await ctx.http
      .patch(`/v1/customers/${customer.id}`)
      .set(t.headers)
      .send({ name: "Waited" });
    expect(patched.status).toBe(200);
    const [updated] = await inProcess;
    expect(updated).toMatchObject({ type: "customer.updated", customer_id: customer.id, succeeded: true });
    await expect(
      ctx.emulator.webhooks.waitFor({ type: "customer.deleted", customerId: customer.id, timeoutMs: 100 }),
    ).rejects.toThrow(/waited 100 ms for 1 deliveries matching .*customer\.deleted.*0 matched/);

    // Over HTTP, a timeout is a 408.
    const timedOut = await ctx.http
      .get("/_emulator/webhooks/wait")
      .query({ type: "customer.deleted", customer_id: customer.id, timeout_ms: 100 });
    expect(timedOut.status).toBe(408);
    expect(timedOut.body).toMatchObject({ error: "Timeout", items: [] });
    expect(timedOut.body.detail).toEqual(expect.any(String));

    // Clearing the log: 204, nothing listed, and an earlier delivery no longer satisfies a wait.
    await idle(ctx);
    expect(await controlDeliveries(ctx, { organization_id: t.organizationId })).not.toHaveLength(0);
    const cleared = await ctx.http.delete("/_emulator/webhooks/deliveries");
    expect(cleared.status).toBe(204);
    expect(await controlDeliveries(ctx, { organization_id: t.organizationId })).toHaveLength(0);
    const afterClear = await ctx.http
      .get("/_emulator/webhooks/wait")
      .query({ type: "customer.created", customer_id: customer.id, timeout_ms: 50 });
    expect(afterClear.status).toBe(408);
  });
});

describe("delivery beside the API", () => {
  it("keeps answering API calls promptly while slow deliveries are in flight", async () => {
    const ctx = await basic();
    const t = tenant(ctx.emulator);
    const r = await receiver(() => ({ delayMs: 300 }));
    const endpoints = Array.from({ length: 4 }, () =>
      ctx.emulator.webhooks.createEndpoint({ url: r.url, organizationId: t.organizationId }),
    );
    for (let index = 0; index < 3; index++) await createCustomer(ctx, t.headers, `slow${index}@example.com`);
    await r.waitForCount(endpoints.length);

    for (let index = 0; index < 5; index++) {
      const startedAt = performance.now();
      const listed = await ctx.http.get("/v1/customers/").set(t.headers);
      expect(listed.status).toBe(200);
      expect(listed.body.pagination.total_count).toBe(3);
      expect(performance.now() - startedAt).toBeLessThan(1_000);
    }
    // The deliveries were still under way while the API answered.
    const pending = ctx.emulator.webhooks.events({ organizationId: t.organizationId });
    expect(pending.filter((event) => event.status === "pending").length).toBeGreaterThan(0);

    await idle(ctx);
    expect(r.received).toHaveLength(endpoints.length * 6);
  });
});
