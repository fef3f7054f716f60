/** Pins down list plumbing as Polar's Postgres queries behave: LIKE patterns, metadata filters, NULL sort order, pagination and envelope. */
import { describe, expect, it } from "vitest";
import {
  byCreation,
  byId,
  byKey,
  byPosition,
  type Criterion,
  compareKeys,
  ilikeContains,
  likePattern,
  listEnvelope,
  matchesMetadata,
  pageOf,
  pageOfTable,
  paginate,
  type Ranked,
  type SortKey,
  sortBy,
  sortingOr,
  within,
} from "../../src/domain/list.js";

describe("likePattern", () => {
  it("anchors the pattern: % is any run, _ exactly one character (code point)", () => {
    expect(likePattern("a%").test("abc")).toBe(true);
    expect(likePattern("a%").test("xabc")).toBe(false);
    expect(likePattern("%").test("")).toBe(true);
    expect(likePattern("%").test("line1\nline2")).toBe(true);
    expect(likePattern("a_c").test("abc")).toBe(true);
    expect(likePattern("a_c").test("a😀c")).toBe(true);
    expect(likePattern("a_c").test("ac")).toBe(false);
    expect(likePattern("a_c").test("abbc")).toBe(false);
    expect(likePattern("a_c").test("a\nc")).toBe(true);
  });

  it("takes a backslash as the escape of the next character", () => {
    expect(likePattern("100\\%").test("100%")).toBe(true);
    expect(likePattern("100\\%").test("1000")).toBe(false);
    expect(likePattern("a\\_b").test("a_b")).toBe(true);
    expect(likePattern("a\\_b").test("axb")).toBe(false);
    expect(likePattern("a\\\\b").test("a\\b")).toBe(true);
    expect(likePattern("\\a").test("a")).toBe(true);
  });

  it("matches regular expression characters literally, case-sensitively unless asked", () => {
    expect(likePattern("a.b").test("axb")).toBe(false);
    expect(likePattern("a.b").test("a.b")).toBe(true);
    expect(likePattern("(x)+[y]{2}$^|/?*").test("(x)+[y]{2}$^|/?*")).toBe(true);
    expect(likePattern("ABC").test("abc")).toBe(false);
    expect(likePattern("ABC", "i").test("abc")).toBe(true);
  });
});

describe("ilikeContains", () => {
  it("is a case-insensitive substring in which % and _ stay wildcards", () => {
    expect(ilikeContains("Hello World", "lo w")).toBe(true);
    expect(ilikeContains("Hello World", "xyz")).toBe(false);
    expect(ilikeContains("abc", "a%c")).toBe(true);
    expect(ilikeContains("abc", "A_C")).toBe(true);
    expect(ilikeContains("a_c", "\\_")).toBe(true);
    expect(ilikeContains("abc", "\\_")).toBe(false);
    expect(ilikeContains("anything", "")).toBe(true);
  });
});

describe("matchesMetadata", () => {
  it("matches everything without a filter", () => {
    expect(matchesMetadata({ plan: "pro" }, undefined)).toBe(true);
    expect(matchesMetadata({}, {})).toBe(true);
  });

  it("ORs the values of one key and ANDs the keys", () => {
    const filter = { plan: ["pro", "team"], seats: ["5"] };
    expect(matchesMetadata({ plan: "team", seats: 5 }, filter)).toBe(true);
    expect(matchesMetadata({ plan: "pro", seats: 5 }, filter)).toBe(true);
    expect(matchesMetadata({ plan: "free", seats: 5 }, filter)).toBe(false);
    expect(matchesMetadata({ plan: "pro", seats: 6 }, filter)).toBe(false);
    expect(matchesMetadata({ plan: "pro" }, filter)).toBe(false);
  });

  it("compares as the value's text (`->>`): booleans as true/false, numbers as written", () => {
    expect(matchesMetadata({ flag: true }, { flag: ["true"] })).toBe(true);
    expect(matchesMetadata({ flag: true }, { flag: ["t"] })).toBe(false);
    expect(matchesMetadata({ flag: false }, { flag: ["false"] })).toBe(true);
    expect(matchesMetadata({ n: 5 }, { n: ["5"] })).toBe(true);
    expect(matchesMetadata({ n: 5 }, { n: ["5.0"] })).toBe(false);
    expect(matchesMetadata({ n: 2.5 }, { n: ["2.5"] })).toBe(true);
    expect(matchesMetadata({ plan: "Pro" }, { plan: ["pro"] })).toBe(false);
  });

  it("never takes inherited properties for metadata keys", () => {
    expect(matchesMetadata({}, { toString: ["function toString() { [native code] }"] })).toBe(false);
  });
});

describe("within", () => {
  it("matches everything without a filter, else wants a non-null value in it", () => {
    expect(within(undefined, null)).toBe(true);
    expect(within(["a", "b"], "b")).toBe(true);
    expect(within(["a", "b"], "c")).toBe(false);
    expect(within(["a"], null)).toBe(false);
    expect(within([], "a")).toBe(false);
  });
});

