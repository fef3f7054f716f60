/**
 * Benefit grants: made by subscriptions or directly, with properties per benefit type as Polar's
 * benefit strategies write them. One grant per (customer, benefit, subscription); granting again
 * reuses it (Polar's `get_by_benefit_and_scope`), so its id stays stable across revoke/grant.
 */
import { type DomainEventType, emit } from "../../domain/events.js";
import { pythonIsoformat } from "../../util/time.js";
import type { BenefitRecord } from "../benefits/table.js";
import type { Ctx, Partition } from "../context.js";
import { creditCustomerMeter, resetCustomerMeter } from "../customer-meters/service.js";
import { publishCustomerState } from "../customers/state.js";
import type { CustomerRecord } from "../customers/table.js";
import { benefitGrantMetadata, recordSystemEvent, type SystemEventName } from "../events/system.js";
import { grantLicenseKey, revokeLicenseKey } from "../license-keys/grant.js";
import type { SubscriptionRecord } from "../subscriptions/table.js";
import { serializeGrantWebhook } from "./serialize.js";
import type { GrantRecord } from "./table.js";

/**
 * What a grant is for, beyond its customer and benefit (Polar's grant scope and `member`): a
 * subscription, an order (a seat of one), and the member holding a seat. Unset means none.
 */
export interface GrantScope {
  subscription?: SubscriptionRecord;
  order?: { id: string };
  member?: { id: string } | null;
}

function findGrant(
  partition: Partition,
  customer: CustomerRecord,
  benefit: BenefitRecord,
  scope: GrantScope,
): GrantRecord | undefined {
  const subscriptionId = scope.subscription?.id ?? null;
  const orderId = scope.order?.id ?? null;
  const memberId = scope.member?.id ?? null;
  return partition.grants
    .ofCustomer(customer.id)
    .find(
      (grant) =>
        grant.benefit_id === benefit.id &&
        grant.subscription_id === subscriptionId &&
        grant.order_id === orderId &&
        grant.member_id === memberId,
    );
}

/** A grant record not granted yet (Polar creates it, then runs the benefit's strategy). */
function newGrant(
  ctx: Ctx,
  partition: Partition,
  customer: CustomerRecord,
  benefit: BenefitRecord,
  scope: GrantScope,
  now: Date,
): GrantRecord {
  const grant: GrantRecord = {
    id: ctx.random.uuid(),
    organization_id: customer.organization_id,
    customer_id: customer.id,
    benefit_id: benefit.id,
    subscription_id: scope.subscription?.id ?? null,
    order_id: scope.order?.id ?? null,
    member_id: scope.member?.id ?? null,
    created_at: now,
    modified_at: null,
    granted_at: null,
    revoked_at: null,
    properties: {},
  };
  partition.grants.insert(grant);
  return grant;
}

function touch(grant: GrantRecord, now: Date): GrantRecord {
  grant.modified_at = now;
  return grant;
}

/** A Discord/GitHub account id the emulator makes up for the customer (Polar asks the customer to connect one). */
function accountId(ctx: Ctx): string {
  return ctx.random.faker.string.numeric({ length: 18, allowLeadingZeros: false });
}

/** The grant's properties once granted, as each of Polar's benefit strategies returns them. */
function grantedProperties(
  ctx: Ctx,
  customer: CustomerRecord,
  benefit: BenefitRecord,
  grant: GrantRecord,
  update: boolean,
): Record<string, unknown> {
  const previous = grant.properties;
  switch (benefit.type) {
    case "discord": {
      const account = typeof previous.account_id === "string" ? previous.account_id : accountId(ctx);
      const { guild_id, role_id } = benefit.properties;
      return { ...previous, account_id: account, guild_id, role_id, granted_account_id: account };
    }
    case "github_repository": {
      const account = typeof previous.account_id === "string" ? previous.account_id : accountId(ctx);
      const { repository_owner, repository_name, permission } = benefit.properties;
      return {
        ...previous,
        account_id: account,
        repository_owner,
        repository_name,
        permission,
        granted_account_id: account,
      };
    }
    case "downloadables": {
      const { archived, files } = benefit.properties;
      return { ...previous, files: files.filter((file) => !archived[file]) };
    }
    case "license_keys":
      return grantLicenseKey(ctx, customer, benefit, previous, {
        subscriptionId: grant.subscription_id,
        memberId: grant.member_id,
        update,
      });
    case "meter_credit": {
      const { meter_id: meterId, units } = benefit.properties;
      creditCustomerMeter(ctx, customer, meterId, units, benefit.properties.rollover === true);
      return {
        last_credited_meter_id: meterId,
        last_credited_units: units,
        last_credited_at: pythonIsoformat(ctx.clock.now()),
      };
    }
    default:
      return { ...previous };
  }
}

