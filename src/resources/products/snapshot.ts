/** How a snapshot document holds products and their prices. */
import {
  array,
  boolean,
  date,
  type Fields,
  id,
  integer,
  interval,
  literal,
  metadata,
  nullable,
  nullableDate,
  nullableInteger,
  nullableString,
  record,
  string,
  variants,
  visibility,
} from "../../domain/decode.js";
import type { PriceRecord, ProductRecord } from "./table.js";

const priceCommon: Fields<
  Pick<
    PriceRecord,
    | "id"
    | "product_id"
    | "created_at"
    | "modified_at"
    | "source"
    | "price_currency"
    | "tax_behavior"
    | "is_archived"
  >
> = {
  id,
  product_id: id,
  created_at: date,
  modified_at: nullableDate,
  source: literal(["catalog", "ad_hoc"]),
  price_currency: string,
  tax_behavior: nullable(literal(["location", "inclusive", "exclusive"])),
  is_archived: boolean,
};

type PriceOf<T extends PriceRecord["amount_type"]> = Extract<PriceRecord, { amount_type: T }>;

const price = variants<PriceRecord>("amount_type", {
  fixed: record<PriceOf<"fixed">>({ ...priceCommon, amount_type: literal(["fixed"]), price_amount: integer }),
  custom: record<PriceOf<"custom">>({
    ...priceCommon,
    amount_type: literal(["custom"]),
    minimum_amount: integer,
    maximum_amount: nullableInteger,
    preset_amount: nullableInteger,
  }),
  seat_based: record<PriceOf<"seat_based">>({
    ...priceCommon,
    amount_type: literal(["seat_based"]),
    seat_tiers: record<PriceOf<"seat_based">["seat_tiers"]>({
      seat_tier_type: literal(["volume", "graduated"]),
      tiers: array(
        record<PriceOf<"seat_based">["seat_tiers"]["tiers"][number]>({
          min_seats: integer,
          max_seats: nullableInteger,
          price_per_seat: integer,
        }),
      ),
      minimum_seats: integer,
      maximum_seats: nullableInteger,
    }),
  }),
  metered_unit: record<PriceOf<"metered_unit">>({
    ...priceCommon,
    amount_type: literal(["metered_unit"]),
    unit_amount: string,
    cap_amount: nullableInteger,
    meter_id: id,
  }),
});

export const productDecoder = record<ProductRecord>({
  id,
  organization_id: id,
  created_at: date,
  modified_at: nullableDate,
  name: string,
  description: nullableString,
  visibility,
  recurring_interval: nullable(interval),
  recurring_interval_count: nullableInteger,
  trial_interval: nullable(interval),
  trial_interval_count: nullableInteger,
  meter_interval: nullable(interval),
  meter_interval_count: nullableInteger,
  is_archived: boolean,
  metadata,
  prices: array(price),
  benefit_ids: array(id),
});

declare module "../context.js" {
  interface DecodedSections {
    products: ProductRecord[];
  }
}
