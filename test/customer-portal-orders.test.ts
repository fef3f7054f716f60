/**
 * The customer portal's orders and email change over real HTTP, with a customer session token:
 * listing (filters, sorting, pagination, only the customer's own), the CustomerOrder shape,
 * billing details, invoice, receipt, payment status, the retry of a past-due renewal with test
 * cards, and the email update flow with its token from the control plane, with their webhooks.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FixedClock } from "../src/index.js";
import { type Catalog, type ControlEvent, catalog, post, types } from "./billing/setup.js";
import { startTestEmulator } from "./helpers.js";

let t: Awaited<ReturnType<typeof startTestEmulator>>;
beforeAll(async () => {
  t = await startTestEmulator();
});
afterAll(() => t.emulator.close());

type Body = Record<string, unknown>;

const CUSTOMER_ORDER_KEYS = [
  "id",
  "created_at",
  "modified_at",
  "status",
  "paid",
  "subtotal_amount",
  "discount_amount",
  "net_amount",
  "tax_amount",
  "total_amount",
  "applied_balance_amount",
  "due_amount",
  "refunded_amount",
  "refunded_tax_amount",
  "currency",
  "billing_reason",
  "billing_name",
  "billing_address",
  "invoice_number",
  "is_invoice_generated",
  "receipt_number",
  "seats",
  "units",
  "customer_id",
  "product_id",
  "product_price_id",
  "discount_id",
  "subscription_id",
  "checkout_id",
  "next_payment_attempt_at",
  "user_id",
  "product",
  "product_price",
  "subscription",
  "items",
  "description",
  "amount",
  "from_balance_amount",
  "refundable_amount",
  "refundable_tax_amount",
];

interface Shop {
  c: Catalog;
  oneTime: Body & { id: string };
  subscription: Body & { id: string };
  headers: Record<string, string>;
}

async function session(c: Catalog, customerId: string): Promise<Record<string, string>> {
  const opened = await post(t.http, "/v1/customer-sessions/", c.headers, { customer_id: customerId });
  expect(opened.status, JSON.stringify(opened.body)).toBe(201);
  return { Authorization: `Bearer ${opened.body.token}` };
}

/** A catalog with a one-time product, a subscription, a purchase, and the customer's session. */
async function shop(): Promise<Shop> {
  const c = await catalog(t.emulator, t.http);
  const product = await post(t.http, "/v1/products/", c.headers, {
    name: "Lifetime",
    prices: [{ amount_type: "fixed", price_amount: 5000, price_currency: "usd" }],
  });
  expect(product.status).toBe(201);
  const started = await post(
    t.http,
    "/_emulator/subscriptions",
    {},
    { customer_id: c.customer.id, product_id: c.product.id, starts_at: "2026-01-15T00:00:00Z" },
  );
  expect(started.status, JSON.stringify(started.body)).toBe(201);
  const bought = await post(
    t.http,
    "/_emulator/orders",
    {},
    { customer_id: c.customer.id, product_id: product.body.id },
  );
  expect(bought.status).toBe(201);
  return {
    c,
    oneTime: product.body,
    subscription: started.body.subscription,
    headers: await session(c, c.customer.id),
  };
}

async function journal(organizationId: string, after?: string): Promise<ControlEvent[]> {
  const query = `organization_id=${organizationId}${after ? `&after=${after}` : ""}`;
  return (await t.http.get(`/_emulator/events?${query}`)).body.items;
}

async function mark(organizationId: string): Promise<string | undefined> {
  return (await journal(organizationId)).at(-1)?.id;
}

async function orders(s: Shop, query = ""): Promise<Body[]> {
  const listed = await t.http.get(`/v1/customer-portal/orders/${query}`).set(s.headers);
  expect(listed.status, JSON.stringify(listed.body)).toBe(200);
  return listed.body.items;
}

async function changeSubscription(id: string, action: string) {
  const changed = await post(t.http, `/_emulator/subscriptions/${id}/${action}`, {}, undefined);
  expect(changed.status, JSON.stringify(changed.body)).toBe(200);
  return changed.body as { subscription: Body; events: ControlEvent[] };
}

