/** Pins down meter filters and aggregations as Polar's SQL evaluates them: columns, metadata paths, SQL NULL, text vs numbers, aggregates. */
import { describe, expect, it } from "vitest";
import type { UsageEventRecord } from "../../src/resources/events/table.js";
import {
  aggregateEvent,
  aggregateValue,
  emptyAggregate,
  filterMatches,
  meterMatches,
  normalizeAggregation,
  normalizeFilter,
} from "../../src/resources/meters/filter.js";
import type {
  AggregationRecord,
  FilterClauseRecord,
  FilterOperator,
  FilterRecord,
  MeterRecord,
} from "../../src/resources/meters/table.js";

function meter(filter: FilterRecord, aggregation: AggregationRecord = { func: "count" }): MeterRecord {
  return {
    id: "meter_1",
    organization_id: "org_1",
    created_at: new Date("2026-01-01T00:00:00Z"),
    modified_at: null,
    name: "Meter",
    unit: "scalar",
    custom_label: null,
    custom_multiplier: null,
    filter,
    aggregation,
    metadata: {},
    archived_at: null,
  };
}

let counter = 0;
function event(
  metadata: Record<string, unknown> = {},
  name = "api.call",
  timestamp = new Date("2026-01-01T00:00:00Z"),
): UsageEventRecord {
  counter++;
  return {
    id: `event_${counter}`,
    organization_id: "org_1",
    name,
    timestamp,
    customer_id: "customer_1",
    external_customer_id: null,
    external_id: null,
    metadata,
    ingested_at: timestamp,
    external_member_id: null,
    parent_id: null,
    pending_parent: null,
  };
}

function clause(
  property: string,
  operator: FilterOperator,
  value: string | number | boolean,
): FilterClauseRecord {
  return { property, operator, value };
}

/** Whether a one-clause filter matches the event. */
function matches(c: FilterClauseRecord, e: UsageEventRecord): boolean {
  return filterMatches(meter({ conjunction: "and", clauses: [c] }), e);
}

describe("event columns", () => {
  it("compares `name` as text, case-sensitively for like, and matches nothing for a non-text value", () => {
    const e = event({}, "api.call");
    expect(matches(clause("name", "eq", "api.call"), e)).toBe(true);
    expect(matches(clause("name", "ne", "api.call"), e)).toBe(false);
    expect(matches(clause("name", "like", "api"), e)).toBe(true);
    expect(matches(clause("name", "like", "API"), e)).toBe(false);
    expect(matches(clause("name", "not_like", "API"), e)).toBe(true);
    expect(matches(clause("name", "gt", "api"), e)).toBe(true);
    expect(matches(clause("name", "lt", "api"), e)).toBe(false);
    expect(matches(clause("name", "eq", 5), e)).toBe(false);
    expect(matches(clause("name", "ne", 5), e)).toBe(false);
    expect(matches(clause("name", "ne", true), e)).toBe(false);
  });

  it("gives every ingested event the source `user`", () => {
    const e = event();
    expect(matches(clause("source", "eq", "user"), e)).toBe(true);
    expect(matches(clause("source", "eq", "system"), e)).toBe(false);
    expect(matches(clause("source", "ne", "system"), e)).toBe(true);
    expect(matches(clause("source", "like", "se"), e)).toBe(true);
    expect(matches(clause("source", "eq", 1), e)).toBe(false);
  });

  it("reads `timestamp` as whole epoch seconds, rounded half away from zero, and wants an integer", () => {
    const e = event({}, "x", new Date("2026-01-01T00:00:00.500Z"));
    expect(matches(clause("timestamp", "eq", 1767225601), e)).toBe(true);
    expect(matches(clause("timestamp", "gte", 1767225601), e)).toBe(true);
    expect(matches(clause("timestamp", "gt", 1767225601), e)).toBe(false);
    expect(matches(clause("timestamp", "lt", 1767225602), e)).toBe(true);
    expect(
      matches(clause("timestamp", "eq", 1767225601), event({}, "x", new Date("2026-01-01T00:00:00.499Z"))),
    ).toBe(false);
    expect(matches(clause("timestamp", "eq", -1), event({}, "x", new Date("1969-12-31T23:59:59.500Z")))).toBe(
      true,
    );
    expect(matches(clause("timestamp", "like", 17672256), e)).toBe(true);
    expect(matches(clause("timestamp", "not_like", 17672256), e)).toBe(false);
    expect(matches(clause("timestamp", "eq", "1767225601"), e)).toBe(false);
    expect(matches(clause("timestamp", "ne", true), e)).toBe(false);
  });
});

