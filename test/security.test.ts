/**
 * What the emulator exposes on the network and how it is locked down: it listens on 127.0.0.1
 * unless told otherwise (the Docker image says 0.0.0.0) and says in its banner where it is bound;
 * `--control-token` closes the control plane (the health check excepted); webhook deliveries, with
 * the receiver's answer in them, are only shown to their organization's own token.
 */
import { readFileSync } from "node:fs";
import { networkInterfaces } from "node:os";
import supertest from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveConfig, UsageError } from "../src/config.js";
import { checkHealth } from "../src/healthcheck.js";
import { boot, stop } from "./cli-process.js";
import { startTestEmulator, tenant } from "./helpers.js";
import { startReceiver } from "./webhooks/receiver.js";

const CONTROL_TOKEN = "c0ntrol-t0ken-for-the-tests-0123456789";

/** An IPv4 address of this machine other than the loopback, if it has one. */
function externalAddress(): string | undefined {
  return Object.values(networkInterfaces())
    .flat()
    .find((entry) => entry !== undefined && entry.family === "IPv4" && !entry.internal)?.address;
}

describe("where it listens", () => {
  it("binds 127.0.0.1 unless told otherwise; the Docker image binds every interface", () => {
    expect(resolveConfig([], {}).config.host).toBe("127.0.0.1");
    expect(resolveConfig([], { POLAR_EMULATOR_HOST: "0.0.0.0" }).config.host).toBe("0.0.0.0");
    expect(readFileSync("Dockerfile", "utf8")).toMatch(/^ENV POLAR_EMULATOR_HOST=0\.0\.0\.0 /m);
  });

  it("says in its banner the address it is bound to, and is not reachable from the network", async () => {
    const booted = await boot(["--port", "0"]);
    try {
      const port = Number(new URL(booted.url).port);
      expect(booted.url).toBe(`http://127.0.0.1:${port}`);
      expect(booted.banner).toContain(`  address        127.0.0.1:${port} (this address only)`);
      expect(booted.banner).not.toContain("warning");
      const external = externalAddress();
      if (external !== undefined) {
        const outside = await checkHealth(`http://${external}:${port}/_emulator/health`, 1000);
        expect(outside.ok).toBe(false);
      }
    } finally {
      await stop(booted.child);
    }
  }, 90_000);

  it("bound to every interface, says so and warns while the control plane is open", async () => {
    const open = await boot(["--port", "0", "--host", "0.0.0.0"]);
    try {
      const port = Number(new URL(open.url).port);
      expect(open.url).toBe(`http://127.0.0.1:${port}`);
      expect(open.banner).toContain(
        `  address        0.0.0.0:${port} (every network interface: other machines can reach it)`,
      );
      expect(open.banner).toContain("the control plane (/_emulator) is open to the network");
    } finally {
      await stop(open.child);
    }
    const locked = await boot(["--port", "0", "--host", "0.0.0.0"], {
      POLAR_EMULATOR_CONTROL_TOKEN: CONTROL_TOKEN,
    });
    try {
      expect(locked.banner).not.toContain("warning");
      expect(locked.banner).toContain("(Authorization: Bearer <control token>)");
      const res = await fetch(`${locked.url}/_emulator/organizations`);
      expect(res.status).toBe(401);
    } finally {
      await stop(locked.child);
    }
  }, 180_000);
});

