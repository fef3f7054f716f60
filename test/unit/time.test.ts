import { describe, expect, it } from "vitest";
import { iso, pythonIsoformat } from "../../src/util/time.js";

describe("dates", () => {
  it("serializes like pydantic: microseconds when not zero, none when zero, and a Z", () => {
    expect(iso(new Date("2026-08-22T10:00:00.123Z"))).toBe("2026-08-22T10:00:00.123000Z");
    expect(iso(new Date("2026-08-22T10:00:00.000Z"))).toBe("2026-08-22T10:00:00Z");
    expect(iso(new Date("2026-08-22T10:00:00.007Z"))).toBe("2026-08-22T10:00:00.007000Z");
  });

  it("writes Python's isoformat() for anonymization digests and the CSV export", () => {
    expect(pythonIsoformat(new Date("2026-08-22T10:00:00.123Z"))).toBe("2026-08-22T10:00:00.123000+00:00");
    expect(pythonIsoformat(new Date("2026-08-22T10:00:00.000Z"))).toBe("2026-08-22T10:00:00+00:00");
  });
});