describe("compareKeys", () => {
  it("orders values, reversed when descending", () => {
    expect(compareKeys(1, 2, false)).toBe(-1);
    expect(compareKeys(1, 2, true)).toBe(1);
    expect(compareKeys(2, 1, false)).toBe(1);
    expect(compareKeys(3, 3, true)).toBe(0);
  });

  it("puts NULLs last ascending and first descending, as Postgres does", () => {
    expect(compareKeys(null, 1, false)).toBe(1);
    expect(compareKeys(1, null, false)).toBe(-1);
    expect(compareKeys(null, 1, true)).toBe(-1);
    expect(compareKeys(1, null, true)).toBe(1);
    expect(compareKeys(null, null, false)).toBe(0);
    expect(compareKeys(null, null, true)).toBe(0);
  });

  it("compares text bytewise: upper case before lower case, ASCII before accents", () => {
    expect(compareKeys("B", "a", false)).toBe(-1);
    expect(compareKeys("é", "z", false)).toBe(1);
    expect(compareKeys("a", "ab", false)).toBe(-1);
  });
});

interface Row {
  id: string;
  name: string;
  amount: number | null;
}

const criterion = (field: string): Criterion<Row> => byKey((row: Row) => row[field as keyof Row] as SortKey);

function rows(): Row[] {
  return [
    { id: "c", name: "b", amount: 5 },
    { id: "a", name: "a", amount: null },
    { id: "b", name: "a", amount: 5 },
    { id: "d", name: "a", amount: 7 },
    { id: "e", name: "b", amount: 5 },
  ];
}

describe("sortBy", () => {
  it("applies criteria in order, `-field` descending with NULLs first, then the tie-break", () => {
    expect(sortBy(rows(), ["-amount", "name"], criterion, byId).map((row) => row.id)).toEqual([
      "a",
      "d",
      "b",
      "c",
      "e",
    ]);
  });

  it("keeps the order items came in for ties by default, NULLs last ascending", () => {
    expect(sortBy(rows(), ["amount"], criterion).map((row) => row.id)).toEqual(["c", "b", "e", "d", "a"]);
  });

  it("sorts in place and returns the same array", () => {
    const items = rows();
    expect(sortBy(items, ["name"], criterion, byId)).toBe(items);
    expect(items.map((row) => row.id)).toEqual(["a", "b", "d", "c", "e"]);
  });

  it("sorts many items with their keys read once, in the order the comparisons give", () => {
    // Enough rows to take the decorated path, with NULLs and many ties.
    const many: Row[] = Array.from({ length: 500 }, (_, index) => ({
      id: `id${(index * 7919) % 500}`,
      name: ["a", "b", "B", "é"][(index * 31) % 4],
      amount: index % 9 === 0 ? null : (index * 13) % 17,
    }));
    const compared = (criteria: string[], tieBreak?: (a: Row, b: Row) => number) =>
      sortBy(
        [...many],
        criteria,
        (field) => (a, b, descending) => criterion(field)(a, b, descending),
        tieBreak,
      ).map((row) => row.id);
    for (const criteria of [["-amount", "name"], ["amount"], ["name", "-amount"]]) {
      expect(sortBy([...many], criteria, criterion, byId).map((row) => row.id)).toEqual(
        compared(criteria, byId),
      );
      expect(sortBy([...many], criteria, criterion).map((row) => row.id)).toEqual(compared(criteria));
      // Only a first page asked for: that page is exactly the full sort's.
      for (const needed of [1, 10, 37, 100]) {
        const head = (tieBreak?: (a: Row, b: Row) => number) =>
          sortBy([...many], criteria, criterion, tieBreak, needed)
            .slice(0, needed)
            .map((row) => row.id);
        expect(head(byId)).toEqual(compared(criteria, byId).slice(0, needed));
        expect(head()).toEqual(compared(criteria).slice(0, needed));
      }
    }
    // Rows already in order or in reverse order (customers by creation time).
    const ascending = Array.from({ length: 300 }, (_, index) => ({
      id: `r${index}`,
      name: "x",
      amount: index,
    }));
    for (const rows of [ascending, [...ascending].reverse()]) {
      for (const criteria of [["amount"], ["-amount"], ["name"]]) {
        expect(sortBy([...rows], criteria, criterion, undefined, 20).slice(0, 20)).toEqual(
          sortBy([...rows], criteria, criterion).slice(0, 20),
        );
      }
    }
  });

  it("breaks ties by id, by creation time then creation order, or by position", () => {
    expect(byId({ id: "a" }, { id: "b" })).toBe(-1);
    expect(byId({ id: "b" }, { id: "a" })).toBe(1);
    expect(byId({ id: "a" }, { id: "a" })).toBe(0);
    const at = (iso: string, position: number): Ranked<{ created_at: Date }> => ({
      item: { created_at: new Date(iso) },
      position,
    });
    const ranked = [
      at("2026-01-02T00:00:00Z", 0),
      at("2026-01-01T00:00:00Z", 2),
      at("2026-01-01T00:00:00Z", 1),
    ];
    expect([...ranked].sort((a, b) => byCreation(a, b, false)).map((r) => r.position)).toEqual([1, 2, 0]);
    expect([...ranked].sort((a, b) => byCreation(a, b, true)).map((r) => r.position)).toEqual([0, 2, 1]);
    expect([...ranked].sort(byPosition).map((r) => r.position)).toEqual([0, 1, 2]);
  });
});

