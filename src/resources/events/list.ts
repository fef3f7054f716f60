/**
 * Reading events: `GET /v1/events/`, `GET /v1/events/{id}`, `GET /v1/events/names` and the
 * statistics of `GET /v1/event-types/`, as Polar's event service reads its events store
 * (event/service.py `list`, `get`, `list_names`; event/tinybird_repository.py;
 * integrations/tinybird/service.py; event_type/service.py `list_with_stats`):
 *
 * - The store holds an event once its chain of parents reaches a root (an event without a
 *   parent); until then it is listed nowhere and `GET` answers 404. Each event knows its
 *   ancestors, parent first.
 * - A customer filter (`customer_id`, `external_customer_id`) also takes the external ids of the
 *   live customers it names and the ids of the live customers with the external ids it names,
 *   and matches an event by its own `customer_id` (set only for events ingested with one and for
 *   system events) or its `external_customer_id`.
 * - `start_timestamp` and `end_timestamp` are exclusive. Sorting is by timestamp only, in the
 *   direction of the first criterion; events with the same timestamp keep the order they were
 *   recorded in.
 * - `depth` with `parent_id`: the parent's descendants down to that depth; `depth` alone: events
 *   with at most that many ancestors (0: roots); `parent_id` alone: its children.
 * - `child_count` counts every descendant of a listed event, whatever the filters; `GET` says 0.
 * - Name statistics group by name and source: occurrences, first and last timestamp.
 */
import {
  type Criterion,
  compareKeys,
  type Page,
  type Paginated,
  paginate,
  sortBy,
} from "../../domain/list.js";
import { type Ctx, type Partition, partitionsOf } from "../context.js";
import type { CustomerRecord } from "../customers/table.js";
import type { FilterRecord } from "../meters/table.js";
import {
  containsIgnoringCase,
  filterTest,
  metadataTest,
  numericPropertyTest,
  type StoredEvent,
  storedEvent,
} from "./store-query.js";
import { type EventRecord, isSystemEvent, type UsageTable } from "./table.js";

/** An event as the store holds it: with its ancestors and its place in the recording order. */
export interface Listed extends StoredEvent {
  ancestors: readonly string[];
  /** The order the organization recorded its events in. */
  recorded: number;
}

/** Chains of parents longer than this are not followed (Polar's `_MAX_RESOLVE_DEPTH`). */
const MAX_CHAIN = 100;

/** The event's ancestors, parent first; null while its chain does not reach a root. */
function ancestorsOf(
  partition: Partition,
  event: EventRecord,
  memo: Map<string, readonly string[] | null>,
  depth = 0,
): readonly string[] | null {
  const known = memo.get(event.id);
  if (known !== undefined) return known;
  let result: readonly string[] | null;
  if (isSystemEvent(event) || (event.pending_parent === null && event.parent_id === null)) result = [];
  else if (event.pending_parent !== null || event.parent_id === null || depth >= MAX_CHAIN) result = null;
  else {
    const parent = partition.usage.byId.get(event.parent_id);
    const above = parent === undefined ? null : ancestorsOf(partition, parent, memo, depth + 1);
    result = above === null ? null : [event.parent_id, ...above];
  }
  memo.set(event.id, result);
  return result;
}

/**
 * What the store holds of one organization, built as events arrive: the events it lists, in
 * recording order, and how far into the usage and system events it has read. A parent found
 * (`UsageTable.links` moves) can bring in events that waited: the view is then built again.
 */
interface StoreView {
  links: number;
  usage: number;
  system: number;
  memo: Map<string, readonly string[] | null>;
  listed: Listed[];
}

const views = new WeakMap<UsageTable, StoreView>();

/** Every event of the organization the store holds, in recording order. */
export function storeEvents(partition: Partition): readonly Listed[] {
  const table = partition.usage;
  let view = views.get(table);
  if (view === undefined || view.links !== table.links) {
    view = { links: table.links, usage: 0, system: 0, memo: new Map(), listed: [] };
    views.set(table, view);
  }
  const current = view;
  const add = (event: EventRecord) => {
    const ancestors = ancestorsOf(partition, event, current.memo);
    if (ancestors === null) return;
    current.listed.push(Object.assign(storedEvent(event), { ancestors, recorded: current.listed.length }));
  };
  const { events, systemEvents } = table;
  for (; current.usage < events.length; current.usage++) {
    while (
      current.system < systemEvents.length &&
      systemEvents[current.system].recorded_after <= current.usage
    ) {
      add(systemEvents[current.system]);
      current.system += 1;
    }
    add(events[current.usage]);
  }
  for (; current.system < systemEvents.length; current.system++) add(systemEvents[current.system]);
  return current.listed;
}

/** The `customer_id` the event row has: usage events ingested by external id have none. */
export function rowCustomerId(event: EventRecord): string | null {
  if (isSystemEvent(event)) return event.customer_id;
  return event.external_customer_id === null ? event.customer_id : null;
}

