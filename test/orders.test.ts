/**
 * Orders over real HTTP (Polar's order/service.py, order/endpoints.py, order/export.py): the
 * orders a purchase, a subscription start and its renewals place, with their webhooks in
 * Polar's order; every operation and the errors Polar gives.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Catalog, type ControlEvent, catalog, post, types } from "./billing/setup.js";
import { startTestEmulator } from "./helpers.js";

let t: Awaited<ReturnType<typeof startTestEmulator>>;
beforeAll(async () => {
  t = await startTestEmulator();
});
afterAll(() => t.emulator.close());

type Body = Record<string, unknown> & { id: string };

const ORDER_KEYS = [
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
  "discount_id",
  "subscription_id",
  "checkout_id",
  "next_payment_attempt_at",
  "metadata",
  "custom_field_data",
  "platform_fee_amount",
  "platform_fee_currency",
  "customer",
  "product",
  "discount",
  "subscription",
  "items",
  "description",
  "refundable_amount",
  "refundable_tax_amount",
];

/** A catalog plus a one-time product with the same benefits. */
async function shop(): Promise<Catalog & { oneTime: Body }> {
  const c = await catalog(t.emulator, t.http);
  const product = await post(t.http, "/v1/products/", c.headers, {
    name: "Lifetime",
    prices: [{ amount_type: "fixed", price_amount: 5000, price_currency: "usd" }],
  });
  expect(product.status, JSON.stringify(product.body)).toBe(201);
  const attached = await post(t.http, `/v1/products/${product.body.id}/benefits`, c.headers, {
    benefits: [c.benefits.custom?.id],
  });
  expect(attached.status).toBe(200);
  return { ...c, oneTime: attached.body };
}

async function purchase(c: Catalog & { oneTime: Body }, body: Record<string, unknown> = {}) {
  const response = await post(
    t.http,
    "/_emulator/orders",
    {},
    {
      customer_id: c.customer.id,
      product_id: c.oneTime.id,
      ...body,
    },
  );
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body as { order: Body; events: ControlEvent[] };
}

async function startSubscription(c: Catalog, body: Record<string, unknown> = {}) {
  const response = await post(
    t.http,
    "/_emulator/subscriptions",
    {},
    {
      customer_id: c.customer.id,
      product_id: c.product.id,
      ...body,
    },
  );
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body as { subscription: Body; events: ControlEvent[] };
}

async function change(id: string, action: string) {
  const response = await post(t.http, `/_emulator/subscriptions/${id}/${action}`, {}, undefined);
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return response.body as { subscription: Body; events: ControlEvent[] };
}

/** The organization's domain events (what webhooks carry), after the event `after` when given. */
async function journal(organizationId: string, after?: string): Promise<ControlEvent[]> {
  const query = `organization_id=${organizationId}${after ? `&after=${after}` : ""}`;
  const response = await t.http.get(`/_emulator/events?${query}`);
  expect(response.status).toBe(200);
  return response.body.items;
}

async function mark(organizationId: string): Promise<string | undefined> {
  return (await journal(organizationId)).at(-1)?.id;
}

const orderEvents = (events: ControlEvent[]) => events.filter((event) => event.type.startsWith("order."));

