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
import { PolarRequestValidationError, ResourceNotFound } from "../../errors.js";
import { type Ctx, type Partition, partitionsOf } from "../context.js";
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

export type MeterUpdateBody = Schemas["MeterUpdate"];

/**
 * Whether the meter already aggregates events, so its filter and aggregation are fixed: Polar
 * marks it so (`last_billed_event`) as soon as one of the organization's events matches it.
 */
function aggregatesEvents(partition: Partition, meter: MeterRecord): boolean {
  return partition.usage.events.some((event) => meterMatches(meter, event));
}

/** `MeterService.archive`'s refusals: a meter still billed by a product's price or credited by a benefit. */
function refuseArchive(partition: Partition, meter: MeterRecord): void {
  const refuse = (msg: string): never => {
    throw new PolarRequestValidationError([
      { type: "value_error", loc: ["body", "is_archived"], msg, input: true },
    ]);
  };
  for (const product of partition.products.values()) {
    if (product.is_archived) continue;
    if (
      product.prices.some(
        (price) => price.amount_type === "metered_unit" && !price.is_archived && price.meter_id === meter.id,
      )
    )
      refuse("Cannot archive meter that is still attached to active products");
  }
  for (const benefit of partition.benefits.values()) {
    if (benefit.type === "meter_credit" && !benefit.is_deleted && benefit.properties.meter_id === meter.id)
      refuse("Cannot archive meter that is still referenced by active benefits");
  }
}

/**
 * Applies a partial update (MeterService.update): the filter and the aggregation can change only
 * while no event matches the meter; archiving is refused while a product's price or a benefit
 * still uses it. Every field sent is written (so `modified_at` moves whatever the values).
 *
 * Returns the meter and the meter as Polar answers: its session flushes the change only when
 * unarchiving a meter that customers' events match (it then looks those customers up), so the
 * answer shows the previous `modified_at` otherwise.
 *
 * The customer meters of the meter are recomputed from its events the next time one of their
 * events matches it (Polar updates them from the events it has not counted yet). `null` for
 * `name` or `unit` would set a NOT NULL column (a 500 in Polar): the emulator leaves them.
 */
export function updateMeter(
  ctx: Ctx,
  meter: MeterRecord,
  body: MeterUpdateBody,
): { meter: MeterRecord; answer: MeterRecord } {
  const partition = ctx.store.partition(meter.organization_id);
  const sent = (field: keyof MeterUpdateBody): boolean => Object.hasOwn(body, field);
  const aggregating = aggregatesEvents(partition, meter);
  if (aggregating) {
    const inputs = {
      filter: body.filter ? normalizeFilter(body.filter) : null,
      aggregation: body.aggregation ? normalizeAggregation(body.aggregation) : null,
    };
    const errors = (["filter", "aggregation"] as const).filter(sent).map((field) => ({
      type: "forbidden",
      loc: ["body", field],
      msg: "This field can't be updated because the meter is already aggregating events.",
      input: inputs[field],
    }));
    if (errors.length > 0) throw new PolarRequestValidationError(errors);
  }
  if (body.is_archived === true) refuseArchive(partition, meter);

  const now = ctx.clock.now();
  const before = meter.modified_at;
  let written = false;
  let flushed = false;
  if (body.is_archived === true || body.is_archived === false) {
    meter.archived_at = body.is_archived ? now : null;
    written = true;
    flushed = !body.is_archived && aggregating;
  }
  // Polar writes each field sent (`flag_modified`), the same value included.
  if (body.metadata !== undefined) {
    meter.metadata = { ...body.metadata };
    written = true;
  }
  if (typeof body.name === "string") {
    meter.name = body.name;
    written = true;
  }
  if (body.unit !== undefined && body.unit !== null) {
    meter.unit = body.unit;
    written = true;
  }
  if (sent("custom_label")) {
    meter.custom_label = body.custom_label ?? null;
    written = true;
  }
  if (sent("custom_multiplier")) {
    meter.custom_multiplier = body.custom_multiplier ?? null;
    written = true;
  }
  const redefined = Boolean(body.filter) || Boolean(body.aggregation);
  if (body.filter) meter.filter = normalizeFilter(body.filter);
  if (body.aggregation) meter.aggregation = normalizeAggregation(body.aggregation);
  // The running aggregations of its customer meters start again from the events.
  if (redefined || body.is_archived === false) {
    for (const customerMeter of partition.customerMeters.values()) {
      if (customerMeter.meter_id === meter.id) partition.usage.aggregates.delete(customerMeter.id);
    }
  }
  if (written || redefined) meter.modified_at = now;
  return { meter, answer: { ...meter, modified_at: flushed ? now : before } };
}
