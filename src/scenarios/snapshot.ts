/**
 * Snapshots: the whole state of one organization as a JSON document (its organization, tokens,
 * each resource's sections and the fixture keys, dates as ISO strings), and the way back.
 * Restoring builds a new partition from the document and swaps it in, so the organization then
 * answers every request with the same bytes as when the snapshot was taken.
 *
 * This is the one place that writes records without a service: a snapshot is the store's own
 * state, not something to create. Reading one back is checked whole (shape, then references
 * between records) before anything changes. The sections are the registry's (src/resources).
 */
import {
  array,
  boolean,
  type Decoder,
  date,
  literal,
  type Path,
  type Problem,
  problem,
  record,
  string,
  toJson,
} from "../domain/decode.js";
import type { DecodedSections, Partition } from "../resources/context.js";
import { newPartition, REFERENCE_CHECKS, SNAPSHOT_SECTIONS } from "../resources/index.js";
import type { AccessToken, Organization, Store } from "../store/store.js";
import { isObject } from "../util/is-object.js";
import { runSteps, type Steps } from "../util/steps.js";
import {
  emptyRegistry,
  FIXTURE_SECTIONS,
  type KeyRegistry,
  keysDecoder,
  keysJson,
  sectionOf,
} from "./keys.js";

/** The format marker and version of a snapshot document. */
export const SNAPSHOT_FORMAT = "polar_emulator_snapshot";
export const SNAPSHOT_VERSION = 1;

/** A snapshot as JSON: what `GET /_emulator/organizations/{id}/snapshot` answers. */
export type SnapshotDocument = Record<string, unknown>;

export interface TokenDocument {
  token: string;
  scopes: string[];
  comment: string;
}

/** A snapshot read back: every record, typed, ready to insert. */
export type DecodedSnapshot = DecodedSections & {
  organization: Organization;
  tokens: TokenDocument[];
  /** The fixture keys of the organization (`pro` → the product's id). */
  keys: KeyRegistry;
  /** Each section's decoded value by its name, for the section to restore. */
  sections: ReadonlyMap<string, unknown>;
};

const organizationFields = record<Omit<Organization, "member_model_enabled">>({
  id: string,
  name: string,
  slug: string,
  created_at: date,
});

/** The organization; `member_model_enabled` is written only when it was set (older snapshots lack it). */
const organizationDecoder: Decoder<Organization> = (value, path, problems) => {
  if (!isObject(value) || !Object.hasOwn(value, "member_model_enabled"))
    return organizationFields(value, path, problems);
  const { member_model_enabled, ...rest } = value;
  return {
    ...organizationFields(rest, path, problems),
    member_model_enabled: boolean(member_model_enabled, [...path, "member_model_enabled"], problems),
  };
};

const tokenDecoder = record<TokenDocument>({
  token: (value, path, problems) => {
    if (typeof value === "string" && /^polar_oat_[A-Za-z0-9]{43}$/.test(value)) return value;
    problems.push(
      problem(path, "value_error", "Input should be polar_oat_ followed by 43 letters or digits", value),
    );
    return "";
  },
  scopes: array(string),
  comment: string,
});

// ---------------------------------------------------------------------------------------------
// Taking a snapshot

/**
 * A snapshot's entries in document order: each as JSON, but a section of records, whose records
 * are left as the organization holds them, for the writer to convert (all at once, or in steps).
 */
export type SnapshotPart = { json: unknown } | { records: readonly unknown[] };

export function snapshotParts(
  store: Store<Partition>,
  organizationId: string,
  keys: KeyRegistry = emptyRegistry(),
): [string, SnapshotPart][] {
  const partition = store.partition(organizationId);
  const tokens = store
    .tokensOf(organizationId)
    .map((item) => ({ token: item.token, scopes: [...item.scopes], comment: item.comment }));
  const parts: [string, SnapshotPart][] = [
    [SNAPSHOT_FORMAT, { json: SNAPSHOT_VERSION }],
    ["organization", { json: toJson(partition.organization) }],
    ["tokens", { json: tokens }],
  ];
  for (const { name, section } of SNAPSHOT_SECTIONS) {
    const captured: unknown = section.capture(partition);
    parts.push([name, Array.isArray(captured) ? { records: captured } : { json: toJson(captured) }]);
  }
  parts.push(["keys", { json: keysJson(keys) }]);
  return parts;
}

