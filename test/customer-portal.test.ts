/**
 * The customer portal API over real HTTP, with a customer session token: the customer, its
 * session, organization, grants, subscriptions (cancel from the portal and its webhooks), meters,
 * license keys (anonymous validate/activate/deactivate), downloadables and payment methods.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Catalog, type ControlEvent, catalog, post } from "./billing/setup.js";
import { startTestEmulator, tenant } from "./helpers.js";

let t: Awaited<ReturnType<typeof startTestEmulator>>;
beforeAll(async () => {
  t = await startTestEmulator();
});
afterAll(() => t.emulator.close());

type Body = Record<string, unknown>;

/** A catalog, a subscription to its product, and a customer session of its customer. */
async function portal(): Promise<{
  c: Catalog;
  subscriptionId: string;
  token: string;
  headers: Record<string, string>;
}> {
  const c = await catalog(t.emulator, t.http);
  const started = await post(
    t.http,
    "/_emulator/subscriptions",
    {},
    { customer_id: c.customer.id, product_id: c.product.id },
  );
  expect(started.status).toBe(201);
  const session = await post(t.http, "/v1/customer-sessions/", c.headers, {
    customer_id: c.customer.id,
    return_url: "https://app.example.com/account",
  });
  expect(session.status).toBe(201);
  return {
    c,
    subscriptionId: started.body.subscription.id,
    token: session.body.token,
    headers: { Authorization: `Bearer ${session.body.token}` },
  };
}

