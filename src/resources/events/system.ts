/**
 * System events: what Polar records itself when something happens to a customer
 * (server/polar/event/system.py `build_system_event`, and the services that call it), listed by
 * `GET /v1/events/` beside the usage events with `source: "system"`. The emulator records the
 * ones its own changes stand for:
 *
 * - `customer.created` (timestamp: the customer's creation), `customer.updated` (with the fields
 *   the update changed), `customer.deleted` (customer/repository.py, customer/tasks.py);
 * - `benefit.granted`, `benefit.revoked`, `benefit.cycled` (benefit/grant/service.py), after the
 *   benefit's own events;
 * - `meter.credited` and `meter.reset` (benefit/strategies/meter_credit/service.py,
 *   subscription/service.py `reset_meter`): every credit and every reset of a customer meter;
 * - `subscription.created` (timestamp: the subscription's creation), `subscription.cycled`,
 *   `subscription.canceled`, `subscription.uncanceled`, `subscription.revoked`,
 *   `subscription.past_due`, `subscription.reactivated` (subscription/service.py).
 *
 * A system event's metadata keys are those of its TypedDict, in their declared order (pydantic
 * serializes a TypedDict so); dates in it are Python's `isoformat()`. Its id is derived from the
 * organization, its place among the organization's system events and what it says, so recording
 * one draws nothing from the seeded random sequence.
 */
import { jsonbOrdered } from "../../domain/jsonb.js";
import type { Schemas } from "../../domain/wire.js";
import { derivedUuid } from "../../util/derived-id.js";
import { pythonIsoformat } from "../../util/time.js";
import type { Ctx } from "../context.js";
import type { CustomerRecord } from "../customers/table.js";
import type { SystemEventRecord } from "./table.js";

export type SystemEventName = Schemas["SystemEvent"]["name"];

/** Every system event name Polar's API documents (`SystemEvent` of the served spec). */
export const SYSTEM_EVENT_NAMES: readonly SystemEventName[] = [
  "meter.credited",
  "meter.reset",
  "benefit.granted",
  "benefit.cycled",
  "benefit.updated",
  "benefit.revoked",
  "subscription.created",
  "subscription.updated",
  "subscription.cycled",
  "subscription.canceled",
  "subscription.revoked",
  "subscription.past_due",
  "subscription.reactivated",
  "subscription.reinstated",
  "subscription.paused",
  "subscription.resumed",
  "subscription.uncanceled",
  "subscription.product_updated",
  "subscription.seats_updated",
  "subscription.billing_period_updated",
  "subscription.update_cleared",
  "order.paid",
  "order.refunded",
  "order.voided",
  "order.unvoided",
  "checkout.created",
  "customer.created",
  "customer.updated",
  "customer.deleted",
  "balance.order",
  "balance.credit_order",
  "balance.refund",
  "balance.refund_reversal",
  "balance.dispute",
  "balance.dispute_reversal",
];

/** Polar's SYSTEM_EVENT_LABELS: the label of every system event, whatever its event type says. */
export const SYSTEM_EVENT_LABELS: Readonly<Record<string, string>> = {
  "benefit.granted": "Benefit Granted",
  "benefit.cycled": "Benefit Cycled",
  "benefit.updated": "Benefit Updated",
  "benefit.revoked": "Benefit Revoked",
  "subscription.created": "Subscription Created",
  "subscription.updated": "Subscription Updated",
  "subscription.canceled": "Subscription Canceled",
  "subscription.cycled": "Subscription Cycled",
  "subscription.revoked": "Subscription Revoked",
  "subscription.past_due": "Subscription Past Due",
  "subscription.reactivated": "Subscription Reactivated",
  "subscription.reinstated": "Subscription Reinstated",
  "subscription.paused": "Subscription Paused",
  "subscription.resumed": "Subscription Resumed",
  "subscription.uncanceled": "Subscription Uncanceled",
  "subscription.product_updated": "Subscription Product Updated",
  "order.paid": "Order Paid",
  "order.refunded": "Order Refunded",
  "order.voided": "Order Voided",
  "order.unvoided": "Order Unvoided",
  "checkout.created": "Checkout Created",
  "subscription.seats_updated": "Subscription Seats Updated",
  "subscription.units_updated": "Subscription Units Updated",
  "subscription.billing_period_updated": "Subscription Billing Period Updated",
  "subscription.update_cleared": "Subscription Update Cleared",
  "customer.created": "Customer Created",
  "customer.updated": "Customer Updated",
  "customer.deleted": "Customer Deleted",
  "meter.credited": "Meter Credited",
  "meter.reset": "Meter Reset",
  "balance.order": "Balance Order",
  "balance.credit_order": "Balance Credit Order",
  "balance.refund": "Balance Refund",
  "balance.refund_reversal": "Balance Refund Reversal",
  "balance.dispute": "Balance Dispute",
  "balance.dispute_reversal": "Balance Dispute Reversal",
};

/**
 * Records a system event about a customer. `timestamp` defaults to now (Polar's column default);
 * `customer.created` and `subscription.created` pass the object's creation time.
 */
