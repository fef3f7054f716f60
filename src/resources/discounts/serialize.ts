/**
 * The public Discount object (discount/schemas.py `Discount`), key for key in the spec's order:
 * one of four shapes, fixed or percentage by once-or-forever or repeating duration, each with the
 * products it applies to as `DiscountProduct`s.
 */
import type { Schemas } from "../../domain/wire.js";
import { iso, isoOrNull } from "../../util/time.js";
import type { Partition } from "../context.js";
import { DEFAULT_PRESENTMENT_CURRENCY } from "../products/prices.js";
import { productBaseWire } from "../products/serialize.js";
import type { ProductRecord } from "../products/table.js";
import type { DiscountAmounts, DiscountRecord } from "./table.js";

export type DiscountWire = Schemas["Discount"];
type DiscountProductWire = Schemas["DiscountProduct"];

export function serializeDiscountProduct(product: ProductRecord): DiscountProductWire {
  return { metadata: { ...product.metadata }, ...productBaseWire(product) };
}

/**
 * `DiscountFixed.amount` and `.currency`, kept for older clients: the organization's default
 * presentment currency (`usd` for every organization of the emulator) when the discount has it,
 * else the first currency of `amounts`.
 */
export function legacyAmount(amounts: DiscountAmounts): { amount: number; currency: string } {
  const currencies = Object.keys(amounts);
  const currency = currencies.includes(DEFAULT_PRESENTMENT_CURRENCY)
    ? DEFAULT_PRESENTMENT_CURRENCY
    : (currencies[0] ?? DEFAULT_PRESENTMENT_CURRENCY);
  return { amount: amounts[currency] ?? 0, currency };
}

/**
 * The discount as the API shows it. `amounts` is given by creation, which answers with the
 * objects still in memory: the map in the order it was sent, not yet re-read from jsonb (which
 * also decides which currency `amount` and `currency` show when the default one is absent).
 */
export function serializeDiscount(
  partition: Partition,
  discount: DiscountRecord,
  options: { amounts?: DiscountAmounts } = {},
): DiscountWire {
  const products: DiscountProductWire[] = [];
  for (const id of discount.product_ids) {
    const product = partition.products.get(id);
    if (product) products.push(serializeDiscountProduct(product));
  }
  const common = {
    created_at: iso(discount.created_at),
    modified_at: isoOrNull(discount.modified_at),
    id: discount.id,
    metadata: { ...discount.metadata },
    name: discount.name,
    code: discount.code,
    starts_at: isoOrNull(discount.starts_at),
    ends_at: isoOrNull(discount.ends_at),
    max_redemptions: discount.max_redemptions,
    max_redemptions_per_customer: discount.max_redemptions_per_customer,
    redemptions_count: discount.redemptions_count,
    organization_id: discount.organization_id,
    products,
  };
  const { duration } = discount;
  // A repeating discount always has its months (the service keeps them); 0 never shows.
  const months = discount.duration_in_months ?? 0;
  if (discount.type === "fixed") {
    const amounts = { ...(options.amounts ?? discount.amounts) };
    const { amount, currency } = legacyAmount(amounts);
    const fixed = { type: discount.type, amount, currency, amounts };
    return duration === "repeating"
      ? { duration, duration_in_months: months, ...fixed, ...common }
      : { duration, ...fixed, ...common };
  }
  const percentage = { type: discount.type, basis_points: discount.basis_points };
  return duration === "repeating"
    ? { duration, duration_in_months: months, ...percentage, ...common }
    : { duration, ...percentage, ...common };
}

/** The discount as an order or a subscription embeds it: the Discount object without its products. */
export function serializeDiscountBase(
  partition: Partition,
  discountId: string | null,
): Schemas["Order"]["discount"] {
  if (discountId === null) return null;
  const discount = partition.discounts.get(discountId);
  if (!discount) return null;
  const { products: _products, ...base } = serializeDiscount(partition, discount);
  return base;
}
