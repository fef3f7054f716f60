/**
 * What a `license_keys` benefit does when it is granted or revoked (Polar's
 * BenefitLicenseKeysService and `license_key.customer_grant` / `customer_revoke`): the first grant
 * makes a key (`<PREFIX>-<UUID>` upper-cased, or the customer's own key), with the benefit's
 * activation and usage limits and, outside a subscription, its TTL; a later grant refreshes those
 * limits (and brings a revoked key back, unless it is an update); a revocation revokes the key.
 */
import { nextPeriod } from "../../util/period.js";
import type { BenefitRecord } from "../benefits/table.js";
import type { Ctx } from "../context.js";
import type { CustomerRecord } from "../customers/table.js";
import type { LicenseKeyRecord } from "./table.js";

type LicenseKeysBenefit = Extract<BenefitRecord, { type: "license_keys" }>;

/** `****-` and the key's last six characters. */
export function displayKey(key: string): string {
  return `****-${key.slice(-6)}`;
}

/** `LicenseKeyCreate.generate_expiration_dt`: now plus the TTL, months and years by calendar. */
function expiresAt(benefit: LicenseKeysBenefit, now: Date): Date | null {
  const expires = benefit.properties.expires;
  if (!expires?.ttl || !expires.timeframe) return null;
  return nextPeriod(now, expires.timeframe, expires.ttl, now.getUTCDate());
}

function limits(benefit: LicenseKeysBenefit, now: Date, setExpiration: boolean) {
  return {
    limit_activations: benefit.properties.activations?.limit ?? null,
    limit_usage: benefit.properties.limit_usage ?? null,
    expires_at: setExpiration ? expiresAt(benefit, now) : null,
  };
}

/** The grant's properties once granted: the key's id and display key added. */
export function grantLicenseKey(
  ctx: Ctx,
  customer: CustomerRecord,
  benefit: LicenseKeysBenefit,
  previous: Record<string, unknown>,
  options: { subscriptionId: string | null; memberId: string | null; update: boolean },
): Record<string, unknown> {
  const partition = ctx.store.partition(customer.organization_id);
  const now = ctx.clock.now();
  const setExpiration = options.subscriptionId === null;
  const currentId = typeof previous.license_key_id === "string" ? previous.license_key_id : undefined;
  const current = currentId === undefined ? undefined : partition.licenseKeys.get(currentId);
  if (current && current.customer_id === customer.id && current.benefit_id === benefit.id) {
    if (!options.update && current.status === "revoked") current.status = "granted";
    if (options.memberId !== null && current.member_id === null) current.member_id = options.memberId;
    const next = limits(benefit, now, setExpiration);
    const changed =
      current.limit_activations !== next.limit_activations ||
      current.limit_usage !== next.limit_usage ||
      current.expires_at?.getTime() !== next.expires_at?.getTime();
    Object.assign(current, next);
    if (changed) current.modified_at = now;
    return { ...previous, license_key_id: current.id, display_key: displayKey(current.key) };
  }
  const provided =
    !options.update && currentId === undefined && typeof previous.user_provided_key === "string"
      ? previous.user_provided_key
      : undefined;
  let key = provided;
  if (key === undefined) {
    const prefix = benefit.properties.prefix?.trim().toUpperCase() ?? null;
    const uuid = ctx.random.uuid().toUpperCase();
    key = prefix ? `${prefix}-${uuid}` : uuid;
  }
  const record: LicenseKeyRecord = {
    id: ctx.random.uuid(),
    organization_id: customer.organization_id,
    customer_id: customer.id,
    member_id: options.memberId,
    benefit_id: benefit.id,
    key,
    status: "granted",
    ...limits(benefit, now, setExpiration),
    usage: 0,
    validations: 0,
    last_validated_at: null,
    created_at: now,
    modified_at: null,
  };
  partition.licenseKeys.insert(record);
  return { ...previous, license_key_id: record.id, display_key: displayKey(record.key) };
}

/** The grant's revocation: its key is revoked; the properties are kept. */
export function revokeLicenseKey(
  ctx: Ctx,
  customer: CustomerRecord,
  previous: Record<string, unknown>,
): void {
  if (typeof previous.license_key_id !== "string") return;
  const key = ctx.store.partition(customer.organization_id).licenseKeys.get(previous.license_key_id);
  if (!key || key.customer_id !== customer.id || key.status === "revoked") return;
  key.status = "revoked";
  key.modified_at = ctx.clock.now();
}
