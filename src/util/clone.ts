import { setOwn } from "./own.js";

/**
 * A deep copy of JSON data (plain objects, arrays, primitives), the same as `structuredClone`
 * gives for it: own keys in their order (`__proto__` included, as an own key), null-prototype
 * objects copied as plain ones. About ten times faster than `structuredClone` for the small
 * objects (metadata, benefit and grant properties) copied on every event ingested and in every
 * answer that carries them. Anything else (a Date, a Map) is left to `structuredClone`.
 */
export function cloneJson<T>(value: T): T {
  if (typeof value !== "object" || value === null) return value;
  if (Array.isArray(value)) {
    const copy: unknown[] = new Array(value.length);
    for (let index = 0; index < value.length; index++) copy[index] = cloneJson(value[index]);
    return copy as T;
  }
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return structuredClone(value);
  const source = value as Record<string, unknown>;
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(source)) setOwn(copy, key, cloneJson(source[key]));
  return copy as T;
}