describe("metadata properties", () => {
  it("compares a number with a number value, or a boolean value as 1/0, never with text", () => {
    expect(matches(clause("tokens", "gt", 3), event({ tokens: 5 }))).toBe(true);
    expect(matches(clause("tokens", "lte", 4.5), event({ tokens: 5 }))).toBe(false);
    expect(matches(clause("tokens", "eq", true), event({ tokens: 1 }))).toBe(true);
    expect(matches(clause("tokens", "eq", false), event({ tokens: 0 }))).toBe(true);
    expect(matches(clause("tokens", "eq", "5"), event({ tokens: 5 }))).toBe(false);
    expect(matches(clause("tokens", "ne", "5"), event({ tokens: 5 }))).toBe(false);
  });

  it("compares a string as text with the value's text, numbers included", () => {
    expect(matches(clause("tokens", "eq", 5), event({ tokens: "5" }))).toBe(true);
    expect(matches(clause("tokens", "gt", 9), event({ tokens: "10" }))).toBe(false);
    expect(matches(clause("tokens", "lt", 9), event({ tokens: "10" }))).toBe(true);
    expect(matches(clause("plan", "eq", "pro"), event({ plan: "pro" }))).toBe(true);
    expect(matches(clause("plan", "eq", "Pro"), event({ plan: "pro" }))).toBe(false);
    expect(matches(clause("flag", "eq", true), event({ flag: "t" }))).toBe(true);
  });

  it("compares a boolean with a boolean value only", () => {
    expect(matches(clause("flag", "eq", true), event({ flag: true }))).toBe(true);
    expect(matches(clause("flag", "lt", true), event({ flag: false }))).toBe(true);
    expect(matches(clause("flag", "eq", 1), event({ flag: true }))).toBe(false);
    expect(matches(clause("flag", "eq", "true"), event({ flag: true }))).toBe(false);
  });

  it("never matches a missing or null value, not even with ne or not_like", () => {
    for (const metadata of [{}, { tokens: null }]) {
      for (const operator of ["eq", "ne", "gt", "lt", "like", "not_like"] as const) {
        expect(matches(clause("tokens", operator, 5), event(metadata))).toBe(false);
      }
    }
  });

  it("never matches an object or array, except through like on its jsonb text", () => {
    expect(matches(clause("obj", "eq", "x"), event({ obj: { a: 1 } }))).toBe(false);
    expect(matches(clause("obj", "ne", "x"), event({ obj: { a: 1 } }))).toBe(false);
    expect(matches(clause("list", "ne", 1), event({ list: [1] }))).toBe(false);
    // jsonb writes keys shorter first, then bytewise, with `: ` and `, `.
    expect(
      matches(
        clause("obj", "like", '{"b": 1, "aa": [true, null]}'),
        event({ obj: { aa: [true, null], b: 1 } }),
      ),
    ).toBe(true);
  });

  it("reads `a.b` as a nested path, not as a key with a dot", () => {
    expect(matches(clause("a.b", "eq", 2), event({ a: { b: 2 } }))).toBe(true);
    expect(matches(clause("a.b.c", "eq", "x"), event({ a: { b: { c: "x" } } }))).toBe(true);
    expect(matches(clause("a.b", "eq", 2), event({ "a.b": 2 }))).toBe(false);
    expect(matches(clause("a.b", "ne", 2), event({ a: 5 }))).toBe(false);
  });

  it("like/not_like are case-sensitive substrings of the value's text, a boolean value written t/f", () => {
    expect(matches(clause("word", "like", "ell"), event({ word: "Hello" }))).toBe(true);
    expect(matches(clause("word", "like", "hello"), event({ word: "Hello" }))).toBe(false);
    expect(matches(clause("word", "not_like", "hello"), event({ word: "Hello" }))).toBe(true);
    expect(matches(clause("word", "like", "%"), event({ word: "Hello" }))).toBe(false);
    expect(matches(clause("word", "like", "%"), event({ word: "100%" }))).toBe(true);
    expect(matches(clause("n", "like", 234), event({ n: 12345 }))).toBe(true);
    // A boolean's text is `true`/`false`, the clause's is `t`/`f`.
    expect(matches(clause("flag", "like", true), event({ flag: true }))).toBe(true);
    expect(matches(clause("flag", "like", true), event({ flag: false }))).toBe(false);
    expect(matches(clause("word", "like", false), event({ word: "of" }))).toBe(true);
    expect(matches(clause("word", "like", true), event({ word: "true" }))).toBe(true);
    expect(matches(clause("word", "like", true), event({ word: "abc" }))).toBe(false);
  });
});

