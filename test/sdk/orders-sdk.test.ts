/**
 * The official clients against orders and refunds. The 0.49 client validates every response with
 * zod, so each resolved call (and each typed error) proves the bytes satisfy it; every 1.x module
 * resolves to the JSON as sent, checked against the module's own declared types
 * (sdk-v1-shapes.ts), and must equal what plain HTTP gets.
 */
import { Polar } from "@polar-sh/sdk";
import { MissingInvoiceBillingDetails } from "@polar-sh/sdk/models/errors/missinginvoicebillingdetails.js";
import { OrderNotDraft } from "@polar-sh/sdk/models/errors/ordernotdraft.js";
import { RefundedAlready } from "@polar-sh/sdk/models/errors/refundedalready.js";
import { ResourceNotFound } from "@polar-sh/sdk/models/errors/resourcenotfound.js";
import { SDKError } from "@polar-sh/sdk/models/errors/sdkerror.js";
import { PolarClientError } from "polar-sdk-v1";
import * as v202604 from "polar-sdk-v1/2026-04";
import * as v202610 from "polar-sdk-v1/2026-10";
import * as v202701 from "polar-sdk-v1/2027-01";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Catalog, catalog, post } from "../billing/setup.js";
import { startTestEmulator } from "../helpers.js";
import { MODULES, type Module, shapesOf } from "./sdk-v1-shapes.js";

type SdkModule = typeof v202610;
const SDK: Record<Module, SdkModule> = {
  "2026-04": v202604 as unknown as SdkModule,
  "2026-10": v202610,
  "2027-01": v202701 as unknown as SdkModule,
};

let t: Awaited<ReturnType<typeof startTestEmulator>>;

beforeAll(async () => {
  t = await startTestEmulator();
});
afterAll(async () => {
  await t?.emulator.close();
});

interface Shop {
  c: Catalog;
  /** A paid one-time purchase, a pending one, and a subscription with a renewal. */
  paid: string;
  pending: string;
  subscriptionId: string;
}

/** A tenant with every kind of order the emulator places. */
async function shop(): Promise<Shop> {
  const c = await catalog(t.emulator, t.http);
  const product = await post(t.http, "/v1/products/", c.headers, {
    name: "Lifetime",
    prices: [{ amount_type: "fixed", price_amount: 5000, price_currency: "usd" }],
  });
  const discount = await post(t.http, "/v1/discounts/", c.headers, {
    name: "Launch",
    type: "fixed",
    amount: 1000,
    currency: "usd",
    duration: "repeating",
    duration_in_months: 3,
  });
  const place = async (body: Record<string, unknown>) => {
    const response = await post(
      t.http,
      "/_emulator/orders",
      {},
      {
        customer_id: c.customer.id,
        product_id: product.body.id,
        ...body,
      },
    );
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    return response.body.order.id as string;
  };
  const paid = await place({ discount_id: discount.body.id, metadata: { source: "sdk" } });
  const pending = await place({ paid: false });
  const started = await post(
    t.http,
    "/_emulator/subscriptions",
    {},
    {
      customer_id: c.customer.id,
      product_id: c.product.id,
      status: "trialing",
    },
  );
  const subscriptionId = started.body.subscription.id as string;
  await post(t.http, `/_emulator/subscriptions/${subscriptionId}/activate`, {}, undefined);
  await post(t.http, `/_emulator/subscriptions/${subscriptionId}/renew_failed`, {}, undefined);
  return { c, paid, pending, subscriptionId };
}

async function http(s: Shop, path: string) {
  const response = await t.http.get(path).set(s.c.headers);
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return response.body;
}

