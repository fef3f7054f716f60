/**
 * Benefit grants made directly through the control plane, meter credits and usage, the
 * on-demand `customer.state_changed`, the event journal, and the grants/subscriptions lists.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestEmulator, tenant } from "../helpers.js";
import { type Catalog, type ControlEvent, catalog, post, types } from "./setup.js";

let t: Awaited<ReturnType<typeof startTestEmulator>>;

beforeAll(async () => {
  t = await startTestEmulator();
});

afterAll(async () => {
  await t?.emulator.close();
});

async function grant(c: Catalog, benefit: string, verb: "grant" | "revoke" = "grant") {
  const path = verb === "grant" ? "/_emulator/benefit-grants" : "/_emulator/benefit-grants/revoke";
  const response = await post(
    t.http,
    path,
    {},
    { customer_id: c.customer.id, benefit_id: c.benefits[benefit].id },
  );
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return response.body as { grant: Record<string, unknown> & { id: string }; events: ControlEvent[] };
}

describe("granting and revoking a benefit directly", () => {
  it("grants with properties per type, and a second grant changes nothing", async () => {
    const c = await catalog(t.emulator, t.http);
    const license = await grant(c, "license_keys");
    expect(license.grant).toMatchObject({
      is_granted: true,
      is_revoked: false,
      revoked_at: null,
      subscription_id: null,
      order_id: null,
      customer_id: c.customer.id,
      benefit_id: c.benefits.license_keys.id,
      error: null,
      member: null,
    });
    expect(license.grant.properties).toEqual({
      license_key_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      display_key: expect.stringMatching(/^\*\*\*\*-[0-9A-F-]{6}$/),
    });
    expect((license.grant.benefit as { id: string }).id).toBe(c.benefits.license_keys.id);
    expect(types(license.events)).toEqual(["benefit_grant.created", "customer.state_changed"]);
    expect(license.events[0].data.id).toBe(license.grant.id);

    const again = await grant(c, "license_keys");
    expect(again.grant).toEqual(license.grant);
    expect(again.events).toEqual([]);

    const state = (await t.http.get(`/v1/customers/${c.customer.id}/state`).set(c.headers)).body;
    expect(state.granted_benefits).toEqual([
      {
        id: license.grant.id,
        created_at: license.grant.created_at,
        modified_at: null,
        granted_at: license.grant.granted_at,
        benefit_id: c.benefits.license_keys.id,
        benefit_type: "license_keys",
        benefit_metadata: {},
        properties: license.grant.properties,
      },
    ]);
  });

  it("revokes (the grant keeps its id), and re-granting reuses it", async () => {
    const c = await catalog(t.emulator, t.http);
    const granted = await grant(c, "custom");
    const revoked = await grant(c, "custom", "revoke");
    expect(revoked.grant).toMatchObject({
      id: granted.grant.id,
      is_granted: false,
      is_revoked: true,
      granted_at: null,
    });
    expect(types(revoked.events)).toEqual(["benefit_grant.revoked", "customer.state_changed"]);
    const again = await grant(c, "custom");
    expect(again.grant).toMatchObject({ id: granted.grant.id, is_granted: true, revoked_at: null });
    expect(again.grant.modified_at).not.toBeNull();
  });

  it("credits a meter with a meter-credit benefit and takes the credit back on revoke", async () => {
    const c = await catalog(t.emulator, t.http);
    const credited = await grant(c, "meter_credit");
    // The API's BenefitGrant has no meter-credit properties (a union without that member: `{}`);
    // the benefit_grant.created webhook carries them.
    expect(credited.grant.properties).toEqual({});
    const created = credited.events.find((event) => event.type === "benefit_grant.created");
    expect((created?.data as Record<string, unknown> | undefined)?.properties).toMatchObject({
      last_credited_meter_id: c.meter.id,
      last_credited_units: 1000,
    });
    const usage = await post(
      t.http,
      "/_emulator/usage",
      {},
      {
        external_customer_id: "user_ada",
        organization_id: c.organizationId,
        events: [{ name: "api_call", count: 250 }, { name: "other_event" }],
      },
    );
    expect(usage.status, JSON.stringify(usage.body)).toBe(200);
    expect(usage.body).toMatchObject({ inserted: 251, duplicates: 0 });
    expect(usage.body.customer_meters).toEqual([
      expect.objectContaining({
        meter_id: c.meter.id,
        consumed_units: 250,
        credited_units: 1000,
        balance: 750,
      }),
    ]);
    expect(types(usage.body.events)).toEqual(["customer.state_changed"]);

    const manual = await post(
      t.http,
      `/_emulator/meters/${c.meter.id}/credit`,
      {},
      { customer_id: c.customer.id, units: 500 },
    );
    expect(manual.status).toBe(200);
    expect(manual.body.customer_meter).toMatchObject({ credited_units: 1500, balance: 1250 });
    expect(types(manual.body.events)).toEqual(["customer.state_changed"]);

    await grant(c, "meter_credit", "revoke");
    const meters = (await t.http.get(`/v1/customer-meters/?customer_id=${c.customer.id}`).set(c.headers))
      .body;
    expect(meters.items[0]).toMatchObject({ credited_units: 500, consumed_units: 250, balance: 250 });
  });

  it("rejects bad input with a 422 naming the field, and changes nothing", async () => {
    const c = await catalog(t.emulator, t.http);
    const other = tenant(t.emulator);
    const foreign = await post(t.http, "/v1/benefits/", other.headers, {
      type: "custom",
      description: "Foreign",
      properties: {},
    });
    const mark = (await t.http.get(`/_emulator/events?organization_id=${c.organizationId}`)).body.items
      .length;
    const cases: [string, unknown, unknown[]][] = [
      ["/_emulator/benefit-grants", { benefit_id: c.benefits.custom.id }, ["body", "customer_id"]],
      ["/_emulator/benefit-grants", { customer_id: c.customer.id }, ["body", "benefit_id"]],
      [
        "/_emulator/benefit-grants",
        { customer_id: c.customer.id, benefit_id: foreign.body.id },
        ["body", "benefit_id"],
      ],
      [
        "/_emulator/benefit-grants",
        { customer_id: "nope", benefit_id: c.benefits.custom.id },
        ["body", "customer_id"],
      ],
      [`/_emulator/meters/${c.meter.id}/credit`, { customer_id: c.customer.id }, ["body", "units"]],
      [
        `/_emulator/meters/${c.meter.id}/credit`,
        { customer_id: c.customer.id, units: 1.5 },
        ["body", "units"],
      ],
      ["/_emulator/usage", { customer_id: c.customer.id, events: [] }, ["body", "events"]],
      [
        "/_emulator/usage",
        { customer_id: c.customer.id, events: [{ metadata: {} }] },
        ["body", "events", 0, "name"],
      ],
    ];
    for (const [path, body, loc] of cases) {
      const response = await post(t.http, path, {}, body);
      expect(response.status, `${path} ${JSON.stringify(body)}: ${JSON.stringify(response.body)}`).toBe(422);
      expect(response.body.detail[0].loc, JSON.stringify(response.body)).toEqual(loc);
    }
    // Validated as POST /v1/events/ingest validates the events: metadata values pydantic refuses,
    // a timestamp in the future; a big batch of them is a 422 with every error, not a crash.
    const refused = await post(
      t.http,
      "/_emulator/usage",
      {},
      {
        customer_id: c.customer.id,
        events: [
          { name: "nested", count: 2000, metadata: { deep: { a: [1, {}] } } },
          { name: "later", timestamp: "2999-01-01T00:00:00Z" },
        ],
      },
    );
    expect(refused.status, JSON.stringify(refused.body).slice(0, 500)).toBe(422);
    expect(refused.body.detail[0].loc.slice(0, 5)).toEqual([
      "body",
      "events",
      0,
      "EventCreateCustomer",
      "metadata",
    ]);
    expect(refused.body.detail).toContainEqual({
      type: "value_error",
      loc: ["body", "events", 2000, "EventCreateCustomer", "timestamp"],
      msg: "Value error, Timestamp must be in the past.",
      input: "2999-01-01T00:00:00Z",
      ctx: { error: {} },
    });
    const unknownMeter = await post(
      t.http,
      "/_emulator/meters/6f1b4a4e-53f2-4a0b-9d51-5d1c1f3c0e11/credit",
      {},
      {
        customer_id: c.customer.id,
        units: 5,
      },
    );
    expect(unknownMeter.status).toBe(404);
    const after = (await t.http.get(`/_emulator/events?organization_id=${c.organizationId}`)).body.items
      .length;
    expect(after).toBe(mark);
  });
});

describe("customer.state_changed on demand and the event journal", () => {
  it("fires the state now, without any other change", async () => {
    const c = await catalog(t.emulator, t.http);
    const fired = await post(t.http, `/_emulator/customers/${c.customer.id}/state-changed`, {}, undefined);
    expect(fired.status).toBe(200);
    expect(types(fired.body.events)).toEqual(["customer.state_changed"]);
    const state = (await t.http.get(`/v1/customers/${c.customer.id}/state`).set(c.headers)).body;
    expect(fired.body.state).toEqual(state);
    expect(fired.body.events[0].data).toEqual(state);
    const missing = await post(
      t.http,
      "/_emulator/customers/6f1b4a4e-53f2-4a0b-9d51-5d1c1f3c0e11/state-changed",
      {},
      undefined,
    );
    expect(missing.status).toBe(404);
  });

  it("lists events by organization, customer, type and position", async () => {
    const c = await catalog(t.emulator, t.http);
    const all = (await t.http.get(`/_emulator/events?organization_id=${c.organizationId}`)).body
      .items as ControlEvent[];
    expect(types(all).slice(0, 2)).toEqual(["customer.created", "customer.state_changed"]);
    expect(all.filter((event) => event.type === "benefit.created")).toHaveLength(4);
    const created = await t.http.get(
      `/_emulator/events?organization_id=${c.organizationId}&type=product.created`,
    );
    expect(created.body.items).toHaveLength(1);
    const after = await t.http.get(
      `/_emulator/events?organization_id=${c.organizationId}&after=${all[1].id}&limit=2`,
    );
    expect(after.body.items.map((event: ControlEvent) => event.id)).toEqual([all[2].id, all[3].id]);
    const bad = await t.http.get("/_emulator/events?limit=0");
    expect(bad.status).toBe(422);
  });
});

describe("listing grants and subscriptions", () => {
  it("filters grants by customer, external customer id and state, newest first", async () => {
    const c = await catalog(t.emulator, t.http);
    await grant(c, "custom");
    await grant(c, "feature_flag");
    await grant(c, "feature_flag", "revoke");
    const list = async (query: string) =>
      (await t.http.get(`/v1/benefit-grants/${query}`).set(c.headers)).body as {
        items: { benefit_id: string; is_granted: boolean }[];
        pagination: { total_count: number };
      };
    const all = await list("");
    expect(all.items.map((item) => item.benefit_id)).toEqual([
      c.benefits.feature_flag.id,
      c.benefits.custom.id,
    ]);
    expect((await list("?is_granted=true")).items.map((item) => item.benefit_id)).toEqual([
      c.benefits.custom.id,
    ]);
    expect((await list("?external_customer_id=user_ada")).pagination.total_count).toBe(2);
    expect((await list("?external_customer_id=someone_else")).pagination.total_count).toBe(0);
    const grants = await t.http.get(`/v1/benefits/${c.benefits.custom.id}/grants`).set(c.headers);
    expect(grants.body.pagination.total_count).toBe(1);
    const foreign = tenant(t.emulator);
    const hidden = await t.http.get(`/v1/benefits/${c.benefits.custom.id}/grants`).set(foreign.headers);
    expect(hidden.status).toBe(404);
    expect((await t.http.get("/v1/benefit-grants/").set(foreign.headers)).body.pagination.total_count).toBe(
      0,
    );
  });

  it("filters and sorts subscriptions; another organization's are invisible", async () => {
    const c = await catalog(t.emulator, t.http);
    const ids: string[] = [];
    for (const [index, startsAt] of [
      "2026-01-01T00:00:00Z",
      "2026-02-01T00:00:00Z",
      "2026-03-01T00:00:00Z",
    ].entries()) {
      const started = await post(
        t.http,
        "/_emulator/subscriptions",
        {},
        {
          customer_id: c.customer.id,
          product_id: c.product.id,
          starts_at: startsAt,
          metadata: { index },
        },
      );
      ids.push(started.body.subscription.id);
    }
    await post(t.http, `/_emulator/subscriptions/${ids[1]}/revoke`, {}, undefined);
    const list = async (query: string) =>
      ((await t.http.get(`/v1/subscriptions/${query}`).set(c.headers)).body.items as { id: string }[]).map(
        (item) => item.id,
      );
    expect(await list("")).toEqual([ids[2], ids[1], ids[0]]);
    expect(await list("?sorting=started_at")).toEqual(ids);
    expect(await list("?active=true&sorting=started_at")).toEqual([ids[0], ids[2]]);
    expect(await list("?active=false")).toEqual([ids[1]]);
    expect(await list("?status=canceled&status=active&sorting=started_at")).toEqual(ids);
    expect(
      await list(`?customer_id=${c.customer.id}&started_after=2026-01-15T00:00:00Z&sorting=started_at`),
    ).toEqual([ids[1], ids[2]]);
    expect(await list("?metadata[index]=0&metadata[index]=2&sorting=started_at")).toEqual([ids[0], ids[2]]);
    expect(await list(`?product_id=${c.product.id}&limit=1&page=3`)).toEqual([ids[0]]);
    const foreign = tenant(t.emulator);
    expect((await t.http.get(`/v1/subscriptions/${ids[0]}`).set(foreign.headers)).status).toBe(404);
    expect(
      (await t.http.get(`/v1/subscriptions/?organization_id=${c.organizationId}`).set(foreign.headers)).body
        .items,
    ).toEqual([]);
  });
});
