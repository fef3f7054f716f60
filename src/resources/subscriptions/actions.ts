/**
 * The subscription transitions the control plane (and a fixture's subscription states) can ask
 * for by name: the changes Polar makes on its own (renewal, trial end, dunning) or on a request
 * (cancel, uncancel, revoke), each through the service's one update path with its events.
 */
import { PolarRequestValidationError } from "../../errors.js";
import type { Ctx } from "../context.js";
import { abandonDunning, billRenewal, settleDunning } from "../orders/renewal.js";
import {
  ACTIVE,
  advancePeriod,
  cancelAtPeriodEnd,
  endPeriod,
  markPastDue,
  revokeNow,
  uncancel,
  update,
} from "./service.js";
import type { SubscriptionRecord } from "./table.js";

export type SubscriptionAction =
  | "activate"
  | "renew"
  | "renew_failed"
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
  "renew_failed",
  "cancel",
  "uncancel",
  "end_period",
  "revoke",
  "past_due",
  "recover",
  "dunning_over",
];

/** A transition the control plane asked for that the subscription's status does not allow. */
function illegal(action: SubscriptionAction, message: string): PolarRequestValidationError {
  return new PolarRequestValidationError([
    { type: "value_error", loc: ["path", "action"], msg: message, input: action },
  ]);
}

/** Applies one transition (the control plane's verbs; the public API's PATCH maps onto them). */
export function changeSubscription(
  ctx: Ctx,
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
      {
        const now = ctx.clock.now();
        subscription.trial_end = now;
        subscription.current_period_end = now;
      }
      return update(ctx, subscription, () => advancePeriod(ctx, subscription), {
        cycled: true,
        bill: (renewed) => billRenewal(ctx, renewed, true),
      });
    case "renew":
    case "renew_failed":
      if (!ACTIVE.has(status)) {
        throw illegal(action, `Only an active or trialing subscription renews; this one is ${status}.`);
      }
      if (subscription.cancel_at_period_end) {
        throw illegal(
          action,
          "This subscription is set to cancel at the end of its period; use end_period to end it.",
        );
      }
      return endPeriod(ctx, subscription, (renewed) => billRenewal(ctx, renewed, action === "renew"));
    case "end_period":
      if (!ACTIVE.has(status)) {
        throw illegal(
          action,
          `Only an active or trialing subscription has a period to end; this one is ${status}.`,
        );
      }
      return endPeriod(ctx, subscription, (renewed) => billRenewal(ctx, renewed, true));
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
      return markPastDue(ctx, subscription);
    case "recover":
      if (status !== "past_due") {
        throw illegal(action, `Only a past_due subscription can recover; this one is ${status}.`);
      }
      // Polar's `handle_payment`: the subscription is active again, then its order is paid.
      update(ctx, subscription, () => {
        subscription.status = "active";
        subscription.past_due_at = null;
      });
      settleDunning(ctx, subscription);
      return subscription;
    case "dunning_over":
      if (status !== "past_due") {
        throw illegal(
          action,
          `Only a past_due subscription reaches the end of dunning; this one is ${status}.`,
        );
      }
      abandonDunning(ctx, subscription);
      return update(ctx, subscription, (now) => {
        subscription.canceled_at = now;
        subscription.ends_at = now;
        subscription.ended_at = now;
        subscription.status = "canceled";
      });
  }
}
