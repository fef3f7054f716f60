/** Benefit grants: made by subscriptions or directly, with properties per benefit type. */
import type { BenefitRecord, CustomerRecord, GrantRecord, SubscriptionRecord } from "../store/store.js";
import type { DomainContext } from "./context.js";

/** Grants a benefit (again) to a customer; emits `benefit_grant.created` and `customer.state_changed`. */
export function grantBenefit(
  _ctx: DomainContext,
  _customer: CustomerRecord,
  _benefit: BenefitRecord,
  _options: { subscription?: SubscriptionRecord } = {},
): GrantRecord {
  throw new Error("not implemented yet");
}

/** Revokes a customer's grant of a benefit; emits `benefit_grant.revoked` and `customer.state_changed`. */
export function revokeBenefit(
  _ctx: DomainContext,
  _customer: CustomerRecord,
  _benefit: BenefitRecord,
  _options: { subscription?: SubscriptionRecord } = {},
): GrantRecord {
  throw new Error("not implemented yet");
}