describe("a one-time purchase", () => {
  it("places a paid purchase order: order.created, order.updated, order.paid, then the grants", async () => {
    const c = await shop();
    const { order, events } = await purchase(c);
    expect(Object.keys(order)).toEqual(ORDER_KEYS);
    expect(order).toMatchObject({
      status: "paid",
      paid: true,
      subtotal_amount: 5000,
      discount_amount: 0,
      net_amount: 5000,
      tax_amount: 0,
      total_amount: 5000,
      applied_balance_amount: 0,
      // Polar's `due_amount` does not look at the status: what the order costs.
      due_amount: 5000,
      refunded_amount: 0,
      currency: "usd",
      billing_reason: "purchase",
      billing_name: "Ada Lovelace",
      billing_address: null,
      is_invoice_generated: false,
      customer_id: c.customer.id,
      product_id: c.oneTime.id,
      subscription_id: null,
      subscription: null,
      discount: null,
      description: "Lifetime",
      refundable_amount: 5000,
      refundable_tax_amount: 0,
    });
    expect(order.invoice_number).toMatch(/^[A-Z0-9-]+-[A-Z]{8}-0001$/);
    expect(order.receipt_number).toMatch(/^RCPT-[A-Z]{8}-0001$/);
    expect(order.items).toEqual([
      expect.objectContaining({ label: "Lifetime", amount: 5000, tax_amount: 0, proration: false }),
    ]);
    expect(types(events)).toEqual([
      "order.created",
      "order.updated",
      "order.paid",
      "benefit_grant.created",
      "customer.state_changed",
    ]);
    // order.created already shows the paid order; the receipt number comes with order.paid.
    expect(events[0]?.data).toMatchObject({ status: "paid", receipt_number: null });
    expect(events[2]?.data).toMatchObject({ status: "paid", receipt_number: order.receipt_number });

    const got = await t.http.get(`/v1/orders/${order.id}`).set(c.headers);
    expect(got.status).toBe(200);
    expect(got.body).toEqual(order);
  });

  it("applies a discount to the subtotal and embeds it without its products", async () => {
    const c = await shop();
    const discount = await post(t.http, "/v1/discounts/", c.headers, {
      name: "Launch",
      type: "percentage",
      basis_points: 2550,
      duration: "once",
    });
    expect(discount.status).toBe(201);
    const { order } = await purchase(c, { discount_id: discount.body.id });
    expect(order).toMatchObject({
      subtotal_amount: 5000,
      discount_amount: 1275,
      net_amount: 3725,
      total_amount: 3725,
      discount_id: discount.body.id,
    });
    const { products: _products, ...base } = discount.body;
    expect(order.discount).toEqual(base);
  });

  it("numbers the customer's invoices in sequence", async () => {
    const c = await shop();
    const first = await purchase(c);
    const second = await purchase(c);
    const prefix = String(first.order.invoice_number).slice(0, -4);
    expect(second.order.invoice_number).toBe(`${prefix}0002`);
  });

  it("leaves a pending order with no grants when the payment fails", async () => {
    const c = await shop();
    const { order, events } = await purchase(c, { paid: false });
    expect(order).toMatchObject({ status: "pending", paid: false, due_amount: 5000, receipt_number: null });
    expect(types(events)).toEqual(["order.created"]);
  });
});

