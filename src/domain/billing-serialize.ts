/**
 * The public Subscription, BenefitGrant and CustomerState objects, key for key in the spec's order.
 * Customer state follows facts section 6: active and trialing subscriptions with their meters,
 * granted (not revoked) benefits, and every customer meter.
 */
import type {
  CustomerRecord,
  GrantRecord,
  MeteredUnitPriceRecord,
  OrganizationPartition,
  SubscriptionMeterRecord,
  SubscriptionRecord,
} from "../store/store.js";
import { iso, isoOrNull } from "../util/time.js";
import { serializeBenefit, serializePrice, serializeProduct } from "./catalog-serialize.js";
import { serializeCustomer } from "./customer-serialize.js";
import { serializeCustomerStateMeter, serializeMeter } from "./meter-serialize.js";
import type {
  BenefitGrantWire,
  CustomerStateBenefitGrantWire,
  CustomerStateSubscriptionWire,
  CustomerStateWire,
  SubscriptionMeterWire,
  SubscriptionWire,
} from "./wire.js";

/** What a subscription meter shows: the customer's units on that meter and what they cost. */
function subscriptionMeterValues(
  partition: OrganizationPartition,
  subscription: SubscriptionRecord,
  meter: SubscriptionMeterRecord,
) {
  const customerMeter = partition.customerMeterByKey.get(`${subscription.customer_id}:${meter.meter_id}`);
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
  partition: OrganizationPartition,
  subscription: SubscriptionRecord,
  meter: SubscriptionMeterRecord,
): SubscriptionMeterWire {
  const record = partition.meters.get(meter.meter_id);
  if (!record) throw new Error(`[polar-emulator] subscription ${subscription.id} has an unknown meter`);
  return { ...subscriptionMeterValues(partition, subscription, meter), meter: serializeMeter(record) };
}

export function serializeSubscription(
  partition: OrganizationPartition,
  subscription: SubscriptionRecord,
): SubscriptionWire {
  const customer = partition.customers.get(subscription.customer_id);
  const product = partition.products.get(subscription.product_id);
  if (!customer || !product) {
    throw new Error(`[polar-emulator] subscription ${subscription.id} points at a missing object`);
  }
  const prices = product.prices.filter((price) => subscription.price_ids.includes(price.id));
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
    customer_cancellation_reason: subscription.customer_cancellation_reason,
    customer_cancellation_comment: subscription.customer_cancellation_comment,
    metadata: { ...subscription.metadata },
    custom_field_data: { ...subscription.custom_field_data },
    customer: serializeCustomer(customer),
    product: serializeProduct(partition, product),
    discount: null,
    prices: prices.map((price) => serializePrice(partition, price)),
    meters: subscription.meters.map((meter) => serializeSubscriptionMeter(partition, subscription, meter)),
    pending_update: null,
  };
}

export function serializeGrant(partition: OrganizationPartition, grant: GrantRecord): BenefitGrantWire {
  const customer = partition.customers.get(grant.customer_id);
  const benefit = partition.benefits.get(grant.benefit_id);
  if (!customer || !benefit) {
    throw new Error(`[polar-emulator] grant ${grant.id} points at a missing object`);
  }
  return {
    created_at: iso(grant.created_at),
    modified_at: isoOrNull(grant.modified_at),
    id: grant.id,
    granted_at: isoOrNull(grant.granted_at),
    is_granted: grant.granted_at !== null,
    revoked_at: isoOrNull(grant.revoked_at),
    is_revoked: grant.revoked_at !== null,
    subscription_id: grant.subscription_id,
    order_id: grant.order_id,
    customer_id: grant.customer_id,
    member_id: grant.member_id,
    benefit_id: grant.benefit_id,
    error: null,
    customer: serializeCustomer(customer),
    member: null,
    benefit: serializeBenefit(benefit),
    properties: structuredClone(grant.properties),
  } as BenefitGrantWire;
}

/** Subscriptions that appear in the customer state and count as "active" for customer lists. */
export function inState(subscription: SubscriptionRecord): boolean {
  return subscription.status === "active" || subscription.status === "trialing";
}

function stateSubscription(
  partition: OrganizationPartition,
  subscription: SubscriptionRecord,
): CustomerStateSubscriptionWire {
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
    meters: subscription.meters.map((meter) => subscriptionMeterValues(partition, subscription, meter)),
  };
}

function stateGrant(partition: OrganizationPartition, grant: GrantRecord): CustomerStateBenefitGrantWire {
  const benefit = partition.benefits.get(grant.benefit_id);
  if (!benefit || grant.granted_at === null) {
    throw new Error(`[polar-emulator] grant ${grant.id} cannot appear in a customer state`);
  }
  return {
    id: grant.id,
    created_at: iso(grant.created_at),
    modified_at: isoOrNull(grant.modified_at),
    granted_at: iso(grant.granted_at),
    benefit_id: grant.benefit_id,
    benefit_type: benefit.type,
    benefit_metadata: { ...benefit.metadata },
    properties: structuredClone(grant.properties),
  } as CustomerStateBenefitGrantWire;
}

export function serializeCustomerState(
  partition: OrganizationPartition,
  customer: CustomerRecord,
): CustomerStateWire {
  return {
    ...serializeCustomer(customer),
    active_subscriptions: partition
      .subscriptionsOf(customer.id)
      .filter(inState)
      .map((subscription) => stateSubscription(partition, subscription)),
    granted_benefits: partition
      .grantsOf(customer.id)
      .filter((grant) => grant.granted_at !== null)
      .map((grant) => stateGrant(partition, grant)),
    active_meters: partition.customerMetersOf(customer.id).map(serializeCustomerStateMeter),
  } as CustomerStateWire;
}
