/** The public Product and ProductPrice objects, key for key in the spec's order. */
import type { Schemas } from "../../domain/wire.js";
import { iso, isoOrNull } from "../../util/time.js";
import { type BenefitWire, serializeBenefit } from "../benefits/serialize.js";
import type { Partition } from "../context.js";
import type { PriceRecord, ProductRecord } from "./table.js";

export type ProductWire = Schemas["Product"];
export type PriceWire = Schemas["ProductPrice"] | Schemas["LegacyRecurringProductPrice"];

export function serializePrice(partition: Partition, price: PriceRecord): PriceWire {
  const interval = partition.products.get(price.product_id)?.recurring_interval ?? null;
  const head = {
    created_at: iso(price.created_at),
    modified_at: isoOrNull(price.modified_at),
    id: price.id,
    source: price.source,
    amount_type: price.amount_type,
    price_currency: price.price_currency,
    tax_behavior: price.tax_behavior,
    is_archived: price.is_archived,
    product_id: price.product_id,
    // Deprecated, hidden from Polar's document (SkipJsonSchema) and sent all the same, from the
    // product (server/polar/product/schemas.py ProductPriceBase, models/product_price.py
    // legacy_type / legacy_recurring_interval): clients generated before prices lost them (the
    // SDK 0.32 inside @polar-sh/express 0.3) still require them.
    type: interval === null ? "one_time" : "recurring",
    recurring_interval: interval,
  };
  switch (price.amount_type) {
    case "fixed":
      return { ...head, amount_type: "fixed", price_amount: price.price_amount };
    case "custom":
      return {
        ...head,
        amount_type: "custom",
        minimum_amount: price.minimum_amount,
        maximum_amount: price.maximum_amount,
        preset_amount: price.preset_amount,
      };
    case "seat_based":
      return {
        ...head,
        amount_type: "seat_based",
        seat_tiers: structuredClone(price.seat_tiers),
      } as PriceWire;
    case "metered_unit": {
      const meter = partition.meters.get(price.meter_id);
      return {
        ...head,
        amount_type: "metered_unit",
        unit_amount: price.unit_amount,
        cap_amount: price.cap_amount,
        meter_id: price.meter_id,
        meter: {
          id: price.meter_id,
          name: meter?.name ?? "",
          unit: meter?.unit ?? "scalar",
          custom_label: meter?.custom_label ?? null,
          custom_multiplier: meter?.custom_multiplier ?? null,
        },
      };
    }
  }
}

/**
 * The prices a product shows: catalog prices that are not archived, in the order of Polar's
 * `Product.prices` relationship (models/product.py): fixed and custom first, then metered, then
 * the others (a NULL sort key, last in ascending order), each group by creation.
 */
export function visiblePrices(product: ProductRecord): PriceRecord[] {
  const group = (price: PriceRecord): number =>
    price.amount_type === "fixed" || price.amount_type === "custom"
      ? 0
      : price.amount_type === "metered_unit"
        ? 1
        : 2;
  return product.prices
    .filter((price) => !price.is_archived && price.source === "catalog")
    .map((price, position) => ({ price, position }))
    .sort(
      (a, b) =>
        group(a.price) - group(b.price) ||
        a.price.created_at.getTime() - b.price.created_at.getTime() ||
        a.position - b.position,
    )
    .map(({ price }) => price);
}

export function serializeProduct(partition: Partition, product: ProductRecord): ProductWire {
  return productWire(
    partition,
    product,
    visiblePrices(product).map((price) => serializePrice(partition, price)),
  );
}

/**
 * The product as Polar answers its creation (and sends it in `product.created`): the objects
 * still in memory, so prices in the order they were sent, not yet re-read from the database.
 */
export function serializeProductWithPrices(
  partition: Partition,
  product: ProductRecord,
  prices: PriceWire[],
): ProductWire {
  return productWire(partition, product, prices);
}

/**
 * The fields every product shape shares (product/schemas.py `ProductBase`), in its order: the
 * product itself and the `DiscountProduct` of a discount (which puts `metadata` first).
 */
export function productBaseWire(product: ProductRecord): Omit<Schemas["DiscountProduct"], "metadata"> {
  return {
    id: product.id,
    created_at: iso(product.created_at),
    modified_at: isoOrNull(product.modified_at),
    trial_interval: product.trial_interval,
    trial_interval_count: product.trial_interval_count,
    name: product.name,
    description: product.description,
    visibility: product.visibility,
    recurring_interval: product.recurring_interval,
    recurring_interval_count: product.recurring_interval_count,
    meter_interval: product.meter_interval,
    meter_interval_count: product.meter_interval_count,
    is_recurring: product.recurring_interval !== null,
    is_archived: product.is_archived,
    organization_id: product.organization_id,
  };
}

/**
 * `Product.is_deletable`: whether the product can be deleted for good, which Polar refuses for a
 * product an order, a subscription, a trial or a discount refers to: the subscriptions and
 * orders it ever had, and the discounts (not deleted) that name it.
 */
function isDeletable(partition: Partition, product: ProductRecord): boolean {
  if (partition.subscriptions.hasProduct(product.id)) return false;
  for (const order of partition.orders.values()) if (order.product_id === product.id) return false;
  for (const discount of partition.discounts.values()) {
    if (discount.deleted_at === null && discount.product_ids.includes(product.id)) return false;
  }
  return true;
}

function productWire(partition: Partition, product: ProductRecord, prices: PriceWire[]): ProductWire {
  const benefits: BenefitWire[] = [];
  for (const id of product.benefit_ids) {
    const benefit = partition.benefits.get(id);
    if (benefit && !benefit.is_deleted) benefits.push(serializeBenefit(benefit));
  }
  return {
    ...productBaseWire(product),
    metadata: { ...product.metadata },
    is_deletable: isDeletable(partition, product),
    prices,
    benefits,
    medias: [],
    attached_custom_fields: [],
  };
}