describe("subscription orders", () => {
  it("a started subscription places its subscription_create order before the grants", async () => {
    const c = await catalog(t.emulator, t.http);
    const { subscription, events } = await startSubscription(c);
    const kinds = types(events);
    expect(kinds.slice(0, 6)).toEqual([
      "subscription.created",
      "subscription.active",
      "customer.state_changed",
      "order.created",
      "order.updated",
      "order.paid",
    ]);
    expect(kinds[6]).toBe("benefit_grant.created");
    const order = orderEvents(events)[2]?.data as Body;
    expect(order).toMatchObject({
      billing_reason: "subscription_create",
      status: "paid",
      subtotal_amount: 2000,
      subscription_id: subscription.id,
      product_id: c.product.id,
    });
    expect((order.subscription as Body).id).toBe(subscription.id);
    expect(order.items).toEqual([expect.objectContaining({ label: "Pro", amount: 2000 })]);
  });

  it("a trialing subscription gets Polar's $0 trial order", async () => {
    const c = await catalog(t.emulator, t.http);
    const { events } = await startSubscription(c, {
      status: "trialing",
      starts_at: "2026-03-01T00:00:00Z",
      trial_end: "2026-03-15T00:00:00Z",
    });
    const order = orderEvents(events)[0]?.data as Body;
    expect(order).toMatchObject({ total_amount: 0, status: "paid", receipt_number: null });
    expect(order.items).toEqual([
      expect.objectContaining({
        label: "Trial period for Pro (Mar 1, 2026 - Mar 15, 2026)",
        amount: 0,
        product_price_id: null,
      }),
    ]);
  });

  it("a renewal places a subscription_cycle order after the subscription's events, then cycles grants", async () => {
    const c = await catalog(t.emulator, t.http);
    const { subscription } = await startSubscription(c, { starts_at: "2026-01-15T00:00:00Z" });
    const { events } = await change(subscription.id, "renew");
    const kinds = types(events);
    expect(kinds.slice(0, 6)).toEqual([
      "subscription.cycled",
      "subscription.updated",
      "customer.state_changed",
      "order.created",
      "order.updated",
      "order.paid",
    ]);
    expect(kinds.slice(6)).toContain("benefit_grant.cycled");
    const [created] = orderEvents(events);
    // A cycle order is created pending, then paid.
    expect(created?.data).toMatchObject({ status: "pending", billing_reason: "subscription_cycle" });
    const order = orderEvents(events)[2]?.data as Body;
    expect(order.items).toEqual([
      expect.objectContaining({ label: "Pro — From Feb 15, 2026 to Mar 15, 2026", amount: 2000 }),
    ]);
    const list = await t.http.get(`/v1/orders/?subscription_id=${subscription.id}`).set(c.headers);
    expect(list.body.items.map((item: Body) => item.billing_reason)).toEqual([
      "subscription_cycle",
      "subscription_create",
    ]);
  });

  it("a renewal whose payment fails leaves a pending order and a past-due subscription", async () => {
    const c = await catalog(t.emulator, t.http);
    const { subscription } = await startSubscription(c, { starts_at: "2026-01-15T00:00:00Z" });
    const { subscription: after, events } = await change(subscription.id, "renew_failed");
    expect(after.status).toBe("past_due");
    const kinds = types(events);
    expect(kinds.slice(0, 8)).toEqual([
      "subscription.cycled",
      "subscription.updated",
      "customer.state_changed",
      "order.created",
      "subscription.updated",
      "subscription.past_due",
      "customer.state_changed",
      "benefit_grant.revoked",
    ]);
    expect(kinds.at(-1)).toBe("order.updated");
    expect(kinds).not.toContain("order.paid");
    expect(kinds).not.toContain("benefit_grant.cycled");
    const order = events.at(-1)?.data as Body;
    expect(order).toMatchObject({ status: "pending", paid: false, due_amount: 2000 });
    expect(order.next_payment_attempt_at).not.toBeNull();

    // The retry succeeds: the subscription is active again, then the order is paid.
    const recovered = await change(subscription.id, "recover");
    const recoveredKinds = types(recovered.events);
    expect(recoveredKinds.slice(0, 3)).toEqual([
      "subscription.updated",
      "subscription.active",
      "customer.state_changed",
    ]);
    expect(recoveredKinds.slice(-2)).toEqual(["order.updated", "order.paid"]);
    const got = await t.http.get(`/v1/orders/${order.id}`).set(c.headers);
    expect(got.body).toMatchObject({ status: "paid", next_payment_attempt_at: null });
  });
});