describe("pageOfTable", () => {
  it("answers the pages of filtering, sorting and paginating, through additions, changes and replacements", () => {
    const table = new Map<string, Row>();
    const add = (index: number) => {
      const row: Row = {
        id: `id${(index * 7919) % 1000}`,
        name: ["a", "b", "B", "é", "ab"][(index * 31) % 5],
        amount: index % 9 === 0 ? null : (index * 13) % 17,
      };
      table.set(row.id, row);
    };
    for (let index = 0; index < 400; index++) add(index);
    const matches = (row: Row) => row.amount !== 3;
    // The same keys, checked through the field they come from.
    const withSource = (field: string): Criterion<Row> =>
      byKey(
        (row: Row) => row[field as keyof Row] as SortKey,
        (row: Row) => row[field as keyof Row],
      );
    const check = () => {
      for (const criteria of [["-amount", "name"], ["amount"], ["name", "-amount"], ["-name"]]) {
        for (const page of [
          { page: 1, limit: 10 },
          { page: 3, limit: 7 },
          { page: 1, limit: 100 },
          { page: 60, limit: 10 },
        ]) {
          const expected = sortBy([...table.values()].filter(matches), criteria, criterion, byId);
          for (const through of [criterion, withSource]) {
            const answered = pageOfTable(table, criteria, through, byId, matches, page);
            expect(answered.total).toBe(expected.length);
            expect(answered.items.map((row) => row.id)).toEqual(
              paginate(expected, page).items.map((row) => row.id),
            );
          }
        }
      }
    };
    check();
    // Rows added: merged into the kept order.
    for (let index = 400; index < 460; index++) add(index);
    check();
    // A key changed in place, a row replaced by another object, a row removed.
    const first = [...table.values()];
    first[5].amount = 99;
    first[17].name = "zz";
    check();
    table.set(first[20].id, { ...first[20], amount: 1 });
    check();
    table.delete(first[30].id);
    check();
    // Removed and added back: it is now last in insertion order.
    table.delete(first[40].id);
    table.set(first[40].id, first[40]);
    check();
  });

  it("falls back to sorting when a criterion has no key", () => {
    const table = new Map(rows().map((row) => [row.id, row]));
    const compareOnly: (field: string) => Criterion<Row> = (field) => (a, b, descending) =>
      criterion(field)(a, b, descending);
    const answered = pageOfTable(table, ["-amount", "name"], compareOnly, byId, () => true, {
      page: 1,
      limit: 3,
    });
    expect(answered.items.map((row) => row.id)).toEqual(["a", "d", "b"]);
    expect(answered.total).toBe(5);
  });
});

describe("sortingOr", () => {
  it("uses the default when no sorting or an empty one is given", () => {
    expect(sortingOr(undefined, ["-created_at"])).toEqual(["-created_at"]);
    expect(sortingOr([], ["-created_at"])).toEqual(["-created_at"]);
    expect(sortingOr(["name"], ["-created_at"])).toEqual(["name"]);
  });
});

describe("pagination", () => {
  it("defaults to page 1 and limit 10, clamping a limit above 100", () => {
    expect(pageOf({})).toEqual({ page: 1, limit: 10 });
    expect(pageOf({ page: null, limit: null })).toEqual({ page: 1, limit: 10 });
    expect(pageOf({ page: 3, limit: 500 })).toEqual({ page: 3, limit: 100 });
    expect(pageOf({ page: 2, limit: 100 })).toEqual({ page: 2, limit: 100 });
  });

  it("slices one page and counts them all", () => {
    const items = [1, 2, 3, 4, 5];
    expect(paginate(items, { page: 1, limit: 2 })).toEqual({ items: [1, 2], total: 5 });
    expect(paginate(items, { page: 2, limit: 2 })).toEqual({ items: [3, 4], total: 5 });
    expect(paginate(items, { page: 3, limit: 2 })).toEqual({ items: [5], total: 5 });
    expect(paginate(items, { page: 4, limit: 2 })).toEqual({ items: [], total: 5 });
  });

  it("wraps a page in Polar's envelope, max_page rounded up and 0 for an empty list", () => {
    const page = { page: 1, limit: 2 };
    expect(listEnvelope(paginate([1, 2, 3, 4, 5], page), page, (n) => ({ n }))).toEqual({
      items: [{ n: 1 }, { n: 2 }],
      pagination: { total_count: 5, max_page: 3 },
    });
    expect(listEnvelope(paginate([1, 2, 3, 4], page), page, String).pagination).toEqual({
      total_count: 4,
      max_page: 2,
    });
    expect(listEnvelope(paginate([], page), page, String)).toEqual({
      items: [],
      pagination: { total_count: 0, max_page: 0 },
    });
  });
});
