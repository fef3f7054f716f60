/** Pins down how ajv's errors become pydantic's details: the chosen union branch only, tags in loc, raw inputs, loc order, NUL details. */
import { Ajv } from "ajv";
import { describe, expect, it } from "vitest";
import type { ValidationDetail } from "../../src/errors.js";
import { customizeAjv } from "../../src/pydantic/ajv.js";
import { bodyTag, nulDetails, orderDetails, toPydanticDetails } from "../../src/pydantic/translate.js";

// A customer-create-like body: `Annotated[Individual | Team, Discriminator(_customer_create_type)]`,
// where a body without `type` is an individual.
const individual = {
  type: "object",
  properties: {
    type: { type: "string", const: "individual", default: "individual" },
    email: { type: "string", format: "email" },
    name: { type: "string", maxLength: 3 },
    metadata: { type: "object", additionalProperties: { type: "string" } },
    billing_address: { anyOf: [{ $ref: "#/components/schemas/Address" }, { type: "null" }] },
  },
  required: ["email"],
};
const team = {
  type: "object",
  properties: {
    type: { type: "string", const: "team" },
    name: { type: "string", minLength: 1 },
  },
  required: ["type", "name"],
};
const bodySchema = { oneOf: [individual, team] };

/** The request object's schema, as openapi-backend builds one (properties deliberately not in pydantic's order). */
const root = {
  type: "object",
  properties: {
    requestBody: bodySchema,
    header: { type: "object", properties: { "x-count": { type: "integer" } } },
    query: {
      type: "object",
      properties: {
        limit: { type: "integer", maximum: 100 },
        sorting: {
          anyOf: [{ type: "array", items: { type: "string", enum: ["name", "-name"] } }, { type: "null" }],
        },
      },
    },
    path: { type: "object", properties: { id: { type: "string", format: "uuid4" } }, required: ["id"] },
  },
  required: ["path", "requestBody"],
  components: {
    schemas: {
      Address: {
        type: "object",
        title: "AddressInput",
        properties: { city: { type: "string" }, country: { type: "string" } },
        required: ["country"],
      },
    },
  },
};

const ajv = customizeAjv(new Ajv({ allErrors: true, verbose: true, strict: false }));
const validator = ajv.compile(root);

const V4 = "f47ac10b-58cc-4372-a567-0e02b2c3d479";
const V1 = "f47ac10b-58cc-1372-a567-0e02b2c3d479";

interface Request {
  path?: Record<string, string>;
  query?: Record<string, unknown>;
  rawQuery?: Record<string, unknown>;
  header?: Record<string, unknown>;
  body?: unknown;
}

function details(request: Request, tagFunction?: string): ValidationDetail[] {
  const path = request.path ?? { id: V4 };
  const data: Record<string, unknown> = {
    path,
    query: request.query ?? {},
    header: request.header ?? {},
    cookie: {},
  };
  if ("body" in request) data.requestBody = request.body;
  expect(validator(data)).toBe(false);
  return toPydanticDetails(
    validator.errors ?? [],
    { query: request.rawQuery ?? request.query ?? {}, path },
    { rootSchema: root, tagFunction },
  );
}

describe("toPydanticDetails: a oneOf tagged by a `type` const", () => {
  it("keeps only the errors of the branch the tag picks, with the tag in loc", () => {
    expect(details({ body: { type: "team" } })).toEqual([
      { type: "missing", loc: ["body", "team", "name"], msg: "Field required", input: { type: "team" } },
    ]);
    expect(details({ body: { type: "team", name: "" } })).toEqual([
      {
        type: "string_too_short",
        loc: ["body", "team", "name"],
        msg: "String should have at least 1 character",
        input: "",
        ctx: { min_length: 1 },
      },
    ]);
  });

  it("picks the branch of the default tag when the body has no `type`", () => {
    expect(details({ body: { name: "abcd" } })).toEqual([
      {
        type: "missing",
        loc: ["body", "individual", "email"],
        msg: "Field required",
        input: { name: "abcd" },
      },
      {
        type: "string_too_long",
        loc: ["body", "individual", "name"],
        msg: "String should have at most 3 characters",
        input: "abcd",
        ctx: { max_length: 3 },
      },
    ]);
  });

  it("reports an unknown tag as union_tag_invalid naming the discriminator function, and nothing else", () => {
    const body = { type: "company", name: "" };
    expect(details({ body }, "_customer_create_type()")).toEqual([
      {
        type: "union_tag_invalid",
        loc: ["body"],
        msg: "Input tag 'company' found using _customer_create_type() does not match any of the expected tags: 'individual', 'team'",
        input: body,
        ctx: {
          discriminator: "_customer_create_type()",
          tag: "company",
          expected_tags: "'individual', 'team'",
        },
      },
    ]);
    expect(details({ body: { type: "company" } })[0].msg).toBe(
      "Input tag 'company' found using discriminator does not match any of the expected tags: 'individual', 'team'",
    );
  });

  it("follows a nested `X | None` into X's $ref, dropping the None branch's error", () => {
    expect(details({ body: { email: "a@example.com", billing_address: { country: 5 } } })).toEqual([
      {
        type: "string_type",
        loc: ["body", "individual", "billing_address", "country"],
        msg: "Input should be a valid string",
        input: 5,
      },
    ]);
  });

  it("words an email format error like email-validator through pydantic", () => {
    const reason = "The email address contains invalid characters before the @-sign: SPACE.";
    expect(details({ body: { email: "a b@example.com" } })).toEqual([
      {
        type: "value_error",
        loc: ["body", "individual", "email"],
        msg: `value is not a valid email address: ${reason}`,
        input: "a b@example.com",
        ctx: { reason },
      },
    ]);
  });

  it("reports a missing body at ['body'] with a null input", () => {
    expect(details({})).toEqual([{ type: "missing", loc: ["body"], msg: "Field required", input: null }]);
  });
});

