/**
 * Subscriptions and every transition of their lifecycle, with their events in Polar's order
 * (server/polar/subscription/service.py):
 *
 * - created: `subscription.created`, `subscription.active` (active or trialing), state changed;
 * - any update: `subscription.updated` first, then what the change means: `active` (became active
 *   or trialing from another status), `uncanceled`, `past_due`, `canceled` (newly canceled, or
 *   revoked after a scheduled cancellation), `revoked` (became canceled/unpaid); then
 *   `customer.state_changed`;
 * - a renewal (cycle) sends `subscription.cycled` before all of that.
 *
 * Benefits follow the status afterwards, as Polar's grant jobs do: granted while active or
 * trialing, revoked otherwise, each grant with its own events.
 */

import { type DomainEventType, emit } from "../../domain/events.js";
import {
  AlreadyCanceledSubscription,
  BadRequest,
  PolarRequestValidationError,
  ResourceUnavailable,
} from "../../errors.js";
import type { Metadata } from "../../store/store.js";
import { nextPeriod } from "../../util/period.js";
import type { Ctx } from "../context.js";
import { resetCustomerMeter } from "../customer-meters/service.js";
import { revokeSubscriptionSeats } from "../customer-seats/service.js";
import { upgradeToTeam } from "../customers/service.js";
import { publishCustomerState } from "../customers/state.js";
import type { CustomerRecord } from "../customers/table.js";
import { isRepetitionExpired } from "../discounts/duration.js";
import type { DiscountRecord } from "../discounts/table.js";
import { recordSystemEvent, type SubscriptionSystemEvent, subscriptionMetadata } from "../events/system.js";
import { cycleGrant, grantBenefit, revokeBenefit } from "../grants/service.js";
import { DEFAULT_PRESENTMENT_CURRENCY } from "../products/prices.js";
import type { PriceRecord, ProductRecord } from "../products/table.js";
import { serializeSubscription } from "./serialize.js";
import type { CancellationReason, SubscriptionRecord, SubscriptionStatus } from "./table.js";

export interface StartSubscriptionInput {
  product: ProductRecord;
  /** `active` (default) or `trialing`. */
  status?: "active" | "trialing";
  /** When the (first) period starts; now by default. */
  startsAt?: Date;
  /** For a trialing subscription: when the trial ends (default: the product's trial, else 7 days). */
  trialEnd?: Date;
  metadata?: Metadata;
  /** A fixed id (fixtures). */
  id?: string;
  /** The discount the checkout applied (already checked as applicable). */
  discount?: DiscountRecord | null;
  /**
   * How it came to be: `checkout` (the default: what the control plane and fixtures stand for), or
   * `api`, Polar's `SubscriptionService.create` for a free product, which also sends
   * `subscription.updated` after `subscription.active`, makes the customer a team for a seat-based
   * product and grants such a product's benefits through seats, not to the customer.
   */
  origin?: "checkout" | "api";
  /** What a checkout decided (checkouts/complete.ts): its id, seats and amount. */
  fromCheckout?: { checkoutId: string; seats: number | null; amount: number };
  /**
   * What the checkout does once the subscription exists and its events are out, before its
   * benefits are granted: the control plane and fixtures place its first order here.
   */
  onCreated?: (subscription: SubscriptionRecord) => void;
}

export const ACTIVE: ReadonlySet<SubscriptionStatus> = new Set(["trialing", "active"]);
const REVOKED: ReadonlySet<SubscriptionStatus> = new Set(["canceled", "unpaid"]);
const BILLABLE: ReadonlySet<SubscriptionStatus> = new Set(["trialing", "active", "past_due"]);

function subject(subscription: SubscriptionRecord) {
  return {
    organizationId: subscription.organization_id,
    customerId: subscription.customer_id,
    subjectId: subscription.id,
  };
}

function publish(ctx: Ctx, subscription: SubscriptionRecord, type: DomainEventType): void {
  const partition = ctx.store.partition(subscription.organization_id);
  emit(ctx, type, subject(subscription), () => serializeSubscription(partition, subscription));
}

/** The subscription's system event (subscription/service.py), about its customer. */
function record(
  ctx: Ctx,
  customer: CustomerRecord,
  subscription: SubscriptionRecord,
  name: SubscriptionSystemEvent,
  timestamp?: Date,
): void {
  recordSystemEvent(ctx, customer, name, subscriptionMetadata(name, subscription), timestamp);
}

