/** The public EventType and EventTypeWithStats objects, keys in the spec's order. */
import type { Schemas } from "../../domain/wire.js";
import { iso, isoOrNull } from "../../util/time.js";
import type { EventTypeStats } from "./list.js";
import type { EventTypeRecord } from "./table.js";

export function serializeEventType(
  eventType: EventTypeRecord,
  modifiedAt: Date | null = eventType.modified_at,
): Schemas["EventType"] {
  return {
    created_at: iso(eventType.created_at),
    modified_at: isoOrNull(modifiedAt),
    id: eventType.id,
    name: eventType.name,
    label: eventType.label,
    label_property_selector: eventType.label_property_selector,
    organization_id: eventType.organization_id,
  };
}

export function serializeEventTypeWithStats({
  stats,
  eventType,
  label,
}: EventTypeStats): Schemas["EventTypeWithStats"] {
  return {
    id: eventType?.id ?? null,
    created_at: eventType === undefined ? null : iso(eventType.created_at),
    modified_at: eventType === undefined ? null : isoOrNull(eventType.modified_at),
    name: stats.name,
    label,
    label_property_selector: eventType?.label_property_selector ?? null,
    organization_id: stats.organizationId,
    source: stats.source,
    occurrences: stats.occurrences,
    first_seen: iso(stats.firstSeen),
    last_seen: iso(stats.lastSeen),
  };
}
