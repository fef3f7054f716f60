import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FixedClock, type RunningEmulator, startEmulator } from "../../src/index.js";
import {
  ARTIFACTS,
  type Body,
  launchBrowser,
  type MerchantApp,
  startMerchantApp,
  startPathProxy,
} from "./harness.js";

interface Tenant {
  organizationId: string;
  headers: Record<string, string>;
}

let emulator: RunningEmulator;
let browser: Browser;
let app: MerchantApp;
let appUrl: string;
const received: Body[] = [];

beforeAll(async () => {
  emulator = await startEmulator({ webhooks: { retryDelays: [0] } });
  browser = await launchBrowser();
  app = await startMerchantApp(
    "/account",
    "<!doctype html><title>Account</title><h1>Back in the app</h1>",
    received,
  );
  appUrl = app.url;
});

afterAll(async () => {
  await browser?.close();
  await emulator?.close();
  await app?.close();
});

async function call(t: Tenant | null, method: string, path: string, body?: Body): Promise<Body> {
  const res = await fetch(`${emulator.url}${path}`, {
    method,
    headers: { ...(t?.headers ?? {}), "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  expect(res.ok, `${method} ${path}: ${res.status} ${text}`).toBe(true);
  return text === "" ? {} : (JSON.parse(text) as Body);
}

function organization(name: string): Tenant {
  const created = emulator.createOrganization({ name });
  return { organizationId: created.organizationId, headers: { Authorization: `Bearer ${created.token}` } };
}

async function newPage(): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1000, height: 900 } });
  return context.newPage();
}

interface Seeded {
  t: Tenant;
  customerId: string;
  pro: string;
  team: string;
  orderId: string;
  session: Body;
}

/** A customer with two monthly subscriptions, a paid one-time order with its invoice, a license key and usage. */
async function seed(
  name = "Ada Lovelace",
  email = "ada@example.com",
  organizationName = "Acme Software",
): Promise<Seeded> {
  const t = organization(organizationName);
  const customer = await call(t, "POST", "/v1/customers/", {
    email,
    name,
    billing_address: { country: "FR", city: "Paris", line1: "1 rue de Rivoli", postal_code: "75001" },
  });
  const customerId = String(customer.id);
  const meter = await call(t, "POST", "/v1/meters/", {
    name: "API calls",
    filter: { conjunction: "and", clauses: [{ property: "name", operator: "eq", value: "api_call" }] },
    aggregation: { func: "count" },
  });
  const benefits = [
    await call(t, "POST", "/v1/benefits/", {
      type: "license_keys",
      description: "Desktop app license",
      properties: { prefix: "ACME" },
    }),
    await call(t, "POST", "/v1/benefits/", {
      type: "meter_credit",
      description: "1,000 API calls a month",
      properties: { units: 1000, rollover: false, meter_id: meter.id },
    }),
    await call(t, "POST", "/v1/benefits/", {
      type: "feature_flag",
      description: "Beta features",
      properties: {},
    }),
  ];
  const pro = await call(t, "POST", "/v1/products/", {
    name: "Pro",
    recurring_interval: "month",
    prices: [{ amount_type: "fixed", price_amount: 2000, price_currency: "usd" }],
  });
  await call(t, "POST", `/v1/products/${String(pro.id)}/benefits`, {
    benefits: benefits.map((benefit) => benefit.id),
  });
  const team = await call(t, "POST", "/v1/products/", {
    name: "Team add-on",
    recurring_interval: "year",
    prices: [{ amount_type: "fixed", price_amount: 12000, price_currency: "usd" }],
  });
  const setup = await call(t, "POST", "/v1/products/", {
    name: "Onboarding session",
    prices: [{ amount_type: "fixed", price_amount: 9900, price_currency: "usd" }],
  });
  const proSubscription = await call(null, "POST", "/_emulator/subscriptions", {
    customer_id: customerId,
    product_id: pro.id,
  });
  const teamSubscription = await call(null, "POST", "/_emulator/subscriptions", {
    customer_id: customerId,
    product_id: team.id,
  });
  const placed = await call(null, "POST", "/_emulator/orders", {
    customer_id: customerId,
    product_id: setup.id,
  });
  const order = placed.order as Body;
  await call(t, "PATCH", `/v1/orders/${String(order.id)}`, {
    billing_name: "Ada Lovelace Ltd",
    billing_address: { country: "FR", city: "Paris", line1: "1 rue de Rivoli", postal_code: "75001" },
  });
  await call(t, "POST", `/v1/orders/${String(order.id)}/invoice`);
  await call(null, "POST", "/_emulator/usage", {
    customer_id: customerId,
    events: [{ name: "api_call", count: 42 }],
  });
  const session = await call(t, "POST", "/v1/customer-sessions/", {
    customer_id: customerId,
    return_url: `${appUrl}/account`,
  });
  return {
    t,
    customerId,
    pro: String((proSubscription.subscription as Body).id),
    team: String((teamSubscription.subscription as Body).id),
    orderId: String(order.id),
    session,
  };
}

