/**
 * The plumbing every list shares, once: Polar's filters (SQL LIKE, metadata), its sorting
 * (`apply_sorting` on Postgres: criteria in order, `-field` descending, ascending puts NULLs last
 * and descending first), its pagination (`page` ≥ 1, `limit` 10 by default, clamped to 100) and
 * its envelope (`{items, pagination: {total_count, max_page}}`).
 */
import type { Metadata } from "../store/store.js";

// --- filters ---------------------------------------------------------------------------------

const REGEXP_SPECIAL = /[.*+?^${}()|[\]\\/]/g;

/** A LIKE pattern as a regular expression: `%` any run, `_` one character, `\` escapes. */
export function likePattern(pattern: string, flags = ""): RegExp {
  let source = "";
  for (let index = 0; index < pattern.length; index++) {
    const char = pattern[index];
    if (char === "\\" && index + 1 < pattern.length) {
      index += 1;
      source += pattern[index].replace(REGEXP_SPECIAL, "\\$&");
    } else if (char === "%") source += "[\\s\\S]*";
    else if (char === "_") source += "[\\s\\S]";
    else source += char.replace(REGEXP_SPECIAL, "\\$&");
  }
  return new RegExp(`^${source}$`, `${flags}u`);
}

/** Postgres `text ILIKE '%query%'`: a case-insensitive substring in which `%` and `_` are wildcards. */
export function ilikeContains(text: string, query: string): boolean {
  return likePattern(`%${query}%`, "i").test(text);
}

/** `metadata[key]=v1&metadata[key]=v2`: values of one key OR'd, keys AND'd, compared as text. */
export type MetadataFilter = Record<string, string[]>;

export function matchesMetadata(metadata: Metadata, filter: MetadataFilter | undefined): boolean {
  if (!filter) return true;
  return Object.entries(filter).every(([key, values]) => {
    const value = Object.hasOwn(metadata, key) ? metadata[key] : undefined;
    return value !== undefined && values.includes(String(value));
  });
}

/** An optional list filter: no filter matches everything, else the value must be in it. */
export function within<T>(filter: readonly T[] | undefined, value: T | null): boolean {
  return filter === undefined || (value !== null && filter.includes(value));
}

// --- sorting ---------------------------------------------------------------------------------

export type SortKey = string | number | null;

/** One key in Postgres order: ascending puts NULLs last, descending puts them first; text bytewise. */
export function compareKeys(a: SortKey, b: SortKey, descending: boolean): number {
  if (a === b) return 0;
  if (a === null) return descending ? -1 : 1;
  if (b === null) return descending ? 1 : -1;
  const order = a < b ? -1 : a > b ? 1 : 0;
  return descending ? -order : order;
}

/**
 * A criterion: how two items compare on one field, in the direction asked. One made by `byKey`
 * carries its key, so a sort reads each item's key once instead of at every comparison.
 */
export type Criterion<T> = ((a: T, b: T, descending: boolean) => number) & {
  readonly key?: (item: T) => SortKey;
  /**
   * What the key is computed from, when it is one field of the item (a Date, a string): the
   * same value (by identity) means the same key. A kept order checks this instead of the key,
   * which for a date is one memory read less per row (the domain never changes a Date in place).
   */
  readonly source?: (item: T) => unknown;
};

/** A criterion on a key of each item (Postgres NULL order), optionally with what it is computed from. */
export function byKey<T>(key: (item: T) => SortKey, source?: (item: T) => unknown): Criterion<T> {
  return Object.assign((a: T, b: T, descending: boolean) => compareKeys(key(a), key(b), descending), {
    key,
    source,
  });
}

/** Ties broken by id, as a primary key would. */
export function byId(a: { id: string }, b: { id: string }): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** Below this many items, decorating them with their keys costs more than it saves. */
const DECORATE_FROM = 64;

