/**
 * Postgres `jsonb` keeps an object's keys in its own order, whatever order they were written in:
 * shorter keys first (by their UTF-8 length), then bytewise. Polar reads every JSON column back
 * so, and pydantic serializes a dict in the order it was read.
 */
import { isObject } from "../util/is-object.js";

/** The order of two keys in a jsonb object. */
export function compareJsonbKeys(a: string, b: string): number {
  const left = Buffer.from(a, "utf8");
  const right = Buffer.from(b, "utf8");
  return left.length - right.length || Buffer.compare(left, right);
}

/** An object (and every object inside it) with its keys in jsonb's order. */
export function jsonbOrdered<T>(value: T): T {
  if (Array.isArray(value)) return value.map(jsonbOrdered) as T;
  if (!isObject(value)) return value;
  const keys = Object.keys(value).sort(compareJsonbKeys);
  return Object.fromEntries(keys.map((key) => [key, jsonbOrdered(value[key])])) as T;
}