function customerOf(ctx: Ctx, subscription: SubscriptionRecord): CustomerRecord {
  const customer = ctx.store.partition(subscription.organization_id).customers.get(subscription.customer_id);
  if (!customer) throw new Error(`[polar-emulator] subscription ${subscription.id} has no customer`);
  return customer;
}

/** Grants the product's benefits while the subscription is active or trialing, revokes them otherwise. */
function syncBenefits(ctx: Ctx, subscription: SubscriptionRecord, customer: CustomerRecord): void {
  if (customer.deleted_at !== null) return;
  const partition = ctx.store.partition(subscription.organization_id);
  const active = ACTIVE.has(subscription.status);
  const current = new Set(active ? (partition.products.get(subscription.product_id)?.benefit_ids ?? []) : []);
  // Revocations first (grants of benefits the product no longer has, or of an inactive
  // subscription), then grants, as Polar's revoke group runs before its grant callback.
  for (const grant of [...partition.grants.ofCustomer(customer.id)]) {
    if (grant.subscription_id !== subscription.id || grant.granted_at === null) continue;
    if (current.has(grant.benefit_id)) continue;
    const benefit = partition.benefits.get(grant.benefit_id);
    if (benefit) revokeBenefit(ctx, customer, benefit, { subscription });
  }
  for (const benefitId of current) {
    const benefit = partition.benefits.get(benefitId);
    if (benefit && !benefit.is_deleted) grantBenefit(ctx, customer, benefit, { subscription });
  }
}

/** After a product's benefits changed: its active subscriptions grant the new ones and revoke the others. */
export function syncProductSubscriptions(ctx: Ctx, product: ProductRecord): void {
  const partition = ctx.store.partition(product.organization_id);
  for (const subscription of [...partition.subscriptions.values()]) {
    if (subscription.product_id !== product.id || !ACTIVE.has(subscription.status)) continue;
    const customer = partition.customers.get(subscription.customer_id);
    if (customer) syncBenefits(ctx, subscription, customer);
  }
}

function initializeMeterPeriod(subscription: SubscriptionRecord, product: ProductRecord, start: Date | null) {
  if (start === null || product.meter_interval === null || product.meter_interval_count === null) {
    subscription.current_meter_period_start = null;
    subscription.current_meter_period_end = null;
    return;
  }
  subscription.current_meter_period_start = start;
  subscription.current_meter_period_end = nextPeriod(
    start,
    product.meter_interval,
    product.meter_interval_count,
    subscription.anchor_day,
  );
}

/**
 * The prices a subscription takes: the product's live prices in the organization's presentment
 * currency (Polar's `PriceSet.from_product`), or every live price when none is in it.
 */
export function subscriptionPrices(product: ProductRecord): PriceRecord[] {
  const live = product.prices.filter((price) => !price.is_archived);
  const presented = live.filter((price) => price.price_currency === DEFAULT_PRESENTMENT_CURRENCY);
  return presented.length > 0 ? presented : live;
}

/** What the subscription costs per period, in cents, from its prices. */
function amountOf(prices: readonly PriceRecord[], seats: number | null): number {
  let amount = 0;
  for (const price of prices) {
    if (price.amount_type === "fixed") amount += price.price_amount;
    else if (price.amount_type === "custom") amount += price.preset_amount ?? price.minimum_amount;
    else if (price.amount_type === "seat_based") {
      const count = seats ?? 1;
      const tier =
        price.seat_tiers.tiers.find(
          (candidate) => count >= candidate.min_seats && (candidate.max_seats ?? count) >= count,
        ) ?? price.seat_tiers.tiers[0];
      amount += (tier?.price_per_seat ?? 0) * count;
    }
  }
  return amount;
}