describe("GET /v1/orders/", () => {
  it("filters and sorts as Polar does", async () => {
    const c = await shop();
    const first = (await purchase(c, { metadata: { source: "ad" } })).order;
    const pending = (await purchase(c, { paid: false })).order;
    const { subscription } = await startSubscription(c);
    const get = async (query: string) => {
      const response = await t.http.get(`/v1/orders/${query}`).set(c.headers);
      expect(response.status, JSON.stringify(response.body)).toBe(200);
      return response.body as { items: Body[]; pagination: { total_count: number; max_page: number } };
    };
    const all = await get("");
    expect(all.pagination).toEqual({ total_count: 3, max_page: 1 });
    expect(all.items.map((item) => item.billing_reason)).toEqual([
      "subscription_create",
      "purchase",
      "purchase",
    ]);
    expect((await get("?status=pending")).items.map((item) => item.id)).toEqual([pending.id]);
    expect((await get("?product_billing_type=one_time")).pagination.total_count).toBe(2);
    expect((await get("?product_billing_type=recurring")).pagination.total_count).toBe(1);
    expect((await get(`?subscription_id=${subscription.id}`)).pagination.total_count).toBe(1);
    expect((await get(`?product_id=${c.oneTime.id}&product_id=${c.product.id}`)).pagination.total_count).toBe(
      3,
    );
    expect((await get(`?customer_id=${c.customer.id}`)).pagination.total_count).toBe(3);
    expect((await get("?external_customer_id=user_ada")).pagination.total_count).toBe(3);
    expect((await get("?external_customer_id=nobody")).pagination).toEqual({ total_count: 0, max_page: 0 });
    expect((await get("?metadata[source]=ad")).items.map((item) => item.id)).toEqual([first.id]);
    expect((await get("?sorting=created_at")).items[0]?.id).toBe(first.id);
    expect((await get("?sorting=status")).items[0]?.id).toBe(pending.id);
    expect((await get("?sorting=-amount")).items[0]?.net_amount).toBe(5000);
    expect((await get("?created_after=2999-01-01T00:00:00")).pagination.total_count).toBe(0);
    expect((await get(`?organization_id=${crypto.randomUUID()}`)).pagination.total_count).toBe(0);
    expect((await get("?limit=1&page=2")).items).toHaveLength(1);
  });

  it("refuses a bad status or sorting with pydantic's 422", async () => {
    const c = await shop();
    const bad = await t.http.get("/v1/orders/?status=unknown").set(c.headers);
    expect(bad.status).toBe(422);
    expect(bad.body.detail[0]).toMatchObject({ type: "enum", loc: ["query", "status"] });
    const sorting = await t.http.get("/v1/orders/?sorting=email").set(c.headers);
    expect(sorting.status).toBe(422);
    expect(sorting.body.detail[0]).toMatchObject({ type: "enum", loc: ["query", "sorting", 0] });
  });

  it("needs orders:read", async () => {
    const { headers } = (await import("./helpers.js")).tenant(t.emulator, ["customers:read"]);
    const response = await t.http.get("/v1/orders/").set(headers);
    expect(response.status).toBe(403);
    expect(response.body).toEqual({
      error: "insufficient_scope",
      error_description: "The request requires higher privileges than provided by the access token.",
    });
  });
});

describe("GET and PATCH /v1/orders/{id}", () => {
  it("404 for an unknown or another organization's order, 422 for a bad id", async () => {
    const c = await shop();
    const other = await shop();
    const { order } = await purchase(other);
    for (const id of [crypto.randomUUID(), order.id]) {
      const response = await t.http.get(`/v1/orders/${id}`).set(c.headers);
      expect(response.status).toBe(404);
      expect(response.body).toEqual({ error: "ResourceNotFound", detail: "Not found" });
    }
    const bad = await t.http.get("/v1/orders/nope").set(c.headers);
    expect(bad.status).toBe(422);
    expect(bad.body.detail[0]).toMatchObject({ type: "uuid_parsing", loc: ["path", "id"] });
  });

  it("updates the billing name and address and sends order.updated", async () => {
    const c = await shop();
    const { order } = await purchase(c);
    const before = await mark(c.organizationId);
    const patched = await t.http
      .patch(`/v1/orders/${order.id}`)
      .set(c.headers)
      .send({
        billing_name: "Ada Inc.",
        billing_address: { country: "us", state: "CA", line1: " 1 Main St " },
      });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    expect(patched.body).toMatchObject({
      billing_name: "Ada Inc.",
      billing_address: {
        line1: "1 Main St",
        line2: null,
        postal_code: null,
        city: null,
        state: "US-CA",
        country: "US",
      },
    });
    expect(patched.body.modified_at).not.toBeNull();
    expect(types(await journal(c.organizationId, before))).toEqual(["order.updated"]);

    // Country and state stay as they are once set.
    const moved = await t.http
      .patch(`/v1/orders/${order.id}`)
      .set(c.headers)
      .send({ billing_address: { country: "FR", line1: "2 rue" } });
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
    const again = await t.http.get(`/v1/orders/${order.id}`).set(c.headers);
    expect(again.body.billing_address.country).toBe("US");
  });
});

