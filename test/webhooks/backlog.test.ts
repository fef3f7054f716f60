/**
 * Webhook delivery under a dead or hanging receiver (issue 13): one endpoint's backlog is bounded
 * (new events past `maxPending` are skipped, logged and counted in /_emulator/webhooks), and
 * endpoints never share sockets, so a receiver that never answers cannot delay a healthy one on
 * the same host:port.
 */
import { pino } from "pino";
import supertest from "supertest";
import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIG } from "../../src/config.js";
import { createEmulator } from "../../src/emulator.js";
import { DEFAULT_DELIVERY_SETTINGS } from "../../src/webhooks/settings.js";
import { startTestEmulator, tenant } from "../helpers.js";
import { startReceiver } from "./receiver.js";

describe("a receiver that refuses connections", () => {
  it("holds at most maxPending events; later ones are skipped and counted", async () => {
    const ctx = await startTestEmulator({ webhooks: { maxPending: 20, retryDelays: [60_000] } });
    const receiver = await startReceiver();
    await receiver.stop();
    try {
      const t = tenant(ctx.emulator);
      const created = await ctx.http
        .post("/v1/webhooks/endpoints")
        .set(t.headers)
        .send({ url: receiver.url, format: "raw", events: ["customer.created"] });
      expect(created.status).toBe(201);
      for (let i = 0; i < 50; i++)
        await ctx.http
          .post("/v1/customers/")
          .set(t.headers)
          .send({ email: `c${i}@example.com` });
      const status = await ctx.http.get("/_emulator/webhooks");
      const view = status.body.endpoints.find((endpoint: { id: string }) => endpoint.id === created.body.id);
      expect(view.pending).toBe(20);
      expect(view.dropped).toBe(30);
      expect(status.body.settings.max_pending).toBe(20);
    } finally {
      await receiver.close();
      await ctx.emulator.close();
    }
  });
});

describe("receivers that never answer", () => {
  it("do not delay a healthy endpoint on the same host and port", async () => {
    // One server: /hang never answers, /ok answers at once.
    const { createServer: createHttpServer } = await import("node:http");
    const hanging = new Set<import("node:http").ServerResponse>();
    const server = createHttpServer((request, response) => {
      request.resume();
      if (request.url?.startsWith("/hang")) hanging.add(response);
      else request.on("end", () => response.end("ok"));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as import("node:net").AddressInfo;
    const ctx = await startTestEmulator({ webhooks: { timeoutMs: 8_000, retryDelays: [60_000] } });
    try {
      const t = tenant(ctx.emulator);
      for (let i = 0; i < 40; i++) {
        const res = await ctx.http
          .post("/v1/webhooks/endpoints")
          .set(t.headers)
          .send({ url: `http://127.0.0.1:${port}/hang/${i}`, format: "raw", events: ["customer.created"] });
        expect(res.status).toBe(201);
      }
      const healthy = await ctx.http
        .post("/v1/webhooks/endpoints")
        .set(t.headers)
        .send({ url: `http://127.0.0.1:${port}/ok`, format: "raw", events: ["customer.created"] });
      const started = Date.now();
      await ctx.http.post("/v1/customers/").set(t.headers).send({ email: "h@example.com" });
      await ctx.emulator.webhooks.waitFor({ endpointId: healthy.body.id, succeeded: true, timeoutMs: 7_000 });
      expect(Date.now() - started).toBeLessThan(3_000);
    } finally {
      for (const response of hanging) response.destroy();
      await ctx.emulator.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe("the events each endpoint keeps", () => {
  it("are the ones the log still holds (and pending ones), not logSize more per endpoint", async () => {
    const emulator = await createEmulator(
      { ...DEFAULT_CONFIG, port: 0, webhooks: { ...DEFAULT_DELIVERY_SETTINGS, logSize: 100 } },
      { logger: pino({ level: "silent" }) },
    );
    const { url } = await emulator.listen();
    const http = supertest(url);
    const receiver = await startReceiver();
    try {
      const { token } = emulator.createOrganization();
      const headers = { Authorization: `Bearer ${token}` };
      for (let i = 0; i < 4; i++) {
        const res = await http
          .post("/v1/webhooks/endpoints")
          .set(headers)
          .send({ url: `${receiver.url}/${i}`, format: "raw", events: ["customer.created"] });
        expect(res.status).toBe(201);
      }
      for (let i = 0; i < 600; i++)
        await http
          .post("/v1/customers/")
          .set(headers)
          .send({ email: `k${i}@example.com` });
      // Everything delivered (the delivery log itself keeps only the latest 150 attempts).
      for (let i = 0; i < 300; i++) {
        const status = await http.get("/_emulator/webhooks");
        if (status.body.endpoints.every((endpoint: { pending: number }) => endpoint.pending === 0)) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(receiver.received.length).toBe(2400);
      // The lanes are the engine's own; the test reads them to count what they hold.
      const lanes = (emulator.webhooks as unknown as { lanes: Map<string, { events: unknown[] }> }).lanes;
      const held = [...lanes.values()].reduce((sum, lane) => sum + lane.events.length, 0);
      // The log keeps at most 1.5 × 100 events; each lane may be a trim step (16) behind it.
      // Before, each lane kept up to 1.5 × logSize on its own: 4 × 100–150 here.
      expect(held).toBeLessThanOrEqual(150 + 4 * 16);
    } finally {
      await receiver.close();
      await emulator.close();
    }
  }, 60_000);
});