/** A shop whose subscription's renewal failed: the pending renewal order. */
async function pastDue(): Promise<Shop & { order: Body & { id: string } }> {
  const s = await shop();
  await changeSubscription(s.subscription.id, "renew_failed");
  const [order] = await orders(s, "?sorting=-created_at&limit=1&product_billing_type=recurring");
  expect(order).toMatchObject({ status: "pending", billing_reason: "subscription_cycle" });
  return { ...s, order: order as Body & { id: string } };
}

describe("listing and reading orders", () => {
  it("lists the customer's own orders as CustomerOrder, newest first", async () => {
    const s = await shop();
    const items = await orders(s);
    expect(items.map((item) => item.billing_reason)).toEqual(["purchase", "subscription_create"]);
    const [purchase, first] = items as Body[];
    expect(Object.keys(purchase as Body)).toEqual(CUSTOMER_ORDER_KEYS);
    expect(purchase).toMatchObject({
      status: "paid",
      paid: true,
      total_amount: 5000,
      customer_id: s.c.customer.id,
      product_id: s.oneTime.id,
      subscription: null,
      description: "Lifetime",
    });
    // The product as the customer sees it, with its organization; the subscription without metadata.
    const product = (first as Body).product as Body;
    expect(product).toMatchObject({ id: s.c.product.id, name: "Pro", is_recurring: true });
    expect(Object.keys(product).slice(-4)).toEqual(["prices", "benefits", "medias", "organization"]);
    expect((product.organization as Body).id).toBe(s.c.organizationId);
    expect((first as Body).subscription).toMatchObject({ id: s.subscription.id, status: "active" });
    expect((first as Body).subscription).not.toHaveProperty("metadata");
    expect(purchase).not.toHaveProperty("metadata");
    expect(purchase).not.toHaveProperty("customer");
    const listed = await t.http.get("/v1/customer-portal/orders/?limit=1&page=2").set(s.headers);
    expect(listed.body.pagination).toEqual({ total_count: 2, max_page: 2 });
    expect(listed.body.items.map((item: Body) => item.billing_reason)).toEqual(["subscription_create"]);
  });

  it("filters by product, billing type, subscription and product name, and sorts", async () => {
    const s = await shop();
    const reasons = async (query: string) => (await orders(s, query)).map((item) => item.billing_reason);
    expect(await reasons(`?product_id=${s.oneTime.id}`)).toEqual(["purchase"]);
    expect(await reasons("?product_billing_type=recurring")).toEqual(["subscription_create"]);
    expect(await reasons("?product_billing_type=one_time")).toEqual(["purchase"]);
    expect(await reasons(`?subscription_id=${s.subscription.id}`)).toEqual(["subscription_create"]);
    expect(await reasons("?query=lifet")).toEqual(["purchase"]);
    expect(await reasons("?query=nothing-like-it")).toEqual([]);
    expect(await reasons("?sorting=amount")).toEqual(["subscription_create", "purchase"]);
    expect(await reasons("?sorting=-net_amount")).toEqual(["purchase", "subscription_create"]);
    expect(await reasons("?sorting=product")).toEqual(["purchase", "subscription_create"]);
    const bad = await t.http.get("/v1/customer-portal/orders/?sorting=status").set(s.headers);
    expect(bad.status).toBe(422);
    expect(bad.body.detail[0]).toMatchObject({
      type: "enum",
      loc: ["query", "sorting", 0],
      msg: "Input should be 'created_at', '-created_at', 'amount', '-amount', 'net_amount', '-net_amount', 'product', '-product', 'subscription' or '-subscription'",
    });
    const badType = await t.http
      .get("/v1/customer-portal/orders/?product_billing_type=weekly")
      .set(s.headers);
    expect(badType.status).toBe(422);
  });

  it("never shows another customer's order, and needs a customer session", async () => {
    const s = await shop();
    const other = await post(t.http, "/v1/customers/", s.c.headers, { email: "grace@example.com" });
    const placed = await post(
      t.http,
      "/_emulator/orders",
      {},
      { customer_id: other.body.id, product_id: s.oneTime.id },
    );
    const foreign = placed.body.order.id;
    expect((await orders(s)).map((item) => item.id)).not.toContain(foreign);
    for (const path of ["", "/invoice", "/receipt", "/payment-status"]) {
      const read = await t.http.get(`/v1/customer-portal/orders/${foreign}${path}`).set(s.headers);
      expect(read.status, path).toBe(404);
      expect(read.body).toEqual({ error: "ResourceNotFound", detail: "Not found" });
    }
    const patched = await t.http
      .patch(`/v1/customer-portal/orders/${foreign}`)
      .set(s.headers)
      .send({ billing_name: "Mallory" });
    expect(patched.status).toBe(404);
    expect(
      (await post(t.http, `/v1/customer-portal/orders/${foreign}/invoice`, s.headers, undefined)).status,
    ).toBe(404);
    const retry = await post(t.http, `/v1/customer-portal/orders/${foreign}/confirm-payment`, s.headers, {
      confirmation_token_id: "tok_visa",
    });
    expect(retry.status).toBe(404);
    expect((await t.http.get(`/v1/customer-portal/orders/${randomUUID()}`).set(s.headers)).status).toBe(404);
    const notUuid = await t.http.get("/v1/customer-portal/orders/nope").set(s.headers);
    expect(notUuid.status).toBe(422);
    expect(notUuid.body.detail[0]).toMatchObject({ type: "uuid_parsing", loc: ["path", "id"] });
    // The organization's own token is no customer session.
    const withOrgToken = await t.http.get("/v1/customer-portal/orders/").set(s.c.headers);
    expect(withOrgToken.status).toBe(401);
    expect(withOrgToken.body).toEqual({ error: "Unauthorized", detail: "Unauthorized" });
  });
});

