/**
 * A customer changes its email (customer_portal/endpoints/customer_email_update.py,
 * customer_email_update/service.py): it asks for the change, where the organization's portal
 * settings allow it (`customer.allow_email_change`); Polar mails a `polar_cev_` token, valid 30
 * minutes, to the new address; the portal checks the token, then verifies it: the email changes
 * (verified), `customer.updated` and `customer.state_changed` are sent, and a new customer session
 * is answered. A new request replaces the customer's pending one.
 *
 * The emulator sends no email: the control plane serves the pending token
 * (`GET /_emulator/customers/{id}/email-update`).
 */
import { NotPermitted, PolarHttpError, PolarRequestValidationError, ResourceNotFound } from "../../errors.js";
import { normalizeEmail } from "../../pydantic/email.js";
import { iso } from "../../util/time.js";
import type { Ctx, Partition } from "../context.js";
import { openSession } from "../customer-sessions/service.js";
import { updateCustomer } from "../customers/service.js";
import type { CustomerRecord } from "../customers/table.js";
import { type Handlers, json, NO_CONTENT } from "../operation.js";
import { billingSubject } from "./subject.js";
import type { EmailVerificationRecord } from "./table.js";

export type PortalEmailUpdateOperation =
  | "customer_portal:customers:request_email_update"
  | "customer_portal:customers:check_email_update"
  | "customer_portal:customers:verify_email_update";

export type EmailUpdateControl = "emulator:customers:email-update";

/** Polar's `EMAIL_VERIFICATION_TTL_SECONDS`: 30 minutes. */
export const EMAIL_VERIFICATION_TTL_MS = 30 * 60 * 1000;

/** `InvalidCustomerEmailUpdate`. */
class InvalidCustomerEmailUpdate extends PolarHttpError {
  constructor() {
    super(401, {
      error: "InvalidCustomerEmailUpdate",
      detail: "This email update request is invalid or has expired.",
    });
  }
}

function emailProblem(msg: string, input: unknown): PolarRequestValidationError {
  return new PolarRequestValidationError([{ type: "value_error", loc: ["body", "email"], msg, input }]);
}

/** `request_email_update`: the customer's pending change, replacing any earlier one. */
export function requestEmailUpdate(
  ctx: Ctx,
  customer: CustomerRecord,
  email: string,
): EmailVerificationRecord {
  const partition = ctx.store.partition(customer.organization_id);
  if (!partition.organizationProfile.profile.customer_portal_settings.customer?.allow_email_change)
    throw new NotPermitted("Email changes are not enabled for this organization.");
  if (customer.type === "team")
    throw emailProblem("Only individual customers can change their email.", email);
  if (customer.email !== null && customer.email.toLowerCase() === email.toLowerCase())
    throw emailProblem("New email is the same as your current email.", email);
  for (const pending of [...partition.emailVerifications.values()])
    if (pending.customer_id === customer.id) partition.emailVerifications.delete(pending.id);
  const now = ctx.clock.now();
  const record: EmailVerificationRecord = {
    id: ctx.random.uuid(),
    organization_id: customer.organization_id,
    customer_id: customer.id,
    email: normalizeEmail(email),
    token: `polar_cev_${ctx.random.alphanumeric(43)}`,
    expires_at: new Date(now.getTime() + EMAIL_VERIFICATION_TTL_MS),
    created_at: now,
  };
  partition.emailVerifications.insert(record);
  return record;
}

/** `get_valid_by_token_hash`: the pending change with this token, not expired, in any organization. */
function validVerification(
  ctx: Ctx,
  token: string,
): { partition: Partition; record: EmailVerificationRecord } | undefined {
  const now = ctx.clock.now().getTime();
  for (const partition of ctx.store.partitions.values())
    for (const record of partition.emailVerifications.values())
      if (record.token === token && record.expires_at.getTime() > now) return { partition, record };
  return undefined;
}

/** `verify`: the email changes (verified), the pending change is gone, and a new session is opened. */
export function verifyEmailUpdate(ctx: Ctx, token: string): string {
  const found = validVerification(ctx, token);
  if (!found) throw new InvalidCustomerEmailUpdate();
  const { partition, record } = found;
  const customer = partition.customers.live(record.customer_id);
  if (!customer) throw new InvalidCustomerEmailUpdate();
  const existing = partition.customers.byEmail.get(record.email.toLowerCase());
  if (existing && existing.id !== customer.id && existing.deleted_at === null) {
    partition.emailVerifications.delete(record.id);
    throw new PolarRequestValidationError([
      {
        type: "value_error",
        loc: ["body", "token"],
        msg: "This email address is already in use.",
        input: record.email,
      },
    ]);
  }
  updateCustomer(ctx, customer, { email: record.email }, { emailVerified: true });
  partition.emailVerifications.delete(record.id);
  return openSession(ctx, customer, null).token;
}

export const portalEmailUpdateHandlers = (): Handlers<PortalEmailUpdateOperation> => ({
  "customer_portal:customers:request_email_update": (call) => {
    const { customer } = billingSubject(call);
    requestEmailUpdate(call.ctx, customer, call.body.email);
    return json(202, null);
  },

  "customer_portal:customers:check_email_update": (call) => {
    if (!validVerification(call.ctx, call.query.token)) throw new InvalidCustomerEmailUpdate();
    return NO_CONTENT;
  },

  "customer_portal:customers:verify_email_update": (call) =>
    json(200, { token: verifyEmailUpdate(call.ctx, call.body.token) }),
});

export const emailUpdateControl = (): Handlers<EmailUpdateControl> => ({
  "emulator:customers:email-update": ({ ctx, params }) => {
    for (const partition of ctx.store.partitions.values()) {
      if (!partition.customers.get(params.id)) continue;
      const now = ctx.clock.now().getTime();
      const record = [...partition.emailVerifications.values()].find(
        (pending) => pending.customer_id === params.id && pending.expires_at.getTime() > now,
      );
      if (!record) break;
      return json(200, {
        customer_id: record.customer_id,
        email: record.email,
        token: record.token,
        expires_at: iso(record.expires_at),
      });
    }
    throw new ResourceNotFound();
  },
});
