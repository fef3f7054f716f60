/** Pins down dates as Polar writes them: pydantic's JSON (`Z`, microseconds or no fraction) and Python's isoformat(). */
import { describe, expect, it } from "vitest";
import { iso, isoOrNull, pythonIsoformat } from "../../src/util/time.js";

describe("iso", () => {
  it.each([
    ["2026-08-22T10:00:00.000Z", "2026-08-22T10:00:00Z"],
    ["2026-08-22T10:00:00.123Z", "2026-08-22T10:00:00.123000Z"],
    ["2026-08-22T10:00:00.001Z", "2026-08-22T10:00:00.001000Z"],
    ["2026-08-22T10:00:00.100Z", "2026-08-22T10:00:00.100000Z"],
    ["1969-12-31T23:59:59.999Z", "1969-12-31T23:59:59.999000Z"],
    ["0999-01-02T03:04:05.000Z", "0999-01-02T03:04:05Z"],
  ])("writes %s as %s", (input, expected) => {
    expect(iso(new Date(input))).toBe(expected);
  });

  it("passes null through", () => {
    expect(isoOrNull(null)).toBeNull();
    expect(isoOrNull(new Date("2026-08-22T10:00:00.500Z"))).toBe("2026-08-22T10:00:00.500000Z");
  });
});

describe("pythonIsoformat", () => {
  it.each([
    ["2026-08-22T10:00:00.000Z", "2026-08-22T10:00:00+00:00"],
    ["2026-08-22T10:00:00.010Z", "2026-08-22T10:00:00.010000+00:00"],
    ["2026-12-31T23:59:59.999Z", "2026-12-31T23:59:59.999000+00:00"],
  ])("writes %s as %s", (input, expected) => {
    expect(pythonIsoformat(new Date(input))).toBe(expected);
  });
});
