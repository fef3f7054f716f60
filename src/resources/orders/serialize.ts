/**
 * The public Order object (order/schemas.py `Order`), key for key in the spec's order, with the
 * customer, product, discount and subscription embedded as Polar embeds them, and the computed
 * `refundable_amount` / `refundable_tax_amount`.
 */
import type { Schemas } from "../../domain/wire.js";
import { iso, isoOrNull } from "../../util/time.js";
import type { Partition } from "../context.js";
import { avatarUrl, serializeCustomer } from "../customers/serialize.js";
import { serializeDiscountBase } from "../discounts/serialize.js";
import { type PriceWire, productBaseWire, serializePrice } from "../products/serialize.js";
import { subscriptionBase } from "../subscriptions/serialize.js";
import type { SubscriptionRecord } from "../subscriptions/table.js";
import { type OrderItemRecord, type OrderRecord, PAID } from "./table.js";

/**
 * Fields Polar still sends though its schema hides them (`SkipJsonSchema`, deprecated, in
 * order/schemas.py): older clients require some (`@polar-sh/sdk` 0.32's Order: `amount`,
 * `user_id`, so `@polar-sh/express` 0.3 parses order webhooks only with them).
 */
interface LegacyOrderFields {
  product_price_id: string | null;
  user_id: string;
  user: {
    id: string;
    email: string | null;
    public_name: string;
    avatar_url: string | null;
    github_username: null;
  };
  product_price: PriceWire | null;
  amount: number;
  from_balance_amount: number;
}

export type OrderWire = Schemas["Order"] & LegacyOrderFields;
type OrderSubscriptionWire = Schemas["OrderSubscription"];

/** Python's `text[0]`: the first code point, or undefined for no (or empty) text. */
function firstCharacter(text: string | null): string | undefined {
  return text ? Array.from(text)[0] : undefined;
}

export function totalAmount(order: OrderRecord): number {
  return order.net_amount + order.tax_amount;
}

/** What is still to be paid: never below 0 (a positive balance may cover it). */
export function dueAmount(order: OrderRecord): number {
  return Math.max(0, totalAmount(order) + order.applied_balance_amount);
}

/** Net amount that can still be refunded (`Order.refundable_amount`). */
export function refundableAmount(order: OrderRecord): number {
  return Math.max(0, order.net_amount + order.applied_balance_amount - order.refunded_amount);
}

export function refundableTaxAmount(order: OrderRecord): number {
  return Math.max(0, order.tax_amount - order.refunded_tax_amount);
}

/** `Order.description`: the product's name, else the first item's label. */
export function orderDescription(partition: Partition, order: OrderRecord): string {
  const product = order.product_id === null ? undefined : partition.products.get(order.product_id);
  return product?.name ?? order.items[0]?.label ?? "";
}

function serializeItem(item: OrderItemRecord): Schemas["OrderItemSchema"] {
  return {
    created_at: iso(item.created_at),
    modified_at: isoOrNull(item.modified_at),
    id: item.id,
    label: item.label,
    amount: item.amount,
    tax_amount: item.tax_amount,
    proration: item.proration,
    product_price_id: item.product_price_id,
    start_timestamp: isoOrNull(item.start_timestamp),
    end_timestamp: isoOrNull(item.end_timestamp),
  };
}

export function serializeOrderSubscription(subscription: SubscriptionRecord): OrderSubscriptionWire {
  return {
    metadata: { ...subscription.metadata },
    ...subscriptionBase(subscription),
  };
}

export function serializeOrder(partition: Partition, order: OrderRecord): OrderWire {
  const customer = partition.customers.get(order.customer_id);
  if (!customer) throw new Error(`[polar-emulator] order ${order.id} has no customer`);
  const product = order.product_id === null ? undefined : partition.products.get(order.product_id);
  const subscription =
    order.subscription_id === null ? undefined : partition.subscriptions.get(order.subscription_id);
  // `legacy_product_price`: the first item's price, for an order of a product.
  const priceId = product
    ? (order.items.find((item) => item.product_price_id !== null)?.product_price_id ?? null)
    : null;
  const price = priceId === null ? undefined : product?.prices.find((candidate) => candidate.id === priceId);
  return {
    id: order.id,
    created_at: iso(order.created_at),
    modified_at: isoOrNull(order.modified_at),
    status: order.status,
    paid: PAID.has(order.status),
    subtotal_amount: order.subtotal_amount,
    discount_amount: order.discount_amount,
    net_amount: order.net_amount,
    tax_amount: order.tax_amount,
    total_amount: totalAmount(order),
    applied_balance_amount: order.applied_balance_amount,
    due_amount: dueAmount(order),
    refunded_amount: order.refunded_amount,
    refunded_tax_amount: order.refunded_tax_amount,
    currency: order.currency,
    billing_reason: order.billing_reason,
    billing_name: order.billing_name,
    billing_address: order.billing_address === null ? null : { ...order.billing_address },
    invoice_number: order.invoice_number,
    is_invoice_generated: order.invoice_generated,
    receipt_number: order.receipt_number,
    seats: order.seats,
    units: null,
    customer_id: order.customer_id,
    product_id: order.product_id,
    product_price_id: price ? price.id : null,
    discount_id: order.discount_id,
    subscription_id: order.subscription_id,
    checkout_id: order.checkout_id,
    next_payment_attempt_at: isoOrNull(order.next_payment_attempt_at),
    metadata: { ...order.metadata },
    custom_field_data: { ...order.custom_field_data },
    platform_fee_amount: order.platform_fee_amount,
    platform_fee_currency: order.platform_fee_currency,
    customer: serializeCustomer(customer),
    // `legacy_user_id`: the customer's own id (the emulator's customers were never users).
    user_id: customer.id,
    user: {
      id: customer.id,
      email: customer.email,
      public_name: firstCharacter(customer.name) ?? firstCharacter(customer.email) ?? "?",
      avatar_url: avatarUrl(customer.email),
      github_username: null,
    },
    product: product ? { metadata: { ...product.metadata }, ...productBaseWire(product) } : null,
    product_price: price ? serializePrice(partition, price) : null,
    discount: serializeDiscountBase(partition, order.discount_id),
    subscription: subscription ? serializeOrderSubscription(subscription) : null,
    items: order.items.map(serializeItem),
    description: orderDescription(partition, order),
    amount: order.net_amount,
    from_balance_amount: order.applied_balance_amount,
    refundable_amount: refundableAmount(order),
    refundable_tax_amount: refundableTaxAmount(order),
  };
}
