/** Pins down pydantic's lax scalars (int, float, bool, speedate datetimes), its UUID checks, Python's Decimal and email-validator's reasons. */
import { describe, expect, it } from "vitest";
import { decimalProblem, decimalToString, parseDecimal, quantize } from "../../src/pydantic/decimal.js";
import { emailProblem, normalizeEmail } from "../../src/pydantic/email.js";
import { FALSE_TEXT, laxBool, laxDatetime, laxFloat, laxInt, TRUE_TEXT } from "../../src/pydantic/lax.js";
import { canonicalUuid, uuid4Problem } from "../../src/pydantic/uuid.js";

const INT_PARSING = {
  type: "int_parsing",
  msg: "Input should be a valid integer, unable to parse string as an integer",
};
const FLOAT_PARSING = {
  type: "float_parsing",
  msg: "Input should be a valid number, unable to parse string as a number",
};
const BOOL_PARSING = {
  type: "bool_parsing",
  msg: "Input should be a valid boolean, unable to interpret input",
};
const BOOL_TYPE = { type: "bool_type", msg: "Input should be a valid boolean" };

describe("laxInt", () => {
  it.each([
    ["5", 5],
    [" 5 ", 5],
    ["5.0", 5],
    ["5.00", 5],
    ["1_000", 1000],
    ["+3", 3],
    ["-3", -3],
    [5, 5],
    [true, 1],
    [false, 0],
  ])("takes %j as %j", (input, value) => {
    expect(laxInt(input)).toEqual({ value });
  });

  it.each(["5.5", "abc", "", "0x10", "1e3", "1__0", "٣"])("refuses the string %j", (input) => {
    expect(laxInt(input)).toEqual(INT_PARSING);
  });

  it("refuses a fractional number and a non-scalar", () => {
    expect(laxInt(5.5)).toEqual({
      type: "int_from_float",
      msg: "Input should be a valid integer, got a number with a fractional part",
    });
    expect(laxInt(null)).toEqual({ type: "int_type", msg: "Input should be a valid integer" });
    expect(laxInt([1])).toEqual({ type: "int_type", msg: "Input should be a valid integer" });
  });
});

describe("laxFloat", () => {
  it.each([
    ["1.5", 1.5],
    [" 1.5 ", 1.5],
    ["1_0.5", 10.5],
    [".5", 0.5],
    ["5.", 5],
    ["1e3", 1000],
    ["-2E-2", -0.02],
    ["inf", Infinity],
    ["-Infinity", -Infinity],
    [true, 1],
    [2.25, 2.25],
  ])("takes %j as %j", (input, value) => {
    expect(laxFloat(input)).toEqual({ value });
  });

  it("takes nan", () => {
    const result = laxFloat("nan");
    expect("value" in result && Number.isNaN(result.value)).toBe(true);
  });

  it.each(["abc", "", "1__0", "0x10", "1.2.3"])("refuses the string %j", (input) => {
    expect(laxFloat(input)).toEqual(FLOAT_PARSING);
  });

  it("refuses a non-scalar with float_type", () => {
    expect(laxFloat(null)).toEqual({ type: "float_type", msg: "Input should be a valid number" });
  });
});

describe("laxBool", () => {
  it.each([
    ["yes", true],
    ["YES", true],
    ["On", true],
    ["t", true],
    ["1", true],
    ["y", true],
    ["0", false],
    ["off", false],
    ["n", false],
    ["No", false],
    ["FALSE", false],
    [1, true],
    [0, false],
    [true, true],
  ])("takes %j as %j", (input, value) => {
    expect(laxBool(input)).toEqual({ value });
  });

  it("refuses other strings and integers with bool_parsing, fractions and non-scalars with bool_type", () => {
    expect(laxBool("maybe")).toEqual(BOOL_PARSING);
    expect(laxBool("")).toEqual(BOOL_PARSING);
    expect(laxBool("true ")).toEqual(BOOL_PARSING);
    expect(laxBool(2)).toEqual(BOOL_PARSING);
    expect(laxBool(0.5)).toEqual(BOOL_TYPE);
    expect(laxBool(null)).toEqual(BOOL_TYPE);
  });

  it("knows pydantic's exact true and false words", () => {
    expect([...TRUE_TEXT].sort()).toEqual(["1", "on", "t", "true", "y", "yes"]);
    expect([...FALSE_TEXT].sort()).toEqual(["0", "f", "false", "n", "no", "off"]);
  });
});