/**
 * Sorts in place by `criteria` (`field` or `-field`), then by `tieBreak` (by default the order
 * the items came in: the sort is stable). With `needed`, only the first `needed` items are
 * guaranteed in that order (the page a list answers with and those before it); the rest keep
 * their place in the array in no particular order.
 */
export function sortBy<T>(
  items: T[],
  criteria: readonly string[],
  criterion: (field: string) => Criterion<T>,
  tieBreak: (a: T, b: T) => number = () => 0,
  needed = Number.POSITIVE_INFINITY,
): T[] {
  const parsed = criteria.map((text) => ({
    descending: text.startsWith("-"),
    compare: criterion(text.startsWith("-") ? text.slice(1) : text),
  }));
  if (items.length >= DECORATE_FROM && parsed.every(({ compare }) => compare.key !== undefined)) {
    return sortDecorated(items, parsed, tieBreak, needed);
  }
  return items.sort((a, b) => {
    for (const { descending, compare } of parsed) {
      const result = compare(a, b, descending);
      if (result !== 0) return result;
    }
    return tieBreak(a, b);
  });
}

/**
 * The same order as comparing with the criteria (same keys, same `compareKeys`, same tie-break,
 * stable), with each item's keys read once: a list of 10,000 customers sorted by `-created_at`
 * read two keys per comparison, about 260,000 times.
 */
function sortDecorated<T>(
  items: T[],
  parsed: { descending: boolean; compare: Criterion<T> }[],
  tieBreak: (a: T, b: T) => number,
  needed: number,
): T[] {
  const keys = parsed.map(({ compare }) => items.map((item) => (compare.key as (item: T) => SortKey)(item)));
  const directions = parsed.map(({ descending }) => descending);
  // The stable order as a total one: equal items keep the order they came in.
  const compare = (i: number, j: number): number => {
    for (let c = 0; c < keys.length; c++) {
      const result = compareKeys(keys[c][i], keys[c][j], directions[c]);
      if (result !== 0) return result;
    }
    return tieBreak(items[i], items[j]) || i - j;
  };
  const order = items.map((_, index) => index);
  if (needed * 4 < order.length) {
    // Only a first page is read: select its items, then sort just those.
    selectSmallest(order, needed, compare);
    const head = order.slice(0, needed).sort(compare);
    for (let index = 0; index < needed; index++) order[index] = head[index];
  } else {
    order.sort(compare);
  }
  const sorted = order.map((index) => items[index]);
  for (let index = 0; index < sorted.length; index++) items[index] = sorted[index];
  return items;
}

/**
 * Rearranges `order` so that its first `count` entries are the `count` smallest by `compare` (a
 * total order), in no particular order among themselves (Hoare's selection, middle pivot).
 */
function selectSmallest(order: number[], count: number, compare: (i: number, j: number) => number): void {
  if (count <= 0) return;
  const target = count - 1;
  let low = 0;
  let high = order.length - 1;
  while (low < high) {
    const pivot = order[(low + high) >> 1];
    let i = low;
    let j = high;
    while (i <= j) {
      while (compare(order[i], pivot) < 0) i++;
      while (compare(order[j], pivot) > 0) j--;
      if (i <= j) {
        const swap = order[i];
        order[i] = order[j];
        order[j] = swap;
        i++;
        j--;
      }
    }
    if (target <= j) high = j;
    else if (target >= i) low = i;
    else return;
  }
}

// --- a table's order, kept between lists ------------------------------------------------------

/**
 * A table's rows in one sort order: the rows by insertion position, each criterion's key of each
 * row, and the positions in sorted order. Kept per table and criteria between lists, and checked
 * against the table on every use (the records are changed in place, by many services, without
 * telling anyone).
 */
interface KeptOrder<T> {
  rows: T[];
  keys: SortKey[][];
  /** What each criterion's key was computed from, for each row: checked on each use. */
  sources: unknown[][];
  order: Int32Array;
}