/** The grant's properties once revoked (Discord forgets the account; credits are taken back). */
function revokedProperties(
  ctx: Ctx,
  customer: CustomerRecord,
  benefit: BenefitRecord,
  grant: GrantRecord,
): Record<string, unknown> {
  const previous = grant.properties;
  switch (benefit.type) {
    case "license_keys":
      revokeLicenseKey(ctx, customer, previous);
      return { ...previous };
    case "discord":
      return {};
    case "github_repository":
      return { account_id: previous.account_id ?? null };
    case "meter_credit": {
      const meterId = previous.last_credited_meter_id;
      if (typeof meterId !== "string") return previous;
      const units =
        typeof previous.last_credited_units === "number"
          ? previous.last_credited_units
          : benefit.properties.units;
      creditCustomerMeter(ctx, customer, meterId, -units, benefit.properties.rollover === true);
      return {
        last_credited_meter_id: meterId,
        last_credited_units: -units,
        last_credited_at: pythonIsoformat(ctx.clock.now()),
      };
    }
    default:
      return { ...previous };
  }
}

/**
 * `benefit_grant.*` with the grant, then `customer.state_changed`. The grant's payload carries
 * `previous_properties`, its properties before this change, as Polar's BenefitGrantWebhook does.
 */
export function publishGrant(
  ctx: Ctx,
  grant: GrantRecord,
  type: DomainEventType,
  previous: Record<string, unknown>,
): void {
  const partition = ctx.store.partition(grant.organization_id);
  const customer = partition.customers.get(grant.customer_id);
  if (!customer) return;
  const subject = { organizationId: grant.organization_id, customerId: customer.id, subjectId: grant.id };
  emit(ctx, type, subject, () => serializeGrantWebhook(partition, grant, previous));
  publishCustomerState(ctx, customer);
}

/** The system event of a grant's change (Polar's `_build_benefit_grant_metadata`). */
function recordGrantEvent(
  ctx: Ctx,
  customer: CustomerRecord,
  benefit: BenefitRecord,
  grant: GrantRecord,
  name: SystemEventName,
): void {
  recordSystemEvent(ctx, customer, name, benefitGrantMetadata({ ...grant, benefitType: benefit.type }));
}

/**
 * Polar's grant_benefit and revoke_benefit: find (or create) the customer's grant of the benefit
 * in this scope; when it is already in the wanted state, return it unchanged without events.
 */
function setGranted(
  ctx: Ctx,
  customer: CustomerRecord,
  benefit: BenefitRecord,
  scope: GrantScope,
  granted: boolean,
): GrantRecord {
  const partition = ctx.store.partition(customer.organization_id);
  const now = ctx.clock.now();
  const found = findGrant(partition, customer, benefit, scope);
  if (found && (granted ? found.granted_at : found.revoked_at)) return found;
  const grant = found ? touch(found, now) : newGrant(ctx, partition, customer, benefit, scope, now);
  applyGrantState(
    ctx,
    grant,
    customer,
    benefit,
    granted,
    granted ? "benefit_grant.created" : "benefit_grant.revoked",
    granted ? "benefit.granted" : "benefit.revoked",
  );
  return grant;
}

