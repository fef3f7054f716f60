/** The public BenefitGrant object and a grant's CustomerStateBenefitGrant, in the spec's key order. */
import type { Schemas } from "../../domain/wire.js";
import { cloneData } from "../../util/clone.js";
import { iso, isoOrNull } from "../../util/time.js";
import { serializeBenefit } from "../benefits/serialize.js";
import type { Partition } from "../context.js";
import { serializeCustomer } from "../customers/serialize.js";
import type { GrantRecord } from "./table.js";

export type BenefitGrantWire = Schemas["BenefitGrant"];

/**
 * A grant's properties as the API answers them. `BenefitGrant.properties` and
 * `CustomerStateBenefitGrant.properties` are a union of the grant property dicts of every benefit
 * type but meter credit (benefit/strategies/__init__.py `BenefitGrantProperties`), and pydantic
 * keeps only the keys of the member it picks: a meter-credit grant's `last_credited_*` keys belong
 * to none, so the API answers `{}` for them. Webhook payloads have each type's own properties.
 */
function apiProperties(benefitType: string, properties: Record<string, unknown>): Record<string, unknown> {
  return benefitType === "meter_credit" ? {} : cloneData(properties);
}

/** The grant as a `benefit_grant.*` webhook carries it (`BenefitGrantWebhook`): its type's own properties. */
export function serializeGrantWebhook(
  partition: Partition,
  grant: GrantRecord,
  previous: Record<string, unknown> | null,
): BenefitGrantWire & { previous_properties: Record<string, unknown> | null } {
  return {
    ...serializeGrant(partition, grant),
    properties: cloneData(grant.properties),
    previous_properties: previous === null ? null : cloneData(previous),
  } as BenefitGrantWire & { previous_properties: Record<string, unknown> | null };
}

export function serializeGrant(partition: Partition, grant: GrantRecord): BenefitGrantWire {
  const customer = partition.customers.get(grant.customer_id);
  const benefit = partition.benefits.get(grant.benefit_id);
  if (!customer || !benefit) {
    throw new Error(`[polar-emulator] grant ${grant.id} points at a missing object`);
  }
  return {
    created_at: iso(grant.created_at),
    modified_at: isoOrNull(grant.modified_at),
    id: grant.id,
    granted_at: isoOrNull(grant.granted_at),
    is_granted: grant.granted_at !== null,
    revoked_at: isoOrNull(grant.revoked_at),
    is_revoked: grant.revoked_at !== null,
    subscription_id: grant.subscription_id,
    order_id: grant.order_id,
    customer_id: grant.customer_id,
    member_id: grant.member_id,
    benefit_id: grant.benefit_id,
    error: null,
    customer: serializeCustomer(customer),
    member: null,
    benefit: serializeBenefit(benefit),
    properties: apiProperties(benefit.type, grant.properties),
  } as BenefitGrantWire;
}

export function serializeStateGrant(
  partition: Partition,
  grant: GrantRecord,
): Schemas["CustomerStateBenefitGrant"] {
  const benefit = partition.benefits.get(grant.benefit_id);
  if (!benefit || grant.granted_at === null) {
    throw new Error(`[polar-emulator] grant ${grant.id} cannot appear in a customer state`);
  }
  return {
    id: grant.id,
    created_at: iso(grant.created_at),
    modified_at: isoOrNull(grant.modified_at),
    granted_at: iso(grant.granted_at),
    benefit_id: grant.benefit_id,
    benefit_type: benefit.type,
    benefit_metadata: { ...benefit.metadata },
    properties: apiProperties(benefit.type, grant.properties),
  } as Schemas["CustomerStateBenefitGrant"];
}