describe("laxDatetime", () => {
  it.each([
    ["2026-01-01T00:00:00Z", Date.UTC(2026, 0, 1), true, 0, 0],
    ["2026-01-01 10:20", Date.UTC(2026, 0, 1, 10, 20), false, 0, 0],
    ["2026-01-01_10:20", Date.UTC(2026, 0, 1, 10, 20), false, 0, 0],
    ["2026-01-01t10:20:30.123456+02:00", Date.UTC(2026, 0, 1, 8, 20, 30, 123), true, 120, 456],
    ["2026-01-01T10:20:30.123+0530", Date.UTC(2026, 0, 1, 4, 50, 30, 123), true, 330, 0],
    ["2026-01-01T10:20:30-01:00", Date.UTC(2026, 0, 1, 11, 20, 30), true, -60, 0],
    ["2026-01-01T10:20:30,5Z", Date.UTC(2026, 0, 1, 10, 20, 30, 500), true, 0, 0],
    ["2026-01-01T10:20:30.1234567Z", Date.UTC(2026, 0, 1, 10, 20, 30, 123), true, 0, 456],
    ["2026-01-01T10:20Z", Date.UTC(2026, 0, 1, 10, 20), true, 0, 0],
  ])(
    "parses %j, with the offset written and the microseconds below the millisecond",
    (input, epochMs, aware, offsetMinutes, micros) => {
      expect(laxDatetime(input)).toEqual({ epochMs, aware, offsetMinutes, micros });
    },
  );

  it.each([
    ["2026-01-01", Date.UTC(2026, 0, 1)],
    ["2024-02-29", Date.UTC(2024, 1, 29)],
  ])("parses the date %j as a naive midnight", (input, epochMs) => {
    expect(laxDatetime(input)).toEqual({ epochMs, aware: false });
  });

  it("reads numbers and numeric strings as unix timestamps, values above 2e10 as milliseconds", () => {
    expect(laxDatetime(1767225600)).toEqual({ epochMs: 1767225600000, aware: true });
    expect(laxDatetime(1767225600000)).toEqual({ epochMs: 1767225600000, aware: true });
    expect(laxDatetime("1767225600")).toEqual({ epochMs: 1767225600000, aware: true });
    expect(laxDatetime(1767225600.5)).toEqual({ epochMs: 1767225600500, aware: true });
    expect(laxDatetime("2026")).toEqual({ epochMs: 2026000, aware: true });
    expect(laxDatetime("-1")).toEqual({ epochMs: -1000, aware: true });
    expect(laxDatetime(2e10)).toEqual({ epochMs: 2e13, aware: true });
    expect(laxDatetime(253402300799999)).toEqual({ epochMs: 253402300799999, aware: true });
  });

  it("refuses a timestamp after 9999", () => {
    const error = "dates after 9999 are not supported as unix timestamps";
    expect(laxDatetime(1e20)).toEqual({
      type: "datetime_parsing",
      msg: `Input should be a valid datetime, ${error}`,
      ctx: { error },
    });
    expect(laxDatetime(253402300800000)).toEqual({
      type: "datetime_parsing",
      msg: `Input should be a valid datetime, ${error}`,
      ctx: { error },
    });
  });

  it("refuses year 0", () => {
    const expected = {
      type: "datetime_parsing",
      msg: "Input should be a valid datetime, year 0 is out of range",
      ctx: { error: "year 0 is out of range" },
    };
    expect(laxDatetime("0000-01-01")).toEqual(expected);
    expect(laxDatetime("0000-01-01T00:00:00")).toEqual(expected);
  });

  it.each([
    ["abc", "input is too short"],
    ["", "input is too short"],
    ["2026-1-01", "input is too short"],
    ["20x6-01-01", "invalid character in year"],
    ["2026/01/01", "invalid date separator, expected `-`"],
    ["2026-x1-01", "invalid character in month"],
    ["2026-01-1x", "invalid character in day"],
    ["2026-13-01", "month value is outside expected range of 1-12"],
    ["2026-00-10", "month value is outside expected range of 1-12"],
    ["2026-02-30", "day value is outside expected range"],
    ["2025-02-29", "day value is outside expected range"],
    ["2026-01-00", "day value is outside expected range"],
    ["2026-01-01X", "unexpected extra characters at the end of the input"],
    ["2026-01-01 ", "unexpected extra characters at the end of the input"],
    ["2026-01-01T25:00:00", "unexpected extra characters at the end of the input"],
    ["2026-01-01T00:00:60", "unexpected extra characters at the end of the input"],
    ["2026-01-01T00:00:00+25:00", "unexpected extra characters at the end of the input"],
    ["2026-01-01T10", "unexpected extra characters at the end of the input"],
  ])("refuses %j as speedate does: %s", (input, error) => {
    expect(laxDatetime(input)).toEqual({
      type: "datetime_from_date_parsing",
      msg: `Input should be a valid datetime or date, ${error}`,
      ctx: { error },
    });
  });

  it("refuses a non-string, non-number with datetime_type", () => {
    expect(laxDatetime(true)).toEqual({ type: "datetime_type", msg: "Input should be a valid datetime" });
    expect(laxDatetime(null)).toEqual({ type: "datetime_type", msg: "Input should be a valid datetime" });
  });
});

