/**
 * A product's prices as ProductService.create and update take them (product/service.py
 * `get_validated_prices`): each price built, or found among the product's when an update names an
 * existing one, then the rules across prices per currency.
 */

import type { Schemas } from "../../domain/wire.js";
import type { PolarRequestValidationError } from "../../errors.js";
import { type Decimal, decimalToString, parseDecimal, quantize } from "../../pydantic/decimal.js";
import { canonicalUuid } from "../../pydantic/uuid.js";
import type { Partition } from "../context.js";
import { isExistingPrice } from "./rules.js";
import type { PriceRecord, ProductRecord } from "./table.js";
import { seatTierRecords, storedSeatTiers } from "./tiers.js";

export type ProductCreateBody = Schemas["ProductCreate"];
type PriceInput = ProductCreateBody["prices"][number];
/** A price of an update's body: an existing price of the product by id, or a new one. */
export type PriceItem = NonNullable<Schemas["ProductUpdate"]["prices"]>[number];
type Detail = PolarRequestValidationError["details"][number];
type Loc = (string | number)[];

/** The organization settings Polar reads on create; a new organization has these. */
export const DEFAULT_PRESENTMENT_CURRENCY = "usd";

/** `Numeric(17, 12)`: what the database keeps of a metered unit amount. */
export const UNIT_AMOUNT = { maxDigits: 17, decimalPlaces: 12 };

/** The unit amounts as they were sent, for the creation answer (before the database rounds them). */
export const sentUnitAmounts = new WeakMap<PriceRecord, string>();

/**
 * An update's price that names an existing one: only an update's union has that member, so a
 * create's price with an `id` key is a new price all the same (pydantic ignores the key).
 */
function namesExisting(item: PriceItem, update: boolean): item is Schemas["ExistingProductPrice"] {
  return update && isExistingPrice(item);
}

/** A price schema as pydantic dumps it into an error's `input`: every field, defaults included. */
function priceDump(item: PriceItem, update: boolean): Record<string, unknown> {
  if (namesExisting(item, update)) return { id: canonicalUuid(item.id) };
  const price: PriceInput = item;
  const head = {
    amount_type: price.amount_type,
    price_currency: price.price_currency ?? "usd",
    tax_behavior: price.tax_behavior ?? null,
  };
  switch (price.amount_type) {
    case "fixed":
      return { ...head, price_amount: price.price_amount };
    case "custom":
      return {
        ...head,
        minimum_amount: price.minimum_amount ?? 50,
        maximum_amount: price.maximum_amount ?? null,
        preset_amount: price.preset_amount ?? null,
      };
    case "seat_based": {
      const sorted = seatTierRecords(price.seat_tiers.tiers).sort((a, b) => a.min_seats - b.min_seats);
      return {
        ...head,
        seat_tiers: {
          seat_tier_type: price.seat_tiers.seat_tier_type ?? "volume",
          tiers: sorted,
          minimum_seats: sorted[0].min_seats,
          maximum_seats: sorted[sorted.length - 1].max_seats,
        },
      };
    }
    case "metered_unit":
      return {
        ...head,
        meter_id: canonicalUuid(price.meter_id),
        unit_amount: decimalToString(parseDecimal(price.unit_amount) as Decimal),
        cap_amount: price.cap_amount ?? null,
      };
  }
}

/** A price record without its ids yet: they are drawn once the whole product is accepted. */
function buildPrice(price: PriceInput, now: Date): PriceRecord {
  const common = {
    id: "",
    product_id: "",
    created_at: now,
    modified_at: null,
    source: "catalog" as const,
    price_currency: price.price_currency ?? "usd",
    tax_behavior: price.tax_behavior ?? null,
    is_archived: false,
  };
  switch (price.amount_type) {
    case "fixed":
      return { ...common, amount_type: "fixed", price_amount: price.price_amount };
    case "custom":
      return {
        ...common,
        amount_type: "custom",
        minimum_amount: price.minimum_amount ?? 50,
        maximum_amount: price.maximum_amount ?? null,
        preset_amount: price.preset_amount ?? null,
      };
    case "seat_based":
      return {
        ...common,
        amount_type: "seat_based",
        seat_tiers: {
          seat_tier_type: price.seat_tiers.seat_tier_type ?? "volume",
          ...storedSeatTiers(price.seat_tiers.tiers),
        },
      };
    case "metered_unit": {
      const decimal = parseDecimal(price.unit_amount) as Decimal;
      const record: PriceRecord = {
        ...common,
        amount_type: "metered_unit",
        // A Numeric(17, 12) column: read back with twelve decimal places.
        unit_amount: decimalToString(quantize(decimal, UNIT_AMOUNT.decimalPlaces)),
        cap_amount: price.cap_amount ?? null,
        meter_id: canonicalUuid(price.meter_id),
      };
      sentUnitAmounts.set(record, decimalToString(decimal));
      return record;
    }
  }
}