describe("invoices and receipts", () => {
  it("generates an invoice (202, then order.updated) once the billing details are there", async () => {
    const c = await shop();
    const { order } = await purchase(c);
    const missing = await t.http.get(`/v1/orders/${order.id}/invoice`).set(c.headers);
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({
      error: "InvoiceDoesNotExist",
      detail: `No invoice exists for order ${order.id}.`,
    });
    const refused = await t.http.post(`/v1/orders/${order.id}/invoice`).set(c.headers);
    expect(refused.status).toBe(422);
    expect(refused.body).toEqual({
      error: "MissingInvoiceBillingDetails",
      detail: "Billing name and address are required to generate an invoice for this order.",
    });
    await t.http
      .patch(`/v1/orders/${order.id}`)
      .set(c.headers)
      .send({ billing_address: { country: "SE", city: "Stockholm" } });
    const before = await mark(c.organizationId);
    const generated = await t.http.post(`/v1/orders/${order.id}/invoice`).set(c.headers);
    expect(generated.status).toBe(202);
    expect(generated.body).toBeNull();
    const sent = await journal(c.organizationId, before);
    expect(sent.map((event) => event.type)).toEqual(["order.updated"]);
    expect(sent[0]?.data).toMatchObject({ is_invoice_generated: true });
    const invoice = await t.http.get(`/v1/orders/${order.id}/invoice`).set(c.headers);
    expect(invoice.status).toBe(200);
    expect(Object.keys(invoice.body)).toEqual(["url"]);
    const pdf = await t.http.get(new URL(invoice.body.url).pathname).buffer(true);
    expect(pdf.status).toBe(200);
    expect(pdf.headers["content-type"]).toMatch(/^application\/pdf/);
    const text = Buffer.isBuffer(pdf.body) ? pdf.body.toString("latin1") : String(pdf.text);
    expect(text.startsWith("%PDF-1.4")).toBe(true);
    expect(text).toContain(String(order.invoice_number));
    expect(text.trimEnd().endsWith("%%EOF")).toBe(true);
  });

  it("answers 202 while the receipt renders, then its URL; 404 without a payment", async () => {
    const c = await shop();
    const { order } = await purchase(c);
    const first = await t.http.get(`/v1/orders/${order.id}/receipt`).set(c.headers);
    expect(first.status).toBe(202);
    const second = await t.http.get(`/v1/orders/${order.id}/receipt`).set(c.headers);
    expect(second.status).toBe(200);
    expect(second.body.url).toMatch(new RegExp(`/_emulator/orders/${order.id}/receipt.pdf$`));
    const pdf = await t.http.get(new URL(second.body.url).pathname).buffer(true);
    expect(pdf.status).toBe(200);

    const unpaid = (await purchase(c, { paid: false })).order;
    const none = await t.http.get(`/v1/orders/${unpaid.id}/receipt`).set(c.headers);
    expect(none.status).toBe(404);
    expect(none.body).toEqual({
      error: "ReceiptNotAllocated",
      detail: `No receipt allocated for order ${unpaid.id}.`,
    });
  });
});

describe("POST /v1/orders/ and finalize", () => {
  it("answers as Polar does for an organization without off-session charges", async () => {
    const c = await shop();
    const { organizationId } = c;
    const created = await t.http
      .post("/v1/orders/")
      .set(c.headers)
      .send({ customer_id: c.customer.id, product_id: c.oneTime.id });
    expect(created.status).toBe(403);
    expect(created.body).toEqual({
      error: "OffSessionChargesNotEnabled",
      detail: `Off-session charges are not enabled for this organization (${organizationId}). Contact Polar support to opt in.`,
    });
    const invalid = await t.http.post("/v1/orders/").set(c.headers).send({ product_id: c.oneTime.id });
    expect(invalid.status).toBe(422);
    expect(invalid.body.detail[0]).toMatchObject({ type: "missing", loc: ["body", "customer_id"] });
    const { order } = await purchase(c);
    const finalized = await t.http.post(`/v1/orders/${order.id}/finalize`).set(c.headers).send({});
    expect(finalized.status).toBe(412);
    expect(finalized.body).toEqual({
      error: "OrderNotDraft",
      detail: `Order ${order.id} is not in draft status (current: paid). Only draft orders can be modified or finalized.`,
    });
    const unknown = await t.http.post(`/v1/orders/${crypto.randomUUID()}/finalize`).set(c.headers).send({});
    expect(unknown.status).toBe(404);
  });
});

