/**
 * Event types (server/polar/event_type/): made on the fly when an organization first ingests an
 * event of a name (`get_or_create`, label = the name), relabelled by `PATCH /v1/event-types/{id}`.
 * System events have none: their labels are Polar's own (src/resources/events/system.ts).
 */

import type { Schemas } from "../../domain/wire.js";
import { ResourceNotFound } from "../../errors.js";
import { derivedUuid } from "../../util/derived-id.js";
import type { Ctx, Partition } from "../context.js";
import { strippedLabel, strippedSelector } from "./rules.js";
import type { EventTypeRecord } from "./table.js";

/**
 * The organization's event type of this name, made now when it has none. Its id is derived from
 * the organization and the name (unique together, as Polar's constraint wants), so making one
 * draws nothing from the seeded random sequence.
 */
export function ensureEventType(ctx: Ctx, partition: Partition, name: string): EventTypeRecord {
  const existing = partition.eventTypes.byName.get(name);
  if (existing) return existing;
  const organizationId = partition.organization.id;
  return partition.eventTypes.insert({
    id: derivedUuid(`${organizationId}:event-type:${name}`),
    organization_id: organizationId,
    name,
    label: name,
    label_property_selector: null,
    created_at: ctx.clock.now(),
    modified_at: null,
  });
}

/** An event type of one of these organizations by id, or 404. */
export function getEventType(ctx: Ctx, organizationId: string, id: string): EventTypeRecord {
  const eventType = ctx.store.partitions.get(organizationId)?.eventTypes.get(id);
  if (!eventType) throw new ResourceNotFound();
  return eventType;
}

/**
 * Sets the label and the label property selector (absent means none); `modified_at` moves only
 * when one of them changed, as the row is then written. No webhook.
 */
export function updateEventType(
  ctx: Ctx,
  eventType: EventTypeRecord,
  body: Schemas["EventTypeUpdate"],
): EventTypeRecord {
  const label = strippedLabel(body.label);
  const selector = strippedSelector(body.label_property_selector);
  if (label === eventType.label && selector === eventType.label_property_selector) return eventType;
  eventType.label = label;
  eventType.label_property_selector = selector;
  eventType.modified_at = ctx.clock.now();
  return eventType;
}