describe("filters", () => {
  const pro = clause("plan", "eq", "pro");
  const big = clause("tokens", "gt", 10);

  it("joins clauses with and/or, nested filters included", () => {
    const and = meter({ conjunction: "and", clauses: [pro, big] });
    const or = meter({ conjunction: "or", clauses: [pro, big] });
    expect(filterMatches(and, event({ plan: "pro", tokens: 11 }))).toBe(true);
    expect(filterMatches(and, event({ plan: "pro", tokens: 10 }))).toBe(false);
    expect(filterMatches(or, event({ plan: "free", tokens: 11 }))).toBe(true);
    expect(filterMatches(or, event({ plan: "free", tokens: 1 }))).toBe(false);
    const nested = meter({
      conjunction: "and",
      clauses: [clause("name", "eq", "api.call"), { conjunction: "or", clauses: [pro, big] }],
    });
    expect(filterMatches(nested, event({ plan: "pro" }, "api.call"))).toBe(true);
    expect(filterMatches(nested, event({ plan: "pro" }, "other"))).toBe(false);
  });

  it("matches every event with an empty clause list, whatever the conjunction", () => {
    expect(filterMatches(meter({ conjunction: "and", clauses: [] }), event())).toBe(true);
    expect(filterMatches(meter({ conjunction: "or", clauses: [] }), event())).toBe(true);
    const innerEmpty = meter({ conjunction: "and", clauses: [{ conjunction: "or", clauses: [] }, pro] });
    expect(filterMatches(innerEmpty, event({ plan: "pro" }))).toBe(true);
  });

  it("is compiled again when the meter's filter is replaced", () => {
    const m = meter({ conjunction: "and", clauses: [pro] });
    const e = event({ plan: "free" });
    expect(filterMatches(m, e)).toBe(false);
    m.filter = { conjunction: "and", clauses: [clause("plan", "eq", "free")] };
    expect(filterMatches(m, e)).toBe(true);
  });
});

