/** Pins down the model walker: pydantic's details (type, loc, msg, input, ctx) and coerced values for a small inline document. */
import { describe, expect, it } from "vitest";
import { type ModelRules, ModelWalker, mergeRules } from "../../src/pydantic/walker.js";

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

/** The pydantic models these schemas stand for are written next to each one. */
const document = {
  components: {
    schemas: {
      // class Item(Schema, extra="forbid"): name: constr(1, 3); count: int >= 0; price: float = 0;
      // active: bool = True; note: str | None = None
      Item: {
        type: "object",
        title: "Item",
        properties: {
          name: { type: "string", minLength: 1, maxLength: 3 },
          count: { type: "integer", minimum: 0 },
          price: { type: "number", default: 0 },
          active: { type: "boolean", default: true },
          note: { anyOf: [{ type: "string" }, { type: "null" }] },
        },
        required: ["name", "count"],
        additionalProperties: false,
      },
      Cat: {
        type: "object",
        title: "Cat",
        properties: { kind: { type: "string", const: "cat" }, lives: { type: "integer" } },
        required: ["kind", "lives"],
      },
      Dog: {
        type: "object",
        title: "Dog",
        properties: { kind: { type: "string", const: "dog" }, bark: { type: "boolean", default: false } },
        required: ["kind"],
      },
      // pet: Annotated[Cat | Dog, Discriminator("kind")]; maybe: Cat | None
      Owner: {
        type: "object",
        title: "Owner",
        properties: {
          pet: {
            oneOf: [ref("Cat"), ref("Dog")],
            discriminator: {
              propertyName: "kind",
              mapping: { cat: "#/components/schemas/Cat", dog: "#/components/schemas/Dog" },
            },
          },
          maybe: { anyOf: [ref("Cat"), { type: "null" }] },
        },
        required: ["pet"],
      },
      // ref: Cat | constr(max_length=3) | Literal["now"]
      Target: {
        type: "object",
        properties: { ref: { anyOf: [ref("Cat"), { type: "string", maxLength: 3 }, { const: "now" }] } },
        required: ["ref"],
      },
      Either: { type: "object", properties: { v: { anyOf: [{ type: "integer" }, { type: "string" }] } } },
      Circle: {
        type: "object",
        title: "Circle",
        properties: { radius: { type: "number" } },
        required: ["radius"],
      },
      Square: {
        type: "object",
        title: "Square",
        properties: { side: { type: "number" } },
        required: ["side"],
      },
      // Annotated[Annotated[Circle, Tag("circle")] | Annotated[Square, Tag("square")], Discriminator(fn)]
      Shape: { anyOf: [ref("Circle"), ref("Square")] },
      Holder: { type: "object", properties: { shape: ref("Shape") }, required: ["shape"] },
      // name: Annotated[str, AfterValidator(str.strip), Field(min_length=3, max_length=5)]
      Product: {
        type: "object",
        properties: { name: { type: "string", minLength: 3, maxLength: 5 } },
        required: ["name"],
      },
      Event: {
        type: "object",
        properties: { timestamp: { type: "string", format: "date-time" } },
        required: ["timestamp"],
      },
      Pause: { type: "object", properties: { resumes_at: { type: "string", format: "date-time" } } },
      Range: {
        type: "object",
        properties: {
          start: { type: "integer" },
          unit: { type: "string", default: "day" },
          end: { type: "integer" },
        },
        required: ["start", "end"],
      },
      // items: list[Literal["A", "B"]] = Field(max_length=2), with a BeforeValidator on each item
      Bag: {
        type: "object",
        properties: { items: { type: "array", items: { type: "string", enum: ["A", "B"] }, maxItems: 2 } },
      },
      Color: { type: "string", title: "Color", enum: ["red", "green"] },
      Paint: {
        type: "object",
        properties: {
          color: ref("Color"),
          nothing: { type: "null" },
          code: { type: "string", pattern: "^[a-z]+$" },
          // dict[constr(max_length=2), int] = Field(max_length=1)
          counts: {
            type: "object",
            propertyNames: { maxLength: 2 },
            additionalProperties: { type: "integer" },
            maxProperties: 1,
          },
        },
      },
      Meta: { type: "object", title: "Meta", properties: { label: { type: "string" } } },
      Plain: { type: "object", title: "Plain", properties: { text: { type: "string" } } },
      Inner: { type: "object", title: "Inner", properties: { text: { type: "string" } } },
      Note: {
        type: "object",
        properties: {
          text: { type: "string", maxLength: 5 },
          tags: { type: "array", items: { type: "string" } },
          attrs: { type: "object", additionalProperties: { type: "string" } },
          meta: ref("Meta"),
          child: ref("Plain"),
          sub: ref("Inner"),
        },
      },
      // amount: Decimal = Field(gt=0, max_digits=17, decimal_places=12), as pydantic writes its schema
      Price: {
        type: "object",
        properties: {
          amount: {
            anyOf: [
              { type: "number", exclusiveMinimum: 0 },
              {
                type: "string",
                pattern: "^(?!^[-+.]*$)[+-]?0*(?:\\d{0,5}|(?=[\\d.]{1,18}0*$)\\d{0,5}\\.\\d{0,12}0*$)",
              },
            ],
          },
        },
        required: ["amount"],
      },
      Text: {
        type: "object",
        properties: {
          title: { type: "string", minLength: 2, maxLength: 3 },
          id: { type: "string", format: "uuid4" },
          ref: { type: "string", format: "uuid" },
        },
      },
    },
  },
};

