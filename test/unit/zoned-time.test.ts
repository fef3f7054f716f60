/**
 * Postgres' timestamptz arithmetic in a session time zone, as meters:quantities needs it. Expected
 * values from PostgreSQL 15.18 (`SET TIME ZONE …; generate_series(…)`, `date_trunc(…)`).
 */
import { describe, expect, it } from "vitest";
import { addOne, knownTimeZone, type TruncUnit, truncate } from "../../src/util/zoned-time.js";

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString().replace(".000Z", "Z");

function series(zone: string, start: string, end: string, unit: TruncUnit): string[] {
  const rows: string[] = [];
  for (let t = at(start); t <= at(end); t = addOne(zone, t, unit))
    rows.push(`${iso(t)}|${iso(truncate(zone, t, unit))}`);
  return rows;
}

describe("zoned time", () => {
  it("adds days in local time across a spring-forward transition", () => {
    expect(series("America/New_York", "2026-03-06T05:30:00Z", "2026-03-10T05:00:00Z", "day")).toEqual([
      "2026-03-06T05:30:00Z|2026-03-06T05:00:00Z",
      "2026-03-07T05:30:00Z|2026-03-07T05:00:00Z",
      "2026-03-08T05:30:00Z|2026-03-08T05:00:00Z",
      "2026-03-09T04:30:00Z|2026-03-09T04:00:00Z",
      "2026-03-10T04:30:00Z|2026-03-10T04:00:00Z",
    ]);
  });

  it("adds hours as 3,600 seconds and truncates them at the instant's own offset in a fall-back overlap", () => {
    const rows = [
      "2026-11-01T04:30:00Z",
      "2026-11-01T05:30:00Z",
      "2026-11-01T06:30:00Z",
      "2026-11-01T07:30:00Z",
    ];
    expect(series("America/New_York", rows[0], rows[3], "hour")).toEqual(
      rows.map((row) => `${row}|${row.replace(":30:", ":00:")}`),
    );
    for (const row of rows)
      expect(iso(truncate("America/New_York", at(row), "day"))).toBe("2026-11-01T04:00:00Z");
  });

  it("adds months one after the other, clamping the day (which then stays clamped)", () => {
    expect(series("Europe/Paris", "2026-01-30T23:00:00Z", "2026-05-01T00:00:00Z", "month")).toEqual([
      "2026-01-30T23:00:00Z|2025-12-31T23:00:00Z",
      "2026-02-27T23:00:00Z|2026-01-31T23:00:00Z",
      "2026-03-27T23:00:00Z|2026-02-28T23:00:00Z",
      "2026-04-27T22:00:00Z|2026-03-31T22:00:00Z",
    ]);
  });

  it("reads a local midnight that does not exist with the offset before the gap", () => {
    // Cuba moves from 00:00 to 01:00 on 2026-03-08.
    expect(iso(truncate("America/Havana", at("2026-03-08T05:30:00Z"), "day"))).toBe("2026-03-08T05:00:00Z");
    expect(iso(addOne("America/Havana", at("2026-03-07T05:00:00Z"), "day"))).toBe("2026-03-08T05:00:00Z");
  });

  it("truncates to ISO weeks and years in the zone; a zone ICU does not know is UTC", () => {
    expect(iso(truncate("Asia/Kolkata", at("2026-03-01T20:00:00Z"), "week"))).toBe("2026-03-01T18:30:00Z");
    expect(iso(truncate("Asia/Kolkata", at("2026-12-31T20:00:00Z"), "year"))).toBe("2026-12-31T18:30:00Z");
    expect(knownTimeZone("Factory")).toBe(false);
    expect(iso(truncate("Factory", at("2026-03-01T20:00:00Z"), "day"))).toBe("2026-03-01T00:00:00Z");
  });
});
