/**
 * Usage: ingested events, and the customer meters they move (consumed units), together with
 * credits from meter-credit benefits (credited units). `balance = credited − consumed`.
 *
 * Polar's rules (server/polar/event/service.py `ingest`, event/repository.py `insert_batch`,
 * customer_meter/service.py):
 * - the batch is validated as a whole first (organization_id with an organization token, unknown
 *   or deleted customer_id, member_id) and nothing is inserted when any event fails;
 * - an event whose `external_id` the organization already has, or that repeats one earlier in the
 *   batch, is a duplicate: skipped and counted (`ON CONFLICT DO NOTHING`);
 * - an event counts for the customer it names, or for the live customer that has its
 *   `external_customer_id` — now, or later when a customer gets that external id;
 * - consumed units are the meter's aggregation over the customer's events ingested since the last
 *   reset; credited units the non-negative running sum of credits since then;
 * - a customer meter starts the first time one of the customer's events matches its meter (or
 *   when asked for). Polar's `update_customer` goes further: whenever it runs for a customer it
 *   makes a row for every non-archived meter of the organization, zeros included.
 */
import {
  PolarRequestValidationError,
  RequestValidationError,
  ResourceNotFound,
  type ValidationDetail,
} from "../errors.js";
import type {
  CustomerMeterRecord,
  CustomerRecord,
  MeterRecord,
  OrganizationPartition,
  UsageEventRecord,
} from "../store/store.js";
import { isObject } from "../util/is-object.js";
import { serializeCustomerState } from "./billing-serialize.js";
import type { DomainContext } from "./context.js";
import { emit } from "./events.js";
import {
  type AggregateState,
  aggregateEvent,
  aggregateValue,
  emptyAggregate,
  meterMatches,
} from "./meter-filter.js";
import { balanceOf } from "./meter-serialize.js";
import { compareValues } from "./meters.js";
import type { CustomerMeterSortProperty, EventsIngestBody } from "./wire.js";

type EventInput = EventsIngestBody["events"][number];
type Detail = Omit<ValidationDetail, "ctx">;

function push(index: Map<string, number[]>, key: string, position: number): void {
  const list = index.get(key);
  if (list) list.push(position);
  else index.set(key, [position]);
}

/** The first position in the ascending `list` that is ≥ `value`. */
function lowerBound(list: readonly number[], value: number): number {
  let low = 0;
  let high = list.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (list[middle] < value) low = middle + 1;
    else high = middle;
  }
  return low;
}

function liveMeters(partition: OrganizationPartition): MeterRecord[] {
  return [...partition.meters.values()].filter((meter) => meter.archived_at === null);
}

function meterOf(partition: OrganizationPartition, meterId: string): MeterRecord {
  const meter = partition.meters.get(meterId);
  if (!meter) throw new Error(`[polar-emulator] unknown meter ${meterId} in ${partition.organization.id}`);
  return meter;
}

/** Aggregates the customer's events from `consumed_since` on, from scratch. */
function recompute(
  partition: OrganizationPartition,
  customerMeter: CustomerMeterRecord,
  meter: MeterRecord,
): AggregateState {
  const state = emptyAggregate();
  const positions = partition.usageEventsByCustomer.get(customerMeter.customer_id) ?? [];
  for (let i = lowerBound(positions, customerMeter.consumed_since); i < positions.length; i++) {
    aggregateEvent(meter, state, partition.usageEvents[positions[i]]);
  }
  partition.customerMeterAggregates.set(customerMeter.id, state);
  customerMeter.consumed_units = aggregateValue(meter.aggregation, state);
  return state;
}

/**
 * A new customer meter, its consumed units computed over the customer's events. Polar inserts it,
 * then writes the units when the customer has a matching event: that write stamps `modified_at`.
 */
function createCustomerMeter(
  ctx: DomainContext,
  partition: OrganizationPartition,
  customer: CustomerRecord,
  meter: MeterRecord,
): CustomerMeterRecord {
  const now = ctx.clock.now();
  const customerMeter: CustomerMeterRecord = {
    id: ctx.random.uuid(),
    organization_id: partition.organization.id,
    customer_id: customer.id,
    meter_id: meter.id,
    created_at: now,
    modified_at: null,
    consumed_units: 0,
    credited_units: 0,
    consumed_since: 0,
  };
  const state = recompute(partition, customerMeter, meter);
  if (state.matched > 0) customerMeter.modified_at = now;
  partition.insertCustomerMeter(customerMeter);
  return customerMeter;
}