/** Starts a subscription, emits Polar's events, then grants the product's benefits. */
export function startSubscription(
  ctx: Ctx,
  customer: CustomerRecord,
  input: StartSubscriptionInput,
): SubscriptionRecord {
  const { product } = input;
  const partition = ctx.store.partition(customer.organization_id);
  if (product.recurring_interval === null) {
    throw new PolarRequestValidationError([
      {
        type: "value_error",
        loc: ["body", "product_id"],
        msg: `Product ${product.id} is a one-time product; a subscription needs a recurring product.`,
        input: product.id,
      },
    ]);
  }
  const now = ctx.clock.now();
  const start = input.startsAt ?? now;
  const status = input.status ?? "active";
  const prices = subscriptionPrices(product);
  const seatBased = prices.find((price) => price.amount_type === "seat_based");
  const seats =
    input.fromCheckout?.seats ??
    (seatBased?.amount_type === "seat_based" ? Math.max(1, seatBased.seat_tiers.minimum_seats) : null);
  const anchorDay = start.getUTCDate();
  let trialEnd: Date | null = null;
  if (status === "trialing") {
    trialEnd =
      input.trialEnd ??
      nextPeriod(start, product.trial_interval ?? "day", product.trial_interval_count ?? 7, anchorDay);
  }
  const subscription: SubscriptionRecord = {
    id: input.id ?? ctx.random.uuid(),
    organization_id: customer.organization_id,
    customer_id: customer.id,
    product_id: product.id,
    price_ids: prices.map((price) => price.id),
    created_at: now,
    modified_at: null,
    amount: input.fromCheckout?.amount ?? amountOf(prices, seats),
    currency: prices[0]?.price_currency ?? "usd",
    recurring_interval: product.recurring_interval,
    recurring_interval_count: product.recurring_interval_count ?? 1,
    anchor_day: anchorDay,
    status,
    current_period_start: start,
    current_period_end:
      trialEnd ??
      nextPeriod(start, product.recurring_interval, product.recurring_interval_count ?? 1, anchorDay),
    current_meter_period_start: null,
    current_meter_period_end: null,
    trial_start: trialEnd ? start : null,
    trial_end: trialEnd,
    cancel_at_period_end: false,
    canceled_at: null,
    started_at: start,
    ends_at: null,
    ended_at: null,
    past_due_at: null,
    pause_at_period_end: false,
    paused_at: null,
    resumes_at: null,
    discount_id: input.discount?.id ?? null,
    checkout_id: input.fromCheckout?.checkoutId ?? null,
    seats,
    customer_cancellation_reason: null,
    customer_cancellation_comment: null,
    metadata: { ...(input.metadata ?? {}) },
    custom_field_data: {},
    meters: prices.flatMap((price) =>
      price.amount_type === "metered_unit"
        ? [{ id: ctx.random.uuid(), meter_id: price.meter_id, created_at: now, modified_at: null }]
        : [],
    ),
  };
  initializeMeterPeriod(subscription, product, status === "trialing" ? null : start);
  partition.subscriptions.insert(subscription);
  publish(ctx, subscription, "subscription.created");
  record(ctx, customer, subscription, "subscription.created", subscription.created_at);
  if (ACTIVE.has(subscription.status)) publish(ctx, subscription, "subscription.active");
  if (input.origin === "api") {
    // "Some users are relying on `subscription.updated` for everything": Polar sends it on purpose.
    publish(ctx, subscription, "subscription.updated");
    if (seatBased) upgradeToTeam(ctx, customer);
  }
  publishCustomerState(ctx, customer);
  input.onCreated?.(subscription);
  // A seat-based subscription grants its benefits to seat holders (`enqueue_benefits_grants`).
  if (!(input.origin === "api" && seatBased)) syncBenefits(ctx, subscription, customer);
  return subscription;
}

export interface UpdateOptions {
  /** A renewal: `subscription.cycled` goes first, and granted benefits cycle afterwards. */
  cycled?: boolean;
  /**
   * A renewal's billing, once the subscription's events are out (Polar's
   * `order.create_subscription_order` job): whether it was paid. Benefits cycle only then.
   */
  bill?: (subscription: SubscriptionRecord) => boolean;
}

/**
 * Polar's SubscriptionUpdateContext: apply a change, stamp `modified_at`, then send
 * `subscription.updated` and the events the change means, the state, and the benefit changes.
 */
