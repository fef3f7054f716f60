/**
 * The portal's subscriptions (customer_portal/service/subscription.py): the customer's own; a
 * customer cancels at the end of the period, with its reason and comment, or takes that back.
 * Webhooks are the organization API's (`subscription.updated`, `subscription.canceled` with
 * `customer_cancellation_reason`, `subscription.uncanceled`).
 */
import { listEnvelope, pageOf } from "../../domain/list.js";
import { PolarHttpError, PolarRequestValidationError, ResourceNotFound } from "../../errors.js";
import type { Ctx, Partition } from "../context.js";
import type { PortalSubject } from "../customer-sessions/service.js";
import { type Handlers, json, list, optional } from "../operation.js";
import { listSubscriptions } from "../subscriptions/list.js";
import { cancelAtPeriodEnd, uncancel } from "../subscriptions/service.js";
import type { SubscriptionRecord } from "../subscriptions/table.js";
import { serializeCustomerSubscription } from "./serialize.js";
import { billingSubject, portalSubject } from "./subject.js";

export type PortalSubscriptionOperation =
  | "customer_portal:subscriptions:list"
  | "customer_portal:subscriptions:get"
  | "customer_portal:subscriptions:update"
  | "customer_portal:subscriptions:cancel";

/** A 403 of the portal's settings (`UpdateSubscriptionPlanNotAllowed`, …). */
class NotAllowed extends PolarHttpError {
  constructor(error: string, detail: string) {
    super(403, { error, detail });
  }
}

function subscriptionOf(partition: Partition, subject: PortalSubject, id: string): SubscriptionRecord {
  const subscription = partition.subscriptions.get(id);
  if (!subscription || subscription.customer_id !== subject.customer.id) throw new ResourceNotFound();
  return subscription;
}

/**
 * The subject's own subscription for a change of billing (a member needs the owner or billing
 * manager role): what the portal API's update and cancel, and the hosted portal page, change.
 */
export function billableSubscription(
  ctx: Ctx,
  portal: PortalSubject | undefined,
  id: string,
): { partition: Partition; subscription: SubscriptionRecord } {
  const subject = billingSubject({ portal });
  const partition = ctx.store.partition(subject.organizationId);
  return { partition, subscription: subscriptionOf(partition, subject, id) };
}

export interface PortalCancellation {
  cancel_at_period_end?: boolean | null;
  cancellation_reason?: SubscriptionRecord["customer_cancellation_reason"];
  cancellation_comment?: string | null;
}

/**
 * `cancel_at_period_end` as the portal sets it: true cancels at the end of the period with the
 * customer's reason and comment, false takes that back, absent changes nothing. The API and
 * the hosted portal page both go through here, so their effects and webhooks are the same.
 */
export function applyPortalCancellation(
  ctx: Ctx,
  subscription: SubscriptionRecord,
  update: PortalCancellation,
): SubscriptionRecord {
  if (update.cancel_at_period_end === true)
    return cancelAtPeriodEnd(ctx, subscription, {
      reason: update.cancellation_reason ?? null,
      comment: update.cancellation_comment ?? null,
    });
  if (update.cancel_at_period_end === false) return uncancel(ctx, subscription);
  return subscription;
}

export const portalSubscriptionHandlers = (): Handlers<PortalSubscriptionOperation> => ({
  "customer_portal:subscriptions:list": (call) => {
    const subject = portalSubject(call);
    const partition = call.ctx.store.partition(subject.organizationId);
    const page = pageOf(call.query);
    const found = listSubscriptions(
      call.ctx,
      {
        organizationIds: [subject.organizationId],
        customerIds: [subject.customer.id],
        productIds: list(call.query.product_id),
        active: optional(call.query.active),
        productName: optional(call.query.query),
      },
      list(call.query.sorting),
      page,
    );
    return json(
      200,
      listEnvelope(found, page, (item) => serializeCustomerSubscription(partition, item)),
    );
  },

  "customer_portal:subscriptions:get": (call) => {
    const subject = portalSubject(call);
    const partition = call.ctx.store.partition(subject.organizationId);
    return json(
      200,
      serializeCustomerSubscription(partition, subscriptionOf(partition, subject, call.params.id)),
    );
  },

  "customer_portal:subscriptions:update": (call) => {
    const { partition, subscription } = billableSubscription(call.ctx, call.portal, call.params.id);
    const body: Record<string, unknown> = call.body;
    const settings = partition.organizationProfile.profile.customer_portal_settings.subscription;
    if (body.product_id !== undefined && body.product_id !== null) {
      if (!settings.update_plan)
        throw new NotAllowed(
          "UpdateSubscriptionPlanNotAllowed",
          "Updating subscription plan is not allowed.",
        );
      throw notEmulated("product_id", body.product_id);
    }
    if (body.seats !== undefined && body.seats !== null) {
      if (!settings.update_seats)
        throw new NotAllowed(
          "UpdateSubscriptionSeatsNotAllowed",
          "Updating subscription seats is not allowed.",
        );
      throw notEmulated("seats", body.seats);
    }
    for (const key of ["pause_at_period_end", "resume", "clear_pending_update"])
      if (body[key] !== undefined && body[key] !== null) throw notEmulated(key, body[key]);
    const update = call.body as PortalCancellation;
    return json(
      200,
      serializeCustomerSubscription(partition, applyPortalCancellation(call.ctx, subscription, update)),
    );
  },

  "customer_portal:subscriptions:cancel": (call) => {
    const { partition, subscription } = billableSubscription(call.ctx, call.portal, call.params.id);
    return json(200, serializeCustomerSubscription(partition, cancelAtPeriodEnd(call.ctx, subscription)));
  },
});

function notEmulated(key: string, input: unknown): PolarRequestValidationError {
  return new PolarRequestValidationError([
    {
      type: "value_error",
      loc: ["body", key],
      msg: `polar-emulator does not emulate this kind of subscription update (${key}) yet; only cancel_at_period_end is supported.`,
      input,
    },
  ]);
}
