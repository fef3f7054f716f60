/**
 * A meter's filter and aggregation, evaluated the way Polar's database does it (server/polar/meter/
 * filter.py `get_sql_clause`, aggregation.py `get_sql_clause`/`get_sql_column`, and
 * customer_meter/service.py `_get_usage_quantity`), since that is what computes consumed units:
 *
 * - `name`, `source` and `timestamp` are event columns (Event._filterable_fields): a clause whose
 *   value has the wrong type (text for name/source, integer for timestamp) matches nothing;
 *   `timestamp` is the event time in whole epoch seconds; every ingested event has source `user`.
 * - Any other property is a metadata path (`a.b` → metadata.a.b; a leading `metadata.` is dropped
 *   when the meter is created). A missing value never matches, not even `ne` or `not_like` (SQL NULL).
 * - `like`/`not_like` compare text: case-sensitive substring of the value's text (`->>`), with a
 *   boolean value written `t`/`f` as Postgres casts it.
 * - Otherwise the stored value's JSON type decides: a string compares as text with the value's
 *   text; a number compares numerically with an integer or boolean value (true = 1), never with a
 *   text value; a boolean compares with a boolean value only; objects never match.
 * - An empty clause list matches every event.
 * - Aggregations: `count` counts matching events; `sum`/`max`/`min`/`avg` only take events whose
 *   property is a JSON number (or `timestamp`; `name`/`source` match no event), others are not part
 *   of the meter at all; `unique` counts distinct values of the metadata property, events without
 *   it still match. No event gives 0 for every function.
 */
import { compareJsonbKeys } from "../../domain/jsonb.js";
import type { Schemas } from "../../domain/wire.js";
import { isObject } from "../../util/is-object.js";
import type { UsageEventRecord } from "../events/table.js";
import type {
  AggregationRecord,
  FilterClauseRecord,
  FilterOperator,
  FilterRecord,
  MeterRecord,
} from "./table.js";

type FilterInput = Schemas["MeterCreate"]["filter"];
type ClauseInput = FilterInput["clauses"][number];
type AggregationInput = Schemas["MeterCreate"]["aggregation"];

/** Polar's AfterValidator on filter and aggregation properties. */
function stripMetadataPrefix(property: string): string {
  return property.startsWith("metadata.") ? property.slice("metadata.".length) : property;
}

function isFilterInput(value: ClauseInput): value is FilterInput {
  return "conjunction" in value && "clauses" in value && !("property" in value);
}

/** The filter as Polar stores it: prefixes stripped, unknown keys dropped, keys in model order. */
export function normalizeFilter(input: FilterInput): FilterRecord {
  return {
    conjunction: input.conjunction,
    clauses: input.clauses.map((clause) =>
      isFilterInput(clause)
        ? normalizeFilter(clause)
        : {
            property: stripMetadataPrefix(clause.property),
            operator: clause.operator,
            value: clause.value,
          },
    ),
  };
}

export function normalizeAggregation(input: AggregationInput): AggregationRecord {
  const func = input.func ?? ("property" in input ? "unique" : "count");
  if (func === "count") return { func: "count" };
  const property = stripMetadataPrefix("property" in input ? input.property : "");
  if (func === "unique") return { func: "unique", property };
  return { func, property };
}

// --- evaluation -----------------------------------------------------------------------------

type Read = (event: UsageEventRecord) => unknown;
type Test = (event: UsageEventRecord) => boolean;

/** Reads a metadata path, `a.b` → metadata.a.b; undefined when absent (SQL NULL). */
function metadataReader(path: string): Read {
  const parts = path.split(".");
  if (parts.length === 1) {
    return (event) => (Object.hasOwn(event.metadata, path) ? event.metadata[path] : undefined);
  }
  return (event) => {
    let value: unknown = event.metadata;
    for (const part of parts) {
      if (!isObject(value) || !Object.hasOwn(value, part)) return undefined;
      value = value[part];
    }
    return value;
  };
}