describe("uuid4Problem", () => {
  const V4 = "f47ac10b-58cc-4372-a567-0e02b2c3d479";

  it.each([
    V4,
    "F47AC10B-58CC-4372-A567-0E02B2C3D479",
    "f47ac10b58cc4372a5670e02b2c3d479",
    "F47AC10B58CC4372A5670E02B2C3D479",
    `{${V4}}`,
    `urn:uuid:${V4}`,
  ])("accepts the spelling %s", (value) => {
    expect(uuid4Problem(value)).toBeNull();
    expect(canonicalUuid(value)).toBe(V4);
  });

  it("wants version 4", () => {
    const expected = { type: "uuid_version", msg: "UUID version 4 expected", ctx: { expected_version: 4 } };
    expect(uuid4Problem("f47ac10b-58cc-1372-a567-0e02b2c3d479")).toEqual(expected);
    expect(uuid4Problem("00000000-0000-0000-0000-000000000000")).toEqual(expected);
    expect(uuid4Problem("{f47ac10b-58cc-1372-a567-0e02b2c3d479}")).toEqual(expected);
  });

  it.each([
    ["", "invalid length: expected length 32 for simple format, found 0"],
    ["f47ac10b58cc4372a5670e02b2c3d47", "invalid length: expected length 32 for simple format, found 31"],
    ["f47ac10b58cc4372a5670e02b2c3d4790", "invalid length: expected length 32 for simple format, found 33"],
    ["f47ac10b-58cc-4372-a567", "invalid group count: expected 5, found 4"],
    ["f47ac10b-58cc-4372-a567-0e02b2c3d4799", "invalid group length in group 4: expected 12, found 13"],
    ["f47ac10b-58cc-4372-a567-0e02b2c3d4", "invalid group length in group 4: expected 12, found 10"],
    ["f47ac10b-58cc-4372-a5670-e02b2c3d479", "invalid group length in group 3: expected 4, found 5"],
    ["----", "invalid group length in group 0: expected 8, found 0"],
  ])("refuses %j: %s", (value, error) => {
    expect(uuid4Problem(value)).toEqual({
      type: "uuid_parsing",
      msg: `Input should be a valid UUID, ${error}`,
      ctx: { error },
    });
  });

  it("writes a UUID canonically: lower-case, hyphenated 8-4-4-4-12", () => {
    expect(canonicalUuid("urn:uuid:F47AC10B-58CC-1372-A567-0E02B2C3D479")).toBe(
      "f47ac10b-58cc-1372-a567-0e02b2c3d479",
    );
  });
});

