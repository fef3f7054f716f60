/** Pure parts of the events store's reading: decimals of `_cost.amount`, Python's json.dumps, jsonb's key order. */
import { describe, expect, it } from "vitest";
import { jsonbOrdered } from "../../src/domain/jsonb.js";
import { pythonJsonDumps } from "../../src/domain/python-json.js";
import { decimalOfFloat } from "../../src/resources/events/serialize.js";

describe("decimalOfFloat", () => {
  // Expected: Python's str(Decimal(repr(float(x)))), the amount pydantic serializes once jsonb gave back a float.
  it.each([
    [5, "5.0"],
    [0.1, "0.1"],
    [0.00001, "0.00001"],
    [1e-7, "1E-7"],
    [12345.678901234, "12345.678901234"],
    [1.5e-12, "1.5E-12"],
    [100, "100.0"],
    [0.000123, "0.000123"],
    [99999.5, "99999.5"],
    [0, "0.0"],
    [1e-6, "0.000001"],
    [2.5e-6, "0.0000025"],
  ])("%s → %s", (value, expected) => {
    expect(decimalOfFloat(value)).toBe(expected);
  });
});

describe("pythonJsonDumps", () => {
  it("writes Python's default separators, floats and ensure_ascii escapes", () => {
    expect(pythonJsonDumps({ a: "é\u007f", b: 1.5, c: true, d: null, e: [1, "x"] })).toBe(
      '{"a": "\\u00e9\\u007f", "b": 1.5, "c": true, "d": null, "e": [1, "x"]}',
    );
  });
});

describe("jsonbOrdered", () => {
  it("orders keys by their UTF-8 length, then bytewise, at every depth", () => {
    expect(JSON.stringify(jsonbOrdered({ bb: 1, a: { zz: 1, é: 2, y: 3 }, c: 2 }))).toBe(
      '{"a":{"y":3,"zz":1,"é":2},"c":2,"bb":1}',
    );
  });
});
