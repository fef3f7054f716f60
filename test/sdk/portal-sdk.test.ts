/**
 * Customer sessions, license keys and the customer portal through the official clients:
 * `@polar-sh/sdk` 0.49 (every answer validated by zod, the portal with its `customerSession`
 * security) and 1.x (`polar-sdk-v1/2026-10`, a customer session token as the access token; each
 * answer checked against the module's declared types).
 */
import { Polar } from "@polar-sh/sdk";
import { NotPermitted } from "@polar-sh/sdk/models/errors/notpermitted.js";
import { ResourceNotFound } from "@polar-sh/sdk/models/errors/resourcenotfound.js";
import { createPolar } from "polar-sdk-v1/2026-10";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningEmulator, startEmulator } from "../../src/index.js";
import { shapesOf } from "./sdk-v1-shapes.js";

let emulator: RunningEmulator;
beforeAll(async () => {
  emulator = await startEmulator();
});
afterAll(async () => {
  await emulator?.close();
});

/** A tenant whose customer holds a subscription granting a license key with two activations. */
async function setup() {
  const { token, organizationId } = emulator.createOrganization();
  const v0 = new Polar({ accessToken: token, serverURL: emulator.url });
  const customer = await v0.customers.create({ email: "ada@example.com", name: "Ada", externalId: "ada" });
  const benefit = await v0.benefits.create({
    type: "license_keys",
    description: "Desktop app",
    properties: { prefix: "APP", activations: { limit: 2, enableCustomerAdmin: true }, limitUsage: 10 },
  });
  const meterCredit = await v0.meters.create({
    name: "Exports",
    filter: { conjunction: "and", clauses: [{ property: "name", operator: "eq", value: "export" }] },
    aggregation: { func: "count" },
  });
  const credit = await v0.benefits.create({
    type: "meter_credit",
    description: "100 exports",
    properties: { units: 100, rollover: false, meterId: meterCredit.id },
  });
  const product = await v0.products.create({
    name: "App",
    recurringInterval: "month",
    prices: [{ amountType: "fixed", priceAmount: 900, priceCurrency: "usd" }],
  });
  await v0.products.updateBenefits({
    id: product.id,
    productBenefitsUpdate: { benefits: [benefit.id, credit.id] },
  });
  const started = await fetch(`${emulator.url}/_emulator/subscriptions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ customer_id: customer.id, product_id: product.id }),
  });
  const subscriptionId = ((await started.json()) as { subscription: { id: string } }).subscription.id;
  return { token, organizationId, v0, customer, benefit, product, subscriptionId };
}

describe("@polar-sh/sdk 0.49", () => {
  it("creates customer sessions and serves every license key operation", async () => {
    const { v0, customer, organizationId } = await setup();
    const session = await v0.customerSessions.create({
      customerId: customer.id,
      returnUrl: "https://example.com/",
    });
    expect(session.token).toMatch(/^polar_cst_/);
    expect(session.expiresAt).toBeInstanceOf(Date);
    const byExternal = await v0.customerSessions.create({ externalCustomerId: "ada" });
    expect(byExternal.customerId).toBe(customer.id);

    const pages = [];
    for await (const page of await v0.licenseKeys.list({})) pages.push(...page.result.items);
    expect(pages).toHaveLength(1);
    const key = pages[0];
    expect(key.key).toMatch(/^APP-/);
    const validated = await v0.licenseKeys.validate({ key: key.key, organizationId, incrementUsage: 1 });
    expect(validated.usage).toBe(1);
    const activation = await v0.licenseKeys.activate({
      key: key.key,
      organizationId,
      label: "laptop",
      meta: { os: "mac" },
    });
    expect(activation.licenseKey.id).toBe(key.id);
    const withActivation = await v0.licenseKeys.validate({
      key: key.key,
      organizationId,
      activationId: activation.id,
    });
    expect(withActivation.activation?.id).toBe(activation.id);
    expect((await v0.licenseKeys.get({ id: key.id })).activations).toHaveLength(1);
    expect((await v0.licenseKeys.getActivation({ id: key.id, activationId: activation.id })).label).toBe(
      "laptop",
    );
    await v0.licenseKeys.activate({ key: key.key, organizationId, label: "desktop" });
    await expect(
      v0.licenseKeys.activate({ key: key.key, organizationId, label: "phone" }),
    ).rejects.toBeInstanceOf(NotPermitted);
    await v0.licenseKeys.deactivate({ key: key.key, organizationId, activationId: activation.id });
    const updated = await v0.licenseKeys.update({
      id: key.id,
      licenseKeyUpdate: { limitUsage: 20, status: "disabled" },
    });
    expect(updated).toMatchObject({ limitUsage: 20, status: "disabled" });
    await expect(v0.licenseKeys.validate({ key: key.key, organizationId })).rejects.toBeInstanceOf(
      ResourceNotFound,
    );
  });

  it("serves the customer portal with a customer session", async () => {
    const { v0, customer, organizationId, subscriptionId } = await setup();
    const { token: customerSession } = await v0.customerSessions.create({ customerId: customer.id });
    const sec = { customerSession };
    const portal = v0.customerPortal;
    expect((await portal.customers.get(sec)).id).toBe(customer.id);
    expect((await portal.customers.update(sec, { billingName: "Ada Ltd" })).billingName).toBe("Ada Ltd");
    for await (const page of await portal.customers.listPaymentMethods(sec, {}))
      expect(page.result.items).toEqual([]);
    expect((await portal.customerSession.introspect(sec)).expiresAt).toBeInstanceOf(Date);
    expect((await portal.customerSession.getAuthenticatedUser(sec)).customerId).toBe(customer.id);
    const organization = await v0.organizations.get({ id: organizationId });
    const data = await portal.organizations.get({ slug: organization.slug });
    expect(data.products).toHaveLength(1);

    const grants = (await portal.benefitGrants.list(sec, {})).result.items;
    expect(grants).toHaveLength(2);
    expect((await portal.benefitGrants.get(sec, { id: grants[0].id })).id).toBe(grants[0].id);
    const grant = grants.find((item) => item.benefit.type === "license_keys");
    expect(grant).toBeDefined();
    await portal.benefitGrants.update(sec, {
      id: grant?.id ?? "",
      customerBenefitGrantUpdate: { benefitType: "license_keys" },
    });

    const subscriptions = (await portal.subscriptions.list(sec, {})).result.items;
    expect(subscriptions.map((item) => item.id)).toEqual([subscriptionId]);
    expect((await portal.subscriptions.get(sec, { id: subscriptionId })).product.organization.id).toBe(
      organizationId,
    );
    const canceled = await portal.subscriptions.update(sec, {
      id: subscriptionId,
      customerSubscriptionUpdate: { cancelAtPeriodEnd: true, cancellationReason: "unused" },
    });
    expect(canceled.customerCancellationReason).toBe("unused");
    await portal.subscriptions.update(sec, {
      id: subscriptionId,
      customerSubscriptionUpdate: { cancelAtPeriodEnd: false },
    });
    expect((await portal.subscriptions.cancel(sec, { id: subscriptionId })).cancelAtPeriodEnd).toBe(true);

    const meters = (await portal.customerMeters.list(sec, {})).result.items;
    expect(meters[0].creditedUnits).toBe(100);
    expect((await portal.customerMeters.get(sec, { id: meters[0].id })).meter.name).toBe("Exports");

    const keys = (await portal.licenseKeys.list(sec, {})).result.items;
    const key = await portal.licenseKeys.get(sec, { id: keys[0].id });
    const activation = await portal.licenseKeys.activate({ key: key.key, organizationId, label: "laptop" });
    expect((await portal.licenseKeys.get(sec, { id: key.id })).activations).toHaveLength(1);
    expect((await portal.licenseKeys.validate({ key: key.key, organizationId })).validations).toBe(1);
    await portal.licenseKeys.deactivate({ key: key.key, organizationId, activationId: activation.id });
    expect((await portal.downloadables.list(sec, {})).result.items).toEqual([]);
  });
});

describe("@polar-sh/sdk 1.x (2026-10)", () => {
  const shapes = shapesOf("2026-10");
  const conform = <T>(method: string, value: T): T => {
    expect(shapes.problems(method, value), method).toEqual([]);
    return value;
  };

  it("answers every operation in the shapes the module declares", async () => {
    const { token, customer, organizationId, subscriptionId } = await setup();
    const v1 = createPolar({ accessToken: token, baseUrl: emulator.url });
    const session = conform(
      "customerSessions.create",
      await v1.customerSessions.create({ customer_id: customer.id }),
    );
    const keys = conform("licenseKeys.list", await v1.licenseKeys.list());
    const key = keys.items[0];
    conform("licenseKeys.get", await v1.licenseKeys.get(key.id));
    conform("licenseKeys.update", await v1.licenseKeys.update(key.id, { limit_usage: 50 }));
    conform(
      "licenseKeys.validate",
      await v1.licenseKeys.validate({ key: key.key, organization_id: organizationId }),
    );
    const activation = conform(
      "licenseKeys.activate",
      await v1.licenseKeys.activate({ key: key.key, organization_id: organizationId, label: "laptop" }),
    );
    conform("licenseKeys.getActivation", await v1.licenseKeys.getActivation(key.id, activation.id));
    await v1.licenseKeys.deactivate({
      key: key.key,
      organization_id: organizationId,
      activation_id: activation.id,
    });

    const portal = createPolar({ accessToken: session.token, baseUrl: emulator.url }).customerPortal;
    conform("customerPortal.customers.get", await portal.customers.get());
    conform("customerPortal.customers.update", await portal.customers.update({ billing_name: "Ada Ltd" }));
    conform("customerPortal.customers.listPaymentMethods", await portal.customers.listPaymentMethods());
    conform("customerPortal.customerSession.introspect", await portal.customerSession.introspect());
    conform(
      "customerPortal.customerSession.getAuthenticatedUser",
      await portal.customerSession.getAuthenticatedUser(),
    );
    const slug = (await v1.organizations.get(organizationId)).slug;
    conform("customerPortal.organizations.get", await portal.organizations.get(slug));
    const grants = conform("customerPortal.benefitGrants.list", await portal.benefitGrants.list());
    conform("customerPortal.benefitGrants.get", await portal.benefitGrants.get(grants.items[0].id));
    const grant = grants.items.find((item) => item.benefit.type === "license_keys");
    conform(
      "customerPortal.benefitGrants.update",
      await portal.benefitGrants.update(grant?.id ?? "", { benefit_type: "license_keys" }),
    );
    conform("customerPortal.subscriptions.list", await portal.subscriptions.list());
    conform("customerPortal.subscriptions.get", await portal.subscriptions.get(subscriptionId));
    conform(
      "customerPortal.subscriptions.update",
      await portal.subscriptions.update(subscriptionId, {
        cancel_at_period_end: true,
        cancellation_reason: "other",
      }),
    );
    await portal.subscriptions.update(subscriptionId, { cancel_at_period_end: false });
    conform("customerPortal.subscriptions.cancel", await portal.subscriptions.cancel(subscriptionId));
    const meters = conform("customerPortal.customerMeters.list", await portal.customerMeters.list());
    conform("customerPortal.customerMeters.get", await portal.customerMeters.get(meters.items[0].id));
    const portalKeys = conform("customerPortal.licenseKeys.list", await portal.licenseKeys.list());
    conform("customerPortal.licenseKeys.get", await portal.licenseKeys.get(portalKeys.items[0].id));
    conform(
      "customerPortal.licenseKeys.validate",
      await portal.licenseKeys.validate({ key: key.key, organization_id: organizationId }),
    );
    const portalActivation = conform(
      "customerPortal.licenseKeys.activate",
      await portal.licenseKeys.activate({ key: key.key, organization_id: organizationId, label: "desktop" }),
    );
    await portal.licenseKeys.deactivate({
      key: key.key,
      organization_id: organizationId,
      activation_id: portalActivation.id,
    });
    conform("customerPortal.downloadables.list", await portal.downloadables.list());
  });
});

describe("a team's members and wallets in the portal", () => {
  async function team() {
    const { token } = emulator.createOrganization({ member_model_enabled: true });
    const v0 = new Polar({ accessToken: token, serverURL: emulator.url });
    const customer = await v0.customers.create({
      type: "team",
      email: "team@example.com",
      owner: { email: "boss@example.com", name: "Boss" },
    });
    const owner = (await v0.members.listMembers({ customerId: customer.id })).result.items[0];
    const session = await v0.customerSessions.create({ customerId: customer.id, memberId: owner.id });
    return session.token;
  }

  it("@polar-sh/sdk 0.49 loads every answer", async () => {
    const memberSession = await team();
    const portal = new Polar({ accessToken: memberSession, serverURL: emulator.url }).customerPortal;
    const added = await portal.members.addMember({ email: "m@example.com", name: "M" });
    expect(added.role).toBe("member");
    expect((await portal.members.listMembers({})).result.items).toHaveLength(2);
    expect(
      (await portal.members.updateMember({ id: added.id, customerPortalMemberUpdate: { name: "Mia" } })).name,
    ).toBe("Mia");
    await portal.members.removeMember({ id: added.id });
    expect((await portal.wallets.list({ customerSession: memberSession }, {})).result.items).toEqual([]);
    await expect(
      portal.wallets.get({ customerSession: memberSession }, { id: "3f2b8c4e-9d1a-4b7e-8f60-2c5d9e1a7b34" }),
    ).rejects.toBeInstanceOf(ResourceNotFound);
  });

  it("@polar-sh/sdk 1.x answers in the declared shapes", async () => {
    const shapes = shapesOf("2026-10");
    const conform = <T>(method: string, value: T): T => {
      expect(shapes.problems(method, value), method).toEqual([]);
      return value;
    };
    const portal = createPolar({ accessToken: await team(), baseUrl: emulator.url }).customerPortal;
    const added = conform(
      "customerPortal.members.addMember",
      await portal.members.addMember({ email: "m@example.com" }),
    );
    conform("customerPortal.members.listMembers", await portal.members.listMembers());
    conform(
      "customerPortal.members.updateMember",
      await portal.members.updateMember(added.id, { role: "billing_manager" }),
    );
    await portal.members.removeMember(added.id);
    conform("customerPortal.wallets.list", await portal.wallets.list());
  });
});

describe("saved cards in the portal", () => {
  it("@polar-sh/sdk 0.49 and 1.x load every answer", async () => {
    const { v0, customer } = await setup();
    const { token: customerSession } = await v0.customerSessions.create({ customerId: customer.id });
    const sec = { customerSession };
    const portal = v0.customerPortal.customers;
    const added = await portal.addPaymentMethod(sec, {
      confirmationTokenId: "tok_visa",
      setDefault: true,
      returnUrl: "https://example.com/billing",
    });
    expect(added.status).toBe("succeeded");
    const action = await portal.addPaymentMethod(sec, {
      confirmationTokenId: "pm_card_authenticationRequired",
      setDefault: false,
      returnUrl: "https://example.com/billing",
    });
    expect(action.status).toBe("requires_action");
    const secret = "clientSecret" in action ? action.clientSecret : "";
    const confirmed = await portal.confirmPaymentMethod(sec, {
      setupIntentId: secret.split("_secret_")[0],
      setDefault: false,
    });
    expect(confirmed.status).toBe("succeeded");
    const listed = (await portal.listPaymentMethods(sec, {})).result.items;
    expect(listed).toHaveLength(2);
    const org = (await v0.customers.listPaymentMethods({ id: customer.id })).result.items;
    expect(org.map((item) => item.isDefault)).toEqual([true, false]);
    await portal.deletePaymentMethod(sec, { id: listed[1].id });

    const shapes = shapesOf("2026-10");
    const conform = <T>(method: string, value: T): T => {
      expect(shapes.problems(method, value), method).toEqual([]);
      return value;
    };
    const v1 = createPolar({ accessToken: customerSession, baseUrl: emulator.url }).customerPortal.customers;
    const pending = conform(
      "customerPortal.customers.addPaymentMethod",
      await v1.addPaymentMethod({
        confirmation_token_id: "tok_threeDSecure2Required",
        set_default: false,
        return_url: "https://example.com/billing",
      }),
    );
    const intent = "client_secret" in pending ? pending.client_secret.split("_secret_")[0] : "";
    conform(
      "customerPortal.customers.confirmPaymentMethod",
      await v1.confirmPaymentMethod({ setup_intent_id: intent, set_default: true }),
    );
    conform("customerPortal.customers.listPaymentMethods", await v1.listPaymentMethods());
  });
});

describe("orders and the email change in the portal", () => {
  /** The setup's customer with a one-time purchase and a past-due renewal, and its session. */
  async function withOrders() {
    const base = await setup();
    const post = (path: string, body: unknown) =>
      fetch(`${emulator.url}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    const oneTime = await base.v0.products.create({
      name: "Guide",
      prices: [{ amountType: "fixed", priceAmount: 1500, priceCurrency: "usd" }],
    });
    expect(
      (await post("/_emulator/orders", { customer_id: base.customer.id, product_id: oneTime.id })).status,
    ).toBe(201);
    expect(
      (await post(`/_emulator/subscriptions/${base.subscriptionId}/renew_failed`, undefined)).status,
    ).toBe(200);
    const { token: customerSession } = await base.v0.customerSessions.create({
      customerId: base.customer.id,
    });
    await fetch(`${emulator.url}/v1/organizations/${base.organizationId}`, {
      method: "PATCH",
      headers: { "content-type": "application/json", authorization: `Bearer ${base.token}` },
      body: JSON.stringify({
        customer_portal_settings: {
          usage: { show: true },
          subscription: { update_seats: true, update_plan: true },
          customer: { allow_email_change: true },
        },
      }),
    });
    const pendingToken = async () =>
      (
        (await (
          await fetch(`${emulator.url}/_emulator/customers/${base.customer.id}/email-update`)
        ).json()) as {
          token: string;
        }
      ).token;
    return { ...base, oneTime, customerSession, pendingToken };
  }

  it("@polar-sh/sdk 0.49 loads every answer", async () => {
    const { v0, oneTime, customerSession, pendingToken, subscriptionId } = await withOrders();
    const sec = { customerSession };
    const orders = v0.customerPortal.orders;
    const listed = (await orders.list(sec, {})).result.items;
    expect(listed.map((order) => order.billingReason)).toEqual([
      "subscription_cycle",
      "purchase",
      "subscription_create",
    ]);
    expect(listed[1].product?.organization.id).toBe(listed[1].product?.organizationId);
    const oneTimeOnly = (await orders.list(sec, { productBillingType: "one_time" })).result.items;
    expect(oneTimeOnly.map((order) => order.productId)).toEqual([oneTime.id]);
    const purchase = listed[1];
    expect((await orders.get(sec, { id: purchase.id })).createdAt).toBeInstanceOf(Date);
    await expect(orders.generateInvoice(sec, { id: purchase.id })).rejects.toMatchObject({
      error: "MissingInvoiceBillingDetails",
    });
    const updated = await orders.update(sec, {
      id: purchase.id,
      customerOrderUpdate: { billingName: "Ada Ltd", billingAddress: { country: "DE" } },
    });
    expect(updated.billingAddress?.country).toBe("DE");
    await orders.generateInvoice(sec, { id: purchase.id });
    expect((await orders.invoice(sec, { id: purchase.id })).url).toMatch(/invoice\.pdf$/);
    expect(await orders.receipt(sec, { id: purchase.id })).toBeUndefined();
    expect((await orders.receipt(sec, { id: purchase.id }))?.url).toMatch(/receipt\.pdf$/);
    const renewal = listed[0];
    expect(await orders.getPaymentStatus(sec, { id: renewal.id })).toEqual({
      status: "failed",
      error: "Your card was declined.",
    });
    const declined = await orders.confirmRetryPayment(sec, {
      id: renewal.id,
      customerOrderConfirmPayment: { confirmationTokenId: "tok_chargeDeclined" },
    });
    expect(declined).toEqual({ status: "failed", clientSecret: null, error: "Your card was declined." });
    const paid = await orders.confirmRetryPayment(sec, {
      id: renewal.id,
      customerOrderConfirmPayment: { confirmationTokenId: "tok_visa" },
    });
    expect(paid.status).toBe("succeeded");
    expect((await v0.subscriptions.get({ id: subscriptionId })).status).toBe("active");
    await expect(orders.get(sec, { id: "3f2b8c4e-9d1a-4b7e-8f60-2c5d9e1a7b34" })).rejects.toBeInstanceOf(
      ResourceNotFound,
    );

    const customers = v0.customerPortal.customers;
    await customers.requestEmailUpdate(sec, { email: "ada.new@example.com" });
    const token = await pendingToken();
    await customers.checkEmailUpdate({ token });
    const verified = await customers.verifyEmailUpdate({ token });
    expect(verified.token).toMatch(/^polar_cst_/);
    expect((await customers.get({ customerSession: verified.token })).email).toBe("ada.new@example.com");
    await expect(customers.checkEmailUpdate({ token })).rejects.toMatchObject({ statusCode: 401 });
  });

  it("@polar-sh/sdk 1.x answers in the declared shapes", async () => {
    const { customerSession, pendingToken } = await withOrders();
    const shapes = shapesOf("2026-10");
    const conform = <T>(method: string, value: T): T => {
      expect(shapes.problems(method, value), method).toEqual([]);
      return value;
    };
    const portal = createPolar({ accessToken: customerSession, baseUrl: emulator.url }).customerPortal;
    const listed = conform(
      "customerPortal.orders.list",
      await portal.orders.list({ sorting: ["created_at"] }),
    );
    expect(listed.items.map((order) => order.billing_reason)).toEqual([
      "subscription_create",
      "purchase",
      "subscription_cycle",
    ]);
    const [, purchase, renewal] = listed.items;
    conform("customerPortal.orders.get", await portal.orders.get(purchase.id));
    conform(
      "customerPortal.orders.update",
      await portal.orders.update(purchase.id, {
        billing_name: "Ada Ltd",
        billing_address: { country: "DE" },
      }),
    );
    await portal.orders.generateInvoice(purchase.id);
    conform("customerPortal.orders.invoice", await portal.orders.invoice(purchase.id));
    // The first request renders the receipt: Polar's empty 202, which the 1.x client cannot parse
    // as JSON (it throws a SyntaxError, as against Polar).
    await expect(portal.orders.receipt(purchase.id)).rejects.toBeInstanceOf(SyntaxError);
    conform("customerPortal.orders.receipt", await portal.orders.receipt(purchase.id));
    conform("customerPortal.orders.getPaymentStatus", await portal.orders.getPaymentStatus(renewal.id));
    const paid = conform(
      "customerPortal.orders.confirmRetryPayment",
      await portal.orders.confirmRetryPayment(renewal.id, { confirmation_token_id: "tok_visa" }),
    );
    expect(paid.status).toBe("succeeded");

    await portal.customers.requestEmailUpdate({ email: "ada.v1@example.com" });
    const token = await pendingToken();
    await portal.customers.checkEmailUpdate({ token });
    const verified = conform(
      "customerPortal.customers.verifyEmailUpdate",
      await portal.customers.verifyEmailUpdate({ token }),
    );
    expect(verified.token).toMatch(/^polar_cst_/);
  });
});
