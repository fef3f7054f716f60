/**
 * Checkpoints: an organization's state held in memory, to put back after a refused fixture load
 * or on a reset of that organization, and to tell what a load changed. Where a snapshot writes
 * every record as JSON (and reading it back decodes and checks it all), a checkpoint is a copy
 * of the records as the sections capture them (`cloneData`), and putting it back inserts a copy
 * of those records: no JSON, no decoding, nothing to check (the emulator took it itself).
 * See docs/decisions.md ("Checkpoints instead of snapshots inside the process").
 */
import type { Partition } from "../resources/context.js";
import { SNAPSHOT_SECTIONS } from "../resources/index.js";
import type { AccessToken, Organization, Store } from "../store/store.js";
import { cloneData } from "../util/clone.js";
import { isObject } from "../util/is-object.js";
import { runSteps, type Steps } from "../util/steps.js";

export interface Checkpoint {
  readonly organization: Organization;
  readonly tokens: readonly AccessToken[];
  /** Each snapshot section's captured state, by its name (a clone: nothing else holds it). */
  readonly sections: ReadonlyMap<string, unknown>;
}

/** Records one step copies or compares before it may give the loop back. */
const CHUNK = 200;

/** The organization's state now, copied, in steps (nothing may change it in between). */
export function* checkpointSteps(store: Store<Partition>, organizationId: string): Steps<Checkpoint> {
  const partition = store.partition(organizationId);
  const sections = new Map<string, unknown>();
  for (const { name, section } of SNAPSHOT_SECTIONS) {
    const captured: unknown = section.capture(partition);
    if (!Array.isArray(captured)) {
      sections.set(name, cloneData(captured));
      continue;
    }
    const copy: unknown[] = new Array(captured.length);
    for (let index = 0; index < captured.length; index++) {
      copy[index] = cloneData(captured[index]);
      if (index % CHUNK === CHUNK - 1) yield;
    }
    sections.set(name, copy);
  }
  return {
    organization: cloneData(partition.organization),
    tokens: cloneData(store.tokensOf(organizationId)),
    sections,
  };
}

/** The organization's state now, copied at once. */
export function takeCheckpoint(store: Store<Partition>, organizationId: string): Checkpoint {
  return runSteps(checkpointSteps(store, organizationId));
}

/**
 * Puts the organization back as the checkpoint holds it, in steps: a new partition filled with a
 * copy of its records (so the checkpoint can be put back again), and its tokens instead of
 * today's. The new partition replaces the old one at the end, all at once.
 */
export function* restoreCheckpointSteps(store: Store<Partition>, checkpoint: Checkpoint): Steps<Partition> {
  const partition = store.emptyPartition(cloneData(checkpoint.organization));
  for (const { name, section } of SNAPSHOT_SECTIONS) {
    const held = checkpoint.sections.get(name);
    if (!Array.isArray(held)) {
      // Captured by this section itself: the value has the section's type.
      section.restore(partition, cloneData(held) as never);
      continue;
    }
    for (let start = 0; start < held.length || start === 0; start += CHUNK) {
      section.restore(partition, cloneData(held.slice(start, start + CHUNK)) as never);
      yield;
    }
  }
  store.replace(partition, cloneData(checkpoint.tokens));
  return partition;
}

/** Puts the organization back as the checkpoint holds it, at once. */
export function restoreCheckpoint(store: Store<Partition>, checkpoint: Checkpoint): Partition {
  return runSteps(restoreCheckpointSteps(store, checkpoint));
}

/**
 * Whether two values hold the same data: plain objects (own enumerable keys, in any order),
 * arrays, Dates, Sets, Maps and primitives, as a checkpoint and the live records hold them.
 */
export function sameData(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) {
    return typeof a === "number" && typeof b === "number" && Number.isNaN(a) && Number.isNaN(b);
  }
  if (a instanceof Date || b instanceof Date) {
    return a instanceof Date && b instanceof Date && a.getTime() === b.getTime();
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let index = 0; index < a.length; index++) if (!sameData(a[index], b[index])) return false;
    return true;
  }
  if (a instanceof Set || b instanceof Set) {
    if (!(a instanceof Set) || !(b instanceof Set) || a.size !== b.size) return false;
    for (const item of a) if (!b.has(item)) return false;
    return true;
  }
  if (a instanceof Map || b instanceof Map) {
    if (!(a instanceof Map) || !(b instanceof Map) || a.size !== b.size) return false;
    for (const [key, item] of a) if (!b.has(key) || !sameData(item, b.get(key))) return false;
    return true;
  }
  if (!isObject(a) || !isObject(b)) return false;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const key of keys) if (!Object.hasOwn(b, key) || !sameData(a[key], b[key])) return false;
  return true;
}

/**
 * The ids of every record of each collection section that is new or differs since the checkpoint,
 * in the order the organization holds them; in steps.
 */
export function* changedSteps(partition: Partition, checkpoint: Checkpoint): Steps<Map<string, string[]>> {
  const changed = new Map<string, string[]>();
  for (const { name, section } of SNAPSHOT_SECTIONS) {
    if (!("kind" in section)) continue;
    const before = new Map<string, unknown>();
    const held = checkpoint.sections.get(name);
    for (const record of Array.isArray(held) ? held : []) {
      if (isObject(record)) before.set(String(record.id), record);
    }
    const ids: string[] = [];
    const records = section.capture(partition);
    for (let index = 0; index < records.length; index++) {
      const record = records[index];
      if (!sameData(before.get(record.id), record)) ids.push(record.id);
      if (index % CHUNK === CHUNK - 1) yield;
    }
    changed.set(name, ids);
  }
  return changed;
}