describe("aggregations", () => {
  const all: FilterRecord = { conjunction: "and", clauses: [] };

  function aggregate(aggregation: AggregationRecord, events: UsageEventRecord[], filter = all) {
    const m = meter(filter, aggregation);
    const state = emptyAggregate();
    const taken = events.map((e) => aggregateEvent(m, state, e));
    return { taken, value: aggregateValue(aggregation, state), state };
  }

  const events = () => [
    event({ tokens: 1 }),
    event({ tokens: 2.5 }),
    event({ tokens: "3" }),
    event({}),
    event({ tokens: -4 }),
  ];

  it("count counts the matching events", () => {
    expect(aggregate({ func: "count" }, events())).toMatchObject({
      taken: [true, true, true, true, true],
      value: 5,
    });
    const filtered = aggregate({ func: "count" }, events(), {
      conjunction: "and",
      clauses: [clause("tokens", "gt", 0)],
    });
    expect(filtered).toMatchObject({ taken: [true, true, true, false, false], value: 3 });
  });

  it("sum/max/min/avg take only events whose property is a JSON number", () => {
    const taken = [true, true, false, false, true];
    expect(aggregate({ func: "sum", property: "tokens" }, events())).toMatchObject({ taken, value: -0.5 });
    expect(aggregate({ func: "max", property: "tokens" }, events())).toMatchObject({ taken, value: 2.5 });
    expect(aggregate({ func: "min", property: "tokens" }, events())).toMatchObject({ taken, value: -4 });
    expect(aggregate({ func: "avg", property: "tokens" }, events()).value).toBeCloseTo(-0.5 / 3, 12);
    expect(
      aggregate({ func: "max", property: "tokens" }, [event({ tokens: -7 }), event({ tokens: -3 })]).value,
    ).toBe(-3);
    expect(
      aggregate({ func: "min", property: "tokens" }, [event({ tokens: 7 }), event({ tokens: 3 })]).value,
    ).toBe(3);
  });

  it("aggregates `timestamp` as epoch seconds, and `name`/`source` as no event at all", () => {
    const stamps = [
      event({}, "x", new Date("2026-01-01T00:00:00Z")),
      event({}, "x", new Date("2026-01-01T00:00:10Z")),
    ];
    expect(aggregate({ func: "max", property: "timestamp" }, stamps).value).toBe(1767225610);
    expect(aggregate({ func: "sum", property: "name" }, stamps)).toMatchObject({
      taken: [false, false],
      value: 0,
    });
    expect(aggregate({ func: "avg", property: "source" }, stamps).value).toBe(0);
  });

  it("unique counts distinct values as jsonb does; events without the property still match", () => {
    const result = aggregate({ func: "unique", property: "user" }, [
      event({ user: "a" }),
      event({ user: "b" }),
      event({ user: "a" }),
      event({}),
      event({ user: 1 }),
      event({ user: "1" }),
      event({ user: { x: 1, y: 2 } }),
      event({ user: { y: 2, x: 1 } }),
    ]);
    expect(result.taken).toEqual([true, true, true, true, true, true, true, true]);
    expect(result.value).toBe(5);
    expect(result.state.matched).toBe(8);
  });

  it("gives 0 for every function when no event counts", () => {
    const state = emptyAggregate();
    expect(state).toEqual({ matched: 0, sum: 0, max: 0, min: 0, distinct: new Set() });
    for (const aggregation of [
      { func: "count" },
      { func: "sum", property: "t" },
      { func: "max", property: "t" },
      { func: "min", property: "t" },
      { func: "avg", property: "t" },
      { func: "unique", property: "t" },
    ] as AggregationRecord[]) {
      expect(aggregateValue(aggregation, state)).toBe(0);
    }
  });

  it("meterMatches adds the aggregation's clause to the filter; filterMatches is the filter alone", () => {
    const m = meter(
      { conjunction: "and", clauses: [clause("name", "eq", "api.call")] },
      { func: "sum", property: "tokens" },
    );
    const text = event({ tokens: "5" }, "api.call");
    expect(filterMatches(m, text)).toBe(true);
    expect(meterMatches(m, text)).toBe(false);
    expect(meterMatches(m, event({ tokens: 5 }, "api.call"))).toBe(true);
    expect(meterMatches(m, event({ tokens: 5 }, "other"))).toBe(false);
    const unique = meter(all, { func: "unique", property: "user" });
    expect(meterMatches(unique, event({}))).toBe(true);
  });

  it("leaves the state alone for an event that is not part of the meter", () => {
    const m = meter(
      { conjunction: "and", clauses: [clause("plan", "eq", "pro")] },
      { func: "sum", property: "tokens" },
    );
    const state = emptyAggregate();
    expect(aggregateEvent(m, state, event({ plan: "free", tokens: 5 }))).toBe(false);
    expect(aggregateEvent(m, state, event({ plan: "pro", tokens: "5" }))).toBe(false);
    expect(state).toEqual(emptyAggregate());
    expect(aggregateEvent(m, state, event({ plan: "pro", tokens: 5 }))).toBe(true);
    expect(state).toMatchObject({ matched: 1, sum: 5, max: 5, min: 5 });
  });
});

describe("normalizeFilter and normalizeAggregation", () => {
  it("strips one `metadata.` prefix at every level, drops unknown keys and orders keys as the model", () => {
    const input = {
      clauses: [
        { value: 1, operator: "eq", property: "metadata.tokens", extra: true },
        {
          clauses: [{ property: "metadata.metadata.plan", operator: "like", value: "pro" }],
          conjunction: "or",
        },
        { property: "name", operator: "ne", value: "x" },
      ],
      conjunction: "and",
      unknown: 1,
    };
    const normalized = normalizeFilter(input as unknown as Parameters<typeof normalizeFilter>[0]);
    expect(normalized).toEqual({
      conjunction: "and",
      clauses: [
        { property: "tokens", operator: "eq", value: 1 },
        { conjunction: "or", clauses: [{ property: "metadata.plan", operator: "like", value: "pro" }] },
        { property: "name", operator: "ne", value: "x" },
      ],
    });
    expect(JSON.stringify(normalized.clauses[0])).toBe('{"property":"tokens","operator":"eq","value":1}');
    expect(Object.keys(normalized)).toEqual(["conjunction", "clauses"]);
  });

  it("keeps only what each aggregation function stores", () => {
    expect(normalizeAggregation({ func: "count" })).toEqual({ func: "count" });
    expect(normalizeAggregation({ func: "sum", property: "metadata.tokens" })).toEqual({
      func: "sum",
      property: "tokens",
    });
    expect(normalizeAggregation({ func: "avg", property: "timestamp" })).toEqual({
      func: "avg",
      property: "timestamp",
    });
    expect(normalizeAggregation({ func: "unique", property: "metadata.user" })).toEqual({
      func: "unique",
      property: "user",
    });
  });
});
