/**
 * `@polar-sh/better-auth` 1.8 against the emulator, as its README wires it: a better-auth app over
 * real HTTP with the `polar` plugin (0.x client, `serverURL` = the emulator), customers created on
 * sign-up, the portal's `/customer/state`, usage ingestion, and the webhooks plugin receiving the
 * emulator's signed deliveries (legacy key: the plugin's SDK ^0.47 verifies no other).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningEmulator, startEmulator } from "../../src/index.js";
import { type BetterAuthApp, startBetterAuthApp } from "./better-auth-app.js";

describe("@polar-sh/better-auth", () => {
  let emulator: RunningEmulator;
  let app: BetterAuthApp;

  beforeAll(async () => {
    emulator = await startEmulator({ webhooks: { retryDelays: [0, 50] } });
    const secret = "whsec_better-auth-test-secret-0123456789abcdef";
    app = await startBetterAuthApp({
      emulatorUrl: emulator.url,
      accessToken: emulator.token,
      webhookSecret: secret,
    });
    emulator.webhooks.createEndpoint({ url: app.webhookUrl, secret, signing: "legacy" });
  });

  afterAll(async () => {
    await app?.close();
    await emulator?.close();
  });

  it("creates the Polar customer on sign-up with the user's id as external id, and its webhook reaches the plugin", async () => {
    const { userId } = await app.signUp("ada@example.com", "Ada Lovelace");
    const customers = await fetch(`${emulator.url}/v1/customers/?email=ada@example.com`, {
      headers: { authorization: `Bearer ${emulator.token}` },
    }).then((r) => r.json() as Promise<{ items: { external_id: string | null; name: string | null }[] }>);
    expect(customers.items).toHaveLength(1);
    expect(customers.items[0]).toMatchObject({ external_id: userId, name: "Ada Lovelace" });

    await emulator.webhooks.waitFor({ type: "customer.created", succeeded: true });
    const created = app.received.find((r) => r.handler === "onCustomerCreated");
    expect(created?.payload).toMatchObject({ type: "customer.created", data: { email: "ada@example.com" } });
  });

  it("answers /customer/state from the emulator's customer state", async () => {
    const { cookie, userId } = await app.signUp("state-user@example.com", "Mary Jackson");
    const response = await app.call("GET", "/customer/state", cookie);
    expect(response.status).toBe(200);
    const state = (await response.json()) as { externalId: string; activeSubscriptions: unknown[] };
    expect(state.externalId).toBe(userId);
    expect(state.activeSubscriptions).toEqual([]);
  });

  it("ingests usage events for the signed-in user (/usage/ingest)", async () => {
    const { cookie, userId } = await app.signUp("usage-user@example.com", "Dorothy Vaughan");
    const response = await app.call("POST", "/usage/ingest", cookie, {
      event: "api_call",
      metadata: { tokens: 12 },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ inserted: 1 });
    const events = await fetch(`${emulator.url}/v1/events/?external_customer_id=${userId}&name=api_call`, {
      headers: { authorization: `Bearer ${emulator.token}` },
    }).then((r) => r.json() as Promise<{ items: { name: string; metadata: Record<string, unknown> }[] }>);
    expect(events.items).toMatchObject([{ name: "api_call", metadata: { tokens: 12 } }]);
  });
});