/** What `get_validated_prices` gives: the prices the product shows afterwards, and the problems. */
export interface ValidatedPrices {
  /** Every price the body names, kept or new, in the body's order. */
  prices: PriceRecord[];
  /** The product's prices the body names by id. */
  existing: Set<PriceRecord>;
  /** The new prices, without their ids yet: they are drawn once the whole body is accepted. */
  added: PriceRecord[];
  errors: Detail[];
}

/**
 * The prices of a create body, or of an update body for `product` (which may name the product's
 * prices that are not archived by id): each built or found, then Polar's rules across them.
 */
export function validatedPrices(
  partition: Partition,
  items: readonly PriceItem[],
  recurring: boolean,
  now: Date,
  product?: ProductRecord,
): ValidatedPrices {
  const prefix: Loc = ["body", "prices"];
  const errors: Detail[] = [];
  const prices: PriceRecord[] = [];
  const existing = new Set<PriceRecord>();
  const added: PriceRecord[] = [];
  const perCurrency = new Map<string, { price: PriceRecord; index: number }[]>();
  const update = product !== undefined;
  const allDumps = () => items.map((item) => priceDump(item, update));

  items.forEach((item, index) => {
    let price: PriceRecord;
    if (namesExisting(item, update)) {
      const id = canonicalUuid(item.id);
      // `Product.get_price`: among the prices the product shows (catalog, not archived).
      const found = product?.prices.find(
        (candidate) => candidate.id === id && !candidate.is_archived && candidate.source === "catalog",
      );
      if (!found) {
        errors.push({
          type: "value_error",
          loc: [...prefix, index],
          msg: "Price does not exist.",
          input: id,
        });
        return;
      }
      price = found;
      existing.add(price);
    } else {
      const input: PriceInput = item;
      // Seat-based pricing is enabled on every new organization (organization/service.py).
      if (input.amount_type === "metered_unit") {
        if (!recurring) {
          errors.push({
            type: "value_error",
            loc: [...prefix, index],
            msg: "Metered pricing is not supported on one-time products.",
            input: priceDump(input, update),
          });
          return;
        }
        const meterId = canonicalUuid(input.meter_id);
        if (!partition.meters.has(meterId)) {
          errors.push({
            type: "value_error",
            loc: [...prefix, index, "meter_id"],
            msg: "Meter does not exist.",
            input: meterId,
          });
          return;
        }
      }
      price = buildPrice(input, now);
      added.push(price);
    }
    prices.push(price);
    const list = perCurrency.get(price.price_currency) ?? [];
    list.push({ price, index });
    perCurrency.set(price.price_currency, list);
  });

  if (prices.length < 1) {
    errors.push({
      type: "too_short",
      loc: prefix,
      msg: "At least one price is required.",
      input: allDumps(),
    });
  }

  const structures = new Set<string>();
  for (const entries of perCurrency.values()) {
    const count = (type: PriceRecord["amount_type"]) =>
      entries.filter(({ price }) => price.amount_type === type).length;
    const fixed = count("fixed");
    const custom = count("custom");
    const seats = count("seat_based");
    const rule = (msg: string) => errors.push({ type: "value_error", loc: prefix, msg, input: allDumps() });
    if (fixed > 1) rule("Only one fixed price is allowed.");
    if (seats > 1) rule("Only one seat-based price is allowed.");
    if (custom > 1) rule("Only one custom price is allowed.");
    if (custom > 0 && (fixed > 0 || seats > 0)) {
      rule("A custom price cannot be combined with a fixed, seat-based or unit-based price.");
    }
    const meters = new Set<string>();
    for (const { price, index } of entries) {
      if (price.amount_type !== "metered_unit") continue;
      if (meters.has(price.meter_id)) {
        errors.push({
          type: "value_error",
          loc: [...prefix, index, "meter_id"],
          msg: "Meter is already used for another price.",
          input: price.meter_id,
        });
        continue;
      }
      meters.add(price.meter_id);
    }
    if (new Set(entries.map(({ price }) => price.tax_behavior)).size > 1) {
      rule("All prices for the same currency must have the same tax behavior.");
    }
    structures.add(JSON.stringify([fixed > 0, seats > 0, false, custom > 0, meters.size]));
  }
  if (structures.size > 1) {
    errors.push({
      type: "value_error",
      loc: prefix,
      msg: "All price currencies must define the same set of price types.",
      input: allDumps(),
    });
  }
  if (!perCurrency.has(DEFAULT_PRESENTMENT_CURRENCY)) {
    errors.push({
      type: "value_error",
      loc: prefix,
      msg: "The organization's default presentment currency must be present in the prices.",
      input: allDumps(),
    });
  }
  return { prices, existing, added, errors };
}
