/**
 * Who a customer portal call is (customer_portal/auth.py, utils.py): the session's customer, or a
 * member of it. Billing operations are the customer's, or an owner's or billing manager's.
 */
import { NotPermitted, Unauthorized } from "../../errors.js";
import type { PortalSubject } from "../customer-sessions/service.js";

/** The subject of an authenticated portal call (the pipeline resolved its session). */
export function portalSubject(call: { portal: PortalSubject | undefined }): PortalSubject {
  if (!call.portal) throw new Unauthorized();
  return call.portal;
}

/** `CustomerPortalUnionBilling*`: a member needs the owner or billing manager role. */
export function billingSubject(call: { portal: PortalSubject | undefined }): PortalSubject {
  const subject = portalSubject(call);
  if (subject.member && subject.member.role !== "owner" && subject.member.role !== "billing_manager")
    throw new NotPermitted("Only owners and billing managers can access billing features.");
  return subject;
}

/** Keys of an object, in the order given: a wire shape that is a subset of another. */
export function pick<T extends object, K extends keyof T>(value: T, keys: readonly K[]): Pick<T, K> {
  const picked = {} as Pick<T, K>;
  for (const key of keys) picked[key] = value[key];
  return picked;
}

/**
 * Whether a row of a customer (a grant, a license key) is the subject's: a customer session's
 * customer's; a member session's own (`member_id`), and, for the owner, the customer's rows made
 * for no member (the emulator grants benefits to the customer as a whole).
 */
export function ownsRow(
  subject: PortalSubject,
  row: { customer_id: string; member_id: string | null },
): boolean {
  if (row.customer_id !== subject.customer.id) return false;
  if (!subject.member) return true;
  return row.member_id === subject.member.id || (row.member_id === null && subject.member.role === "owner");
}
