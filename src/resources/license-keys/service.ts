/**
 * License keys (server/polar/license_key/service.py): update, validate, activate, deactivate,
 * with Polar's checks in Polar's order and its errors (404 with a reason, 403 NotPermitted, 400
 * for usage). A status change through the API moves the benefit grant the key belongs to, as
 * Polar's `license_key.sync_benefit_grant` job does.
 */
import type { Schemas } from "../../domain/wire.js";
import { NotPermitted, PolarHttpError, ResourceNotFound } from "../../errors.js";
import type { Metadata } from "../../store/store.js";
import type { Ctx, Partition } from "../context.js";
import { grantBenefit, revokeGrant } from "../grants/service.js";
import type { ActivationRecord, LicenseKeyRecord } from "./table.js";

export type LicenseKeyUpdateBody = Schemas["LicenseKeyUpdate"];
export type LicenseKeyValidateBody = Schemas["LicenseKeyValidate"];
export type LicenseKeyActivateBody = Schemas["LicenseKeyActivate"];
export type LicenseKeyDeactivateBody = Schemas["LicenseKeyDeactivate"];

/** 400 with Polar's message (BadRequest carries the reason here). */
class UsageExceeded extends PolarHttpError {
  constructor(remaining: number) {
    super(400, { error: "BadRequest", detail: `License key only has ${remaining} more usages.` });
  }
}

/** A key of the organization by id, or 404. */
export function getLicenseKey(ctx: Ctx, organizationId: string, id: string): LicenseKeyRecord {
  const key = ctx.store.partitions.get(organizationId)?.licenseKeys.get(id);
  if (!key) throw new ResourceNotFound();
  return key;
}

/** A key of `organizationId` by its text, readable by the caller's organizations, or 404. */
export function getLicenseKeyByKey(
  ctx: Ctx,
  organizationId: string,
  key: string,
  readable: readonly string[] | null,
): LicenseKeyRecord {
  if (readable !== null && !readable.includes(organizationId)) throw new ResourceNotFound();
  const found = ctx.store.partitions.get(organizationId)?.licenseKeys.byKey.get(key);
  if (!found) throw new ResourceNotFound();
  return found;
}

/** A live activation of the key, or 404. */
export function getActivation(
  partition: Partition,
  key: LicenseKeyRecord,
  activationId: string,
): ActivationRecord {
  const activation = partition.licenseKeyActivations.get(activationId);
  if (!activation || activation.license_key_id !== key.id || activation.deleted_at !== null)
    throw new ResourceNotFound();
  return activation;
}

function isExpired(ctx: Ctx, key: LicenseKeyRecord): boolean {
  return key.expires_at !== null && ctx.clock.now().getTime() >= key.expires_at.getTime();
}

/** Python's `==` on two JSON dicts of metadata values (`1 == 1.0 == True`). */
function sameConditions(a: Metadata, b: Metadata): boolean {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((name) => {
    if (!(name in b)) return false;
    const left = a[name];
    const right = b[name];
    if (typeof left === "string" || typeof right === "string") return left === right;
    return Number(left) === Number(right);
  });
}

/** The key's benefit grant, whatever its state (`get_by_property_and_organization`). */
function grantOf(partition: Partition, key: LicenseKeyRecord) {
  return partition.grants
    .ofCustomer(key.customer_id)
    .find((grant) => grant.benefit_id === key.benefit_id && grant.properties.license_key_id === key.id);
}

