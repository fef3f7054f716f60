/** Pins down seat tiers as Polar validates them (ProductPriceSeatTiers.validate_tiers) and reads them back (tiers_to_seat_tiers). */
import { describe, expect, it } from "vitest";
import {
  type SeatTierInput,
  seatTierRecords,
  seatTiersProblem,
  storedSeatTiers,
} from "../../src/resources/products/tiers.js";

const tier = (min_seats: number, max_seats: number | null, price_per_seat: number): SeatTierInput => ({
  min_seats,
  max_seats,
  price_per_seat,
});

// Every expected value below is what Polar's own functions (product/tiers.py) give for the same tiers.
describe("seatTiersProblem", () => {
  it("accepts contiguous tiers in any order, the last one unlimited or not", () => {
    expect(seatTiersProblem([tier(1, 5, 1000), tier(6, null, 800)])).toBeNull();
    expect(seatTiersProblem([tier(6, null, 800), tier(1, 5, 1000)])).toBeNull();
    expect(seatTiersProblem([tier(1, 3, 900), tier(4, 6, 800), tier(7, null, 700)])).toBeNull();
    expect(seatTiersProblem([tier(2, 8, 500)])).toBeNull();
    expect(
      seatTiersProblem([
        { min_seats: 1, max_seats: 4, price_per_seat: 10 },
        { min_seats: 5, price_per_seat: 5 },
      ]),
    ).toBeNull();
  });

  it("refuses an unlimited tier that is not the last", () => {
    expect(seatTiersProblem([tier(1, null, 1000), tier(5, 10, 800)])).toBe(
      "Only the last tier can have unlimited max_seats (None)",
    );
    expect(seatTiersProblem([tier(1, null, 5), tier(1, null, 5)])).toBe(
      "Only the last tier can have unlimited max_seats (None)",
    );
  });

  it("refuses a gap or an overlap", () => {
    expect(seatTiersProblem([tier(1, 5, 1000), tier(7, 10, 800)])).toBe(
      "Gap or overlap between tiers: tier ending at 5 and tier starting at 7",
    );
    expect(seatTiersProblem([tier(1, 5, 1000), tier(5, 10, 800)])).toBe(
      "Gap or overlap between tiers: tier ending at 5 and tier starting at 5",
    );
  });

  it("refuses two tiers ending at the same max_seats", () => {
    expect(seatTiersProblem([tier(1, 5, 1000), tier(6, 5, 800)])).toBe(
      "Tier max_seats values must be unique, got 5 twice",
    );
  });

  it("checks the seat bounds against the last tier's max_seats", () => {
    expect(seatTiersProblem([tier(10, 5, 1000)])).toBe(
      "minimum_seats must not exceed the last tier's max_seats, got 10 > 5",
    );
    expect(seatTiersProblem([tier(5, 10, 1000), tier(11, 3, 800)])).toBe(
      "maximum_seats must be >= minimum_seats, got 3 < 5",
    );
  });
});

describe("storedSeatTiers", () => {
  it("reads contiguous tiers back as they were sent, sorted by min_seats", () => {
    expect(storedSeatTiers([tier(6, null, 800), tier(1, 5, 1000)])).toEqual({
      tiers: [tier(1, 5, 1000), tier(6, null, 800)],
      minimum_seats: 1,
      maximum_seats: null,
    });
    expect(storedSeatTiers([tier(1, 3, 900), tier(4, 6, 800), tier(7, null, 700)]).tiers).toEqual([
      tier(1, 3, 900),
      tier(4, 6, 800),
      tier(7, null, 700),
    ]);
  });

  it("keeps the first tier's min_seats and the last tier's max_seats as the seat bounds", () => {
    expect(storedSeatTiers([tier(3, 5, 1000), tier(6, 10, 800)])).toEqual({
      tiers: [tier(3, 5, 1000), tier(6, 10, 800)],
      minimum_seats: 3,
      maximum_seats: 10,
    });
    expect(storedSeatTiers([tier(2, 8, 500)])).toEqual({
      tiers: [tier(2, 8, 500)],
      minimum_seats: 2,
      maximum_seats: 8,
    });
    expect(storedSeatTiers([tier(1, null, 500)])).toEqual({
      tiers: [tier(1, null, 500)],
      minimum_seats: 1,
      maximum_seats: null,
    });
  });

  it("orders shared tiers by bound, so a last tier with a lower max_seats cuts the schedule short", () => {
    expect(storedSeatTiers([tier(1, 10, 1000), tier(11, 3, 800)])).toEqual({
      tiers: [tier(1, 3, 800)],
      minimum_seats: 1,
      maximum_seats: 3,
    });
  });

  it("reads an absent max_seats as unlimited", () => {
    expect(
      storedSeatTiers([
        { min_seats: 1, max_seats: 4, price_per_seat: 10 },
        { min_seats: 5, price_per_seat: 5 },
      ]),
    ).toEqual({ tiers: [tier(1, 4, 10), tier(5, null, 5)], minimum_seats: 1, maximum_seats: null });
  });
});

describe("seatTierRecords", () => {
  it("turns tiers as sent into records, an absent max_seats null, the order kept", () => {
    expect(seatTierRecords([{ min_seats: 5, price_per_seat: 1 }, tier(1, 4, 2)])).toEqual([
      tier(5, null, 1),
      tier(1, 4, 2),
    ]);
  });
});