describe("a team's orders", () => {
  it("are its owner's and billing managers' to see, not a plain member's (Polar's 403)", async () => {
    const created = t.emulator.createOrganization({ member_model_enabled: true });
    const headers = { Authorization: `Bearer ${created.token}` };
    const team = await post(t.http, "/v1/customers/", headers, {
      type: "team",
      email: "team@example.com",
      owner: { email: "boss@example.com", name: "Boss" },
    });
    const product = await post(t.http, "/v1/products/", headers, {
      name: "Handbook",
      prices: [{ amount_type: "fixed", price_amount: 1200, price_currency: "usd" }],
    });
    const placed = await post(
      t.http,
      "/_emulator/orders",
      {},
      { customer_id: team.body.id, product_id: product.body.id },
    );
    expect(placed.status, JSON.stringify(placed.body)).toBe(201);
    const owner = (await t.http.get(`/v1/members/?customer_id=${team.body.id}`).set(headers)).body.items[0];
    const plain = await post(t.http, `/v1/customers/${team.body.id}/members`, headers, {
      email: "m@example.com",
      role: "member",
    });
    const sessionOf = async (memberId: string) => {
      const opened = await post(t.http, "/v1/customer-sessions/", headers, {
        customer_id: team.body.id,
        member_id: memberId,
      });
      expect(opened.body.token).toMatch(/^polar_mst_/);
      return { Authorization: `Bearer ${opened.body.token}` };
    };
    const boss = await sessionOf(owner.id);
    const listed = await t.http.get("/v1/customer-portal/orders/").set(boss);
    expect(listed.body.items.map((item: Body) => item.id)).toEqual([placed.body.order.id]);
    const member = await sessionOf(plain.body.id);
    for (const path of ["", placed.body.order.id]) {
      const refused = await t.http.get(`/v1/customer-portal/orders/${path}`).set(member);
      expect(refused.status).toBe(403);
      expect(refused.body).toEqual({
        error: "NotPermitted",
        detail: "Only owners and billing managers can access billing features.",
      });
    }
  });
});