/** The whole state of one organization, as JSON (with its fixture keys, when it has some). */
export function takeSnapshot(
  store: Store<Partition>,
  organizationId: string,
  keys: KeyRegistry = emptyRegistry(),
): SnapshotDocument {
  const document: SnapshotDocument = {};
  for (const [name, part] of snapshotParts(store, organizationId, keys))
    document[name] = "json" in part ? part.json : part.records.map(toJson);
  return document;
}

// ---------------------------------------------------------------------------------------------
// Reading one back

/** The decoder of a whole document: the format marker, the organization, tokens, sections, keys. */
const documentDecoder: Decoder<DecodedSnapshot> = (document, path, problems) => {
  const value = withEmptySections(document);
  const fields: Record<string, Decoder<unknown>> = {
    [SNAPSHOT_FORMAT]: literal([SNAPSHOT_VERSION]),
    organization: organizationDecoder,
    tokens: array(tokenDecoder),
  };
  for (const { name, section } of SNAPSHOT_SECTIONS) fields[name] = section.decode;
  fields.keys = keysDecoder;
  const decoded = record<Record<string, unknown>>(fields)(value, path, problems);
  const sections = new Map(SNAPSHOT_SECTIONS.map(({ name }) => [name, decoded[name]]));
  // Every field decoded with its section's own decoder: the document has the sections' types.
  return { ...decoded, sections } as unknown as DecodedSnapshot;
};

/**
 * The document with every section it leaves out as an empty partition writes it, and every fixture
 * kind its keys leave out as none: a snapshot taken before a resource existed restores, with none
 * of that resource's records.
 */
function withEmptySections(document: unknown): unknown {
  if (!isObject(document) || !isObject(document.organization)) return document;
  const empty = newPartition({ id: "", name: "", slug: "", created_at: new Date(0) });
  const filled: Record<string, unknown> = { ...document };
  for (const { name, section } of SNAPSHOT_SECTIONS) {
    if (!Object.hasOwn(filled, name)) filled[name] = toJson(section.capture(empty));
  }
  if (isObject(filled.keys)) filled.keys = { ...keysJson(emptyRegistry()), ...filled.keys };
  return filled;
}

/** The records of a collection section, as decoded. */
function recordsOf(decoded: DecodedSnapshot, name: string): unknown[] {
  const value = decoded.sections.get(name);
  return Array.isArray(value) ? value : [];
}

/** Ids unique within each collection, and every record of this organization. */
function collectionIds(decoded: DecodedSnapshot, problems: Problem[]): Map<string, Set<string>> {
  const organizationId = decoded.organization.id;
  const found = new Map<string, Set<string>>();
  for (const { name, section } of SNAPSHOT_SECTIONS) {
    if (!("kind" in section)) continue;
    const ids = new Set<string>();
    recordsOf(decoded, name).forEach((item, index) => {
      if (!isObject(item)) return;
      if (ids.has(String(item.id)))
        problems.push(problem([name, index, "id"], "value_error", `Duplicate ${name} id`, item.id));
      ids.add(String(item.id));
      if (item.organization_id !== organizationId) {
        problems.push(
          problem(
            [name, index, "organization_id"],
            "value_error",
            `Input should be the snapshot's organization id ${organizationId}`,
            item.organization_id,
          ),
        );
      }
    });
    found.set(name, ids);
  }
  return found;
}

/**
 * Ids are global in Polar: a record of the snapshot whose id another organization holds is
 * refused, as a fixture's fixed id is (the organization the snapshot replaces does not count).
 */
function checkGlobalIds(decoded: DecodedSnapshot, store: Store<Partition>, problems: Problem[]): void {
  const organizationId = decoded.organization.id;
  const others = [...store.partitions.values()].filter(
    (partition) => partition.organization.id !== organizationId,
  );
  if (others.length === 0) return;
  for (const { name, section } of SNAPSHOT_SECTIONS) {
    if (!("kind" in section)) continue;
    const singular = name.replace(/s$/, "").replaceAll("_", " ");
    recordsOf(decoded, name).forEach((item, index) => {
      if (!isObject(item) || typeof item.id !== "string") return;
      const id = item.id;
      if (others.some((partition) => section.holds(partition, id)))
        problems.push(
          problem([name, index, "id"], "value_error", `A ${singular} with this id already exists`, id),
        );
    });
  }
}