// --- customers --------------------------------------------------------------------------------

export interface CustomerFilter {
  customerIds?: readonly string[];
  externalCustomerIds?: readonly string[];
}

/** The ids and external ids an event may carry to match the filter, in these organizations. */
function customerKeys(
  partitions: readonly Partition[],
  filter: CustomerFilter,
): { ids: Set<string>; externalIds: Set<string> } | null {
  if (filter.customerIds === undefined && filter.externalCustomerIds === undefined) return null;
  const ids = new Set(filter.customerIds ?? []);
  const externalIds = new Set(filter.externalCustomerIds ?? []);
  for (const partition of partitions) {
    for (const id of filter.customerIds ?? []) {
      const customer = partition.customers.live(id);
      if (customer?.external_id != null) externalIds.add(customer.external_id);
    }
    for (const externalId of filter.externalCustomerIds ?? []) {
      const customer = partition.customers.byExternalId.get(externalId);
      if (customer) ids.add(customer.id);
    }
  }
  if (ids.size === 0 && externalIds.size === 0) return null;
  return { ids, externalIds };
}

function matchesCustomer(listed: Listed, keys: { ids: Set<string>; externalIds: Set<string> }): boolean {
  const customerId = rowCustomerId(listed.event);
  if (customerId !== null && keys.ids.has(customerId)) return true;
  const external = isSystemEvent(listed.event) ? null : listed.event.external_customer_id;
  return external !== null && keys.externalIds.has(external);
}

/**
 * Polar's `search_by_query`: the live customers whose id, external id, name, billing name or
 * email contains the text, ignoring case.
 */
function customersMatching(partitions: readonly Partition[], query: string): CustomerRecord[] {
  const matches: CustomerRecord[] = [];
  for (const partition of partitions) {
    for (const customer of partition.customers.values()) {
      if (customer.deleted_at !== null) continue;
      const fields = [
        customer.id,
        customer.external_id,
        customer.name,
        customer.billing_name,
        customer.email,
      ];
      if (fields.some((field) => field !== null && containsIgnoringCase(field, query)))
        matches.push(customer);
    }
  }
  return matches;
}

// --- events -----------------------------------------------------------------------------------

export interface EventFilters extends CustomerFilter {
  organizationIds: string[];
  filters: FilterRecord[];
  startTimestamp?: Date;
  endTimestamp?: Date;
  names?: readonly string[];
  sources?: readonly string[];
  metadata?: Record<string, string[]>;
  query?: string;
  /** A metered aggregation's property the events must hold a number in. */
  numericProperty?: string;
  parentId?: string;
  depth?: number;
}

function eventTest(partitions: readonly Partition[], filters: EventFilters): (listed: Listed) => boolean {
  const tests: ((listed: Listed) => boolean)[] = [];
  const { startTimestamp: start, endTimestamp: end } = filters;
  if (start !== undefined) tests.push((listed) => listed.event.timestamp.getTime() > start.getTime());
  if (end !== undefined) tests.push((listed) => listed.event.timestamp.getTime() < end.getTime());
  const keys = customerKeys(partitions, filters);
  if (keys !== null) tests.push((listed) => matchesCustomer(listed, keys));
  const names = filters.names;
  if (names !== undefined && names.length > 0) tests.push((listed) => names.includes(listed.event.name));
  const sources = filters.sources;
  if (sources !== undefined && sources.length > 0) tests.push((listed) => sources.includes(listed.source));
  for (const filter of filters.filters) tests.push(filterTest(filter));
  if (filters.metadata !== undefined) tests.push(metadataTest(filters.metadata));
  const query = filters.query;
  if (query !== undefined) {
    const matching = customersMatching(partitions, query);
    const ids = new Set(matching.map((customer) => customer.id));
    const externalIds = new Set(
      matching.flatMap((customer) => (customer.external_id === null ? [] : [customer.external_id])),
    );
    tests.push((listed) => {
      if (containsIgnoringCase(listed.event.name, query)) return true;
      if (containsIgnoringCase(listed.source, query) || containsIgnoringCase(listed.text(), query))
        return true;
      const customerId = rowCustomerId(listed.event);
      if (customerId !== null && ids.has(customerId)) return true;
      const external = isSystemEvent(listed.event) ? null : listed.event.external_customer_id;
      return external !== null && externalIds.has(external);
    });
  }
  if (filters.numericProperty !== undefined) tests.push(numericPropertyTest(filters.numericProperty));
  const { depth, parentId } = filters;
  if (depth !== undefined && parentId !== undefined) {
    tests.push((listed) => {
      const at = listed.ancestors.indexOf(parentId);
      return at !== -1 && at + 1 <= depth;
    });
  } else if (depth !== undefined) {
    tests.push((listed) => (depth === 0 ? rootOf(listed) : listed.ancestors.length <= depth));
  } else if (parentId !== undefined) {
    tests.push((listed) => listed.ancestors[0] === parentId);
  }
  return (listed) => tests.every((test) => test(listed));
}