describe("the control token", () => {
  it("is read from --control-token or POLAR_EMULATOR_CONTROL_TOKEN, and must be hard to guess", () => {
    expect(resolveConfig([], {}).config.controlToken).toBeUndefined();
    expect(resolveConfig(["--control-token", CONTROL_TOKEN], {}).config.controlToken).toBe(CONTROL_TOKEN);
    expect(resolveConfig([], { POLAR_EMULATOR_CONTROL_TOKEN: CONTROL_TOKEN }).config.controlToken).toBe(
      CONTROL_TOKEN,
    );
    expect(() => resolveConfig(["--control-token", "short"], {})).toThrow(UsageError);
    expect(() => resolveConfig(["--control-token", "has spaces in it, sixteen+"], {})).toThrow(
      /--control-token must be at least 16/,
    );
  });

  describe("when set", () => {
    let ctx: Awaited<ReturnType<typeof startTestEmulator>>;
    beforeAll(async () => {
      ctx = await startTestEmulator({ controlToken: CONTROL_TOKEN });
    });
    afterAll(() => ctx.emulator.close());
    const control = { Authorization: `Bearer ${CONTROL_TOKEN}` };

    it("is needed on every control-plane route, known or not, before anything is read", async () => {
      for (const [method, path] of [
        ["GET", "/_emulator/organizations"],
        ["GET", `/_emulator/organizations/${ctx.emulator.organizationId}/snapshot`],
        ["GET", "/_emulator/webhooks"],
        ["GET", "/_emulator/webhooks/deliveries"],
        ["POST", "/_emulator/reset"],
        ["GET", "/_emulator/openapi/emulator.yaml"],
        ["GET", "/_emulator/no-such-route"],
        ["GET", "/_emulator/health/"],
      ] as const) {
        const res = await ctx.http[method === "GET" ? "get" : "post"](path);
        expect(res.status, `${method} ${path}`).toBe(401);
        expect(res.body).toEqual({
          error: "Unauthorized",
          detail: "The control plane needs its token: Authorization: Bearer <the --control-token value>",
        });
        expect(res.headers["www-authenticate"]).toBe('Bearer realm="polar-emulator"');
      }
      const wrong = await ctx.http.get("/_emulator/organizations").set({ Authorization: "Bearer nope" });
      expect(wrong.status).toBe(401);
      // An organization token is not the control token.
      const organization = await ctx.http.get("/_emulator/organizations").set(ctx.auth());
      expect(organization.status).toBe(401);
    });

    it("opens the control plane, in any case of the scheme", async () => {
      const res = await ctx.http.get("/_emulator/organizations").set(control);
      expect(res.status).toBe(200);
      const lower = await ctx.http
        .get("/_emulator/webhooks")
        .set({ Authorization: `bearer ${CONTROL_TOKEN}` });
      expect(lower.status).toBe(200);
    });

    it("is not needed for the health check, which then says only whether it is up", async () => {
      const open = await ctx.http.get("/_emulator/health");
      expect(open.status).toBe(200);
      expect(open.body).toEqual({ status: "ready", version: expect.any(String) });
      expect((await checkHealth(`${ctx.emulator.url}/_emulator/health`)).ok).toBe(true);
      const full = await ctx.http.get("/_emulator/health").set(control);
      expect(full.body).toMatchObject({ status: "ready", seed: 1337, organizations: 1 });
    });

    it("leaves Polar's API and the in-process methods alone", async () => {
      expect((await ctx.http.get("/v1/customers/").set(ctx.auth())).status).toBe(200);
      expect(ctx.emulator.snapshot().organization).toMatchObject({ id: ctx.emulator.organizationId });
    });
  });
});

describe("webhook deliveries", () => {
  it("show the receiver's answer only to their organization's token", async () => {
    const ctx = await startTestEmulator({ webhooks: { retryDelays: [0] } });
    const receiver = await startReceiver(() => ({ status: 200, body: "what the receiver said" }));
    try {
      const a = tenant(ctx.emulator);
      const b = tenant(ctx.emulator);
      const created = await ctx.http
        .post("/v1/webhooks/endpoints")
        .set(a.headers)
        .send({ url: receiver.url, format: "raw", events: ["customer.created"] });
      expect(created.status).toBe(201);
      await ctx.http.post("/v1/customers/").set(a.headers).send({ email: "someone@example.com" });
      await ctx.emulator.webhooks.waitFor({ endpointId: created.body.id, succeeded: true });

      const own = await ctx.http.get("/v1/webhooks/deliveries").set(a.headers);
      expect(own.body.items.map((item: { response: string }) => item.response)).toEqual([
        "what the receiver said",
      ]);
      const other = await ctx.http.get("/v1/webhooks/deliveries").set(b.headers);
      expect(other.body).toEqual({ items: [], pagination: { total_count: 0, max_page: 0 } });
      const named = await ctx.http
        .get(`/v1/webhooks/deliveries?endpoint_id=${created.body.id}`)
        .set(b.headers);
      expect(named.body.items).toEqual([]);
      const redeliver = await ctx.http
        .post(`/v1/webhooks/events/${own.body.items[0].webhook_event.id}/redeliver`)
        .set(b.headers);
      expect(redeliver.status).toBe(404);
    } finally {
      await receiver.close();
      await ctx.emulator.close();
    }
  });
});

it("answers a control-plane client that sends the token to an open emulator", async () => {
  // A token sent to an emulator without one is not an error: scripts can always send it.
  const ctx = await startTestEmulator();
  try {
    const res = await supertest(ctx.emulator.url)
      .get("/_emulator/organizations")
      .set({ Authorization: `Bearer ${CONTROL_TOKEN}` });
    expect(res.status).toBe(200);
  } finally {
    await ctx.emulator.close();
  }
});
