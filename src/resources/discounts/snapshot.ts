/** How a snapshot document holds discounts (every field of DiscountRecord, checked). */
import {
  array,
  type Decoder,
  date,
  dictionary,
  id,
  integer,
  literal,
  metadata,
  nullableDate,
  nullableInteger,
  nullableString,
  problem,
  record,
  string,
  variants,
} from "../../domain/decode.js";
import type {
  DiscountAmounts,
  DiscountRecord,
  FixedDiscountRecord,
  PercentageDiscountRecord,
} from "./table.js";

const common = {
  id,
  organization_id: id,
  created_at: date,
  modified_at: nullableDate,
  deleted_at: nullableDate,
  name: string,
  code: nullableString,
  starts_at: nullableDate,
  ends_at: nullableDate,
  max_redemptions: nullableInteger,
  max_redemptions_per_customer: nullableInteger,
  duration: literal(["once", "forever", "repeating"]),
  duration_in_months: nullableInteger,
  redemptions_count: integer,
  metadata,
  product_ids: array(id),
};

/** A currency → amount map, with at least one currency (Polar's `amounts` has `min_length=1`). */
const amounts: Decoder<DiscountAmounts> = (value, path, problems) => {
  const map = dictionary(integer)(value, path, problems);
  if (map.size === 0)
    problems.push(problem(path, "too_short", "Input should have at least one currency", value));
  return Object.fromEntries(map);
};

const fixed = record<FixedDiscountRecord>({ ...common, type: literal(["fixed"]), amounts });
const percentage = record<PercentageDiscountRecord>({
  ...common,
  type: literal(["percentage"]),
  basis_points: integer,
});

export const discountDecoder: Decoder<DiscountRecord> = variants<DiscountRecord>("type", {
  fixed,
  percentage,
});

declare module "../context.js" {
  interface DecodedSections {
    discounts: DiscountRecord[];
  }
}
