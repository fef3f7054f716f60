/**
 * How Polar's event lists filter: not in Postgres but in its events store (Tinybird, ClickHouse;
 * server/polar/integrations/tinybird/service.py `TinybirdEventsQuery`), whose rules differ from
 * a meter's (src/resources/meters/filter.ts):
 *
 * - The store keeps an event's metadata as text without `_cost` and `_llm` (their fields have
 *   columns of their own: `_cost.amount`, `_cost.currency`, `_llm.vendor`, `_llm.model`,
 *   `_llm.input_tokens`, `_llm.output_tokens`) and, for a system event, without the fields its
 *   columns hold (`meter_id`, `units`, `customer_email`, …; `_event_to_tinybird`).
 * - A clause on `name` or `source` needs a text value, one on `timestamp` an integer (whole epoch
 *   seconds); one on a column compares with the column, and a missing value (NULL) never matches.
 * - A clause on any other property reads the metadata path (`a.b` → a, then b) with
 *   `JSONExtractString` when the operator is `like`/`not_like` or the value is text, else with
 *   `JSONExtractFloat`. Both give a default for a missing or differently typed value ('' and 0),
 *   so `ne` and `not_like` match events without the property, and so does `lt 5`.
 * - `like` is a case-sensitive substring of the value's text (a boolean value is `t`/`f`).
 * - `metadata[key]=value` compares the key's text value (`JSONExtractString`, the key taken whole,
 *   dots included), or its column for the six above.
 * - `query` is a case-insensitive substring of the name, the source or the metadata's text (Python's
 *   `json.dumps` of it), or names a customer (see src/resources/events/list.ts).
 */
import { pythonJsonDumps } from "../../domain/python-json.js";
import { isObject } from "../../util/is-object.js";
import { compare } from "../meters/filter.js";
import type { FilterClauseRecord, FilterRecord } from "../meters/table.js";
import { type EventRecord, isSystemEvent } from "./table.js";

/** The fields a system event's metadata loses to the store's own columns. */
const SYSTEM_COLUMNS: ReadonlySet<string> = new Set([
  "meter_id",
  "units",
  "rollover",
  "product_id",
  "subscription_id",
  "order_id",
  "order_created_at",
  "benefit_id",
  "benefit_grant_id",
  "checkout_id",
  "transaction_id",
  "refund_id",
  "dispute_id",
  "discount_id",
  "amount",
  "currency",
  "net_amount",
  "tax_amount",
  "discount_amount",
  "applied_balance_amount",
  "platform_fee",
  "fee",
  "exchange_rate",
  "refunded_amount",
  "refundable_amount",
  "presentment_amount",
  "presentment_currency",
  "recurring_interval",
  "recurring_interval_count",
  "old_product_id",
  "new_product_id",
  "old_seats",
  "new_seats",
  "started_at",
  "canceled_at",
  "ends_at",
  "old_period_end",
  "new_period_end",
  "cancel_at_period_end",
  "customer_cancellation_reason",
  "customer_cancellation_comment",
  "proration_behavior",
  "trial_end",
  "seats",
  "billing_period_end",
  "benefit_type",
  "billing_type",
  "checkout_status",
  "customer_email",
  "customer_name",
  "tax_state",
  "tax_country",
]);

/** The metadata as the store keeps it, and its text (written when first asked for). */
export interface StoredEvent {
  event: EventRecord;
  source: "system" | "user";
  metadata: Record<string, unknown>;
  text(): string;
  cost: Record<string, unknown>;
  llm: Record<string, unknown>;
}

export function storedEvent(event: EventRecord): StoredEvent {
  const system = isSystemEvent(event);
  const metadata: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(event.metadata)) {
    if (key === "_cost" || key === "_llm") continue;
    if (system && SYSTEM_COLUMNS.has(key)) continue;
    metadata[key] = value;
  }
  const cost = event.metadata._cost;
  const llm = event.metadata._llm;
  let text: string | undefined;
  return {
    event,
    source: system ? "system" : "user",
    metadata,
    text: () => {
      text ??= Object.keys(metadata).length === 0 ? "{}" : pythonJsonDumps(metadata);
      return text;
    },
    cost: isObject(cost) ? cost : {},
    llm: isObject(llm) ? llm : {},
  };
}

/** The store's denormalized columns: text or number, null when the event has no such field. */
const COLUMNS: Record<string, { kind: "text" | "number"; read: (stored: StoredEvent) => unknown }> = {
  "_cost.amount": { kind: "number", read: (stored) => stored.cost.amount },
  "_cost.currency": { kind: "text", read: (stored) => stored.cost.currency },
  "_llm.vendor": { kind: "text", read: (stored) => stored.llm.vendor },
  "_llm.model": { kind: "text", read: (stored) => stored.llm.model },
  "_llm.input_tokens": { kind: "number", read: (stored) => stored.llm.input_tokens },
  "_llm.output_tokens": { kind: "number", read: (stored) => stored.llm.output_tokens },
};