/** Kept orders by table, then by criteria (a table's few most recent). Dropped with their table. */
const keptOrders = new WeakMap<object, Map<string, KeptOrder<unknown>>>();
const KEPT_ORDERS_PER_TABLE = 4;

/**
 * One page of the rows of `table` that `match`, in the order of `criteria` (`field` or `-field`,
 * Postgres NULL order), then `tieBreak`, then insertion order, with how many match: the same page
 * and total as filtering the rows, `sortBy` and `paginate`.
 *
 * The order of all the rows is kept between calls, so a list costs one pass over the rows (is
 * each row still the one at its position, with the keys it was sorted by? does it match?) and a
 * walk of the order until the page is full, instead of a sort. A row added since is merged into
 * the order; a row whose key changed, replaced or removed sorts the table again.
 */
export function pageOfTable<T>(
  table: ReadonlyMap<string, T>,
  criteria: readonly string[],
  criterion: (field: string) => Criterion<T>,
  tieBreak: (a: T, b: T) => number,
  matches: (row: T) => boolean,
  { page, limit }: Page,
): Paginated<T> {
  const parsed = criteria.map((text) => ({
    descending: text.startsWith("-"),
    compare: criterion(text.startsWith("-") ? text.slice(1) : text),
  }));
  const keyOf: ((row: T) => SortKey)[] = [];
  const sourceOf: ((row: T) => unknown)[] = [];
  for (const { compare } of parsed) {
    if (compare.key === undefined) {
      const found = [...table.values()].filter(matches);
      sortBy(found, criteria, criterion, tieBreak, page * limit);
      return paginate(found, { page, limit });
    }
    keyOf.push(compare.key);
    sourceOf.push(compare.source ?? compare.key);
  }
  const directions = parsed.map(({ descending }) => descending);
  let kept = keptOrders.get(table);
  if (kept === undefined) {
    kept = new Map();
    keptOrders.set(table, kept);
  }
  const name = criteria.join(",");
  let order = kept.get(name) as KeptOrder<T> | undefined;

  // One pass: what matches, and whether the kept order still holds for the rows it has.
  const size = table.size;
  const matching = new Uint8Array(size);
  let total = 0;
  let held = order !== undefined && order.rows.length <= size;
  const keptRows = order?.rows ?? [];
  const keptSources = order?.sources ?? [];
  const keptCount = keptRows.length;
  let position = 0;
  for (const row of table.values()) {
    if (held && position < keptCount) {
      if (keptRows[position] !== row) held = false;
      else {
        for (let c = 0; c < sourceOf.length; c++) {
          if (sourceOf[c](row) !== keptSources[c][position]) {
            held = false;
            break;
          }
        }
      }
    }
    if (matches(row)) {
      matching[position] = 1;
      total += 1;
    }
    position += 1;
  }

  if (order === undefined || !held) {
    const rows = [...table.values()];
    const keys = keyOf.map((key) => rows.map(key));
    const sources = sourceOf.map((source) => rows.map(source));
    const positions = new Int32Array(rows.length);
    for (let index = 0; index < positions.length; index++) positions[index] = index;
    order = {
      rows,
      keys,
      sources,
      order: positions.sort(comparePositions(rows, keys, directions, tieBreak)),
    };
  } else if (keptCount < size) {
    // Rows added since: sorted among themselves, then merged into the kept order.
    const { rows, keys, sources } = order;
    let index = 0;
    for (const row of table.values()) {
      if (index >= keptCount) {
        rows.push(row);
        for (let c = 0; c < keyOf.length; c++) {
          keys[c].push(keyOf[c](row));
          sources[c].push(sourceOf[c](row));
        }
      }
      index += 1;
    }
    const compare = comparePositions(rows, keys, directions, tieBreak);
    const added = new Int32Array(size - keptCount);
    for (let index = 0; index < added.length; index++) added[index] = keptCount + index;
    added.sort(compare);
    const merged = new Int32Array(size);
    let a = 0;
    let b = 0;
    for (let index = 0; index < size; index++) {
      if (b >= added.length || (a < order.order.length && compare(order.order[a], added[b]) <= 0)) {
        merged[index] = order.order[a++];
      } else merged[index] = added[b++];
    }
    order.order = merged;
  }
  kept.delete(name);
  kept.set(name, order as KeptOrder<unknown>);
  if (kept.size > KEPT_ORDERS_PER_TABLE) kept.delete(kept.keys().next().value as string);

  const start = (page - 1) * limit;
  const items: T[] = [];
  if (start < total) {
    let seen = 0;
    for (let index = 0; index < order.order.length && items.length < limit; index++) {
      const at = order.order[index];
      if (matching[at] === 0) continue;
      if (seen >= start) items.push(order.rows[at]);
      seen += 1;
    }
  }
  return { items, total };
}

