/** Products and prices to the byte (Polar's product/schemas.py and product/service.py), over real HTTP. */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBenefit } from "../src/resources/benefits/service.js";
import { setProductBenefits } from "../src/resources/products/service.js";
import type { ProductRecord } from "../src/resources/products/table.js";
import { startTestEmulator, tenant } from "./helpers.js";

let ctx: Awaited<ReturnType<typeof startTestEmulator>>;
beforeAll(async () => {
  ctx = await startTestEmulator();
});
afterAll(() => ctx.emulator.close());

const PRODUCT_KEYS = [
  "id",
  "created_at",
  "modified_at",
  "trial_interval",
  "trial_interval_count",
  "name",
  "description",
  "visibility",
  "recurring_interval",
  "recurring_interval_count",
  "meter_interval",
  "meter_interval_count",
  "is_recurring",
  "is_archived",
  "organization_id",
  "metadata",
  "is_deletable",
  "prices",
  "benefits",
  "medias",
  "attached_custom_fields",
];
const PRICE_HEAD = [
  "created_at",
  "modified_at",
  "id",
  "source",
  "amount_type",
  "price_currency",
  "tax_behavior",
  "is_archived",
  "product_id",
  // Deprecated, hidden from Polar's document and sent all the same (ProductPriceBase).
  "type",
  "recurring_interval",
];
const ISO_Z = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{6})?Z$/;

type Headers = Record<string, string>;
type Body = Record<string, unknown>;

const fixed = (price_amount = 1000, extra: Body = {}) => ({ amount_type: "fixed", price_amount, ...extra });

async function create(headers: Headers, body: Body) {
  return ctx.http.post("/v1/products/").set(headers).send(body);
}