function walker(rules: ModelRules = {}): ModelWalker {
  return new ModelWalker(document, rules);
}

const NOW = new Date("2026-08-22T10:00:00Z");

describe("fields and models", () => {
  it("reports missing required fields in declaration order, then the extra keys a forbidding model refuses", () => {
    const data = { zzz: 1, yyy: 2 };
    expect(walker().validateModel("Item", data).details).toEqual([
      { type: "missing", loc: ["body", "name"], msg: "Field required", input: data },
      { type: "missing", loc: ["body", "count"], msg: "Field required", input: data },
      { type: "extra_forbidden", loc: ["body", "zzz"], msg: "Extra inputs are not permitted", input: 1 },
      { type: "extra_forbidden", loc: ["body", "yyy"], msg: "Extra inputs are not permitted", input: 2 },
    ]);
  });

  it("refuses what is not an object as a model", () => {
    expect(walker().validateModel("Item", [1]).details).toEqual([
      {
        type: "model_attributes_type",
        loc: ["body"],
        msg: "Input should be a valid dictionary or object to extract fields from",
        input: [1],
      },
    ]);
  });

  it("coerces lax ints, floats and bools and hands on the coerced value, keys in the order sent", () => {
    const result = walker().validateModel("Item", { count: "5", name: "ab", price: "1.5", active: "yes" });
    expect(result.details).toEqual([]);
    expect(result.value).toEqual({ count: 5, name: "ab", price: 1.5, active: true });
    expect(Object.keys(result.value as object)).toEqual(["count", "name", "price", "active"]);
    expect(walker().validateModel("Item", { name: "ab", count: true }).value).toEqual({
      name: "ab",
      count: 1,
    });
    expect(walker().validateModel("Item", { name: "ab", count: " 1_000 " }).value).toEqual({
      name: "ab",
      count: 1000,
    });
  });

  it("hands on the very input when nothing was coerced", () => {
    const data = { name: "ab", count: 2, note: null };
    const result = walker().validateModel("Item", data);
    expect(result.details).toEqual([]);
    expect(result.value).toBe(data);
  });

  it("words int and bool errors like pydantic", () => {
    const { details } = walker().validateModel("Item", { name: "abc", count: 1.5, active: 2 });
    expect(details).toEqual([
      {
        type: "int_from_float",
        loc: ["body", "count"],
        msg: "Input should be a valid integer, got a number with a fractional part",
        input: 1.5,
      },
      {
        type: "bool_parsing",
        loc: ["body", "active"],
        msg: "Input should be a valid boolean, unable to interpret input",
        input: 2,
      },
    ]);
    expect(walker().validateModel("Item", { name: "abc", count: "abc", price: "x" }).details).toEqual([
      {
        type: "int_parsing",
        loc: ["body", "count"],
        msg: "Input should be a valid integer, unable to parse string as an integer",
        input: "abc",
      },
      {
        type: "float_parsing",
        loc: ["body", "price"],
        msg: "Input should be a valid number, unable to parse string as a number",
        input: "x",
      },
    ]);
  });

  it("checks bounds and string lengths, and `X | None` is not a union (no member in loc)", () => {
    expect(walker().validateModel("Item", { name: "", count: -1, note: 5 }).details).toEqual([
      {
        type: "string_too_short",
        loc: ["body", "name"],
        msg: "String should have at least 1 character",
        input: "",
        ctx: { min_length: 1 },
      },
      {
        type: "greater_than_equal",
        loc: ["body", "count"],
        msg: "Input should be greater than or equal to 0",
        input: -1,
        ctx: { ge: 0 },
      },
      { type: "string_type", loc: ["body", "note"], msg: "Input should be a valid string", input: 5 },
    ]);
  });

  it("counts string lengths in code points: an emoji is one character", () => {
    expect(walker().validateModel("Text", { title: "😀😀" }).details).toEqual([]);
    expect(walker().validateModel("Text", { title: "😀😀😀😀" }).details).toEqual([
      {
        type: "string_too_long",
        loc: ["body", "title"],
        msg: "String should have at most 3 characters",
        input: "😀😀😀😀",
        ctx: { max_length: 3 },
      },
    ]);
    expect(walker().validateModel("Text", { title: "😀" }).details).toEqual([
      {
        type: "string_too_short",
        loc: ["body", "title"],
        msg: "String should have at least 2 characters",
        input: "😀",
        ctx: { min_length: 2 },
      },
    ]);
  });

  it("reads an Enum component as `enum`, a null type as None, a pattern and a constrained dict", () => {
    expect(walker().validateModel("Paint", { color: "blue", nothing: 1, code: "A1" }).details).toEqual([
      {
        type: "enum",
        loc: ["body", "color"],
        msg: "Input should be 'red' or 'green'",
        input: "blue",
        ctx: { expected: "'red' or 'green'" },
      },
      { type: "none_required", loc: ["body", "nothing"], msg: "Input should be None", input: 1 },
      {
        type: "string_pattern_mismatch",
        loc: ["body", "code"],
        msg: "String should match pattern '^[a-z]+$'",
        input: "A1",
        ctx: { pattern: "^[a-z]+$" },
      },
    ]);
    expect(walker().validateModel("Paint", { counts: { abc: "x" } }).details).toEqual([
      {
        type: "string_too_long",
        loc: ["body", "counts", "abc", "[key]"],
        msg: "String should have at most 2 characters",
        input: "abc",
        ctx: { max_length: 2 },
      },
      {
        type: "int_parsing",
        loc: ["body", "counts", "abc"],
        msg: "Input should be a valid integer, unable to parse string as an integer",
        input: "x",
      },
    ]);
    expect(walker().validateModel("Paint", { counts: { a: 1, b: 2 } }).details).toEqual([
      {
        type: "too_long",
        loc: ["body", "counts"],
        msg: "Dictionary should have at most 1 item after validation, not 2",
        input: { a: 1, b: 2 },
        ctx: { field_type: "Dictionary", max_length: 1, actual_length: 2 },
      },
    ]);
    expect(walker().validateModel("Paint", { counts: [] }).details).toEqual([
      { type: "dict_type", loc: ["body", "counts"], msg: "Input should be a valid dictionary", input: [] },
    ]);
  });

  it("checks UUIDs (uuid4 wants version 4, uuid any version) and hands them on canonical", () => {
    const result = walker().validateModel("Text", {
      id: "F47AC10B58CC4372A5670E02B2C3D479",
      ref: "{f47ac10b-58cc-1372-a567-0e02b2c3d479}",
    });
    expect(result.details).toEqual([]);
    expect(result.value).toEqual({
      id: "f47ac10b-58cc-4372-a567-0e02b2c3d479",
      ref: "f47ac10b-58cc-1372-a567-0e02b2c3d479",
    });
    expect(
      walker().validateModel("Text", { id: "f47ac10b-58cc-1372-a567-0e02b2c3d479", ref: 5 }).details,
    ).toEqual([
      {
        type: "uuid_version",
        loc: ["body", "id"],
        msg: "UUID version 4 expected",
        input: "f47ac10b-58cc-1372-a567-0e02b2c3d479",
        ctx: { expected_version: 4 },
      },
      {
        type: "uuid_type",
        loc: ["body", "ref"],
        msg: "UUID input should be a string, bytes or UUID object",
        input: 5,
      },
    ]);
  });

  it("validates a model by its component name exactly as a $ref to it", () => {
    const data = { name: "abcd" };
    expect(walker().validateModel("Item", data)).toEqual(walker().validate(ref("Item"), data));
  });
});

