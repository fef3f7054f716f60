/**
 * A meter's quantities over time (meter/endpoints.py `quantities`, meter/service.py
 * `get_quantities`, kit/time_queries.py), computed as Polar's query computes them in Postgres:
 *
 * - the rows are `generate_series(start, end, '1 <interval>')` in the request's time zone, each
 *   shown as its instant in UTC (sub-second digits of `start` included);
 * - each row's quantity is the meter's aggregation over the matching events of its bucket,
 *   `date_trunc('<interval>', row)`: the whole bucket, events before `start` or after `end`
 *   included; an empty bucket is 0;
 * - with `customer_aggregation_function`, the meter's aggregation runs per customer (an event's
 *   customer id, or its external customer id for an event ingested with one) and the function
 *   runs over those per-customer quantities;
 * - the total is the sum of the rows' quantities for `count` and `sum` meters, their maximum or
 *   minimum for `max` and `min` meters, and for `avg` and `unique` meters the meter's aggregation
 *   over every matching event, whatever its time;
 * - the matching events: the meter's filter and aggregation clause, the metadata filter (values
 *   compared as text), and with a customer filter the events of those customers, by id or by
 *   external id whichever the event was ingested with.
 *
 * Quantities are floats in the answer (`3.0`), as pydantic writes them.
 */
import type { MetadataFilter } from "../../domain/list.js";
import type { Schemas } from "../../domain/wire.js";
import { PolarRequestValidationError } from "../../errors.js";
import { datetimeJson, floatJson, isoformatAt } from "../../pydantic/json.js";
import { laxDatetime } from "../../pydantic/lax.js";
import { addOne, truncate } from "../../util/zoned-time.js";
import type { Partition } from "../context.js";
import type { UsageEventRecord } from "../events/table.js";
import {
  type AggregateState,
  aggregateEvent,
  aggregateValue,
  emptyAggregate,
  jsonbAsText,
  meterMatches,
} from "./filter.js";
import type { MeterRecord } from "./table.js";

type Interval = Schemas["TimeInterval"];
type AggregationFunction = Schemas["AggregationFunction"];

export interface QuantitiesQuery {
  start: string;
  end: string;
  interval: Interval;
  timezone: string;
  customerIds?: readonly string[];
  externalCustomerIds?: readonly string[];
  metadata?: MetadataFilter;
  customerAggregation?: AggregationFunction;
}

interface Instant {
  epochMs: number;
  micros: number;
  offsetMinutes: number;
}

/** The longest range each interval may span, in days (kit/time_queries.py `MAX_INTERVAL_DAYS`). */
const MAX_INTERVAL_DAYS: Record<Interval, number> = {
  hour: 7,
  day: 366,
  week: 7 * 53,
  month: 365 * 4,
  year: 365 * 10,
};

/** The earliest `start_timestamp` (kit/time_queries.py `MIN_DATETIME`). */
export const MIN_DATETIME = "2023-01-01T00:00:00Z";

function instant(raw: string): Instant {
  const parsed = laxDatetime(raw);
  if ("type" in parsed) throw new Error(`[polar-emulator] ${raw} passed validation as a datetime`);
  return { epochMs: parsed.epochMs, micros: parsed.micros ?? 0, offsetMinutes: parsed.offsetMinutes ?? 0 };
}

function compare(a: Instant, b: Instant): number {
  return a.epochMs - b.epochMs || a.micros - b.micros;
}

/** `date.toordinal()` of a datetime: its date at its own offset. */
function ordinal(value: Instant): number {
  return Math.floor((value.epochMs + value.offsetMinutes * 60_000) / 86_400_000);
}

/** `is_under_limits`: a start after the end, or a range too long for the interval, is refused. */
function refuseRange(start: Instant, end: Instant, interval: Interval): void {
  if (compare(start, end) <= 0 && ordinal(end) - ordinal(start) <= MAX_INTERVAL_DAYS[interval]) return;
  throw new PolarRequestValidationError([
    {
      type: "value_error",
      loc: ["query"],
      msg: "The interval is too small for the given date range. Use a larger interval or reduce the date range.",
      input: [
        isoformatAt(start.epochMs, start.micros, start.offsetMinutes),
        isoformatAt(end.epochMs, end.micros, end.offsetMinutes),
        interval,
      ],
    },
  ]);
}

