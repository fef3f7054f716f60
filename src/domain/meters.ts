/**
 * Meters: an event filter and an aggregation (server/polar/meter/service.py, schemas.py).
 * Creating one emits nothing; customer meters appear as customers' events match it (usage.ts).
 */
import { RequestValidationError, ResourceNotFound } from "../errors.js";
import type { MeterRecord } from "../store/store.js";
import type { DomainContext } from "./context.js";
import { likePattern, matchesMetadata } from "./filters.js";
import { meterMatches, normalizeAggregation, normalizeFilter } from "./meter-filter.js";
import type { MeterCreateBody, MeterSortProperty } from "./wire.js";

/**
 * MeterCreate's model validator (pydantic, so a RequestValidationError on the whole body):
 * `custom_label` is required with the `custom` unit and refused with any other.
 */
export function validateMeterCreate(body: MeterCreateBody): void {
  const unit = body.unit ?? "scalar";
  const label = body.custom_label ?? null;
  let message: string | null = null;
  if (unit === "custom" && label === null) message = "custom_label is required when unit is 'custom'.";
  if (unit !== "custom" && label !== null)
    message = "custom_label and custom_multiplier are only allowed when unit is 'custom'.";
  if (message !== null) {
    throw new RequestValidationError([
      { type: "value_error", loc: ["body"], msg: `Value error, ${message}`, input: body, ctx: { error: {} } },
    ]);
  }
}

/** Creates a meter (with `options.id` when a fixture fixes it). */
export function createMeter(
  ctx: DomainContext,
  organizationId: string,
  body: MeterCreateBody,
  options: { id?: string } = {},
): MeterRecord {
  validateMeterCreate(body);
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
  if (partition.usageEvents.some((event) => meterMatches(meter, event))) meter.modified_at = now;
  partition.meters.set(meter.id, meter);
  return meter;
}

/** A meter of the organization by id, or 404. */
export function getMeter(ctx: DomainContext, organizationId: string, id: string): MeterRecord {
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
  metadata?: Record<string, string[]>;
}

/** Postgres order: ascending puts nulls last, descending puts them first; text bytewise. */
export function compareValues(
  a: string | number | null,
  b: string | number | null,
  descending: boolean,
): number {
  if (a === b) return 0;
  if (a === null) return descending ? -1 : 1;
  if (b === null) return descending ? 1 : -1;
  const order = a < b ? -1 : a > b ? 1 : 0;
  return descending ? -order : order;
}

/** Polar's default is `name` ascending (meter/sorting.py); ties keep creation order. */
export function listMeters(
  ctx: DomainContext,
  filters: MeterFilters,
  sorting: MeterSortProperty[],
  page: number,
  limit: number,
): { items: MeterRecord[]; total: number } {
  const query = filters.query === undefined ? undefined : likePattern(`%${filters.query}%`, "i");
  const all: MeterRecord[] = [];
  for (const organizationId of filters.organizationIds) {
    const partition = ctx.store.partitions.get(organizationId);
    if (!partition) continue;
    for (const meter of partition.meters.values()) {
      if (query && !query.test(meter.name)) continue;
      if (filters.isArchived !== undefined && (meter.archived_at !== null) !== filters.isArchived) continue;
      if (!matchesMetadata(meter.metadata, filters.metadata)) continue;
      all.push(meter);
    }
  }
  const criteria = sorting.length > 0 ? sorting : (["name"] as MeterSortProperty[]);
  all.sort((a, b) => {
    for (const criterion of criteria) {
      const descending = criterion.startsWith("-");
      const field = descending ? criterion.slice(1) : criterion;
      const result =
        field === "created_at"
          ? compareValues(a.created_at.getTime(), b.created_at.getTime(), descending)
          : compareValues(a.name, b.name, descending);
      if (result !== 0) return result;
    }
    return 0;
  });
  const start = (page - 1) * limit;
  return { items: all.slice(start, start + limit), total: all.length };
}