describe("unions", () => {
  it("a key discriminator puts the tag in loc", () => {
    expect(walker().validateModel("Owner", { pet: { kind: "cat" } }).details).toEqual([
      {
        type: "missing",
        loc: ["body", "pet", "cat", "lives"],
        msg: "Field required",
        input: { kind: "cat" },
      },
    ]);
    const ok = walker().validateModel("Owner", { pet: { kind: "dog", bark: "yes" } });
    expect(ok.details).toEqual([]);
    expect(ok.value).toEqual({ pet: { kind: "dog", bark: true } });
  });

  it("reports union_tag_not_found without the tag, union_tag_invalid for an unknown one", () => {
    expect(walker().validateModel("Owner", { pet: {} }).details).toEqual([
      {
        type: "union_tag_not_found",
        loc: ["body", "pet"],
        msg: "Unable to extract tag using discriminator 'kind'",
        input: {},
        ctx: { discriminator: "'kind'" },
      },
    ]);
    expect(walker().validateModel("Owner", { pet: { kind: "cow" } }).details).toEqual([
      {
        type: "union_tag_invalid",
        loc: ["body", "pet"],
        msg: "Input tag 'cow' found using 'kind' does not match any of the expected tags: 'cat', 'dog'",
        input: { kind: "cow" },
        ctx: { discriminator: "'kind'", tag: "cow", expected_tags: "'cat', 'dog'" },
      },
    ]);
    expect(walker().validateModel("Owner", { pet: { kind: 5 } }).details[0].msg).toBe(
      "Input tag '5' found using 'kind' does not match any of the expected tags: 'cat', 'dog'",
    );
    expect(walker().validateModel("Owner", { pet: "x" }).details).toEqual([
      {
        type: "model_attributes_type",
        loc: ["body", "pet"],
        msg: "Input should be a valid dictionary or object to extract fields from",
        input: "x",
      },
    ]);
  });

  it("lists the tags by their Enum repr when the tags are an Enum's members", () => {
    const rules: ModelRules = { tagEnums: { kind: { name: "Animal", members: { cat: "feline" } } } };
    const expected = "<Animal.feline: 'cat'>, <Animal.dog: 'dog'>";
    expect(walker(rules).validateModel("Owner", { pet: { kind: "cow" } }).details).toEqual([
      {
        type: "union_tag_invalid",
        loc: ["body", "pet"],
        msg: `Input tag 'cow' found using 'kind' does not match any of the expected tags: ${expected}`,
        input: { kind: "cow" },
        ctx: { discriminator: "'kind'", tag: "cow", expected_tags: expected },
      },
    ]);
  });

  it("treats a model or None as the model: no member name in loc", () => {
    expect(walker().validateModel("Owner", { pet: { kind: "dog" }, maybe: null }).details).toEqual([]);
    expect(walker().validateModel("Owner", { pet: { kind: "dog" }, maybe: { kind: "cat" } }).details).toEqual(
      [{ type: "missing", loc: ["body", "maybe", "lives"], msg: "Field required", input: { kind: "cat" } }],
    );
  });

  it("a smart union reports every member's errors under the member's name", () => {
    expect(walker().validateModel("Target", { ref: 5 }).details).toEqual([
      {
        type: "model_attributes_type",
        loc: ["body", "ref", "Cat"],
        msg: "Input should be a valid dictionary or object to extract fields from",
        input: 5,
      },
      {
        type: "string_type",
        loc: ["body", "ref", "constrained-str"],
        msg: "Input should be a valid string",
        input: 5,
      },
      {
        type: "literal_error",
        loc: ["body", "ref", "literal['now']"],
        msg: "Input should be 'now'",
        input: 5,
        ctx: { expected: "'now'" },
      },
    ]);
    expect(walker().validateModel("Target", { ref: "abcd" }).details[1]).toEqual({
      type: "string_too_long",
      loc: ["body", "ref", "constrained-str"],
      msg: "String should have at most 3 characters",
      input: "abcd",
      ctx: { max_length: 3 },
    });
    expect(walker().validateModel("Target", { ref: "now" }).details).toEqual([]);
  });

  it("a smart union prefers the member that takes the input as it is, else the first that takes it", () => {
    expect(walker().validateModel("Either", { v: "5" }).value).toEqual({ v: "5" });
    expect(walker().validateModel("Either", { v: 5 }).value).toEqual({ v: 5 });
    expect(walker().validateModel("Either", { v: true }).value).toEqual({ v: 1 });
  });

  it("a callable discriminator puts its tag in loc and names the function when the tag is unknown", () => {
    const rules: ModelRules = {
      callableUnions: {
        Shape: {
          fn: "_shape_discriminator()",
          tagOf: (data) =>
            typeof data === "object" && data !== null && "radius" in data
              ? "circle"
              : typeof data === "object" && data !== null && "side" in data
                ? "square"
                : "triangle",
          tags: { Circle: "circle", Square: "square" },
        },
      },
    };
    expect(walker(rules).validateModel("Holder", { shape: { radius: "x" } }).details).toEqual([
      {
        type: "float_parsing",
        loc: ["body", "shape", "circle", "radius"],
        msg: "Input should be a valid number, unable to parse string as a number",
        input: "x",
      },
    ]);
    expect(walker(rules).validateModel("Holder", { shape: { foo: 1 } }).details).toEqual([
      {
        type: "union_tag_invalid",
        loc: ["body", "shape"],
        msg: "Input tag 'triangle' found using _shape_discriminator() does not match any of the expected tags: 'circle', 'square'",
        input: { foo: 1 },
        ctx: {
          discriminator: "_shape_discriminator()",
          tag: "triangle",
          expected_tags: "'circle', 'square'",
        },
      },
    ]);
    expect(walker(rules).validateModel("Holder", { shape: { side: "2" } }).value).toEqual({
      shape: { side: 2 },
    });
  });
});

