/**
 * The public Event object (event/schemas.py): a `UserEvent` or one of the system events, keys in
 * the spec's order, with the customer it concerns embedded and its label:
 *
 * - `customer_id` is the id the event was ingested with (events ingested by external id have
 *   none), `customer` the customer with that id (deleted ones too) or, by external id, the
 *   customer that has it now (Polar's `Event.customer` relationship);
 * - `label`: Polar's own label for a system event; for a usage event its event type's label, or
 *   the value at the type's label property selector when the event has a truthy one (Python's
 *   `str()` of it);
 * - `metadata` is read back from Postgres: a usage event's `_cost` and `_llm` first (their
 *   TypedDicts' key order, the amount a decimal string of the float jsonb kept), then its other
 *   keys in jsonb's order; a system event's keys in its TypedDict's order.
 */
import { compareJsonbKeys } from "../../domain/jsonb.js";
import type { Schemas } from "../../domain/wire.js";
import { pythonFloatRepr, pythonStr } from "../../pydantic/messages.js";
import { cloneData } from "../../util/clone.js";
import { isObject } from "../../util/is-object.js";
import { iso } from "../../util/time.js";
import { type Ctx, type Partition, partitionsOf } from "../context.js";
import { serializeCustomer } from "../customers/serialize.js";
import type { CustomerRecord } from "../customers/table.js";
import { type NameStats, rowCustomerId } from "./list.js";
import { SYSTEM_EVENT_LABELS } from "./system.js";
import { type EventRecord, isSystemEvent, type UsageEventRecord } from "./table.js";

export type EventWire = Schemas["Event"];

/** Python's `str(Decimal(repr(x)))` for the float jsonb gives back: `5.0`, `0.1`, `0.00001`, `1E-7`. */
export function decimalOfFloat(value: number): string {
  const repr = Number.isInteger(value) && Math.abs(value) < 1e16 ? `${value}.0` : pythonFloatRepr(value);
  const match = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(repr);
  if (!match) return repr;
  const [, sign, whole, fraction = "", exponentText = "0"] = match;
  let digits = `${whole}${fraction}`.replace(/^0+(?=\d)/, "");
  const exponent = Number(exponentText) - fraction.length;
  if (digits === "") digits = "0";
  const adjusted = exponent + digits.length - 1;
  if (exponent <= 0 && adjusted >= -6) {
    if (exponent === 0) return `${sign}${digits}`;
    const point = digits.length + exponent;
    return point > 0
      ? `${sign}${digits.slice(0, point)}.${digits.slice(point)}`
      : `${sign}0.${"0".repeat(-point)}${digits}`;
  }
  const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  return `${sign}${mantissa}E${adjusted > 0 ? "+" : ""}${adjusted}`;
}

function costOutput(cost: Record<string, unknown>): Record<string, unknown> {
  const amount = Number(cost.amount);
  return {
    amount: Number.isFinite(amount) ? decimalOfFloat(amount) : String(cost.amount),
    currency: cost.currency,
  };
}

const LLM_KEYS = [
  "vendor",
  "model",
  "prompt",
  "response",
  "input_tokens",
  "cached_input_tokens",
  "output_tokens",
  "total_tokens",
] as const;

function llmOutput(llm: Record<string, unknown>): Record<string, unknown> {
  const output: Record<string, unknown> = {};
  for (const key of LLM_KEYS) {
    if (Object.hasOwn(llm, key)) output[key] = llm[key];
    else if (key === "prompt" || key === "response") output[key] = null;
  }
  return output;
}

/** A usage event's metadata as `EventMetadataOutput` serializes what Postgres gives back. */
function userMetadata(metadata: Record<string, unknown>): Record<string, unknown> {
  const output: Record<string, unknown> = {};
  if (isObject(metadata._cost)) output._cost = costOutput(metadata._cost);
  if (isObject(metadata._llm)) output._llm = llmOutput(metadata._llm);
  const rest = Object.keys(metadata)
    .filter((key) => key !== "_cost" && key !== "_llm")
    .sort(compareJsonbKeys);
  for (const key of rest) output[key] = metadata[key];
  return output;
}