describe("billing details, invoice and receipt", () => {
  it("updates the billing details with Polar's rules and sends order.updated", async () => {
    const s = await shop();
    const [order] = (await orders(s)) as Body[];
    const id = (order as Body).id as string;
    const before = await mark(s.c.organizationId);
    const updated = await t.http
      .patch(`/v1/customer-portal/orders/${id}`)
      .set(s.headers)
      .send({ billing_name: "Ada Ltd", billing_address: { country: "us", state: "CA", line1: "1 Main St" } });
    expect(updated.status, JSON.stringify(updated.body)).toBe(200);
    expect(Object.keys(updated.body)).toEqual(CUSTOMER_ORDER_KEYS);
    expect(updated.body).toMatchObject({
      billing_name: "Ada Ltd",
      billing_address: { country: "US", state: "US-CA", line1: "1 Main St" },
    });
    const events = await journal(s.c.organizationId, before);
    expect(types(events)).toEqual(["order.updated"]);
    expect(events[0]?.data).toMatchObject({ id, billing_name: "Ada Ltd" });
    const moved = await t.http
      .patch(`/v1/customer-portal/orders/${id}`)
      .set(s.headers)
      .send({ billing_address: { country: "FR" } });
    expect(moved.status).toBe(422);
    expect(moved.body).toEqual({
      error: "PolarRequestValidationError",
      detail: [
        {
          type: "value_error",
          loc: ["body", "billing_address", "country"],
          msg: "Country cannot be changed",
          input: "FR",
        },
        {
          type: "value_error",
          loc: ["body", "billing_address", "state"],
          msg: "State cannot be changed",
          input: null,
        },
      ],
    });
    const noCountry = await t.http
      .patch(`/v1/customer-portal/orders/${id}`)
      .set(s.headers)
      .send({ billing_address: { city: "Paris" } });
    expect(noCountry.status).toBe(422);
    expect(noCountry.body.error).toBe("RequestValidationError");
    expect((await t.http.get(`/v1/customer-portal/orders/${id}`).set(s.headers)).body.billing_name).toBe(
      "Ada Ltd",
    );
  });

  it("generates the invoice once the billing details are there, and serves it", async () => {
    const s = await shop();
    const id = ((await orders(s))[0] as Body).id as string;
    const missing = await t.http.get(`/v1/customer-portal/orders/${id}/invoice`).set(s.headers);
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({
      error: "InvoiceDoesNotExist",
      detail: `No invoice exists for order ${id}.`,
    });
    const refused = await post(t.http, `/v1/customer-portal/orders/${id}/invoice`, s.headers, undefined);
    expect(refused.status).toBe(422);
    expect(refused.body).toEqual({
      error: "MissingInvoiceBillingDetails",
      detail: "Billing name and address are required to generate an invoice for this order.",
    });
    await t.http
      .patch(`/v1/customer-portal/orders/${id}`)
      .set(s.headers)
      .send({ billing_name: "Ada Ltd", billing_address: { country: "FR" } });
    const before = await mark(s.c.organizationId);
    const generated = await post(t.http, `/v1/customer-portal/orders/${id}/invoice`, s.headers, undefined);
    expect(generated.status).toBe(202);
    const events = await journal(s.c.organizationId, before);
    expect(types(events)).toEqual(["order.updated"]);
    expect(events[0]?.data).toMatchObject({ is_invoice_generated: true });
    const invoice = await t.http.get(`/v1/customer-portal/orders/${id}/invoice`).set(s.headers);
    expect(invoice.status).toBe(200);
    expect(invoice.body).toEqual({
      url: expect.stringMatching(new RegExp(`/_emulator/orders/${id}/invoice\\.pdf$`)),
    });
    const pdf = await t.http.get(new URL(invoice.body.url).pathname);
    expect(pdf.status).toBe(200);
    expect(pdf.headers["content-type"]).toMatch(/application\/pdf/);
    expect(
      (await t.http.get(`/v1/customer-portal/orders/${id}`).set(s.headers)).body.is_invoice_generated,
    ).toBe(true);
  });

  it("renders a paid order's receipt on the first request (202), then answers its URL", async () => {
    const s = await shop();
    const id = ((await orders(s))[0] as Body).id as string;
    const first = await t.http.get(`/v1/customer-portal/orders/${id}/receipt`).set(s.headers);
    expect(first.status).toBe(202);
    expect(first.text).toBe("");
    const second = await t.http.get(`/v1/customer-portal/orders/${id}/receipt`).set(s.headers);
    expect(second.status).toBe(200);
    expect(second.body).toEqual({ url: expect.stringMatching(/\/receipt\.pdf$/) });
  });

  it("has no receipt for an order nothing was paid for", async () => {
    const s = await shop();
    const free = await post(t.http, "/v1/products/", s.c.headers, {
      name: "Free guide",
      prices: [{ amount_type: "free" }],
    });
    expect(free.status, JSON.stringify(free.body)).toBe(201);
    const placed = await post(
      t.http,
      "/_emulator/orders",
      {},
      { customer_id: s.c.customer.id, product_id: free.body.id },
    );
    const id = placed.body.order.id;
    const receipt = await t.http.get(`/v1/customer-portal/orders/${id}/receipt`).set(s.headers);
    expect(receipt.status).toBe(404);
    expect(receipt.body).toEqual({
      error: "ReceiptNotAllocated",
      detail: `No receipt allocated for order ${id}.`,
    });
    const status = await t.http.get(`/v1/customer-portal/orders/${id}/payment-status`).set(s.headers);
    expect(status.body).toEqual({ status: "no_payment", error: null });
  });
});

