/**
 * Customers, with Polar's rules (server/polar/customer/service.py and schemas.py): uniqueness per organization among live
 * customers, trimming, write-once external_id, metadata replacement, soft delete that frees the
 * email and external_id, and anonymization. Every change publishes its events.
 */
import { createHash } from "node:crypto";
import { isDeepStrictEqual } from "node:util";
import type { Schemas } from "../../domain/wire.js";
import { PolarRequestValidationError, RequestValidationError, ResourceNotFound } from "../../errors.js";
import { normalizeEmail } from "../../pydantic/email.js";
import { pythonIsoformat } from "../../util/time.js";
import type { Ctx, Partition } from "../context.js";
import { attachPendingEvents } from "../events/service.js";
import { customerMetadata, customerUpdatedMetadata, recordSystemEvent } from "../events/system.js";
import { revokeBenefit } from "../grants/service.js";
import { createOwner, deleteCustomerMembers, planOwner, syncOwnerEmail } from "../members/service.js";
import { revokeCustomerSubscriptions } from "../subscriptions/service.js";
import { normalizeAddress } from "./address.js";
import { publishAboutCustomer, publishCustomerState } from "./state.js";
import type { CustomerRecord } from "./table.js";
import { validateTaxId } from "./tax-id.js";

export type CustomerCreateBody = Schemas["CustomerIndividualCreate"] | Schemas["CustomerTeamCreate"];
export type CustomerUpdateBody = Schemas["CustomerUpdate"];
export type CustomerUpdateExternalBody = Schemas["CustomerUpdateExternalID"];

type Detail = PolarRequestValidationError["details"][number];

const ANONYMIZED_EMAIL_DOMAIN = "anonymized.polar.sh";

/** `external_id`, `name` and `tax_id` are trimmed by Polar's schemas, and `""` becomes null. */
function trimmed(value: string | null | undefined): string | null | undefined {
  if (value === undefined || value === null) return value;
  const result = value.trim();
  return result === "" ? null : result;
}

function emailTaken(partition: Partition, email: string): boolean {
  return partition.customers.byEmail.has(email.toLowerCase());
}

function emailConflict(email: string): Detail {
  return {
    type: "value_error",
    loc: ["body", "email"],
    msg: "A customer with this email address already exists.",
    input: email,
  };
}

function externalIdConflict(externalId: string | null | undefined): Detail {
  return {
    type: "value_error",
    loc: ["body", "external_id"],
    msg: "A customer with this external ID already exists.",
    input: externalId,
  };
}

const taxIdNeedsCountry: Detail = {
  type: "missing",
  loc: ["body", "billing_address"],
  msg: "Country is required to validate tax ID.",
  input: null,
};

function invalidTaxId(input: unknown): Detail {
  return { type: "invalid", loc: ["body", "tax_id"], msg: "Invalid tax ID.", input };
}

/** A customer event, then `customer.state_changed` with the state as it is now. */
function publish(
  ctx: Ctx,
  customer: CustomerRecord,
  type: "customer.created" | "customer.updated" | "customer.deleted",
): void {
  publishAboutCustomer(ctx, customer, type);
  publishCustomerState(ctx, customer);
}

export function createCustomer(
  ctx: Ctx,
  organizationId: string,
  body: CustomerCreateBody,
  options: { id?: string } = {},
): CustomerRecord {
  const partition = ctx.store.partition(organizationId);
  const type = body.type ?? "individual";
  const email = body.email === undefined || body.email === null ? null : normalizeEmail(body.email);
  const externalId = trimmed(body.external_id) ?? null;
  const taxIdInput = trimmed(body.tax_id) ?? null;

  // pydantic's checks come first: the team rule and the address model.
  if (type === "team" && email === null && !body.owner?.email) {
    throw new RequestValidationError([
      {
        type: "value_error",
        loc: ["body", "team"],
        msg: "Value error, An owner with an email address is required when creating a team customer without an email.",
        input: body,
        ctx: { error: {} },
      },
    ]);
  }
  const billingAddress = body.billing_address
    ? normalizeAddress(body.billing_address, ["body", type, "billing_address"])
    : null;

  const conflicts: Detail[] = [];
  if (email !== null && emailTaken(partition, email)) conflicts.push(emailConflict(email));
  if (externalId !== null && partition.customers.byExternalId.has(externalId)) {
    conflicts.push(externalIdConflict(externalId));
  }
  if (conflicts.length > 0) throw new PolarRequestValidationError(conflicts);

  let taxId: CustomerRecord["tax_id"] = null;
  if (taxIdInput !== null) {
    if (billingAddress === null) throw new PolarRequestValidationError([taxIdNeedsCountry]);
    taxId = validateTaxId(taxIdInput, billingAddress.country);
    if (taxId === null) throw new PolarRequestValidationError([invalidTaxId(taxIdInput)]);
  }
  const name = trimmed(body.name) ?? null;
  // With the member model, the owner member comes with the customer (its checks first).
  const owner = planOwner(partition, { email, name, external_id: externalId }, body.owner);

  const customer: CustomerRecord = {
    id: options.id ?? ctx.random.uuid(),
    organization_id: organizationId,
    type,
    email,
    email_verified: false,
    name,
    billing_name: null,
    billing_address: billingAddress,
    tax_id: taxId,
    locale: body.locale ?? null,
    external_id: externalId,
    metadata: { ...(body.metadata ?? {}) },
    default_payment_method_id: null,
    created_at: ctx.clock.now(),
    modified_at: null,
    deleted_at: null,
    first_user_event_at: null,
  };
  partition.customers.insert(customer);
  if (customer.external_id !== null && partition.usage.events.length > 0) attachPendingEvents(ctx, customer);
  // Polar sends `member.created` as the owner is made, `customer.created` from a job afterwards.
  if (owner) createOwner(ctx, customer, owner);
  publish(ctx, customer, "customer.created");
  recordSystemEvent(ctx, customer, "customer.created", customerMetadata(customer), customer.created_at);
  return customer;
}