export function update(
  ctx: Ctx,
  subscription: SubscriptionRecord,
  change: (now: Date) => void,
  options: UpdateOptions = {},
): SubscriptionRecord {
  const customer = customerOf(ctx, subscription);
  const previousStatus = subscription.status;
  const previousCanceled = subscription.canceled_at !== null;
  const now = ctx.clock.now();
  change(now);
  subscription.modified_at = now;

  if (options.cycled) publish(ctx, subscription, "subscription.cycled");
  publish(ctx, subscription, "subscription.updated");
  const status = subscription.status;
  const canceled = subscription.canceled_at !== null;
  const becameActive = ACTIVE.has(status) && !ACTIVE.has(previousStatus);
  const becameRevoked = REVOKED.has(status) && !REVOKED.has(previousStatus);
  if (becameActive) {
    publish(ctx, subscription, "subscription.active");
    if (previousStatus === "past_due") record(ctx, customer, subscription, "subscription.reactivated");
  }
  if (!canceled && previousCanceled) {
    publish(ctx, subscription, "subscription.uncanceled");
    record(ctx, customer, subscription, "subscription.uncanceled");
  }
  if (status === "past_due" && previousStatus !== "past_due") {
    publish(ctx, subscription, "subscription.past_due");
    record(ctx, customer, subscription, "subscription.past_due");
  }
  if ((canceled && !previousCanceled) || (becameRevoked && previousCanceled)) {
    publish(ctx, subscription, "subscription.canceled");
    record(ctx, customer, subscription, "subscription.canceled");
  }
  if (becameRevoked) {
    publish(ctx, subscription, "subscription.revoked");
    record(ctx, customer, subscription, "subscription.revoked");
  }
  publishCustomerState(ctx, customer);

  const paid = options.bill ? options.bill(subscription) : true;
  if (options.cycled && ACTIVE.has(status) && paid) {
    const resetMeters = new Set(subscription.meters.map((meter) => meter.meter_id));
    const partition = ctx.store.partition(subscription.organization_id);
    for (const grant of [...partition.grants.ofCustomer(customer.id)]) {
      if (grant.subscription_id === subscription.id && grant.granted_at !== null) {
        cycleGrant(ctx, customer, grant, resetMeters);
      }
    }
  }
  if (status !== previousStatus && !ACTIVE.has(status)) revokeSubscriptionSeats(ctx, subscription);
  if (status !== previousStatus) syncBenefits(ctx, subscription, customer);
  return subscription;
}

/**
 * `_clear_expired_discount`: a discount whose repetition is over leaves the subscription. It was
 * first applied to the first paid period (the trial's end, or the start).
 */
function clearExpiredDiscount(subscription: SubscriptionRecord, discount: DiscountRecord | undefined): void {
  if (!discount) return;
  const appliedAt = subscription.trial_end ?? subscription.started_at ?? subscription.created_at;
  if (isRepetitionExpired(discount, appliedAt, subscription.current_period_start))
    subscription.discount_id = null;
}

/** The next period, as Polar's cycle computes it; a trial converts to active. */
export function advancePeriod(ctx: Ctx, subscription: SubscriptionRecord): void {
  const partition = ctx.store.partition(subscription.organization_id);
  const product = partition.products.get(subscription.product_id);
  const end = subscription.current_period_end;
  if (subscription.status === "trialing") {
    subscription.anchor_day = end.getUTCDate();
    subscription.status = "active";
  }
  subscription.current_period_start = end;
  subscription.current_period_end = nextPeriod(
    end,
    subscription.recurring_interval,
    subscription.recurring_interval_count,
    subscription.anchor_day,
  );
  if (product) initializeMeterPeriod(subscription, product, subscription.current_period_start);
  clearExpiredDiscount(subscription, partition.discounts.get(subscription.discount_id ?? ""));
  // Usage is billed per period: the customer's meters behind metered prices start over.
  const customer = customerOf(ctx, subscription);
  record(ctx, customer, subscription, "subscription.cycled");
  for (const meter of subscription.meters) {
    resetCustomerMeter(ctx, customer, meter.meter_id);
    meter.modified_at = ctx.clock.now();
  }
}

export interface CancelInput {
  reason?: CancellationReason | null;
  comment?: string | null;
}

/** What any cancellation sets (Polar's `_cancel`): when, no pause pending, and the customer's reason. */
function markCanceled(subscription: SubscriptionRecord, now: Date, input: CancelInput): void {
  subscription.canceled_at = now;
  subscription.pause_at_period_end = false;
  subscription.resumes_at = null;
  if (input.reason) subscription.customer_cancellation_reason = input.reason;
  if (input.comment) subscription.customer_cancellation_comment = input.comment;
}

