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
 * - the customer meters move as src/resources/customer-meters says;
 * - each event's name gets the organization's event type of that name, made when it is new
 *   (event_type/repository.py `get_or_create`), duplicates included;
 * - an event's `parent_id` (an event id or an external id) links it to its parent when an event
 *   has it, now or when it arrives later (event/repository.py `resolve_pending_parents`); until
 *   its chain reaches a root, an event is not listed (Polar sends only rooted events to the store
 *   lists read from), though it counts for meters already.
 */
import type { Schemas } from "../../domain/wire.js";
import { PolarRequestValidationError, RequestValidationError, type ValidationDetail } from "../../errors.js";
import { laxDatetime } from "../../pydantic/lax.js";
import { pythonLength } from "../../pydantic/scalars.js";
import { cloneData } from "../../util/clone.js";
import { type Ctx, type Partition, partitionsOf } from "../context.js";
import { createCustomerMeter, materializeMeters, recompute } from "../customer-meters/service.js";
import type { CustomerMeterRecord } from "../customer-meters/table.js";
import { publishCustomerState } from "../customers/state.js";
import type { CustomerRecord } from "../customers/table.js";
import { ensureEventType } from "../event-types/service.js";
import { aggregateEvent, aggregateValue, meterMatches } from "../meters/filter.js";
import { parseFilterJson } from "../meters/filter-json.js";
import type { FilterRecord, MeterRecord } from "../meters/table.js";
import { organizationTokenDetail } from "../organizations/rules.js";
import type { EventFilters } from "./list.js";
import type { UsageEventRecord } from "./table.js";

export type EventsIngestBody = Schemas["EventsIngest"];
type EventInput = EventsIngestBody["events"][number];
type Detail = Omit<ValidationDetail, "ctx">;