export function recordSystemEvent(
  ctx: Ctx,
  customer: CustomerRecord,
  name: SystemEventName,
  metadata: Record<string, unknown>,
  timestamp?: Date,
): SystemEventRecord {
  const partition = ctx.store.partition(customer.organization_id);
  const now = ctx.clock.now();
  const at = timestamp ?? now;
  const position = partition.usage.systemEvents.length;
  const event: SystemEventRecord = {
    id: derivedUuid(
      `${customer.organization_id}:system-event:${position}:${name}:${customer.id}:${at.toISOString()}:${JSON.stringify(metadata)}`,
    ),
    organization_id: customer.organization_id,
    name,
    timestamp: at,
    customer_id: customer.id,
    metadata,
    ingested_at: now,
    recorded_after: partition.usage.events.length,
  };
  partition.usage.appendSystem(event);
  return event;
}

// --- the metadata of each kind, as Polar builds it --------------------------------------------

/** Polar's `saved_external_id`: the external id, or the one a deleted customer kept in its metadata. */
function savedExternalId(customer: CustomerRecord): string | null {
  if (customer.external_id !== null) return customer.external_id;
  const kept = customer.metadata.__external_id;
  return typeof kept === "string" ? kept : null;
}

/** `customer.created` and `customer.deleted`: who the customer is now. */
export function customerMetadata(customer: CustomerRecord): Record<string, unknown> {
  return {
    customer_id: customer.id,
    customer_email: customer.email,
    customer_name: customer.name,
    customer_external_id: savedExternalId(customer),
  };
}

/**
 * `customer.updated`: who the customer is now, and the fields the update changed (the new
 * metadata as jsonb gives it back: its keys shorter first).
 */
export function customerUpdatedMetadata(
  customer: CustomerRecord,
  updatedFields: Record<string, unknown>,
): Record<string, unknown> {
  const fields =
    "metadata" in updatedFields
      ? { ...updatedFields, metadata: jsonbOrdered(updatedFields.metadata) }
      : updatedFields;
  return { ...customerMetadata(customer), updated_fields: fields };
}

/** `benefit.*`: the benefit and the grant. */
export function benefitGrantMetadata(grant: {
  id: string;
  benefit_id: string;
  member_id: string | null;
  benefitType: string;
}): Record<string, unknown> {
  return {
    benefit_id: grant.benefit_id,
    benefit_grant_id: grant.id,
    benefit_type: grant.benefitType,
    ...(grant.member_id === null ? {} : { member_id: grant.member_id }),
  };
}

export function meterCreditedMetadata(
  meterId: string,
  units: number,
  rollover: boolean,
): Record<string, unknown> {
  return { meter_id: meterId, units, rollover };
}

export function meterResetMetadata(meterId: string): Record<string, unknown> {
  return { meter_id: meterId };
}

/** The subscription fields most subscription events carry. */
interface SubscriptionFacts {
  id: string;
  product_id: string;
  amount: number;
  currency: string;
  recurring_interval: string;
  recurring_interval_count: number;
  started_at: Date | null;
  canceled_at: Date | null;
  ends_at: Date | null;
  past_due_at: Date | null;
  cancel_at_period_end: boolean;
  customer_cancellation_reason: string | null;
  customer_cancellation_comment: string | null;
}

function subscriptionBase(subscription: SubscriptionFacts): Record<string, unknown> {
  return {
    subscription_id: subscription.id,
    product_id: subscription.product_id,
    amount: subscription.amount,
    currency: subscription.currency,
    recurring_interval: subscription.recurring_interval,
    recurring_interval_count: subscription.recurring_interval_count,
  };
}

export type SubscriptionSystemEvent =
  | "subscription.created"
  | "subscription.cycled"
  | "subscription.canceled"
  | "subscription.uncanceled"
  | "subscription.revoked"
  | "subscription.past_due"
  | "subscription.reactivated";

/** The metadata of a subscription event, keys in the order of its TypedDict. */
export function subscriptionMetadata(
  name: SubscriptionSystemEvent,
  subscription: SubscriptionFacts,
): Record<string, unknown> {
  const base = subscriptionBase(subscription);
  switch (name) {
    case "subscription.created":
      return {
        ...base,
        started_at: subscription.started_at === null ? null : pythonIsoformat(subscription.started_at),
      };
    case "subscription.past_due": {
      const { subscription_id, product_id, ...rest } = base;
      return {
        subscription_id,
        product_id,
        past_due_at: subscription.past_due_at === null ? null : pythonIsoformat(subscription.past_due_at),
        ...rest,
      };
    }
    case "subscription.canceled":
      return {
        ...base,
        ...(subscription.customer_cancellation_reason === null
          ? {}
          : { customer_cancellation_reason: subscription.customer_cancellation_reason }),
        ...(subscription.customer_cancellation_comment === null
          ? {}
          : { customer_cancellation_comment: subscription.customer_cancellation_comment }),
        canceled_at: subscription.canceled_at === null ? null : pythonIsoformat(subscription.canceled_at),
        ...(subscription.ends_at === null ? {} : { ends_at: pythonIsoformat(subscription.ends_at) }),
        cancel_at_period_end: subscription.cancel_at_period_end,
      };
    default:
      return base;
  }
}
