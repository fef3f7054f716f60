/**
 * Polar's subscription models beyond their JSON Schema (subscription/schemas.py), applied by the
 * model walker to `SubscriptionUpdate` bodies, and the one rule for a trial's end that the control
 * plane and fixtures share.
 */
import type { ModelRules } from "../../pydantic/walker.js";

export const subscriptionRules: ModelRules = {
  fieldKinds: {
    "SubscriptionUpdateBase.trial_end": "future-datetime",
    "SubscriptionUpdateBillingPeriod.current_billing_period_end": "future-datetime",
    "SubscriptionPause.resumes_at": "future-datetime",
  },
};

/**
 * What is wrong with a trial end asked for when starting a subscription (control plane, fixtures),
 * or null: it applies to a trialing subscription only and comes after the start.
 */
export function trialEndProblem(status: string | undefined, trialEnd: Date, start: Date): string | null {
  if (status !== "trialing") return "trial_end applies to a trialing subscription only.";
  if (trialEnd.getTime() <= start.getTime()) return "trial_end must be after the start of the trial.";
  return null;
}