/** The column an event was stored with: Polar keeps `customer_id` only when it was ingested with one. */
function storedCustomerId(event: UsageEventRecord): string | null {
  return event.external_customer_id === null ? event.customer_id : null;
}

/** `resolve_customer_identifiers` and `get_customer_filter_clause`: who the filter names. */
function customerFilter(
  partition: Partition,
  customerIds: readonly string[] | undefined,
  externalIds: readonly string[] | undefined,
): ((event: UsageEventRecord) => boolean) | null {
  if (customerIds === undefined && externalIds === undefined) return null;
  const ids = new Set<string>();
  const external = new Set<string>(externalIds ?? []);
  for (const customer of partition.customers.values()) {
    if (customer.deleted_at !== null) continue;
    const named =
      (customerIds ?? []).includes(customer.id) ||
      (customer.external_id !== null && external.has(customer.external_id));
    if (!named) continue;
    ids.add(customer.id);
    if (customer.external_id !== null) external.add(customer.external_id);
  }
  return (event) => {
    const customerId = storedCustomerId(event);
    return (
      (customerId !== null && ids.has(customerId)) ||
      (event.external_customer_id !== null && external.has(event.external_customer_id))
    );
  };
}

/** `user_metadata[key].as_string() == value`, OR'd per key, AND'd across keys. */
function metadataMatches(event: UsageEventRecord, filter: MetadataFilter | undefined): boolean {
  if (!filter) return true;
  return Object.entries(filter).every(([key, values]) => {
    const text = Object.hasOwn(event.metadata, key) ? jsonbAsText(event.metadata[key]) : null;
    return text !== null && values.includes(text);
  });
}

/** A Postgres numeric: `units / 10^scale`. */
interface Numeric {
  units: bigint;
  scale: number;
}

/**
 * Postgres' `avg(bigint)`: a numeric, the exact quotient rounded half away from zero to the scale
 * `select_div_scale` picks (at least 16 significant digits).
 */
function numericAverage(values: readonly number[]): Numeric {
  const sum = values.reduce((total, value) => total + BigInt(value), 0n);
  const count = BigInt(values.length);
  // An integer's weight in base-10000 digits, and its first base-10000 digit.
  const leading = (value: bigint): [number, bigint] => {
    let weight = 0;
    let digit = value;
    while (digit >= 10000n) {
      digit /= 10000n;
      weight += 1;
    }
    return [weight, digit];
  };
  const [weight1, first1] = leading(sum);
  const [weight2, first2] = leading(count);
  const quotientWeight = weight1 - weight2 - (first1 <= first2 ? 1 : 0);
  const scale = Math.min(Math.max(16 - quotientWeight * 4, 0), 1000);
  // Quantities are never negative: half up is half away from zero.
  const scaled = sum * 10n ** BigInt(scale);
  return { units: (2n * scaled + count) / (2n * count), scale };
}

/** A bucket's quantity: a float or a bigint, or a numeric (an average of bigints). */
type Quantity = number | Numeric;

function toFloat(quantity: Quantity): number {
  return typeof quantity === "number" ? quantity : numericToFloat(quantity);
}

/** Exact numeric addition. */
function numericSum(values: readonly Numeric[]): Numeric {
  const scale = Math.max(0, ...values.map((value) => value.scale));
  const units = values.reduce((total, value) => total + value.units * 10n ** BigInt(scale - value.scale), 0n);
  return { units, scale };
}

/** `numeric::float8`: the double nearest to the decimal. */
function numericToFloat({ units, scale }: Numeric): number {
  const digits = units.toString();
  return Number(scale === 0 ? digits : `${digits}e-${scale}`);
}

/** An aggregate function over per-customer quantities (SQL, so nothing over no row is NULL). */
function aggregateNumbers(fn: AggregationFunction, values: number[]): number | null {
  if (fn === "count") return values.length;
  if (fn === "unique") return new Set(values).size;
  if (values.length === 0) return null;
  switch (fn) {
    case "sum":
      return values.reduce((total, value) => total + value, 0);
    case "max":
      return Math.max(...values);
    case "min":
      return Math.min(...values);
    case "avg":
      return values.reduce((total, value) => total + value, 0) / values.length;
  }
}

