/**
 * Subscriptions created and exported through Polar's API (subscription/service.py `create`,
 * subscription/export.py, subscription/endpoints.py), and what stays readable of a deleted
 * customer (the repositories' readable statements), over real HTTP. The expected 422 bodies are
 * pydantic 2.13.4's, validating copies of Polar's subscription models; the expected dates are
 * Python's `astimezone(ZoneInfo(…)).isoformat()`.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FixedClock } from "../../src/index.js";
import { startTestEmulator, tenant } from "../helpers.js";
import { type ControlEvent, catalog, post, types } from "./setup.js";

let t: Awaited<ReturnType<typeof startTestEmulator>>;
beforeAll(async () => {
  t = await startTestEmulator();
});
afterAll(async () => {
  await t?.emulator.close();
});

type Headers = Record<string, string>;
type Body = Record<string, unknown>;

function createSubscription(headers: Headers, body: unknown) {
  return t.http
    .post("/v1/subscriptions/")
    .set(headers)
    .send(body as object);
}

async function product(headers: Headers, body: Body): Promise<Body & { id: string }> {
  const res = await post(t.http, "/v1/products/", headers, body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

async function customer(headers: Headers, body: Body): Promise<Body & { id: string }> {
  const res = await post(t.http, "/v1/customers/", headers, body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

async function eventsAfter(customerId: string, after: string | undefined): Promise<ControlEvent[]> {
  const query = after === undefined ? "" : `&after=${after}`;
  return (await t.http.get(`/_emulator/events?customer_id=${customerId}${query}`)).body.items;
}

const FREE = {
  name: "Free",
  recurring_interval: "month",
  prices: [{ amount_type: "fixed", price_amount: 0 }],
};

function refusal(loc: string, msg: string, input: unknown) {
  return {
    error: "PolarRequestValidationError",
    detail: [{ type: "value_error", loc: ["body", loc], msg, input }],
  };
}

describe("POST /v1/subscriptions/", () => {
  it("starts an active subscription to a free product: created, active, updated, the state, then the grants", async () => {
    const c = await catalog(t.emulator, t.http, { amount: 0 });
    const mark = t.emulator.emulator.context.events.lastId();
    const res = await createSubscription(c.headers, {
      product_id: c.product.id,
      customer_id: c.customer.id,
      metadata: { source: "api", seats: 2 },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({
      status: "active",
      amount: 0,
      currency: "usd",
      recurring_interval: "month",
      cancel_at_period_end: false,
      trial_start: null,
      trial_end: null,
      modified_at: null,
      customer_id: c.customer.id,
      product_id: c.product.id,
      metadata: { source: "api", seats: 2 },
    });
    expect(res.body.started_at).toBe(res.body.created_at);
    expect(res.body.current_period_start).toBe(res.body.created_at);
    const events = await eventsAfter(c.customer.id, mark);
    expect(types(events)).toEqual([
      "subscription.created",
      "subscription.active",
      "subscription.updated",
      "customer.state_changed",
      ...Array.from({ length: 4 }, () => ["benefit_grant.created", "customer.state_changed"]).flat(),
    ]);
    const fetched = await t.http.get(`/v1/subscriptions/${res.body.id}`).set(c.headers);
    expect(fetched.body).toEqual(res.body);
    const state = await t.http.get(`/v1/customers/${c.customer.id}/state`).set(c.headers);
    expect(state.body.active_subscriptions.map((item: Body) => item.id)).toEqual([res.body.id]);
    expect(state.body.granted_benefits).toHaveLength(4);
  });

  it("takes the customer by external id, and prefers customer_id when both are valid", async () => {
    const c = await catalog(t.emulator, t.http, { amount: 0 });
    const byExternal = await createSubscription(c.headers, {
      product_id: c.product.id,
      external_customer_id: "user_ada",
    });
    expect(byExternal.status, JSON.stringify(byExternal.body)).toBe(201);
    expect(byExternal.body.customer_id).toBe(c.customer.id);
    // Both given: the first member of the union, SubscriptionCreateCustomer, wins.
    const both = await createSubscription(c.headers, {
      product_id: c.product.id,
      customer_id: c.customer.id.toUpperCase(),
      external_customer_id: "nobody",
    });
    expect(both.status).toBe(201);
    // An invalid customer_id falls to the other member.
    const fallback = await createSubscription(c.headers, {
      product_id: c.product.id,
      customer_id: "bad",
      external_customer_id: "nobody",
    });
    expect(fallback.body).toEqual(refusal("external_customer_id", "Customer does not exist.", "nobody"));
  });

  it("refuses a product that is missing, one-time or not free, before it looks at the customer", async () => {
    const c = await catalog(t.emulator, t.http);
    const unknownCustomer = "11111111-1111-4111-8111-111111111111";
    const missing = "22222222-2222-4222-8222-222222222222";
    const attempt = (productId: string, customerId = unknownCustomer) =>
      createSubscription(c.headers, { product_id: productId, customer_id: customerId });
    expect((await attempt(missing)).body).toEqual(refusal("product_id", "Product does not exist.", missing));
    const oneTime = await product(c.headers, {
      name: "Once",
      prices: [{ amount_type: "fixed", price_amount: 0 }],
    });
    expect((await attempt(oneTime.id)).body).toEqual(
      refusal("product_id", "Product is not a recurring product.", oneTime.id),
    );
    const paid = refusal(
      "product_id",
      "Product is not free. The customer should go through a checkout to create a paid subscription.",
      c.product.id,
    );
    const res = await attempt(c.product.id);
    expect(res.status).toBe(422);
    expect(res.body).toEqual(paid);
    // A metered price alone is not free, nor is pay-what-you-want.
    const metered = await product(c.headers, {
      name: "Usage",
      recurring_interval: "month",
      prices: [{ amount_type: "metered_unit", meter_id: c.meter.id, unit_amount: "1" }],
    });
    expect((await attempt(metered.id, c.customer.id)).body.detail[0].msg).toMatch(/^Product is not free/);
    const custom = await product(c.headers, {
      name: "PWYW",
      recurring_interval: "month",
      prices: [{ amount_type: "custom", minimum_amount: 0 }],
    });
    expect((await attempt(custom.id, c.customer.id)).body.detail[0].msg).toMatch(/^Product is not free/);
    // Free and metered together: the fixed price is the default one, and it is free.
    const freeMetered = await product(c.headers, {
      name: "Free + usage",
      recurring_interval: "month",
      prices: [
        { amount_type: "metered_unit", meter_id: c.meter.id, unit_amount: "1" },
        { amount_type: "fixed", price_amount: 0 },
      ],
    });
    const created = await attempt(freeMetered.id, c.customer.id);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.meters).toHaveLength(1);
    // Another organization's product does not exist here.
    const other = tenant(t.emulator);
    const foreign = await product(other.headers, FREE);
    expect((await attempt(foreign.id, c.customer.id)).body).toEqual(
      refusal("product_id", "Product does not exist.", foreign.id),
    );
  });

  it("refuses a customer that does not exist, is deleted or is another organization's", async () => {
    const c = await catalog(t.emulator, t.http, { amount: 0 });
    const gone = await customer(c.headers, { email: "gone@example.com", external_id: "gone" });
    await t.http.delete(`/v1/customers/${gone.id}`).set(c.headers);
    expect(
      (await createSubscription(c.headers, { product_id: c.product.id, customer_id: gone.id })).body,
    ).toEqual(refusal("customer_id", "Customer does not exist.", gone.id));
    expect(
      (await createSubscription(c.headers, { product_id: c.product.id, external_customer_id: "gone" })).body,
    ).toEqual(refusal("external_customer_id", "Customer does not exist.", "gone"));
    const other = tenant(t.emulator);
    const stranger = await customer(other.headers, { email: "stranger@example.com" });
    expect(
      (await createSubscription(c.headers, { product_id: c.product.id, customer_id: stranger.id })).status,
    ).toBe(422);
    const listed = await t.http.get("/v1/subscriptions/").set(c.headers);
    expect(listed.body.pagination.total_count).toBe(0);
  });

  it("validates the body as pydantic's smart union of the two create models", async () => {
    const c = await catalog(t.emulator, t.http, { amount: 0 });
    const pid = "11111111-1111-4111-8111-111111111111";
    const neither = await createSubscription(c.headers, { product_id: pid });
    expect(neither.status).toBe(422);
    expect(neither.body).toEqual({
      error: "RequestValidationError",
      detail: [
        {
          type: "missing",
          loc: ["body", "SubscriptionCreateCustomer", "customer_id"],
          msg: "Field required",
          input: { product_id: pid },
        },
        {
          type: "missing",
          loc: ["body", "SubscriptionCreateExternalCustomer", "external_customer_id"],
          msg: "Field required",
          input: { product_id: pid },
        },
      ],
    });
    const parsing = "invalid length: expected length 32 for simple format, found 3";
    const uuidError = (loc: string[]) => ({
      type: "uuid_parsing",
      loc: ["body", ...loc],
      msg: `Input should be a valid UUID, ${parsing}`,
      input: "bad",
      ctx: { error: parsing },
    });
    const bad = await createSubscription(c.headers, { product_id: "bad", customer_id: "bad" });
    expect(bad.body.detail).toEqual([
      uuidError(["SubscriptionCreateCustomer", "product_id"]),
      uuidError(["SubscriptionCreateCustomer", "customer_id"]),
      uuidError(["SubscriptionCreateExternalCustomer", "product_id"]),
      {
        type: "missing",
        loc: ["body", "SubscriptionCreateExternalCustomer", "external_customer_id"],
        msg: "Field required",
        input: { product_id: "bad", customer_id: "bad" },
      },
    ]);
    const list = await createSubscription(c.headers, []);
    expect(list.body.detail).toEqual([
      {
        type: "model_attributes_type",
        loc: ["body", "SubscriptionCreateCustomer"],
        msg: "Input should be a valid dictionary or object to extract fields from",
        input: [],
      },
      {
        type: "model_attributes_type",
        loc: ["body", "SubscriptionCreateExternalCustomer"],
        msg: "Input should be a valid dictionary or object to extract fields from",
        input: [],
      },
    ]);
  });

  it("makes the customer a team for a free seat-based product, and grants it nothing (seats do)", async () => {
    const c = await catalog(t.emulator, t.http, { amount: 0 });
    const seats = await product(c.headers, {
      name: "Free seats",
      recurring_interval: "month",
      prices: [{ amount_type: "seat_based", seat_tiers: { tiers: [{ min_seats: 1, price_per_seat: 0 }] } }],
    });
    const mark = t.emulator.emulator.context.events.lastId();
    const res = await createSubscription(c.headers, { product_id: seats.id, customer_id: c.customer.id });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.seats).toBe(1);
    expect(res.body.customer.type).toBe("team");
    expect(types(await eventsAfter(c.customer.id, mark))).toEqual([
      "subscription.created",
      "subscription.active",
      "subscription.updated",
      "customer.updated",
      "customer.state_changed",
      "customer.state_changed",
    ]);
  });

  it("needs subscriptions:write", async () => {
    const reader = tenant(t.emulator, ["subscriptions:read"]);
    const res = await createSubscription(reader.headers, {
      product_id: "11111111-1111-4111-8111-111111111111",
      customer_id: "11111111-1111-4111-8111-111111111111",
    });
    expect(res.status).toBe(403);
    expect(res.headers["www-authenticate"]).toContain('scope="subscriptions:write"');
  });
});

describe("GET /v1/subscriptions/export", () => {
  let e: Awaited<ReturnType<typeof startTestEmulator>>;
  let headers: Headers;
  let ids: { pro: string; quarterly: string; ann: string; team: string };
  beforeAll(async () => {
    e = await startTestEmulator({ clock: new FixedClock(new Date("2026-03-15T12:30:45.123Z")) });
    const org = tenant(e.emulator);
    headers = org.headers;
    const made = async (path: string, body: Body) => {
      const res = await post(e.http, path, headers, body);
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return res.body as Body & { id: string };
    };
    const pro = await made("/v1/products/", {
      name: "Pro, monthly",
      recurring_interval: "month",
      prices: [{ amount_type: "fixed", price_amount: 1999 }],
    });
    const quarterly = await made("/v1/products/", {
      name: "Quarterly",
      recurring_interval: "month",
      recurring_interval_count: 3,
      prices: [{ amount_type: "fixed", price_amount: 6000 }],
    });
    const ann = await made("/v1/customers/", {
      email: "ann@example.com",
      name: "Ann",
      billing_address: { country: "FR" },
    });
    const team = await made("/v1/customers/", {
      type: "team",
      name: "Crew",
      owner: { email: "boss@example.com" },
    });
    ids = { pro: pro.id, quarterly: quarterly.id, ann: ann.id, team: team.id };
    const start = async (customerId: string, productId: string, startsAt: string) => {
      const res = await post(
        e.http,
        "/_emulator/subscriptions",
        {},
        {
          customer_id: customerId,
          product_id: productId,
          starts_at: startsAt,
        },
      );
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return res.body.subscription as Body & { id: string };
    };
    await start(ann.id, pro.id, "2026-03-01T00:00:00Z");
    const canceling = await start(team.id, quarterly.id, "2026-02-10T08:00:00Z");
    const res = await e.http
      .patch(`/v1/subscriptions/${canceling.id}`)
      .set(headers)
      .send({ cancel_at_period_end: true, customer_cancellation_reason: "too_expensive" });
    expect(res.status).toBe(200);
  });
  afterAll(async () => {
    await e?.emulator.close();
  });

  async function exported(query = "") {
    const res = await e.http.get(`/v1/subscriptions/export${query}`).set(headers);
    expect(res.status, res.text).toBe(200);
    return res;
  }

  it("is routed to the export, not to GET /v1/subscriptions/{id}", async () => {
    const res = await exported();
    expect(res.headers["content-type"]).toBe("text/csv; charset=utf-8");
    expect(res.headers["content-disposition"]).toBe('attachment; filename="polar-subscriptions.csv"');
    // Other methods on the path are the {id} routes', as in Starlette: "export" is no UUID.
    const revoke = await e.http.delete("/v1/subscriptions/export").set(headers);
    expect(revoke.status).toBe(422);
    expect(revoke.body.detail[0]).toMatchObject({
      type: "uuid_parsing",
      loc: ["path", "id"],
      input: "export",
    });
  });

  it("writes Polar's seven default columns, newest start first, amounts as Python floats", async () => {
    const res = await exported();
    expect(res.text).toBe(
      "Email,Started At,Product,Amount,Currency,Status,Billing Interval\r\n" +
        'ann@example.com,2026-03-01T00:00:00+00:00,"Pro, monthly",19.99,usd,active,month\r\n' +
        ",2026-02-10T08:00:00+00:00,Quarterly,60.0,usd,active,3 months\r\n",
    );
  });

  it("writes the columns asked for, in order, dates in the time zone asked for", async () => {
    const columns = [
      "customer_name",
      "billing_name",
      "billing_country",
      "net_amount",
      "discount",
      "seats",
      "current_period_start",
      "current_period_end",
      "cancel_at_period_end",
      "canceled_at",
      "ends_at",
      "ended_at",
      "cancellation_reason",
      "trial_start",
      "trial_end",
    ];
    const res = await exported(
      `?timezone=Europe/Paris&${columns.map((column) => `columns=${column}`).join("&")}`,
    );
    expect(res.text).toBe(
      "Customer Name,Billing Name,Billing Country,Net Amount,Discount,Seats,Current Period Start,Current Period End,Cancels At Period End,Canceled At,Ends At,Ended At,Cancellation Reason,Trial Start,Trial End\r\n" +
        "Ann,Ann,FR,19.99,,,2026-03-01T01:00:00+01:00,2026-04-01T02:00:00+02:00,false,,,,,,\r\n" +
        "Crew,Crew,,60.0,,,2026-02-10T09:00:00+01:00,2026-05-10T10:00:00+02:00,true,2026-03-15T13:30:45.123000+01:00,2026-05-10T10:00:00+02:00,,too_expensive,,\r\n",
    );
    const india = await exported("?timezone=Asia/Kolkata&columns=started_at&columns=status");
    expect(india.text).toBe(
      "Started At,Status\r\n2026-03-01T05:30:00+05:30,active\r\n2026-02-10T13:30:00+05:30,active\r\n",
    );
    // One empty column is written `""`, as Python's csv module does.
    const ends = await exported(`?columns=ended_at&product_id=${ids.pro}`);
    expect(ends.text).toBe('Ended At\r\n""\r\n');
  });

  it("filters like the list, and names the file after its start bounds in the time zone", async () => {
    const product = await exported(`?product_id=${ids.quarterly}&columns=product`);
    expect(product.text).toBe("Product\r\nQuarterly\r\n");
    expect((await exported("?cancel_at_period_end=true&columns=product")).text).toBe(
      "Product\r\nQuarterly\r\n",
    );
    expect((await exported("?status=canceled&columns=product")).text).toBe("Product\r\n");
    const bounded = await exported(
      "?started_after=2026-02-28T23:30:00Z&started_before=2026-03-31T23:30:00-01:00&timezone=Europe/Paris&columns=product",
    );
    expect(bounded.text).toBe('Product\r\n"Pro, monthly"\r\n');
    expect(bounded.headers["content-disposition"]).toBe(
      'attachment; filename="polar-subscriptions-2026-03-01-2026-04-01.csv"',
    );
    const foreign = await exported("?organization_id=11111111-1111-4111-8111-111111111111");
    expect(foreign.text).toBe("Email,Started At,Product,Amount,Currency,Status,Billing Interval\r\n");
  });

  it("refuses an unknown time zone, a naive start bound and an unknown column, all at once", async () => {
    const res = await e.http
      .get("/v1/subscriptions/export?timezone=utc&started_after=2026-01-01T00:00:00&columns=nope")
      .set(headers);
    expect(res.status).toBe(422);
    const expected =
      "'email', 'started_at', 'product', 'amount', 'currency', 'status', 'recurring_interval', 'customer_name', 'billing_name', 'billing_country', 'net_amount', 'discount', 'seats', 'current_period_start', 'current_period_end', 'cancel_at_period_end', 'canceled_at', 'ends_at', 'ended_at', 'cancellation_reason', 'trial_start' or 'trial_end'";
    expect(res.body.detail).toEqual(
      expect.arrayContaining([
        {
          type: "timezone_aware",
          loc: ["query", "started_after"],
          msg: "Input should have timezone info",
          input: "2026-01-01T00:00:00",
        },
        {
          type: "value_error",
          loc: ["query", "timezone"],
          msg: "Value error, 'utc' is not a valid IANA time zone",
          input: "utc",
          ctx: { error: {} },
        },
        // (Polar's MultipleQueryFilter is a union of a value and a list: its real error names both
        // members in `loc`; the pipeline reports it as it does for every such filter.)
        expect.objectContaining({ type: "enum", input: "nope", ctx: { expected } }),
      ]),
    );
    expect(res.body.detail).toHaveLength(3);
    for (const zone of ["UTC", "US/Eastern", "Etc/GMT+5", "America/Argentina/Buenos_Aires"]) {
      const query = `?timezone=${encodeURIComponent(zone)}`;
      expect((await e.http.get(`/v1/subscriptions/export${query}`).set(headers)).status, zone).toBe(200);
    }
    for (const zone of ["Z", "+01:00", "Europe/Nowhere", "europe/paris", "us/eastern", ""]) {
      const query = `?timezone=${encodeURIComponent(zone)}`;
      expect((await e.http.get(`/v1/subscriptions/export${query}`).set(headers)).status, zone).toBe(422);
    }
    const eastern = await exported(`?timezone=Etc/GMT%2B5&columns=started_at&product_id=${ids.pro}`);
    expect(eastern.text).toBe("Started At\r\n2026-02-28T19:00:00-05:00\r\n");
  });

  it("needs subscriptions:read or subscriptions:write", async () => {
    const other = tenant(e.emulator, ["customers:read"]);
    const res = await e.http.get("/v1/subscriptions/export").set(other.headers);
    expect(res.status).toBe(403);
    expect(res.headers["www-authenticate"]).toContain('scope="subscriptions:read subscriptions:write"');
  });
});

describe("a deleted customer's objects", () => {
  it("stay readable as Polar's repositories read them: subscriptions, grants and meters", async () => {
    const c = await catalog(t.emulator, t.http, { amount: 0 });
    const created = await createSubscription(c.headers, {
      product_id: c.product.id,
      customer_id: c.customer.id,
    });
    expect(created.status).toBe(201);
    const id = created.body.id;
    await post(t.http, "/v1/events/ingest", c.headers, {
      events: [{ name: "api_call", customer_id: c.customer.id }],
    });
    expect((await t.http.delete(`/v1/customers/${c.customer.id}`).set(c.headers)).status).toBe(204);

    const subscription = await t.http.get(`/v1/subscriptions/${id}`).set(c.headers);
    expect(subscription.status).toBe(200);
    expect(subscription.body).toMatchObject({ status: "canceled", customer: { id: c.customer.id } });
    expect(subscription.body.ended_at).not.toBeNull();
    const listed = await t.http.get("/v1/subscriptions/").set(c.headers);
    expect(listed.body.items.map((item: Body) => item.id)).toEqual([id]);
    expect(
      (await t.http.get(`/v1/subscriptions/?customer_id=${c.customer.id}`).set(c.headers)).body.items,
    ).toHaveLength(1);
    // Its external id moved to metadata: the filter no longer finds it.
    expect(
      (await t.http.get("/v1/subscriptions/?external_customer_id=user_ada").set(c.headers)).body.items,
    ).toEqual([]);
    const exported = await t.http.get("/v1/subscriptions/export?columns=status").set(c.headers);
    expect(exported.text).toBe("Status\r\ncanceled\r\n");
    // Already canceled: revoking again is Polar's 403; its metadata can still change.
    const revoke = await t.http.delete(`/v1/subscriptions/${id}`).set(c.headers);
    expect(revoke.status).toBe(403);
    expect(revoke.body.error).toBe("AlreadyCanceledSubscription");
    const patched = await t.http
      .patch(`/v1/subscriptions/${id}`)
      .set(c.headers)
      .send({ metadata: { note: "gone" } });
    expect(patched.status).toBe(200);
    expect(patched.body.metadata).toEqual({ note: "gone" });

    const grants = await t.http.get(`/v1/benefit-grants/?customer_id=${c.customer.id}`).set(c.headers);
    expect(grants.body.pagination.total_count).toBe(4);
    expect(grants.body.items.every((grant: Body) => grant.is_revoked === true)).toBe(true);
    const ofBenefit = await t.http.get(`/v1/benefits/${c.benefits.custom.id}/grants`).set(c.headers);
    expect(ofBenefit.body.pagination.total_count).toBe(1);
    const meters = await t.http.get(`/v1/customer-meters/?customer_id=${c.customer.id}`).set(c.headers);
    expect(meters.body.pagination.total_count).toBeGreaterThan(0);
    const meter = await t.http.get(`/v1/customer-meters/${meters.body.items[0].id}`).set(c.headers);
    expect(meter.status).toBe(200);
    // The customer itself and its state are gone.
    expect((await t.http.get(`/v1/customers/${c.customer.id}`).set(c.headers)).status).toBe(404);
    expect((await t.http.get(`/v1/customers/${c.customer.id}/state`).set(c.headers)).status).toBe(404);
  });
});
