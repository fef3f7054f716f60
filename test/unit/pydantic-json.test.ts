/** pydantic's JSON for floats and datetimes, and Python's isoformat (expected values from pydantic 2.13.4). */
import { describe, expect, it } from "vitest";
import { datetimeJson, floatJson, isoformatAt } from "../../src/pydantic/json.js";

describe("floatJson", () => {
  it("writes floats as pydantic's model_dump_json does", () => {
    const cases: [number, string][] = [
      [3, "3.0"],
      [0, "0.0"],
      [-0, "-0.0"],
      [-3, "-3.0"],
      [0.1, "0.1"],
      [1 / 3, "0.3333333333333333"],
      [0.1 + 0.2, "0.30000000000000004"],
      [123.456, "123.456"],
      [1e15, "1000000000000000.0"],
      [9999999999999998, "9999999999999998.0"],
      [1e16, "1e+16"],
      [1.5e16, "1.5e+16"],
      [12345678901234568, "1.2345678901234568e+16"],
      [1e21, "1e+21"],
      [1.7976931348623157e308, "1.7976931348623157e+308"],
      [1e-4, "0.0001"],
      [9.99e-5, "0.0000999"],
      [1e-5, "0.00001"],
      [1.234e-5, "0.00001234"],
      [9.99e-6, "9.99e-6"],
      [1e-6, "1e-6"],
      [2.5e-7, "2.5e-7"],
      [5e-324, "5e-324"],
      [Number.POSITIVE_INFINITY, "null"],
      [Number.NaN, "null"],
    ];
    for (const [value, text] of cases) expect(floatJson(value), String(value)).toBe(text);
  });
});

describe("datetimes", () => {
  it("writes an aware UTC datetime with Z and six fraction digits when it has any", () => {
    expect(datetimeJson(Date.parse("2026-01-01T00:00:00Z"))).toBe("2026-01-01T00:00:00Z");
    expect(datetimeJson(Date.parse("2026-01-01T00:00:00.5Z"))).toBe("2026-01-01T00:00:00.500000Z");
    expect(datetimeJson(Date.parse("2026-01-01T00:00:00.123Z"), 456)).toBe("2026-01-01T00:00:00.123456Z");
    expect(datetimeJson(Date.parse("2026-01-01T00:00:00Z"), 7)).toBe("2026-01-01T00:00:00.000007Z");
  });

  it("writes isoformat() at the datetime's own offset", () => {
    expect(isoformatAt(Date.parse("2023-06-01T10:00:00Z"), 0, 0)).toBe("2023-06-01T10:00:00+00:00");
    expect(isoformatAt(Date.parse("2023-06-01T04:30:00.5Z"), 0, 330)).toBe(
      "2023-06-01T10:00:00.500000+05:30",
    );
    expect(isoformatAt(Date.parse("2023-06-01T15:00:00.123Z"), 456, -300)).toBe(
      "2023-06-01T10:00:00.123456-05:00",
    );
  });
});
