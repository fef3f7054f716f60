import { setOwn } from "./own.js";

/**
 * A deep copy of data (plain objects, arrays, Dates, Sets, Maps, primitives), the same as
 * `structuredClone` gives for it but for shared references (each is copied where it is met):
 * own keys in their order (`__proto__` included, as an own key), null-prototype objects copied as
 * plain ones. About ten times faster than `structuredClone` for the small objects (metadata,
 * benefit and grant properties) copied on every event ingested and in every answer that carries
 * them, and for the records a checkpoint copies. Anything else is left to `structuredClone`.
 */
export function cloneData<T>(value: T): T {
  if (typeof value !== "object" || value === null) return value;
  if (Array.isArray(value)) {
    const copy: unknown[] = new Array(value.length);
    for (let index = 0; index < value.length; index++) copy[index] = cloneData(value[index]);
    return copy as T;
  }
  if (value instanceof Date) return new Date(value.getTime()) as T;
  if (value instanceof Map) {
    const copy = new Map<unknown, unknown>();
    for (const [key, item] of value) copy.set(key, cloneData(item));
    return copy as T;
  }
  if (value instanceof Set) {
    const copy = new Set<unknown>();
    for (const item of value) copy.add(cloneData(item));
    return copy as T;
  }
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return structuredClone(value);
  const source = value as Record<string, unknown>;
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(source)) setOwn(copy, key, cloneData(source[key]));
  return copy as T;
}
