/**
 * `@polar-sh/better-auth` 1.8 against the emulator, as its README wires it: a better-auth app over
 * real HTTP with the `polar` plugin (0.x client, `serverURL` = the emulator), customers created on
 * sign-up, the portal's `/customer/state`, usage ingestion, the checkout plugin (checkout → complete
 * → `order.paid` reaches the app's handler → customer state), and the webhooks plugin receiving
 * the emulator's signed deliveries (legacy key: the plugin's SDK ^0.47 verifies no other).
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

  it("runs the checkout plugin end to end: checkout, complete, order.paid in the app, an active subscription in its state", async () => {
    const { cookie, userId } = await app.signUp("buyer@example.com", "Katherine Johnson");
    const products = await fetch(`${emulator.url}/v1/products/?limit=100`, {
      headers: { authorization: `Bearer ${emulator.token}` },
    }).then((r) => r.json() as Promise<{ items: { id: string; name: string }[] }>);
    const pro = products.items.find((item) => item.name === "Pro");
    expect(pro).toBeDefined();

    const response = await app.call("POST", "/checkout", cookie, { products: [pro?.id], redirect: false });
    expect(response.status).toBe(200);
    const { url } = (await response.json()) as { url: string };
    // The checkout page the emulator serves, at its own address.
    expect(url.startsWith(`${emulator.url}/checkout/polar_c_`)).toBe(true);
    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("Pro");

    const secret = new URL(url).pathname.split("/").pop() ?? "";
    const { id } = await fetch(`${emulator.url}/v1/checkouts/client/${secret}`).then(
      (r) => r.json() as Promise<{ id: string }>,
    );
    const checkout = await fetch(`${emulator.url}/v1/checkouts/${id}`, {
      headers: { authorization: `Bearer ${emulator.token}` },
    }).then(
      (r) => r.json() as Promise<{ id: string; external_customer_id: string | null; success_url: string }>,
    );
    expect(checkout.external_customer_id).toBe(userId);
    expect(checkout.success_url).toBe(`${app.url}/success?checkout_id=${checkout.id}`);

    await emulator.checkouts.complete(checkout.id);
    await emulator.webhooks.waitFor({ type: "order.paid", externalCustomerId: userId, succeeded: true });
    const paid = app.received.find((r) => r.handler === "onOrderPaid");
    expect(paid?.payload).toMatchObject({
      type: "order.paid",
      data: { billingReason: "subscription_create", status: "paid", productId: pro?.id },
    });
    expect(app.received.map((r) => r.type)).toEqual(
      expect.arrayContaining(["checkout.created", "checkout.updated", "subscription.created", "order.paid"]),
    );

    const state = await app.call("GET", "/customer/state", cookie);
    const body = (await state.json()) as { activeSubscriptions: { productId: string; status: string }[] };
    expect(body.activeSubscriptions).toMatchObject([{ productId: pro?.id, status: "active" }]);
  });

  it("opens the portal and lists the buyer's benefits, subscriptions, meters and orders through the customer portal API", async () => {
    const { cookie } = await app.signUp("portal-user@example.com", "Hedy Lamarr");
    const products = await fetch(`${emulator.url}/v1/products/?limit=100`, {
      headers: { authorization: `Bearer ${emulator.token}` },
    }).then((r) => r.json() as Promise<{ items: { id: string; name: string }[] }>);
    const pro = products.items.find((item) => item.name === "Pro");
    const created = await app.call("POST", "/checkout", cookie, { products: [pro?.id], redirect: false });
    const secret = new URL(((await created.json()) as { url: string }).url).pathname.split("/").pop() ?? "";
    const { id } = await fetch(`${emulator.url}/v1/checkouts/client/${secret}`).then(
      (r) => r.json() as Promise<{ id: string }>,
    );
    await emulator.checkouts.complete(id);

    const portal = await app.call("POST", "/customer/portal", cookie, { redirect: false });
    expect(portal.status).toBe(200);
    const { url } = (await portal.json()) as { url: string };
    expect(new URL(url).origin).toBe(emulator.url);
    expect(new URL(url).searchParams.get("customer_session_token")).toMatch(/^polar_cst_/);

    const benefits = await app.call("GET", "/customer/benefits/list", cookie);
    expect(benefits.status).toBe(200);
    const grants = (await benefits.json()) as { result: { items: { benefitId: string }[] } };
    expect(grants.result.items.length).toBeGreaterThan(0);

    const subscriptions = await app.call("GET", "/customer/subscriptions/list", cookie);
    expect(subscriptions.status).toBe(200);
    expect(await subscriptions.json()).toMatchObject({
      result: { items: [{ productId: pro?.id, status: "active" }] },
    });

    const meters = await app.call("GET", "/usage/meters/list", cookie);
    expect(meters.status).toBe(200);
    expect(await meters.json()).toMatchObject({ result: { items: expect.any(Array) } });

    // The checkout's order, through the portal's orders (the 0.x client validates CustomerOrder).
    const orders = await app.call("GET", "/customer/orders/list", cookie);
    expect(orders.status).toBe(200);
    const listed = (await orders.json()) as {
      result: {
        items: { productId: string; status: string; billingReason: string; product: { id: string } }[];
      };
    };
    expect(listed.result.items).toMatchObject([
      { productId: pro?.id, status: "paid", billingReason: "subscription_create", product: { id: pro?.id } },
    ]);
    const oneTime = await app.call("GET", "/customer/orders/list?productBillingType=one_time", cookie);
    expect(oneTime.status).toBe(200);
    expect(await oneTime.json()).toMatchObject({ result: { items: [] } });
  });
});