describe("Decimal", () => {
  const amount = (value: unknown) => walker().validateModel("Price", { amount: value });
  const detail = (type: string, msg: string, input: unknown, ctx?: Record<string, unknown>) => [
    { type, loc: ["body", "amount"], msg, input, ...(ctx ? { ctx } : {}) },
  ];

  it("is one type, not a union: a number or a decimal string, the string handed on trimmed", () => {
    expect(amount("1.5").details).toEqual([]);
    expect(amount(1.5).value).toEqual({ amount: 1.5 });
    expect(amount(" 2.50 ").value).toEqual({ amount: "2.50" });
    expect(amount("12345.123456789012").details).toEqual([]);
  });

  it("reports pydantic's decimal errors", () => {
    expect(amount("abc").details).toEqual(
      detail("decimal_parsing", "Input should be a valid decimal", "abc"),
    );
    expect(amount(true).details).toEqual(
      detail("decimal_type", "Decimal input should be an integer, float, string or Decimal object", true),
    );
    expect(amount("0").details).toEqual(
      detail("greater_than", "Input should be greater than 0", "0", { gt: 0 }),
    );
    expect(amount("1.1234567890123").details).toEqual(
      detail(
        "decimal_max_places",
        "Decimal input should have no more than 12 decimal places",
        "1.1234567890123",
        { decimal_places: 12 },
      ),
    );
    expect(amount("123456.1").details).toEqual(
      detail(
        "decimal_whole_digits",
        "Decimal input should have no more than 5 digits before the decimal point",
        "123456.1",
        { whole_digits: 5 },
      ),
    );
    expect(amount("123456789012345678").details).toEqual(
      detail(
        "decimal_max_digits",
        "Decimal input should have no more than 17 digits in total",
        "123456789012345678",
        { max_digits: 17 },
      ),
    );
  });
});

