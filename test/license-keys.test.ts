/**
 * License keys over real HTTP (Polar's license_key/service.py and endpoints.py): made by a
 * `license_keys` benefit's grant, validated, activated up to the limit, deactivated, updated, and
 * revoked with the subscription that granted them.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Catalog, post } from "./billing/setup.js";
import { startTestEmulator, tenant } from "./helpers.js";

let t: Awaited<ReturnType<typeof startTestEmulator>>;
beforeAll(async () => {
  t = await startTestEmulator();
});
afterAll(() => t.emulator.close());

type Body = Record<string, unknown>;

const KEY_KEYS = [
  "id",
  "created_at",
  "modified_at",
  "organization_id",
  "user_id",
  "customer_id",
  "user",
  "customer",
  "member_id",
  "member",
  "benefit_id",
  "key",
  "display_key",
  "status",
  "limit_activations",
  "usage",
  "limit_usage",
  "validations",
  "last_validated_at",
  "expires_at",
];

/** A tenant with a customer, a license-key benefit and a product granting it. */
async function setup(
  properties: Body = {
    prefix: "acme",
    activations: { limit: 2, enable_customer_admin: true },
    limit_usage: 5,
  },
) {
  const { organizationId, headers, token } = tenant(t.emulator);
  const customer = await post(t.http, "/v1/customers/", headers, {
    email: "ada@example.com",
    external_id: "ada",
  });
  const benefit = await post(t.http, "/v1/benefits/", headers, {
    type: "license_keys",
    description: "Desktop app",
    properties,
  });
  expect(benefit.status, JSON.stringify(benefit.body)).toBe(201);
  const product = await post(t.http, "/v1/products/", headers, {
    name: "App",
    recurring_interval: "month",
    prices: [{ amount_type: "fixed", price_amount: 1000, price_currency: "usd" }],
  });
  await post(t.http, `/v1/products/${product.body.id}/benefits`, headers, { benefits: [benefit.body.id] });
  const started = await post(
    t.http,
    "/_emulator/subscriptions",
    {},
    {
      customer_id: customer.body.id,
      product_id: product.body.id,
    },
  );
  expect(started.status, JSON.stringify(started.body)).toBe(201);
  const keys = await t.http.get("/v1/license-keys/").set(headers);
  expect(keys.status).toBe(200);
  return {
    organizationId,
    headers,
    token,
    customer: customer.body as Catalog["customer"],
    benefit: benefit.body as Body & { id: string },
    subscriptionId: started.body.subscription.id as string,
    key: keys.body.items[0] as Body & { id: string; key: string },
  };
}

