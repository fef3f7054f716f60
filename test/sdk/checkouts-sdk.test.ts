/**
 * Checkouts and checkout links through the official clients: `@polar-sh/sdk` 0.49 (every response
 * validated with zod, so each call that resolves proves the bytes fit) and each 1.x module (which
 * validates nothing: each resolved value is checked against the module's declared type).
 */
import { randomUUID } from "node:crypto";
import { Polar } from "@polar-sh/sdk";
import { ResourceNotFound } from "@polar-sh/sdk/models/errors/resourcenotfound.js";
import * as v202604 from "polar-sdk-v1/2026-04";
import * as v202610 from "polar-sdk-v1/2026-10";
import * as v202701 from "polar-sdk-v1/2027-01";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningEmulator, startEmulator } from "../../src/index.js";
import { MODULES, type Module, shapesOf } from "./sdk-v1-shapes.js";

const SDK = { "2026-04": v202604, "2026-10": v202610, "2027-01": v202701 } as const;

let emulator: RunningEmulator;

beforeAll(async () => {
  emulator = await startEmulator();
});

afterAll(async () => {
  await emulator?.close();
});

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to be rejected, it resolved");
}

describe("@polar-sh/sdk 0.49", () => {
  it("creates, lists, gets, updates checkouts, and drives the client API to a purchase", async () => {
    const { token } = emulator.createOrganization();
    const polar = new Polar({ accessToken: token, serverURL: emulator.url });
    const product = await polar.products.create({
      name: "Pro",
      recurringInterval: "month",
      prices: [{ amountType: "fixed", priceAmount: 2000 }],
    });
    const benefit = await polar.benefits.create({ type: "custom", description: "Support", properties: {} });
    await polar.products.updateBenefits({
      id: product.id,
      productBenefitsUpdate: { benefits: [benefit.id] },
    });
    const discount = await polar.discounts.create({
      type: "percentage",
      name: "Launch",
      duration: "repeating",
      durationInMonths: 3,
      basisPoints: 2500,
      code: "LAUNCH",
    });
    const checkout = await polar.checkouts.create({
      products: [product.id],
      successUrl: "https://app.example.com/ok?c={CHECKOUT_ID}",
      metadata: { ref: "1" },
      customerBillingAddress: {
        country: "US",
        state: "NY",
        line1: "1 Broadway",
        city: "NYC",
        postalCode: "10004",
      },
    });
    expect(checkout.url).toBe(`${emulator.url}/checkout/${checkout.clientSecret}`);
    expect(checkout.expiresAt).toBeInstanceOf(Date);
    const listed: string[] = [];
    for await (const page of await polar.checkouts.list({}))
      listed.push(...page.result.items.map((item) => item.id));
    expect(listed).toEqual([checkout.id]);
    expect((await polar.checkouts.get({ id: checkout.id })).id).toBe(checkout.id);
    const updated = await polar.checkouts.update({
      id: checkout.id,
      checkoutUpdate: { discountId: discount.id, customerName: "Ann" },
    });
    expect(updated.discountAmount).toBe(500);
    const missing = await rejectionOf(polar.checkouts.get({ id: randomUUID() }));
    expect(missing).toBeInstanceOf(ResourceNotFound);

    const anonymous = new Polar({ serverURL: emulator.url });
    const page = await anonymous.checkouts.clientGet({ clientSecret: checkout.clientSecret });
    expect(page.organization.id).toBe(checkout.organizationId);
    const changed = await anonymous.checkouts.clientUpdate({
      clientSecret: checkout.clientSecret,
      checkoutUpdatePublic: { customerEmail: "ann@example.com", discountCode: "launch" },
    });
    expect(changed.customerEmail).toBe("ann@example.com");
    const confirmed = await anonymous.checkouts.clientConfirm({
      clientSecret: checkout.clientSecret,
      checkoutConfirmStripe: { confirmationTokenId: "4242424242424242" },
    });
    expect(confirmed.status).toBe("confirmed");
    const done = await polar.checkouts.get({ id: checkout.id });
    expect(done.status).toBe("succeeded");
    expect(done.customerId).not.toBeNull();
  });

  it("creates, lists, gets, updates and deletes checkout links", async () => {
    const { token } = emulator.createOrganization();
    const polar = new Polar({ accessToken: token, serverURL: emulator.url });
    const product = await polar.products.create({
      name: "Book",
      prices: [{ amountType: "fixed", priceAmount: 900 }],
    });
    const discount = await polar.discounts.create({
      type: "fixed",
      name: "Two off",
      duration: "once",
      amount: 200,
      currency: "usd",
    });
    const link = await polar.checkoutLinks.create({
      paymentProcessor: "stripe",
      products: [product.id],
      label: "Book",
      discountId: discount.id,
    });
    expect(link.url).toBe(`${emulator.url}/v1/checkout-links/${link.clientSecret}/redirect`);
    const listed: string[] = [];
    for await (const page of await polar.checkoutLinks.list({}))
      listed.push(...page.result.items.map((item) => item.id));
    expect(listed).toEqual([link.id]);
    expect((await polar.checkoutLinks.get({ id: link.id })).discount?.id).toBe(discount.id);
    const updated = await polar.checkoutLinks.update({
      id: link.id,
      checkoutLinkUpdate: { label: "Book 2" },
    });
    expect(updated.label).toBe("Book 2");
    await polar.checkoutLinks.delete({ id: link.id });
    expect(await rejectionOf(polar.checkoutLinks.get({ id: link.id }))).toBeInstanceOf(ResourceNotFound);
  });
});