/** References between records: every id a record names exists in the snapshot. */
function checkReferences(decoded: DecodedSnapshot, store: Store<Partition>, problems: Problem[]): void {
  const collections = collectionIds(decoded, problems);
  const ids = (section: string): ReadonlySet<string> => collections.get(section) ?? new Set();
  const missing = (path: Path, what: string, value: string) =>
    problems.push(problem(path, "value_error", `No ${what} with this id in the snapshot`, value));
  for (const check of REFERENCE_CHECKS) check(decoded, ids, problems, missing);

  for (const section of FIXTURE_SECTIONS) {
    for (const [key, value] of decoded.keys[section.kind]) {
      if (!ids(section.kind).has(value))
        missing(["keys", section.kind, key], sectionOf(section.kind).singular, value);
    }
  }

  const seen = new Set<string>();
  decoded.tokens.forEach((item, index) => {
    const owner = store.tokens.get(item.token)?.organizationId;
    if ((owner !== undefined && owner !== decoded.organization.id) || seen.has(item.token)) {
      problems.push(
        problem(
          ["tokens", index, "token"],
          "value_error",
          "This token belongs to another organization",
          item.token,
        ),
      );
    }
    seen.add(item.token);
  });
}

/**
 * Reads a snapshot document: every problem with its path, or the decoded state. Ids are global in
 * Polar: a record whose id another organization holds is refused (at boot and on a restore alike),
 * so a copy of an organization under another id needs ids of its own.
 */
export function readSnapshot(document: unknown, store: Store<Partition>): SnapshotRead {
  return runSteps(readSnapshotSteps(document, store));
}

export type SnapshotRead = { ok: true; snapshot: DecodedSnapshot } | { ok: false; problems: Problem[] };

/** Records of a section decoded in one step; a longer section is decoded a chunk at a time. */
const CHUNK = 500;

/** readSnapshot in steps: the document without its long sections, each of those in chunks, the checks. */
export function* readSnapshotSteps(document: unknown, store: Store<Partition>): Steps<SnapshotRead> {
  const problems: Problem[] = [];
  if (!isObject(document) || !(SNAPSHOT_FORMAT in document)) {
    problems.push(
      problem(
        [SNAPSHOT_FORMAT],
        "missing",
        `Field required: a snapshot starts with ${SNAPSHOT_FORMAT}: ${SNAPSHOT_VERSION}`,
        document,
      ),
    );
    return { ok: false, problems };
  }
  const long = SNAPSHOT_SECTIONS.filter(({ name, section }) => {
    const value = document[name];
    return "kind" in section && Array.isArray(value) && value.length > CHUNK;
  });
  const head: Record<string, unknown> = { ...document };
  for (const { name } of long) head[name] = [];
  const decoded = documentDecoder(head, [], problems);
  yield;
  for (const { name, section } of long) {
    const records = document[name] as unknown[];
    const all: unknown[] = [];
    for (let start = 0; start < records.length; start += CHUNK) {
      const found: Problem[] = [];
      // A collection's decoder is an array's: each problem's path starts [name, index in the chunk].
      const chunk = section.decode(records.slice(start, start + CHUNK), [name], found) as unknown[];
      for (const record of chunk) all.push(record);
      for (const entry of found) {
        const [, index, ...rest] = entry.path;
        problems.push({ ...entry, path: [name, typeof index === "number" ? start + index : index, ...rest] });
      }
      yield;
    }
    (decoded as unknown as Record<string, unknown>)[name] = all;
    (decoded.sections as Map<string, unknown>).set(name, all);
  }
  if (problems.length === 0) checkReferences(decoded, store, problems);
  yield;
  if (problems.length === 0) checkGlobalIds(decoded, store, problems);
  return problems.length === 0 ? { ok: true, snapshot: decoded } : { ok: false, problems };
}

/**
 * Replaces the organization's state (or adds the organization) with a decoded snapshot: a new
 * partition, filled section by section (tables rebuild their indices), and the snapshot's tokens
 * instead of the old ones.
 */
export function restoreSnapshot(store: Store<Partition>, decoded: DecodedSnapshot): Partition {
  const partition = store.emptyPartition(decoded.organization);
  for (const { name, section } of SNAPSHOT_SECTIONS) {
    // Decoded by this section's own decoder: the value has the section's type.
    section.restore(partition, decoded.sections.get(name) as never);
  }
  const organizationId = decoded.organization.id;
  const tokens: AccessToken[] = decoded.tokens.map((item) => ({
    token: item.token,
    organizationId,
    scopes: new Set(item.scopes),
    comment: item.comment,
  }));
  store.replace(partition, tokens);
  return partition;
}