/** The webhook event types the receiver got about one object, in order. */
function typesAbout(id: string): string[] {
  return received.filter((event) => (event.data as Body).id === id).map((event) => String(event.type));
}

describe("the customer portal page", { timeout: 90_000 }, () => {
  it("shows the customer's subscriptions, orders, benefits and meters; cancels and uncancels like the API", async () => {
    const s = await seed();
    emulator.webhooks.createEndpoint({ url: `${appUrl}/webhooks`, organizationId: s.t.organizationId });
    const slug = String(((await call(s.t, "GET", `/v1/organizations/${s.t.organizationId}`)) as Body).slug);
    const url = String(s.session.customer_portal_url);
    expect(url).toBe(
      `${emulator.url}/${slug}/portal?customer_session_token=${String(s.session.token)}&email=ada%40example.com`,
    );

    const page = await newPage();
    const response = await page.goto(url);
    expect(response?.status()).toBe(200);
    expect(response?.headers()["content-type"]).toBe("text/html; charset=utf-8");
    expect(await page.title()).toBe("Acme Software · Customer portal");
    expect(await page.locator('[data-test="organization"]').textContent()).toBe("Acme Software");
    expect(await page.locator('[data-test="customer-name"]').textContent()).toBe("Ada Lovelace");
    expect(await page.locator('[data-test="customer-email"]').textContent()).toBe("ada@example.com");
    expect(await page.locator('[data-test="return"]').getAttribute("href")).toBe(`${appUrl}/account`);

    // Subscriptions: product, status, price and period, as the API has them.
    const apiPro = await call(s.t, "GET", `/v1/subscriptions/${s.pro}`);
    const pro = page.locator(`[data-test="subscription"][data-id="${s.pro}"]`);
    const team = page.locator(`[data-test="subscription"][data-id="${s.team}"]`);
    expect(await page.locator('[data-test="subscription"]').count()).toBe(2);
    expect(await pro.locator('[data-test="product"]').textContent()).toBe("Pro");
    expect(await pro.locator('[data-test="status"]').textContent()).toBe("Active");
    expect(await pro.locator('[data-test="price"]').textContent()).toBe("$20.00 / mo");
    const day = (iso: unknown) =>
      new Date(String(iso)).toLocaleDateString("en-US", {
        year: "numeric",
        month: "short",
        day: "numeric",
        timeZone: "UTC",
      });
    expect(await pro.locator('[data-test="period"]').textContent()).toBe(
      `Current period ${day(apiPro.current_period_start)} – ${day(apiPro.current_period_end)}`,
    );
    expect(await pro.locator('[data-test="next"]').textContent()).toBe(
      `Renews ${day(apiPro.current_period_end)}`,
    );
    expect(await team.locator('[data-test="price"]').textContent()).toBe("$120.00 / yr");

    // Orders: the one-time order with its invoice and receipt, and the subscriptions' first orders.
    const orders = (await call(s.t, "GET", `/v1/orders/?customer_id=${s.customerId}`)).items as Body[];
    expect(await page.locator('[data-test="order"]').count()).toBe(orders.length);
    expect(orders.length).toBe(3);
    const setup = page.locator(`[data-test="order"][data-id="${s.orderId}"]`);
    expect(await setup.textContent()).toContain("Onboarding session");
    expect(await setup.locator('[data-test="amount"]').textContent()).toBe("$99.00");
    expect(await setup.locator('[data-test="order-status"]').textContent()).toBe("Paid");
    const invoiceHref = await setup.locator('[data-test="invoice"]').getAttribute("href");
    expect(invoiceHref).toBeTruthy();
    const invoice = await page.request.get(new URL(String(invoiceHref), page.url()).toString());
    expect(invoice.status()).toBe(200);
    expect(invoice.headers()["content-type"]).toBe("application/pdf");
    expect((await invoice.text()).startsWith("%PDF-1.4")).toBe(true);
    expect(await invoice.text()).toContain("Ada Lovelace Ltd");
    const receiptHref = await setup.locator('[data-test="receipt"]').getAttribute("href");
    const receipt = await page.request.get(new URL(String(receiptHref), page.url()).toString());
    expect(receipt.status()).toBe(200);
    expect(await receipt.text()).toContain("Receipt");

    // Benefits, with the license key itself and its display key.
    const keys = (await call(s.t, "GET", `/v1/license-keys/?organization_id=${s.t.organizationId}`))
      .items as Body[];
    expect(keys).toHaveLength(1);
    // As in the portal API: public benefits only (a feature flag is private unless made public).
    const benefits = await page.locator('[data-test="benefit"]').allTextContents();
    expect(benefits).toHaveLength(2);
    expect(benefits.join("\n")).toContain("Desktop app license");
    expect(benefits.join("\n")).toContain("1,000 API calls a month");
    expect(benefits.join("\n")).not.toContain("Beta features");
    expect(await page.locator('[data-test="license-key"]').textContent()).toBe(keys[0]?.key);
    expect(await page.locator('[data-test="display-key"]').textContent()).toBe(keys[0]?.display_key);

    // Meters: consumed, credited, balance.
    const meter = page.locator('[data-test="meter"]');
    expect(await meter.count()).toBe(1);
    expect(await meter.locator('[data-test="consumed"]').textContent()).toBe("42");
    expect(await meter.locator('[data-test="credited"]').textContent()).toBe("1,000");
    expect(await meter.locator('[data-test="balance"]').textContent()).toBe("958");

    // Cancel Pro from the page, with a reason.
    await pro.locator('[data-test="reason"]').selectOption("too_expensive");
    await pro.locator('[data-test="cancel"]').click();
    await page.waitForURL(/notice=canceled/);
    expect(await page.locator('[data-test="notice"]').textContent()).toBe(
      "Your subscription will be canceled at the end of the current period.",
    );
    expect(await pro.locator('[data-test="status"]').textContent()).toBe(
      `Cancels ${day(apiPro.current_period_end)}`,
    );
    expect(await pro.locator('[data-test="uncancel"]').count()).toBe(1);
    expect(await pro.locator('[data-test="next"]').textContent()).toBe(
      `Ends ${day(apiPro.current_period_end)}, at the end of the period`,
    );
    const canceled = await call(s.t, "GET", `/v1/subscriptions/${s.pro}`);
    expect(canceled).toMatchObject({
      status: "active",
      cancel_at_period_end: true,
      ends_at: apiPro.current_period_end,
      customer_cancellation_reason: "too_expensive",
    });
    expect(canceled.canceled_at).not.toBeNull();
    await expect
      .poll(() => typesAbout(s.pro).slice(-2), { timeout: 10_000 })
      .toEqual(["subscription.updated", "subscription.canceled"]);
    const afterPageCancel = typesAbout(s.pro).length;
    await page.screenshot({ path: join(ARTIFACTS, "portal-page.png"), fullPage: true });

    // The same cancellation through the portal API sends the same events.
    await call(
      { organizationId: s.t.organizationId, headers: { Authorization: `Bearer ${String(s.session.token)}` } },
      "PATCH",
      `/v1/customer-portal/subscriptions/${s.team}`,
      {
        cancel_at_period_end: true,
        cancellation_reason: "too_expensive",
      },
    );
    await expect
      .poll(() => typesAbout(s.team).slice(-2), { timeout: 10_000 })
      .toEqual(["subscription.updated", "subscription.canceled"]);
    const pageEvent = received
      .filter((e) => (e.data as Body).id === s.pro && e.type === "subscription.canceled")
      .at(-1);
    const apiEvent = received
      .filter((e) => (e.data as Body).id === s.team && e.type === "subscription.canceled")
      .at(-1);
    const comparable = (data: Body) => ({
      status: data.status,
      cancel_at_period_end: data.cancel_at_period_end,
      customer_cancellation_reason: data.customer_cancellation_reason,
      customer_cancellation_comment: data.customer_cancellation_comment,
      ends_at_is_period_end: data.ends_at === data.current_period_end,
    });
    expect(comparable(pageEvent?.data as Body)).toEqual(comparable(apiEvent?.data as Body));

    // Uncancel from the page.
    await page.reload();
    await pro.locator('[data-test="uncancel"]').click();
    await page.waitForURL(/notice=uncanceled/);
    expect(await pro.locator('[data-test="status"]').textContent()).toBe("Active");
    expect(await call(s.t, "GET", `/v1/subscriptions/${s.pro}`)).toMatchObject({
      cancel_at_period_end: false,
      ends_at: null,
      canceled_at: null,
      customer_cancellation_reason: null,
    });
    await expect
      .poll(() => typesAbout(s.pro).slice(afterPageCancel), { timeout: 10_000 })
      .toEqual(["subscription.updated", "subscription.uncanceled"]);

    // Cancelling what is already scheduled to cancel is the API's 403, shown on the page.
    const again = await fetch(`${emulator.url}/${slug}/portal/subscriptions/${s.team}/cancel`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ customer_session_token: String(s.session.token) }).toString(),
      redirect: "manual",
    });
    expect(again.status).toBe(403);
    expect(await again.text()).toContain(
      "This subscription is already canceled or will be at the end of the period.",
    );

    // The return link leads back to the app.
    await page.locator('[data-test="return"]').click();
    await page.waitForURL(`${appUrl}/account`);
    await page.context().close();
  });

  it("renders a customer's name as text, never as markup", async () => {
    const name = `<img src=x onerror="document.title='pwned'"><script>document.title='pwned'</script>Eve & "Co" 'x'`;
    const s = await seed(name, "eve@example.com");
    const page = await newPage();
    const response = await page.goto(String(s.session.customer_portal_url));
    expect(response?.status()).toBe(200);
    expect(await page.locator('[data-test="customer-name"]').textContent()).toBe(name);
    expect(await page.locator("main img").count()).toBe(0);
    expect(await page.locator("main script").count()).toBe(0);
    expect(await page.title()).toBe("Acme Software · Customer portal");
    await page.context().close();
  });

  it("refuses a missing, unknown or expired token with a page that says what to do, and 404s unknown paths", async () => {
    const s = await seed();
    const url = new URL(String(s.session.customer_portal_url));
    const base = `${url.origin}${url.pathname}`;
    const get = async (target: string) => {
      const res = await fetch(target, { redirect: "manual" });
      return { status: res.status, type: res.headers.get("content-type"), text: await res.text() };
    };
    const none = await get(base);
    expect(none.status).toBe(401);
    expect(none.type).toBe("text/html; charset=utf-8");
    expect(none.text).toContain("A customer session token is needed");
    expect(none.text).toContain("POST /v1/customer-sessions/");
    const unknown = await get(`${base}?customer_session_token=polar_cst_${"x".repeat(43)}`);
    expect(unknown.status).toBe(401);
    expect(unknown.text).toContain("This portal link is not valid");
    // Another organization's token does not open this one's portal.
    const other = await seed("Ada Lovelace", "ada@example.com", "Other Shop");
    const foreign = await get(`${base}?customer_session_token=${String(other.session.token)}`);
    expect(foreign.status).toBe(401);
    // The page also answers at Polar's /portal/overview and with a trailing slash.
    for (const path of ["/", "/overview"]) {
      const ok = await get(`${base}${path}?customer_session_token=${String(s.session.token)}`);
      expect(ok.status, path).toBe(200);
      expect(ok.text).toContain("Customer portal");
    }
    const token = `customer_session_token=${String(s.session.token)}`;
    const slug = url.pathname.split("/")[1];
    for (const path of [
      `${base}/nope?${token}`,
      `${base}/subscriptions/${s.pro}?${token}`,
      `${base}/orders/${s.orderId}/other.pdf?${token}`,
      `${base}/orders/${s.pro}/invoice.pdf?${token}`,
      `${base}/orders/%E0%A4%A/invoice.pdf?${token}`,
    ]) {
      const res = await get(path);
      expect(res.status, path).toBe(404);
      expect(res.type).toBe("text/html; charset=utf-8");
    }
    const noOrg = await get(`${url.origin}/no-such-organization/portal?${token}`);
    expect(noOrg.status).toBe(404);
    expect(noOrg.text).toContain("This customer portal does not exist");
    expect((await get(`${url.origin}/%E0%A4%A/portal?${token}`)).status).toBe(404);
    // The API's own 404 is untouched.
    const api = await get(`${url.origin}/v1/portal`);
    expect(api.status).toBe(404);
    expect(api.text).toBe('{"detail":"Not Found"}');

    // Forms: no token, another customer's subscription, an unknown reason, junk bodies.
    const post = async (path: string, form: Record<string, string> | string) => {
      const res = await fetch(`${url.origin}/${slug}/portal${path}`, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: typeof form === "string" ? form : new URLSearchParams(form).toString(),
        redirect: "manual",
      });
      return { status: res.status, text: await res.text() };
    };
    const t = { customer_session_token: String(s.session.token) };
    expect((await post(`/subscriptions/${s.pro}/cancel`, {})).status).toBe(401);
    expect((await post(`/subscriptions/${other.pro}/cancel`, t)).status).toBe(404);
    expect((await post("/subscriptions/not-a-uuid/cancel", t)).status).toBe(404);
    expect((await post("/subscriptions/%ZZ/cancel", t)).status).toBe(404);
    const badReason = await post(`/subscriptions/${s.pro}/cancel`, {
      ...t,
      cancellation_reason: "<b>no</b>",
    });
    expect(badReason.status).toBe(422);
    expect(badReason.text).toContain("Unknown cancellation reason.");
    expect((await post(`/subscriptions/${s.pro}/uncancel`, t)).status).toBe(400);
    expect((await post("/elsewhere", t)).status).toBe(404);
    expect((await post(`/subscriptions/${s.pro}/cancel`, "%%%&&&==\u0000")).status).toBe(401);
    // Odd input anywhere under the portal is never a 5xx.
    const odd = [
      "/%00",
      "/..%2F..%2Fv1%2Fcustomers%2F",
      `/${"x".repeat(5000)}`,
      "/orders//invoice.pdf",
      "/subscriptions/%F0%9F%98%80/cancel",
      "/overview/extra",
    ];
    for (const path of odd) {
      const res = await fetch(`${url.origin}/${slug}/portal${path}?${token}&customer_session_token=%FF`);
      expect(res.status, path).toBeLessThan(500);
    }
    for (const query of [
      "customer_session_token=%E0%A4%A",
      "customer_session_token=&member_session_token=",
      "email=%3Cb%3E",
    ]) {
      const res = await fetch(`${base}?${query}`);
      expect(res.status, query).toBe(401);
    }
    const bytes = await fetch(`${url.origin}/${slug}/portal/subscriptions/${s.pro}/cancel`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: Buffer.from([0xff, 0xfe, 0x00, 0x41]),
    });
    expect(bytes.status).toBeLessThan(500);
    // Nothing of that changed the subscription.
    expect((await call(s.t, "GET", `/v1/subscriptions/${s.pro}`)).cancel_at_period_end).toBe(false);
    const done = await post(`/subscriptions/${s.pro}/cancel`, t);
    expect(done.status).toBe(303);
  });

  it("works behind another host, port and path (--public-url): links, forms and redirects are relative", async () => {
    // A proxy that serves the emulator under /polar on another port, as a reverse proxy would.
    const proxy = await startPathProxy();
    const publicUrl = proxy.publicUrl;
    const behind = await startEmulator({ publicUrl });
    proxy.target = behind.url;
    try {
      const created = behind.createOrganization({ name: "Proxied Shop" });
      const headers = { Authorization: `Bearer ${created.token}`, "Content-Type": "application/json" };
      const post = async (path: string, body: Body) =>
        (await (
          await fetch(`${behind.url}${path}`, { method: "POST", headers, body: JSON.stringify(body) })
        ).json()) as Body;
      const customer = await post("/v1/customers/", { email: "proxy@example.com", name: "Pat Proxy" });
      const product = await post("/v1/products/", {
        name: "Basic",
        recurring_interval: "month",
        prices: [{ amount_type: "fixed", price_amount: 500 }],
      });
      const started = await post("/_emulator/subscriptions", {
        customer_id: customer.id,
        product_id: product.id,
      });
      const subscriptionId = String((started.subscription as Body).id);
      const session = await post("/v1/customer-sessions/", { customer_id: customer.id });
      expect(String(session.customer_portal_url)).toMatch(
        new RegExp(`^${publicUrl}/proxied-shop/portal\\?customer_session_token=`),
      );
      const html = await (await fetch(String(session.customer_portal_url))).text();
      expect(html).not.toContain(behind.url);
      const page = await newPage();
      await page.goto(String(session.customer_portal_url));
      await page.locator('[data-test="cancel"]').click();
      await page.waitForURL(/notice=canceled/);
      expect(page.url().startsWith(`${publicUrl}/proxied-shop/portal/?customer_session_token=`)).toBe(true);
      expect(await page.locator('[data-test="status"]').textContent()).toMatch(/^Cancels /);
      const read = await fetch(`${behind.url}/v1/subscriptions/${subscriptionId}`, { headers });
      expect(((await read.json()) as Body).cancel_at_period_end).toBe(true);
      await page.context().close();
    } finally {
      await behind.close();
      await proxy.close();
    }
  });

  it("opens a member session: the owner cancels, a plain member only reads", async () => {
    const created = emulator.createOrganization({ name: "Team Shop", member_model_enabled: true });
    const t: Tenant = {
      organizationId: created.organizationId,
      headers: { Authorization: `Bearer ${created.token}` },
    };
    const customer = await call(t, "POST", "/v1/customers/", {
      type: "team",
      email: "billing@team.example",
      name: "Team Co",
      owner: { email: "olivia@team.example", name: "Olivia Owner" },
    });
    const member = await call(t, "POST", `/v1/customers/${String(customer.id)}/members`, {
      email: "mo@team.example",
      name: "Mo Member",
      role: "member",
    });
    const owner = (
      (await call(t, "GET", `/v1/members/?customer_id=${String(customer.id)}&role=owner`)).items as Body[]
    )[0];
    const product = await call(t, "POST", "/v1/products/", {
      name: "Team plan",
      recurring_interval: "month",
      prices: [{ amount_type: "fixed", price_amount: 4900 }],
    });
    const started = await call(null, "POST", "/_emulator/subscriptions", {
      customer_id: customer.id,
      product_id: product.id,
    });
    const subscriptionId = String((started.subscription as Body).id);

    const plain = await call(t, "POST", "/v1/customer-sessions/", {
      customer_id: customer.id,
      member_id: member.id,
    });
    const plainUrl = new URL(String(plain.customer_portal_url));
    expect(plainUrl.searchParams.get("customer_session_token")).toBe(plain.token);
    const page = await newPage();
    expect((await page.goto(plainUrl.toString()))?.status()).toBe(200);
    expect(await page.locator('[data-test="customer-name"]').textContent()).toBe("Mo Member");
    expect(await page.locator('[data-test="customer-email"]').textContent()).toBe("mo@team.example");
    expect(await page.locator('[data-test="subscription"]').count()).toBe(1);
    expect(await page.locator('[data-test="cancel"]').count()).toBe(0);
    expect(await page.locator('[data-test="orders-hidden"]').count()).toBe(1);
    // The form the page does not show is refused by the API's rule, as the page's 403.
    const refused = await fetch(
      `${plainUrl.origin}${plainUrl.pathname}/subscriptions/${subscriptionId}/cancel`,
      {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        // Polar's own member portal links carry member_session_token: the page reads it too.
        body: new URLSearchParams({ member_session_token: String(plain.token) }).toString(),
        redirect: "manual",
      },
    );
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain("Only owners and billing managers can access billing features.");

    const owned = await call(t, "POST", "/v1/customer-sessions/", {
      customer_id: customer.id,
      member_id: owner?.id,
    });
    expect((await page.goto(String(owned.customer_portal_url)))?.status()).toBe(200);
    expect(await page.locator('[data-test="customer-name"]').textContent()).toBe("Olivia Owner");
    expect(await page.locator('[data-test="order"]').count()).toBe(1);
    await page.locator('[data-test="cancel"]').click();
    await page.waitForURL(/notice=canceled/);
    expect(new URL(page.url()).searchParams.get("customer_session_token")).toBe(owned.token);
    expect((await call(t, "GET", `/v1/subscriptions/${subscriptionId}`)).cancel_at_period_end).toBe(true);
    await page.context().close();
  });

  it("says when the session has expired", async () => {
    const clock = new FixedClock(new Date("2026-11-01T10:00:00Z"));
    const timed = await startEmulator({ clock });
    try {
      const created = timed.createOrganization({ name: "Timed" });
      const headers = { Authorization: `Bearer ${created.token}`, "Content-Type": "application/json" };
      const customer = (await (
        await fetch(`${timed.url}/v1/customers/`, {
          method: "POST",
          headers,
          body: JSON.stringify({ email: "tim@example.com" }),
        })
      ).json()) as Body;
      const session = (await (
        await fetch(`${timed.url}/v1/customer-sessions/`, {
          method: "POST",
          headers,
          body: JSON.stringify({ customer_id: customer.id }),
        })
      ).json()) as Body;
      expect((await fetch(String(session.customer_portal_url))).status).toBe(200);
      clock.set(new Date("2026-11-01T11:00:01Z"));
      const expired = await fetch(String(session.customer_portal_url));
      expect(expired.status).toBe(401);
      const text = await expired.text();
      expect(text).toContain("This portal link has expired");
      expect(text).toContain("Open the customer portal from your app again");
    } finally {
      await timed.close();
    }
  });
});