describe.each(MODULES)("@polar-sh/sdk 1.x, module %s", (module: Module) => {
  const sdk = SDK[module];
  const shapes = shapesOf(module);
  const problems: string[] = [];
  function check(method: string, value: unknown): void {
    problems.push(...shapes.problems(method, value).map((problem) => `${method} ${problem}`));
  }

  it("answers every checkout and checkout link call with the module's types", async () => {
    const { token } = emulator.createOrganization();
    const polar = sdk.createPolar({ accessToken: token, baseUrl: emulator.url });
    const product = await polar.products.create({
      name: "Pro",
      recurring_interval: "month",
      prices: [{ amount_type: "fixed", price_amount: 2000 }],
    });
    const checkout = await polar.checkouts.create({
      products: [product.id],
      customer_email: "v1@example.com",
    });
    check("checkouts.create", checkout);
    check("checkouts.list", await polar.checkouts.list({ status: "open" }));
    check("checkouts.get", await polar.checkouts.get(checkout.id));
    check("checkouts.update", await polar.checkouts.update(checkout.id, { metadata: { a: 1 } }));
    check("checkouts.clientGet", await polar.checkouts.clientGet(checkout.client_secret));
    check(
      "checkouts.clientUpdate",
      await polar.checkouts.clientUpdate(checkout.client_secret, {
        customer_billing_address: { country: "DE" },
      }),
    );
    const confirmed = await polar.checkouts.clientConfirm(checkout.client_secret, {
      confirmation_token_id: "tok_visa",
    });
    check("checkouts.clientConfirm", confirmed);
    expect(confirmed.status).toBe("confirmed");

    const link = await polar.checkoutLinks.create({ payment_processor: "stripe", product_id: product.id });
    check("checkoutLinks.create", link);
    check("checkoutLinks.list", await polar.checkoutLinks.list());
    check("checkoutLinks.get", await polar.checkoutLinks.get(link.id));
    check("checkoutLinks.update", await polar.checkoutLinks.update(link.id, { label: "Pro" }));
    await polar.checkoutLinks.delete(link.id);
    const gone = await rejectionOf(polar.checkoutLinks.get(link.id));
    expect(gone).toBeInstanceOf(sdk.errors.ResourceNotFound);
    expect(problems.join("\n")).toBe("");
  });
});