describe("license keys", () => {
  it("a key granted by a subscription validates, activates up to its limit and dies with the subscription", async () => {
    const s = await setup();
    expect(Object.keys(s.key)).toEqual(KEY_KEYS);
    expect(s.key.key).toMatch(/^ACME-[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$/);
    expect(s.key.display_key).toBe(`****-${s.key.key.slice(-6)}`);
    expect(s.key).toMatchObject({
      status: "granted",
      limit_activations: 2,
      limit_usage: 5,
      usage: 0,
      validations: 0,
      expires_at: null,
      customer_id: s.customer.id,
      user_id: s.customer.id,
      benefit_id: s.benefit.id,
    });
    const state = await t.http.get(`/v1/customers/${s.customer.id}/state`).set(s.headers);
    expect(state.body.granted_benefits[0].properties).toMatchObject({
      license_key_id: s.key.id,
      display_key: s.key.display_key,
    });

    const body = { key: s.key.key, organization_id: s.organizationId };
    const validated = await post(t.http, "/v1/license-keys/validate", s.headers, body);
    expect(validated.status, JSON.stringify(validated.body)).toBe(200);
    expect(validated.body).toMatchObject({ id: s.key.id, validations: 1, activation: null });
    expect(validated.body.last_validated_at).not.toBeNull();

    const first = await post(t.http, "/v1/license-keys/activate", s.headers, {
      ...body,
      label: "laptop",
      conditions: { major_version: 1 },
      meta: { os: "linux" },
    });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(Object.keys(first.body)).toEqual([
      "id",
      "license_key_id",
      "label",
      "meta",
      "created_at",
      "modified_at",
      "license_key",
    ]);
    expect(first.body).toMatchObject({ license_key_id: s.key.id, label: "laptop", meta: { os: "linux" } });
    const second = await post(t.http, "/v1/license-keys/activate", s.headers, { ...body, label: "desktop" });
    expect(second.status).toBe(200);
    const third = await post(t.http, "/v1/license-keys/activate", s.headers, { ...body, label: "phone" });
    expect(third.status).toBe(403);
    expect(third.body).toEqual({
      error: "NotPermitted",
      detail: "License key activation limit already reached",
    });

    // With the activation: conditions must match.
    const withActivation = { ...body, activation_id: first.body.id };
    const matched = await post(t.http, "/v1/license-keys/validate", s.headers, {
      ...withActivation,
      conditions: { major_version: 1 },
    });
    expect(matched.status).toBe(200);
    expect(matched.body.activation).toMatchObject({ id: first.body.id, label: "laptop" });
    const mismatched = await post(t.http, "/v1/license-keys/validate", s.headers, {
      ...withActivation,
      conditions: { major_version: 2 },
    });
    expect(mismatched.status).toBe(404);
    expect(mismatched.body).toEqual({
      error: "ResourceNotFound",
      detail: "License key does not match required conditions",
    });

    const got = await t.http.get(`/v1/license-keys/${s.key.id}`).set(s.headers);
    expect(got.status).toBe(200);
    expect(got.body.activations.map((a: Body) => a.label)).toEqual(["laptop", "desktop"]);
    const activation = await t.http
      .get(`/v1/license-keys/${s.key.id}/activations/${second.body.id}`)
      .set(s.headers);
    expect(activation.status).toBe(200);
    expect(activation.body.license_key.id).toBe(s.key.id);

    // Deactivating frees a place.
    const deactivated = await post(t.http, "/v1/license-keys/deactivate", s.headers, {
      ...body,
      activation_id: second.body.id,
    });
    expect(deactivated.status).toBe(204);
    expect(deactivated.text).toBe("");
    const again = await post(t.http, "/v1/license-keys/deactivate", s.headers, {
      ...body,
      activation_id: second.body.id,
    });
    expect(again.status).toBe(404);
    expect(
      (await t.http.get(`/v1/license-keys/${s.key.id}/activations/${second.body.id}`).set(s.headers)).status,
    ).toBe(404);
    expect(
      (await post(t.http, "/v1/license-keys/activate", s.headers, { ...body, label: "phone" })).status,
    ).toBe(200);

    // Revoking the subscription revokes the key.
    await post(t.http, `/_emulator/subscriptions/${s.subscriptionId}/revoke`, {}, undefined);
    const revoked = await post(t.http, "/v1/license-keys/validate", s.headers, body);
    expect(revoked.status).toBe(404);
    expect(revoked.body).toEqual({ error: "ResourceNotFound", detail: "License key is no longer active." });
    const refused = await post(t.http, "/v1/license-keys/activate", s.headers, { ...body, label: "x" });
    expect(refused.status).toBe(403);
    expect(refused.body).toEqual({
      error: "NotPermitted",
      detail: "License key is no longer active. This license key can not be activated.",
    });
    const listed = await t.http.get("/v1/license-keys/?status=revoked").set(s.headers);
    expect(listed.body.items.map((k: Body) => k.id)).toEqual([s.key.id]);
  });

  it("counts usage within limit_usage", async () => {
    const s = await setup();
    const body = { key: s.key.key, organization_id: s.organizationId };
    const used = await post(t.http, "/v1/license-keys/validate", s.headers, { ...body, increment_usage: 4 });
    expect(used.body.usage).toBe(4);
    const over = await post(t.http, "/v1/license-keys/validate", s.headers, { ...body, increment_usage: 2 });
    expect(over.status).toBe(400);
    expect(over.body).toEqual({ error: "BadRequest", detail: "License key only has 1 more usages." });
    const negative = await post(t.http, "/v1/license-keys/validate", s.headers, {
      ...body,
      increment_usage: -1,
    });
    expect(negative.status).toBe(422);
  });

  it("scopes validation by organization, customer and benefit", async () => {
    const s = await setup();
    const body = { key: s.key.key, organization_id: s.organizationId };
    const other = tenant(t.emulator);
    const foreign = await post(t.http, "/v1/license-keys/validate", other.headers, body);
    expect(foreign.status).toBe(404);
    expect(foreign.body).toEqual({ error: "ResourceNotFound", detail: "Not found" });
    const wrongOrg = await post(t.http, "/v1/license-keys/validate", s.headers, {
      ...body,
      organization_id: other.organizationId,
    });
    expect(wrongOrg.status).toBe(404);
    const unknownKey = await post(t.http, "/v1/license-keys/validate", s.headers, { ...body, key: "NOPE" });
    expect(unknownKey.status).toBe(404);
    const wrongCustomer = await post(t.http, "/v1/license-keys/validate", s.headers, {
      ...body,
      customer_id: randomUUID(),
    });
    expect(wrongCustomer.body).toEqual({
      error: "ResourceNotFound",
      detail: "License key does not match given user.",
    });
    const wrongBenefit = await post(t.http, "/v1/license-keys/validate", s.headers, {
      ...body,
      benefit_id: randomUUID(),
    });
    expect(wrongBenefit.body).toEqual({
      error: "ResourceNotFound",
      detail: "License key does not match given benefit.",
    });
    const right = await post(t.http, "/v1/license-keys/validate", s.headers, {
      ...body,
      customer_id: s.customer.id,
      benefit_id: s.benefit.id,
    });
    expect(right.status).toBe(200);
    expect((await t.http.get(`/v1/license-keys/${s.key.id}`).set(other.headers)).status).toBe(404);
    expect(
      (await t.http.get(`/v1/license-keys/?organization_id=${other.organizationId}`).set(s.headers)).body
        .pagination,
    ).toEqual({
      total_count: 0,
      max_page: 0,
    });
  });

  it("refuses activations when the benefit has none, and expired keys", async () => {
    const s = await setup({ prefix: null, expires: null, activations: null, limit_usage: null });
    expect(s.key.key).toMatch(/^[0-9A-F]{8}-/);
    const body = { key: s.key.key, organization_id: s.organizationId };
    const activate = await post(t.http, "/v1/license-keys/activate", s.headers, { ...body, label: "x" });
    expect(activate.status).toBe(403);
    expect(activate.body.detail).toBe(
      "This license key does not support activations. Use the /validate endpoint instead to check license validity.",
    );
    const updated = await t.http
      .patch(`/v1/license-keys/${s.key.id}`)
      .set(s.headers)
      .send({ expires_at: "2020-01-01T00:00:00Z", limit_activations: 1 });
    expect(updated.status, JSON.stringify(updated.body)).toBe(200);
    expect(updated.body).toMatchObject({ expires_at: "2020-01-01T00:00:00Z", limit_activations: 1 });
    const expired = await post(t.http, "/v1/license-keys/validate", s.headers, body);
    expect(expired.body).toEqual({ error: "ResourceNotFound", detail: "License key has expired." });
    const notActivated = await post(t.http, "/v1/license-keys/activate", s.headers, { ...body, label: "x" });
    expect(notActivated.body).toEqual({ error: "NotPermitted", detail: "License key has expired." });
    const zero = await t.http
      .patch(`/v1/license-keys/${s.key.id}`)
      .set(s.headers)
      .send({ limit_activations: 0 });
    expect(zero.status).toBe(422);
  });

  it("a one-time grant gets the benefit's TTL", async () => {
    const { organizationId, headers } = tenant(t.emulator);
    const customer = await post(t.http, "/v1/customers/", headers, { email: "bo@example.com" });
    const benefit = await post(t.http, "/v1/benefits/", headers, {
      type: "license_keys",
      description: "One year",
      properties: { expires: { ttl: 1, timeframe: "year" } },
    });
    const granted = await post(
      t.http,
      "/_emulator/benefit-grants",
      {},
      {
        organization_id: organizationId,
        customer_id: customer.body.id,
        benefit_id: benefit.body.id,
      },
    );
    expect(granted.status, JSON.stringify(granted.body)).toBeLessThan(300);
    const key = (await t.http.get("/v1/license-keys/").set(headers)).body.items[0];
    const created = new Date(key.created_at);
    const expires = new Date(key.expires_at);
    expect(expires.getUTCFullYear()).toBe(created.getUTCFullYear() + 1);
    expect(expires.getUTCDate()).toBe(created.getUTCDate());
  });

  it("disabling a key stops it; revoking it through the API revokes the grant", async () => {
    const s = await setup();
    const body = { key: s.key.key, organization_id: s.organizationId };
    const disabled = await t.http
      .patch(`/v1/license-keys/${s.key.id}`)
      .set(s.headers)
      .send({ status: "disabled" });
    expect(disabled.body.status).toBe("disabled");
    expect((await post(t.http, "/v1/license-keys/validate", s.headers, body)).status).toBe(404);
    await t.http.patch(`/v1/license-keys/${s.key.id}`).set(s.headers).send({ status: "revoked" });
    const state = await t.http.get(`/v1/customers/${s.customer.id}/state`).set(s.headers);
    expect(state.body.granted_benefits).toEqual([]);
    const regranted = await t.http
      .patch(`/v1/license-keys/${s.key.id}`)
      .set(s.headers)
      .send({ status: "granted" });
    expect(regranted.body.status).toBe("granted");
    const after = await t.http.get(`/v1/customers/${s.customer.id}/state`).set(s.headers);
    expect(after.body.granted_benefits).toHaveLength(1);
    expect((await post(t.http, "/v1/license-keys/validate", s.headers, body)).status).toBe(200);
  });

  it("needs the license_keys scopes", async () => {
    const reader = tenant(t.emulator, ["license_keys:read"]);
    expect((await t.http.get("/v1/license-keys/").set(reader.headers)).status).toBe(200);
    const write = await post(t.http, "/v1/license-keys/validate", reader.headers, {
      key: "x",
      organization_id: reader.organizationId,
    });
    expect(write.status).toBe(403);
    expect(write.body.error).toBe("insufficient_scope");
  });
});

describe("license keys in fixtures and snapshots", () => {
  const FIXTURE = `
benefits:
  - key: app
    type: license_keys
    description: Desktop app
    properties: { prefix: acme, activations: { limit: 2, enable_customer_admin: true } }
products:
  - key: pro
    name: Pro
    recurring_interval: month
    prices: [{ amount_type: fixed, price_amount: 1000, price_currency: usd }]
    benefits: [app]
customers:
  - email: ada@example.com
    subscriptions: [{ product: pro }]
    license_keys:
      - benefit: app
        key: ACME-TEST-0001
        usage: 3
        activations:
          - { label: laptop, conditions: { major: 1 }, meta: { os: macos } }
`;

  function load(organizationId: string, text: string) {
    return t.http
      .post(`/_emulator/organizations/${organizationId}/fixtures`)
      .set("Content-Type", "application/yaml")
      .send(text);
  }

  it("gives a granted key its text, usage and activations, and a snapshot keeps them", async () => {
    const { organizationId, headers } = tenant(t.emulator);
    const loaded = await load(organizationId, FIXTURE);
    expect(loaded.status, loaded.text).toBe(200);
    const key = (await t.http.get("/v1/license-keys/").set(headers)).body.items[0];
    expect(key).toMatchObject({ key: "ACME-TEST-0001", display_key: "****-T-0001", usage: 3 });
    const body = { key: "ACME-TEST-0001", organization_id: organizationId };
    const full = await t.http.get(`/v1/license-keys/${key.id}`).set(headers);
    const activation = full.body.activations[0];
    expect(activation).toMatchObject({ label: "laptop", meta: { os: "macos" } });
    const matched = await post(t.http, "/v1/license-keys/validate", headers, {
      ...body,
      activation_id: activation.id,
      conditions: { major: 1 },
    });
    expect(matched.status).toBe(200);

    const snapshot = await t.http.get(`/_emulator/organizations/${organizationId}/snapshot`);
    expect(snapshot.body.license_keys).toHaveLength(1);
    expect(snapshot.body.license_key_activations).toHaveLength(1);
    await t.http.post(`/_emulator/organizations/${organizationId}/reset`);
    expect((await t.http.get("/v1/license-keys/").set(headers)).body.items).toEqual([]);
    const restored = await t.http
      .put(`/_emulator/organizations/${organizationId}/snapshot`)
      .send(snapshot.body);
    expect(restored.status, restored.text).toBe(200);
    expect((await post(t.http, "/v1/license-keys/validate", headers, body)).status).toBe(200);
  });

  it("refuses a key the customer does not hold, a taken key and activations over the limit", async () => {
    const { organizationId } = tenant(t.emulator);
    const without = await load(
      organizationId,
      FIXTURE.replace("    subscriptions: [{ product: pro }]\n", ""),
    );
    expect(without.status).toBe(422);
    expect(JSON.stringify(without.body)).toContain("The customer holds no license key of this benefit");
    const over = await load(
      organizationId,
      `${FIXTURE}          - { label: desktop }\n          - { label: phone }\n`,
    );
    expect(over.status).toBe(422);
    expect(JSON.stringify(over.body)).toContain("License key activation limit already reached");
    const twice = await load(
      organizationId,
      `${FIXTURE}  - email: bo@example.com\n    subscriptions: [{ product: pro }]\n    license_keys: [{ benefit: app, key: ACME-TEST-0001 }]\n`,
    );
    expect(twice.status).toBe(422);
    expect(JSON.stringify(twice.body)).toContain("A license key with this key already exists.");
  });
});