describe("field kinds", () => {
  const rules: ModelRules = {
    fieldKinds: {
      "Product.name": "stripped-length",
      "Event.timestamp": "aware-past-datetime",
      "Pause.resumes_at": "future-datetime",
    },
  };

  it("stripped-length checks the stripped length as a generic `Value` constraint", () => {
    expect(walker(rules).validateModel("Product", { name: "  a  " }).details).toEqual([
      {
        type: "too_short",
        loc: ["body", "name"],
        msg: "Value should have at least 3 items after validation, not 1",
        input: "  a  ",
        ctx: { field_type: "Value", min_length: 3, actual_length: 1 },
      },
    ]);
    expect(walker(rules).validateModel("Product", { name: " abcdef " }).details).toEqual([
      {
        type: "too_long",
        loc: ["body", "name"],
        msg: "Value should have at most 5 items after validation, not 6",
        input: " abcdef ",
        ctx: { field_type: "Value", max_length: 5, actual_length: 6 },
      },
    ]);
    expect(walker(rules).validateModel("Product", { name: "   abc   " }).details).toEqual([]);
    // Without the kind, the raw length is checked as str's own constraint.
    expect(walker().validateModel("Product", { name: "   abc   " }).details[0].type).toBe("string_too_long");
  });

  it("aware-past-datetime wants an offset and, given a time, a past instant", () => {
    expect(walker(rules).validateModel("Event", { timestamp: "2026-08-22T09:00:00" }, NOW).details).toEqual([
      {
        type: "timezone_aware",
        loc: ["body", "timestamp"],
        msg: "Input should have timezone info",
        input: "2026-08-22T09:00:00",
      },
    ]);
    expect(walker(rules).validateModel("Event", { timestamp: "2026-08-22T11:00:00Z" }, NOW).details).toEqual([
      {
        type: "value_error",
        loc: ["body", "timestamp"],
        msg: "Value error, Timestamp must be in the past.",
        input: "2026-08-22T11:00:00Z",
        ctx: { error: {} },
      },
    ]);
    // The past is only checked against the domain's time.
    expect(walker(rules).validateModel("Event", { timestamp: "2026-08-22T11:00:00Z" }).details).toEqual([]);
    const data = { timestamp: "2026-08-22T09:00:00+00:00" };
    expect(walker(rules).validateModel("Event", data, NOW).value).toBe(data);
  });

  it("hands a datetime given another way on as ISO text, naive ones without a Z", () => {
    expect(walker(rules).validateModel("Event", { timestamp: 1767225600 }, NOW).value).toEqual({
      timestamp: "2026-01-01T00:00:00.000Z",
    });
    expect(walker(rules).validateModel("Pause", { resumes_at: "2026-09-01" }, NOW).value).toEqual({
      resumes_at: "2026-09-01T00:00:00.000",
    });
  });

  it("future-datetime refuses now and the past", () => {
    expect(walker(rules).validateModel("Pause", { resumes_at: "2026-08-22T10:00:00Z" }, NOW).details).toEqual(
      [
        {
          type: "datetime_future",
          loc: ["body", "resumes_at"],
          msg: "Input should be in the future",
          input: "2026-08-22T10:00:00Z",
        },
      ],
    );
    expect(walker(rules).validateModel("Pause", { resumes_at: "2026-08-22T10:00:01Z" }, NOW).details).toEqual(
      [],
    );
    expect(walker(rules).validateModel("Pause", { resumes_at: "2026-13-01" }, NOW).details).toEqual([
      {
        type: "datetime_from_date_parsing",
        loc: ["body", "resumes_at"],
        msg: "Input should be a valid datetime or date, month value is outside expected range of 1-12",
        input: "2026-13-01",
        ctx: { error: "month value is outside expected range of 1-12" },
      },
    ]);
  });
});