/**
 * A bare customer with only an email (`CustomerRepository.create`, as a seat assignment makes
 * the holder's customer): no owner member, no `customer.created`, no system event.
 */
export function insertBareCustomer(ctx: Ctx, organizationId: string, email: string): CustomerRecord {
  const customer: CustomerRecord = {
    id: ctx.random.uuid(),
    organization_id: organizationId,
    type: "individual",
    email,
    email_verified: false,
    name: null,
    billing_name: null,
    billing_address: null,
    tax_id: null,
    locale: null,
    external_id: null,
    metadata: {},
    default_payment_method_id: null,
    created_at: ctx.clock.now(),
    modified_at: null,
    deleted_at: null,
    first_user_event_at: null,
  };
  ctx.store.partition(organizationId).customers.insert(customer);
  return customer;
}

/**
 * PATCH semantics: only the keys present in `body` are applied. The external-id route passes a
 * body without `external_id` and `type` (its schema has neither), so those rules never fire there.
 */
export function updateCustomer(
  ctx: Ctx,
  customer: CustomerRecord,
  body: CustomerUpdateBody | CustomerUpdateExternalBody,
  options: { emailVerified?: boolean } = {},
): CustomerRecord {
  const partition = ctx.store.partition(customer.organization_id);
  const has = (key: string): boolean => Object.hasOwn(body, key);
  // pydantic's address model runs before any business rule.
  const billingAddress =
    body.billing_address !== undefined && body.billing_address !== null
      ? normalizeAddress(body.billing_address, ["body", "billing_address"])
      : customer.billing_address;
  const errors: Detail[] = [];

  const email = body.email === undefined || body.email === null ? null : normalizeEmail(body.email);
  const emailChanged =
    email !== null && (customer.email === null || customer.email.toLowerCase() !== email.toLowerCase());
  if (emailChanged && emailTaken(partition, email)) errors.push(emailConflict(email));

  if (has("billing_address") && body.billing_address === null) {
    errors.push({
      type: "value_error",
      loc: ["body", "billing_address"],
      msg: "Customer billing address cannot be reset to null once set.",
      input: null,
    });
  }

  let externalId = customer.external_id;
  if ("external_id" in body && body.external_id !== undefined) {
    const wanted = trimmed(body.external_id) ?? null;
    if (wanted !== customer.external_id) {
      if (customer.external_id !== null) {
        errors.push({
          type: "value_error",
          loc: ["body", "external_id"],
          msg: "Customer external ID cannot be updated.",
          input: wanted,
        });
      } else if (wanted !== null && partition.customers.byExternalId.has(wanted)) {
        errors.push(externalIdConflict(wanted));
      } else {
        externalId = wanted;
      }
    }
  }

  if ("type" in body && body.type === "individual" && customer.type === "team") {
    errors.push({
      type: "value_error",
      loc: ["body", "type"],
      msg: "Customer type cannot be downgraded from 'team' to 'individual'.",
      input: "individual",
    });
  }
  if (errors.length > 0) throw new PolarRequestValidationError(errors);

  let taxId = customer.tax_id;
  const taxIdInput = trimmed(body.tax_id) ?? customer.tax_id?.[0] ?? null;
  if (taxIdInput !== null) {
    if (billingAddress === null) throw new PolarRequestValidationError([taxIdNeedsCountry]);
    taxId = validateTaxId(taxIdInput, billingAddress.country);
    if (taxId === null) throw new PolarRequestValidationError([invalidTaxId(body.tax_id ?? null)]);
  }

  // Every check passed: apply the change as a whole.
  const before = { email: customer.email, external_id: customer.external_id };
  const previous = structuredClone(customer);
  if (emailChanged) {
    customer.email = email;
    customer.email_verified = false;
  }
  // A verified email change (the portal's email update) sets the email as verified.
  if (options.emailVerified && email !== null) customer.email_verified = true;
  if (body.metadata !== undefined) customer.metadata = { ...body.metadata };
  if (has("name")) customer.name = trimmed(body.name) ?? null;
  customer.billing_address = billingAddress;
  customer.tax_id = taxId;
  if (has("locale")) customer.locale = body.locale ?? null;
  customer.external_id = externalId;
  if ("type" in body && body.type === "team") customer.type = "team";
  customer.modified_at = ctx.clock.now();
  partition.customers.reindex(customer, before);
  if (emailChanged) syncOwnerEmail(ctx, customer);
  if (customer.external_id !== null && before.external_id === null && partition.usage.events.length > 0) {
    attachPendingEvents(ctx, customer);
  }
  publish(ctx, customer, "customer.updated");
  recordSystemEvent(
    ctx,
    customer,
    "customer.updated",
    customerUpdatedMetadata(customer, updatedFields(previous, customer)),
  );
  return customer;
}