export function updateLicenseKey(
  ctx: Ctx,
  key: LicenseKeyRecord,
  body: LicenseKeyUpdateBody,
): LicenseKeyRecord {
  const partition = ctx.store.partition(key.organization_id);
  const status = body.status ?? undefined;
  const statusChanged = status !== undefined && status !== key.status;
  if (status !== undefined) key.status = status;
  if (body.usage !== undefined) key.usage = body.usage;
  if (body.limit_activations !== undefined) key.limit_activations = body.limit_activations;
  if (body.limit_usage !== undefined) key.limit_usage = body.limit_usage;
  if (body.expires_at !== undefined)
    key.expires_at = body.expires_at === null ? null : new Date(body.expires_at);
  key.modified_at = ctx.clock.now();
  if (statusChanged) {
    const grant = grantOf(partition, key);
    const customer = partition.customers.get(key.customer_id);
    const benefit = partition.benefits.get(key.benefit_id);
    if (grant && customer && benefit) {
      if (status === "revoked" && grant.revoked_at === null) revokeGrant(ctx, grant);
      else if (
        status !== "revoked" &&
        grant.granted_at === null &&
        customer.deleted_at === null &&
        !benefit.is_deleted
      ) {
        const subscription =
          grant.subscription_id === null ? undefined : partition.subscriptions.get(grant.subscription_id);
        grantBenefit(ctx, customer, benefit, { subscription });
      }
    }
  }
  return key;
}

export function validateLicenseKey(
  ctx: Ctx,
  key: LicenseKeyRecord,
  body: LicenseKeyValidateBody,
): { key: LicenseKeyRecord; activation: ActivationRecord | null } {
  const partition = ctx.store.partition(key.organization_id);
  if (key.status !== "granted") throw new ResourceNotFound("License key is no longer active.");
  if (isExpired(ctx, key)) throw new ResourceNotFound("License key has expired.");
  let activation: ActivationRecord | null = null;
  if (body.activation_id) {
    activation = getActivation(partition, key, body.activation_id);
    if (
      Object.keys(activation.conditions).length > 0 &&
      !sameConditions(body.conditions ?? {}, activation.conditions)
    )
      throw new ResourceNotFound("License key does not match required conditions");
  }
  if (body.benefit_id && body.benefit_id !== key.benefit_id)
    throw new ResourceNotFound("License key does not match given benefit.");
  if (body.customer_id && body.customer_id !== key.customer_id)
    throw new ResourceNotFound("License key does not match given user.");
  const increment = body.increment_usage ?? 0;
  if (increment && key.limit_usage) {
    const remaining = key.limit_usage - key.usage;
    if (increment > remaining) throw new UsageExceeded(remaining);
  }
  key.validations += 1;
  key.last_validated_at = ctx.clock.now();
  if (increment) key.usage += increment;
  key.modified_at = ctx.clock.now();
  return { key, activation };
}

export function activateLicenseKey(
  ctx: Ctx,
  key: LicenseKeyRecord,
  body: LicenseKeyActivateBody,
): ActivationRecord {
  const partition = ctx.store.partition(key.organization_id);
  if (key.status !== "granted")
    throw new NotPermitted("License key is no longer active. This license key can not be activated.");
  if (isExpired(ctx, key)) throw new NotPermitted("License key has expired.");
  if (!key.limit_activations)
    throw new NotPermitted(
      "This license key does not support activations. Use the /validate endpoint instead to check license validity.",
    );
  if (partition.licenseKeyActivations.liveOf(key.id).length >= key.limit_activations)
    throw new NotPermitted("License key activation limit already reached");
  const activation: ActivationRecord = {
    id: ctx.random.uuid(),
    organization_id: key.organization_id,
    license_key_id: key.id,
    label: body.label,
    conditions: { ...(body.conditions ?? {}) },
    meta: { ...(body.meta ?? {}) },
    created_at: ctx.clock.now(),
    modified_at: null,
    deleted_at: null,
  };
  partition.licenseKeyActivations.insert(activation);
  return activation;
}

export function deactivateLicenseKey(ctx: Ctx, key: LicenseKeyRecord, body: LicenseKeyDeactivateBody): void {
  const partition = ctx.store.partition(key.organization_id);
  const activation = getActivation(partition, key, body.activation_id);
  const now = ctx.clock.now();
  activation.deleted_at = now;
  activation.modified_at = now;
}