describe("validators", () => {
  it("a field validator sees the coerced value and the fields before it, defaults included", () => {
    const seen: unknown[] = [];
    const rules: ModelRules = {
      fieldValidators: {
        "Range.end": (value, data) => {
          seen.push([value, { ...data }]);
          return typeof value === "number" && value < Number(data.start)
            ? { type: "value_error", msg: "Value error, end before start", ctx: { error: {} } }
            : null;
        },
      },
    };
    expect(walker(rules).validateModel("Range", { start: 1, end: "5" }).details).toEqual([]);
    expect(seen).toEqual([[5, { start: 1, unit: "day" }]]);
    expect(walker(rules).validateModel("Range", { start: 3, end: 2 }).details).toEqual([
      {
        type: "value_error",
        loc: ["body", "end"],
        msg: "Value error, end before start",
        input: 2,
        ctx: { error: {} },
      },
    ]);
  });

  it("a model validator runs only once every field is valid, and reports at the model", () => {
    let calls = 0;
    const rules: ModelRules = {
      modelValidators: {
        Range: (value) => {
          calls++;
          return value.start === value.end
            ? { type: "value_error", msg: "Value error, empty range", ctx: { error: {} } }
            : null;
        },
      },
    };
    expect(walker(rules).validateModel("Range", { start: "x", end: 2 }).details).toEqual([
      {
        type: "int_parsing",
        loc: ["body", "start"],
        msg: "Input should be a valid integer, unable to parse string as an integer",
        input: "x",
      },
    ]);
    expect(calls).toBe(0);
    expect(walker(rules).validateModel("Range", { start: 2, end: "2" }).details).toEqual([
      {
        type: "value_error",
        loc: ["body"],
        msg: "Value error, empty range",
        input: { start: 2, end: "2" },
        ctx: { error: {} },
      },
    ]);
    expect(calls).toBe(1);
  });

  it("an item BeforeValidator runs before each item's checks", () => {
    const rules: ModelRules = {
      itemBeforeValidators: { "Bag.items": (item) => (typeof item === "string" ? item.toUpperCase() : item) },
    };
    const ok = walker(rules).validateModel("Bag", { items: ["a", "b"] });
    expect(ok.details).toEqual([]);
    expect(ok.value).toEqual({ items: ["A", "B"] });
    expect(walker(rules).validateModel("Bag", { items: ["c"] }).details).toEqual([
      {
        type: "literal_error",
        loc: ["body", "items", 0],
        msg: "Input should be 'A' or 'B'",
        input: "C",
        ctx: { expected: "'A' or 'B'" },
      },
    ]);
    expect(walker(rules).validateModel("Bag", { items: ["a", "b", "a"] }).details).toEqual([
      {
        type: "too_long",
        loc: ["body", "items"],
        msg: "List should have at most 2 items after validation, not 3",
        input: ["a", "b", "a"],
        ctx: { field_type: "List", max_length: 2, actual_length: 3 },
      },
    ]);
    expect(walker(rules).validateModel("Bag", { items: "A" }).details).toEqual([
      { type: "list_type", loc: ["body", "items"], msg: "Input should be a valid list", input: "A" },
    ]);
  });
});