describe("Decimal", () => {
  it("parses decimal strings and JSON numbers", () => {
    expect(parseDecimal("1.50")).toEqual({ negative: false, coefficient: "150", exponent: -2 });
    expect(parseDecimal(" -0.05 ")).toEqual({ negative: true, coefficient: "5", exponent: -2 });
    expect(parseDecimal("+.5")).toEqual({ negative: false, coefficient: "5", exponent: -1 });
    expect(parseDecimal("1.")).toEqual({ negative: false, coefficient: "1", exponent: 0 });
    expect(parseDecimal("1E+2")).toEqual({ negative: false, coefficient: "1", exponent: 2 });
    expect(parseDecimal("0.00")).toEqual({ negative: false, coefficient: "0", exponent: -2 });
    expect(parseDecimal(2.5)).toEqual({ negative: false, coefficient: "25", exponent: -1 });
    expect(parseDecimal(1e21)).toEqual({ negative: false, coefficient: "1", exponent: 21 });
    for (const bad of ["abc", ".", "", "1e", "1.2.3", "--1"]) expect(parseDecimal(bad)).toBeNull();
  });

  const limits = { maxDigits: 17, decimalPlaces: 12 };
  const problem = (text: string) =>
    decimalProblem(parseDecimal(text) ?? { negative: false, coefficient: "0", exponent: 0 }, limits);

  it("checks digits, decimal places, whole digits, then gt=0, counting the normalized value", () => {
    expect(problem("12345.123456789012")).toBeNull();
    expect(problem("100000e-5")).toBeNull();
    expect(problem("12345.1000000000000000")).toBeNull();
    expect(problem("123456789012345678")).toEqual({
      type: "decimal_max_digits",
      msg: "Decimal input should have no more than 17 digits in total",
      ctx: { max_digits: 17 },
    });
    expect(problem("1.1234567890123")).toEqual({
      type: "decimal_max_places",
      msg: "Decimal input should have no more than 12 decimal places",
      ctx: { decimal_places: 12 },
    });
    expect(problem("1e-13")).toEqual({
      type: "decimal_max_places",
      msg: "Decimal input should have no more than 12 decimal places",
      ctx: { decimal_places: 12 },
    });
    expect(problem("123456.1")).toEqual({
      type: "decimal_whole_digits",
      msg: "Decimal input should have no more than 5 digits before the decimal point",
      ctx: { whole_digits: 5 },
    });
    const gt = { type: "greater_than", msg: "Input should be greater than 0", ctx: { gt: 0 } };
    expect(problem("0")).toEqual(gt);
    expect(problem("0.00")).toEqual(gt);
    expect(problem("-1")).toEqual(gt);
  });

  it("quantizes to a Numeric(17, 12) column and prints like Python's str(Decimal)", () => {
    const stored = (text: string) =>
      decimalToString(quantize(parseDecimal(text) ?? { negative: false, coefficient: "0", exponent: 0 }, 12));
    expect(stored("1.5")).toBe("1.500000000000");
    expect(stored("1E+2")).toBe("100.000000000000");
    expect(stored("0.000001")).toBe("0.000001000000");
    expect(stored("0.0000001")).toBe("1.00000E-7");
    expect(stored("0.000000000001")).toBe("1E-12");
    expect(stored("0.00")).toBe("0E-12");
    expect(stored("-1.50")).toBe("-1.500000000000");
  });

  it("prints unquantized values like Python's str(Decimal)", () => {
    const text = (value: string) =>
      decimalToString(parseDecimal(value) ?? { negative: false, coefficient: "0", exponent: 0 });
    expect(text("1E+2")).toBe("1E+2");
    expect(text("100")).toBe("100");
    expect(text("0.000001")).toBe("0.000001");
    expect(text("0.0000001")).toBe("1E-7");
    expect(text("0.00")).toBe("0.00");
    expect(text("-1.50")).toBe("-1.50");
    expect(text("123.000")).toBe("123.000");
  });
});

describe("emailProblem", () => {
  it.each([
    ["plain", "An email address must have an @-sign."],
    ["@example.com", "There must be something before the @-sign."],
    ["a@", "There must be something after the @-sign."],
    ["a b@example.com", "The email address contains invalid characters before the @-sign: SPACE."],
    [".a@example.com", "An email address cannot start with a period."],
    ["a.@example.com", "An email address cannot have a period immediately before the @-sign."],
    ["a..b@example.com", "An email address cannot have two periods in a row."],
    ["a@exa mple.com", "The part after the @-sign contains invalid characters: SPACE."],
    ["a@.example.com", "An email address cannot have a period immediately after the @-sign."],
    ["a@example.com.", "An email address cannot end with a period."],
    ["a@example..com", "An email address cannot have two periods in a row."],
    ["a@localhost", "The part after the @-sign is not valid. It should have a period."],
    ["a@example.123", "The part after the @-sign is not valid. It is not within a valid top-level domain."],
    [
      "a@example.test",
      "The part after the @-sign is a special-use or reserved name that cannot be used with email.",
    ],
    [
      "a@EXAMPLE.LOCAL",
      "The part after the @-sign is a special-use or reserved name that cannot be used with email.",
    ],
    [
      "a@example.invalid",
      "The part after the @-sign is a special-use or reserved name that cannot be used with email.",
    ],
    [
      "a@example.onion",
      "The part after the @-sign is a special-use or reserved name that cannot be used with email.",
    ],
    [
      "a@b.arpa",
      "The part after the @-sign is a special-use or reserved name that cannot be used with email.",
    ],
  ])("refuses %j: %s", (value, reason) => {
    expect(emailProblem(value)).toBe(reason);
  });

  it("accepts ordinary and internationalized addresses", () => {
    for (const value of ["A@Example.COM", "user+tag@sub.example.co", "ünï@example.com", "a@例え.jp"])
      expect(emailProblem(value)).toBeNull();
  });

  it("normalizes like pydantic: the domain lower-cased, the local part kept", () => {
    expect(normalizeEmail("A.B@Example.COM")).toBe("A.B@example.com");
  });
});