function rootOf(listed: Listed): boolean {
  return listed.ancestors.length === 0;
}

/** An event listed, with the number of its descendants. */
export interface ListedEvent {
  listed: Listed;
  childCount: number;
}

/** The store's events of these organizations, filtered, sorted by timestamp and paginated. */
export function listEvents(
  ctx: Ctx,
  filters: EventFilters,
  descending: boolean,
  page: Page,
): Paginated<ListedEvent> {
  const partitions = partitionsOf(ctx, filters.organizationIds);
  const test = eventTest(partitions, filters);
  const matched: Listed[] = [];
  const descendants = new Map<string, number>();
  for (const partition of partitions) {
    for (const listed of storeEvents(partition)) {
      for (const ancestor of listed.ancestors)
        descendants.set(ancestor, (descendants.get(ancestor) ?? 0) + 1);
      if (test(listed)) matched.push(listed);
    }
  }
  const byTimestamp: Criterion<Listed> = (a, b, desc) =>
    compareKeys(a.event.timestamp.getTime(), b.event.timestamp.getTime(), desc) ||
    (desc ? b.recorded - a.recorded : a.recorded - b.recorded);
  sortBy(matched, [descending ? "-timestamp" : "timestamp"], () => byTimestamp);
  const found = paginate(matched, page);
  return {
    total: found.total,
    items: found.items.map((listed) => ({ listed, childCount: descendants.get(listed.event.id) ?? 0 })),
  };
}

/** One event of these organizations the store holds, or undefined. */
export function findEvent(ctx: Ctx, organizationIds: readonly string[], id: string): Listed | undefined {
  for (const partition of partitionsOf(ctx, organizationIds)) {
    const event = partition.usage.byId.get(id);
    if (event === undefined) continue;
    const ancestors = ancestorsOf(partition, event, new Map());
    return ancestors === null ? undefined : { ...storedEvent(event), ancestors, recorded: 0 };
  }
  return undefined;
}

// --- statistics by name ---------------------------------------------------------------------

export interface NameStats {
  organizationId: string;
  name: string;
  source: "system" | "user";
  occurrences: number;
  firstSeen: Date;
  lastSeen: Date;
}

export interface StatsFilters extends CustomerFilter {
  organizationIds: string[];
  sources?: readonly string[];
  /** A case-insensitive part of the name. */
  nameQuery?: string;
  /** Only events without a parent. */
  rootEvents?: boolean;
  /** Only the children of this event. */
  parentId?: string;
}

/** The sort keys of name statistics (`name`, `first_seen`, `last_seen`, `occurrences`). */
const STATS_KEYS: Record<string, (stats: NameStats) => string | number> = {
  name: (stats) => stats.name,
  first_seen: (stats) => stats.firstSeen.getTime(),
  last_seen: (stats) => stats.lastSeen.getTime(),
  occurrences: (stats) => stats.occurrences,
};

/**
 * Occurrences and first and last timestamps by organization, name and source, ordered by the
 * criteria (`-last_seen` when there are none); ties by name, then source.
 */
export function nameStats(ctx: Ctx, filters: StatsFilters, sorting: readonly string[]): NameStats[] {
  const partitions = partitionsOf(ctx, filters.organizationIds);
  const keys = customerKeys(partitions, filters);
  const groups = new Map<string, NameStats>();
  for (const partition of partitions) {
    for (const listed of storeEvents(partition)) {
      if (keys !== null && !matchesCustomer(listed, keys)) continue;
      if (
        filters.sources !== undefined &&
        filters.sources.length > 0 &&
        !filters.sources.includes(listed.source)
      )
        continue;
      if (filters.nameQuery !== undefined && !containsIgnoringCase(listed.event.name, filters.nameQuery))
        continue;
      if (filters.rootEvents && !rootOf(listed)) continue;
      if (filters.parentId !== undefined && listed.ancestors[0] !== filters.parentId) continue;
      const key = `${partition.organization.id}\u0000${listed.source}\u0000${listed.event.name}`;
      const time = listed.event.timestamp;
      const group = groups.get(key);
      if (group === undefined) {
        groups.set(key, {
          organizationId: partition.organization.id,
          name: listed.event.name,
          source: listed.source,
          occurrences: 1,
          firstSeen: time,
          lastSeen: time,
        });
      } else {
        group.occurrences += 1;
        if (time < group.firstSeen) group.firstSeen = time;
        if (time > group.lastSeen) group.lastSeen = time;
      }
    }
  }
  const criteria = sorting.length > 0 ? sorting : ["-last_seen"];
  const tieBreak = (a: NameStats, b: NameStats) =>
    compareKeys(a.name, b.name, false) || compareKeys(a.source, b.source, false);
  return sortBy(
    [...groups.values()],
    criteria,
    (field) => (a, b, descending) => compareKeys(STATS_KEYS[field](a), STATS_KEYS[field](b), descending),
    tieBreak,
  );
}