describe("customer portal", () => {
  it("authenticates customer sessions only", async () => {
    const p = await portal();
    const me = await t.http.get("/v1/customer-portal/customers/me").set(p.headers);
    expect(me.status).toBe(200);
    const withOrgToken = await t.http.get("/v1/customer-portal/customers/me").set(p.c.headers);
    expect(withOrgToken.status).toBe(401);
    expect(withOrgToken.body).toEqual({ error: "Unauthorized", detail: "Unauthorized" });
    const none = await t.http.get("/v1/customer-portal/customers/me");
    expect(none.status).toBe(401);
    const unknown = await t.http
      .get("/v1/customer-portal/customers/me")
      .set({ Authorization: `Bearer polar_cst_${"x".repeat(43)}` });
    expect(unknown.status).toBe(401);
    expect(unknown.body.error).toBe("invalid_token");
    // A deleted customer's session no longer authenticates.
    await t.http.delete(`/v1/customers/${p.c.customer.id}`).set(p.c.headers);
    expect((await t.http.get("/v1/customer-portal/customers/me").set(p.headers)).status).toBe(401);
  });

  it("answers the customer, the session, the user and the organization", async () => {
    const p = await portal();
    const me = await t.http.get("/v1/customer-portal/customers/me").set(p.headers);
    expect(Object.keys(me.body)).toEqual([
      "created_at",
      "modified_at",
      "id",
      "email",
      "email_verified",
      "name",
      "billing_name",
      "billing_address",
      "tax_id",
      "oauth_accounts",
      "default_payment_method_id",
      "type",
      "locale",
    ]);
    expect(me.body).toMatchObject({ id: p.c.customer.id, email: "ada@example.com", oauth_accounts: {} });
    const introspect = await t.http.get("/v1/customer-portal/customer-session/introspect").set(p.headers);
    expect(introspect.body).toEqual({
      expires_at: expect.any(String),
      return_url: "https://app.example.com/account",
    });
    const user = await t.http.get("/v1/customer-portal/customer-session/user").set(p.headers);
    expect(user.body).toEqual({
      type: "customer",
      name: "Ada Lovelace",
      email: "ada@example.com",
      customer_id: p.c.customer.id,
      member_id: null,
      role: null,
    });
    const organization = (await t.http.get(`/v1/organizations/${p.c.organizationId}`).set(p.c.headers)).body;
    const page = await t.http.get(`/v1/customer-portal/organizations/${organization.slug}`);
    expect(page.status).toBe(200);
    expect(page.body.organization).toMatchObject({ id: organization.id, slug: organization.slug });
    expect(page.body.products.map((product: Body) => product.id)).toEqual([p.c.product.id]);
    expect((await t.http.get("/v1/customer-portal/organizations/no-such-org")).status).toBe(404);
  });

  it("updates the customer's billing details and sends customer.updated", async () => {
    const p = await portal();
    const updated = await t.http
      .patch("/v1/customer-portal/customers/me")
      .set(p.headers)
      .send({ billing_name: "Ada L. Ltd", billing_address: { country: "FR", city: "Paris" } });
    expect(updated.status, JSON.stringify(updated.body)).toBe(200);
    expect(updated.body).toMatchObject({
      billing_name: "Ada L. Ltd",
      billing_address: { country: "FR", city: "Paris" },
    });
    const reset = await t.http
      .patch("/v1/customer-portal/customers/me")
      .set(p.headers)
      .send({ billing_address: null });
    expect(reset.status).toBe(422);
    expect(reset.body.detail[0]).toMatchObject({ type: "missing", loc: ["body", "billing_address"] });
    const method = await t.http
      .patch("/v1/customer-portal/customers/me")
      .set(p.headers)
      .send({ default_payment_method_id: randomUUID() });
    expect(method.body.detail[0].msg).toBe("Payment method not found.");
    const events = (await t.http.get(`/_emulator/events?organization_id=${p.c.organizationId}`)).body
      .items as ControlEvent[];
    expect(events.some((event) => event.type === "customer.updated")).toBe(true);
    const methods = await t.http.get("/v1/customer-portal/customers/me/payment-methods").set(p.headers);
    expect(methods.body).toEqual({ items: [], pagination: { total_count: 0, max_page: 0 } });
  });

  it("lists and gets the customer's grants, meters and downloadables", async () => {
    const p = await portal();
    const grants = await t.http.get("/v1/customer-portal/benefit-grants/").set(p.headers);
    expect(grants.status, JSON.stringify(grants.body)).toBe(200);
    // Four benefits; the feature flag is private (its default), so the portal leaves it out.
    expect(grants.body.pagination.total_count).toBe(3);
    const licenseGrant = grants.body.items.find(
      (grant: Body) => (grant.benefit as Body).type === "license_keys",
    );
    expect(licenseGrant.benefit.properties).toEqual({
      prefix: "ACME",
      expires: null,
      activations: null,
      limit_usage: null,
    });
    expect(licenseGrant.customer.id).toBe(p.c.customer.id);
    const got = await t.http.get(`/v1/customer-portal/benefit-grants/${licenseGrant.id}`).set(p.headers);
    expect(got.body.id).toBe(licenseGrant.id);
    const byType = await t.http.get("/v1/customer-portal/benefit-grants/?type=custom").set(p.headers);
    expect(byType.body.items).toHaveLength(1);
    const update = await t.http
      .patch(`/v1/customer-portal/benefit-grants/${licenseGrant.id}`)
      .set(p.headers)
      .send({ benefit_type: "custom" });
    expect(update.status).toBe(422);
    expect(update.body.detail[0].msg).toBe("Benefit type must match the existing granted benefit type.");
    const same = await t.http
      .patch(`/v1/customer-portal/benefit-grants/${licenseGrant.id}`)
      .set(p.headers)
      .send({ benefit_type: "license_keys" });
    expect(same.status).toBe(200);

    const meters = await t.http.get("/v1/customer-portal/meters/").set(p.headers);
    expect(meters.status).toBe(200);
    expect(meters.body.items[0]).toMatchObject({ customer_id: p.c.customer.id, credited_units: 1000 });
    expect(Object.keys(meters.body.items[0].meter)).toEqual(["created_at", "modified_at", "id", "name"]);
    const meter = await t.http.get(`/v1/customer-portal/meters/${meters.body.items[0].id}`).set(p.headers);
    expect(meter.body.id).toBe(meters.body.items[0].id);
    expect((await t.http.get(`/v1/customer-portal/meters/${randomUUID()}`).set(p.headers)).status).toBe(404);
    const downloadables = await t.http.get("/v1/customer-portal/downloadables/").set(p.headers);
    expect(downloadables.body.items).toEqual([]);

    // Another customer's session sees none of these.
    const other = await post(t.http, "/v1/customers/", p.c.headers, { email: "bob@example.com" });
    const session = await post(t.http, "/v1/customer-sessions/", p.c.headers, { customer_id: other.body.id });
    const bob = { Authorization: `Bearer ${session.body.token}` };
    expect((await t.http.get(`/v1/customer-portal/benefit-grants/${licenseGrant.id}`).set(bob)).status).toBe(
      404,
    );
    expect((await t.http.get("/v1/customer-portal/benefit-grants/").set(bob)).body.items).toEqual([]);
  });

  it("cancels from the portal with the customer's reason, and uncancels", async () => {
    const p = await portal();
    const list = await t.http.get("/v1/customer-portal/subscriptions/").set(p.headers);
    expect(list.body.items.map((item: Body) => item.id)).toEqual([p.subscriptionId]);
    const subscription = list.body.items[0];
    expect(subscription.product.organization.id).toBe(p.c.organizationId);
    expect(subscription).not.toHaveProperty("customer");
    expect(subscription).not.toHaveProperty("metadata");
    const canceled = await t.http
      .patch(`/v1/customer-portal/subscriptions/${p.subscriptionId}`)
      .set(p.headers)
      .send({
        cancel_at_period_end: true,
        cancellation_reason: "too_expensive",
        cancellation_comment: "Pricey",
      });
    expect(canceled.status, JSON.stringify(canceled.body)).toBe(200);
    expect(canceled.body).toMatchObject({
      cancel_at_period_end: true,
      status: "active",
      customer_cancellation_reason: "too_expensive",
      customer_cancellation_comment: "Pricey",
    });
    const events = (
      await t.http.get(`/_emulator/events?organization_id=${p.c.organizationId}&type=subscription.canceled`)
    ).body.items as ControlEvent[];
    expect(events.at(-1)?.data).toMatchObject({
      id: p.subscriptionId,
      customer_cancellation_reason: "too_expensive",
    });
    const again = await t.http.delete(`/v1/customer-portal/subscriptions/${p.subscriptionId}`).set(p.headers);
    expect(again.status).toBe(403);
    expect(again.body.error).toBe("AlreadyCanceledSubscription");
    const uncanceled = await t.http
      .patch(`/v1/customer-portal/subscriptions/${p.subscriptionId}`)
      .set(p.headers)
      .send({ cancel_at_period_end: false });
    expect(uncanceled.body).toMatchObject({
      cancel_at_period_end: false,
      customer_cancellation_reason: null,
    });
    const deleted = await t.http
      .delete(`/v1/customer-portal/subscriptions/${p.subscriptionId}`)
      .set(p.headers);
    expect(deleted.status).toBe(200);
    expect(deleted.body.cancel_at_period_end).toBe(true);
    expect(
      (await t.http.get(`/v1/customer-portal/subscriptions/${randomUUID()}`).set(p.headers)).status,
    ).toBe(404);
  });

  it("lists the customer's license keys and validates them without authentication", async () => {
    const p = await portal();
    const keys = await t.http.get("/v1/customer-portal/license-keys/").set(p.headers);
    expect(keys.body.items).toHaveLength(1);
    const key = keys.body.items[0];
    const got = await t.http.get(`/v1/customer-portal/license-keys/${key.id}`).set(p.headers);
    expect(got.body.activations).toEqual([]);
    const body = { key: key.key, organization_id: p.c.organizationId };
    const validated = await post(t.http, "/v1/customer-portal/license-keys/validate", {}, body);
    expect(validated.status).toBe(200);
    expect(validated.body.validations).toBe(1);
    const activate = await post(
      t.http,
      "/v1/customer-portal/license-keys/activate",
      {},
      { ...body, label: "x" },
    );
    expect(activate.status).toBe(403);
    const unknown = await post(
      t.http,
      "/v1/customer-portal/license-keys/validate",
      {},
      { ...body, key: "nope" },
    );
    expect(unknown.body).toEqual({ error: "ResourceNotFound", detail: "Not found" });
    const deactivate = await post(
      t.http,
      "/v1/customer-portal/license-keys/deactivate",
      {},
      { ...body, activation_id: randomUUID() },
    );
    expect(deactivate.status).toBe(404);
  });

  it("a member session says who the member is", async () => {
    const created = t.emulator.createOrganization({ member_model_enabled: true });
    const headers = { Authorization: `Bearer ${created.token}` };
    const customer = await post(t.http, "/v1/customers/", headers, {
      email: "solo@example.com",
      name: "Solo",
    });
    const session = await post(t.http, "/v1/customer-sessions/", headers, { customer_id: customer.body.id });
    const user = await t.http
      .get("/v1/customer-portal/customer-session/user")
      .set({ Authorization: `Bearer ${session.body.token}` });
    expect(user.body).toMatchObject({
      type: "member",
      email: "solo@example.com",
      customer_id: customer.body.id,
      role: "owner",
    });
    void tenant;
  });

  it("lets a team's owner manage its members with a member session", async () => {
    const created = t.emulator.createOrganization({ member_model_enabled: true });
    const headers = { Authorization: `Bearer ${created.token}` };
    const team = await post(t.http, "/v1/customers/", headers, {
      type: "team",
      email: "team@example.com",
      owner: { email: "boss@example.com", name: "Boss" },
    });
    const owner = (await t.http.get(`/v1/members/?customer_id=${team.body.id}`).set(headers)).body.items[0];
    const session = await post(t.http, "/v1/customer-sessions/", headers, {
      customer_id: team.body.id,
      member_id: owner.id,
    });
    const boss = { Authorization: `Bearer ${session.body.token}` };
    const added = await post(t.http, "/v1/customer-portal/members", boss, {
      email: "m@example.com",
      name: "M",
    });
    expect(added.status, JSON.stringify(added.body)).toBe(201);
    expect(Object.keys(added.body)).toEqual(["created_at", "modified_at", "id", "email", "name", "role"]);
    expect(added.body.role).toBe("member");
    const asOwner = await post(t.http, "/v1/customer-portal/members", boss, {
      email: "o@example.com",
      role: "owner",
    });
    expect(asOwner.body.detail[0].msg).toBe("Cannot add a member as owner. There must be exactly one owner.");
    const listed = await t.http.get("/v1/customer-portal/members").set(boss);
    expect(listed.body.items.map((item: Body) => item.email)).toEqual(["boss@example.com", "m@example.com"]);
    const self = await t.http
      .patch(`/v1/customer-portal/members/${owner.id}`)
      .set(boss)
      .send({ role: "member" });
    expect(self.body.detail[0]).toMatchObject({
      loc: ["path", "id"],
      msg: "You cannot modify your own role.",
    });
    const promoted = await t.http
      .patch(`/v1/customer-portal/members/${added.body.id}`)
      .set(boss)
      .send({ role: "billing_manager", name: "Mia" });
    expect(promoted.body).toMatchObject({ role: "billing_manager", name: "Mia" });
    const removeSelf = await t.http.delete(`/v1/customer-portal/members/${owner.id}`).set(boss);
    expect(removeSelf.body.detail[0].msg).toBe("You cannot remove yourself from the team.");
    expect((await t.http.delete(`/v1/customer-portal/members/${added.body.id}`).set(boss)).status).toBe(204);
    expect((await t.http.delete(`/v1/customer-portal/members/${added.body.id}`).set(boss)).status).toBe(404);

    // A plain member may not, and a customer session is no member session.
    const plain = await post(t.http, `/v1/customers/${team.body.id}/members`, headers, {
      email: "p@example.com",
    });
    const plainSession = await post(t.http, "/v1/customer-sessions/", headers, {
      customer_id: team.body.id,
      member_id: plain.body.id,
    });
    const refused = await t.http
      .get("/v1/customer-portal/members")
      .set({ Authorization: `Bearer ${plainSession.body.token}` });
    expect(refused.status).toBe(403);
    expect(refused.body).toEqual({ error: "NotPermitted", detail: "Insufficient role for this operation" });
    const p = await portal();
    expect((await t.http.get("/v1/customer-portal/members").set(p.headers)).status).toBe(401);
    expect((await t.http.get("/v1/customer-portal/wallets/").set(p.headers)).body.items).toEqual([]);
    expect((await t.http.get(`/v1/customer-portal/wallets/${randomUUID()}`).set(p.headers)).status).toBe(404);
  });

  it("saves test cards, declines, asks for action, sets the default and removes them", async () => {
    const p = await portal();
    const visa = await post(t.http, "/v1/customer-portal/customers/me/payment-methods", p.headers, {
      confirmation_token_id: "tok_visa",
      set_default: true,
      return_url: "https://app.example.com/billing",
    });
    expect(visa.status, JSON.stringify(visa.body)).toBe(201);
    expect(visa.body).toMatchObject({
      status: "succeeded",
      payment_method: {
        processor: "stripe",
        customer_id: p.c.customer.id,
        type: "card",
        method_metadata: { brand: "visa", last4: "4242" },
      },
    });
    const me = await t.http.get("/v1/customer-portal/customers/me").set(p.headers);
    expect(me.body.default_payment_method_id).toBe(visa.body.payment_method.id);
    const declined = await post(t.http, "/v1/customer-portal/customers/me/payment-methods", p.headers, {
      confirmation_token_id: "tok_chargeDeclined",
      set_default: false,
      return_url: "https://app.example.com/billing",
    });
    expect(declined.status).toBe(400);
    expect(declined.body).toEqual({
      error: "PaymentMethodSetupFailed",
      detail:
        "Could not add this payment method: Your card was declined. Please try again with a different card.",
    });
    const action = await post(t.http, "/v1/customer-portal/customers/me/payment-methods", p.headers, {
      confirmation_token_id: "pm_card_authenticationRequired",
      set_default: false,
      return_url: "https://app.example.com/billing",
    });
    expect(action.body.status).toBe("requires_action");
    const setupIntent = String(action.body.client_secret).split("_secret_")[0];
    const confirmed = await post(
      t.http,
      "/v1/customer-portal/customers/me/payment-methods/confirm",
      p.headers,
      {
        setup_intent_id: setupIntent,
        set_default: false,
      },
    );
    expect(confirmed.body).toMatchObject({
      status: "succeeded",
      payment_method: { method_metadata: { last4: "3184" } },
    });
    const again = await post(t.http, "/v1/customer-portal/customers/me/payment-methods/confirm", p.headers, {
      setup_intent_id: setupIntent,
      set_default: false,
    });
    expect(again.body.detail[0]).toMatchObject({
      loc: ["body", "setup_intent_id"],
      msg: "Invalid setup_intent_id.",
    });
    const listed = await t.http.get("/v1/customer-portal/customers/me/payment-methods").set(p.headers);
    expect(listed.body.items.map((item: Body) => (item.method_metadata as Body).last4)).toEqual([
      "4242",
      "3184",
    ]);
    const orgList = await t.http.get(`/v1/customers/${p.c.customer.id}/payment-methods`).set(p.c.headers);
    expect(orgList.body.items.map((item: Body) => item.is_default)).toEqual([true, false]);
    const switched = await t.http
      .patch("/v1/customer-portal/customers/me")
      .set(p.headers)
      .send({ default_payment_method_id: confirmed.body.payment_method.id });
    expect(switched.body.default_payment_method_id).toBe(confirmed.body.payment_method.id);
    const removed = await t.http
      .delete(`/v1/customer-portal/customers/me/payment-methods/${confirmed.body.payment_method.id}`)
      .set(p.headers);
    expect(removed.status).toBe(204);
    expect(
      (await t.http.get("/v1/customer-portal/customers/me").set(p.headers)).body.default_payment_method_id,
    ).toBeNull();
    const gone = await t.http
      .delete(`/v1/customer-portal/customers/me/payment-methods/${confirmed.body.payment_method.id}`)
      .set(p.headers);
    expect(gone.status).toBe(404);
  });
});
