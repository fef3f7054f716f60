/** The public Benefit object, key for key in the spec's order. */
import type { Schemas } from "../../domain/wire.js";
import { cloneData } from "../../util/clone.js";
import { iso, isoOrNull } from "../../util/time.js";
import type { BenefitRecord, BenefitType } from "./table.js";

export type BenefitWire = Schemas["Benefit"];

/** Benefit types whose visibility the merchant may choose; the others are always public. */
export const VISIBILITY_CONFIGURABLE: ReadonlySet<BenefitType> = new Set([
  "custom",
  "license_keys",
  "meter_credit",
  "feature_flag",
]);

export function serializeBenefit(benefit: BenefitRecord): BenefitWire {
  return {
    id: benefit.id,
    created_at: iso(benefit.created_at),
    modified_at: isoOrNull(benefit.modified_at),
    type: benefit.type,
    description: benefit.description,
    selectable: benefit.selectable,
    deletable: benefit.deletable,
    is_deleted: benefit.is_deleted,
    organization_id: benefit.organization_id,
    metadata: { ...benefit.metadata },
    visibility: benefit.visibility,
    properties: cloneData(benefit.properties),
    visibility_configurable: VISIBILITY_CONFIGURABLE.has(benefit.type),
  } as BenefitWire;
}