async function created(headers: Headers, body: Body): Promise<Body> {
  const res = await create(headers, body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as Body;
}

async function list(headers: Headers, query: string) {
  const res = await ctx.http.get(`/v1/products/${query}`).set(headers);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as { items: Body[]; pagination: { total_count: number; max_page: number } };
}

const names = (items: Body[]) => items.map((item) => item.name);

/** A meter in the organization's store (meters have their own API, not under test here). */
function addMeter(organizationId: string, name = "API calls"): string {
  const id = randomUUID();
  ctx.emulator.emulator.context.store.partition(organizationId).meters.set(id, {
    id,
    organization_id: organizationId,
    created_at: new Date(),
    modified_at: null,
    name,
    unit: "scalar",
    custom_label: null,
    custom_multiplier: null,
    filter: { conjunction: "and", clauses: [] },
    aggregation: { func: "count" },
    metadata: {},
    archived_at: null,
  });
  return id;
}

/** The stored record of a product created over HTTP. */
function stored(organizationId: string, id: unknown): ProductRecord {
  const product = ctx.emulator.emulator.context.store.partition(organizationId).products.get(String(id));
  if (!product) throw new Error(`product ${String(id)} is not stored`);
  return product;
}

function validationError(body: Body, detail: Body[]) {
  expect(body).toEqual({ error: "PolarRequestValidationError", detail });
}

describe("create", () => {
  it("answers 201 with every key in Polar's order, trimmed name, defaults and a fixed price", async () => {
    const { headers, organizationId } = tenant(ctx.emulator);
    const res = await create(headers, {
      name: "  Lifetime deal  ",
      description: "   ",
      metadata: { tier: "gold", seats: 3, beta: true },
      prices: [fixed(4900)],
      unknown_key: "ignored",
    });
    expect(res.status).toBe(201);
    const product = res.body;
    expect(Object.keys(product)).toEqual(PRODUCT_KEYS);
    expect(product).toMatchObject({
      name: "Lifetime deal",
      description: null,
      visibility: "public",
      recurring_interval: null,
      recurring_interval_count: null,
      trial_interval: null,
      trial_interval_count: null,
      meter_interval: null,
      meter_interval_count: null,
      is_recurring: false,
      is_archived: false,
      organization_id: organizationId,
      metadata: { tier: "gold", seats: 3, beta: true },
      benefits: [],
      medias: [],
      attached_custom_fields: [],
      modified_at: null,
    });
    expect(product.created_at).toMatch(ISO_Z);
    expect(product.prices).toHaveLength(1);
    const [price] = product.prices;
    expect(Object.keys(price)).toEqual([...PRICE_HEAD, "price_amount"]);
    expect(price).toMatchObject({
      source: "catalog",
      amount_type: "fixed",
      price_currency: "usd",
      tax_behavior: null,
      is_archived: false,
      product_id: product.id,
      price_amount: 4900,
      modified_at: null,
    });
    expect(price.id).not.toBe(product.id);
  });

  it("creates a recurring product: interval count 1 by default, trial kept, description kept", async () => {
    const { headers } = tenant(ctx.emulator);
    const product = await created(headers, {
      name: "Pro",
      description: " Monthly plan ",
      visibility: "private",
      recurring_interval: "month",
      trial_interval: "day",
      trial_interval_count: 14,
      prices: [fixed(1500, { tax_behavior: "exclusive" })],
    });
    expect(product).toMatchObject({
      description: "Monthly plan",
      visibility: "private",
      recurring_interval: "month",
      recurring_interval_count: 1,
      trial_interval: "day",
      trial_interval_count: 14,
      is_recurring: true,
    });
    expect((product.prices as Body[])[0].tax_behavior).toBe("exclusive");

    const yearly = await created(headers, {
      name: "Pro yearly",
      recurring_interval: "year",
      recurring_interval_count: 2,
      prices: [fixed(15000)],
    });
    expect(yearly).toMatchObject({ recurring_interval: "year", recurring_interval_count: 2 });
  });

  it("stores a custom price with minimum 50 by default, and amounts as sent", async () => {
    const { headers } = tenant(ctx.emulator);
    const product = await created(headers, { name: "Tip jar", prices: [{ amount_type: "custom" }] });
    const [price] = product.prices as Body[];
    expect(Object.keys(price)).toEqual([...PRICE_HEAD, "minimum_amount", "maximum_amount", "preset_amount"]);
    expect(price).toMatchObject({ minimum_amount: 50, maximum_amount: null, preset_amount: null });

    const free = await created(headers, {
      name: "Pay what you want",
      prices: [{ amount_type: "custom", minimum_amount: 0, maximum_amount: 10000, preset_amount: 2500 }],
    });
    expect((free.prices as Body[])[0]).toMatchObject({
      minimum_amount: 0,
      maximum_amount: 10000,
      preset_amount: 2500,
    });
  });

  it("stores seat tiers sorted, with the minimum and maximum seats derived from them", async () => {
    const { headers } = tenant(ctx.emulator);
    const product = await created(headers, {
      name: "Team plan",
      recurring_interval: "month",
      prices: [
        {
          amount_type: "seat_based",
          seat_tiers: {
            tiers: [
              { min_seats: 11, price_per_seat: 800 },
              { min_seats: 1, max_seats: 10, price_per_seat: 1000 },
            ],
          },
        },
      ],
    });
    const [price] = product.prices as Body[];
    expect(Object.keys(price)).toEqual([...PRICE_HEAD, "seat_tiers"]);
    expect(price.seat_tiers).toEqual({
      seat_tier_type: "volume",
      tiers: [
        { min_seats: 1, max_seats: 10, price_per_seat: 1000 },
        { min_seats: 11, max_seats: null, price_per_seat: 800 },
      ],
      minimum_seats: 1,
      maximum_seats: null,
    });

    const graduated = await created(headers, {
      name: "Bounded seats",
      prices: [
        {
          amount_type: "seat_based",
          seat_tiers: {
            seat_tier_type: "graduated",
            tiers: [{ min_seats: 2, max_seats: 5, price_per_seat: 0 }],
          },
        },
      ],
    });
    expect((graduated.prices as Body[])[0].seat_tiers).toEqual({
      seat_tier_type: "graduated",
      tiers: [{ min_seats: 2, max_seats: 5, price_per_seat: 0 }],
      minimum_seats: 2,
      maximum_seats: 5,
    });
  });

  it("keeps a metered unit amount as sent on create and as the database's decimal afterwards", async () => {
    const { headers, organizationId } = tenant(ctx.emulator);
    const meterId = addMeter(organizationId, "Tokens");
    const product = await created(headers, {
      name: "Usage",
      recurring_interval: "month",
      prices: [
        {
          amount_type: "metered_unit",
          meter_id: meterId.toUpperCase(),
          unit_amount: 0.5,
          cap_amount: 100000,
        },
        fixed(2000),
      ],
    });
    const prices = product.prices as Body[];
    // The create answer keeps the order sent and the amount as sent.
    expect(prices.map((price) => price.amount_type)).toEqual(["metered_unit", "fixed"]);
    expect(Object.keys(prices[0])).toEqual([...PRICE_HEAD, "unit_amount", "cap_amount", "meter_id", "meter"]);
    expect(prices[0]).toMatchObject({
      unit_amount: "0.5",
      cap_amount: 100000,
      meter_id: meterId,
      meter: { id: meterId, name: "Tokens", unit: "scalar", custom_label: null, custom_multiplier: null },
    });

    const res = await ctx.http.get(`/v1/products/${product.id}`).set(headers);
    expect(res.status).toBe(200);
    const read = res.body.prices as Body[];
    // Read back: fixed and custom first, then metered; Numeric(17, 12) gives twelve places.
    expect(read.map((price) => price.amount_type)).toEqual(["fixed", "metered_unit"]);
    expect(read[1].unit_amount).toBe("0.500000000000");

    const tiny = await created(headers, {
      name: "Tiny",
      recurring_interval: "month",
      prices: [fixed(0), { amount_type: "metered_unit", meter_id: meterId, unit_amount: "0.0000001" }],
    });
    expect((tiny.prices as Body[])[1].unit_amount).toBe("1E-7");
    const tinyRead = (await ctx.http.get(`/v1/products/${tiny.id}`).set(headers)).body.prices as Body[];
    expect(tinyRead[1].unit_amount).toBe("1.00000E-7");
  });

  it("takes a price with an id key as a new price: only an update names existing prices", async () => {
    const { headers } = tenant(ctx.emulator);
    const id = randomUUID();
    const product = await created(headers, { name: "Stray id", prices: [fixed(1000, { id })] });
    expect(product.prices).toMatchObject([{ amount_type: "fixed", price_amount: 1000 }]);
    expect((product.prices as Body[])[0].id).not.toBe(id);
  });

  it("accepts medias as given and shows none", async () => {
    const { headers } = tenant(ctx.emulator);
    const product = await created(headers, { name: "With media", medias: [randomUUID()], prices: [fixed()] });
    expect(product.medias).toEqual([]);
  });

  it("emits product.created with the object answered", async () => {
    const { headers, organizationId } = tenant(ctx.emulator);
    const product = await created(headers, { name: "Evented", prices: [fixed()] });
    const events = ctx.emulator.emulator.context.events.list({ organizationId });
    expect(events.map((event) => event.type)).toEqual(["product.created"]);
    expect(events[0]).toMatchObject({ customerId: null, subjectId: product.id, data: product });
  });
});

describe("create: rules", () => {
  it("refuses organization_id with an organization token", async () => {
    const { headers, organizationId } = tenant(ctx.emulator);
    const res = await create(headers, {
      name: "Product",
      organization_id: organizationId,
      prices: [fixed()],
    });
    expect(res.status).toBe(422);
    validationError(res.body, [
      {
        type: "organization_token",
        loc: ["body", "organization_id"],
        msg: "Setting organization_id is disallowed when using an organization token.",
        input: organizationId,
      },
    ]);
    // pydantic's own checks come first, as they run while the body is read.
    const both = await create(headers, { name: "ab", organization_id: organizationId, prices: [fixed()] });
    expect(both.body.error).toBe("RequestValidationError");
  });

  it("checks the stripped name's length and the price amounts like pydantic", async () => {
    const { headers } = tenant(ctx.emulator);
    const res = await create(headers, {
      name: "  ab  ",
      prices: [
        fixed(10),
        { amount_type: "custom", minimum_amount: 20, maximum_amount: 100_000_000 },
        { amount_type: "fixed", price_currency: "eur", price_amount: 10 },
      ],
    });
    expect(res.status).toBe(422);
    expect(res.body).toEqual({
      error: "RequestValidationError",
      detail: [
        {
          type: "too_short",
          loc: ["body", "one_time", "name"],
          msg: "Value should have at least 3 items after validation, not 2",
          input: "  ab  ",
          ctx: { field_type: "Value", min_length: 3, actual_length: 2 },
        },
        {
          type: "minimum_price",
          loc: ["body", "one_time", "prices", 0, "fixed", "price_amount"],
          msg: "Amount must be at least $0.50 or 0 for free pricing",
          input: 10,
        },
        {
          type: "minimum_price",
          loc: ["body", "one_time", "prices", 1, "custom", "minimum_amount"],
          msg: "Amount must be at least $0.50 or 0 for free pricing",
          input: 20,
        },
        {
          type: "maximum_price",
          loc: ["body", "one_time", "prices", 1, "custom", "maximum_amount"],
          msg: "Amount must be at most $999,999.99",
          input: 100_000_000,
        },
        {
          type: "minimum_price",
          loc: ["body", "one_time", "prices", 2, "fixed", "price_amount"],
          msg: "Amount must be at least €0.50 or 0 for free pricing",
          input: 10,
        },
      ],
    });
  });

  it("checks seat tiers: contiguous, one unbounded tier last", async () => {
    const { headers } = tenant(ctx.emulator);
    const seat = (tiers: Body[]) => ({
      name: "Seats",
      prices: [{ amount_type: "seat_based", seat_tiers: { tiers } }],
    });
    const gap = await create(
      headers,
      seat([
        { min_seats: 1, max_seats: 5, price_per_seat: 100 },
        { min_seats: 7, price_per_seat: 90 },
      ]),
    );
    expect(gap.status).toBe(422);
    expect(gap.body.detail).toEqual([
      {
        type: "value_error",
        loc: ["body", "one_time", "prices", 0, "seat_based", "seat_tiers", "tiers"],
        msg: "Value error, Gap or overlap between tiers: tier ending at 5 and tier starting at 7",
        input: [
          { min_seats: 1, max_seats: 5, price_per_seat: 100 },
          { min_seats: 7, price_per_seat: 90 },
        ],
        ctx: { error: {} },
      },
    ]);
    const unbounded = await create(
      headers,
      seat([
        { min_seats: 1, price_per_seat: 100 },
        { min_seats: 6, price_per_seat: 90 },
      ]),
    );
    expect(unbounded.body.detail[0].msg).toBe(
      "Value error, Only the last tier can have unlimited max_seats (None)",
    );
    const inverted = await create(headers, seat([{ min_seats: 10, max_seats: 5, price_per_seat: 100 }]));
    expect(inverted.body.detail[0].msg).toBe(
      "Value error, minimum_seats must not exceed the last tier's max_seats, got 10 > 5",
    );
  });

  it("checks a metered unit amount: positive, 12 decimal places, 5 whole digits", async () => {
    const { headers, organizationId } = tenant(ctx.emulator);
    const meterId = addMeter(organizationId);
    const metered = (unit_amount: unknown) => ({
      name: "Metered",
      recurring_interval: "month",
      prices: [fixed(), { amount_type: "metered_unit", meter_id: meterId, unit_amount }],
    });
    const loc = ["body", "recurring", "prices", 1, "metered_unit", "unit_amount"];
    const cases: [unknown, Body][] = [
      ["0", { type: "greater_than", msg: "Input should be greater than 0", ctx: { gt: 0 } }],
      ["-2.5", { type: "greater_than", msg: "Input should be greater than 0", ctx: { gt: 0 } }],
      [
        0.1234567890123,
        {
          type: "decimal_max_places",
          msg: "Decimal input should have no more than 12 decimal places",
          ctx: { decimal_places: 12 },
        },
      ],
      [
        123456.5,
        {
          type: "decimal_whole_digits",
          msg: "Decimal input should have no more than 5 digits before the decimal point",
          ctx: { whole_digits: 5 },
        },
      ],
    ];
    for (const [input, expected] of cases) {
      const res = await create(headers, metered(input));
      expect(res.status).toBe(422);
      expect(res.body.detail).toEqual([
        { type: expected.type, loc, msg: expected.msg, input, ctx: expected.ctx },
      ]);
    }
  });

  it("checks the trial configuration and the meter interval after the fields", async () => {
    const { headers } = tenant(ctx.emulator);
    const body = { name: "Trial", recurring_interval: "month", trial_interval: "week", prices: [fixed()] };
    const trial = await create(headers, body);
    expect(trial.status).toBe(422);
    expect(trial.body).toEqual({
      error: "RequestValidationError",
      detail: [
        {
          type: "missing",
          loc: ["body", "recurring"],
          msg: "Both trial_interval and trial_interval_count must be set together.",
          input: body,
        },
      ],
    });

    const drifting = {
      name: "Drift",
      recurring_interval: "month",
      meter_interval: "week",
      prices: [fixed()],
    };
    const divide = await create(headers, drifting);
    expect(divide.body.detail).toEqual([
      {
        type: "value_error",
        loc: ["body", "recurring"],
        msg: "Value error, The meter interval must evenly divide the billing interval, so the meter cycle re-aligns with the billing cycle at every renewal.",
        input: drifting,
        ctx: { error: {} },
      },
    ]);

    // A meter interval that divides is refused by the organization's settings instead.
    const cycling = await create(headers, {
      name: "Yearly with monthly meters",
      recurring_interval: "year",
      meter_interval: "month",
      prices: [fixed()],
    });
    expect(cycling.status).toBe(422);
    validationError(cycling.body, [
      {
        type: "value_error",
        loc: ["body", "meter_interval"],
        msg: "Separate meter cycling is not enabled for this organization.",
        input: "month",
      },
    ]);
  });

  it("needs the metered price's meter in the organization, and a recurring product", async () => {
    const { headers, organizationId } = tenant(ctx.emulator);
    const other = tenant(ctx.emulator);
    const foreignMeter = addMeter(other.organizationId);
    const ownMeter = addMeter(organizationId);
    const res = await create(headers, {
      name: "Metered",
      recurring_interval: "month",
      prices: [fixed(), { amount_type: "metered_unit", meter_id: foreignMeter, unit_amount: 1 }],
    });
    expect(res.status).toBe(422);
    validationError(res.body, [
      {
        type: "value_error",
        loc: ["body", "prices", 1, "meter_id"],
        msg: "Meter does not exist.",
        input: foreignMeter,
      },
    ]);

    const meteredPrice = { amount_type: "metered_unit", meter_id: ownMeter, unit_amount: "2" };
    const oneTime = await create(headers, { name: "One-time metered", prices: [meteredPrice] });
    const dump = {
      amount_type: "metered_unit",
      price_currency: "usd",
      tax_behavior: null,
      meter_id: ownMeter,
      unit_amount: "2",
      cap_amount: null,
    };
    validationError(oneTime.body, [
      {
        type: "value_error",
        loc: ["body", "prices", 0],
        msg: "Metered pricing is not supported on one-time products.",
        input: dump,
      },
      { type: "too_short", loc: ["body", "prices"], msg: "At least one price is required.", input: [dump] },
      {
        type: "value_error",
        loc: ["body", "prices"],
        msg: "The organization's default presentment currency must be present in the prices.",
        input: [dump],
      },
    ]);

    const twice = await create(headers, {
      name: "Same meter twice",
      recurring_interval: "month",
      prices: [fixed(), meteredPrice, meteredPrice],
    });
    validationError(twice.body, [
      {
        type: "value_error",
        loc: ["body", "prices", 2, "meter_id"],
        msg: "Meter is already used for another price.",
        input: ownMeter,
      },
    ]);
  });

  it("applies the price composition rules per currency", async () => {
    const { headers } = tenant(ctx.emulator);
    const messages = async (prices: Body[]) => {
      const res = await create(headers, { name: "Composition", prices });
      expect(res.status).toBe(422);
      expect(res.body.error).toBe("PolarRequestValidationError");
      return (res.body.detail as Body[]).map((detail) => detail.msg);
    };
    expect(await messages([fixed(), fixed(2000)])).toEqual(["Only one fixed price is allowed."]);
    expect(await messages([{ amount_type: "custom" }, { amount_type: "custom" }])).toEqual([
      "Only one custom price is allowed.",
    ]);
    expect(await messages([fixed(), { amount_type: "custom" }])).toEqual([
      "A custom price cannot be combined with a fixed, seat-based or unit-based price.",
    ]);
    expect(
      await messages([
        fixed(1000, { tax_behavior: "inclusive" }),
        { amount_type: "custom", price_currency: "eur" },
      ]),
    ).toEqual(["All price currencies must define the same set of price types."]);
    expect(await messages([fixed(1000, { price_currency: "eur" })])).toEqual([
      "The organization's default presentment currency must be present in the prices.",
    ]);

    const seat = {
      amount_type: "seat_based",
      seat_tiers: { tiers: [{ min_seats: 1, price_per_seat: 500 }] },
    };
    const taxes = await create(headers, {
      name: "Taxes",
      prices: [fixed(1000, { tax_behavior: "inclusive" }), { ...seat, tax_behavior: "exclusive" }],
    });
    expect(taxes.body.detail).toEqual([
      {
        type: "value_error",
        loc: ["body", "prices"],
        msg: "All prices for the same currency must have the same tax behavior.",
        input: [
          { amount_type: "fixed", price_currency: "usd", tax_behavior: "inclusive", price_amount: 1000 },
          {
            amount_type: "seat_based",
            price_currency: "usd",
            tax_behavior: "exclusive",
            seat_tiers: {
              seat_tier_type: "volume",
              tiers: [{ min_seats: 1, max_seats: null, price_per_seat: 500 }],
              minimum_seats: 1,
              maximum_seats: null,
            },
          },
        ],
      },
    ]);

    // A fixed price and a seat-based price may be combined, in several currencies alike.
    const combined = await create(headers, {
      name: "Base plus seats",
      prices: [fixed(), seat, fixed(900, { price_currency: "eur" }), { ...seat, price_currency: "eur" }],
    });
    expect(combined.status).toBe(201);
  });

  it("refuses custom fields, which the emulator never has", async () => {
    const { headers } = tenant(ctx.emulator);
    const fieldId = randomUUID();
    const res = await create(headers, {
      name: "Fields",
      prices: [fixed()],
      attached_custom_fields: [{ custom_field_id: fieldId, required: true }],
    });
    validationError(res.body, [
      {
        type: "value_error",
        loc: ["body", "attached_custom_fields", 0],
        msg: "Custom field does not exist.",
        input: fieldId,
      },
    ]);
  });

  it("never creates anything when refused", async () => {
    const { headers, organizationId } = tenant(ctx.emulator);
    await create(headers, { name: "Refused", prices: [fixed(), fixed()] });
    expect((await list(headers, "")).pagination.total_count).toBe(0);
    expect(ctx.emulator.emulator.context.events.list({ organizationId })).toEqual([]);
  });
});

describe("get", () => {
  it("answers the product, 404 for an unknown or foreign id", async () => {
    const { headers } = tenant(ctx.emulator);
    const other = tenant(ctx.emulator);
    const product = await created(headers, { name: "Mine", prices: [fixed()] });
    const res = await ctx.http.get(`/v1/products/${product.id}`).set(headers);
    expect(res.status).toBe(200);
    expect(res.body).toEqual(product);
    const upper = await ctx.http.get(`/v1/products/${String(product.id).toUpperCase()}`).set(headers);
    expect(upper.body.id).toBe(product.id);

    for (const id of [randomUUID(), product.id]) {
      const missing = await ctx.http.get(`/v1/products/${id}`).set(other.headers);
      expect(missing.status).toBe(404);
      expect(missing.body).toEqual({ error: "ResourceNotFound", detail: "Not found" });
    }
  });
});

describe("is_deletable", () => {
  it("is true until a subscription or a discount refers to the product", async () => {
    const { headers } = tenant(ctx.emulator);
    const monthly = { recurring_interval: "month", prices: [fixed(900)] };
    const subscribed = await created(headers, { name: "Subscribed", ...monthly });
    const discounted = await created(headers, { name: "Discounted", ...monthly });
    const untouched = await created(headers, { name: "Untouched", ...monthly });
    expect([subscribed, discounted, untouched].map((product) => product.is_deletable)).toEqual([
      true,
      true,
      true,
    ]);

    const customer = await ctx.http
      .post("/v1/customers/")
      .set(headers)
      .send({ email: `${randomUUID()}@example.com` });
    expect(customer.status).toBe(201);
    const subscription = await ctx.http
      .post("/_emulator/subscriptions")
      .send({ customer_id: customer.body.id, product_id: subscribed.id });
    expect(subscription.status, JSON.stringify(subscription.body)).toBe(201);
    // Revoked, it still refers to the product (its orders do, for good).
    const revoked = await ctx.http.post(
      `/_emulator/subscriptions/${subscription.body.subscription.id}/revoke`,
    );
    expect(revoked.status).toBe(200);
    const discount = await ctx.http
      .post("/v1/discounts/")
      .set(headers)
      .send({
        name: "Launch",
        type: "percentage",
        basis_points: 1000,
        duration: "once",
        products: [discounted.id],
      });
    expect(discount.status, JSON.stringify(discount.body)).toBe(201);

    const deletable = async (id: unknown) =>
      (await ctx.http.get(`/v1/products/${String(id)}`).set(headers)).body.is_deletable as boolean;
    expect([
      await deletable(subscribed.id),
      await deletable(discounted.id),
      await deletable(untouched.id),
    ]).toEqual([false, false, true]);
    // A deleted discount no longer counts.
    expect((await ctx.http.delete(`/v1/discounts/${discount.body.id}`).set(headers)).status).toBe(204);
    expect(await deletable(discounted.id)).toBe(true);
  });
});

describe("list", () => {
  it("lists newest first in the envelope, paginated, scoped to the token's organization", async () => {
    const { headers, organizationId } = tenant(ctx.emulator);
    const other = tenant(ctx.emulator);
    for (const name of ["Alpha", "Bravo", "Charlie"]) await created(headers, { name, prices: [fixed()] });
    await created(other.headers, { name: "Foreign", prices: [fixed()] });

    const all = await list(headers, "");
    expect(names(all.items)).toEqual(["Charlie", "Bravo", "Alpha"]);
    expect(all.pagination).toEqual({ total_count: 3, max_page: 1 });
    expect(Object.keys(all.items[0])).toEqual(PRODUCT_KEYS);

    const page2 = await list(headers, "?limit=2&page=2");
    expect(names(page2.items)).toEqual(["Alpha"]);
    expect(page2.pagination).toEqual({ total_count: 3, max_page: 2 });
    expect((await list(headers, "?limit=2&page=5")).items).toEqual([]);

    expect((await list(headers, `?organization_id=${organizationId}`)).pagination.total_count).toBe(3);
    expect(await list(headers, `?organization_id=${other.organizationId}`)).toEqual({
      items: [],
      pagination: { total_count: 0, max_page: 0 },
    });
  });

  it("filters by id, name query, recurrence, archive state, visibility and metadata", async () => {
    const { headers } = tenant(ctx.emulator);
    const basic = await created(headers, {
      name: "Basic 50% off",
      visibility: "draft",
      metadata: { plan: "basic", seats: 1 },
      prices: [fixed()],
    });
    const pro = await created(headers, {
      name: "Pro monthly",
      recurring_interval: "month",
      metadata: { plan: "pro", seats: 5 },
      prices: [fixed()],
    });
    await created(headers, { name: "Team_yearly", recurring_interval: "year", prices: [fixed()] });

    expect(names((await list(headers, `?id=${basic.id}&id=${pro.id}`)).items)).toEqual([
      "Pro monthly",
      "Basic 50% off",
    ]);
    expect(names((await list(headers, "?query=PRO")).items)).toEqual(["Pro monthly"]);
    // Postgres ILIKE: `%` and `_` are wildcards, `\` escapes.
    expect(names((await list(headers, "?query=50%25")).items)).toEqual(["Basic 50% off"]);
    expect(names((await list(headers, "?query=m_y")).items)).toEqual(["Team_yearly"]);
    expect(names((await list(headers, "?query=m%5C_")).items)).toEqual(["Team_yearly"]);
    expect(names((await list(headers, "?query=o%20m")).items)).toEqual(["Pro monthly"]);
    expect(names((await list(headers, "?is_recurring=false")).items)).toEqual(["Basic 50% off"]);
    expect(names((await list(headers, "?is_recurring=yes")).items)).toEqual(["Team_yearly", "Pro monthly"]);
    expect((await list(headers, "?is_archived=true")).items).toEqual([]);
    expect((await list(headers, "?is_archived=false")).pagination.total_count).toBe(3);
    expect(names((await list(headers, "?visibility=draft")).items)).toEqual(["Basic 50% off"]);
    expect((await list(headers, "?visibility=public&visibility=private")).pagination.total_count).toBe(2);
    expect(names((await list(headers, "?metadata[plan]=pro&metadata[plan]=basic")).items)).toEqual([
      "Pro monthly",
      "Basic 50% off",
    ]);
    expect(names((await list(headers, "?metadata[plan]=pro&metadata[seats]=1")).items)).toEqual([]);
    expect(names((await list(headers, "?metadata[seats]=5")).items)).toEqual(["Pro monthly"]);
  });

  it("filters by benefit over the product-benefit rows, as Polar's join does", async () => {
    const { headers, organizationId } = tenant(ctx.emulator);
    const domain = ctx.emulator.emulator.context;
    const benefit = (description: string) =>
      createBenefit(domain, organizationId, { type: "custom", description, properties: {} });
    const discord = benefit("Discord access");
    const support = benefit("Priority support");
    const both = await created(headers, { name: "Both", prices: [fixed()] });
    const one = await created(headers, { name: "One", prices: [fixed()] });
    await created(headers, { name: "None", prices: [fixed()] });
    setProductBenefits(domain, stored(organizationId, both.id), [discord.id, support.id]);
    setProductBenefits(domain, stored(organizationId, one.id), [support.id]);

    const full = await ctx.http.get(`/v1/products/${both.id}`).set(headers);
    expect((full.body.benefits as Body[]).map((item) => item.id)).toEqual([discord.id, support.id]);

    const bySupport = await list(headers, `?benefit_id=${support.id}`);
    expect(names(bySupport.items)).toEqual(["One", "Both"]);
    // Each product shows the benefits its joined rows loaded: the matching ones.
    expect((bySupport.items[1].benefits as Body[]).map((item) => item.id)).toEqual([support.id]);

    const byEither = await list(headers, `?benefit_id=${discord.id}&benefit_id=${support.id}`);
    expect(names(byEither.items)).toEqual(["One", "Both"]);
    expect(byEither.pagination).toEqual({ total_count: 3, max_page: 1 });
    expect((byEither.items[1].benefits as Body[]).map((item) => item.id)).toEqual([discord.id, support.id]);
  });

  it("sorts by name without case, by price amount and by price type, nulls as Postgres orders them", async () => {
    const { headers, organizationId } = tenant(ctx.emulator);
    const meterId = addMeter(organizationId);
    await created(headers, { name: "bravo", prices: [fixed(3000)] });
    await created(headers, { name: "Alpha", prices: [{ amount_type: "custom", minimum_amount: 500 }] });
    await created(headers, {
      name: "Charlie",
      prices: [{ amount_type: "seat_based", seat_tiers: { tiers: [{ min_seats: 1, price_per_seat: 100 }] } }],
    });
    await created(headers, {
      name: "delta",
      recurring_interval: "month",
      prices: [fixed(1000), { amount_type: "metered_unit", meter_id: meterId, unit_amount: 1 }],
    });

    expect(names((await list(headers, "?sorting=name")).items)).toEqual([
      "Alpha",
      "bravo",
      "Charlie",
      "delta",
    ]);
    expect(names((await list(headers, "?sorting=-name")).items)).toEqual([
      "delta",
      "Charlie",
      "bravo",
      "Alpha",
    ]);
    expect(names((await list(headers, "?sorting=price_amount")).items)).toEqual([
      "Alpha",
      "delta",
      "bravo",
      "Charlie",
    ]);
    expect(names((await list(headers, "?sorting=-price_amount")).items)).toEqual([
      "Charlie",
      "bravo",
      "delta",
      "Alpha",
    ]);
    expect(names((await list(headers, "?sorting=price_amount_type&sorting=name")).items)).toEqual([
      "Alpha",
      "bravo",
      "delta",
      "Charlie",
    ]);
    expect(names((await list(headers, "?sorting=created_at")).items)).toEqual([
      "bravo",
      "Alpha",
      "Charlie",
      "delta",
    ]);

    const bad = await ctx.http.get("/v1/products/?sorting=price").set(headers);
    expect(bad.status).toBe(422);
    expect(bad.body.detail[0]).toMatchObject({ type: "enum", loc: ["query", "sorting", 0], input: "price" });
  });
});

describe("setProductBenefits", () => {
  it("replaces the benefits in order, emits product.updated and keeps modified_at", async () => {
    const { headers, organizationId } = tenant(ctx.emulator);
    const domain = ctx.emulator.emulator.context;
    const product = await created(headers, { name: "Bundle", prices: [fixed()] });
    const record = stored(organizationId, product.id);
    const first = createBenefit(domain, organizationId, {
      type: "feature_flag",
      description: "Beta",
      properties: {},
    });
    const second = createBenefit(domain, organizationId, {
      type: "custom",
      description: "Swag",
      properties: {},
    });
    const after = domain.events.lastId();

    setProductBenefits(domain, record, [second.id, first.id.toUpperCase(), second.id]);
    const res = await ctx.http.get(`/v1/products/${product.id}`).set(headers);
    expect((res.body.benefits as Body[]).map((benefit) => benefit.id)).toEqual([second.id, first.id]);
    expect(res.body.modified_at).toBeNull();
    const events = domain.events.list({ organizationId, after });
    expect(events.map((event) => event.type)).toEqual(["product.updated"]);
    expect(events[0]).toMatchObject({ customerId: null, subjectId: product.id, data: res.body });

    const unknown = randomUUID();
    let refused: unknown;
    try {
      setProductBenefits(domain, record, [first.id, unknown]);
    } catch (error) {
      refused = error;
    }
    expect(refused).toMatchObject({
      status: 422,
      body: {
        error: "PolarRequestValidationError",
        detail: [
          {
            type: "value_error",
            loc: ["body", "benefits", 1],
            msg: "Benefit does not exist.",
            input: unknown,
          },
        ],
      },
    });
    expect(record.benefit_ids).toEqual([second.id, first.id]);
  });
});

describe("update", () => {
  const DEFAULT_CURRENCY = "The organization's default presentment currency must be present in the prices.";
  const TAG_UNION =
    "function-before[_coerce_legacy_free_price(), tagged-union[ProductPriceFixedCreate,ProductPriceCustomCreate,ProductPriceSeatBasedCreate,ProductPriceMeteredUnitCreate]]";

  async function patch(headers: Headers, id: unknown, body: unknown) {
    return ctx.http
      .patch(`/v1/products/${String(id)}`)
      .set(headers)
      .send(body as object);
  }

  async function patched(headers: Headers, id: unknown, body: unknown): Promise<Body> {
    const res = await patch(headers, id, body);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body as Body;
  }

  const monthly = (extra: Body = {}) => ({
    name: "Pro",
    recurring_interval: "month",
    prices: [fixed(2000)],
    ...extra,
  });

  it("changes the fields sent, stamps modified_at and sends product.updated with the answer", async () => {
    const { headers, organizationId } = tenant(ctx.emulator);
    const product = await created(headers, monthly({ description: "Old", metadata: { tier: "pro" } }));
    const after = ctx.emulator.emulator.context.events.lastId();
    const body = await patched(headers, product.id, {
      name: "  Pro plan  ",
      description: "   ",
      visibility: "private",
      metadata: { tier: "gold", seats: 5 },
      trial_interval: "day",
      trial_interval_count: 14,
      unknown_key: "ignored",
    });
    expect(Object.keys(body)).toEqual(PRODUCT_KEYS);
    expect(body).toMatchObject({
      id: product.id,
      created_at: product.created_at,
      name: "Pro plan",
      description: null,
      visibility: "private",
      metadata: { tier: "gold", seats: 5 },
      trial_interval: "day",
      trial_interval_count: 14,
      recurring_interval: "month",
      is_archived: false,
      prices: product.prices,
    });
    expect(body.modified_at).toMatch(ISO_Z);
    const events = ctx.emulator.emulator.context.events.list({ organizationId, after });
    expect(events.map((event) => event.type)).toEqual(["product.updated"]);
    expect(events[0]).toMatchObject({ customerId: null, subjectId: product.id, data: body });
    expect((await ctx.http.get(`/v1/products/${product.id}`).set(headers)).body).toEqual(body);
  });

  it("keeps modified_at when no column changes, and still sends product.updated", async () => {
    const { headers, organizationId } = tenant(ctx.emulator);
    const product = await created(headers, monthly({ metadata: { seats: 1 } }));
    const after = ctx.emulator.emulator.context.events.lastId();
    // Python compares 1 == 1.0 == True: the same metadata, the same name, visibility and interval.
    const body = await patched(headers, product.id, {
      name: "Pro",
      visibility: "public",
      metadata: { seats: 1.0 },
      recurring_interval: "month",
      recurring_interval_count: 1,
    });
    expect(body).toEqual(product);
    expect(await patched(headers, product.id, {})).toEqual(product);
    const events = ctx.emulator.emulator.context.events.list({ organizationId, after });
    expect(events.map((event) => event.type)).toEqual(["product.updated", "product.updated"]);
  });

  it("keeps the prices named by id, creates the new ones and archives the others", async () => {
    const { headers, organizationId } = tenant(ctx.emulator);
    const product = await created(headers, {
      name: "Multi-currency",
      prices: [fixed(2000), fixed(1800, { price_currency: "eur" })],
    });
    const [usd, eur] = product.prices as Body[];
    const body = await patched(headers, product.id, {
      prices: [{ id: String(usd.id).toUpperCase() }, fixed(1900, { price_currency: "eur" })],
    });
    // Only prices changed: the product's own row, and its modified_at, stay as they were.
    expect(body.modified_at).toBeNull();
    const prices = body.prices as Body[];
    expect(prices).toHaveLength(2);
    expect(prices[0]).toEqual(usd);
    expect(prices[1]).toMatchObject({
      amount_type: "fixed",
      price_currency: "eur",
      price_amount: 1900,
      is_archived: false,
      modified_at: null,
      product_id: product.id,
    });
    expect(prices[1].id).not.toBe(eur.id);
    const record = stored(organizationId, product.id);
    const archived = record.prices.find((price) => price.id === eur.id);
    expect(archived).toMatchObject({ is_archived: true });
    expect(archived?.modified_at).toBeInstanceOf(Date);

    // An archived price cannot be named again; another product's price neither.
    const other = await created(headers, { name: "Other", prices: [fixed()] });
    const otherPrice = (other.prices as Body[])[0].id;
    const res = await patch(headers, product.id, { prices: [{ id: eur.id }, { id: otherPrice }] });
    expect(res.status).toBe(422);
    const named = [{ id: eur.id }, { id: otherPrice }];
    validationError(res.body, [
      { type: "value_error", loc: ["body", "prices", 0], msg: "Price does not exist.", input: eur.id },
      { type: "value_error", loc: ["body", "prices", 1], msg: "Price does not exist.", input: otherPrice },
      { type: "too_short", loc: ["body", "prices"], msg: "At least one price is required.", input: named },
      { type: "value_error", loc: ["body", "prices"], msg: DEFAULT_CURRENCY, input: named },
    ]);
    expect((await ctx.http.get(`/v1/products/${product.id}`).set(headers)).body).toEqual(body);
  });

  it("takes a legacy free price as a fixed price of 0, and an item with a valid id as an existing price", async () => {
    const { headers } = tenant(ctx.emulator);
    const product = await created(headers, monthly());
    const [price] = product.prices as Body[];
    const free = await patched(headers, product.id, { prices: [{ amount_type: "free" }] });
    expect(free.prices).toMatchObject([{ amount_type: "fixed", price_amount: 0 }]);
    // ExistingProductPrice comes first in the union, and ignores the keys it does not know.
    const kept = (free.prices as Body[])[0];
    const again = await patched(headers, product.id, {
      prices: [{ id: kept.id, amount_type: "fixed", price_amount: 999 }],
    });
    expect(again.prices).toEqual([kept]);
    expect(price.id).not.toBe(kept.id);
  });

  it("applies the price rules to the prices kept and added together", async () => {
    const { headers, organizationId } = tenant(ctx.emulator);
    const product = await created(headers, monthly());
    const [price] = product.prices as Body[];
    const two = await patch(headers, product.id, { prices: [{ id: price.id }, fixed(3000)] });
    expect(two.status).toBe(422);
    validationError(two.body, [
      {
        type: "value_error",
        loc: ["body", "prices"],
        msg: "Only one fixed price is allowed.",
        input: [
          { id: price.id },
          { amount_type: "fixed", price_currency: "usd", tax_behavior: null, price_amount: 3000 },
        ],
      },
    ]);
    const empty = await patch(headers, product.id, { prices: [] });
    validationError(empty.body, [
      { type: "too_short", loc: ["body", "prices"], msg: "At least one price is required.", input: [] },
      { type: "value_error", loc: ["body", "prices"], msg: DEFAULT_CURRENCY, input: [] },
    ]);
    const meterId = addMeter(organizationId);
    const metered = await patched(headers, product.id, {
      prices: [{ id: price.id }, { amount_type: "metered_unit", meter_id: meterId, unit_amount: 0.5 }],
    });
    expect(metered.prices).toMatchObject([
      { id: price.id },
      { amount_type: "metered_unit", meter_id: meterId, unit_amount: "0.500000000000" },
    ]);
    const oneTime = await created(headers, { name: "Lifetime", prices: [fixed()] });
    const refused = await patch(headers, oneTime.id, {
      prices: [{ amount_type: "metered_unit", meter_id: meterId, unit_amount: 1 }],
    });
    const meteredInput = {
      amount_type: "metered_unit",
      price_currency: "usd",
      tax_behavior: null,
      meter_id: meterId,
      unit_amount: "1",
      cap_amount: null,
    };
    validationError(refused.body, [
      {
        type: "value_error",
        loc: ["body", "prices", 0],
        msg: "Metered pricing is not supported on one-time products.",
        input: meteredInput,
      },
      {
        type: "too_short",
        loc: ["body", "prices"],
        msg: "At least one price is required.",
        input: [meteredInput],
      },
      { type: "value_error", loc: ["body", "prices"], msg: DEFAULT_CURRENCY, input: [meteredInput] },
    ]);
  });

  it("never changes the recurring interval, and refuses a trial on a one-time product", async () => {
    const { headers } = tenant(ctx.emulator);
    const product = await created(headers, monthly());
    const detail = (input: unknown) => ({
      type: "value_error",
      loc: ["body", "recurring_interval"],
      msg: "Recurring interval cannot be changed.",
      input,
    });
    for (const [body, input] of [
      [{ recurring_interval: "year" }, "year"],
      [{ recurring_interval_count: 3 }, null],
      [{ recurring_interval: null }, null],
      [{ recurring_interval_count: null }, null],
    ] as const) {
      const res = await patch(headers, product.id, body);
      expect(res.status, JSON.stringify(body)).toBe(422);
      validationError(res.body, [detail(input)]);
    }
    const oneTime = await created(headers, { name: "Lifetime", prices: [fixed()] });
    validationError((await patch(headers, oneTime.id, { recurring_interval: "month" })).body, [
      detail("month"),
    ]);
    // Clearing what a one-time product does not have is no change.
    expect(
      await patched(headers, oneTime.id, { recurring_interval: null, recurring_interval_count: null }),
    ).toEqual(oneTime);
    const trial = await patch(headers, oneTime.id, { trial_interval: "week", trial_interval_count: 2 });
    const msg = "Trial configuration is only supported on recurring products.";
    validationError(trial.body, [
      { type: "value_error", loc: ["body", "trial_interval"], msg, input: "week" },
      { type: "value_error", loc: ["body", "trial_interval_count"], msg, input: 2 },
    ]);
  });

  it("archives and unarchives; null for a column Polar cannot store leaves it as it is", async () => {
    const { headers } = tenant(ctx.emulator);
    const product = await created(headers, monthly({ trial_interval: "day", trial_interval_count: 7 }));
    const archived = await patched(headers, product.id, { is_archived: true });
    expect(archived.is_archived).toBe(true);
    expect((await list(headers, "?is_archived=true")).items.map((item) => item.id)).toEqual([product.id]);
    const back = await patched(headers, product.id, { is_archived: false, name: null, visibility: null });
    expect(back).toMatchObject({ is_archived: false, name: "Pro", visibility: "public" });
    // One half of the trial cleared: Polar writes the field sent and keeps the other.
    const half = await patched(headers, product.id, { trial_interval: null });
    expect(half).toMatchObject({ trial_interval: null, trial_interval_count: 7 });
  });

  it("validates the body like pydantic: the price union left to right, the stripped name, the trial pair", async () => {
    const { headers } = tenant(ctx.emulator);
    const product = await created(headers, monthly());
    const res = await patch(headers, product.id, {
      name: "  ab  ",
      prices: [{ amount_type: "fixed" }, 7],
      trial_interval: "day",
    });
    expect(res.status).toBe(422);
    expect(res.body).toEqual({
      error: "RequestValidationError",
      detail: [
        {
          type: "too_short",
          loc: ["body", "name"],
          msg: "Value should have at least 3 items after validation, not 2",
          input: "  ab  ",
          ctx: { field_type: "Value", min_length: 3, actual_length: 2 },
        },
        {
          type: "missing",
          loc: ["body", "prices", 0, "ExistingProductPrice", "id"],
          msg: "Field required",
          input: { amount_type: "fixed" },
        },
        {
          type: "missing",
          loc: ["body", "prices", 0, TAG_UNION, "fixed", "price_amount"],
          msg: "Field required",
          input: { amount_type: "fixed" },
        },
        {
          type: "model_attributes_type",
          loc: ["body", "prices", 1, "ExistingProductPrice"],
          msg: "Input should be a valid dictionary or object to extract fields from",
          input: 7,
        },
        {
          type: "model_attributes_type",
          loc: ["body", "prices", 1, TAG_UNION],
          msg: "Input should be a valid dictionary or object to extract fields from",
          input: 7,
        },
      ],
    });
    const v1 = "a3bb189e-8bf9-3888-9912-ace4e6543002";
    expect((await patch(headers, product.id, { prices: [{ id: v1 }] })).body.detail).toEqual([
      {
        type: "uuid_version",
        loc: ["body", "prices", 0, "ExistingProductPrice", "id"],
        msg: "UUID version 4 expected",
        input: v1,
        ctx: { expected_version: 4 },
      },
      {
        type: "union_tag_not_found",
        loc: ["body", "prices", 0, TAG_UNION],
        msg: "Unable to extract tag using discriminator 'amount_type'",
        input: { id: v1 },
        ctx: { discriminator: "'amount_type'" },
      },
    ]);
    expect(
      (await patch(headers, product.id, { trial_interval_count: 3, trial_interval: null })).body,
    ).toEqual({
      error: "RequestValidationError",
      detail: [
        {
          type: "missing",
          loc: ["body"],
          msg: "Both trial_interval and trial_interval_count must be set together.",
          input: { trial_interval_count: 3, trial_interval: null },
        },
      ],
    });
    expect(
      (await patch(headers, product.id, { recurring_interval_count: 0, trial_interval_count: 1001 })).body
        .detail,
    ).toEqual([
      {
        type: "less_than_equal",
        loc: ["body", "trial_interval_count"],
        msg: "Input should be less than or equal to 1000",
        input: 1001,
        ctx: { le: 1000 },
      },
      {
        type: "greater_than_equal",
        loc: ["body", "recurring_interval_count"],
        msg: "Input should be greater than or equal to 1",
        input: 0,
        ctx: { ge: 1 },
      },
    ]);
    expect((await ctx.http.get(`/v1/products/${product.id}`).set(headers)).body).toEqual(product);
  });

  it("refuses custom fields, which the emulator never has, and accepts medias as on create", async () => {
    const { headers } = tenant(ctx.emulator);
    const product = await created(headers, monthly());
    const field = randomUUID();
    const res = await patch(headers, product.id, {
      attached_custom_fields: [{ custom_field_id: field, required: true }],
    });
    validationError(res.body, [
      {
        type: "value_error",
        loc: ["body", "attached_custom_fields", 0],
        msg: "Custom field does not exist.",
        input: field,
      },
    ]);
    expect((await patched(headers, product.id, { medias: [randomUUID()] })).medias).toEqual([]);
  });

  it("answers 404 for an unknown or foreign product, and needs products:write", async () => {
    const { headers } = tenant(ctx.emulator);
    const foreign = await created(tenant(ctx.emulator).headers, monthly());
    for (const id of [randomUUID(), foreign.id]) {
      const res = await patch(headers, id, { name: "Mine" });
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ error: "ResourceNotFound", detail: "Not found" });
    }
    const reader = tenant(ctx.emulator, ["products:read"]);
    const own = await created(tenant(ctx.emulator).headers, monthly());
    const res = await patch(reader.headers, own.id, { name: "Nope" });
    expect(res.status).toBe(403);
    expect(res.body.error).toBe("insufficient_scope");
  });
});