describe("@polar-sh/sdk 0.49", () => {
  it("lists, gets, updates and exports orders; invoices and receipts", async () => {
    const s = await shop();
    const polar = new Polar({ accessToken: s.c.token, serverURL: t.emulator.url });
    const seen: string[] = [];
    for await (const page of await polar.orders.list({ limit: 2 })) {
      for (const order of page.result.items) seen.push(`${order.billingReason} ${order.status}`);
    }
    expect(seen.sort()).toEqual([
      "purchase paid",
      "purchase pending",
      "subscription_create paid",
      "subscription_cycle paid",
      "subscription_cycle pending",
    ]);
    // 0.49 has no `status` filter; the billing type one it has.
    const filtered = await polar.orders.list({ productBillingType: "recurring" });
    expect(filtered.result.items.map((item) => item.status).sort()).toEqual(["paid", "paid", "pending"]);
    const pending = filtered.result.items.find((item) => item.status === "pending");
    expect(pending?.nextPaymentAttemptAt).toBeInstanceOf(Date);

    const order = await polar.orders.get({ id: s.paid });
    expect(order).toMatchObject({
      status: "paid",
      discountAmount: 1000,
      netAmount: 4000,
      metadata: { source: "sdk" },
    });
    expect(order.discount?.name).toBe("Launch");
    await expect(polar.orders.get({ id: crypto.randomUUID() })).rejects.toBeInstanceOf(ResourceNotFound);

    await expect(polar.orders.generateInvoice({ id: s.paid })).rejects.toBeInstanceOf(
      MissingInvoiceBillingDetails,
    );
    const updated = await polar.orders.update({
      id: s.paid,
      orderUpdate: { billingName: "Ada Inc.", billingAddress: { country: "DE", city: "Berlin" } },
    });
    expect(updated.billingAddress?.country).toBe("DE");
    await polar.orders.generateInvoice({ id: s.paid });
    const invoice = await polar.orders.invoice({ id: s.paid });
    expect(invoice.url).toContain(`/_emulator/orders/${s.paid}/invoice.pdf`);
    expect(await polar.orders.receipt({ id: s.paid })).toBeUndefined();
    expect((await polar.orders.receipt({ id: s.paid }))?.url).toContain("receipt.pdf");

    const csv = await polar.orders.export({});
    expect(csv.split("\r\n")[0]).toBe("Email,Created At,Product,Net Amount,Currency,Status,Invoice number");

    await expect(polar.orders.finalize({ id: s.paid, orderFinalize: {} })).rejects.toBeInstanceOf(
      OrderNotDraft,
    );
    // No organization has Polar's `off_session_charges_enabled` feature: 403, which 0.49 maps to
    // no typed error for orders.create (Polar's document lists 201 and 422), so its SDKError.
    const created = await polar.orders
      .create({ customerId: s.c.customer.id, productId: s.c.product.id })
      .catch((error: unknown) => error);
    expect(created).toBeInstanceOf(SDKError);
    expect((created as SDKError).statusCode).toBe(403);
    expect(JSON.parse((created as SDKError).body)).toMatchObject({ error: "OffSessionChargesNotEnabled" });
  });

  it("creates and lists refunds", async () => {
    const s = await shop();
    const polar = new Polar({ accessToken: s.c.token, serverURL: t.emulator.url });
    const refund = await polar.refunds.create({ orderId: s.paid, reason: "customer_request", amount: 4000 });
    expect(refund).toMatchObject({ status: "succeeded", amount: 4000, orderId: s.paid, dispute: null });
    expect(refund.createdAt).toBeInstanceOf(Date);
    await expect(
      polar.refunds.create({ orderId: s.paid, reason: "other", amount: 1 }),
    ).rejects.toBeInstanceOf(RefundedAlready);
    const listed = await polar.refunds.list({ orderId: s.paid });
    expect(listed.result.items.map((item) => item.id)).toEqual([refund.id]);
    expect((await polar.orders.get({ id: s.paid })).status).toBe("refunded");
  });
});

describe.each(MODULES)("@polar-sh/sdk 1.0, module %s", (module) => {
  const sdk = SDK[module];
  const shapes = shapesOf(module);

  it("answers every orders and refunds call with the module's types, as plain HTTP does", async () => {
    const s = await shop();
    const polar = sdk.createPolar({ accessToken: s.c.token, baseUrl: t.emulator.url });
    const problems: string[] = [];
    const check = (method: string, value: unknown) =>
      problems.push(...shapes.problems(method, value).map((problem) => `${method} ${problem}`));

    const list = await polar.orders.list({ limit: 100 });
    check("orders.list", list);
    expect(list).toEqual(await http(s, "/v1/orders/?limit=100"));
    const order = await polar.orders.get(s.pending);
    check("orders.get", order);
    const updated = await polar.orders.update(s.paid, {
      billing_address: { country: "SE" },
      billing_name: "Ada",
    });
    check("orders.update", updated);
    await polar.orders.generateInvoice(s.paid);
    const invoice = await polar.orders.invoice(s.paid);
    check("orders.invoice", invoice);
    await polar.orders.receipt(s.paid).catch(() => undefined);
    const receipt = await polar.orders.receipt(s.paid);
    check("orders.receipt", receipt);
    const csv = await polar.orders.export({ columns: ["total_amount", "billing_reason"] });
    expect(String(csv).startsWith("Total,Billing Reason\r\n")).toBe(true);
    const refund = await polar.refunds.create({ order_id: s.paid, reason: "duplicate", amount: 100 });
    check("refunds.create", refund);
    const refunds = await polar.refunds.list({});
    check("refunds.list", refunds);
    expect(refunds).toEqual(await http(s, "/v1/refunds/"));

    const missing = await polar.orders.get(crypto.randomUUID()).catch((error: unknown) => error);
    expect(missing).toBeInstanceOf(sdk.errors.ResourceNotFound);
    const again = await polar.refunds
      .create({ order_id: s.pending, reason: "other", amount: 1 })
      .catch((error: unknown) => error);
    expect(again).toBeInstanceOf(Error);
    const draft = await polar.orders.finalize(s.paid, {}).catch((error: unknown) => error);
    expect(draft).toBeInstanceOf(sdk.errors.OrderNotDraft);
    // orders.create maps no 403 (Polar's document lists 201 and 422): the client's base error,
    // with the body's text.
    const created = await polar.orders
      .create({ customer_id: s.c.customer.id, product_id: s.c.product.id })
      .catch((error: unknown) => error);
    expect(created).toBeInstanceOf(PolarClientError);
    expect((created as PolarClientError).statusCode).toBe(403);
    expect(JSON.parse(String((created as PolarClientError).error))).toMatchObject({
      error: "OffSessionChargesNotEnabled",
    });
    expect(problems.join("\n")).toBe("");
  });
});