function push(index: Map<string, number[]>, key: string, position: number): void {
  const list = index.get(key);
  if (list) list.push(position);
  else index.set(key, [position]);
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
  ctx: Ctx,
  partition: Partition,
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
    const state = partition.usage.aggregates.get(customerMeter.id);
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

/**
 * When each event happened: its `timestamp` (already validated by the walker as an aware datetime
 * in the past, rules.ts), or now.
 */
function eventTimestamps(events: EventInput[], now: Date): Date[] {
  return events.map((event) => {
    if (event.timestamp === undefined) return now;
    const parsed = laxDatetime(event.timestamp);
    return "epochMs" in parsed ? new Date(parsed.epochMs) : now;
  });
}

function isCustomerEvent(event: EventInput): event is EventInput & { customer_id: string } {
  return "customer_id" in event && typeof event.customer_id === "string";
}

/** The batch's business rules, every event checked (an event stops at its first failure). */
function validateBatch(partition: Partition, events: EventInput[]): void {
  const errors: Detail[] = [];
  events.forEach((event, index) => {
    if (event.organization_id !== undefined && event.organization_id !== null) {
      errors.push(
        organizationTokenDetail(["body", "events", index, "organization_id"], event.organization_id),
      );
      return;
    }
    if (!isCustomerEvent(event)) return;
    if (!partition.customers.live(event.customer_id)) {
      errors.push({
        type: "customer_id",
        loc: ["body", "events", index, "customer_id"],
        msg: "Customer not found.",
        input: event.customer_id,
      });
      return;
    }
    // A live member of the organization (of any of its customers), as Polar's check reads it.
    if (
      "member_id" in event &&
      event.member_id !== undefined &&
      event.member_id !== null &&
      !partition.members.live(event.member_id)
    ) {
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
  ctx: Ctx,
  organizationId: string,
  events: EventsIngestBody["events"],
): { inserted: number; duplicates: number } {
  const partition = ctx.store.partition(organizationId);
  const now = ctx.clock.now();
  const timestamps = eventTimestamps(events, now);
  validateBatch(partition, events);
  for (const event of events) ensureEventType(ctx, partition, event.name);

  const meters = partition.meters.live();
  /** Live customers in the order they first appear in the batch, and those whose meters moved. */
  const concerned = new Map<string, CustomerRecord>();
  const changed = new Set<string>();
  /** Each concerned customer's meter for each of `meters`, looked up once per batch. */
  const slots = new Map<string, (CustomerMeterRecord | undefined)[]>();
  let inserted = 0;
  let duplicates = 0;
  const batch: UsageEventRecord[] = [];
  events.forEach((input, index) => {
    const externalCustomerId = isCustomerEvent(input) ? null : input.external_customer_id;
    const customer = isCustomerEvent(input)
      ? partition.customers.live(input.customer_id)
      : partition.customers.byExternalId.get(input.external_customer_id);
    if (customer && !concerned.has(customer.id)) concerned.set(customer.id, customer);

    const externalId = input.external_id ?? null;
    if (externalId !== null && partition.usage.byExternalId.has(externalId)) {
      duplicates += 1;
      return;
    }
    const event: UsageEventRecord = {
      id: ctx.random.uuid(),
      organization_id: organizationId,
      name: input.name,
      timestamp: timestamps[index],
      customer_id: customer?.id ?? null,
      external_customer_id: externalCustomerId,
      external_id: externalId,
      metadata: cloneData(input.metadata ?? {}) as Record<string, unknown>,
      ingested_at: now,
      external_member_id:
        "external_member_id" in input && typeof input.external_member_id === "string"
          ? input.external_member_id
          : null,
      parent_id: null,
      pending_parent: input.parent_id ?? null,
    };
    // The customer's rows for every meter exist before the event counts (aggregated once, below).
    let customerSlots = customer ? slots.get(customer.id) : undefined;
    if (customer && !customerSlots) {
      customerSlots = materializeMeters(ctx, partition, customer, meters);
      slots.set(customer.id, customerSlots);
    }
    const position = partition.usage.append(event);
    batch.push(event);
    inserted += 1;
    if (externalCustomerId !== null) push(partition.usage.byExternalCustomerId, externalCustomerId, position);
    if (!customer || !customerSlots) return;
    push(partition.usage.byCustomer, customer.id, position);
    lowerFirstUserEventAt(customer, event.timestamp);
    if (applyEvent(ctx, partition, customer, event, position, meters, customerSlots, now)) {
      changed.add(customer.id);
    }
  });

  resolveParents(partition, batch);

  for (const customer of concerned.values()) {
    if (!changed.has(customer.id)) continue;
    publishCustomerState(ctx, customer);
  }
  return { inserted, duplicates };
}

// --- parents ----------------------------------------------------------------------------------

/** An event id as the text of a `parent_id`: Postgres casts the usual UUID spellings. */
function uuidText(reference: string): string | null {
  const bare = reference.startsWith("{") && reference.endsWith("}") ? reference.slice(1, -1) : reference;
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(bare)) return bare.toLowerCase();
  if (/^[0-9a-f]{32}$/i.test(bare)) {
    const hex = bare.toLowerCase();
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }
  return null;
}

function link(partition: Partition, child: UsageEventRecord, parentId: string): void {
  const reference = child.pending_parent;
  if (reference === null || parentId === child.id) return;
  child.parent_id = parentId;
  child.pending_parent = null;
  partition.usage.links += 1;
  const waiting = partition.usage.waitingForParent.get(reference);
  if (!waiting) return;
  const rest = waiting.filter((event) => event !== child);
  if (rest.length === 0) partition.usage.waitingForParent.delete(reference);
  else partition.usage.waitingForParent.set(reference, rest);
}

/**
 * Polar's `resolve_pending_parents` for a batch just inserted: its events find their parent by
 * external id, then by event id; events that waited for a parent find it among the batch, by
 * external id, then by id.
 */
function resolveParents(partition: Partition, batch: readonly UsageEventRecord[]): void {
  for (const child of batch) {
    if (child.pending_parent === null) continue;
    const parent = partition.usage.byExternalId.get(child.pending_parent);
    if (parent) link(partition, child, parent.id);
  }
  for (const child of batch) {
    if (child.pending_parent === null) continue;
    const id = uuidText(child.pending_parent);
    if (id !== null && partition.usage.byId.has(id)) link(partition, child, id);
  }
  for (const parent of batch) {
    if (parent.external_id === null) continue;
    for (const child of [...(partition.usage.waitingForParent.get(parent.external_id) ?? [])]) {
      link(partition, child, parent.id);
    }
  }
  for (const parent of batch) {
    for (const child of [...(partition.usage.waitingForParent.get(parent.id) ?? [])]) {
      link(partition, child, parent.id);
    }
  }
}

/**
 * Events ingested with an `external_customer_id` before a customer had it belong to that
 * customer once it does: called when a customer gets an external id. Moves its meters; no events
 * (the caller's `customer.created`/`updated` and `customer.state_changed` follow).
 */
export function attachPendingEvents(ctx: Ctx, customer: CustomerRecord): void {
  if (customer.external_id === null || customer.deleted_at !== null) return;
  const partition = ctx.store.partition(customer.organization_id);
  const candidates = partition.usage.byExternalCustomerId.get(customer.external_id) ?? [];
  // Events nobody had, or that a since-deleted customer had: Polar matches on the external id itself.
  const attached = candidates.filter((position) => {
    const owner = partition.usage.events[position].customer_id;
    return owner !== customer.id && (owner === null || partition.customers.live(owner) === undefined);
  });
  if (attached.length === 0) return;

  for (const position of attached) {
    const event = partition.usage.events[position];
    event.customer_id = customer.id;
    lowerFirstUserEventAt(customer, event.timestamp);
  }
  const positions = partition.usage.byCustomer.get(customer.id) ?? [];
  partition.usage.byCustomer.set(
    customer.id,
    [...positions, ...attached].sort((a, b) => a - b),
  );

  for (const meter of partition.meters.live()) {
    const customerMeter = partition.customerMeters.find(customer.id, meter.id);
    const since = customerMeter?.consumed_since ?? 0;
    const moved = attached.some(
      (position) => position >= since && meterMatches(meter, partition.usage.events[position]),
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

/** The query of `GET /v1/events/` as the handler reads it. */
export interface EventListQuery {
  filter?: string;
  startTimestamp?: Date;
  endTimestamp?: Date;
  /** The `organization_id` filter as given (Polar checks whether it was). */
  organizationIdFilter?: readonly string[];
  organizationIds: string[];
  customerIds?: readonly string[];
  externalCustomerIds?: readonly string[];
  meterId?: string;
  names?: readonly string[];
  sources?: readonly string[];
  query?: string;
  parentId?: string;
  depth?: number;
  metadata?: Record<string, string[]>;
}

/**
 * The filters of an event list, checked in the order Polar's endpoint and service check them
 * (event/endpoints.py `list`, event/service.py `_resolve_tinybird_filters`): the `filter` JSON,
 * then `query` (only with an `organization_id` filter, at least 3 characters), then the meter
 * (an unknown one is a 422, unless no organization is left to read).
 */
export function eventFilters(ctx: Ctx, input: EventListQuery): EventFilters {
  const filters: FilterRecord[] = [];
  if (input.filter !== undefined) {
    const parsed = parseFilterJson(input.filter);
    if ("errors" in parsed) throw new RequestValidationError(parsed.errors);
    filters.push(parsed.filter);
  }
  if (input.query !== undefined && input.organizationIdFilter === undefined) {
    throw new RequestValidationError([
      {
        type: "value_error",
        msg: "Query is only supported when organization_id is provided.",
        loc: ["query", "query"],
        input: input.query,
      },
    ]);
  }
  if (input.query !== undefined && pythonLength(input.query) < 3) {
    throw new RequestValidationError([
      {
        type: "query",
        msg: "Query must be at least 3 characters.",
        loc: ["query", "query"],
        input: input.query,
      },
    ]);
  }
  let numericProperty: string | undefined;
  if (input.meterId !== undefined && input.organizationIds.length > 0) {
    const meterId = input.meterId;
    const meter = partitionsOf(ctx, input.organizationIds)
      .map((partition) => partition.meters.get(meterId))
      .find((found) => found !== undefined);
    if (meter === undefined) {
      throw new PolarRequestValidationError([
        { type: "meter_id", loc: ["query", "meter_id"], msg: "Meter not found.", input: meterId },
      ]);
    }
    filters.push(meter.filter);
    const aggregation = meter.aggregation;
    if (
      aggregation.func !== "count" &&
      aggregation.func !== "unique" &&
      !["timestamp", "name", "source"].includes(aggregation.property)
    ) {
      numericProperty = aggregation.property;
    }
  }
  return {
    organizationIds: input.organizationIds,
    filters,
    startTimestamp: input.startTimestamp,
    endTimestamp: input.endTimestamp,
    customerIds: input.customerIds,
    externalCustomerIds: input.externalCustomerIds,
    names: input.names,
    sources: input.sources,
    metadata: input.metadata,
    query: input.query,
    numericProperty,
    parentId: input.parentId,
    depth: input.depth,
  };
}