describe("the NUL check of Polar's Schema models", () => {
  const rules: ModelRules = { typedDicts: new Set(["Meta"]), plainModels: new Set(["Plain"]) };
  const nul = (loc: (string | number)[], input: unknown) => ({
    type: "value_error",
    loc,
    msg: "Value error, This value contains invalid characters",
    input,
    ctx: { error: {} },
  });

  it("refuses a NUL anywhere in a field's value, naming the field with its whole value", () => {
    expect(walker(rules).validateModel("Note", { text: "a\u0000b" }).details).toEqual([
      nul(["body", "text"], "a\u0000b"),
    ]);
    expect(walker(rules).validateModel("Note", { tags: ["ok", "b\u0000"] }).details).toEqual([
      nul(["body", "tags"], ["ok", "b\u0000"]),
    ]);
    expect(walker(rules).validateModel("Note", { attrs: { "k\u0000": "v" } }).details).toEqual([
      nul(["body", "attrs"], { "k\u0000": "v" }),
    ]);
  });

  it("checks a TypedDict's content in the model holding it, and leaves nested models to themselves", () => {
    expect(walker(rules).validateModel("Note", { meta: { label: "x\u0000" } }).details).toEqual([
      nul(["body", "meta"], { label: "x\u0000" }),
    ]);
    expect(walker(rules).validateModel("Note", { child: { text: "x\u0000" } }).details).toEqual([]);
    expect(walker(rules).validateModel("Plain", { text: "\u0000" }).details).toEqual([]);
    expect(walker(rules).validateModel("Note", { sub: { text: "x\u0000" } }).details).toEqual([
      nul(["body", "sub", "text"], "x\u0000"),
    ]);
  });

  it("comes after the field's own checks", () => {
    expect(walker(rules).validateModel("Note", { text: "abcde\u0000" }).details).toEqual([
      {
        type: "string_too_long",
        loc: ["body", "text"],
        msg: "String should have at most 5 characters",
        input: "abcde\u0000",
        ctx: { max_length: 5 },
      },
    ]);
  });

  it("refuses a non-dict as a TypedDict with dict_type, as a model with model_attributes_type", () => {
    expect(walker(rules).validateModel("Note", { meta: "x", sub: "y" }).details).toEqual([
      { type: "dict_type", loc: ["body", "meta"], msg: "Input should be a valid dictionary", input: "x" },
      {
        type: "model_attributes_type",
        loc: ["body", "sub"],
        msg: "Input should be a valid dictionary or object to extract fields from",
        input: "y",
      },
    ]);
  });
});

