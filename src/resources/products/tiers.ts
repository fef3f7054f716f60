/**
 * Seat tiers (product/tiers.py and ProductPriceSeatTiers.validate_tiers): the checks Polar makes
 * of a seat-based price's tiers, and the tiers as Polar stores them (shared tiers plus unit bounds)
 * and reads them back.
 */
import type { Schemas } from "../../domain/wire.js";
import type { SeatTierRecord } from "./table.js";

export type SeatTierInput = Schemas["ProductPriceSeatTier"];

interface SharedTier {
  bound: number | null;
  unitAmount: number;
}

interface SeatTiersResult {
  tiers: SeatTierRecord[];
  minimum_seats: number;
  maximum_seats: number | null;
}

/** Null when the tiers are acceptable, else the message of Polar's ValueError. */
export function seatTiersProblem(input: readonly SeatTierInput[]): string | null {
  const tiers = seatTierRecords(input);
  const sorted = [...tiers].sort((a, b) => a.min_seats - b.min_seats);
  for (let index = 0; index + 1 < sorted.length; index++) {
    const current = sorted[index];
    const next = sorted[index + 1];
    if (current.max_seats === null) return "Only the last tier can have unlimited max_seats (None)";
    if (next.min_seats !== current.max_seats + 1) {
      return `Gap or overlap between tiers: tier ending at ${current.max_seats} and tier starting at ${next.min_seats}`;
    }
  }
  const shared = sharedTiers(sorted);
  const bounds = shared.map((tier) => tier.bound);
  for (let index = 0; index + 1 < bounds.length; index++) {
    if (bounds[index] !== null && bounds[index] === bounds[index + 1]) {
      return `Tier max_seats values must be unique, got ${bounds[index]} twice`;
    }
  }
  const minimum = sorted[0].min_seats;
  const maximum = sorted[sorted.length - 1].max_seats;
  const lastBound = shared[shared.length - 1].bound;
  if (lastBound !== null && minimum > lastBound) {
    return `minimum_seats must not exceed the last tier's max_seats, got ${minimum} > ${lastBound}`;
  }
  if (maximum !== null) {
    if (maximum < minimum) return `maximum_seats must be >= minimum_seats, got ${maximum} < ${minimum}`;
    if (lastBound !== null && maximum > lastBound) {
      return `maximum_seats must not exceed the last tier's max_seats, got ${maximum} > ${lastBound}`;
    }
  }
  return null;
}

/** `seat_tiers_to_tiers`: each tier's max_seats becomes a bound; sorted by bound, unbounded last. */
function sharedTiers(sortedBySeats: SeatTierRecord[]): SharedTier[] {
  return sortedBySeats
    .map((tier) => ({ bound: tier.max_seats, unitAmount: tier.price_per_seat }))
    .sort((a, b) => {
      if (a.bound === null || b.bound === null) return a.bound === null ? (b.bound === null ? 0 : 1) : -1;
      return a.bound - b.bound;
    });
}

/** What Polar stores (shared tiers plus unit bounds) read back as seat tiers (`tiers_to_seat_tiers`). */
export function storedSeatTiers(input: readonly SeatTierInput[]): SeatTiersResult {
  const tiers = seatTierRecords(input);
  const sorted = [...tiers].sort((a, b) => a.min_seats - b.min_seats);
  const minimumUnits = sorted[0].min_seats;
  const maximumUnits = sorted[sorted.length - 1].max_seats;
  const shared = sharedTiers(sorted);
  const firstMin = minimumUnits < 1 ? 1 : minimumUnits;
  const lastMax = maximumUnits ?? shared[shared.length - 1].bound;
  const result: SeatTierRecord[] = [];
  let previousBound = 0;
  for (const tier of shared) {
    const start = previousBound + 1;
    const end = tier.bound;
    if (end !== null && end < firstMin) {
      previousBound = end;
      continue;
    }
    if (lastMax !== null && start > lastMax) break;
    const maxSeats = end === null ? lastMax : lastMax === null ? end : Math.min(end, lastMax);
    result.push({
      min_seats: Math.max(firstMin, start),
      max_seats: maxSeats,
      price_per_seat: tier.unitAmount,
    });
    if (end !== null) previousBound = end;
  }
  return {
    tiers: result,
    minimum_seats: result[0]?.min_seats ?? 1,
    maximum_seats: result.length > 0 ? result[result.length - 1].max_seats : null,
  };
}

/** The tiers as sent (`max_seats` may be absent), as records; sorted by `min_seats` when asked. */
export function seatTierRecords(tiers: readonly SeatTierInput[]): SeatTierRecord[] {
  return tiers.map((tier) => ({
    min_seats: tier.min_seats,
    max_seats: tier.max_seats ?? null,
    price_per_seat: tier.price_per_seat,
  }));
}
