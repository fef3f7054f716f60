/**
 * Subscriptions and every transition of facts section 7, with their events in Polar's order
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
import {
  AlreadyCanceledSubscription,
  BadRequest,
  PolarRequestValidationError,
  ResourceUnavailable,
} from "../errors.js";
import type {
  CancellationReason,
  CustomerRecord,
  Metadata,
  ProductRecord,
  SubscriptionRecord,
  SubscriptionStatus,
} from "../store/store.js";
import { nextPeriod } from "../util/period.js";
import { serializeCustomerState, serializeSubscription } from "./billing-serialize.js";
import type { DomainContext } from "./context.js";
import { type DomainEventType, emit } from "./events.js";
import { cycleGrant, grantBenefit, revokeBenefit } from "./grants.js";
import { resetCustomerMeter } from "./usage.js";

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
}

export type SubscriptionAction =
  | "activate"
  | "renew"
  | "cancel"
  | "uncancel"
  | "end_period"
  | "revoke"
  | "past_due"
  | "recover"
  | "dunning_over";

export const SUBSCRIPTION_ACTIONS: readonly SubscriptionAction[] = [
  "activate",
  "renew",
  "cancel",
  "uncancel",
  "end_period",
  "revoke",
  "past_due",
  "recover",
  "dunning_over",
];

const ACTIVE: ReadonlySet<SubscriptionStatus> = new Set(["trialing", "active"]);
const REVOKED: ReadonlySet<SubscriptionStatus> = new Set(["canceled", "unpaid"]);
const BILLABLE: ReadonlySet<SubscriptionStatus> = new Set(["trialing", "active", "past_due"]);

/** A transition the control plane asked for that the subscription's status does not allow. */
function illegal(action: SubscriptionAction, message: string): PolarRequestValidationError {
  return new PolarRequestValidationError([
    { type: "value_error", loc: ["path", "action"], msg: message, input: action },
  ]);
}

function subject(subscription: SubscriptionRecord) {
  return {
    organizationId: subscription.organization_id,
    customerId: subscription.customer_id,
    subjectId: subscription.id,
  };
}

function publish(ctx: DomainContext, subscription: SubscriptionRecord, type: DomainEventType): void {
  const partition = ctx.store.partition(subscription.organization_id);
  emit(ctx, type, subject(subscription), () => serializeSubscription(partition, subscription));
}

function publishState(ctx: DomainContext, customer: CustomerRecord): void {
  const partition = ctx.store.partition(customer.organization_id);
  emit(
    ctx,
    "customer.state_changed",
    { organizationId: customer.organization_id, customerId: customer.id, subjectId: customer.id },
    () => serializeCustomerState(partition, customer),
  );
}

function customerOf(ctx: DomainContext, subscription: SubscriptionRecord): CustomerRecord {
  const customer = ctx.store.partition(subscription.organization_id).customers.get(subscription.customer_id);
  if (!customer) throw new Error(`[polar-emulator] subscription ${subscription.id} has no customer`);
  return customer;
}