/**
 * Polar's `update_customer` walks every live meter of the organization and gives the customer a
 * row for each (zero units when no event matches), in the meters' creation order: a customer who
 * has usage or credits sees all the organization's meters in its state.
 */
function materializeMeters(
  ctx: DomainContext,
  partition: OrganizationPartition,
  customer: CustomerRecord,
  meters: readonly MeterRecord[] = liveMeters(partition),
): (CustomerMeterRecord | undefined)[] {
  return meters.map(
    (meter) =>
      partition.customerMeterByKey.get(`${customer.id}:${meter.id}`) ??
      createCustomerMeter(ctx, partition, customer, meter),
  );
}

/** Polar's `lower_first_user_event_at`: the earliest event time, never later; modified_at untouched. */
function lowerFirstUserEventAt(customer: CustomerRecord, timestamp: Date): void {
  if (customer.first_user_event_at === null || customer.first_user_event_at > timestamp) {
    customer.first_user_event_at = timestamp;
  }
}

/**
 * Adds a new event (the customer's latest) to the customer's meters; true when one moved.
 * `slots` holds the customer's meter for each of `meters` (same index), filled as they appear.
 */
function applyEvent(
  ctx: DomainContext,
  partition: OrganizationPartition,
  customer: CustomerRecord,
  event: UsageEventRecord,
  position: number,
  meters: MeterRecord[],
  slots: (CustomerMeterRecord | undefined)[],
  now: Date,
): boolean {
  let changed = false;
  for (let index = 0; index < meters.length; index++) {
    const meter = meters[index];
    const customerMeter = slots[index];
    if (!customerMeter) {
      if (!meterMatches(meter, event)) continue;
      slots[index] = createCustomerMeter(ctx, partition, customer, meter);
      changed = true;
      continue;
    }
    if (position < customerMeter.consumed_since) continue;
    const state = partition.customerMeterAggregates.get(customerMeter.id);
    if (state) {
      if (!aggregateEvent(meter, state, event)) continue;
      customerMeter.consumed_units = aggregateValue(meter.aggregation, state);
    } else {
      // A customer meter made elsewhere, never aggregated here: from scratch (this event included).
      if (!meterMatches(meter, event)) continue;
      recompute(partition, customerMeter, meter);
    }
    customerMeter.modified_at = now;
    changed = true;
  }
  return changed;
}

// --- validation -------------------------------------------------------------------------------

const DATETIME =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,6})\d*)?)?(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;

/** A problem pydantic's datetime parser (speedate) would report, or the parsed instant. */
function parseTimestamp(
  text: string,
): { date: Date } | { type: string; msg: string; ctx?: Record<string, unknown> } {
  const match = DATETIME.exec(text);
  if (!match) return { type: "datetime_from_date_parsing", msg: "Input should be a valid datetime" };
  const [, year, month, day, hour, minute, second = "0", fraction = "", zone] = match;
  const range = (value: string, low: number, high: number) => Number(value) >= low && Number(value) <= high;
  const problem = !range(month, 1, 12)
    ? "month value is outside expected range of 1-12"
    : !range(day, 1, new Date(Date.UTC(Number(year), Number(month), 0)).getUTCDate())
      ? "day value is outside expected range"
      : !range(hour, 0, 23)
        ? "hour value is outside expected range of 0-23"
        : !range(minute, 0, 59)
          ? "minute value is outside expected range of 0-59"
          : !range(second, 0, 59)
            ? "second value is outside expected range of 0-59"
            : null;
  if (problem !== null)
    return {
      type: "datetime_from_date_parsing",
      msg: `Input should be a valid datetime or date, ${problem}`,
      ctx: { error: problem },
    };
  if (zone === undefined) return { type: "timezone_aware", msg: "Input should have timezone info" };
  let offsetMinutes = 0;
  if (zone !== "Z" && zone !== "z") {
    const digits = zone.slice(1).replace(":", "");
    offsetMinutes =
      (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || "0")) * (zone[0] === "-" ? -1 : 1);
  }
  const milliseconds = Number(fraction.padEnd(3, "0").slice(0, 3));
  // Date.UTC would read years 0–99 as 1900–1999: the fields are set one by one instead.
  const date = new Date(0);
  date.setUTCFullYear(Number(year), Number(month) - 1, Number(day));
  date.setUTCHours(Number(hour), Number(minute), Number(second), milliseconds);
  const utc = date.getTime();
  return { date: new Date(utc - offsetMinutes * 60_000) };
}

