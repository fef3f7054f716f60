/**
 * Meters: an event filter and an aggregation (server/polar/meter/service.py, schemas.py).
 * Creating one emits nothing; customer meters appear as customers' events match it (src/resources/customer-meters).
 */
import {
  byKey,
  likePattern,
  type MetadataFilter,
  matchesMetadata,
  type Page,
  type Paginated,
  paginate,
  sortBy,
  sortingOr,
} from "../../domain/list.js";
import type { Schemas } from "../../domain/wire.js";
import { ResourceNotFound } from "../../errors.js";
import { type Ctx, partitionsOf } from "../context.js";
import { meterMatches, normalizeAggregation, normalizeFilter } from "./filter.js";
import type { MeterRecord } from "./table.js";

export type MeterCreateBody = Schemas["MeterCreate"];

/** Creates a meter (with `options.id` when a fixture fixes it). */
export function createMeter(
  ctx: Ctx,
  organizationId: string,
  body: MeterCreateBody,
  options: { id?: string } = {},
): MeterRecord {
  const partition = ctx.store.partition(organizationId);
  const now = ctx.clock.now();
  const meter: MeterRecord = {
    id: options.id ?? ctx.random.uuid(),
    organization_id: organizationId,
    created_at: now,
    modified_at: null,
    name: body.name,
    unit: body.unit ?? "scalar",
    custom_label: body.custom_label ?? null,
    custom_multiplier: body.custom_multiplier ?? null,
    filter: normalizeFilter(body.filter),
    aggregation: normalizeAggregation(body.aggregation),
    metadata: { ...(body.metadata ?? {}) },
    archived_at: null,
  };
  // Polar sets the meter's last billed event to the latest matching event right after inserting
  // it: that second write stamps modified_at when such an event exists.
  if (partition.usage.events.some((event) => meterMatches(meter, event))) meter.modified_at = now;
  partition.meters.insert(meter);
  return meter;
}

/** A meter of the organization by id, or 404. */
export function getMeter(ctx: Ctx, organizationId: string, id: string): MeterRecord {
  const meter = ctx.store.partitions.get(organizationId)?.meters.get(id);
  if (!meter) throw new ResourceNotFound();
  return meter;
}

export interface MeterFilters {
  /** The organizations to read from: the token's, intersected with any `organization_id` filter. */
  organizationIds: string[];
  /** Case-insensitive `ILIKE '%query%'` on the name (`%` and `_` are wildcards, as in Polar). */
  query?: string;
  isArchived?: boolean;
  /** `metadata[key]=v1&metadata[key]=v2`: values of one key OR'd, keys AND'd, compared as text. */
  metadata?: MetadataFilter;
}

const SORT_KEYS: Record<string, (meter: MeterRecord) => string | number> = {
  created_at: (meter) => meter.created_at.getTime(),
  name: (meter) => meter.name,
};

/** Polar's default is `name` ascending (meter/sorting.py); ties keep creation order. */
export function listMeters(
  ctx: Ctx,
  filters: MeterFilters,
  sorting: readonly Schemas["MeterSortProperty"][] | undefined,
  page: Page,
): Paginated<MeterRecord> {
  const query = filters.query === undefined ? undefined : likePattern(`%${filters.query}%`, "i");
  const found: MeterRecord[] = [];
  for (const partition of partitionsOf(ctx, filters.organizationIds)) {
    for (const meter of partition.meters.values()) {
      if (query && !query.test(meter.name)) continue;
      if (filters.isArchived !== undefined && (meter.archived_at !== null) !== filters.isArchived) continue;
      if (!matchesMetadata(meter.metadata, filters.metadata)) continue;
      found.push(meter);
    }
  }
  sortBy(found, sortingOr(sorting, ["name"]), (field) => byKey(SORT_KEYS[field]));
  return paginate(found, page);
}