describe("payment status and retrying a past-due payment", () => {
  it("answers the latest payment's status", async () => {
    const s = await pastDue();
    const paid = (await orders(s, "?product_billing_type=one_time"))[0] as Body;
    const ok = await t.http.get(`/v1/customer-portal/orders/${paid.id}/payment-status`).set(s.headers);
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ status: "succeeded", error: null });
    const failed = await t.http.get(`/v1/customer-portal/orders/${s.order.id}/payment-status`).set(s.headers);
    expect(failed.body).toEqual({ status: "failed", error: "Your card was declined." });
  });

  it("refuses an order that is not a pending renewal, and a body without exactly one way to pay", async () => {
    const s = await pastDue();
    const paid = (await orders(s, "?product_billing_type=one_time"))[0] as Body;
    const refused = await post(t.http, `/v1/customer-portal/orders/${paid.id}/confirm-payment`, s.headers, {
      confirmation_token_id: "tok_visa",
    });
    expect(refused.status).toBe(422);
    expect(refused.body).toEqual({
      error: "OrderNotEligibleForRetry",
      detail: `Order ${paid.id} is not eligible for payment retry.`,
    });
    const neither = await post(
      t.http,
      `/v1/customer-portal/orders/${s.order.id}/confirm-payment`,
      s.headers,
      {},
    );
    expect(neither.status).toBe(422);
    expect(neither.body).toEqual({
      error: "RequestValidationError",
      detail: [
        {
          type: "value_error",
          loc: ["body"],
          msg: "Value error, Either confirmation_token_id or payment_method_id must be provided",
          input: {},
          ctx: { error: {} },
        },
      ],
    });
    const both = await post(t.http, `/v1/customer-portal/orders/${s.order.id}/confirm-payment`, s.headers, {
      confirmation_token_id: "tok_visa",
      payment_method_id: randomUUID(),
    });
    expect(both.status).toBe(422);
    expect(both.body.detail[0].msg).toBe(
      "Value error, Only one of confirmation_token_id or payment_method_id can be provided",
    );
    const stranger = await post(
      t.http,
      `/v1/customer-portal/orders/${s.order.id}/confirm-payment`,
      s.headers,
      {
        payment_method_id: randomUUID(),
      },
    );
    expect(stranger.status).toBe(422);
    expect(stranger.body).toEqual({
      error: "PaymentRetryValidationError",
      detail: "Payment method does not belong to customer",
    });
    // None of these counted as a retry or changed the order.
    const status = await t.http.get(`/v1/customer-portal/orders/${s.order.id}/payment-status`).set(s.headers);
    expect(status.body).toEqual({ status: "failed", error: "Your card was declined." });
  });

  it("a declined test card fails the retry; a good one pays the order and recovers the subscription", async () => {
    const s = await pastDue();
    const url = `/v1/customer-portal/orders/${s.order.id}/confirm-payment`;
    const before = await mark(s.c.organizationId);
    const declined = await post(t.http, url, s.headers, { confirmation_token_id: "4000 0000 0000 0002" });
    expect(declined.status).toBe(200);
    expect(declined.body).toEqual({
      status: "failed",
      client_secret: null,
      error: "Your card was declined.",
    });
    expect(await journal(s.c.organizationId, before)).toEqual([]);
    const status = await t.http.get(`/v1/customer-portal/orders/${s.order.id}/payment-status`).set(s.headers);
    expect(status.body).toEqual({ status: "failed", error: "Your card was declined." });
    const paid = await post(t.http, url, s.headers, { confirmation_token_id: "tok_visa" });
    expect(paid.status).toBe(200);
    expect(paid.body).toEqual({ status: "succeeded", client_secret: null, error: null });
    const events = await journal(s.c.organizationId, before);
    expect(types(events)).toContain("subscription.active");
    expect(types(events)).toContain("order.paid");
    expect(events.find((event) => event.type === "order.paid")?.data).toMatchObject({
      id: s.order.id,
      status: "paid",
    });
    const order = (await t.http.get(`/v1/customer-portal/orders/${s.order.id}`).set(s.headers)).body;
    expect(order).toMatchObject({ status: "paid", paid: true, next_payment_attempt_at: null });
    expect(order.subscription).toMatchObject({ status: "active" });
    expect(
      (await t.http.get(`/v1/customer-portal/orders/${s.order.id}/payment-status`).set(s.headers)).body,
    ).toEqual({
      status: "succeeded",
      error: null,
    });
    const again = await post(t.http, url, s.headers, { confirmation_token_id: "tok_visa" });
    expect(again.status).toBe(422);
    expect(again.body.error).toBe("OrderNotEligibleForRetry");
  });

  it("pays with a saved card, and stops after 5 retries", async () => {
    const s = await pastDue();
    const url = `/v1/customer-portal/orders/${s.order.id}/confirm-payment`;
    for (let attempt = 0; attempt < 5; attempt++) {
      const declined = await post(t.http, url, s.headers, {
        confirmation_token_id: "tok_chargeDeclinedInsufficientFunds",
      });
      expect(declined.body).toEqual({
        status: "failed",
        client_secret: null,
        error: "Your card has insufficient funds.",
      });
    }
    const limited = await post(t.http, url, s.headers, { confirmation_token_id: "tok_visa" });
    expect(limited.status).toBe(429);
    expect(limited.body).toEqual({
      error: "ManualRetryLimitExceeded",
      detail: `Maximum number of manual payment retry attempts has been reached for order ${s.order.id}.`,
    });
    const other = await pastDue();
    const saved = await post(t.http, "/v1/customer-portal/customers/me/payment-methods", other.headers, {
      confirmation_token_id: "tok_mastercard",
      set_default: true,
      return_url: "https://app.example.com/billing",
    });
    expect(saved.status, JSON.stringify(saved.body)).toBe(201);
    const methodId = saved.body.payment_method.id;
    // Another customer's saved card does not pay this one's order.
    const foreign = await post(t.http, url, s.headers, { payment_method_id: methodId });
    expect(foreign.status).toBe(429);
    const paid = await post(
      t.http,
      `/v1/customer-portal/orders/${other.order.id}/confirm-payment`,
      other.headers,
      {
        payment_method_id: methodId,
      },
    );
    expect(paid.body).toEqual({ status: "succeeded", client_secret: null, error: null });
    const notMine = await pastDue();
    const refused = await post(
      t.http,
      `/v1/customer-portal/orders/${notMine.order.id}/confirm-payment`,
      notMine.headers,
      {
        payment_method_id: methodId,
      },
    );
    expect(refused.status).toBe(422);
    expect(refused.body.error).toBe("PaymentRetryValidationError");
  });
});

