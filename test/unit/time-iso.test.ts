/** Pins down dates as Polar writes them: pydantic's JSON (`Z`, microseconds or no fraction) and Python's isoformat(). */
import { describe, expect, it } from "vitest";
import { iso, isoOrNull, isTimeZone, pythonIsoformat, pythonIsoformatIn } from "../../src/util/time.js";

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

describe("pythonIsoformatIn", () => {
  // Expected values: Python 3.11's `datetime.astimezone(ZoneInfo(zone)).isoformat()`.
  it.each([
    ["2026-03-15T12:30:45.123Z", "UTC", "2026-03-15T12:30:45.123000+00:00"],
    ["2026-03-15T12:30:45.123Z", "Europe/Paris", "2026-03-15T13:30:45.123000+01:00"],
    ["2026-04-15T12:30:45.123Z", "Europe/Paris", "2026-04-15T14:30:45.123000+02:00"],
    ["2026-03-15T12:30:45.123Z", "America/New_York", "2026-03-15T08:30:45.123000-04:00"],
    ["2026-03-15T12:30:45.123Z", "Asia/Kolkata", "2026-03-15T18:00:45.123000+05:30"],
    ["2026-03-15T12:30:45.123Z", "Etc/GMT+5", "2026-03-15T07:30:45.123000-05:00"],
    ["2026-07-01T12:00:00.000Z", "Pacific/Chatham", "2026-07-02T00:45:00+12:45"],
    ["1850-01-01T00:00:00.000Z", "Europe/Paris", "1850-01-01T00:09:21+00:09:21"],
    ["1850-01-01T00:00:00.000Z", "America/St_Johns", "1849-12-31T20:29:08-03:30:52"],
  ])("writes %s in %s as %s", (input, zone, expected) => {
    expect(pythonIsoformatIn(new Date(input), zone)).toBe(expected);
  });
});

describe("isTimeZone", () => {
  it("takes what ZoneInfo takes, spelled with its case", () => {
    for (const zone of ["UTC", "Europe/Paris", "US/Eastern", "Etc/GMT+5", "EST5EDT", "Zulu", "Asia/Calcutta"])
      expect(isTimeZone(zone), zone).toBe(true);
    for (const zone of ["utc", "europe/paris", "us/eastern", "Z", "+01:00", "", "Europe/Nowhere", "America"])
      expect(isTimeZone(zone), zone).toBe(false);
  });
});
