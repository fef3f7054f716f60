import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FixedClock, type RunningEmulator, startEmulator } from "../../src/index.js";
import { tenant } from "../helpers.js";
import {
  ARTIFACTS,
  type Body,
  launchBrowser,
  type MerchantApp,
  startMerchantApp,
  startPathProxy,
} from "./harness.js";

type Tenant = ReturnType<typeof tenant>;

let emulator: RunningEmulator;
let browser: Browser;
let app: MerchantApp;
let appUrl: string;
const received: Body[] = [];

beforeAll(async () => {
  emulator = await startEmulator({ webhooks: { retryDelays: [0] } });
  browser = await launchBrowser();
  app = await startMerchantApp(
    "/success",
    "<!doctype html><title>Thanks</title><h1>Thanks from the app</h1>",
    received,
  );
  appUrl = app.url;
});

afterAll(async () => {
  await browser?.close();
  await emulator?.close();
  await app?.close();
});

async function api(t: Tenant, method: string, path: string, body?: Body): Promise<Body> {
  const res = await fetch(`${emulator.url}${path}`, {
    method,
    headers: { ...t.headers, "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await res.json()) as Body;
  expect(res.ok, `${method} ${path}: ${JSON.stringify(json)}`).toBe(true);
  return json;
}

async function product(t: Tenant, name: string, amount: number, extra: Body = {}): Promise<Body> {
  return api(t, "POST", "/v1/products/", {
    name,
    prices: [{ amount_type: "fixed", price_amount: amount }],
    ...extra,
  });
}

async function newPage(): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1100, height: 860 } });
  return context.newPage();
}

