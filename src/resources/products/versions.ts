/**
 * How API versions differ for products (spec/changes.yaml, `versions`): from 2027-01 on, a
 * seat-based price has the shared `tiers` of every tiered price (a type, and per tier an upper
 * `bound` and a decimal `unit_amount`) and `minimum_units`/`maximum_units`, where earlier versions
 * have `seat_tiers` (`min_seats`, `max_seats`, `price_per_seat`, `minimum_seats`, `maximum_seats`).
 * The emulator keeps the earlier shape and translates at the edge: bodies in, answers out.
 */
import { type ApiVersion, isAtLeast } from "../../domain/versions.js";
import type { Schemas } from "../../domain/wire.js";
import { isObject } from "../../util/is-object.js";

/** The first version whose seat-based prices have the `tiers` shape. */
export const TIERS_SINCE: ApiVersion = "2027-01";

type SeatTiersWire = Schemas["ProductPriceSeatTiers-Output"];
type SeatTier = SeatTiersWire["tiers"][number];

/** A tier as 2027-01 sends one (`TierInput`): the walker checked its JSON Schema. */
interface TierInput {
  bound?: number | null;
  unit_amount: number | string;
}

/** A seat-based price as a 2027-01 body has it. */
interface SeatPriceInput {
  amount_type: "seat_based";
  tiers: { type: Schemas["SeatTierType"]; tiers: TierInput[] };
  minimum_units?: number | null;
  [field: string]: unknown;
}

function isSeatPriceInput(value: unknown): value is SeatPriceInput {
  return isObject(value) && value.amount_type === "seat_based" && isObject(value.tiers);
}

/**
 * A 2027-01 seat-based price body in the earlier shape: each tier starts after the previous one's
 * bound, the first at `minimum_units` (1 when not set); its rate is the tier's seat price.
 */
function seatPriceIn(price: SeatPriceInput): Record<string, unknown> {
  const { tiers, minimum_units: minimum, ...rest } = price;
  let start = minimum ?? 1;
  const seatTiers: SeatTier[] = tiers.tiers.map((tier) => {
    const bound = tier.bound ?? null;
    const entry = { min_seats: start, max_seats: bound, price_per_seat: Number(tier.unit_amount) };
    start = (bound ?? start) + 1;
    return entry;
  });
  return { ...rest, seat_tiers: { seat_tier_type: tiers.type, tiers: seatTiers } };
}

/** A product create (or update) body of `version` in the shape the products service takes. */
export function productBodyIn<T>(body: T, version: ApiVersion): T {
  if (!isAtLeast(version, TIERS_SINCE) || !isObject(body) || !Array.isArray(body.prices)) return body;
  const prices = body.prices.map((price: unknown) => (isSeatPriceInput(price) ? seatPriceIn(price) : price));
  // The same body with its seat-based prices in the earlier shape, which the service's type says.
  return { ...body, prices } as T;
}

/** A seat-based price object answered in 2027-01: `seat_tiers` becomes `tiers` and the unit bounds. */
function seatPriceOut(price: Record<string, unknown>): Record<string, unknown> {
  const { seat_tiers: seatTiers, ...rest } = price;
  if (!isObject(seatTiers) || !Array.isArray(seatTiers.tiers)) return price;
  const tiers = seatTiers.tiers.filter(isObject).map((tier) => ({
    bound: tier.max_seats ?? null,
    unit_amount: String(tier.price_per_seat),
  }));
  return {
    ...rest,
    tiers: { type: seatTiers.seat_tier_type ?? "volume", tiers },
    minimum_units: seatTiers.minimum_seats ?? null,
    maximum_units: seatTiers.maximum_seats ?? null,
  };
}

/** An answered object as `version` has it (the objects of products' answers that versions change). */
export function productObjectIn(
  node: Record<string, unknown>,
  version: ApiVersion,
): Record<string, unknown> | undefined {
  if (!isAtLeast(version, TIERS_SINCE)) return undefined;
  if (node.amount_type === "seat_based" && "seat_tiers" in node) return seatPriceOut(node);
  return undefined;
}
