/**
 * Discounts to the byte (Polar's discount/schemas.py, discount/service.py and sorting.py), over
 * real HTTP. The expected 422 bodies of the model rules are pydantic 2.13.4's, validating copies
 * of Polar's discount models.
 */
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { startTestEmulator, tenant } from "./helpers.js";

let ctx: Awaited<ReturnType<typeof startTestEmulator>>;
beforeAll(async () => {
  ctx = await startTestEmulator();
});
afterAll(() => ctx.emulator.close());

type Headers = Record<string, string>;
type Body = Record<string, unknown>;
type Tenant = ReturnType<typeof tenant>;

const COMMON_KEYS = [
  "created_at",
  "modified_at",
  "id",
  "metadata",
  "name",
  "code",
  "starts_at",
  "ends_at",
  "max_redemptions",
  "max_redemptions_per_customer",
  "redemptions_count",
  "organization_id",
  "products",
];
const FIXED_ONCE_KEYS = ["duration", "type", "amount", "currency", "amounts", ...COMMON_KEYS];
const FIXED_REPEAT_KEYS = [
  "duration",
  "duration_in_months",
  "type",
  "amount",
  "currency",
  "amounts",
  ...COMMON_KEYS,
];
const PERCENTAGE_ONCE_KEYS = ["duration", "type", "basis_points", ...COMMON_KEYS];
const PERCENTAGE_REPEAT_KEYS = ["duration", "duration_in_months", "type", "basis_points", ...COMMON_KEYS];
const DISCOUNT_PRODUCT_KEYS = [
  "metadata",
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
];
const ISO_Z = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{6})?Z$/;

const percentage = (extra: Body = {}): Body => ({
  type: "percentage",
  name: "Launch",
  duration: "once",
  basis_points: 1000,
  ...extra,
});
const fixed = (extra: Body = {}): Body => ({
  type: "fixed",
  name: "Ten off",
  duration: "forever",
  amounts: { usd: 1000 },
  ...extra,
});

async function create(headers: Headers, body: unknown) {
  return ctx.http
    .post("/v1/discounts/")
    .set(headers)
    .send(body as object);
}