describe("the checkout page", { timeout: 60_000 }, () => {
  it("shows the checkout, applies a discount code, pays with 4242… and lands on the success URL", async () => {
    const created = emulator.createOrganization({ name: "Acme Software" });
    const t: Tenant = { ...created, headers: { Authorization: `Bearer ${created.token}` } };
    const pro = await product(t, "Pro", 2000, { recurring_interval: "month", description: "Everything." });
    const team = await product(t, "Team", 5000, { recurring_interval: "month" });
    const benefit = await api(t, "POST", "/v1/benefits/", {
      type: "feature_flag",
      description: "Pro features",
      properties: {},
    });
    await api(t, "POST", `/v1/products/${String(pro.id)}/benefits`, { benefits: [benefit.id] });
    await api(t, "POST", "/v1/discounts/", {
      type: "percentage",
      name: "Launch",
      duration: "forever",
      basis_points: 2500,
      code: "LAUNCH25",
    });
    emulator.webhooks.createEndpoint({ url: `${appUrl}/webhooks`, organizationId: t.organizationId });
    const checkout = await api(t, "POST", "/v1/checkouts/", {
      products: [pro.id, team.id],
      success_url: `${appUrl}/success?checkout_id={CHECKOUT_ID}`,
      customer_email: "buyer@example.com",
      customer_name: "Ada Buyer",
    });
    expect(String(checkout.url)).toBe(`${emulator.url}/checkout/${String(checkout.client_secret)}`);

    const page = await newPage();
    const response = await page.goto(String(checkout.url));
    expect(response?.status()).toBe(200);
    expect(await page.locator('[data-test="organization"]').textContent()).toBe("Acme Software");
    await expect.poll(() => page.locator('[data-test="product-name"]').textContent()).toBe("Pro");
    expect(await page.locator('[data-test="price"]').textContent()).toBe("$20.00 / mo");
    expect(await page.locator(".choice").allTextContents()).toEqual(["Pro$20.00 / mo", "Team$50.00 / mo"]);
    expect(await page.locator("#email").inputValue()).toBe("buyer@example.com");
    expect(await page.locator("#name").inputValue()).toBe("Ada Buyer");
    expect(await page.locator("#pay").textContent()).toBe("Subscribe now");
    expect(await page.locator(".hint").textContent()).toContain("4242 4242 4242 4242");

    // The picker switches the product through the client API, and back.
    await page.locator('input[name="product_id"]').nth(1).check();
    await expect.poll(() => page.locator('[data-test="price"]').textContent()).toBe("$50.00 / mo");
    await page.locator('input[name="product_id"]').nth(0).check();
    await expect.poll(() => page.locator('[data-test="price"]').textContent()).toBe("$20.00 / mo");

    // A wrong code shows Polar's error; a right one (any case) changes the breakdown.
    await page.fill("#discount-code", "NOPE");
    await page.click("#discount-apply");
    await expect
      .poll(() => page.locator('[data-error="discount_code"]').textContent())
      .toBe("Discount does not exist.");
    await page.fill("#discount-code", "launch25");
    await page.click("#discount-apply");
    await page.locator('[data-test="discount-applied"]').waitFor();
    const rows = await page.locator('[data-test="breakdown"] .row').allTextContents();
    expect(rows).toEqual([
      "Subtotal$20.00 / mo",
      "Launch (25%)-$5.00",
      "Taxable amount$15.00",
      "Taxes—",
      "Every month$15.00 / mo",
    ]);

    await page.fill("#name", "Ada Lovelace");
    await page.selectOption("#country", "FR");
    await expect
      .poll(() => page.locator('[data-test="breakdown"] .row').nth(3).textContent())
      .toBe("Taxes$0.00");
    await page.fill("#card", "4242 4242 4242 4242");
    await page.screenshot({ path: join(ARTIFACTS, "checkout-page.png"), fullPage: true });

    await page.click("#pay");
    await page.locator("#done").waitFor();
    expect(await page.locator("#done h2").textContent()).toBe("Payment successful");
    await page.waitForURL(/\/success\?/);
    expect(page.url()).toBe(`${appUrl}/success?checkout_id=${String(checkout.id)}`);
    expect(await page.locator("h1").textContent()).toBe("Thanks from the app");

    const after = await api(t, "GET", `/v1/checkouts/${String(checkout.id)}`);
    expect(after).toMatchObject({
      status: "succeeded",
      customer_name: "Ada Lovelace",
      product_id: pro.id,
      discount_id: expect.any(String),
      total_amount: 1500,
    });
    const customer = await api(t, "GET", `/v1/customers/${String(after.customer_id)}`);
    expect(customer).toMatchObject({ email: "buyer@example.com", name: "Ada Lovelace" });
    const subscriptions = await api(t, "GET", `/v1/subscriptions/?customer_id=${String(after.customer_id)}`);
    expect(subscriptions.items).toEqual([
      expect.objectContaining({ status: "active", product_id: pro.id, checkout_id: checkout.id }),
    ]);
    await emulator.webhooks.waitFor({ organizationId: t.organizationId, type: "benefit_grant.created" });
    await emulator.webhooks.idle(5000);
    const types = received.filter((event) => JSON.stringify(event).includes(String(after.customer_id)));
    expect(types.map((event) => event.type)).toEqual(
      expect.arrayContaining([
        "customer.created",
        "subscription.created",
        "subscription.active",
        "benefit_grant.created",
      ]),
    );
    const last = received.filter((event) => event.type === "checkout.updated").at(-1);
    expect(last?.data).toMatchObject({ status: "succeeded" });

    // The paid checkout's page says so.
    await page.goto(String(checkout.url));
    expect(await page.locator("h1").textContent()).toBe("Your order was successful!");
    await page.context().close();
  });

  it("shows a declined card as Polar does, then pays and confirms without a success URL", async () => {
    const t = tenant(emulator);
    const once = await product(t, "Lifetime", 4900);
    const checkout = await api(t, "POST", "/v1/checkouts/", { products: [once.id] });
    const page = await newPage();
    await page.goto(String(checkout.url));
    expect(await page.locator("#pay").textContent()).toBe("Pay now");
    expect(await page.locator("#discount-code").count()).toBe(1);

    // Nothing filled in: Polar's required fields, each under its field.
    await page.click("#pay");
    await expect
      .poll(() => page.locator('[data-error="customer_email"]').textContent())
      .toBe("Field is required.");
    expect(await page.locator('[data-error="confirmation_token_id"]').textContent()).toBe(
      "Confirmation token is required.",
    );

    await page.fill("#email", "declined@example.com");
    await page.fill("#name", "Dee Clined");
    await page.selectOption("#country", "DE");
    await page.fill("#card", "4000 0000 0000 0002");
    await page.click("#pay");
    await expect
      .poll(() => page.locator("#form-error").textContent())
      .toBe("The payment failed: Your card was declined. Please try again with a different payment method.");
    await page.screenshot({ path: join(ARTIFACTS, "checkout-page-declined.png"), fullPage: true });
    expect(await page.locator("#pay").isEnabled()).toBe(true);
    // Polar's checkout stays open after a declined card, for another one; no customer was made.
    const declined = await api(t, "GET", `/v1/checkouts/${String(checkout.id)}`);
    expect(declined).toMatchObject({ status: "open", customer_id: null });
    const customers = await api(t, "GET", "/v1/customers/");
    expect((customers.pagination as Body).total_count).toBe(0);

    await page.fill("#card", "4242424242424242");
    await page.click("#pay");
    await page.waitForURL(/\/confirmation$/);
    expect(new URL(page.url()).pathname).toBe(`/checkout/${String(checkout.client_secret)}/confirmation`);
    expect(await page.locator("h1").textContent()).toBe("Your order was successful!");
    expect(await page.locator("main p").first().textContent()).toContain("Lifetime");
    const paid = await api(t, "GET", `/v1/checkouts/${String(checkout.id)}`);
    expect(paid.status).toBe("succeeded");
    await page.context().close();
  });

  it("asks for a US address as Polar does, and gives a free product without a card", async () => {
    const t = tenant(emulator);
    const paid = await product(t, "Desk", 1500);
    const checkout = await api(t, "POST", "/v1/checkouts/", {
      products: [paid.id],
      customer_email: "us@example.com",
    });
    const page = await newPage();
    await page.goto(String(checkout.url));
    expect(await page.locator('[data-address="lines"]').isVisible()).toBe(false);
    await page.selectOption("#country", "US");
    expect(await page.locator('[data-address="lines"]').isVisible()).toBe(true);
    expect(await page.locator('[data-address="state"]').isVisible()).toBe(true);
    await page.fill("#card", "4242 4242 4242 4242");
    await page.click("#pay");
    const error = (field: string) => page.locator(`[data-error="customer_billing_address.${field}"]`);
    await expect.poll(() => error("line1").textContent()).toBe("Field is required.");
    expect(await error("state").textContent()).toBe("Field is required.");
    await page.fill("#line1", "1 Main St");
    await page.fill("#postal_code", "94105");
    await page.fill("#city", "San Francisco");
    await page.fill("#state", "CA");
    await page.click("#pay");
    await page.waitForURL(/\/confirmation$/);
    const after = await api(t, "GET", `/v1/checkouts/${String(checkout.id)}`);
    expect(after.customer_billing_address).toMatchObject({
      country: "US",
      state: "US-CA",
      city: "San Francisco",
    });

    // A pay-what-you-want price: the amount goes to the checkout through the client API.
    const tip = await api(t, "POST", "/v1/products/", {
      name: "Tip jar",
      prices: [{ amount_type: "custom", preset_amount: 500, minimum_amount: 100 }],
    });
    const tipping = await api(t, "POST", "/v1/checkouts/", { products: [tip.id] });
    await page.goto(String(tipping.url));
    expect(await page.locator('[data-test="price"]').textContent()).toBe("$5.00");
    await page.fill("#amount", "12.50");
    await page.locator("#amount").blur();
    await expect.poll(() => page.locator('[data-test="price"]').textContent()).toBe("$12.50");
    expect((await api(t, "GET", `/v1/checkouts/${String(tipping.id)}`)).amount).toBe(1250);

    const free = await product(t, "Starter", 0);
    const gift = await api(t, "POST", "/v1/checkouts/", { products: [free.id] });
    await page.goto(String(gift.url));
    expect(await page.locator('[data-test="price"]').textContent()).toBe("Free");
    expect(await page.locator("#pay").textContent()).toBe("Get for free");
    expect(await page.locator("#card").isVisible()).toBe(false);
    await page.fill("#email", "free@example.com");
    await page.click("#pay");
    await page.waitForURL(/\/confirmation$/);
    expect(await page.locator("h1").textContent()).toBe("Your order was successful!");
    await page.context().close();
  });

  it("works behind another host, port and path (--public-url), with relative links", async () => {
    // A proxy that serves the emulator under /polar on another port, as a Docker mapping or a
    // reverse proxy would.
    const proxy = await startPathProxy();
    const publicUrl = proxy.publicUrl;
    const behind = await startEmulator({ publicUrl });
    proxy.target = behind.url;
    try {
      const created = behind.createOrganization();
      const t: Tenant = { ...created, headers: { Authorization: `Bearer ${created.token}` } };
      const res = await fetch(`${behind.url}/v1/products/`, {
        method: "POST",
        headers: { ...t.headers, "Content-Type": "application/json" },
        body: JSON.stringify({ name: "Proxied", prices: [{ amount_type: "fixed", price_amount: 700 }] }),
      });
      const p = (await res.json()) as Body;
      const opened = await fetch(`${behind.url}/v1/checkouts/`, {
        method: "POST",
        headers: { ...t.headers, "Content-Type": "application/json" },
        body: JSON.stringify({ products: [p.id], customer_email: "proxy@example.com" }),
      });
      const checkout = (await opened.json()) as Body;
      expect(String(checkout.url)).toBe(`${publicUrl}/checkout/${String(checkout.client_secret)}`);
      const html = await (await fetch(String(checkout.url))).text();
      expect(html).not.toContain(behind.url);
      const page = await newPage();
      await page.goto(String(checkout.url));
      await page.selectOption("#country", "NL");
      await page.fill("#card", "4242 4242 4242 4242");
      await page.click("#pay");
      await page.waitForURL(/\/confirmation$/);
      expect(page.url()).toBe(`${publicUrl}/checkout/${String(checkout.client_secret)}/confirmation`);
      expect(await page.locator("h1").textContent()).toBe("Your order was successful!");
      await page.context().close();
    } finally {
      await behind.close();
      await proxy.close();
    }
  });

  it("escapes what the merchant wrote: a <script> product name stays text", async () => {
    const t = tenant(emulator);
    const evil = "<script>window.__pwned=1</script><img src=x onerror=__pwned=2>";
    const p = await product(t, evil, 1000, { description: `"><script>window.__pwned=3</script>` });
    const checkout = await api(t, "POST", "/v1/checkouts/", {
      products: [p.id],
      customer_name: "</script><script>window.__pwned=4</script>",
      metadata: { note: "<script>window.__pwned=5</script>" },
    });
    const html = await (await fetch(String(checkout.url))).text();
    expect(html).not.toContain("<script>window.__pwned");
    expect(html).not.toContain("<img src=x");
    expect(html).toContain("&lt;script&gt;window.__pwned=1&lt;/script&gt;");
    const page = await newPage();
    await page.goto(String(checkout.url));
    expect(await page.locator('[data-test="product-name"]').textContent()).toBe(evil);
    expect(await page.locator("#name").inputValue()).toBe("</script><script>window.__pwned=4</script>");
    expect(await page.evaluate("typeof window.__pwned")).toBe("undefined");
    await page.context().close();
  });

  it("answers an unknown secret with a 404 page and an expired checkout with a 410 page", async () => {
    const unknown = await fetch(`${emulator.url}/checkout/polar_c_nothing`);
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(await unknown.text()).toContain("This checkout does not exist");
    expect(unknown.headers.get("polar-version")).toBeNull();
    const head = await fetch(`${emulator.url}/checkout/polar_c_nothing`, { method: "HEAD" });
    expect(head.status).toBe(404);

    const clock = new FixedClock(new Date("2026-11-01T10:00:00Z"));
    const timed = await startEmulator({ clock });
    try {
      const t = tenant(timed);
      const created = await fetch(`${timed.url}/v1/products/`, {
        method: "POST",
        headers: { ...t.headers, "Content-Type": "application/json" },
        body: JSON.stringify({ name: "Soon gone", prices: [{ amount_type: "fixed", price_amount: 100 }] }),
      });
      const p = (await created.json()) as Body;
      const opened = await fetch(`${timed.url}/v1/checkouts/`, {
        method: "POST",
        headers: { ...t.headers, "Content-Type": "application/json" },
        body: JSON.stringify({ products: [p.id], return_url: "https://app.example.com/pricing" }),
      });
      const checkout = (await opened.json()) as Body;
      clock.set(new Date("2026-11-02T10:00:01Z"));
      const expired = await fetch(String(checkout.url));
      expect(expired.status).toBe(410);
      const text = await expired.text();
      expect(text).toContain("This checkout has expired");
      expect(text).toContain('href="https://app.example.com/pricing"');
    } finally {
      await timed.close();
    }
  });
});
