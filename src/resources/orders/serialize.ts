/**
 * The public Order object (order/schemas.py `Order`), key for key in the spec's order, with the
 * customer, product, discount and subscription embedded as Polar embeds them, and the computed
 * `refundable_amount` / `refundable_tax_amount`.
 */
import type { Schemas } from "../../domain/wire.js";
import { iso, isoOrNull } from "../../util/time.js";
import type { Partition } from "../context.js";
import { serializeCustomer } from "../customers/serialize.js";
import { serializeDiscountBase } from "../discounts/serialize.js";
import { productBaseWire } from "../products/serialize.js";
import type { SubscriptionRecord } from "../subscriptions/table.js";
import { type OrderItemRecord, type OrderRecord, PAID } from "./table.js";

export type OrderWire = Schemas["Order"];
type OrderSubscriptionWire = Schemas["OrderSubscription"];

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
    created_at: iso(subscription.created_at),
    modified_at: isoOrNull(subscription.modified_at),
    id: subscription.id,
    amount: subscription.amount,
    currency: subscription.currency,
    recurring_interval: subscription.recurring_interval,
    recurring_interval_count: subscription.recurring_interval_count,
    status: subscription.status,
    current_period_start: iso(subscription.current_period_start),
    current_period_end: iso(subscription.current_period_end),
    current_meter_period_start: isoOrNull(subscription.current_meter_period_start),
    current_meter_period_end: isoOrNull(subscription.current_meter_period_end),
    trial_start: isoOrNull(subscription.trial_start),
    trial_end: isoOrNull(subscription.trial_end),
    cancel_at_period_end: subscription.cancel_at_period_end,
    canceled_at: isoOrNull(subscription.canceled_at),
    started_at: isoOrNull(subscription.started_at),
    ends_at: isoOrNull(subscription.ends_at),
    ended_at: isoOrNull(subscription.ended_at),
    past_due_at: isoOrNull(subscription.past_due_at),
    pause_at_period_end: subscription.pause_at_period_end,
    paused_at: isoOrNull(subscription.paused_at),
    resumes_at: isoOrNull(subscription.resumes_at),
    customer_id: subscription.customer_id,
    product_id: subscription.product_id,
    discount_id: subscription.discount_id,
    checkout_id: subscription.checkout_id,
    seats: subscription.seats,
    // Units of a unit-based price: the emulator has none.
    units: null,
    customer_cancellation_reason: subscription.customer_cancellation_reason,
    customer_cancellation_comment: subscription.customer_cancellation_comment,
  };
}

export function serializeOrder(partition: Partition, order: OrderRecord): OrderWire {
  const customer = partition.customers.get(order.customer_id);
  if (!customer) throw new Error(`[polar-emulator] order ${order.id} has no customer`);
  const product = order.product_id === null ? undefined : partition.products.get(order.product_id);
  const subscription =
    order.subscription_id === null ? undefined : partition.subscriptions.get(order.subscription_id);
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
    discount_id: order.discount_id,
    subscription_id: order.subscription_id,
    checkout_id: order.checkout_id,
    next_payment_attempt_at: isoOrNull(order.next_payment_attempt_at),
    metadata: { ...order.metadata },
    custom_field_data: { ...order.custom_field_data },
    platform_fee_amount: order.platform_fee_amount,
    platform_fee_currency: order.platform_fee_currency,
    customer: serializeCustomer(customer),
    product: product ? { metadata: { ...product.metadata }, ...productBaseWire(product) } : null,
    discount: serializeDiscountBase(partition, order.discount_id),
    subscription: subscription ? serializeOrderSubscription(subscription) : null,
    items: order.items.map(serializeItem),
    description: orderDescription(partition, order),
    refundable_amount: refundableAmount(order),
    refundable_tax_amount: refundableTaxAmount(order),
  };
}