async function created(headers: Headers, body: Body): Promise<Body> {
  const res = await create(headers, body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as Body;
}

async function patch(headers: Headers, id: unknown, body: unknown) {
  return ctx.http
    .patch(`/v1/discounts/${String(id)}`)
    .set(headers)
    .send(body as object);
}

async function get(headers: Headers, id: unknown) {
  return ctx.http.get(`/v1/discounts/${String(id)}`).set(headers);
}

async function list(headers: Headers, query = "") {
  const res = await ctx.http.get(`/v1/discounts/${query}`).set(headers);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as { items: Body[]; pagination: { total_count: number; max_page: number } };
}

async function product(t: Tenant, name = "Pro", extra: Body = {}): Promise<Body> {
  const res = await ctx.http
    .post("/v1/products/")
    .set(t.headers)
    .send({ name, prices: [{ amount_type: "fixed", price_amount: 2000 }], ...extra });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as Body;
}

interface JournalEvent {
  id: string;
  type: string;
  organization_id: string;
  data: Body;
}

async function events(organizationId: string, type?: string): Promise<JournalEvent[]> {
  const res = await ctx.http
    .get("/_emulator/events")
    .query({ organization_id: organizationId, ...(type ? { type } : {}) });
  expect(res.status).toBe(200);
  return res.body.items as JournalEvent[];
}

const names = (items: Body[]) => items.map((item) => item.name);

function polarError(body: unknown, detail: Body[]) {
  expect(body).toEqual({ error: "PolarRequestValidationError", detail });
}

function requestError(body: unknown, detail: Body[]) {
  expect(body).toEqual({ error: "RequestValidationError", detail });
}

/** The whole state of an organization, to show a refused call changed nothing. */
async function stateOf(organizationId: string): Promise<string> {
  return (await ctx.http.get(`/_emulator/organizations/${organizationId}/snapshot`)).text;
}

describe("POST /v1/discounts/", () => {
  it("creates a percentage discount, once, with Polar's defaults and key order", async () => {
    const t = tenant(ctx.emulator);
    const body = await created(t.headers, percentage());
    expect(Object.keys(body)).toEqual(PERCENTAGE_ONCE_KEYS);
    expect(body).toMatchObject({
      duration: "once",
      type: "percentage",
      basis_points: 1000,
      modified_at: null,
      metadata: {},
      name: "Launch",
      code: null,
      starts_at: null,
      ends_at: null,
      max_redemptions: null,
      max_redemptions_per_customer: null,
      redemptions_count: 0,
      organization_id: t.organizationId,
      products: [],
    });
    expect(body.created_at).toMatch(ISO_Z);
    expect((await get(t.headers, body.id)).body).toEqual(body);
  });

  it("creates each of the four shapes: fixed or percentage, once/forever or repeating", async () => {
    const t = tenant(ctx.emulator);
    const shapes: [Body, string[]][] = [
      [fixed({ duration: "once" }), FIXED_ONCE_KEYS],
      [fixed({ duration: "repeating", duration_in_months: 12 }), FIXED_REPEAT_KEYS],
      [percentage({ duration: "forever" }), PERCENTAGE_ONCE_KEYS],
      [percentage({ duration: "repeating", duration_in_months: 3 }), PERCENTAGE_REPEAT_KEYS],
    ];
    for (const [input, keys] of shapes) {
      const body = await created(t.headers, input);
      expect(Object.keys(body), JSON.stringify(input)).toEqual(keys);
      expect(body.duration).toBe(input.duration);
      if (input.duration_in_months !== undefined)
        expect(body.duration_in_months).toBe(input.duration_in_months);
    }
  });

  it("takes every field: code stripped, dates, limits, metadata and the products it applies to", async () => {
    const t = tenant(ctx.emulator);
    const pro = await product(t, "Pro", { recurring_interval: "month", metadata: { tier: "pro" } });
    const body = await created(
      t.headers,
      percentage({
        name: "Spring",
        code: "  SPRING26  ",
        starts_at: "2026-03-01T00:00:00Z",
        ends_at: "2026-06-01T12:30:00.250Z",
        max_redemptions: 100,
        max_redemptions_per_customer: 1,
        metadata: { campaign: "spring", wave: 2, live: true },
        products: [String(pro.id).toUpperCase()],
      }),
    );
    expect(body).toMatchObject({
      code: "SPRING26",
      starts_at: "2026-03-01T00:00:00Z",
      ends_at: "2026-06-01T12:30:00.250000Z",
      max_redemptions: 100,
      max_redemptions_per_customer: 1,
      metadata: { campaign: "spring", wave: 2, live: true },
    });
    const products = body.products as Body[];
    expect(products).toHaveLength(1);
    expect(Object.keys(products[0])).toEqual(DISCOUNT_PRODUCT_KEYS);
    expect(products[0]).toEqual({
      metadata: { tier: "pro" },
      id: pro.id,
      created_at: pro.created_at,
      modified_at: null,
      trial_interval: null,
      trial_interval_count: null,
      name: "Pro",
      description: null,
      visibility: "public",
      recurring_interval: "month",
      recurring_interval_count: 1,
      meter_interval: null,
      meter_interval_count: null,
      is_recurring: true,
      is_archived: false,
      organization_id: t.organizationId,
    });
    // An empty code is no code (EmptyStrToNone).
    expect((await created(t.headers, percentage({ code: "   " }))).code).toBeNull();
  });

  it("turns the deprecated amount and currency into amounts, usd by default", async () => {
    const t = tenant(ctx.emulator);
    const eur = await created(t.headers, fixed({ amounts: undefined, amount: 500, currency: "eur" }));
    expect(eur).toMatchObject({ amount: 500, currency: "eur", amounts: { eur: 500 } });
    const usd = await created(t.headers, fixed({ amounts: undefined, amount: 0 }));
    expect(usd).toMatchObject({ amount: 0, currency: "usd", amounts: { usd: 0 } });
  });

  it("shows amount and currency in the default currency (usd) when amounts has it, else the first", async () => {
    const t = tenant(ctx.emulator);
    const withUsd = await created(t.headers, fixed({ amounts: { eur: 900, usd: 1000 } }));
    expect(withUsd).toMatchObject({ amount: 1000, currency: "usd", amounts: { eur: 900, usd: 1000 } });
    // The answer to the creation has the map as sent; read back from jsonb its keys are sorted,
    // and the "first" currency with them.
    const noUsd = await created(t.headers, fixed({ amounts: { gbp: 800, eur: 900 } }));
    expect(JSON.stringify(noUsd.amounts)).toBe('{"gbp":800,"eur":900}');
    expect(noUsd).toMatchObject({ amount: 800, currency: "gbp" });
    const read = (await get(t.headers, noUsd.id)).body;
    expect(JSON.stringify(read.amounts)).toBe('{"eur":900,"gbp":800}');
    expect(read).toMatchObject({ amount: 900, currency: "eur" });
  });

  it("keeps a code unique in the organization whatever its case, among discounts not deleted", async () => {
    const t = tenant(ctx.emulator);
    const first = await created(t.headers, percentage({ code: "WELCOME" }));
    const duplicate = await create(t.headers, percentage({ code: " welcome " }));
    expect(duplicate.status).toBe(422);
    polarError(duplicate.body, [
      {
        type: "value_error",
        loc: ["body", "code"],
        msg: "Discount with this code already exists.",
        input: "welcome",
      },
    ]);
    // Another organization may use it.
    await created(tenant(ctx.emulator).headers, percentage({ code: "welcome" }));
    // Deleting the discount frees its code.
    expect((await ctx.http.delete(`/v1/discounts/${first.id}`).set(t.headers)).status).toBe(204);
    expect((await created(t.headers, percentage({ code: "Welcome" }))).code).toBe("Welcome");
  });

  it("refuses products that are not the organization's, by their index", async () => {
    const t = tenant(ctx.emulator);
    const own = await product(t);
    const foreign = await product(tenant(ctx.emulator), "Foreign");
    const unknown = randomUUID();
    const before = await stateOf(t.organizationId);
    const res = await create(t.headers, percentage({ products: [own.id, foreign.id, unknown] }));
    expect(res.status).toBe(422);
    polarError(res.body, [
      { type: "value_error", loc: ["body", "products", 1], msg: "Product not found.", input: foreign.id },
    ]);
    expect(await stateOf(t.organizationId)).toBe(before);
    // The code is checked before the products.
    await created(t.headers, percentage({ code: "TAKEN" }));
    const both = await create(t.headers, percentage({ code: "taken", products: [unknown] }));
    expect(both.body.detail[0].loc).toEqual(["body", "code"]);
    // An archived product is still one of the organization's.
    const archived = await product(t, "Old");
    // (Products have no update in the emulator yet: archived in its store.)
    const record = ctx.emulator.emulator.context.store
      .partition(t.organizationId)
      .products.get(String(archived.id));
    if (!record) throw new Error("no product record");
    record.is_archived = true;
    const onArchived = await created(t.headers, percentage({ products: [archived.id] }));
    expect((onArchived.products as Body[])[0]).toMatchObject({ id: archived.id, is_archived: true });
  });

  it("refuses organization_id with an organization token", async () => {
    const t = tenant(ctx.emulator);
    const res = await create(t.headers, percentage({ organization_id: t.organizationId }));
    expect(res.status).toBe(422);
    polarError(res.body, [
      {
        type: "organization_token",
        loc: ["body", "organization_id"],
        msg: "Setting organization_id is disallowed when using an organization token.",
        input: t.organizationId,
      },
    ]);
  });
});

describe("validation: pydantic's errors for DiscountCreate and DiscountUpdate", () => {
  /** pydantic's list of PresentmentCurrency members, from the spec's enum. */
  const currencies = (): string => {
    const spec = parseYaml(readFileSync(new URL("../spec/polar.yaml", import.meta.url), "utf8"));
    const list = (spec.components.schemas.PresentmentCurrency.enum as string[]).map((code) => `'${code}'`);
    return `${list.slice(0, -1).join(", ")} or ${list[list.length - 1]}`;
  };
  const TAGS = "<DiscountType.fixed: 'fixed'>, <DiscountType.percentage: 'percentage'>";

  const createCases: [string, unknown, Body[]][] = [
    [
      "a tag that is no DiscountType",
      { type: "bogus", name: "x", duration: "once" },
      [
        {
          type: "union_tag_invalid",
          loc: ["body"],
          msg: `Input tag 'bogus' found using 'type' does not match any of the expected tags: ${TAGS}`,
          input: { type: "bogus", name: "x", duration: "once" },
          ctx: { discriminator: "'type'", tag: "bogus", expected_tags: TAGS },
        },
      ],
    ],
    [
      "no tag (the Literal's default does not count for a discriminator)",
      { name: "x", duration: "once", basis_points: 5 },
      [
        {
          type: "union_tag_not_found",
          loc: ["body"],
          msg: "Unable to extract tag using discriminator 'type'",
          input: { name: "x", duration: "once", basis_points: 5 },
          ctx: { discriminator: "'type'" },
        },
      ],
    ],
    [
      "a null tag",
      { type: null, name: "x", duration: "once" },
      [
        {
          type: "union_tag_invalid",
          loc: ["body"],
          msg: `Input tag 'None' found using 'type' does not match any of the expected tags: ${TAGS}`,
          input: { type: null, name: "x", duration: "once" },
          ctx: { discriminator: "'type'", tag: "None", expected_tags: TAGS },
        },
      ],
    ],
    [
      "not an object",
      "nope",
      [
        {
          type: "model_attributes_type",
          loc: ["body"],
          msg: "Input should be a valid dictionary or object to extract fields from",
          input: "nope",
        },
      ],
    ],
    [
      "neither amount nor amounts",
      { type: "fixed", name: "x", duration: "once" },
      [
        {
          type: "value_error",
          loc: ["body", "fixed"],
          msg: "Value error, Must specify either `amount` or `amounts`.",
          input: { type: "fixed", name: "x", duration: "once" },
          ctx: { error: {} },
        },
      ],
    ],
    [
      "both amount and amounts",
      { type: "fixed", name: "Both", duration: "once", amount: 100, amounts: { usd: 100 } },
      [
        {
          type: "value_error",
          loc: ["body", "fixed"],
          msg: "Value error, Cannot specify both `amount` and `amounts`.",
          input: { type: "fixed", name: "Both", duration: "once", amount: 100, amounts: { usd: 100 } },
          ctx: { error: {} },
        },
      ],
    ],
    [
      "starts_at not before ends_at (the base class's validator runs first)",
      {
        type: "fixed",
        name: "Dates",
        duration: "repeating",
        amount: 100,
        amounts: { usd: 100 },
        starts_at: "2026-03-01T00:00:00Z",
        ends_at: "2026-03-01T00:00:00Z",
      },
      [
        {
          type: "value_error",
          loc: ["body", "fixed"],
          msg: "Value error, starts_at must be before ends_at",
          input: {
            type: "fixed",
            name: "Dates",
            duration: "repeating",
            amount: 100,
            amounts: { usd: 100 },
            starts_at: "2026-03-01T00:00:00Z",
            ends_at: "2026-03-01T00:00:00Z",
          },
          ctx: { error: {} },
        },
      ],
    ],
    [
      "repeating without duration_in_months",
      { type: "percentage", name: "Months", duration: "repeating", basis_points: 100 },
      [
        {
          type: "value_error",
          loc: ["body", "percentage"],
          msg: "Value error, `duration_in_months` is required when `duration` is `repeating`.",
          input: { type: "percentage", name: "Months", duration: "repeating", basis_points: 100 },
          ctx: { error: {} },
        },
      ],
    ],
    [
      "duration_in_months when not repeating",
      { type: "percentage", name: "Months", duration: "forever", basis_points: 100, duration_in_months: 3 },
      [
        {
          type: "value_error",
          loc: ["body", "percentage"],
          msg: "Value error, `duration_in_months` must be omitted when `duration` is not `repeating`.",
          input: {
            type: "percentage",
            name: "Months",
            duration: "forever",
            basis_points: 100,
            duration_in_months: 3,
          },
          ctx: { error: {} },
        },
      ],
    ],
    [
      "every field error at once, in field order",
      {
        type: "percentage",
        name: "",
        duration: "once",
        basis_points: 10001,
        code: "ab",
        max_redemptions: 0,
        max_redemptions_per_customer: 0,
        duration_in_months: 1000,
      },
      [
        {
          type: "string_too_short",
          loc: ["body", "percentage", "name"],
          msg: "String should have at least 1 character",
          input: "",
          ctx: { min_length: 1 },
        },
        {
          type: "value_error",
          loc: ["body", "percentage", "code"],
          msg: "Value error, Code must be between 3 and 256 characters long.",
          input: "ab",
          ctx: { error: {} },
        },
        {
          type: "greater_than_equal",
          loc: ["body", "percentage", "max_redemptions"],
          msg: "Input should be greater than or equal to 1",
          input: 0,
          ctx: { ge: 1 },
        },
        {
          type: "greater_than_equal",
          loc: ["body", "percentage", "max_redemptions_per_customer"],
          msg: "Input should be greater than or equal to 1",
          input: 0,
          ctx: { ge: 1 },
        },
        {
          type: "less_than_equal",
          loc: ["body", "percentage", "duration_in_months"],
          msg: "Input should be less than or equal to 999",
          input: 1000,
          ctx: { le: 999 },
        },
        {
          type: "less_than_equal",
          loc: ["body", "percentage", "basis_points"],
          msg: "Input should be less than or equal to 10000",
          input: 10001,
          ctx: { le: 10000 },
        },
      ],
    ],
    [
      "basis_points 0, duration_in_months 0",
      { type: "percentage", name: "x", duration: "repeating", duration_in_months: 0, basis_points: 0 },
      [
        {
          type: "greater_than_equal",
          loc: ["body", "percentage", "duration_in_months"],
          msg: "Input should be greater than or equal to 1",
          input: 0,
          ctx: { ge: 1 },
        },
        {
          type: "greater_than_equal",
          loc: ["body", "percentage", "basis_points"],
          msg: "Input should be greater than or equal to 1",
          input: 0,
          ctx: { ge: 1 },
        },
      ],
    ],
    [
      "a code that is not alphanumeric",
      { type: "percentage", name: "Code", duration: "once", basis_points: 5, code: "a-b" },
      [
        {
          type: "value_error",
          loc: ["body", "percentage", "code"],
          msg: "Value error, Code must contain only alphanumeric characters.",
          input: "a-b",
          ctx: { error: {} },
        },
      ],
    ],
    [
      "a code too short once stripped (the input is as sent)",
      { type: "percentage", name: "Code", duration: "once", basis_points: 5, code: " ab " },
      [
        {
          type: "value_error",
          loc: ["body", "percentage", "code"],
          msg: "Value error, Code must be between 3 and 256 characters long.",
          input: " ab ",
          ctx: { error: {} },
        },
      ],
    ],
    [
      "a code too long",
      { type: "percentage", name: "Code", duration: "once", basis_points: 5, code: "A".repeat(257) },
      [
        {
          type: "value_error",
          loc: ["body", "percentage", "code"],
          msg: "Value error, Code must be between 3 and 256 characters long.",
          input: "A".repeat(257),
          ctx: { error: {} },
        },
      ],
    ],
    [
      "a negative amount and an unknown currency",
      { type: "fixed", name: "Money", duration: "once", amount: -5, currency: "XYZ" },
      [
        {
          type: "greater_than_equal",
          loc: ["body", "fixed", "amount"],
          msg: "Input should be greater than or equal to 0",
          input: -5,
          ctx: { ge: 0 },
        },
        {
          type: "enum",
          loc: ["body", "fixed", "currency"],
          msg: `Input should be ${currencies()}`,
          input: "XYZ",
          ctx: { expected: currencies() },
        },
      ],
    ],
    [
      "empty amounts",
      { type: "fixed", name: "Money", duration: "once", amounts: {} },
      [
        {
          type: "too_short",
          loc: ["body", "fixed", "amounts"],
          msg: "Dictionary should have at least 1 item after validation, not 0",
          input: {},
          ctx: { field_type: "Dictionary", min_length: 1, actual_length: 0 },
        },
      ],
    ],
    [
      "amounts with an unknown currency and a negative amount",
      { type: "fixed", name: "Money", duration: "once", amounts: { xxx: 5, usd: -1 } },
      [
        {
          type: "enum",
          loc: ["body", "fixed", "amounts", "xxx", "[key]"],
          msg: `Input should be ${currencies()}`,
          input: "xxx",
          ctx: { expected: currencies() },
        },
        {
          type: "greater_than_equal",
          loc: ["body", "fixed", "amounts", "usd"],
          msg: "Input should be greater than or equal to 0",
          input: -1,
          ctx: { ge: 0 },
        },
      ],
    ],
    [
      "a NUL character in metadata",
      { type: "percentage", name: "Nul", duration: "once", basis_points: 5, metadata: { a: "b\u0000" } },
      [
        {
          type: "value_error",
          loc: ["body", "percentage", "metadata"],
          msg: "Value error, This value contains invalid characters",
          input: { a: "b\u0000" },
          ctx: { error: {} },
        },
      ],
    ],
  ];

  it.each(createCases)("create: %s", async (_, input, detail) => {
    const t = tenant(ctx.emulator);
    const res = await create(t.headers, input);
    expect(res.status, JSON.stringify(res.body)).toBe(422);
    requestError(res.body, detail);
    expect((await list(t.headers)).pagination.total_count).toBe(0);
  });

  it("create: accepts a code of letters and digits of any script", async () => {
    const t = tenant(ctx.emulator);
    const body = await created(t.headers, percentage({ code: "ÉtéＡ١٢" }));
    expect(body.code).toBe("ÉtéＡ١٢");
  });

  const updateCases: [string, unknown, Body[]][] = [
    [
      "starts_at not before ends_at, by the microsecond",
      { starts_at: "2026-02-01T00:00:00.000002Z", ends_at: "2026-02-01T00:00:00.000001Z" },
      [
        {
          type: "value_error",
          loc: ["body"],
          msg: "Value error, starts_at must be before ends_at",
          input: { starts_at: "2026-02-01T00:00:00.000002Z", ends_at: "2026-02-01T00:00:00.000001Z" },
          ctx: { error: {} },
        },
      ],
    ],
    [
      "both amount and amounts",
      { amount: 100, amounts: { usd: 1 } },
      [
        {
          type: "value_error",
          loc: ["body"],
          msg: "Value error, Cannot specify both `amount` and `amounts`.",
          input: { amount: 100, amounts: { usd: 1 } },
          ctx: { error: {} },
        },
      ],
    ],
    [
      "field errors, in field order",
      { duration_in_months: 0, code: "x!", type: "bogus", basis_points: 0, name: "" },
      [
        {
          type: "string_too_short",
          loc: ["body", "name"],
          msg: "String should have at least 1 character",
          input: "",
          ctx: { min_length: 1 },
        },
        {
          type: "value_error",
          loc: ["body", "code"],
          msg: "Value error, Code must contain only alphanumeric characters.",
          input: "x!",
          ctx: { error: {} },
        },
        {
          type: "greater_than_equal",
          loc: ["body", "duration_in_months"],
          msg: "Input should be greater than or equal to 1",
          input: 0,
          ctx: { ge: 1 },
        },
        {
          type: "enum",
          loc: ["body", "type"],
          msg: "Input should be 'fixed' or 'percentage'",
          input: "bogus",
          ctx: { expected: "'fixed' or 'percentage'" },
        },
        {
          type: "greater_than_equal",
          loc: ["body", "basis_points"],
          msg: "Input should be greater than or equal to 1",
          input: 0,
          ctx: { ge: 1 },
        },
      ],
    ],
  ];

  it.each(updateCases)("update: %s", async (_, input, detail) => {
    const t = tenant(ctx.emulator);
    const discount = await created(t.headers, percentage());
    const res = await patch(t.headers, discount.id, input);
    expect(res.status, JSON.stringify(res.body)).toBe(422);
    requestError(res.body, detail);
    expect((await get(t.headers, discount.id)).body).toEqual(discount);
  });

  it("update: a microsecond apart in the right order is valid", async () => {
    const t = tenant(ctx.emulator);
    const discount = await created(t.headers, percentage());
    const res = await patch(t.headers, discount.id, {
      starts_at: "2026-02-01T00:00:00.000001Z",
      ends_at: "2026-02-01T00:00:00.000002Z",
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  });
});

describe("GET /v1/discounts/{id}", () => {
  it("answers 404 for another organization's discount, a deleted one and an unknown id", async () => {
    const t = tenant(ctx.emulator);
    const other = tenant(ctx.emulator);
    const foreign = await created(other.headers, percentage());
    const mine = await created(t.headers, percentage());
    const notFound = { error: "ResourceNotFound", detail: "Not found" };
    for (const id of [foreign.id, randomUUID()]) {
      const res = await get(t.headers, id);
      expect(res.status).toBe(404);
      expect(res.body).toEqual(notFound);
      expect((await patch(t.headers, id, { name: "x" })).status).toBe(404);
      expect((await ctx.http.delete(`/v1/discounts/${String(id)}`).set(t.headers)).status).toBe(404);
    }
    expect((await ctx.http.delete(`/v1/discounts/${mine.id}`).set(t.headers)).status).toBe(204);
    for (const res of [
      await get(t.headers, mine.id),
      await patch(t.headers, mine.id, { name: "x" }),
      await ctx.http.delete(`/v1/discounts/${mine.id}`).set(t.headers),
    ]) {
      expect(res.status).toBe(404);
      expect(res.body).toEqual(notFound);
    }
    expect((await get(other.headers, foreign.id)).status).toBe(200);
  });

  it("refuses an id that is not a UUID v4", async () => {
    const t = tenant(ctx.emulator);
    const res = await get(t.headers, "nope");
    expect(res.status).toBe(422);
    expect(res.body.detail[0]).toMatchObject({ type: "uuid_parsing", loc: ["path", "id"] });
  });

  it("needs discounts:read or discounts:write; writes need discounts:write", async () => {
    const reader = tenant(ctx.emulator, ["discounts:read"]);
    expect((await list(reader.headers)).items).toEqual([]);
    const refused = await create(reader.headers, percentage());
    expect(refused.status).toBe(403);
    expect(refused.body.error).toBe("insufficient_scope");
    expect(refused.headers["www-authenticate"]).toContain('scope="discounts:write"');
    const none = tenant(ctx.emulator, ["products:read"]);
    const listed = await ctx.http.get("/v1/discounts/").set(none.headers);
    expect(listed.status).toBe(403);
    expect(listed.headers["www-authenticate"]).toContain('scope="discounts:read discounts:write"');
  });
});

describe("PATCH /v1/discounts/{id}", () => {
  it("changes the fields sent, stamps modified_at and sends discount.updated", async () => {
    const t = tenant(ctx.emulator);
    const pro = await product(t);
    const discount = await created(t.headers, fixed({ code: "OLD", metadata: { a: 1 }, max_redemptions: 5 }));
    const res = await patch(t.headers, discount.id, {
      name: "Renamed",
      code: " NEW10 ",
      starts_at: "2026-01-01T00:00:00Z",
      ends_at: "2027-01-01T00:00:00+02:00",
      max_redemptions: null,
      max_redemptions_per_customer: 2,
      metadata: { b: "two" },
      amounts: { eur: 700, usd: 800 },
      products: [pro.id],
      basis_points: 50,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(Object.keys(res.body)).toEqual(FIXED_ONCE_KEYS);
    expect(res.body).toMatchObject({
      name: "Renamed",
      code: "NEW10",
      starts_at: "2026-01-01T00:00:00Z",
      ends_at: "2026-12-31T22:00:00Z",
      max_redemptions: null,
      max_redemptions_per_customer: 2,
      metadata: { b: "two" },
      amount: 800,
      currency: "usd",
      amounts: { eur: 700, usd: 800 },
      created_at: discount.created_at,
    });
    expect(res.body.modified_at).toMatch(ISO_Z);
    expect((res.body.products as Body[]).map((item) => item.id)).toEqual([pro.id]);
    expect((await get(t.headers, discount.id)).body).toEqual(res.body);
    const updated = await events(t.organizationId, "discount.updated");
    expect(updated).toHaveLength(1);
    expect(updated[0].data).toEqual(res.body);
    // The old code is free again, the new one taken.
    await created(t.headers, percentage({ code: "old" }));
    expect((await create(t.headers, percentage({ code: "new10" }))).status).toBe(422);
  });

  it("keeps modified_at when nothing changes (products are another table), and still sends discount.updated", async () => {
    const t = tenant(ctx.emulator);
    const pro = await product(t);
    const discount = await created(t.headers, percentage({ code: "SAME", metadata: { a: 1 } }));
    const same = await patch(t.headers, discount.id, {
      name: discount.name,
      code: "SAME",
      type: "percentage",
      duration: "once",
      basis_points: 1000,
      metadata: { a: true },
      products: [pro.id],
      amount: 3,
      currency: "eur",
    });
    expect(same.status, JSON.stringify(same.body)).toBe(200);
    expect(same.body.modified_at).toBeNull();
    expect((same.body.products as Body[]).map((item) => item.id)).toEqual([pro.id]);
    expect(await events(t.organizationId, "discount.updated")).toHaveLength(1);
    const empty = await patch(t.headers, discount.id, {});
    expect(empty.status).toBe(200);
    expect(empty.body).toEqual(same.body);
    expect(await events(t.organizationId, "discount.updated")).toHaveLength(2);
    // `products: []` applies it to every product again; `null` leaves the list alone.
    expect((await patch(t.headers, discount.id, { products: null })).body.products).toHaveLength(1);
    expect((await patch(t.headers, discount.id, { products: [] })).body.products).toEqual([]);
  });

  it("sets amounts from amount and currency together, and clears nullable fields", async () => {
    const t = tenant(ctx.emulator);
    const discount = await created(
      t.headers,
      fixed({ code: "CLEARME", starts_at: "2026-01-01T00:00:00Z", amounts: { usd: 1, eur: 2 } }),
    );
    const res = await patch(t.headers, discount.id, {
      amount: 250,
      currency: "gbp",
      code: "",
      starts_at: null,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({
      amount: 250,
      currency: "gbp",
      amounts: { gbp: 250 },
      code: null,
      starts_at: null,
    });
    expect(res.body.modified_at).toMatch(ISO_Z);
  });

  it("never changes duration or type; a null duration is a change", async () => {
    const t = tenant(ctx.emulator);
    const discount = await created(t.headers, percentage({ duration: "repeating", duration_in_months: 6 }));
    const before = await stateOf(t.organizationId);
    const cases: [Body, Body][] = [
      [
        { duration: "forever", name: "ignored" },
        {
          type: "value_error",
          loc: ["body", "duration"],
          msg: "Duration cannot be changed.",
          input: "forever",
        },
      ],
      [
        { duration: null },
        { type: "value_error", loc: ["body", "duration"], msg: "Duration cannot be changed.", input: null },
      ],
      [
        { type: "fixed" },
        { type: "value_error", loc: ["body", "type"], msg: "Type cannot be changed.", input: "fixed" },
      ],
      // The duration is checked first.
      [
        { type: "fixed", duration: "once" },
        { type: "value_error", loc: ["body", "duration"], msg: "Duration cannot be changed.", input: "once" },
      ],
    ];
    for (const [input, detail] of cases) {
      const res = await patch(t.headers, discount.id, input);
      expect(res.status, JSON.stringify(input)).toBe(422);
      polarError(res.body, [detail]);
    }
    expect(await stateOf(t.organizationId)).toBe(before);
    expect(await events(t.organizationId, "discount.updated")).toEqual([]);
    // The same duration and type are fine, and the months of a repeating discount change.
    const res = await patch(t.headers, discount.id, {
      duration: "repeating",
      type: "percentage",
      duration_in_months: 9,
    });
    expect(res.status).toBe(200);
    expect(res.body.duration_in_months).toBe(9);
  });

  it("keeps the code unique, its own code in another case included", async () => {
    const t = tenant(ctx.emulator);
    await created(t.headers, percentage({ code: "FIRST" }));
    const second = await created(t.headers, percentage({ code: "SECOND" }));
    const res = await patch(t.headers, second.id, { code: "first" });
    expect(res.status).toBe(422);
    polarError(res.body, [
      {
        type: "value_error",
        loc: ["body", "code"],
        msg: "Discount with this code already exists.",
        input: "first",
      },
    ]);
    const own = await patch(t.headers, second.id, { code: "second" });
    expect(own.status).toBe(200);
    expect(own.body.code).toBe("second");
  });

  it("refuses products that are not the organization's and changes nothing", async () => {
    const t = tenant(ctx.emulator);
    const pro = await product(t);
    const discount = await created(t.headers, percentage({ products: [pro.id] }));
    const unknown = randomUUID();
    const res = await patch(t.headers, discount.id, { name: "Changed", products: [pro.id, unknown] });
    expect(res.status).toBe(422);
    polarError(res.body, [
      { type: "value_error", loc: ["body", "products", 1], msg: "Product not found.", input: unknown },
    ]);
    expect((await get(t.headers, discount.id)).body).toEqual(discount);
  });

  it("ignores the amounts of a percentage discount and the basis points of a fixed one", async () => {
    const t = tenant(ctx.emulator);
    const pct = await created(t.headers, percentage());
    expect((await patch(t.headers, pct.id, { amount: 5, currency: "usd" })).body).toEqual(pct);
    expect((await patch(t.headers, pct.id, { amounts: { usd: 5 } })).body).toEqual(pct);
    const fix = await created(t.headers, fixed());
    expect((await patch(t.headers, fix.id, { basis_points: 5 })).body).toEqual(fix);
  });

  it("keeps the amounts and months of a discount that was redeemed", async () => {
    const t = tenant(ctx.emulator);
    const pct = await created(
      t.headers,
      percentage({ duration: "repeating", duration_in_months: 3, basis_points: 2500 }),
    );
    const fix = await created(t.headers, fixed({ amounts: { usd: 1000, eur: 900 } }));
    // Checkouts redeem discounts; the emulator has none yet, so a snapshot says it was redeemed.
    const path = `/_emulator/organizations/${t.organizationId}/snapshot`;
    const snapshot = (await ctx.http.get(path)).body as { discounts: Body[] };
    for (const item of snapshot.discounts) item.redemptions_count = 2;
    expect((await ctx.http.put(path).send(snapshot)).status).toBe(200);
    expect((await get(t.headers, pct.id)).body.redemptions_count).toBe(2);

    const frozen = "This field cannot be changed because the discount has already been redeemed.";
    const refused: [unknown, Body, Body][] = [
      [
        pct.id,
        { basis_points: 10 },
        { type: "value_error", loc: ["body", "basis_points"], msg: frozen, input: 2500 },
      ],
      [
        pct.id,
        { duration_in_months: null },
        { type: "value_error", loc: ["body", "duration_in_months"], msg: frozen, input: 3 },
      ],
      [
        fix.id,
        { amount: 5, currency: "usd" },
        { type: "value_error", loc: ["body", "amount"], msg: frozen, input: 1000 },
      ],
      [
        fix.id,
        { currency: "eur" },
        { type: "value_error", loc: ["body", "currency"], msg: frozen, input: "usd" },
      ],
      [
        fix.id,
        { amounts: { usd: 1000 } },
        { type: "value_error", loc: ["body", "amounts"], msg: frozen, input: { eur: 900, usd: 1000 } },
      ],
      [
        fix.id,
        { duration_in_months: 4 },
        { type: "value_error", loc: ["body", "duration_in_months"], msg: frozen, input: null },
      ],
    ];
    for (const [id, input, detail] of refused) {
      const res = await patch(t.headers, id, input);
      expect(res.status, JSON.stringify(input)).toBe(422);
      polarError(res.body, [detail]);
    }
    // The same values, and the other fields, may still be sent.
    const allowed = await patch(t.headers, fix.id, { amounts: { eur: 900, usd: 1000 }, name: "Still" });
    expect(allowed.status, JSON.stringify(allowed.body)).toBe(200);
    expect(allowed.body.name).toBe("Still");
    expect((await patch(t.headers, fix.id, { amount: 1000, currency: "usd" })).status).toBe(200);
    expect((await patch(t.headers, pct.id, { basis_points: 2500, duration_in_months: 3 })).status).toBe(200);
  });
});

describe("DELETE /v1/discounts/{id}", () => {
  it("answers 204, sends discount.deleted with the discount as it was, and leaves lists", async () => {
    const t = tenant(ctx.emulator);
    const keep = await created(t.headers, percentage({ name: "Keep" }));
    const gone = await created(t.headers, percentage({ name: "Gone", code: "BYE" }));
    const res = await ctx.http.delete(`/v1/discounts/${gone.id}`).set(t.headers);
    expect(res.status).toBe(204);
    expect(res.text).toBe("");
    const deleted = await events(t.organizationId, "discount.deleted");
    expect(deleted).toHaveLength(1);
    expect(deleted[0].data).toEqual(gone);
    const listed = await list(t.headers);
    expect(listed.items).toEqual([keep]);
    expect(listed.pagination).toEqual({ total_count: 1, max_page: 1 });
    expect((await list(t.headers, "?query=BYE")).items).toEqual([]);
  });
});

describe("GET /v1/discounts/", () => {
  async function seed(t: Tenant): Promise<Body[]> {
    const bodies: Body[] = [
      percentage({ name: "beta", code: "ZED99", ends_at: "2026-05-01T00:00:00Z" }),
      percentage({ name: "Alpha", code: null }),
      fixed({ name: "gamma", code: "abc10", ends_at: "2026-03-01T00:00:00Z" }),
      percentage({ name: "Delta 50%", code: "HALF" }),
    ];
    const made: Body[] = [];
    for (const body of bodies) made.push(await created(t.headers, body));
    return made;
  }

  it("lists newest first by default, with exact pagination", async () => {
    const t = tenant(ctx.emulator);
    const made = await seed(t);
    const all = await list(t.headers);
    expect(all.items.map((item) => item.id)).toEqual([...made].reverse().map((item) => item.id));
    expect(all.pagination).toEqual({ total_count: 4, max_page: 1 });
    const page = await list(t.headers, "?limit=3&page=2");
    expect(page.items.map((item) => item.id)).toEqual([made[0].id]);
    expect(page.pagination).toEqual({ total_count: 4, max_page: 2 });
    expect((await list(t.headers, "?limit=3&page=3")).items).toEqual([]);
    expect((await list(t.headers, "?limit=1000")).items).toHaveLength(4);
    expect((await list(tenant(ctx.emulator).headers)).pagination).toEqual({ total_count: 0, max_page: 0 });
  });

  it("filters by query: name (a CITEXT column, so without case) or code, without case; % and _ are wildcards", async () => {
    const t = tenant(ctx.emulator);
    await seed(t);
    expect(names((await list(t.headers, "?query=ALPHA")).items)).toEqual(["Alpha"]);
    expect(names((await list(t.headers, "?query=zed")).items)).toEqual(["beta"]);
    expect(names((await list(t.headers, "?query=A")).items)).toEqual(["Delta 50%", "gamma", "Alpha", "beta"]);
    expect(names((await list(t.headers, "?query=a_c")).items)).toEqual(["gamma"]);
    expect(names((await list(t.headers, `?query=${encodeURIComponent("50%")}`)).items)).toEqual([
      "Delta 50%",
    ]);
    expect((await list(t.headers, "?query=nothing")).items).toEqual([]);
  });

  it("filters by organization_id: its own gives all, a foreign one nothing", async () => {
    const t = tenant(ctx.emulator);
    await seed(t);
    const other = tenant(ctx.emulator);
    expect((await list(t.headers, `?organization_id=${t.organizationId}`)).items).toHaveLength(4);
    expect((await list(t.headers, `?organization_id=${other.organizationId}`)).items).toEqual([]);
  });

  it("sorts by name without case, by code and ends_at with Postgres' NULL order, by redemptions_count", async () => {
    const t = tenant(ctx.emulator);
    await seed(t);
    const sorted = async (sorting: string) => names((await list(t.headers, `?${sorting}`)).items);
    expect(await sorted("sorting=name")).toEqual(["Alpha", "beta", "Delta 50%", "gamma"]);
    expect(await sorted("sorting=-name")).toEqual(["gamma", "Delta 50%", "beta", "Alpha"]);
    // Bytewise: upper case before lower case; NULL last ascending, first descending.
    expect(await sorted("sorting=code")).toEqual(["Delta 50%", "beta", "gamma", "Alpha"]);
    expect(await sorted("sorting=-code")).toEqual(["Alpha", "gamma", "beta", "Delta 50%"]);
    expect(await sorted("sorting=ends_at")).toEqual(["gamma", "beta", "Alpha", "Delta 50%"]);
    expect(await sorted("sorting=-ends_at")).toEqual(["Alpha", "Delta 50%", "beta", "gamma"]);
    expect(await sorted("sorting=created_at")).toEqual(["beta", "Alpha", "gamma", "Delta 50%"]);
    expect(await sorted("sorting=redemptions_count&sorting=-name")).toEqual([
      "gamma",
      "Delta 50%",
      "beta",
      "Alpha",
    ]);
    const bad = await ctx.http.get("/v1/discounts/?sorting=amount").set(t.headers);
    expect(bad.status).toBe(422);
    expect(bad.body.detail[0]).toMatchObject({ type: "enum", loc: ["query", "sorting", 0], input: "amount" });
  });
});

describe("webhooks", () => {
  it("sends discount.created with the object the API answered", async () => {
    const t = tenant(ctx.emulator);
    const discount = await created(t.headers, fixed({ amounts: { gbp: 1, eur: 2 } }));
    const journal = await events(t.organizationId);
    expect(journal.map((event) => event.type)).toEqual(["discount.created"]);
    expect(journal[0].data).toEqual(discount);
  });

  it("sends discount.* on demand through the control plane, a deleted discount for discount.deleted", async () => {
    const t = tenant(ctx.emulator);
    const discount = await created(t.headers, percentage());
    const sent = await ctx.http
      .post("/_emulator/webhooks/send")
      .send({ type: "discount.updated", id: discount.id });
    expect(sent.status, sent.text).toBe(200);
    expect(sent.body.events).toHaveLength(1);
    expect(sent.body.events[0]).toMatchObject({ type: "discount.updated", data: discount });
    expect((await ctx.http.delete(`/v1/discounts/${discount.id}`).set(t.headers)).status).toBe(204);
    const live = await ctx.http
      .post("/_emulator/webhooks/send")
      .send({ type: "discount.updated", id: discount.id });
    expect(live.status).toBe(404);
    const gone = await ctx.http
      .post("/_emulator/webhooks/send")
      .send({ type: "discount.deleted", id: discount.id });
    expect(gone.status).toBe(200);
    expect(gone.body.events[0].data.id).toBe(discount.id);
  });
});

describe("snapshots and fixtures", () => {
  it("round-trips through a snapshot byte for byte, the code index included", async () => {
    const t = tenant(ctx.emulator);
    const pro = await product(t);
    const fix = await created(
      t.headers,
      fixed({ code: "SNAP", products: [pro.id], amounts: { usd: 1, eur: 2 } }),
    );
    const gone = await created(t.headers, percentage({ code: "GONE" }));
    expect((await ctx.http.delete(`/v1/discounts/${gone.id}`).set(t.headers)).status).toBe(204);
    await patch(t.headers, fix.id, { metadata: { after: "patch" } });
    const path = `/_emulator/organizations/${t.organizationId}/snapshot`;
    const snapshot = await ctx.http.get(path);
    expect(snapshot.body.discounts).toHaveLength(2);
    const before = [(await list(t.headers)).items, (await get(t.headers, fix.id)).body];
    expect((await ctx.http.post(`/_emulator/organizations/${t.organizationId}/reset`)).status).toBe(200);
    expect((await list(t.headers)).items).toEqual([]);
    const restored = await ctx.http.put(path).send(snapshot.body);
    expect(restored.status, restored.text).toBe(200);
    expect(restored.body.counts.discounts).toBe(2);
    expect([(await list(t.headers)).items, (await get(t.headers, fix.id)).body]).toEqual(before);
    expect((await ctx.http.get(path)).text).toBe(snapshot.text);
    expect((await create(t.headers, percentage({ code: "snap" }))).status).toBe(422);
    expect((await create(t.headers, percentage({ code: "gone" }))).status).toBe(201);
  });

  it("refuses a snapshot whose discounts name unknown products or share a code", async () => {
    const t = tenant(ctx.emulator);
    await created(t.headers, percentage({ code: "ONE" }));
    await created(t.headers, percentage({ code: "TWO" }));
    const path = `/_emulator/organizations/${t.organizationId}/snapshot`;
    const snapshot = (await ctx.http.get(path)).body as { discounts: Body[] };
    const unknown = randomUUID();
    snapshot.discounts[0].product_ids = [unknown];
    snapshot.discounts[1].code = "one";
    const res = await ctx.http.put(path).send(snapshot);
    expect(res.status).toBe(422);
    expect(res.body.detail.map((detail: Body) => detail.loc)).toEqual([
      ["body", "discounts", 0, "product_ids", 0],
      ["body", "discounts", 1, "code"],
    ]);
  });

  it("loads discounts from a fixture: bodies as the API takes them, products by key", async () => {
    const t = tenant(ctx.emulator);
    const fixture = {
      products: [
        {
          key: "pro",
          name: "Pro",
          recurring_interval: "month",
          prices: [{ amount_type: "fixed", price_amount: 2000 }],
        },
      ],
      discounts: [
        {
          key: "launch",
          id: "7d0f3b1c-5a1e-4b6f-9c3d-2e1f0a9b8c7d",
          created_at: "2025-12-01",
          type: "percentage",
          name: "Launch",
          code: "LAUNCH",
          duration: "repeating",
          duration_in_months: "3",
          basis_points: 2500,
          products: ["pro"],
        },
        { type: "fixed", name: "Five off", duration: "once", amount: 500, currency: "eur" },
      ],
    };
    const loaded = await ctx.http.post(`/_emulator/organizations/${t.organizationId}/fixtures`).send(fixture);
    expect(loaded.status, loaded.text).toBe(200);
    expect(loaded.body.keys.discounts).toEqual({ launch: "7d0f3b1c-5a1e-4b6f-9c3d-2e1f0a9b8c7d" });
    expect(await events(t.organizationId)).toEqual([]);
    const launch = (await get(t.headers, "7d0f3b1c-5a1e-4b6f-9c3d-2e1f0a9b8c7d")).body;
    expect(launch).toMatchObject({
      duration: "repeating",
      duration_in_months: 3,
      basis_points: 2500,
      code: "LAUNCH",
      created_at: "2025-12-01T00:00:00Z",
      products: [{ id: loaded.body.keys.products.pro, name: "Pro" }],
    });
    expect(loaded.body.changed.discounts).toHaveLength(2);
    expect(loaded.body.changed.discounts[0]).toEqual(launch);
    expect(loaded.body.changed.discounts[1]).toMatchObject({
      amount: 500,
      currency: "eur",
      amounts: { eur: 500 },
    });
    // A later fixture refers to the discount's products by key, and a code stays unique.
    const again = await ctx.http.post(`/_emulator/organizations/${t.organizationId}/fixtures`).send({
      discounts: [
        {
          type: "percentage",
          name: "Again",
          duration: "once",
          basis_points: 5,
          code: "launch",
          products: ["pro"],
        },
      ],
    });
    expect(again.status).toBe(422);
    expect(again.body.detail).toEqual([
      {
        type: "value_error",
        loc: ["body", "discounts", 0, "code"],
        msg: "Discount with this code already exists.",
        input: "launch",
      },
    ]);
  });

  it("checks a fixture's discounts whole: bodies, product keys, fixed ids", async () => {
    const t = tenant(ctx.emulator);
    const before = await stateOf(t.organizationId);
    const res = await ctx.http.post(`/_emulator/organizations/${t.organizationId}/fixtures`).send({
      discounts: [
        { key: "a", type: "percentage", name: "A", duration: "once", basis_points: 0, products: ["pr0"] },
        { key: "a", type: "fixed", name: "B", duration: "once", amounts: { usd: 1 }, amont: 5 },
        { type: "fixed", name: "C", duration: "once" },
      ],
    });
    expect(res.status).toBe(422);
    expect(res.body.detail).toEqual([
      {
        type: "value_error",
        loc: ["body", "discounts", 1, "key"],
        msg: 'discount key "a" is already used by /discounts/0/key',
        input: "a",
      },
      {
        type: "reference_error",
        loc: ["body", "discounts", 0, "products", 0],
        msg: 'unknown product "pr0"; no product key is defined; give one a key, or use the id of one of the organization\'s products',
        input: "pr0",
      },
      {
        type: "greater_than_equal",
        loc: ["body", "discounts", 0, "basis_points"],
        msg: "Input should be greater than or equal to 1",
        input: 0,
        ctx: { ge: 1 },
      },
      expect.objectContaining({ type: "extra_forbidden", loc: ["body", "discounts", 1, "amont"] }),
      {
        type: "value_error",
        // A model validator reports at the union member, whose tag stays as the path's last step.
        loc: ["body", "discounts", 2, "fixed"],
        msg: "Value error, Must specify either `amount` or `amounts`.",
        input: { type: "fixed", name: "C", duration: "once" },
        ctx: { error: {} },
      },
    ]);
    expect(await stateOf(t.organizationId)).toBe(before);
  });
});