/**
 * EventCreateBase's `timestamp`: an aware datetime (AwareDatetime) in the past (`is_past_timestamp`),
 * defaulting to now. pydantic checks it before any business rule, on both members of the
 * `EventCreateCustomer | EventCreateExternalCustomer` union: when it fails, every member fails and
 * pydantic reports each member's errors under its name (with the other member's missing id).
 * `events` are the events as sent.
 */
export function validateEventTimestamps(events: readonly unknown[], now: Date): void {
  const details: ValidationDetail[] = [];
  events.forEach((event, index) => {
    if (!isObject(event) || typeof event.timestamp !== "string") return;
    const parsed = parseTimestamp(event.timestamp);
    let problem: Omit<ValidationDetail, "loc" | "input"> | null = null;
    if ("type" in parsed) problem = parsed;
    else if (parsed.date.getTime() > now.getTime()) {
      problem = {
        type: "value_error",
        msg: "Value error, Timestamp must be in the past.",
        ctx: { error: {} },
      };
    }
    if (problem === null) return;
    const members = [
      { name: "EventCreateCustomer", id: "customer_id" },
      { name: "EventCreateExternalCustomer", id: "external_customer_id" },
    ];
    for (const member of members) {
      const at = (field: string) => ["body", "events", index, member.name, field];
      details.push({
        type: problem.type,
        loc: at("timestamp"),
        msg: problem.msg,
        input: event.timestamp,
        ...(problem.ctx ? { ctx: problem.ctx } : {}),
      });
      if (event[member.id] === undefined) {
        details.push({ type: "missing", loc: at(member.id), msg: "Field required", input: event });
      }
    }
  });
  if (details.length > 0) throw new RequestValidationError(details);
}

function eventTimestamps(events: EventInput[], now: Date): Date[] {
  validateEventTimestamps(events, now);
  return events.map((event) => {
    if (event.timestamp === undefined) return now;
    const parsed = parseTimestamp(event.timestamp);
    return "date" in parsed ? parsed.date : now;
  });
}

function isCustomerEvent(event: EventInput): event is EventInput & { customer_id: string } {
  return "customer_id" in event && typeof event.customer_id === "string";
}

/** The batch's business rules, every event checked (an event stops at its first failure). */
function validateBatch(partition: OrganizationPartition, events: EventInput[]): void {
  const errors: Detail[] = [];
  events.forEach((event, index) => {
    if (event.organization_id !== undefined && event.organization_id !== null) {
      errors.push({
        type: "organization_token",
        loc: ["body", "events", index, "organization_id"],
        msg: "Setting organization_id is disallowed when using an organization token.",
        input: event.organization_id,
      });
      return;
    }
    if (!isCustomerEvent(event)) return;
    if (!partition.liveCustomer(event.customer_id)) {
      errors.push({
        type: "customer_id",
        loc: ["body", "events", index, "customer_id"],
        msg: "Customer not found.",
        input: event.customer_id,
      });
      return;
    }
    // The emulator has no members: every member_id is unknown.
    if ("member_id" in event && event.member_id !== undefined && event.member_id !== null) {
      errors.push({
        type: "member_id",
        loc: ["body", "events", index, "member_id"],
        msg: "Member not found.",
        input: event.member_id,
      });
    }
  });
  if (errors.length > 0) throw new PolarRequestValidationError(errors);
}

// --- operations -------------------------------------------------------------------------------

/**
 * Ingests a batch: all or nothing. Duplicates (an `external_id` already seen) are skipped and
 * counted. Moves the customer meters of every customer the batch concerns and emits one
 * `customer.state_changed` per customer whose meters changed.
 */