/** `PATCH {cancel_at_period_end: true}`: canceled at the end of the period, active until then. */
export function cancelAtPeriodEnd(
  ctx: Ctx,
  subscription: SubscriptionRecord,
  input: CancelInput = {},
): SubscriptionRecord {
  const canCancel =
    BILLABLE.has(subscription.status) &&
    subscription.ended_at === null &&
    !(subscription.cancel_at_period_end || subscription.ends_at !== null);
  if (!canCancel) throw new AlreadyCanceledSubscription();
  return update(ctx, subscription, (now) => {
    markCanceled(subscription, now, input);
    subscription.cancel_at_period_end = true;
    subscription.ends_at = subscription.current_period_end;
  });
}

/** `PATCH {cancel_at_period_end: false}`: undoes a scheduled cancellation. */
export function uncancel(ctx: Ctx, subscription: SubscriptionRecord): SubscriptionRecord {
  if (subscription.ended_at !== null) throw new ResourceUnavailable();
  if (!(subscription.cancel_at_period_end && BILLABLE.has(subscription.status))) throw new BadRequest();
  return update(ctx, subscription, () => {
    subscription.cancel_at_period_end = false;
    subscription.ends_at = null;
    subscription.canceled_at = null;
    subscription.customer_cancellation_reason = null;
    subscription.customer_cancellation_comment = null;
  });
}

/** `PATCH {revoke: true}` or `DELETE`: canceled now, benefits revoked. */
export function revokeNow(
  ctx: Ctx,
  subscription: SubscriptionRecord,
  input: CancelInput = {},
): SubscriptionRecord {
  if (!BILLABLE.has(subscription.status) || subscription.ended_at !== null) {
    throw new AlreadyCanceledSubscription();
  }
  return update(ctx, subscription, (now) => {
    markCanceled(subscription, now, input);
    subscription.ends_at = now;
    subscription.ended_at = now;
    subscription.status = "canceled";
  });
}

/** What happens at `current_period_end`: a scheduled cancellation ends it, otherwise it renews. */
export function endPeriod(
  ctx: Ctx,
  subscription: SubscriptionRecord,
  bill?: UpdateOptions["bill"],
): SubscriptionRecord {
  if (subscription.cancel_at_period_end) {
    return update(ctx, subscription, (now) => {
      subscription.ended_at = now;
      subscription.status = "canceled";
    });
  }
  return update(ctx, subscription, () => advancePeriod(ctx, subscription), { cycled: true, bill });
}

/** A renewal's payment failed (Polar's `mark_past_due`): past due, benefits revoked. */
export function markPastDue(ctx: Ctx, subscription: SubscriptionRecord): SubscriptionRecord {
  return update(ctx, subscription, (now) => {
    subscription.status = "past_due";
    subscription.past_due_at = now;
  });
}

/** `PATCH {metadata}`: replaces the subscription's metadata. */
export function updateSubscriptionMetadata(
  ctx: Ctx,
  subscription: SubscriptionRecord,
  metadata: Metadata,
): SubscriptionRecord {
  return update(ctx, subscription, () => {
    subscription.metadata = { ...metadata };
  });
}

/**
 * When a customer is deleted: every billable subscription is revoked at once (its benefits are
 * revoked separately, with the customer's other grants).
 */
export function revokeCustomerSubscriptions(ctx: Ctx, customer: CustomerRecord): void {
  const partition = ctx.store.partition(customer.organization_id);
  for (const subscription of [...partition.subscriptions.ofCustomer(customer.id)]) {
    if (!BILLABLE.has(subscription.status) || subscription.ended_at !== null) continue;
    update(ctx, subscription, (now) => {
      subscription.canceled_at = now;
      subscription.ends_at = now;
      subscription.ended_at = now;
      subscription.status = "canceled";
    });
  }
}

/** Trialing, active or past_due and not ended: what a customer's `active` filter counts. */
export function isBillable(subscription: SubscriptionRecord): boolean {
  return BILLABLE.has(subscription.status) && subscription.ended_at === null;
}

/** Subscriptions that appear in the customer state: active or trialing. */
export function inState(subscription: SubscriptionRecord): boolean {
  return ACTIVE.has(subscription.status);
}