export interface MeterQuantities {
  quantities: { timestamp: string; quantity: number }[];
  total: number;
}

export function meterQuantities(
  partition: Partition,
  meter: MeterRecord,
  query: QuantitiesQuery,
): MeterQuantities {
  const start = instant(query.start);
  const end = instant(query.end);
  refuseRange(start, end, query.interval);
  const zone = query.timezone;
  const unit = query.interval;

  const byCustomer = customerFilter(partition, query.customerIds, query.externalCustomerIds);
  const matching = partition.usage.events.filter(
    (event) =>
      (byCustomer === null || byCustomer(event)) &&
      metadataMatches(event, query.metadata) &&
      meterMatches(meter, event),
  );

  // The buckets' quantities, keyed by the bucket's start; a bucket without events has none.
  const buckets = new Map<number, Quantity>();
  const customerFn = query.customerAggregation;
  const func = meter.aggregation.func;
  if (customerFn === undefined) {
    const states = new Map<number, AggregateState>();
    for (const event of matching) {
      const bucket = truncate(zone, event.timestamp.getTime(), unit);
      const state = states.get(bucket) ?? emptyAggregate();
      aggregateEvent(meter, state, event);
      states.set(bucket, state);
    }
    for (const [bucket, state] of states) buckets.set(bucket, aggregateValue(meter.aggregation, state));
  } else {
    const states = new Map<number, Map<string | null, AggregateState>>();
    for (const event of matching) {
      const bucket = truncate(zone, event.timestamp.getTime(), unit);
      const customers = states.get(bucket) ?? new Map<string | null, AggregateState>();
      const customer = storedCustomerId(event) ?? event.external_customer_id;
      const state = customers.get(customer) ?? emptyAggregate();
      aggregateEvent(meter, state, event);
      customers.set(customer, state);
      states.set(bucket, customers);
    }
    // `count` and `unique` give bigints per customer: their average is a numeric.
    const integral = func === "count" || func === "unique";
    for (const [bucket, customers] of states) {
      const values = [...customers.values()].map((state) => aggregateValue(meter.aggregation, state));
      const quantity =
        integral && customerFn === "avg" ? numericAverage(values) : aggregateNumbers(customerFn, values);
      if (quantity !== null) buckets.set(bucket, quantity);
    }
  }

  const rows: { epochMs: number; quantity: Quantity | undefined }[] = [];
  for (let at = start.epochMs; compare({ ...start, epochMs: at }, end) <= 0; at = addOne(zone, at, unit)) {
    rows.push({ epochMs: at, quantity: buckets.get(truncate(zone, at, unit)) });
  }

  let total: number | null;
  const present = rows.flatMap((row) => (row.quantity === undefined ? [] : [row.quantity]));
  if (func === "avg" || func === "unique") {
    const state = emptyAggregate();
    for (const event of matching) aggregateEvent(meter, state, event);
    total = aggregateValue(meter.aggregation, state);
  } else if (func === "count") {
    // The sum of bigints or numerics is an exact numeric.
    const numerics = present.map((value) =>
      typeof value === "number" ? { units: BigInt(value), scale: 0 } : value,
    );
    total = numericToFloat(numericSum(numerics));
  } else {
    total = aggregateNumbers(func, present.map(toFloat));
  }
  return {
    quantities: rows.map((row) => ({
      timestamp: datetimeJson(row.epochMs, start.micros),
      quantity: row.quantity === undefined ? 0 : toFloat(row.quantity),
    })),
    total: total ?? 0,
  };
}

/** The answer's JSON, floats as pydantic writes them. */
export function quantitiesJson(result: MeterQuantities): string {
  const rows = result.quantities.map(
    (row) => `{"timestamp":${JSON.stringify(row.timestamp)},"quantity":${floatJson(row.quantity)}}`,
  );
  return `{"quantities":[${rows.join(",")}],"total":${floatJson(result.total)}}`;
}