describe("mergeRules", () => {
  it("joins the maps and sets of every resource's rules, later keys winning", () => {
    const first = () => null;
    const second = () => null;
    const merged = mergeRules([
      {
        plainModels: new Set(["A"]),
        fieldKinds: { "X.a": "future-datetime", "X.b": "stripped-length" },
        fieldValidators: { "X.a": first },
      },
      {
        plainModels: new Set(["B"]),
        typedDicts: new Set(["T"]),
        fieldKinds: { "X.b": "aware-past-datetime" },
        fieldValidators: { "X.a": second },
        tagEnums: { type: { name: "Kind" } },
      },
    ]);
    expect([...(merged.plainModels ?? [])]).toEqual(["A", "B"]);
    expect([...(merged.typedDicts ?? [])]).toEqual(["T"]);
    expect(merged.fieldKinds).toEqual({ "X.a": "future-datetime", "X.b": "aware-past-datetime" });
    expect(merged.fieldValidators?.["X.a"]).toBe(second);
    expect(merged.tagEnums).toEqual({ type: { name: "Kind" } });
    expect(merged.callableUnions).toEqual({});
    expect(merged.modelValidators).toEqual({});
    expect(merged.itemBeforeValidators).toEqual({});
  });

  it("gives a walker the rules of each part", () => {
    const merged = mergeRules([{ typedDicts: new Set(["Meta"]) }, { plainModels: new Set(["Plain"]) }]);
    expect(new ModelWalker(document, merged).validateModel("Note", { meta: "x" }).details[0].type).toBe(
      "dict_type",
    );
    expect(mergeRules([]).plainModels?.size).toBe(0);
  });
});

describe("EmailStr and Literal of Enum members", () => {
  // class Invite(Schema): email: EmailStr; role: Literal[Role.member, Role.billing_manager] = Role.member
  const invites = {
    components: {
      schemas: {
        Invite: {
          type: "object",
          title: "Invite",
          properties: {
            email: { type: "string", format: "email" },
            role: { type: "string", enum: ["member", "billing_manager"], title: "Role", default: "member" },
          },
          required: ["email"],
        },
      },
    },
  };
  const rules: ModelRules = { literalEnums: { "Invite.role": { name: "Role" } } };

  it("reports email-validator's reason and hands on the normalized address (pretty form and spaces taken)", () => {
    const invite = new ModelWalker(invites, rules);
    expect(invite.validateModel("Invite", { email: "nope" }).details).toEqual([
      {
        type: "value_error",
        loc: ["body", "email"],
        msg: "value is not a valid email address: An email address must have an @-sign.",
        input: "nope",
        ctx: { reason: "An email address must have an @-sign." },
      },
    ]);
    expect(invite.validateModel("Invite", { email: 5 }).details[0].type).toBe("string_type");
    // pydantic 2.13.4: `EmailStr` of each gives the address after the arrow.
    for (const [input, email] of [
      ["Jane@Example.COM", "Jane@example.com"],
      [" jane@example.com ", "jane@example.com"],
      ["Jane Doe <jane@EXAMPLE.com>", "jane@example.com"],
      ['"Doe, Jane" <jane@example.com>', "jane@example.com"],
    ]) {
      expect(invite.validateModel("Invite", { email: input }).value, input).toEqual({ email });
    }
  });

  it("names a Literal of Enum members by their repr, a plain Literal by its values", () => {
    const expected = "<Role.member: 'member'> or <Role.billing_manager: 'billing_manager'>";
    expect(
      new ModelWalker(invites, rules).validateModel("Invite", { email: "a@b.co", role: "owner" }).details,
    ).toEqual([
      {
        type: "literal_error",
        loc: ["body", "role"],
        msg: `Input should be ${expected}`,
        input: "owner",
        ctx: { expected },
      },
    ]);
    const plain = new ModelWalker(invites, {}).validateModel("Invite", { email: "a@b.co", role: "owner" });
    expect(plain.details[0].msg).toBe("Input should be 'member' or 'billing_manager'");
    expect(mergeRules([rules, {}]).literalEnums).toEqual(rules.literalEnums);
  });
});