describe("toPydanticDetails: parameters", () => {
  it("orders details path, query, header, then body, and reports query values as they were sent", () => {
    const result = details({
      path: { id: V1 },
      query: { limit: 500 },
      rawQuery: { limit: "500" },
      header: { "x-count": "abc" },
      body: { type: "team" },
    });
    expect(result).toEqual([
      {
        type: "uuid_version",
        loc: ["path", "id"],
        msg: "UUID version 4 expected",
        input: V1,
        ctx: { expected_version: 4 },
      },
      {
        type: "less_than_equal",
        loc: ["query", "limit"],
        msg: "Input should be less than or equal to 100",
        input: "500",
        ctx: { le: 100 },
      },
      {
        type: "int_parsing",
        loc: ["header", "x-count"],
        msg: "Input should be a valid integer, unable to parse string as an integer",
        input: "abc",
      },
      { type: "missing", loc: ["body", "team", "name"], msg: "Field required", input: { type: "team" } },
    ]);
  });

  it("picks the union branch whose type fits, and words an untitled enum in it as a Literal", () => {
    expect(details({ query: { sorting: ["bad"] }, body: { type: "team", name: "x", extra: 1 } })).toEqual([
      {
        type: "literal_error",
        loc: ["query", "sorting", 0],
        msg: "Input should be 'name' or '-name'",
        input: "bad",
        ctx: { expected: "'name' or '-name'" },
      },
    ]);
  });
});

describe("orderDetails", () => {
  const detail = (type: string, loc: (string | number)[]): ValidationDetail => ({
    type,
    loc,
    msg: type,
    input: null,
  });

  it("sorts by location (path, query, header, cookie, body), stable within one, duplicates removed", () => {
    const ordered = orderDetails([
      detail("a", ["body", "x"]),
      detail("b", ["cookie", "c"]),
      detail("c", ["query", "q"]),
      detail("a", ["body", "x"]),
      detail("d", ["header", "h"]),
      detail("e", ["path", "p"]),
      detail("f", ["query", "r"]),
      detail("g", ["body", "x"]),
    ]);
    expect(ordered.map((item) => [item.type, ...item.loc])).toEqual([
      ["e", "path", "p"],
      ["c", "query", "q"],
      ["f", "query", "r"],
      ["d", "header", "h"],
      ["b", "cookie", "c"],
      ["a", "body", "x"],
      ["g", "body", "x"],
    ]);
  });
});

describe("nulDetails", () => {
  const nul = (loc: (string | number)[], input: unknown) => ({
    type: "value_error",
    loc,
    msg: "Value error, This value contains invalid characters",
    input,
    ctx: { error: {} },
  });

  it("names each declared field holding a NUL with its whole value, under the body's tag", () => {
    const body = {
      name: "a\u0000",
      unknown: "\u0000",
      metadata: { "k\u0000": "v" },
      billing_address: { line1: "ok", city: "P\u0000ris" },
    };
    expect(nulDetails(bodySchema, body)).toEqual([
      nul(["body", "individual", "name"], "a\u0000"),
      nul(["body", "individual", "metadata"], { "k\u0000": "v" }),
      nul(["body", "individual", "billing_address", "city"], "P\u0000ris"),
    ]);
    expect(nulDetails(bodySchema, { type: "team", name: ["x", "\u0000"] })).toEqual([
      nul(["body", "team", "name"], ["x", "\u0000"]),
    ]);
  });

  it("works on a plain model, and finds nothing in a clean or non-object body", () => {
    expect(nulDetails(team, { name: "x\u0000" })).toEqual([nul(["body", "name"], "x\u0000")]);
    expect(nulDetails(bodySchema, { name: "clean" })).toEqual([]);
    expect(nulDetails(bodySchema, "\u0000")).toEqual([]);
    expect(nulDetails(bodySchema, { type: "company", name: "\u0000" })).toEqual([]);
  });
});

describe("bodyTag", () => {
  it("is the body's `type`, else the default tag; undefined when the body is no tagged union", () => {
    expect(bodyTag(bodySchema, { type: "team" })).toBe("team");
    expect(bodyTag(bodySchema, {})).toBe("individual");
    expect(bodyTag(team, { type: "team" })).toBeUndefined();
    expect(bodyTag(bodySchema, "team")).toBeUndefined();
    expect(bodyTag({ oneOf: [{ type: "string" }, { type: "integer" }] }, { type: "x" })).toBeUndefined();
  });
});
