/** The public Subscription object and a subscription's CustomerStateSubscription, in the spec's key order. */
import type { Schemas } from "../../domain/wire.js";
import { iso, isoOrNull } from "../../util/time.js";
import type { Partition } from "../context.js";
import { serializeCustomer } from "../customers/serialize.js";
import { serializeDiscountBase } from "../discounts/serialize.js";
import { serializeMeter } from "../meters/serialize.js";
import { serializePrice, serializeProduct } from "../products/serialize.js";
import type { MeteredUnitPriceRecord } from "../products/table.js";
import type { SubscriptionMeterRecord, SubscriptionRecord } from "./table.js";

export type SubscriptionWire = Schemas["Subscription"];

/**
 * A subscription's own fields, as Polar's SubscriptionBase serializes them: the Subscription and
 * the subscription an order embeds (OrderSubscription, which puts `metadata` first) share them.
 */
export function subscriptionBase(subscription: SubscriptionRecord) {
  return {
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
    // Units of a unit-based price: the emulator has none, so null as Polar sends for the others.
    units: null,
    customer_cancellation_reason: subscription.customer_cancellation_reason,
    customer_cancellation_comment: subscription.customer_cancellation_comment,
  };
}

/** What a subscription meter shows: the customer's units on that meter and what they cost. */
function subscriptionMeterValues(
  partition: Partition,
  subscription: SubscriptionRecord,
  meter: SubscriptionMeterRecord,
) {
  const customerMeter = partition.customerMeters.find(subscription.customer_id, meter.meter_id);
  const consumed = customerMeter?.consumed_units ?? 0;
  const credited = customerMeter?.credited_units ?? 0;
  const product = partition.products.get(subscription.product_id);
  const price = product?.prices.find(
    (candidate): candidate is MeteredUnitPriceRecord =>
      candidate.amount_type === "metered_unit" && candidate.meter_id === meter.meter_id,
  );
  let amount = 0;
  if (price) {
    // Units beyond the credits are billed; the amount is in cents, capped by `cap_amount`.
    const billable = Math.max(0, consumed - credited);
    amount = Math.round(billable * Number(price.unit_amount));
    if (price.cap_amount !== null) amount = Math.min(amount, price.cap_amount);
  }
  return {
    created_at: iso(meter.created_at),
    modified_at: isoOrNull(customerMeter?.modified_at ?? meter.modified_at),
    id: meter.id,
    consumed_units: consumed,
    credited_units: credited,
    amount,
    meter_id: meter.meter_id,
  };
}

function serializeSubscriptionMeter(
  partition: Partition,
  subscription: SubscriptionRecord,
  meter: SubscriptionMeterRecord,
): Schemas["SubscriptionMeter"] {
  const record = partition.meters.get(meter.meter_id);
  if (!record) throw new Error(`[polar-emulator] subscription ${subscription.id} has an unknown meter`);
  return { ...subscriptionMeterValues(partition, subscription, meter), meter: serializeMeter(record) };
}

export function serializeSubscription(
  partition: Partition,
  subscription: SubscriptionRecord,
): SubscriptionWire {
  const customer = partition.customers.get(subscription.customer_id);
  const product = partition.products.get(subscription.product_id);
  if (!customer || !product) {
    throw new Error(`[polar-emulator] subscription ${subscription.id} points at a missing object`);
  }
  const prices = product.prices.filter((price) => subscription.price_ids.includes(price.id));
  return {
    ...subscriptionBase(subscription),
    metadata: { ...subscription.metadata },
    custom_field_data: { ...subscription.custom_field_data },
    customer: serializeCustomer(customer),
    product: serializeProduct(partition, product),
    discount: serializeDiscountBase(partition, subscription.discount_id),
    prices: prices.map((price) => serializePrice(partition, price)),
    meters: subscription.meters.map((meter) => serializeSubscriptionMeter(partition, subscription, meter)),
    pending_update: null,
  };
}

export function serializeStateSubscription(
  partition: Partition,
  subscription: SubscriptionRecord,
): Schemas["CustomerStateSubscription"] {
  return {
    id: subscription.id,
    created_at: iso(subscription.created_at),
    modified_at: isoOrNull(subscription.modified_at),
    custom_field_data: { ...subscription.custom_field_data },
    metadata: { ...subscription.metadata },
    status: subscription.status as "active" | "trialing",
    amount: subscription.amount,
    currency: subscription.currency,
    recurring_interval: subscription.recurring_interval,
    current_period_start: iso(subscription.current_period_start),
    current_period_end: iso(subscription.current_period_end),
    trial_start: isoOrNull(subscription.trial_start),
    trial_end: isoOrNull(subscription.trial_end),
    cancel_at_period_end: subscription.cancel_at_period_end,
    canceled_at: isoOrNull(subscription.canceled_at),
    started_at: isoOrNull(subscription.started_at),
    ends_at: isoOrNull(subscription.ends_at),
    product_id: subscription.product_id,
    discount_id: subscription.discount_id,
    seats: subscription.seats,
    units: null,
    meters: subscription.meters.map((meter) => subscriptionMeterValues(partition, subscription, meter)),
  };
}
