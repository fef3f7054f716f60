/** The public CheckoutLink object (checkout_link/schemas.py), key for key in the spec's order. */
import type { Schemas } from "../../domain/wire.js";
import { iso, isoOrNull } from "../../util/time.js";
import { serializeBenefit } from "../benefits/serialize.js";
import type { Partition } from "../context.js";
import { serializeDiscount } from "../discounts/serialize.js";
import { productBaseWire, serializePrice, visiblePrices } from "../products/serialize.js";
import type { ProductRecord } from "../products/table.js";
import type { CheckoutLinkRecord } from "./table.js";

export type CheckoutLinkWire = Schemas["CheckoutLink"];

/** `CHECKOUT_BASE_URL`: the API's redirect route, which opens a new checkout session. */
export function checkoutLinkUrl(base: string, link: CheckoutLinkRecord): string {
  return `${base.replace(/\/+$/, "")}/v1/checkout-links/${link.client_secret}/redirect`;
}

function linkProduct(partition: Partition, product: ProductRecord): Schemas["CheckoutLinkProduct"] {
  const benefits: Schemas["BenefitPublic"][] = [];
  for (const id of product.benefit_ids) {
    const benefit = partition.benefits.get(id);
    if (!benefit || benefit.is_deleted) continue;
    const wire = serializeBenefit(benefit);
    benefits.push({
      id: wire.id,
      created_at: wire.created_at,
      modified_at: wire.modified_at,
      type: wire.type,
      description: wire.description,
      selectable: wire.selectable,
      deletable: wire.deletable,
      is_deleted: wire.is_deleted,
      organization_id: wire.organization_id,
    });
  }
  return {
    metadata: { ...product.metadata },
    ...productBaseWire(product),
    prices: visiblePrices(product).map((price) => serializePrice(partition, price)),
    benefits,
    medias: [],
  };
}

export function serializeCheckoutLink(
  partition: Partition,
  link: CheckoutLinkRecord,
  base: string,
): CheckoutLinkWire {
  const products = link.product_ids.flatMap((id) => {
    const product = partition.products.get(id);
    return product ? [linkProduct(partition, product)] : [];
  });
  const discount = link.discount_id ? partition.discounts.get(link.discount_id) : undefined;
  let discountWire: CheckoutLinkWire["discount"] = null;
  if (discount && discount.deleted_at === null) {
    const { products: _products, ...rest } = serializeDiscount(partition, discount);
    discountWire = rest as CheckoutLinkWire["discount"];
  }
  return {
    id: link.id,
    created_at: iso(link.created_at),
    modified_at: isoOrNull(link.modified_at),
    trial_interval: link.trial_interval,
    trial_interval_count: link.trial_interval_count,
    metadata: { ...link.metadata },
    payment_processor: "stripe",
    client_secret: link.client_secret,
    success_url: link.success_url,
    return_url: link.return_url,
    label: link.label,
    allow_discount_codes: link.allow_discount_codes,
    require_billing_address: link.require_billing_address,
    discount_id: discountWire ? link.discount_id : null,
    seats: link.seats,
    units: null,
    organization_id: link.organization_id,
    products,
    discount: discountWire,
    url: checkoutLinkUrl(base, link),
  };
}
