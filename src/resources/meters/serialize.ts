/** The public Meter object, key for key in the spec's order. */
import type { Schemas } from "../../domain/wire.js";
import { iso, isoOrNull } from "../../util/time.js";
import type { MeterRecord } from "./table.js";

export type MeterWire = Schemas["Meter"];

export function serializeMeter(meter: MeterRecord): MeterWire {
  return {
    metadata: { ...meter.metadata },
    created_at: iso(meter.created_at),
    modified_at: isoOrNull(meter.modified_at),
    id: meter.id,
    name: meter.name,
    unit: meter.unit,
    custom_label: meter.custom_label,
    custom_multiplier: meter.custom_multiplier,
    filter: structuredClone(meter.filter),
    aggregation: { ...meter.aggregation },
    organization_id: meter.organization_id,
    archived_at: isoOrNull(meter.archived_at),
  } as MeterWire;
}