/** Polar's `get_nested_metadata_value`: a dot path into the metadata; undefined when absent or null. */
function nestedValue(metadata: Record<string, unknown>, path: string): unknown {
  let value: unknown = metadata;
  for (const part of path.split(".")) {
    if (!isObject(value)) return undefined;
    value = value[part];
    if (value === undefined || value === null) return undefined;
  }
  return value;
}

/** Python's truthiness of a metadata value. */
function truthy(value: unknown): boolean {
  if (value === undefined || value === null || value === false || value === 0 || value === "") return false;
  if (Array.isArray(value)) return value.length > 0;
  if (isObject(value)) return Object.keys(value).length > 0;
  return true;
}

export function eventLabel(partition: Partition, event: EventRecord): string {
  if (isSystemEvent(event)) return SYSTEM_EVENT_LABELS[event.name] ?? event.name;
  const eventType = partition.eventTypes.byName.get(event.name);
  if (eventType === undefined) return event.name;
  if (eventType.label_property_selector !== null) {
    const dynamic = nestedValue(event.metadata, eventType.label_property_selector);
    if (truthy(dynamic)) return pythonStr(dynamic as never);
  }
  return eventType.label;
}

/** The customer an event row names, by id (deleted too) or by the external id a customer has now. */
function customerOf(partition: Partition, event: EventRecord): CustomerRecord | null {
  const customerId = rowCustomerId(event);
  if (customerId !== null) return partition.customers.get(customerId) ?? null;
  const external = (event as UsageEventRecord).external_customer_id;
  if (external === null) return null;
  const live = partition.customers.byExternalId.get(external);
  if (live) return live;
  for (const customer of partition.customers.values()) if (customer.external_id === external) return customer;
  return null;
}

export function serializeEvent(partition: Partition, event: EventRecord, childCount: number): EventWire {
  const customer = customerOf(partition, event);
  const head = {
    id: event.id,
    timestamp: iso(event.timestamp),
    organization_id: event.organization_id,
    customer_id: rowCustomerId(event),
    customer: customer === null ? null : serializeCustomer(customer),
    external_customer_id: isSystemEvent(event) ? null : event.external_customer_id,
    member_id: null,
    external_member_id: isSystemEvent(event) ? null : event.external_member_id,
    child_count: childCount,
    parent_id: isSystemEvent(event) ? null : event.parent_id,
    label: eventLabel(partition, event),
  };
  if (isSystemEvent(event)) {
    // The system event's metadata was built in its TypedDict's key order.
    return {
      ...head,
      source: "system",
      name: event.name,
      metadata: cloneData(event.metadata),
    } as EventWire;
  }
  return {
    ...head,
    name: event.name,
    source: "user",
    metadata: userMetadata(event.metadata) as Schemas["EventMetadataOutput"],
  };
}

/**
 * The label of a name in `GET /v1/events/names`: its event type's label when the organizations
 * read agree on one (else the name); a system event's is Polar's own.
 */
export function eventNameLabel(
  ctx: Ctx,
  organizationIds: readonly string[],
  items: readonly NameStats[],
): (item: NameStats) => string {
  const labels = new Map<string, Set<string>>();
  for (const partition of partitionsOf(ctx, organizationIds)) {
    for (const item of items) {
      const eventType = partition.eventTypes.byName.get(item.name);
      if (eventType === undefined) continue;
      const set = labels.get(item.name) ?? new Set<string>();
      set.add(eventType.label);
      labels.set(item.name, set);
    }
  }
  return (item) => {
    const agreed = labels.get(item.name);
    const fallback = agreed !== undefined && agreed.size === 1 ? [...agreed][0] : item.name;
    return item.source === "system" ? (SYSTEM_EVENT_LABELS[item.name] ?? fallback) : fallback;
  };
}