function columnValue(kind: "text" | "number", value: unknown): string | number | null {
  if (value === undefined || value === null) return null;
  if (kind === "number") {
    const number = Number(value);
    return Number.isFinite(number) ? number : null;
  }
  return typeof value === "string" ? value : String(value);
}

/** The value at a metadata path, undefined when absent. */
function atPath(metadata: Record<string, unknown>, parts: readonly string[]): unknown {
  let value: unknown = metadata;
  for (const part of parts) {
    if (!isObject(value) || !Object.hasOwn(value, part)) return undefined;
    value = value[part];
  }
  return value;
}

/** `JSONExtractString`: a JSON string's value, '' for anything else. */
function extractString(value: unknown): string {
  return typeof value === "string" ? value : "";
}

/** `JSONExtractFloat`: a JSON number's value (a boolean as 1 or 0), 0 for anything else. */
function extractFloat(value: unknown): number {
  if (typeof value === "number") return value;
  if (typeof value === "boolean") return value ? 1 : 0;
  return 0;
}

/** The clause value as the store compares it: a boolean as 1/0, or `t`/`f` for `like`. */
function clauseValue(value: string | number | boolean, like: boolean): string | number {
  if (typeof value === "boolean") return like ? (value ? "t" : "f") : value ? 1 : 0;
  return like ? String(value) : value;
}

type Test = (stored: StoredEvent) => boolean;

function clauseTest(clause: FilterClauseRecord): Test {
  const { property, operator, value } = clause;
  const like = operator === "like" || operator === "not_like";
  if (property === "name" || property === "source") {
    if (typeof value !== "string") return () => false;
    return (stored) => compare(property === "name" ? stored.event.name : stored.source, value, operator);
  }
  if (property === "timestamp") {
    // Python's isinstance(True, int) lets a boolean through.
    if (typeof value === "string") return () => false;
    const expected = clauseValue(value, like);
    return (stored) => compare(Math.floor(stored.event.timestamp.getTime() / 1000), expected, operator);
  }
  const column = COLUMNS[property];
  if (column !== undefined) {
    const expected = clauseValue(value, like);
    return (stored) => {
      const actual = columnValue(column.kind, column.read(stored));
      if (actual === null) return false;
      if (!like && column.kind === "number" && typeof expected === "string") {
        const number = Number(expected);
        return Number.isFinite(number) && compare(actual, number, operator);
      }
      return compare(actual, expected, operator);
    };
  }
  const parts = property.split(".");
  const expected = clauseValue(value, like);
  if (like || typeof value === "string") {
    return (stored) => compare(extractString(atPath(stored.metadata, parts)), expected, operator);
  }
  return (stored) => compare(extractFloat(atPath(stored.metadata, parts)), expected, operator);
}

/** A filter (a meter's, or the `filter` parameter) as the store evaluates it. */
export function filterTest(filter: FilterRecord): Test {
  if (filter.clauses.length === 0) return () => true;
  const tests = filter.clauses.map((clause) =>
    "conjunction" in clause ? filterTest(clause) : clauseTest(clause),
  );
  return filter.conjunction === "and"
    ? (stored) => tests.every((test) => test(stored))
    : (stored) => tests.some((test) => test(stored));
}

/** `metadata[key]=v1&metadata[key]=v2`: values of a key OR'd, keys AND'd. */
export function metadataTest(query: Record<string, string[]>): Test {
  const checks = Object.entries(query).map(([key, values]): Test => {
    const column = COLUMNS[key];
    if (column !== undefined) {
      return (stored) => {
        const actual = columnValue(column.kind, column.read(stored));
        if (actual === null) return false;
        return values.some((value) =>
          column.kind === "number" ? Number(value) === actual && value.trim() !== "" : value === actual,
        );
      };
    }
    return (stored) => {
      const actual = Object.hasOwn(stored.metadata, key) ? extractString(stored.metadata[key]) : "";
      return values.includes(actual);
    };
  });
  return (stored) => checks.every((check) => check(stored));
}

/**
 * A metered aggregation's property must hold a number (`filter_numeric_metadata_property`): its
 * column must be set, or the metadata path must hold a JSON number.
 */
export function numericPropertyTest(property: string): Test {
  const column = COLUMNS[property];
  if (column !== undefined) return (stored) => columnValue(column.kind, column.read(stored)) !== null;
  const parts = property.split(".");
  return (stored) => typeof atPath(stored.metadata, parts) === "number";
}

/** `positionCaseInsensitiveUTF8(text, query) > 0`. */
export function containsIgnoringCase(text: string, query: string): boolean {
  return text.toLowerCase().includes(query.toLowerCase());
}