describe("GET /v1/orders/export", () => {
  it("writes Polar's CSV: default columns, chosen columns, time zone", async () => {
    const c = await shop();
    const { order } = await purchase(c);
    const csv = await t.http.get("/v1/orders/export").set(c.headers);
    expect(csv.status).toBe(200);
    expect(csv.headers["content-type"]).toBe("text/csv; charset=utf-8");
    expect(csv.headers["content-disposition"]).toBe('attachment; filename="polar-orders.csv"');
    const [header, row] = csv.text.split("\r\n");
    expect(header).toBe("Email,Created At,Product,Net Amount,Currency,Status,Invoice number");
    expect(row).toMatch(
      new RegExp(`^ada@example.com,\\d{4}-.*\\+00:00,Lifetime,50.0,usd,paid,${order.invoice_number}$`),
    );
    const chosen = await t.http
      .get(
        "/v1/orders/export?columns=total_amount&columns=billing_reason&timezone=Europe/Paris&created_after=2020-01-01T00:00:00Z",
      )
      .set(c.headers);
    expect(chosen.status, chosen.text).toBe(200);
    expect(chosen.text).toBe("Total,Billing Reason\r\n50.0,purchase\r\n");
    expect(chosen.headers["content-disposition"]).toBe('attachment; filename="polar-orders-2020-01-01.csv"');
    const badZone = await t.http.get("/v1/orders/export?timezone=Mars/Base").set(c.headers);
    expect(badZone.status).toBe(422);
    expect(badZone.body.detail[0]).toMatchObject({
      type: "value_error",
      loc: ["query", "timezone"],
      msg: "Value error, 'Mars/Base' is not a valid IANA time zone",
    });
  });
});

describe("discounts on renewal orders", () => {
  async function discounted(c: Catalog, body: Record<string, unknown>): Promise<number[]> {
    const discount = await post(t.http, "/v1/discounts/", c.headers, {
      name: `Deal ${body.duration}`,
      type: "percentage",
      basis_points: 5000,
      ...body,
    });
    expect(discount.status, JSON.stringify(discount.body)).toBe(201);
    const { subscription } = await startSubscription(c, {
      starts_at: "2026-01-15T00:00:00Z",
      discount_id: discount.body.id,
    });
    expect(subscription.discount).toMatchObject({ id: discount.body.id });
    for (let renewal = 0; renewal < 3; renewal += 1) await change(subscription.id, "renew");
    const list = await t.http
      .get(`/v1/orders/?subscription_id=${subscription.id}&sorting=created_at`)
      .set(c.headers);
    return (list.body.items as Body[]).map((order) => order.discount_amount as number);
  }

  it("once: the first order only; forever: every order; repeating: its months", async () => {
    const c = await catalog(t.emulator, t.http);
    expect(await discounted(c, { duration: "once" })).toEqual([1000, 0, 0, 0]);
    expect(await discounted(c, { duration: "forever" })).toEqual([1000, 1000, 1000, 1000]);
    expect(await discounted(c, { duration: "repeating", duration_in_months: 2 })).toEqual([1000, 1000, 0, 0]);
  });

  it("an expired discount leaves the subscription", async () => {
    const c = await catalog(t.emulator, t.http);
    const discount = await post(t.http, "/v1/discounts/", c.headers, {
      name: "Once",
      type: "fixed",
      amount: 500,
      currency: "usd",
      duration: "once",
    });
    const { subscription } = await startSubscription(c, { discount_id: discount.body.id });
    const { subscription: renewed, events } = await change(subscription.id, "renew");
    expect(renewed.discount_id).toBeNull();
    expect(events[0]?.data).toMatchObject({ discount_id: null, discount: null });
  });

  it("refuses an unknown discount or one for other products", async () => {
    const c = await catalog(t.emulator, t.http);
    const unknown = await post(
      t.http,
      "/_emulator/subscriptions",
      {},
      {
        customer_id: c.customer.id,
        product_id: c.product.id,
        discount_id: crypto.randomUUID(),
      },
    );
    expect(unknown.status).toBe(422);
    expect(unknown.body.detail[0]).toMatchObject({ loc: ["body", "discount_id"] });
  });
});