export function ingestEvents(
  ctx: DomainContext,
  organizationId: string,
  events: EventsIngestBody["events"],
): { inserted: number; duplicates: number } {
  const partition = ctx.store.partition(organizationId);
  const now = ctx.clock.now();
  const timestamps = eventTimestamps(events, now);
  validateBatch(partition, events);

  const meters = liveMeters(partition);
  /** Live customers in the order they first appear in the batch, and those whose meters moved. */
  const concerned = new Map<string, CustomerRecord>();
  const changed = new Set<string>();
  /** Each concerned customer's meter for each of `meters`, looked up once per batch. */
  const slots = new Map<string, (CustomerMeterRecord | undefined)[]>();
  let inserted = 0;
  let duplicates = 0;
  events.forEach((input, index) => {
    const externalCustomerId = isCustomerEvent(input) ? null : input.external_customer_id;
    const customer = isCustomerEvent(input)
      ? partition.liveCustomer(input.customer_id)
      : partition.customerByExternalId.get(input.external_customer_id);
    if (customer && !concerned.has(customer.id)) concerned.set(customer.id, customer);

    const externalId = input.external_id ?? null;
    if (externalId !== null) {
      if (partition.usageEventExternalIds.has(externalId)) {
        duplicates += 1;
        return;
      }
      partition.usageEventExternalIds.add(externalId);
    }
    const event: UsageEventRecord = {
      id: ctx.random.uuid(),
      organization_id: organizationId,
      name: input.name,
      timestamp: timestamps[index],
      customer_id: customer?.id ?? null,
      external_customer_id: externalCustomerId,
      external_id: externalId,
      metadata: structuredClone(input.metadata ?? {}) as Record<string, unknown>,
      ingested_at: now,
    };
    // The customer's rows for every meter exist before the event counts (aggregated once, below).
    let customerSlots = customer ? slots.get(customer.id) : undefined;
    if (customer && !customerSlots) {
      customerSlots = materializeMeters(ctx, partition, customer, meters);
      slots.set(customer.id, customerSlots);
    }
    const position = partition.usageEvents.push(event) - 1;
    inserted += 1;
    if (externalCustomerId !== null)
      push(partition.usageEventsByExternalCustomerId, externalCustomerId, position);
    if (!customer || !customerSlots) return;
    push(partition.usageEventsByCustomer, customer.id, position);
    lowerFirstUserEventAt(customer, event.timestamp);
    if (applyEvent(ctx, partition, customer, event, position, meters, customerSlots, now)) {
      changed.add(customer.id);
    }
  });

  for (const customer of concerned.values()) {
    if (!changed.has(customer.id)) continue;
    emit(
      ctx,
      "customer.state_changed",
      { organizationId, customerId: customer.id, subjectId: customer.id },
      () => serializeCustomerState(partition, customer),
    );
  }
  return { inserted, duplicates };
}

/**
 * The customer's meter for `meterId`, created (zero units) when it does not exist yet, together
 * with the customer's rows for every other live meter, as Polar's `update_customer` does. No events.
 */
export function customerMeterFor(
  ctx: DomainContext,
  customer: CustomerRecord,
  meterId: string,
): CustomerMeterRecord {
  const partition = ctx.store.partition(customer.organization_id);
  const existing = partition.customerMeterByKey.get(`${customer.id}:${meterId}`);
  if (existing) return existing;
  materializeMeters(ctx, partition, customer);
  return (
    partition.customerMeterByKey.get(`${customer.id}:${meterId}`) ??
    createCustomerMeter(ctx, partition, customer, meterOf(partition, meterId))
  );
}

/** Adds credited units (the running sum never goes below 0). No events: the caller emits them. */
export function creditCustomerMeter(
  ctx: DomainContext,
  customer: CustomerRecord,
  meterId: string,
  units: number,
): CustomerMeterRecord {
  const customerMeter = customerMeterFor(ctx, customer, meterId);
  customerMeter.credited_units = Math.max(0, customerMeter.credited_units + Math.trunc(units));
  customerMeter.modified_at = ctx.clock.now();
  return customerMeter;
}

/** Starts the meter over: consumed counts only events ingested from now on, credited is 0. No events. */
export function resetCustomerMeter(
  ctx: DomainContext,
  customer: CustomerRecord,
  meterId: string,
): CustomerMeterRecord {
  const partition = ctx.store.partition(customer.organization_id);
  const customerMeter = customerMeterFor(ctx, customer, meterId);
  customerMeter.consumed_since = partition.usageEvents.length;
  customerMeter.consumed_units = 0;
  customerMeter.credited_units = 0;
  customerMeter.modified_at = ctx.clock.now();
  partition.customerMeterAggregates.set(customerMeter.id, emptyAggregate());
  return customerMeter;
}

/**
 * Events ingested with an `external_customer_id` before a customer had it belong to that
 * customer once it does: called when a customer gets an external id. Moves its meters; no events
 * (the caller's `customer.created`/`updated` and `customer.state_changed` follow).
 */