/** The strategy's grant or revocation on this grant, its timestamps, and its webhook. */
function applyGrantState(
  ctx: Ctx,
  grant: GrantRecord,
  customer: CustomerRecord,
  benefit: BenefitRecord,
  granted: boolean,
  type: DomainEventType,
  systemEvent: SystemEventName | null,
): void {
  const now = ctx.clock.now();
  const previous = grant.properties;
  grant.properties = granted
    ? grantedProperties(ctx, customer, benefit, grant, type === "benefit_grant.updated")
    : revokedProperties(ctx, customer, benefit, grant);
  grant.granted_at = granted ? now : null;
  grant.revoked_at = granted ? null : now;
  // Polar's system event (none for the revocations of a deleted benefit).
  if (systemEvent) recordGrantEvent(ctx, customer, benefit, grant, systemEvent);
  publishGrant(ctx, grant, type, previous);
}

/**
 * A granted grant whose benefit changed what it gives (Polar's `update_benefit_grant`): the
 * strategy grants it again with the benefit's new properties, `granted_at` moves, and
 * `benefit_grant.updated` is sent. A deleted customer's grant is left alone.
 */
export function updateGrant(ctx: Ctx, grant: GrantRecord): void {
  const partition = ctx.store.partition(grant.organization_id);
  const customer = partition.customers.live(grant.customer_id);
  const benefit = partition.benefits.get(grant.benefit_id);
  if (grant.revoked_at !== null || !customer || !benefit) return;
  touch(grant, ctx.clock.now());
  applyGrantState(ctx, grant, customer, benefit, true, "benefit_grant.updated", "benefit.updated");
}

/**
 * Revokes one grant whatever its scope (Polar's `delete_benefit_grant`, run for each grant of a
 * deleted benefit): the strategy revokes it and `benefit_grant.revoked` is sent.
 */
export function revokeGrant(ctx: Ctx, grant: GrantRecord): void {
  const partition = ctx.store.partition(grant.organization_id);
  const customer = partition.customers.get(grant.customer_id);
  const benefit = partition.benefits.get(grant.benefit_id);
  if (grant.revoked_at !== null || !customer || !benefit) return;
  touch(grant, ctx.clock.now());
  applyGrantState(ctx, grant, customer, benefit, false, "benefit_grant.revoked", null);
}

/** Grants a benefit (again) to a customer; nothing happens when it is granted already. */
export function grantBenefit(
  ctx: Ctx,
  customer: CustomerRecord,
  benefit: BenefitRecord,
  options: GrantScope = {},
): GrantRecord {
  return setGranted(ctx, customer, benefit, options, true);
}

/**
 * Revokes a customer's grant of a benefit. With no grant yet, Polar records a revoked one; a grant
 * already revoked is returned unchanged, without events.
 */
export function revokeBenefit(
  ctx: Ctx,
  customer: CustomerRecord,
  benefit: BenefitRecord,
  options: GrantScope = {},
): GrantRecord {
  return setGranted(ctx, customer, benefit, options, false);
}

/**
 * A new billing period for a granted grant: meter credits start over (what is left rolls over when
 * the benefit says so). Other types have nothing to cycle. Emits `benefit_grant.cycled`.
 */
export function cycleGrant(
  ctx: Ctx,
  customer: CustomerRecord,
  grant: GrantRecord,
  /** Meters the renewal already started over (metered prices): no second reset, nothing rolls over. */
  alreadyReset: ReadonlySet<string> = new Set(),
): void {
  const partition = ctx.store.partition(customer.organization_id);
  const benefit = partition.benefits.get(grant.benefit_id);
  if (!benefit || grant.granted_at === null) return;
  grant.modified_at = ctx.clock.now();
  const previous = grant.properties;
  if (benefit.type === "meter_credit") {
    const meterId = benefit.properties.meter_id;
    if (!alreadyReset.has(meterId)) {
      const before = partition.customerMeters.find(customer.id, meterId);
      const left = before ? Math.max(0, before.credited_units - before.consumed_units) : 0;
      resetCustomerMeter(ctx, customer, meterId);
      if (benefit.properties.rollover === true && left > 0) {
        creditCustomerMeter(ctx, customer, meterId, Math.floor(left), true);
      }
    }
    grant.properties = grantedProperties(ctx, customer, benefit, grant, true);
  }
  recordGrantEvent(ctx, customer, benefit, grant, "benefit.cycled");
  publishGrant(ctx, grant, "benefit_grant.cycled", previous);
}
