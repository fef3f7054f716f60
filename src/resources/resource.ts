/**
 * What a resource is: one Polar resource's operations, state, rules and scenario support, in one
 * folder, described by one value. The registry (index.ts) lists them; every "for each resource"
 * of the emulator (handler registration, scopes, tables, model rules, snapshot sections, fixture
 * sections, counts, webhook subjects) is read from it. docs/adding-a-resource.md walks through one.
 */

import { array, type Decoder, type Path, type Problem } from "../domain/decode.js";
import type { DomainEventType } from "../domain/events.js";
import type { ApiVersion } from "../domain/versions.js";
import type { QueryRule } from "../pydantic/rules.js";
import type { ModelRules } from "../pydantic/walker.js";
import type { Ctx, DecodedSections, Partition, PartitionTables } from "./context.js";
import type { FixtureSection } from "./fixture.js";
import type { ApiOperationId, ControlOperationId, Handlers, HiddenRoute } from "./operation.js";
import type { Services } from "./services.js";

/** How the request pipeline validates a resource's operations beyond their JSON Schema. */
export interface Validation {
  /** Polar's model rules (component name → rule), applied by the walker to API and fixture bodies. */
  rules?: ModelRules;
  /** Operations whose body the walker validates (pydantic's errors) instead of ajv's translation. */
  walked?: readonly ApiOperationId[];
  /** pydantic names a callable discriminator in its message (`_customer_create_type()`). */
  tagFunctions?: Partial<Record<ApiOperationId, string>>;
  /** pydantic "before" validators that change a body before it is checked, by operation. */
  before?: Partial<Record<ApiOperationId, (body: unknown) => void>>;
  /** Query parameters pydantic reads as `AwareDatetime` (a datetime without a zone is refused). */
  awareDatetimeQuery?: Partial<Record<ApiOperationId, readonly string[]>>;
  /** Other checks of query parameters beyond their JSON Schema, by operation and parameter. */
  queryRules?: Partial<Record<ApiOperationId, Record<string, QueryRule>>>;
  /** Checks Polar makes before it validates the parameters and the body (a dependency's 404). */
  guards?: Partial<
    Record<ApiOperationId, (call: { organizationId: string; params: Record<string, string> }) => void>
  >;
}

/** One section of a snapshot document: a table's records, written as JSON and read back. */
export interface SnapshotSection<T> {
  decode: Decoder<T>;
  /**
   * The section's state as `restore` takes it: the live records, not copies (a snapshot writes
   * them as JSON, a checkpoint clones them).
   */
  capture(partition: Partition): T;
  restore(partition: Partition, value: T): void;
}

/** A section that is a list of records with ids (checked for duplicates and their organization). */
export interface CollectionSection<R extends { id: string }> extends SnapshotSection<R[]> {
  kind: "collection";
  /** How many records the organization holds (the control plane's counts). */
  count(partition: Partition): number;
  /** Whether the organization holds a record with this id (ids are global: a restore checks the others). */
  holds(partition: Partition, id: string): boolean;
  /** The record as the API shows it: what a fixture load reports as changed (else it reports a count). */
  serialize?(partition: Partition, id: string): unknown;
}

export type AnySection = SnapshotSection<unknown> | CollectionSection<{ id: string }>;

/** A section of records with ids is a collection (counted, its changes reported), else a plain section. */
type SectionOf<T> = T extends (infer R extends { id: string })[] ? CollectionSection<R> : SnapshotSection<T>;

/** The sections a resource writes, by their name in the document (declared in its `snapshot.ts`). */
export type Sections = { [K in keyof DecodedSections]?: SectionOf<DecodedSections[K]> };

/** Checks a decoded snapshot's references from this resource's records to others'. */
export type ReferenceCheck = (
  decoded: DecodedSections,
  ids: (section: string) => ReadonlySet<string>,
  problems: Problem[],
  missing: (path: Path, what: string, value: string) => void,
) => void;

/** An object a webhook event can be about, as it is now (the control plane's "send this webhook"). */
export interface Subject {
  customerId: string | null;
  data: () => unknown;
}

export interface Resource<Api extends ApiOperationId = never, Control extends ControlOperationId = never> {
  /** The folder's name (`customers`, `customer-meters`). */
  readonly name: string;
  /** The scopes an organization token can hold for it (`customers:read`, `customers:write`). */
  readonly scopes?: readonly string[];
  /** What each organization holds of it (declared in its `table.ts`). */
  readonly tables?: () => Partial<PartitionTables>;
  /** Its operations of Polar's API. */
  readonly handlers?: (services: Services) => Handlers<Api>;
  /** Its control-plane verbs (spec/emulator.yaml). */
  readonly control?: (services: Services) => Handlers<Control>;
  readonly validation?: Validation;
  /** Its routes Polar's document leaves out (a checkout link's redirect). */
  readonly hidden?: readonly HiddenRoute[];
  /** Its top-level section of a fixture (`meters:`, `customers:`), checked and applied. */
  readonly fixture?: FixtureSection<object>;
  /** Its sections of a snapshot document, in document order. */
  readonly snapshot?: { sections: Sections; references?: ReferenceCheck };
  /**
   * The webhook events about its objects (their prefix, `customer.` for `customer.updated`) and
   * how to find such an object now.
   */
  readonly events?: {
    prefix: string;
    subject(partition: Partition, type: DomainEventType, id: string, ctx: Ctx): Subject | undefined;
  };
  /**
   * How a later API version answers its objects (spec/changes.yaml, `versions`): from version
   * `since` on, each object of an answer or a webhook payload as that version has it, or undefined
   * when it is the same. Answers in earlier versions are not walked at all.
   */
  readonly versioned?: {
    since: ApiVersion;
    render(node: Record<string, unknown>, version: ApiVersion): Record<string, unknown> | undefined;
  };
}

/** A resource definition, with its type parameters inferred. */
export function defineResource<
  Api extends ApiOperationId = never,
  Control extends ControlOperationId = never,
>(resource: Resource<Api, Control>): Resource<Api, Control> {
  return resource;
}

/**
 * A collection section over one of the partition's tables: saved as its records in order,
 * restored by inserting them (which rebuilds the table's indices).
 */
export function collection<R extends { id: string }>(options: {
  table: (partition: Partition) => {
    values(): IterableIterator<R>;
    get(id: string): R | undefined;
    insert(row: R): unknown;
    readonly size: number;
  };
  decode: Decoder<R>;
  serialize: (partition: Partition, record: R) => unknown;
}): CollectionSection<R> {
  return {
    kind: "collection",
    decode: array(options.decode),
    capture: (partition) => [...options.table(partition).values()],
    restore: (partition, records) => {
      const table = options.table(partition);
      for (const record of records) table.insert(record);
    },
    count: (partition) => options.table(partition).size,
    holds: (partition, id) => options.table(partition).get(id) !== undefined,
    serialize: (partition, id) => {
      const record = options.table(partition).get(id);
      if (record === undefined) throw new Error(`[polar-emulator] ${id} vanished`);
      return options.serialize(partition, record);
    },
  };
}