export function attachPendingEvents(ctx: DomainContext, customer: CustomerRecord): void {
  if (customer.external_id === null || customer.deleted_at !== null) return;
  const partition = ctx.store.partition(customer.organization_id);
  const candidates = partition.usageEventsByExternalCustomerId.get(customer.external_id) ?? [];
  // Events nobody had, or that a since-deleted customer had: Polar matches on the external id itself.
  const attached = candidates.filter((position) => {
    const owner = partition.usageEvents[position].customer_id;
    return owner !== customer.id && (owner === null || partition.liveCustomer(owner) === undefined);
  });
  if (attached.length === 0) return;

  for (const position of attached) {
    const event = partition.usageEvents[position];
    event.customer_id = customer.id;
    lowerFirstUserEventAt(customer, event.timestamp);
  }
  const positions = partition.usageEventsByCustomer.get(customer.id) ?? [];
  partition.usageEventsByCustomer.set(
    customer.id,
    [...positions, ...attached].sort((a, b) => a - b),
  );

  for (const meter of liveMeters(partition)) {
    const customerMeter = partition.customerMeterByKey.get(`${customer.id}:${meter.id}`);
    const since = customerMeter?.consumed_since ?? 0;
    const moved = attached.some(
      (position) => position >= since && meterMatches(meter, partition.usageEvents[position]),
    );
    if (!moved) continue;
    if (!customerMeter) {
      createCustomerMeter(ctx, partition, customer, meter);
      continue;
    }
    recompute(partition, customerMeter, meter);
    customerMeter.modified_at = ctx.clock.now();
  }
}

// --- reading ----------------------------------------------------------------------------------

/** A customer meter of the organization by id, or 404. */
export function getCustomerMeter(
  ctx: DomainContext,
  organizationId: string,
  id: string,
): CustomerMeterRecord {
  const customerMeter = ctx.store.partitions.get(organizationId)?.customerMeters.get(id);
  if (!customerMeter) throw new ResourceNotFound();
  return customerMeter;
}

export interface CustomerMeterFilters {
  /** The organizations to read from: the token's, intersected with any `organization_id` filter. */
  organizationIds: string[];
  customerIds?: string[];
  /** Matched against the customer's current external id, exactly. */
  externalCustomerIds?: string[];
  /** Without it, meters that are archived are left out (customer_meter/service.py `list`). */
  meterIds?: string[];
}

type Row = { customerMeter: CustomerMeterRecord; customer: CustomerRecord; meter: MeterRecord };

function sortKey(row: Row, field: string): string | number | null {
  switch (field) {
    case "created_at":
      return row.customerMeter.created_at.getTime();
    case "modified_at":
      return row.customerMeter.modified_at?.getTime() ?? null;
    case "customer_id":
      return row.customerMeter.customer_id;
    case "customer_name":
      return row.customer.name;
    case "meter_id":
      return row.customerMeter.meter_id;
    case "meter_name":
      return row.meter.name;
    case "consumed_units":
      return row.customerMeter.consumed_units;
    case "credited_units":
      return row.customerMeter.credited_units;
    default:
      return balanceOf(row.customerMeter);
  }
}

/**
 * Polar lists the customer meters of every customer, deleted ones included (it only joins the
 * customer for its organization). Default order `-modified_at`, where Postgres puts never-modified
 * ones (null) first; ties keep creation order.
 */
export function listCustomerMeters(
  ctx: DomainContext,
  filters: CustomerMeterFilters,
  sorting: CustomerMeterSortProperty[],
  page: number,
  limit: number,
): { items: CustomerMeterRecord[]; total: number } {
  const customerIds = filters.customerIds && new Set(filters.customerIds);
  const externalIds = filters.externalCustomerIds && new Set(filters.externalCustomerIds);
  const meterIds = filters.meterIds && new Set(filters.meterIds);
  const rows: Row[] = [];
  for (const organizationId of filters.organizationIds) {
    const partition = ctx.store.partitions.get(organizationId);
    if (!partition) continue;
    for (const customerMeter of partition.customerMeters.values()) {
      const customer = partition.customers.get(customerMeter.customer_id);
      const meter = partition.meters.get(customerMeter.meter_id);
      if (!customer || !meter) continue;
      if (customerIds && !customerIds.has(customer.id)) continue;
      if (externalIds && (customer.external_id === null || !externalIds.has(customer.external_id))) continue;
      if (meterIds ? !meterIds.has(meter.id) : meter.archived_at !== null) continue;
      rows.push({ customerMeter, customer, meter });
    }
  }
  const criteria = sorting.length > 0 ? sorting : (["-modified_at"] as CustomerMeterSortProperty[]);
  rows.sort((a, b) => {
    for (const criterion of criteria) {
      const descending = criterion.startsWith("-");
      const field = descending ? criterion.slice(1) : criterion;
      const result = compareValues(sortKey(a, field), sortKey(b, field), descending);
      if (result !== 0) return result;
    }
    return 0;
  });
  const start = (page - 1) * limit;
  return { items: rows.slice(start, start + limit).map((row) => row.customerMeter), total: rows.length };
}