describe("changing the customer's email", () => {
  async function allowEmailChange(c: Catalog, allow = true) {
    const updated = await t.http
      .patch(`/v1/organizations/${c.organizationId}`)
      .set(c.headers)
      .send({
        customer_portal_settings: {
          usage: { show: true },
          subscription: { update_seats: true, update_plan: true },
          customer: { allow_email_change: allow },
        },
      });
    expect(updated.status, JSON.stringify(updated.body)).toBe(200);
  }

  const request = (headers: Record<string, string>, email: unknown) =>
    post(t.http, "/v1/customer-portal/customers/me/email-update/request", headers, { email });

  it("is refused unless the organization allows it, and for the same email", async () => {
    const s = await shop();
    const refused = await request(s.headers, "ada.new@example.com");
    expect(refused.status).toBe(403);
    expect(refused.body).toEqual({
      error: "NotPermitted",
      detail: "Email changes are not enabled for this organization.",
    });
    await allowEmailChange(s.c);
    const same = await request(s.headers, "ADA@example.com");
    expect(same.status).toBe(422);
    expect(same.body).toEqual({
      error: "PolarRequestValidationError",
      detail: [
        {
          type: "value_error",
          loc: ["body", "email"],
          msg: "New email is the same as your current email.",
          input: "ADA@example.com",
        },
      ],
    });
    const invalid = await request(s.headers, "not-an-email");
    expect(invalid.status).toBe(422);
    expect(invalid.body.detail[0]).toMatchObject({ type: "value_error", loc: ["body", "email"] });
    expect((await t.http.get(`/_emulator/customers/${s.c.customer.id}/email-update`)).status).toBe(404);
    const team = await post(t.http, "/v1/customers/", s.c.headers, {
      type: "team",
      email: "team@example.com",
    });
    const teamRequest = await request(await session(s.c, team.body.id), "team.new@example.com");
    expect(teamRequest.status).toBe(422);
    expect(teamRequest.body).toEqual({
      error: "PolarRequestValidationError",
      detail: [
        {
          type: "value_error",
          loc: ["body", "email"],
          msg: "Only individual customers can change their email.",
          input: "team.new@example.com",
        },
      ],
    });
  });

  it("requests, checks and verifies the change: customer.updated, a new session, the token spent", async () => {
    const s = await shop();
    await allowEmailChange(s.c);
    const requested = await request(s.headers, "ada.new@Example.com");
    expect(requested.status, JSON.stringify(requested.body)).toBe(202);
    const pending = await t.http.get(`/_emulator/customers/${s.c.customer.id}/email-update`);
    expect(pending.status).toBe(200);
    expect(pending.body).toEqual({
      customer_id: s.c.customer.id,
      email: "ada.new@example.com",
      token: expect.stringMatching(/^polar_cev_[A-Za-z0-9]{43}$/),
      expires_at: expect.any(String),
    });
    const token: string = pending.body.token;
    // A new request replaces the pending one.
    await request(s.headers, "ada.newer@example.com");
    const replaced = await t.http.get(`/_emulator/customers/${s.c.customer.id}/email-update`);
    expect(replaced.body.email).toBe("ada.newer@example.com");
    const stale = await t.http.get(`/v1/customer-portal/customers/me/email-update/check?token=${token}`);
    expect(stale.status).toBe(401);
    expect(stale.body).toEqual({
      error: "InvalidCustomerEmailUpdate",
      detail: "This email update request is invalid or has expired.",
    });
    const fresh: string = replaced.body.token;
    const check = await t.http.get(`/v1/customer-portal/customers/me/email-update/check?token=${fresh}`);
    expect(check.status).toBe(204);
    const noToken = await t.http.get("/v1/customer-portal/customers/me/email-update/check");
    expect(noToken.status).toBe(422);
    expect(noToken.body.detail[0]).toMatchObject({ type: "missing", loc: ["query", "token"] });
    const before = await mark(s.c.organizationId);
    const verified = await post(
      t.http,
      "/v1/customer-portal/customers/me/email-update/verify",
      {},
      { token: fresh },
    );
    expect(verified.status, JSON.stringify(verified.body)).toBe(200);
    expect(verified.body).toEqual({ token: expect.stringMatching(/^polar_cst_/) });
    const events = await journal(s.c.organizationId, before);
    expect(types(events)).toEqual(["customer.updated", "customer.state_changed"]);
    expect(events[0]?.data).toMatchObject({ email: "ada.newer@example.com", email_verified: true });
    const me = await t.http
      .get("/v1/customer-portal/customers/me")
      .set({ Authorization: `Bearer ${verified.body.token}` });
    expect(me.body).toMatchObject({ email: "ada.newer@example.com", email_verified: true });
    const spent = await post(
      t.http,
      "/v1/customer-portal/customers/me/email-update/verify",
      {},
      { token: fresh },
    );
    expect(spent.status).toBe(401);
    expect(spent.body.error).toBe("InvalidCustomerEmailUpdate");
    expect((await t.http.get(`/_emulator/customers/${s.c.customer.id}/email-update`)).status).toBe(404);
  });

  it("refuses an email another customer took meanwhile, and forgets the request", async () => {
    const s = await shop();
    await allowEmailChange(s.c);
    await request(s.headers, "taken@example.com");
    const token = (await t.http.get(`/_emulator/customers/${s.c.customer.id}/email-update`)).body.token;
    expect((await post(t.http, "/v1/customers/", s.c.headers, { email: "Taken@example.com" })).status).toBe(
      201,
    );
    const before = await mark(s.c.organizationId);
    const verified = await post(
      t.http,
      "/v1/customer-portal/customers/me/email-update/verify",
      {},
      { token },
    );
    expect(verified.status).toBe(422);
    expect(verified.body).toEqual({
      error: "PolarRequestValidationError",
      detail: [
        {
          type: "value_error",
          loc: ["body", "token"],
          msg: "This email address is already in use.",
          input: "taken@example.com",
        },
      ],
    });
    expect(await journal(s.c.organizationId, before)).toEqual([]);
    expect(
      (await t.http.get(`/v1/customer-portal/customers/me/email-update/check?token=${token}`)).status,
    ).toBe(401);
  });

  it("keeps a pending change through a snapshot and its restore", async () => {
    const s = await shop();
    await allowEmailChange(s.c);
    await request(s.headers, "ada.kept@example.com");
    const token = (await t.http.get(`/_emulator/customers/${s.c.customer.id}/email-update`)).body.token;
    const snapshot = await t.http.get(`/_emulator/organizations/${s.c.organizationId}/snapshot`);
    expect(snapshot.body.email_verifications).toEqual([
      expect.objectContaining({ customer_id: s.c.customer.id, email: "ada.kept@example.com", token }),
    ]);
    await t.http.post(`/_emulator/organizations/${s.c.organizationId}/reset`);
    expect(
      (await t.http.get(`/v1/customer-portal/customers/me/email-update/check?token=${token}`)).status,
    ).toBe(401);
    const restored = await t.http
      .put(`/_emulator/organizations/${s.c.organizationId}/snapshot`)
      .send(snapshot.body);
    expect(restored.status, restored.text).toBe(200);
    expect(
      (await t.http.get(`/v1/customer-portal/customers/me/email-update/check?token=${token}`)).status,
    ).toBe(204);
  });

  it("expires a token after 30 minutes", async () => {
    const clock = new FixedClock(new Date("2026-11-01T10:00:00Z"));
    const local = await startTestEmulator({ clock });
    try {
      const saved = t;
      t = local;
      try {
        const c = await catalog(local.emulator, local.http);
        await allowEmailChange(c);
        const headers = await session(c, c.customer.id);
        expect((await request(headers, "ada.later@example.com")).status).toBe(202);
        const pending = (await local.http.get(`/_emulator/customers/${c.customer.id}/email-update`)).body;
        expect(pending.expires_at).toBe("2026-11-01T10:30:00Z");
        clock.set(new Date("2026-11-01T10:29:59Z"));
        const check = `/v1/customer-portal/customers/me/email-update/check?token=${pending.token}`;
        expect((await local.http.get(check)).status).toBe(204);
        clock.set(new Date("2026-11-01T10:30:00Z"));
        expect((await local.http.get(check)).status).toBe(401);
        const verified = await post(
          local.http,
          "/v1/customer-portal/customers/me/email-update/verify",
          {},
          {
            token: pending.token,
          },
        );
        expect(verified.status).toBe(401);
      } finally {
        t = saved;
      }
    } finally {
      await local.emulator.close();
    }
  });
});