/** Positions compared by the rows' keys, then `tieBreak`, then position: a total order. */
function comparePositions<T>(
  rows: readonly T[],
  keys: readonly SortKey[][],
  directions: readonly boolean[],
  tieBreak: (a: T, b: T) => number,
): (i: number, j: number) => number {
  return (i, j) => {
    for (let c = 0; c < keys.length; c++) {
      const result = compareKeys(keys[c][i], keys[c][j], directions[c]);
      if (result !== 0) return result;
    }
    return tieBreak(rows[i], rows[j]) || i - j;
  };
}

/** An item with its creation order in the organization, for ties between equal timestamps. */
export interface Ranked<T> {
  item: T;
  position: number;
}

/** By creation time, then creation order; both reversed when descending. */
export function byCreation<T extends { created_at: Date }>(
  a: Ranked<T>,
  b: Ranked<T>,
  descending: boolean,
): number {
  const order = a.item.created_at.getTime() - b.item.created_at.getTime() || a.position - b.position;
  return descending ? -order : order;
}

/** The rows that match, each with its creation order among all the rows. */
export function rankMatching<T>(rows: Iterable<T>, matches: (item: T) => boolean): Ranked<T>[] {
  const ranked: Ranked<T>[] = [];
  let position = 0;
  for (const item of rows) {
    if (matches(item)) ranked.push({ item, position });
    position += 1;
  }
  return ranked;
}

/** Ties keep creation order. */
export function byPosition<T>(a: Ranked<T>, b: Ranked<T>): number {
  return a.position - b.position;
}

/** `sorting` as given, or the resource's default when none is. */
export function sortingOr(
  sorting: readonly string[] | undefined,
  fallback: readonly string[],
): readonly string[] {
  return sorting !== undefined && sorting.length > 0 ? sorting : fallback;
}

// --- pagination ------------------------------------------------------------------------------

export const MAX_LIMIT = 100;

export interface Page {
  page: number;
  limit: number;
}

/** `page` and `limit` of a validated query: defaults 1 and 10, a limit over 100 clamped, never refused. */
export function pageOf(query: { page?: number | null; limit?: number | null }): Page {
  const page = typeof query.page === "number" ? query.page : 1;
  const limit = typeof query.limit === "number" ? Math.min(query.limit, MAX_LIMIT) : 10;
  return { page, limit };
}

export interface Paginated<T> {
  items: T[];
  total: number;
}

/** One page of an already filtered and sorted list. */
export function paginate<T>(items: T[], { page, limit }: Page): Paginated<T> {
  const start = (page - 1) * limit;
  return { items: items.slice(start, start + limit), total: items.length };
}

export interface ListEnvelope<W> {
  items: W[];
  pagination: { total_count: number; max_page: number };
}

/** Polar's list envelope around a page. */
export function listEnvelope<T, W>(
  { items, total }: Paginated<T>,
  { limit }: Page,
  serialize: (item: T) => W,
): ListEnvelope<W> {
  return {
    items: items.map(serialize),
    pagination: { total_count: total, max_page: Math.ceil(total / limit) },
  };
}