/** `CAST(EXTRACT(EPOCH FROM timestamp) AS BIGINT)`: numeric to bigint rounds half away from zero. */
function epochSeconds(date: Date): number {
  const seconds = date.getTime() / 1000;
  return Math.sign(seconds) * Math.round(Math.abs(seconds));
}

/** jsonb's text output: `{"a": 1, "b": [true, null]}`, keys shorter first, then bytewise. */
function jsonbText(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(jsonbText).join(", ")}]`;
  if (isObject(value)) {
    const keys = Object.keys(value).sort(compareJsonbKeys);
    return `{${keys.map((key) => `${JSON.stringify(key)}: ${jsonbText(value[key])}`).join(", ")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/** `->>`: the text of a JSON value; null for JSON null (SQL NULL). */
export function jsonbAsText(value: unknown): string | null {
  if (value === null) return null;
  if (typeof value === "string") return value;
  return jsonbText(value);
}

/** The clause value as Polar's `_get_str_value` writes it. */
function valueText(value: string | number | boolean): string {
  if (typeof value === "boolean") return value ? "t" : "f";
  return String(value);
}

/** A clause's operator between two values of one kind (`like` is a substring test once the value is a `%…%` pattern). */
export function compare<T extends string | number>(
  actual: T,
  expected: T,
  operator: FilterOperator,
): boolean {
  switch (operator) {
    case "eq":
      return actual === expected;
    case "ne":
      return actual !== expected;
    case "gt":
      return actual > expected;
    case "gte":
      return actual >= expected;
    case "lt":
      return actual < expected;
    case "lte":
      return actual <= expected;
    case "like":
      return String(actual).includes(String(expected));
    case "not_like":
      return !String(actual).includes(String(expected));
  }
}

const never: Test = () => false;

function compileClause(clause: FilterClauseRecord): Test {
  const { property, operator, value } = clause;
  const like = operator === "like" || operator === "not_like";
  if (property === "name" || property === "source") {
    if (typeof value !== "string") return never;
    return property === "name"
      ? (event) => compare(event.name, value, operator)
      : () => compare("user", value, operator);
  }
  if (property === "timestamp") {
    // Python's isinstance(True, int) lets a boolean through, and Postgres then refuses to compare
    // a bigint with a boolean; matching nothing is the closest non-error answer.
    if (typeof value !== "number") return never;
    const text = String(value);
    return like
      ? (event) => compare(String(epochSeconds(event.timestamp)), text, operator)
      : (event) => compare(epochSeconds(event.timestamp), value, operator);
  }
  const read = metadataReader(property);
  const text = valueText(value);
  if (like) {
    return (event) => {
      const actual = read(event);
      if (actual === undefined) return false;
      const actualText = jsonbAsText(actual);
      return actualText !== null && compare(actualText, text, operator);
    };
  }
  const number = typeof value === "string" ? null : Number(value);
  const boolean = typeof value === "boolean" ? Number(value) : null;
  return (event) => {
    const actual = read(event);
    if (typeof actual === "string") return compare(actual, text, operator);
    if (typeof actual === "number") return number !== null && compare(actual, number, operator);
    if (typeof actual === "boolean") return boolean !== null && compare(Number(actual), boolean, operator);
    return false;
  };
}

function compileFilter(filter: FilterRecord): Test {
  if (filter.clauses.length === 0) return () => true;
  const tests = filter.clauses.map((clause) =>
    "conjunction" in clause ? compileFilter(clause) : compileClause(clause),
  );
  if (tests.length === 1) return tests[0];
  if (filter.conjunction === "and") {
    return (event) => {
      for (const test of tests) if (!test(event)) return false;
      return true;
    };
  }
  return (event) => {
    for (const test of tests) if (test(event)) return true;
    return false;
  };
}

/** The number a property aggregation takes from an event, undefined when the event is not part of it. */
function compileNumber(property: string): (event: UsageEventRecord) => number | undefined {
  if (property === "timestamp") return (event) => epochSeconds(event.timestamp);
  if (property === "name" || property === "source") return () => undefined;
  const read = metadataReader(property);
  return (event) => {
    const value = read(event);
    return typeof value === "number" ? value : undefined;
  };
}

/** jsonb equality for `count(distinct …)`: numbers by value, objects whatever their key order. */
function distinctKey(value: unknown): string {
  if (typeof value === "number") return `n:${value === 0 ? 0 : value}`;
  if (typeof value === "string") return `s:${value}`;
  if (Array.isArray(value)) return `a:[${value.map(distinctKey).join(",")}]`;
  if (isObject(value)) {
    const keys = Object.keys(value).sort();
    return `o:{${keys.map((key) => `${JSON.stringify(key)}:${distinctKey(value[key])}`).join(",")}}`;
  }
  return `j:${JSON.stringify(value)}`;
}

interface CompiledMeter {
  filter: FilterRecord;
  aggregation: AggregationRecord;
  test: Test;
  number: ((event: UsageEventRecord) => number | undefined) | null;
  distinct: Read | null;
}

/** Compiled once per meter (and again if its filter or aggregation object is replaced). */
const compiledMeters = new WeakMap<MeterRecord, CompiledMeter>();

function compiled(meter: MeterRecord): CompiledMeter {
  const hit = compiledMeters.get(meter);
  if (hit && hit.filter === meter.filter && hit.aggregation === meter.aggregation) return hit;
  const aggregation = meter.aggregation;
  const result: CompiledMeter = {
    filter: meter.filter,
    aggregation,
    test: compileFilter(meter.filter),
    number:
      aggregation.func === "count" || aggregation.func === "unique"
        ? null
        : compileNumber(aggregation.property),
    distinct: aggregation.func === "unique" ? metadataReader(aggregation.property) : null,
  };
  compiledMeters.set(meter, result);
  return result;
}

/** Whether the event passes the meter's filter alone. */
export function filterMatches(meter: MeterRecord, event: UsageEventRecord): boolean {
  return compiled(meter).test(event);
}

/** The running aggregation of one customer meter. */
export interface AggregateState {
  matched: number;
  sum: number;
  max: number;
  min: number;
  distinct: Set<string>;
}

export function emptyAggregate(): AggregateState {
  return { matched: 0, sum: 0, max: 0, min: 0, distinct: new Set() };
}

/** Whether the event is part of the meter (its filter and its aggregation's clause). */
export function meterMatches(meter: MeterRecord, event: UsageEventRecord): boolean {
  const { number, test } = compiled(meter);
  return (number === null || number(event) !== undefined) && test(event);
}

/**
 * Whether the event is part of the meter (filter and aggregation clause) and, when it is, adds it
 * to `state`.
 */
export function aggregateEvent(meter: MeterRecord, state: AggregateState, event: UsageEventRecord): boolean {
  const { number, distinct, test } = compiled(meter);
  let value: number | undefined;
  if (number !== null) {
    value = number(event);
    if (value === undefined) return false;
  }
  if (!test(event)) return false;
  if (distinct !== null) {
    const item = distinct(event);
    if (item !== undefined) state.distinct.add(distinctKey(item));
  } else if (value !== undefined) {
    state.sum += value;
    state.max = state.matched === 0 ? value : Math.max(state.max, value);
    state.min = state.matched === 0 ? value : Math.min(state.min, value);
  }
  state.matched += 1;
  return true;
}

/** The aggregation's value: `coalesce(agg, 0)`. */
export function aggregateValue(aggregation: AggregationRecord, state: AggregateState): number {
  if (aggregation.func === "count") return state.matched;
  if (aggregation.func === "unique") return state.distinct.size;
  if (state.matched === 0) return 0;
  switch (aggregation.func) {
    case "sum":
      return state.sum;
    case "max":
      return state.max;
    case "min":
      return state.min;
    case "avg":
      return state.sum / state.matched;
  }
}
