/**
 * 422 bodies of the billing operations, exactly as pydantic words them for Polar's models
 * (server/polar/{product,benefit,meter,event,subscription}/schemas.py). The expected lists were
 * produced by pydantic 2.13.4 (Polar's pinned version) validating copies of those models.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestEmulator, tenant } from "./helpers.js";

let ctx: Awaited<ReturnType<typeof startTestEmulator>>;
let org: ReturnType<typeof tenant>;
beforeAll(async () => {
  ctx = await startTestEmulator();
  org = tenant(ctx.emulator);
});
afterAll(() => ctx.emulator.close());

const ROUTES: Record<string, [method: "post" | "patch", path: () => string]> = {
  "products:create": ["post", () => "/v1/products/"],
  "products:update_benefits": ["post", () => `/v1/products/${randomUUID()}/benefits`],
  "benefits:create": ["post", () => "/v1/benefits/"],
  "meters:create": ["post", () => "/v1/meters/"],
  "events:ingest": ["post", () => "/v1/events/ingest"],
  "subscriptions:update": ["patch", () => `/v1/subscriptions/${randomUUID()}`],
};

function send(operation: string, body: unknown) {
  const [method, path] = ROUTES[operation];
  return ctx.http[method](path())
    .set(org.headers)
    .set("Content-Type", "application/json")
    .send(JSON.stringify(body));
}

async function expectDetail(
  res: { status: number; body: { error: string; detail: unknown } },
  detail: unknown[],
) {
  expect(res.body).toEqual({ error: "RequestValidationError", detail });
  expect(res.status).toBe(422);
}

describe("products:create", () => {
  it("a one-time product without a name: only the name, under the callable discriminator's tag", async () => {
    await expectDetail(
      await send("products:create", { prices: [{ amount_type: "fixed", price_amount: 1000 }] }),
      [
        {
          type: "missing",
          loc: ["body", "one_time", "name"],
          msg: "Field required",
          input: { prices: [{ amount_type: "fixed", price_amount: 1000 }] },
        },
      ],
    );
  });
  it("a recurring product: fields in declaration order, the enum and the list length", async () => {
    await expectDetail(
      await send("products:create", { name: "Pro", recurring_interval: "fortnight", prices: [] }),
      [
        {
          type: "too_short",
          loc: ["body", "recurring", "prices"],
          msg: "List should have at least 1 item after validation, not 0",
          input: [],
          ctx: { field_type: "List", min_length: 1, actual_length: 0 },
        },
        {
          type: "enum",
          loc: ["body", "recurring", "recurring_interval"],
          msg: "Input should be 'day', 'week', 'month' or 'year'",
          input: "fortnight",
          ctx: { expected: "'day', 'week', 'month' or 'year'" },
        },
      ],
    );
  });
  it("prices: tag missing, tag unknown (ProductPriceAmountType members), not an object, and the member's own errors under its tag", async () => {
    await expectDetail(
      await send("products:create", {
        name: "Prices",
        prices: [
          { price_amount: 1000 },
          { amount_type: "tiered" },
          "fixed",
          { amount_type: "custom", minimum_amount: -1, preset_amount: "abc" },
        ],
      }),
      [
        {
          type: "union_tag_not_found",
          loc: ["body", "one_time", "prices", 0],
          msg: "Unable to extract tag using discriminator 'amount_type'",
          input: { price_amount: 1000 },
          ctx: { discriminator: "'amount_type'" },
        },
        {
          type: "union_tag_invalid",
          loc: ["body", "one_time", "prices", 1],
          msg: "Input tag 'tiered' found using 'amount_type' does not match any of the expected tags: <ProductPriceAmountType.fixed: 'fixed'>, <ProductPriceAmountType.custom: 'custom'>, <ProductPriceAmountType.seat_based: 'seat_based'>, <ProductPriceAmountType.metered_unit: 'metered_unit'>",
          input: { amount_type: "tiered" },
          ctx: {
            discriminator: "'amount_type'",
            tag: "tiered",
            expected_tags:
              "<ProductPriceAmountType.fixed: 'fixed'>, <ProductPriceAmountType.custom: 'custom'>, <ProductPriceAmountType.seat_based: 'seat_based'>, <ProductPriceAmountType.metered_unit: 'metered_unit'>",
          },
        },
        {
          type: "model_attributes_type",
          loc: ["body", "one_time", "prices", 2],
          msg: "Input should be a valid dictionary or object to extract fields from",
          input: "fixed",
        },
        {
          type: "greater_than_equal",
          loc: ["body", "one_time", "prices", 3, "custom", "minimum_amount"],
          msg: "Input should be greater than or equal to 0",
          input: -1,
          ctx: { ge: 0 },
        },
        {
          type: "int_parsing",
          loc: ["body", "one_time", "prices", 3, "custom", "preset_amount"],
          msg: "Input should be a valid integer, unable to parse string as an integer",
          input: "abc",
        },
      ],
    );
  });
  it("the stripped name's length as pydantic's generic constraint, beside a price validator's error", async () => {
    await expectDetail(
      await send("products:create", {
        name: "ab",
        prices: [{ amount_type: "fixed", price_amount: 10 }],
        recurring_interval_count: 2,
      }),
      [
        {
          type: "too_short",
          loc: ["body", "one_time", "name"],
          msg: "Value should have at least 3 items after validation, not 2",
          input: "ab",
          ctx: { field_type: "Value", min_length: 3, actual_length: 2 },
        },
        {
          type: "minimum_price",
          loc: ["body", "one_time", "prices", 0, "fixed", "price_amount"],
          msg: "Amount must be at least $0.50 or 0 for free pricing",
          input: 10,
        },
        {
          type: "none_required",
          loc: ["body", "one_time", "recurring_interval_count"],
          msg: "Input should be None",
          input: 2,
        },
      ],
    );
  });
  it("nested price errors under both tags; the model validators wait for valid fields", async () => {
    await expectDetail(
      await send("products:create", {
        name: "Seats",
        recurring_interval: "month",
        trial_interval: "day",
        prices: [
          { amount_type: "seat_based", seat_tiers: { tiers: [{ min_seats: 0, price_per_seat: 100 }] } },
          {
            amount_type: "metered_unit",
            meter_id: "3b2c1d4e-1111-1111-8111-111111111111",
            unit_amount: "abc",
          },
        ],
      }),
      [
        {
          type: "greater_than_equal",
          loc: ["body", "recurring", "prices", 0, "seat_based", "seat_tiers", "tiers", 0, "min_seats"],
          msg: "Input should be greater than or equal to 1",
          input: 0,
          ctx: { ge: 1 },
        },
        {
          type: "uuid_version",
          loc: ["body", "recurring", "prices", 1, "metered_unit", "meter_id"],
          msg: "UUID version 4 expected",
          input: "3b2c1d4e-1111-1111-8111-111111111111",
          ctx: { expected_version: 4 },
        },
        {
          type: "decimal_parsing",
          loc: ["body", "recurring", "prices", 1, "metered_unit", "unit_amount"],
          msg: "Input should be a valid decimal",
          input: "abc",
        },
      ],
    );
  });
  it("a body that is no object: the one_time member, as the discriminator returns for it", async () => {
    await expectDetail(await send("products:create", "a product"), [
      {
        type: "model_attributes_type",
        loc: ["body", "one_time"],
        msg: "Input should be a valid dictionary or object to extract fields from",
        input: "a product",
      },
    ]);
  });
  it("the NUL character, refused by Polar's Schema field by field", async () => {
    await expectDetail(
      await send("products:create", {
        name: "a\u0000b",
        description: "ok",
        prices: [{ amount_type: "fixed", price_amount: 0 }],
        metadata: { k: "v\u0000" },
      }),
      [
        {
          type: "value_error",
          loc: ["body", "one_time", "metadata"],
          msg: "Value error, This value contains invalid characters",
          input: { k: "v\u0000" },
          ctx: { error: {} },
        },
        {
          type: "value_error",
          loc: ["body", "one_time", "name"],
          msg: "Value error, This value contains invalid characters",
          input: "a\u0000b",
          ctx: { error: {} },
        },
      ],
    );
  });
});

describe("benefits:create", () => {
  it("no type: union_tag_not_found", async () => {
    await expectDetail(await send("benefits:create", { description: "No type", properties: {} }), [
      {
        type: "union_tag_not_found",
        loc: ["body"],
        msg: "Unable to extract tag using discriminator 'type'",
        input: { description: "No type", properties: {} },
        ctx: { discriminator: "'type'" },
      },
    ]);
  });
  it("an unknown type: union_tag_invalid naming BenefitType's members", async () => {
    await expectDetail(
      await send("benefits:create", { type: "coupon", description: "Bad type", properties: {} }),
      [
        {
          type: "union_tag_invalid",
          loc: ["body"],
          msg: "Input tag 'coupon' found using 'type' does not match any of the expected tags: <BenefitType.custom: 'custom'>, <BenefitType.discord: 'discord'>, <BenefitType.github_repository: 'github_repository'>, <BenefitType.downloadables: 'downloadables'>, <BenefitType.license_keys: 'license_keys'>, <BenefitType.meter_credit: 'meter_credit'>, <BenefitType.feature_flag: 'feature_flag'>, <BenefitType.slack_shared_channel: 'slack_shared_channel'>",
          input: { type: "coupon", description: "Bad type", properties: {} },
          ctx: {
            discriminator: "'type'",
            tag: "coupon",
            expected_tags:
              "<BenefitType.custom: 'custom'>, <BenefitType.discord: 'discord'>, <BenefitType.github_repository: 'github_repository'>, <BenefitType.downloadables: 'downloadables'>, <BenefitType.license_keys: 'license_keys'>, <BenefitType.meter_credit: 'meter_credit'>, <BenefitType.feature_flag: 'feature_flag'>, <BenefitType.slack_shared_channel: 'slack_shared_channel'>",
          },
        },
      ],
    );
  });
  it("license keys: the expiration's model validator, activation bounds and Int32", async () => {
    await expectDetail(
      await send("benefits:create", {
        type: "license_keys",
        description: "Keys",
        properties: {
          expires: { ttl: 500, timeframe: "year" },
          activations: { limit: 0, enable_customer_admin: "sometimes" },
          limit_usage: 3000000000,
        },
      }),
      [
        {
          type: "value_error",
          loc: ["body", "license_keys", "properties", "expires"],
          msg: "Value error, ttl value 500 exceeds the maximum of 457 for timeframe 'year'.",
          input: { ttl: 500, timeframe: "year" },
          ctx: { error: {} },
        },
        {
          type: "greater_than",
          loc: ["body", "license_keys", "properties", "activations", "limit"],
          msg: "Input should be greater than 0",
          input: 0,
          ctx: { gt: 0 },
        },
        {
          type: "bool_parsing",
          loc: ["body", "license_keys", "properties", "activations", "enable_customer_admin"],
          msg: "Input should be a valid boolean, unable to interpret input",
          input: "sometimes",
        },
        {
          type: "less_than_equal",
          loc: ["body", "license_keys", "properties", "limit_usage"],
          msg: "Input should be less than or equal to 2147483647",
          input: 3000000000,
          ctx: { le: 2147483647 },
        },
      ],
    );
  });
  it("downloadables: a dict key checked as a UUID4 ([key]), its value, then the list length", async () => {
    await expectDetail(
      await send("benefits:create", {
        type: "downloadables",
        description: "Files",
        properties: { archived: { "3b2c1d4e-1111-1111-8111-111111111111": "x" }, files: [] },
      }),
      [
        {
          type: "uuid_version",
          loc: [
            "body",
            "downloadables",
            "properties",
            "archived",
            "3b2c1d4e-1111-1111-8111-111111111111",
            "[key]",
          ],
          msg: "UUID version 4 expected",
          input: "3b2c1d4e-1111-1111-8111-111111111111",
          ctx: { expected_version: 4 },
        },
        {
          type: "bool_parsing",
          loc: ["body", "downloadables", "properties", "archived", "3b2c1d4e-1111-1111-8111-111111111111"],
          msg: "Input should be a valid boolean, unable to interpret input",
          input: "x",
        },
        {
          type: "too_short",
          loc: ["body", "downloadables", "properties", "files"],
          msg: "List should have at least 1 item after validation, not 0",
          input: [],
          ctx: { field_type: "List", min_length: 1, actual_length: 0 },
        },
      ],
    );
  });
  it("github repository: missing fields and a Literal (literal_error)", async () => {
    await expectDetail(
      await send("benefits:create", {
        type: "github_repository",
        description: "x",
        properties: { repository_owner: "polarsource", permission: "owner" },
      }),
      [
        {
          type: "string_too_short",
          loc: ["body", "github_repository", "description"],
          msg: "String should have at least 3 characters",
          input: "x",
          ctx: { min_length: 3 },
        },
        {
          type: "missing",
          loc: ["body", "github_repository", "properties", "repository_name"],
          msg: "Field required",
          input: { repository_owner: "polarsource", permission: "owner" },
        },
        {
          type: "literal_error",
          loc: ["body", "github_repository", "properties", "permission"],
          msg: "Input should be 'pull', 'triage', 'push', 'maintain' or 'admin'",
          input: "owner",
          ctx: { expected: "'pull', 'triage', 'push', 'maintain' or 'admin'" },
        },
      ],
    );
  });
  it("custom: description length, note type, visibility enum in field order", async () => {
    await expectDetail(
      await send("benefits:create", {
        type: "custom",
        description: "A custom benefit with a description too long",
        properties: { note: 5 },
        visibility: "hidden",
      }),
      [
        {
          type: "string_too_long",
          loc: ["body", "custom", "description"],
          msg: "String should have at most 42 characters",
          input: "A custom benefit with a description too long",
          ctx: { max_length: 42 },
        },
        {
          type: "enum",
          loc: ["body", "custom", "visibility"],
          msg: "Input should be 'draft', 'private' or 'public'",
          input: "hidden",
          ctx: { expected: "'draft', 'private' or 'public'" },
        },
        {
          type: "string_type",
          loc: ["body", "custom", "properties", "note"],
          msg: "Input should be a valid string",
          input: 5,
        },
      ],
    );
  });
  it("meter credit: Int32 with gt=0, a bool, a missing meter", async () => {
    await expectDetail(
      await send("benefits:create", {
        type: "meter_credit",
        description: "Credits",
        properties: { units: 0, rollover: "x" },
      }),
      [
        {
          type: "greater_than",
          loc: ["body", "meter_credit", "properties", "units"],
          msg: "Input should be greater than 0",
          input: 0,
          ctx: { gt: 0 },
        },
        {
          type: "bool_parsing",
          loc: ["body", "meter_credit", "properties", "rollover"],
          msg: "Input should be a valid boolean, unable to interpret input",
          input: "x",
        },
        {
          type: "missing",
          loc: ["body", "meter_credit", "properties", "meter_id"],
          msg: "Field required",
          input: { units: 0, rollover: "x" },
        },
      ],
    );
  });
  it("slack shared channel: the channel name template validator", async () => {
    await expectDetail(
      await send("benefits:create", {
        type: "slack_shared_channel",
        description: "Slack",
        properties: {
          slack_integration_id: "3b2c1d4e-1111-4111-8111-111111111111",
          channel_name_template: "{customer_id}",
        },
      }),
      [
        {
          type: "value_error",
          loc: ["body", "slack_shared_channel", "properties", "channel_name_template"],
          msg: "Value error, Unknown placeholder: {customer_id}. Allowed: {customer_name}, {customer_email_local}, or {metadata.<key>} for customer metadata.",
          input: "{customer_id}",
          ctx: { error: {} },
        },
      ],
    );
  });
});

describe("meters:create", () => {
  it("a filter clause matching neither member of FilterClause | Filter, and an unknown aggregation function", async () => {
    await expectDetail(
      await send("meters:create", {
        name: "ab",
        filter: { conjunction: "xor", clauses: [{}] },
        aggregation: { func: "median" },
      }),
      [
        {
          type: "string_too_short",
          loc: ["body", "name"],
          msg: "String should have at least 3 characters",
          input: "ab",
          ctx: { min_length: 3 },
        },
        {
          type: "enum",
          loc: ["body", "filter", "conjunction"],
          msg: "Input should be 'and' or 'or'",
          input: "xor",
          ctx: { expected: "'and' or 'or'" },
        },
        {
          type: "missing",
          loc: ["body", "filter", "clauses", 0, "FilterClause", "property"],
          msg: "Field required",
          input: {},
        },
        {
          type: "missing",
          loc: ["body", "filter", "clauses", 0, "FilterClause", "operator"],
          msg: "Field required",
          input: {},
        },
        {
          type: "missing",
          loc: ["body", "filter", "clauses", 0, "FilterClause", "value"],
          msg: "Field required",
          input: {},
        },
        {
          type: "missing",
          loc: ["body", "filter", "clauses", 0, "Filter", "conjunction"],
          msg: "Field required",
          input: {},
        },
        {
          type: "missing",
          loc: ["body", "filter", "clauses", 0, "Filter", "clauses"],
          msg: "Field required",
          input: {},
        },
        {
          type: "union_tag_invalid",
          loc: ["body", "aggregation"],
          msg: "Input tag 'median' found using 'func' does not match any of the expected tags: <AggregationFunction.cnt: 'count'>, <AggregationFunction.sum: 'sum'>, <AggregationFunction.max: 'max'>, <AggregationFunction.min: 'min'>, <AggregationFunction.avg: 'avg'>, <AggregationFunction.unique: 'unique'>",
          input: { func: "median" },
          ctx: {
            discriminator: "'func'",
            tag: "median",
            expected_tags:
              "<AggregationFunction.cnt: 'count'>, <AggregationFunction.sum: 'sum'>, <AggregationFunction.max: 'max'>, <AggregationFunction.min: 'min'>, <AggregationFunction.avg: 'avg'>, <AggregationFunction.unique: 'unique'>",
          },
        },
      ],
    );
  });
  it("a clause value matching no member of str | Int32 | bool, and an aggregation without func", async () => {
    await expectDetail(
      await send("meters:create", {
        name: "Meter",
        filter: { conjunction: "and", clauses: [{ property: "a", operator: "eq", value: 5.5 }] },
        aggregation: {},
      }),
      [
        {
          type: "string_type",
          loc: ["body", "filter", "clauses", 0, "FilterClause", "value", "constrained-str"],
          msg: "Input should be a valid string",
          input: 5.5,
        },
        {
          type: "int_from_float",
          loc: ["body", "filter", "clauses", 0, "FilterClause", "value", "constrained-int"],
          msg: "Input should be a valid integer, got a number with a fractional part",
          input: 5.5,
        },
        {
          type: "bool_type",
          loc: ["body", "filter", "clauses", 0, "FilterClause", "value", "bool"],
          msg: "Input should be a valid boolean",
          input: 5.5,
        },
        {
          type: "missing",
          loc: ["body", "filter", "clauses", 0, "Filter", "conjunction"],
          msg: "Field required",
          input: { property: "a", operator: "eq", value: 5.5 },
        },
        {
          type: "missing",
          loc: ["body", "filter", "clauses", 0, "Filter", "clauses"],
          msg: "Field required",
          input: { property: "a", operator: "eq", value: 5.5 },
        },
        {
          type: "union_tag_not_found",
          loc: ["body", "aggregation"],
          msg: "Unable to extract tag using discriminator 'func'",
          input: {},
          ctx: { discriminator: "'func'" },
        },
      ],
    );
  });
  it("a property aggregation without its property, under its tag", async () => {
    await expectDetail(
      await send("meters:create", {
        name: "Meter",
        filter: { conjunction: "and", clauses: [] },
        aggregation: { func: "sum" },
      }),
      [
        {
          type: "missing",
          loc: ["body", "aggregation", "sum", "property"],
          msg: "Field required",
          input: { func: "sum" },
        },
      ],
    );
  });
  it("the custom unit model validator, at the body", async () => {
    await expectDetail(
      await send("meters:create", {
        name: "Meter",
        unit: "custom",
        filter: { conjunction: "and", clauses: [] },
        aggregation: { func: "count" },
      }),
      [
        {
          type: "value_error",
          loc: ["body"],
          msg: "Value error, custom_label is required when unit is 'custom'.",
          input: {
            name: "Meter",
            unit: "custom",
            filter: { conjunction: "and", clauses: [] },
            aggregation: { func: "count" },
          },
          ctx: { error: {} },
        },
      ],
    );
  });
});

describe("events:ingest", () => {
  it("an event matching neither member: each member's errors under its class name", async () => {
    await expectDetail(await send("events:ingest", { events: [{ name: "api.call" }] }), [
      {
        type: "missing",
        loc: ["body", "events", 0, "EventCreateCustomer", "customer_id"],
        msg: "Field required",
        input: { name: "api.call" },
      },
      {
        type: "missing",
        loc: ["body", "events", 0, "EventCreateExternalCustomer", "external_customer_id"],
        msg: "Field required",
        input: { name: "api.call" },
      },
    ]);
  });
  it("metadata values (str | int | float | bool) and the _cost decimal, for each member", async () => {
    await expectDetail(
      await send("events:ingest", {
        events: [
          {
            name: "api.call",
            external_customer_id: "user_1",
            metadata: { tags: [], _cost: { amount: "abc", currency: "usd" } },
          },
        ],
      }),
      [
        {
          type: "decimal_parsing",
          loc: ["body", "events", 0, "EventCreateCustomer", "metadata", "_cost", "amount"],
          msg: "Input should be a valid decimal",
          input: "abc",
        },
        {
          type: "string_type",
          loc: ["body", "events", 0, "EventCreateCustomer", "metadata", "tags", "constrained-str"],
          msg: "Input should be a valid string",
          input: [],
        },
        {
          type: "int_type",
          loc: ["body", "events", 0, "EventCreateCustomer", "metadata", "tags", "int"],
          msg: "Input should be a valid integer",
          input: [],
        },
        {
          type: "float_type",
          loc: ["body", "events", 0, "EventCreateCustomer", "metadata", "tags", "float"],
          msg: "Input should be a valid number",
          input: [],
        },
        {
          type: "bool_type",
          loc: ["body", "events", 0, "EventCreateCustomer", "metadata", "tags", "bool"],
          msg: "Input should be a valid boolean",
          input: [],
        },
        {
          type: "missing",
          loc: ["body", "events", 0, "EventCreateCustomer", "customer_id"],
          msg: "Field required",
          input: {
            name: "api.call",
            external_customer_id: "user_1",
            metadata: { tags: [], _cost: { amount: "abc", currency: "usd" } },
          },
        },
        {
          type: "decimal_parsing",
          loc: ["body", "events", 0, "EventCreateExternalCustomer", "metadata", "_cost", "amount"],
          msg: "Input should be a valid decimal",
          input: "abc",
        },
        {
          type: "string_type",
          loc: ["body", "events", 0, "EventCreateExternalCustomer", "metadata", "tags", "constrained-str"],
          msg: "Input should be a valid string",
          input: [],
        },
        {
          type: "int_type",
          loc: ["body", "events", 0, "EventCreateExternalCustomer", "metadata", "tags", "int"],
          msg: "Input should be a valid integer",
          input: [],
        },
        {
          type: "float_type",
          loc: ["body", "events", 0, "EventCreateExternalCustomer", "metadata", "tags", "float"],
          msg: "Input should be a valid number",
          input: [],
        },
        {
          type: "bool_type",
          loc: ["body", "events", 0, "EventCreateExternalCustomer", "metadata", "tags", "bool"],
          msg: "Input should be a valid boolean",
          input: [],
        },
      ],
    );
  });
  it("events that are no list", async () => {
    await expectDetail(await send("events:ingest", { events: "api.call" }), [
      { type: "list_type", loc: ["body", "events"], msg: "Input should be a valid list", input: "api.call" },
    ]);
  });
});

describe("subscriptions:update", () => {
  it("a body matching none of SubscriptionUpdate's eight members: every member's errors", async () => {
    await expectDetail(await send("subscriptions:update", { cancel_at_period_end: "maybe" }), [
      {
        type: "extra_forbidden",
        loc: ["body", "SubscriptionUpdateBase", "cancel_at_period_end"],
        msg: "Extra inputs are not permitted",
        input: "maybe",
      },
      {
        type: "missing",
        loc: ["body", "SubscriptionUpdateSeats", "seats"],
        msg: "Field required",
        input: { cancel_at_period_end: "maybe" },
      },
      {
        type: "extra_forbidden",
        loc: ["body", "SubscriptionUpdateSeats", "cancel_at_period_end"],
        msg: "Extra inputs are not permitted",
        input: "maybe",
      },
      {
        type: "missing",
        loc: ["body", "SubscriptionUpdateBillingPeriod", "current_billing_period_end"],
        msg: "Field required",
        input: { cancel_at_period_end: "maybe" },
      },
      {
        type: "extra_forbidden",
        loc: ["body", "SubscriptionUpdateBillingPeriod", "cancel_at_period_end"],
        msg: "Extra inputs are not permitted",
        input: "maybe",
      },
      {
        type: "bool_parsing",
        loc: ["body", "SubscriptionCancel", "cancel_at_period_end"],
        msg: "Input should be a valid boolean, unable to interpret input",
        input: "maybe",
      },
      {
        type: "missing",
        loc: ["body", "SubscriptionRevoke", "revoke"],
        msg: "Field required",
        input: { cancel_at_period_end: "maybe" },
      },
      {
        type: "extra_forbidden",
        loc: ["body", "SubscriptionRevoke", "cancel_at_period_end"],
        msg: "Extra inputs are not permitted",
        input: "maybe",
      },
      {
        type: "missing",
        loc: ["body", "SubscriptionPause", "pause_at_period_end"],
        msg: "Field required",
        input: { cancel_at_period_end: "maybe" },
      },
      {
        type: "extra_forbidden",
        loc: ["body", "SubscriptionPause", "cancel_at_period_end"],
        msg: "Extra inputs are not permitted",
        input: "maybe",
      },
      {
        type: "missing",
        loc: ["body", "SubscriptionResume", "resume"],
        msg: "Field required",
        input: { cancel_at_period_end: "maybe" },
      },
      {
        type: "extra_forbidden",
        loc: ["body", "SubscriptionResume", "cancel_at_period_end"],
        msg: "Extra inputs are not permitted",
        input: "maybe",
      },
      {
        type: "missing",
        loc: ["body", "SubscriptionUpdateClear", "pending_update"],
        msg: "Field required",
        input: { cancel_at_period_end: "maybe" },
      },
      {
        type: "extra_forbidden",
        loc: ["body", "SubscriptionUpdateClear", "cancel_at_period_end"],
        msg: "Extra inputs are not permitted",
        input: "maybe",
      },
    ]);
  });
  it("trial_end matching neither datetime nor 'now', inside the members", async () => {
    await expectDetail(await send("subscriptions:update", { trial_end: "tomorrow" }), [
      {
        type: "datetime_from_date_parsing",
        loc: ["body", "SubscriptionUpdateBase", "trial_end", "datetime"],
        msg: "Input should be a valid datetime or date, input is too short",
        input: "tomorrow",
        ctx: { error: "input is too short" },
      },
      {
        type: "literal_error",
        loc: ["body", "SubscriptionUpdateBase", "trial_end", "literal['now']"],
        msg: "Input should be 'now'",
        input: "tomorrow",
        ctx: { expected: "'now'" },
      },
      {
        type: "missing",
        loc: ["body", "SubscriptionUpdateSeats", "seats"],
        msg: "Field required",
        input: { trial_end: "tomorrow" },
      },
      {
        type: "extra_forbidden",
        loc: ["body", "SubscriptionUpdateSeats", "trial_end"],
        msg: "Extra inputs are not permitted",
        input: "tomorrow",
      },
      {
        type: "missing",
        loc: ["body", "SubscriptionUpdateBillingPeriod", "current_billing_period_end"],
        msg: "Field required",
        input: { trial_end: "tomorrow" },
      },
      {
        type: "extra_forbidden",
        loc: ["body", "SubscriptionUpdateBillingPeriod", "trial_end"],
        msg: "Extra inputs are not permitted",
        input: "tomorrow",
      },
      {
        type: "missing",
        loc: ["body", "SubscriptionCancel", "cancel_at_period_end"],
        msg: "Field required",
        input: { trial_end: "tomorrow" },
      },
      {
        type: "extra_forbidden",
        loc: ["body", "SubscriptionCancel", "trial_end"],
        msg: "Extra inputs are not permitted",
        input: "tomorrow",
      },
      {
        type: "missing",
        loc: ["body", "SubscriptionRevoke", "revoke"],
        msg: "Field required",
        input: { trial_end: "tomorrow" },
      },
      {
        type: "extra_forbidden",
        loc: ["body", "SubscriptionRevoke", "trial_end"],
        msg: "Extra inputs are not permitted",
        input: "tomorrow",
      },
      {
        type: "missing",
        loc: ["body", "SubscriptionPause", "pause_at_period_end"],
        msg: "Field required",
        input: { trial_end: "tomorrow" },
      },
      {
        type: "extra_forbidden",
        loc: ["body", "SubscriptionPause", "trial_end"],
        msg: "Extra inputs are not permitted",
        input: "tomorrow",
      },
      {
        type: "missing",
        loc: ["body", "SubscriptionResume", "resume"],
        msg: "Field required",
        input: { trial_end: "tomorrow" },
      },
      {
        type: "extra_forbidden",
        loc: ["body", "SubscriptionResume", "trial_end"],
        msg: "Extra inputs are not permitted",
        input: "tomorrow",
      },
      {
        type: "missing",
        loc: ["body", "SubscriptionUpdateClear", "pending_update"],
        msg: "Field required",
        input: { trial_end: "tomorrow" },
      },
      {
        type: "extra_forbidden",
        loc: ["body", "SubscriptionUpdateClear", "trial_end"],
        msg: "Extra inputs are not permitted",
        input: "tomorrow",
      },
    ]);
  });
});

describe("products:update_benefits", () => {
  it("benefit ids: a version 1 UUID and a number", async () => {
    await expectDetail(
      await send("products:update_benefits", { benefits: ["3b2c1d4e-1111-1111-8111-111111111111", 5] }),
      [
        {
          type: "uuid_version",
          loc: ["body", "benefits", 0],
          msg: "UUID version 4 expected",
          input: "3b2c1d4e-1111-1111-8111-111111111111",
          ctx: { expected_version: 4 },
        },
        {
          type: "uuid_type",
          loc: ["body", "benefits", 1],
          msg: "UUID input should be a string, bytes or UUID object",
          input: 5,
        },
      ],
    );
  });
  it("no benefits", async () => {
    await expectDetail(await send("products:update_benefits", {}), [
      { type: "missing", loc: ["body", "benefits"], msg: "Field required", input: {} },
    ]);
  });
});
describe("what pydantic accepts", () => {
  it("coerces like pydantic's lax mode: numeric strings, a legacy free price, UUID spellings", async () => {
    const { headers } = tenant(ctx.emulator);
    const product = await ctx.http
      .post("/v1/products/")
      .set(headers)
      .send({
        name: "Coerced",
        recurring_interval: "month",
        recurring_interval_count: "2",
        prices: [{ amount_type: "fixed", price_amount: "1000" }],
      });
    expect(product.status).toBe(201);
    expect(product.body.recurring_interval_count).toBe(2);
    expect(product.body.prices[0]).toMatchObject({ amount_type: "fixed", price_amount: 1000 });

    // _coerce_legacy_free_price: a `free` price is a fixed price of 0.
    const free = await ctx.http
      .post("/v1/products/")
      .set(headers)
      .send({ name: "Free", prices: [{ amount_type: "free" }] });
    expect(free.status).toBe(201);
    expect(free.body.prices[0]).toMatchObject({ amount_type: "fixed", price_amount: 0 });

    const meter = await ctx.http
      .post("/v1/meters/")
      .set(headers)
      .send({ name: "Calls", filter: { conjunction: "and", clauses: [] }, aggregation: { func: "count" } });
    expect(meter.status).toBe(201);
    const credits = await ctx.http
      .post("/v1/benefits/")
      .set(headers)
      .send({
        type: "meter_credit",
        description: "Credits",
        properties: { units: "10", rollover: "yes", meter_id: `{${meter.body.id.toUpperCase()}}` },
      });
    expect(credits.status).toBe(201);
    expect(credits.body.properties).toEqual({ units: 10, rollover: true, meter_id: meter.body.id });
  });

  it("reads a null body as no body, like FastAPI", async () => {
    await expectDetail(await send("benefits:create", null), [
      { type: "missing", loc: ["body"], msg: "Field required", input: null },
    ]);
  });

  it("reports path errors before the body's", async () => {
    const res = await ctx.http.post("/v1/products/nope/benefits").set(org.headers).send({});
    expect(res.status).toBe(422);
    expect(res.body.detail.map((detail: { loc: unknown[] }) => detail.loc)).toEqual([
      ["path", "id"],
      ["body", "benefits"],
    ]);
  });

  it("hands every schema-valid body to its handler without a crash", async () => {
    const { headers } = tenant(ctx.emulator);
    const bodies: [string, unknown][] = [
      ["products:create", { name: "  Spaced  ", description: "  ", prices: [{ amount_type: "custom" }] }],
      [
        "products:create",
        {
          name: "Seats",
          prices: [
            { amount_type: "seat_based", seat_tiers: { tiers: [{ min_seats: "1", price_per_seat: 0 }] } },
          ],
        },
      ],
      [
        "products:create",
        {
          name: "Dup",
          recurring_interval: "year",
          meter_interval: "month",
          meter_interval_count: null,
          prices: [{ amount_type: "fixed", price_amount: 1000 }],
        },
      ],
      [
        "benefits:create",
        { type: "feature_flag", description: "Flag", properties: {}, metadata: { a: 1.5, b: true } },
      ],
      [
        "benefits:create",
        { type: "license_keys", description: "Keys", properties: { prefix: "  ", limit_usage: 5.0 } },
      ],
      [
        "benefits:create",
        { type: "downloadables", description: "Files", properties: { files: [randomUUID()] } },
      ],
      [
        "benefits:create",
        {
          type: "slack_shared_channel",
          description: "Slack",
          properties: { slack_integration_id: randomUUID(), channel_name_template: "{customer_name}" },
        },
      ],
      [
        "meters:create",
        {
          name: "Filtered",
          filter: {
            conjunction: "or",
            clauses: [
              { conjunction: "and", clauses: [{ property: "metadata.x", operator: "like", value: false }] },
            ],
          },
          aggregation: { func: "unique", property: "metadata.k" },
        },
      ],
      [
        "events:ingest",
        {
          events: [
            {
              name: "e",
              external_customer_id: "u",
              timestamp: 1700000000,
              metadata: {
                _llm: { vendor: "v", model: "m", input_tokens: "1", output_tokens: 2, total_tokens: 3 },
              },
            },
          ],
        },
      ],
      ["events:ingest", { events: [] }],
    ];
    for (const [operation, body] of bodies) {
      const [method, path] = ROUTES[operation];
      const res = await ctx.http[method](path())
        .set(headers)
        .send(body as object);
      expect(res.status, `${operation} ${JSON.stringify(body)}`).toBeLessThan(500);
      expect(res.body.error, `${operation} ${JSON.stringify(body)}`).not.toBe("RequestValidationError");
    }
    // Updates of objects that exist, so the handlers run: the default organization's seed.
    const product = (await ctx.http.get("/v1/products/?limit=1").set(ctx.auth())).body.items[0];
    const benefits = await ctx.http
      .post(`/v1/products/${product.id}/benefits`)
      .set(ctx.auth())
      .send({ benefits: [] });
    expect(benefits.status).toBe(200);
    const subscriptions = (await ctx.http.get("/v1/subscriptions/?limit=10").set(ctx.auth())).body.items;
    const updates = [
      {},
      { seats: "3" },
      { cancel_at_period_end: "yes" },
      { metadata: { a: "1" } },
      { revoke: 1 },
    ];
    for (const [index, update] of updates.entries()) {
      const id = subscriptions[index % subscriptions.length].id;
      const res = await ctx.http.patch(`/v1/subscriptions/${id}`).set(ctx.auth()).send(update);
      expect(res.status, JSON.stringify(update)).toBeLessThan(500);
      expect(res.body.error, JSON.stringify(update)).not.toBe("RequestValidationError");
    }
  });
});