/** Grants the product's benefits while the subscription is active or trialing, revokes them otherwise. */
function syncBenefits(ctx: DomainContext, subscription: SubscriptionRecord, customer: CustomerRecord): void {
  if (customer.deleted_at !== null) return;
  const partition = ctx.store.partition(subscription.organization_id);
  const active = ACTIVE.has(subscription.status);
  const current = new Set(active ? (partition.products.get(subscription.product_id)?.benefit_ids ?? []) : []);
  // Revocations first (grants of benefits the product no longer has, or of an inactive
  // subscription), then grants, as Polar's revoke group runs before its grant callback.
  for (const grant of [...partition.grantsOf(customer.id)]) {
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
export function syncProductSubscriptions(ctx: DomainContext, product: ProductRecord): void {
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

/** What the subscription costs per period, in cents, from the product's prices. */
function amountOf(product: ProductRecord, seats: number | null): number {
  let amount = 0;
  for (const price of product.prices) {
    if (price.is_archived) continue;
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
  ctx: DomainContext,
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
  const prices = product.prices.filter((price) => !price.is_archived);
  const seatBased = prices.find((price) => price.amount_type === "seat_based");
  const seats =
    seatBased?.amount_type === "seat_based" ? Math.max(1, seatBased.seat_tiers.minimum_seats) : null;
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
    amount: amountOf(product, seats),
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
    discount_id: null,
    checkout_id: null,
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
  partition.insertSubscription(subscription);
  publish(ctx, subscription, "subscription.created");
  if (ACTIVE.has(subscription.status)) publish(ctx, subscription, "subscription.active");
  publishState(ctx, customer);
  syncBenefits(ctx, subscription, customer);
  return subscription;
}

interface UpdateOptions {
  /** A renewal: `subscription.cycled` goes first, and granted benefits cycle afterwards. */
  cycled?: boolean;
}

/**
 * Polar's SubscriptionUpdateContext: apply a change, stamp `modified_at`, then send
 * `subscription.updated` and the events the change means, the state, and the benefit changes.
 */
function update(
  ctx: DomainContext,
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
  if (becameActive) publish(ctx, subscription, "subscription.active");
  if (!canceled && previousCanceled) publish(ctx, subscription, "subscription.uncanceled");
  if (status === "past_due" && previousStatus !== "past_due")
    publish(ctx, subscription, "subscription.past_due");
  if ((canceled && !previousCanceled) || (becameRevoked && previousCanceled)) {
    publish(ctx, subscription, "subscription.canceled");
  }
  if (becameRevoked) publish(ctx, subscription, "subscription.revoked");
  publishState(ctx, customer);

  if (options.cycled && ACTIVE.has(status)) {
    const resetMeters = new Set(subscription.meters.map((meter) => meter.meter_id));
    const partition = ctx.store.partition(subscription.organization_id);
    for (const grant of [...partition.grantsOf(customer.id)]) {
      if (grant.subscription_id === subscription.id && grant.granted_at !== null) {
        cycleGrant(ctx, customer, grant, resetMeters);
      }
    }
  }
  if (status !== previousStatus) syncBenefits(ctx, subscription, customer);
  return subscription;
}

/** The next period, as Polar's cycle computes it; a trial converts to active. */
function advancePeriod(ctx: DomainContext, subscription: SubscriptionRecord): void {
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
  // Usage is billed per period: the customer's meters behind metered prices start over.
  const customer = customerOf(ctx, subscription);
  for (const meter of subscription.meters) {
    resetCustomerMeter(ctx, customer, meter.meter_id);
    meter.modified_at = ctx.clock.now();
  }
}

export interface CancelInput {
  reason?: CancellationReason | null;
  comment?: string | null;
}

/** `PATCH {cancel_at_period_end: true}`: canceled at the end of the period, active until then. */
export function cancelAtPeriodEnd(
  ctx: DomainContext,
  subscription: SubscriptionRecord,
  input: CancelInput = {},
): SubscriptionRecord {
  const canCancel =
    BILLABLE.has(subscription.status) &&
    subscription.ended_at === null &&
    !(subscription.cancel_at_period_end || subscription.ends_at !== null);
  if (!canCancel) throw new AlreadyCanceledSubscription();
  return update(ctx, subscription, (now) => {
    subscription.canceled_at = now;
    subscription.pause_at_period_end = false;
    subscription.resumes_at = null;
    if (input.reason) subscription.customer_cancellation_reason = input.reason;
    if (input.comment) subscription.customer_cancellation_comment = input.comment;
    subscription.cancel_at_period_end = true;
    subscription.ends_at = subscription.current_period_end;
  });
}

/** `PATCH {cancel_at_period_end: false}`: undoes a scheduled cancellation. */
export function uncancel(ctx: DomainContext, subscription: SubscriptionRecord): SubscriptionRecord {
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
  ctx: DomainContext,
  subscription: SubscriptionRecord,
  input: CancelInput = {},
): SubscriptionRecord {
  if (!BILLABLE.has(subscription.status) || subscription.ended_at !== null) {
    throw new AlreadyCanceledSubscription();
  }
  return update(ctx, subscription, (now) => {
    subscription.canceled_at = now;
    subscription.pause_at_period_end = false;
    subscription.resumes_at = null;
    if (input.reason) subscription.customer_cancellation_reason = input.reason;
    if (input.comment) subscription.customer_cancellation_comment = input.comment;
    subscription.ends_at = now;
    subscription.ended_at = now;
    subscription.status = "canceled";
  });
}

/** What happens at `current_period_end`: a scheduled cancellation ends it, otherwise it renews. */
function endPeriod(ctx: DomainContext, subscription: SubscriptionRecord): SubscriptionRecord {
  if (subscription.cancel_at_period_end) {
    return update(ctx, subscription, (now) => {
      subscription.ended_at = now;
      subscription.status = "canceled";
    });
  }
  return update(ctx, subscription, () => advancePeriod(ctx, subscription), { cycled: true });
}

/** Applies one transition (the control plane's verbs; the public API's PATCH maps onto them). */
export function changeSubscription(
  ctx: DomainContext,
  subscription: SubscriptionRecord,
  action: SubscriptionAction,
): SubscriptionRecord {
  const status = subscription.status;
  switch (action) {
    case "activate":
      if (status !== "trialing") {
        throw illegal(action, `Only a trialing subscription can be activated; this one is ${status}.`);
      }
      // Polar's `trial_end: "now"`: the trial ends now and the subscription cycles into its first period.
      subscription.trial_end = ctx.clock.now();
      subscription.current_period_end = subscription.trial_end;
      return update(ctx, subscription, () => advancePeriod(ctx, subscription), { cycled: true });
    case "renew":
      if (!ACTIVE.has(status)) {
        throw illegal(action, `Only an active or trialing subscription renews; this one is ${status}.`);
      }
      if (subscription.cancel_at_period_end) {
        throw illegal(
          action,
          "This subscription is set to cancel at the end of its period; use end_period to end it.",
        );
      }
      return endPeriod(ctx, subscription);
    case "end_period":
      if (!ACTIVE.has(status)) {
        throw illegal(
          action,
          `Only an active or trialing subscription has a period to end; this one is ${status}.`,
        );
      }
      return endPeriod(ctx, subscription);
    case "cancel":
      return cancelAtPeriodEnd(ctx, subscription);
    case "uncancel":
      return uncancel(ctx, subscription);
    case "revoke":
      return revokeNow(ctx, subscription);
    case "past_due":
      if (!ACTIVE.has(status)) {
        throw illegal(
          action,
          `Only an active or trialing subscription can go past due; this one is ${status}.`,
        );
      }
      return update(ctx, subscription, (now) => {
        subscription.status = "past_due";
        subscription.past_due_at = now;
      });
    case "recover":
      if (status !== "past_due") {
        throw illegal(action, `Only a past_due subscription can recover; this one is ${status}.`);
      }
      return update(ctx, subscription, () => {
        subscription.status = "active";
        subscription.past_due_at = null;
      });
    case "dunning_over":
      if (status !== "past_due") {
        throw illegal(
          action,
          `Only a past_due subscription reaches the end of dunning; this one is ${status}.`,
        );
      }
      return update(ctx, subscription, (now) => {
        subscription.canceled_at = now;
        subscription.ends_at = now;
        subscription.ended_at = now;
        subscription.status = "canceled";
      });
  }
}

/** `PATCH {metadata}`: replaces the subscription's metadata. */
export function updateSubscriptionMetadata(
  ctx: DomainContext,
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
export function revokeCustomerSubscriptions(ctx: DomainContext, customer: CustomerRecord): void {
  const partition = ctx.store.partition(customer.organization_id);
  for (const subscription of [...partition.subscriptionsOf(customer.id)]) {
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
