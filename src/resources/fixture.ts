/**
 * What a resource's fixture section sees of the loader (src/scenarios): the checker, which looks
 * at a whole fixture before anything changes and collects every problem with its path, and the
 * applier, which creates the records through the resource's own service on a clock that walks
 * through the fixture's dates. A resource's `fixture.ts` says how its entries are checked and
 * applied; the format is `Fixture` in spec/emulator.yaml, described in docs/fixtures.md.
 */
import type { Path } from "../domain/decode.js";
import type { components } from "../generated/emulator.js";
import type { FixedClock } from "../util/clock.js";
import { isObject } from "../util/is-object.js";
import type { Ctx, Partition } from "./context.js";

export type FixtureSchemas = components["schemas"];

/** The kinds of object a fixture defines keys for (`product: pro`). */
export type FixtureKind =
  | "meters"
  | "benefits"
  | "products"
  | "discounts"
  | "customers"
  | "checkouts"
  | "checkout_links";

/** What the checker knows of an existing object a fixture refers to. */
export interface RefInfo {
  /** For a product: the shortest length of its period in days, null for a one-time product. */
  periodDays?: number | null;
}

export interface FixtureChecker {
  readonly partition: Partition;
  /** The time relative dates count from. */
  readonly reference: Date;
  add(path: Path, type: string, msg: string, input: unknown): void;
  /** A fixture date, or a problem at `path`. */
  date(value: string | undefined, path: Path): Date | undefined;
  /** A key the fixture defines; `strict` is false for an implicit key (a customer's external id or email). */
  defineKey(kind: FixtureKind, key: string | undefined, path: Path, strict?: boolean, info?: RefInfo): void;
  /** A fixed id, not taken in the organization or earlier in the fixture. */
  fixedId(kind: FixtureKind | "subscriptions", id: unknown, path: Path): void;
  /** A reference to a key or an existing id, or a problem that lists the known keys. */
  ref(kind: FixtureKind, ref: string, path: Path): RefInfo | undefined;
  /**
   * A create body against Polar's model, validated as the API validates it; unknown top-level
   * keys are refused, those of `keys` (a model) or else of the branch a discriminator picks.
   */
  body(model: string, body: Record<string, unknown>, path: Path, keys?: string): void;
  /** `meter: <key>` and `meter_id` in one object: exactly one of them, and the key known. */
  meterRef(item: unknown, path: Path): void;
  /** Counts the renewals a subscription will take to come up to date (a request's budget). */
  renewals(count: number): void;
}

export interface FixtureApplier {
  readonly ctx: Ctx;
  readonly clock: FixedClock;
  readonly organizationId: string;
  readonly partition: Partition;
  readonly reference: Date;
  /** `reference + offset` (milliseconds). */
  at(offset: number): Date;
  /** A fixture date (already checked), relative to the reference. */
  date(text: string | undefined): Date | undefined;
  /** The next catalog time (entries are a minute apart), or the entry's own date. */
  catalogDate(text: string | undefined): Date;
  /** The id a reference names: a key of this fixture or of earlier ones, or an id. */
  id(kind: FixtureKind, ref: string): string;
  define(kind: FixtureKind, key: string | undefined, id: string): void;
  /** Refuses the fixture with one problem at `path` (throws). */
  refuse(path: Path, msg: string, input: unknown): never;
  /** Runs a service call; a refusal becomes a problem at `path`. */
  domain<T>(path: Path, body: unknown, call: () => T): T;
  /** The body as the model hands it on (the walker's coercions), for models the API walks. */
  coerce<T>(model: string, body: Record<string, unknown>): T;
}

/** One kind of top-level fixture entry (`meters:`, `products:`, …) and how it is loaded. */
export interface FixtureSection<Entry extends object> {
  kind: FixtureKind;
  /** `product`, for messages. */
  singular: string;
  /** Fields a fixture adds to Polar's create body; they are not sent to the service. */
  fields: readonly string[];
  /** The key an entry is known by, and whether it was given (`key:`) or implied. */
  keyOf(entry: Entry): { key: string | undefined; explicit: boolean };
  /** What a reference to a key of this section says (products: the period length). */
  info?(entry: Entry): RefInfo;
  /** An existing object of the organization a reference may name (customers: live ones). */
  lookup(partition: Partition, id: string): RefInfo | undefined;
  /** Whether the organization holds an object with this id at all (fixed ids must be new). */
  holds(partition: Partition, id: string): boolean;
  check(checker: FixtureChecker, entries: readonly Entry[]): void;
  apply(applier: FixtureApplier, entries: readonly Entry[]): void;
}

/**
 * A section as the registry holds it. The loader hands each section the entries of its kind from
 * a fixture checked against `Fixture` (spec/emulator.yaml), so they have the section's shape.
 */
export function fixtureSection<Entry extends object>(section: FixtureSection<Entry>): FixtureSection<object> {
  return section as unknown as FixtureSection<object>;
}

/** The body to send to the service: the fixture's own fields removed. */
export function stripFixtureFields(fields: readonly string[], entry: object): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(entry)) {
    if (!fields.includes(name)) body[name] = value;
  }
  return body;
}

/** A valid UUID v4 that stands for a meter id while a body is checked against Polar's schema. */
export const PLACEHOLDER_ID = "00000000-0000-4000-8000-000000000000";

/** Replaces `meter: <key>` by `meter_id` in a price or in meter-credit properties. */
export function withMeterId(item: unknown, meterId: (ref: string) => string): unknown {
  if (!isObject(item) || typeof item.meter !== "string") return item;
  const { meter, ...rest } = item;
  return { ...rest, meter_id: meterId(meter) };
}

/** Renewals a fixture may need to bring one subscription up to date; more is surely a mistake. */
export const MAX_RENEWALS = 1000;

/** Usage events one fixture may ingest (`count` adds up); more would hold the server for long. */
export const MAX_EVENTS = 100_000;

/**
 * What one control-plane request may load (`POST /_emulator/organizations/{id}/fixtures`): a load
 * is one synchronous, all-or-nothing change, so its size is how long every other request waits
 * (issue 13: ~100 ms at most; `npm run bench:amplifiers` measures it). Generated customers cost
 * about 0.3 ms each with their subscriptions, events about 25 µs. Boot fixtures, `--customers`
 * and the in-process `loadFixture()` keep the fixture's own bounds (10,000 customers, 100,000
 * events): nothing else is waiting on them.
 */
export const REQUEST_MAX_GENERATED = 200;
export const REQUEST_MAX_EVENTS = 2_500;
/** Renewals in all (about 0.3 ms each: 990 of one subscription held the loop 318 ms). */
export const REQUEST_MAX_RENEWALS = 300;

export const SECOND = 1000;
export const HOUR = 60 * 60 * SECOND;
export const DAY = 24 * HOUR;

/** The shortest a period of this interval can be, in days; null for a one-time product. */
export function periodDays(interval: unknown, count: unknown): number | null {
  const days: Record<string, number> = { day: 1, week: 7, month: 28, year: 365 };
  if (typeof interval !== "string" || !(interval in days)) return null;
  return days[interval] * (typeof count === "number" && count > 0 ? count : 1);
}