/** Polar's `updated_fields` of a `customer.updated` event: what the update changed, with its new value. */
function updatedFields(previous: CustomerRecord, customer: CustomerRecord): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  const changed = (a: unknown, b: unknown) => !isDeepStrictEqual(a, b);
  if (changed(previous.name, customer.name)) fields.name = customer.name;
  if (changed(previous.billing_name, customer.billing_name)) fields.billing_name = customer.billing_name;
  if (changed(previous.email, customer.email)) fields.email = customer.email;
  if (changed(previous.billing_address, customer.billing_address)) {
    // Address.to_dict(): the fields that are set, `country` last.
    fields.billing_address =
      customer.billing_address === null
        ? null
        : Object.fromEntries(Object.entries(customer.billing_address).filter(([, value]) => value !== null));
  }
  if (changed(previous.tax_id, customer.tax_id)) fields.tax_id = customer.tax_id?.[0] ?? null;
  if (changed(previous.metadata, customer.metadata)) fields.metadata = { ...customer.metadata };
  return fields;
}

/**
 * `upgrade_to_team`: a subscription to a seat-based product makes an individual customer a team,
 * one way, with `customer.updated` (and the state).
 */
export function upgradeToTeam(ctx: Ctx, customer: CustomerRecord): void {
  if (customer.type !== "individual") return;
  customer.type = "team";
  customer.modified_at = ctx.clock.now();
  publish(ctx, customer, "customer.updated");
}

function anonymizeValue(value: string, createdAt: Date): string {
  return createHash("sha256").update(pythonIsoformat(createdAt)).update(value).digest("hex");
}

/**
 * Soft delete. The external_id moves to `metadata.__external_id` so it can be used again, and the
 * email is freed. With `anonymize`, personal data is replaced by digests instead (Polar keeps
 * external_id and tax_id then, for legal reasons).
 */
export function deleteCustomer(ctx: Ctx, customer: CustomerRecord, options: { anonymize: boolean }): void {
  const partition = ctx.store.partition(customer.organization_id);
  // Polar deletes the members at once (their `member.deleted` first), then its jobs run
  // cancel_customer and revoke_customer: subscriptions end now, then every grant goes.
  deleteCustomerMembers(ctx, customer);
  revokeCustomerSubscriptions(ctx, customer);
  for (const grant of [...partition.grants.ofCustomer(customer.id)]) {
    const benefit = partition.benefits.get(grant.benefit_id);
    if (benefit && grant.granted_at !== null) {
      const subscription = grant.subscription_id
        ? partition.subscriptions.get(grant.subscription_id)
        : undefined;
      revokeBenefit(ctx, customer, benefit, { subscription });
    }
  }
  const before = { email: customer.email, external_id: customer.external_id };
  const now = ctx.clock.now();
  if (options.anonymize) {
    if (customer.email !== null) {
      customer.email = `${anonymizeValue(customer.email, customer.created_at)}@${ANONYMIZED_EMAIL_DOMAIN}`;
    }
    customer.email_verified = false;
    if (customer.tax_id === null && customer.name)
      customer.name = anonymizeValue(customer.name, customer.created_at);
    if (customer.billing_name)
      customer.billing_name = anonymizeValue(customer.billing_name, customer.created_at);
    customer.billing_address = null;
    customer.metadata = { ...customer.metadata, __anonymized_at: pythonIsoformat(now) };
  } else if (customer.external_id !== null) {
    customer.metadata = { ...customer.metadata, __external_id: customer.external_id };
    customer.external_id = null;
  }
  customer.deleted_at = now;
  customer.modified_at = now;
  partition.customers.reindex(customer, before);
  publish(ctx, customer, "customer.deleted");
  recordSystemEvent(ctx, customer, "customer.deleted", customerMetadata(customer));
}

/** A live customer of the organization by id, or 404. */
export function getCustomer(ctx: Ctx, organizationId: string, id: string): CustomerRecord {
  const customer = ctx.store.partition(organizationId).customers.live(id);
  if (!customer) throw new ResourceNotFound();
  return customer;
}

/** A live customer of the organization by external id (exact, case-sensitive), or 404. */
export function getCustomerByExternalId(
  ctx: Ctx,
  organizationId: string,
  externalId: string,
): CustomerRecord {
  const customer = ctx.store.partition(organizationId).customers.byExternalId.get(externalId);
  if (!customer) throw new ResourceNotFound();
  return customer;
}
