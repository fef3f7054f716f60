/**
 * The portal's subscriptions (customer_portal/service/subscription.py): the customer's own; a
 * customer cancels at the end of the period, with its reason and comment, or takes that back.
 * Webhooks are the organization API's (`subscription.updated`, `subscription.canceled` with
 * `customer_cancellation_reason`, `subscription.uncanceled`).
 */
import { listEnvelope, pageOf } from "../../domain/list.js";
import { PolarHttpError, PolarRequestValidationError, ResourceNotFound } from "../../errors.js";
import type { Partition } from "../context.js";
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
    const subject = billingSubject(call);
    const partition = call.ctx.store.partition(subject.organizationId);
    const subscription = subscriptionOf(partition, subject, call.params.id);
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
    const update = call.body as {
      cancel_at_period_end?: boolean | null;
      cancellation_reason?: SubscriptionRecord["customer_cancellation_reason"];
      cancellation_comment?: string | null;
    };
    if (update.cancel_at_period_end === true) {
      const canceled = cancelAtPeriodEnd(call.ctx, subscription, {
        reason: update.cancellation_reason ?? null,
        comment: update.cancellation_comment ?? null,
      });
      return json(200, serializeCustomerSubscription(partition, canceled));
    }
    if (update.cancel_at_period_end === false)
      return json(200, serializeCustomerSubscription(partition, uncancel(call.ctx, subscription)));
    return json(200, serializeCustomerSubscription(partition, subscription));
  },

  "customer_portal:subscriptions:cancel": (call) => {
    const subject = billingSubject(call);
    const partition = call.ctx.store.partition(subject.organizationId);
    const subscription = subscriptionOf(partition, subject, call.params.id);
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
