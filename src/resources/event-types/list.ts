/**
 * Listing event types with their statistics (event_type/service.py `list_with_stats`): the
 * statistics of the events the store holds by name and source (src/resources/events/list.ts),
 * ordered by name, first or last seen or occurrences (`label` is accepted but orders nothing,
 * as in Polar; no criterion means `-last_seen`), then `query` keeps those whose name or label
 * contains it (ignoring case). A usage name always has its event type; a system name may have
 * none, and then shows no id or dates.
 */
import type { Page, Paginated } from "../../domain/list.js";
import { paginate } from "../../domain/list.js";
import type { Schemas } from "../../domain/wire.js";
import { type Ctx, partitionsOf } from "../context.js";
import { type NameStats, nameStats } from "../events/list.js";
import { SYSTEM_EVENT_LABELS } from "../events/system.js";
import type { EventTypeRecord } from "./table.js";

export interface EventTypeFilters {
  organizationIds: string[];
  customerIds?: readonly string[];
  externalCustomerIds?: readonly string[];
  query?: string;
  rootEvents: boolean;
  parentId?: string;
  source?: Schemas["EventSource"];
}

/** A name's statistics with its event type, if the organization has one, and its label. */
export interface EventTypeStats {
  stats: NameStats;
  eventType: EventTypeRecord | undefined;
  label: string;
}

export function listEventTypes(
  ctx: Ctx,
  filters: EventTypeFilters,
  sorting: readonly Schemas["EventTypesSortProperty"][] | undefined,
  page: Page,
): Paginated<EventTypeStats> {
  const criteria = (sorting ?? ["-last_seen"]).filter((criterion) => criterion.replace(/^-/, "") !== "label");
  const stats = nameStats(
    ctx,
    {
      organizationIds: filters.organizationIds,
      customerIds: filters.customerIds,
      externalCustomerIds: filters.externalCustomerIds,
      sources: filters.source === undefined ? undefined : [filters.source],
      rootEvents: filters.rootEvents,
      parentId: filters.parentId,
    },
    criteria,
  );
  const partitions = new Map(
    partitionsOf(ctx, filters.organizationIds).map((partition) => [partition.organization.id, partition]),
  );
  let items: EventTypeStats[] = stats.map((item) => {
    const eventType = partitions.get(item.organizationId)?.eventTypes.byName.get(item.name);
    const fallback = eventType?.label ?? item.name;
    const label = item.source === "system" ? (SYSTEM_EVENT_LABELS[item.name] ?? fallback) : fallback;
    return { stats: item, eventType, label };
  });
  const query = filters.query?.toLowerCase();
  if (query !== undefined) {
    items = items.filter(
      (item) => item.stats.name.toLowerCase().includes(query) || item.label.toLowerCase().includes(query),
    );
  }
  const found = paginate(items, page);
  // A usage name without an event type is left out of the page (it still counts).
  return {
    total: found.total,
    items: found.items.filter((item) => item.eventType !== undefined || item.stats.source === "system"),
  };
}