describe("orders in a fixture, and in a snapshot", () => {
  const FIXTURE = `
products:
  - { key: pro, name: Pro, recurring_interval: month, prices: [{ amount_type: fixed, price_amount: 2000 }] }
  - { key: book, name: Book, prices: [{ amount_type: fixed, price_amount: 3000 }] }
discounts:
  - { key: half, name: Half, type: percentage, basis_points: 5000, duration: once }
customers:
  - email: zoe@example.com
    subscriptions: [{ product: pro, started_at: -45d }]
    orders:
      - { product: book, created_at: -10d, discount: half, refunded: 500 }
      - { product: book, created_at: -5d, paid: false }
`;

  async function load(text: string) {
    const { organizationId, headers } = (await import("./helpers.js")).tenant(t.emulator);
    const response = await t.http
      .post(`/_emulator/organizations/${organizationId}/fixtures`)
      .set("Content-Type", "application/yaml")
      .send(text);
    return { organizationId, headers, response };
  }

  it("places purchases (paid, discounted, refunded, pending) beside the subscription's orders", async () => {
    const { organizationId, headers, response } = await load(FIXTURE);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(response.body.changed.orders).toHaveLength(4);
    expect(response.body.changed.refunds).toHaveLength(1);
    const snapshot = await t.http.get(`/_emulator/organizations/${organizationId}/snapshot`);
    const orders = snapshot.body.orders as Body[];
    expect(orders.map((order) => `${order.billing_reason} ${order.status}`)).toEqual([
      "subscription_create paid",
      "subscription_cycle paid",
      "purchase partially_refunded",
      "purchase pending",
    ]);
    expect(orders[2]).toMatchObject({ discount_amount: 1500, net_amount: 1500, refunded_amount: 500 });
    expect(snapshot.body.refunds).toHaveLength(1);
    const list = await t.http.get("/v1/orders/").set(headers);
    expect(list.body.pagination.total_count).toBe(4);

    // A snapshot restores them as they were.
    const restored = await t.http
      .put(`/_emulator/organizations/${organizationId}/snapshot`)
      .send(snapshot.body);
    expect(restored.status, JSON.stringify(restored.body).slice(0, 500)).toBe(200);
    const again = await t.http.get("/v1/orders/").set(headers);
    expect(again.body).toEqual(list.body);
  });

  it("refuses an order of a recurring product, an unknown product and a refund of an unpaid one", async () => {
    const { response } = await load(`
products:
  - { key: pro, name: Pro, recurring_interval: month, prices: [{ amount_type: fixed, price_amount: 2000 }] }
customers:
  - email: yan@example.com
    orders:
      - { product: pro }
      - { product: nothing }
      - { product: pro, paid: false, refunded: 5 }
`);
    expect(response.status).toBe(422);
    const locs = (response.body.detail as { loc: unknown[] }[]).map((entry) => entry.loc.join("."));
    expect(locs).toEqual(
      expect.arrayContaining([
        "body.customers.0.orders.0.product",
        "body.customers.0.orders.1.product",
        "body.customers.0.orders.2.refunded",
      ]),
    );
  });
});

describe("the control plane's webhooks/send", () => {
  it("sends order.* about an order and refund.* about a refund, as they are now", async () => {
    const c = await shop();
    const { order } = await purchase(c);
    const refund = await t.http
      .post("/v1/refunds/")
      .set(c.headers)
      .send({ order_id: order.id, reason: "other", amount: 100 });
    for (const [type, id] of [
      ["order.paid", order.id],
      ["order.updated", order.id],
      ["refund.updated", refund.body.id],
    ] as const) {
      const sent = await post(t.http, "/_emulator/webhooks/send", {}, { type, id });
      expect(sent.status, JSON.stringify(sent.body)).toBe(200);
      expect(types(sent.body.events)).toEqual([type]);
      expect(sent.body.events[0].data.id).toBe(id);
    }
    const got = await t.http.get(`/v1/orders/${order.id}`).set(c.headers);
    const sent = await post(t.http, "/_emulator/webhooks/send", {}, { type: "order.created", id: order.id });
    expect(sent.body.events[0].data).toEqual(got.body);
    const unknown = await post(
      t.http,
      "/_emulator/webhooks/send",
      {},
      { type: "order.paid", id: crypto.randomUUID() },
    );
    expect(unknown.status).toBe(404);
  });
});
