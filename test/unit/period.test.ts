/** Pins down billing periods as Polar's RecurringInterval.get_next_period computes them (relativedelta, then the anchor day clamped). */
import { describe, expect, it } from "vitest";
import { nextPeriod } from "../../src/util/period.js";

type Interval = "day" | "week" | "month" | "year";

// Each expected end computed with Polar's get_next_period (dateutil's relativedelta) in Python.
const cases: [Interval, string, number, number, string][] = [
  ["month", "2026-01-31T10:20:30.456Z", 1, 31, "2026-02-28T10:20:30.456Z"],
  ["month", "2026-02-28T10:20:30.456Z", 1, 31, "2026-03-31T10:20:30.456Z"],
  ["month", "2026-03-31T00:00:00.000Z", 1, 31, "2026-04-30T00:00:00.000Z"],
  ["month", "2028-01-31T00:00:00.000Z", 1, 31, "2028-02-29T00:00:00.000Z"],
  ["month", "2026-01-30T00:00:00.000Z", 1, 30, "2026-02-28T00:00:00.000Z"],
  ["month", "2026-02-28T00:00:00.000Z", 1, 30, "2026-03-30T00:00:00.000Z"],
  ["month", "2026-01-31T00:00:00.000Z", 1, 15, "2026-02-15T00:00:00.000Z"],
  ["month", "2026-11-30T00:00:00.000Z", 3, 30, "2027-02-28T00:00:00.000Z"],
  ["month", "2026-12-15T00:00:00.000Z", 1, 15, "2027-01-15T00:00:00.000Z"],
  ["month", "2026-12-15T00:00:00.000Z", 14, 15, "2028-02-15T00:00:00.000Z"],
  ["month", "2026-08-31T00:00:00.000Z", 6, 31, "2027-02-28T00:00:00.000Z"],
  ["year", "2024-02-29T00:00:00.000Z", 1, 29, "2025-02-28T00:00:00.000Z"],
  ["year", "2025-02-28T00:00:00.000Z", 1, 29, "2026-02-28T00:00:00.000Z"],
  ["year", "2027-02-28T00:00:00.000Z", 1, 29, "2028-02-29T00:00:00.000Z"],
  ["year", "2024-02-29T00:00:00.000Z", 4, 29, "2028-02-29T00:00:00.000Z"],
  ["day", "2026-02-28T23:00:00.000Z", 1, 28, "2026-03-01T23:00:00.000Z"],
  ["day", "2026-12-30T00:00:00.000Z", 3, 30, "2027-01-02T00:00:00.000Z"],
  ["week", "2026-12-28T00:00:00.000Z", 1, 28, "2027-01-04T00:00:00.000Z"],
  ["week", "2026-12-28T00:00:00.000Z", 2, 28, "2027-01-11T00:00:00.000Z"],
];

describe("nextPeriod", () => {
  it.each(cases)("%s from %s (×%i, anchor %i) ends %s", (interval, start, count, anchor, end) => {
    expect(nextPeriod(new Date(start), interval, count, anchor).toISOString()).toBe(end);
  });

  it("walks monthly periods anchored on the 31st: Jan 31, Feb 28, Mar 31, Apr 30", () => {
    const ends: string[] = [];
    let at = new Date("2026-01-31T12:00:00Z");
    for (let i = 0; i < 3; i++) {
      at = nextPeriod(at, "month", 1, 31);
      ends.push(at.toISOString().slice(0, 10));
    }
    expect(ends).toEqual(["2026-02-28", "2026-03-31", "2026-04-30"]);
  });

  it("does not change the start date it was given", () => {
    const start = new Date("2026-01-31T00:00:00Z");
    nextPeriod(start, "month", 1, 31);
    expect(start.toISOString()).toBe("2026-01-31T00:00:00.000Z");
  });
});
