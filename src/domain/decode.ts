/**
 * Small typed decoders from parsed JSON to the store's records, used to read snapshots back. A
 * table of decoders for a record must name every key of the record's type (`Fields<T>`), so a
 * field added to the store without a decoder is a type error rather than a silent loss.
 *
 * A decoder never throws: it reports what is wrong (where, and why) and returns a placeholder,
 * so one pass over a document lists every problem.
 */
import { isObject } from "../util/is-object.js";
import { setOwn } from "../util/own.js";

export type Path = (string | number)[];

/** One thing wrong with a document: where (a path inside it), a pydantic-like type, a message. */
export interface Problem {
  path: Path;
  type: string;
  msg: string;
  input: unknown;
  ctx?: Record<string, unknown>;
}

export type Decoder<T> = (value: unknown, path: Path, problems: Problem[]) => T;

/** One decoder per key of `T`, no more, no less. */
export type Fields<T> = { [K in keyof T]-?: Decoder<T[K]> };

export function problem(path: Path, type: string, msg: string, input: unknown): Problem {
  return { path, type, msg, input };
}

/**
 * Reports a value met a second time (or more) at the path given: what must be unique within a
 * snapshot's section (live customers' emails and external ids, seats' invitation tokens). `input`
 * is what the problem shows when the value compared is not it (a lowercased email).
 */
export function uniqueValues(
  problems: Problem[],
  msg: string,
): (path: Path, value: string, input?: unknown) => void {
  const seen = new Set<string>();
  return (path, value, input = value) => {
    if (seen.has(value)) problems.push(problem(path, "value_error", msg, input));
    seen.add(value);
  };
}

/** `/customers/3/email`, as a JSON pointer; `/` for the document itself. */
export function pointer(path: Path): string {
  return path.length === 0 ? "/" : `/${path.map((part) => String(part)).join("/")}`;
}

function fail<T>(problems: Problem[], path: Path, type: string, msg: string, input: unknown): T {
  problems.push(problem(path, type, msg, input));
  return undefined as T;
}

export const string: Decoder<string> = (value, path, problems) =>
  typeof value === "string"
    ? value
    : fail(problems, path, "string_type", "Input should be a valid string", value);

export const boolean: Decoder<boolean> = (value, path, problems) =>
  typeof value === "boolean"
    ? value
    : fail(problems, path, "bool_type", "Input should be a valid boolean", value);

export const number: Decoder<number> = (value, path, problems) =>
  typeof value === "number" && Number.isFinite(value)
    ? value
    : fail(problems, path, "float_type", "Input should be a valid number", value);

export const integer: Decoder<number> = (value, path, problems) =>
  typeof value === "number" && Number.isSafeInteger(value)
    ? value
    : fail(problems, path, "int_type", "Input should be a valid integer", value);

/** A number that may be ±Infinity, written as the strings `"Infinity"` and `"-Infinity"`. */
export const extendedNumber: Decoder<number> = (value, path, problems) => {
  if (value === "Infinity") return Number.POSITIVE_INFINITY;
  if (value === "-Infinity") return Number.NEGATIVE_INFINITY;
  return number(value, path, problems);
};

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

/** An instant written as ISO 8601 with an offset (`2026-01-01T00:00:00.000Z`). */
export const date: Decoder<Date> = (value, path, problems) => {
  if (typeof value === "string" && ISO_INSTANT.test(value)) {
    const parsed = new Date(value);
    if (!Number.isNaN(parsed.getTime())) return parsed;
  }
  return fail(
    problems,
    path,
    "datetime_parsing",
    "Input should be an ISO 8601 date and time with an offset, e.g. 2026-01-01T00:00:00.000Z",
    value,
  );
};

export function nullable<T>(decoder: Decoder<T>): Decoder<T | null> {
  return (value, path, problems) => (value === null ? null : decoder(value, path, problems));
}

export function literal<const T extends string | number>(values: readonly T[]): Decoder<T> {
  return (value, path, problems) => {
    if ((values as readonly unknown[]).includes(value)) return value as T;
    const expected = values.map((item) => (typeof item === "string" ? `'${item}'` : String(item)));
    return fail(problems, path, "enum", `Input should be ${expected.join(", ")}`, value);
  };
}

export function array<T>(decoder: Decoder<T>): Decoder<T[]> {
  return (value, path, problems) => {
    if (!Array.isArray(value))
      return fail(problems, path, "list_type", "Input should be a valid list", value);
    return value.map((item, index) => decoder(item, [...path, index], problems));
  };
}

/** A string-keyed map of values, e.g. `{ "<id>": [0, 3] }`. */
export function dictionary<T>(decoder: Decoder<T>): Decoder<Map<string, T>> {
  return (value, path, problems) => {
    if (!isObject(value) || Array.isArray(value)) {
      return fail(problems, path, "dict_type", "Input should be a valid dictionary", value);
    }
    return new Map(
      Object.entries(value).map(([key, item]) => [key, decoder(item, [...path, key], problems)]),
    );
  };
}

export function set<T>(decoder: Decoder<T>): Decoder<Set<T>> {
  const list = array(decoder);
  return (value, path, problems) => new Set(list(value, path, problems));
}

/** Any JSON value, kept as it is (metadata, benefit properties, meter filters). */
export const json: Decoder<unknown> = (value) => structuredClone(value);

/** A JSON object kept as it is. */
export const jsonObject: Decoder<Record<string, unknown>> = (value, path, problems) =>
  isObject(value) && !Array.isArray(value)
    ? structuredClone(value)
    : fail(problems, path, "dict_type", "Input should be a valid dictionary", value);

/** Metadata: string, number or boolean values. */
export const metadata: Decoder<Record<string, string | number | boolean>> = (value, path, problems) => {
  if (!isObject(value) || Array.isArray(value)) {
    return fail(problems, path, "dict_type", "Input should be a valid dictionary", value);
  }
  for (const [key, item] of Object.entries(value)) {
    if (!["string", "number", "boolean"].includes(typeof item)) {
      problems.push(
        problem([...path, key], "value_error", "Metadata values are strings, numbers or booleans", item),
      );
    }
  }
  return { ...(value as Record<string, string | number | boolean>) };
};

/** An object with exactly the keys of the table: a missing key and an unknown key are both problems. */
export function record<T>(fields: Fields<T>): Decoder<T> {
  const keys = Object.keys(fields) as (keyof T & string)[];
  return (value, path, problems) => {
    if (!isObject(value) || Array.isArray(value)) {
      return fail(problems, path, "model_type", "Input should be a valid dictionary or object", value);
    }
    const result: Partial<T> = {};
    for (const key of keys) {
      if (!Object.hasOwn(value, key)) {
        problems.push(problem([...path, key], "missing", "Field required", value));
        continue;
      }
      result[key] = fields[key](value[key], [...path, key], problems);
    }
    for (const key of Object.keys(value)) {
      if (!Object.hasOwn(fields, key)) {
        problems.push(
          problem([...path, key], "extra_forbidden", "Extra inputs are not permitted", value[key]),
        );
      }
    }
    return result as T;
  };
}

/** A union of records told apart by one key, e.g. prices by `amount_type`. */
export function variants<T>(key: string, decoders: Record<string, Decoder<T>>): Decoder<T> {
  return (value, path, problems) => {
    const tag = isObject(value) ? value[key] : undefined;
    const decoder = typeof tag === "string" && Object.hasOwn(decoders, tag) ? decoders[tag] : undefined;
    if (!decoder) {
      const expected = Object.keys(decoders)
        .map((name) => `'${name}'`)
        .join(", ");
      return fail(
        problems,
        [...path, key],
        "union_tag_invalid",
        `Input tag should be one of ${expected}`,
        tag,
      );
    }
    return decoder(value, path, problems);
  };
}

/**
 * The JSON form of a value the store holds: dates as ISO strings, sets as lists, maps as objects,
 * ±Infinity as strings. Keys keep their order, so the same state gives the same bytes.
 */
export function toJson(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Set) return [...value].map(toJson);
  if (value instanceof Map)
    return Object.fromEntries([...value].map(([key, item]) => [String(key), toJson(item)]));
  if (typeof value === "number" && !Number.isFinite(value)) return String(value);
  if (Array.isArray(value)) return value.map(toJson);
  if (isObject(value)) {
    const result: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      if (item !== undefined) setOwn(result, key, toJson(item));
    }
    return result;
  }
  return value;
}

// --- shorthands for the store's records ------------------------------------------------------

export const id = string;
export const nullableString = nullable(string);
export const nullableDate = nullable(date);
export const nullableInteger = nullable(integer);
export const interval = literal(["day", "week", "month", "year"]);
export const visibility = literal(["draft", "private", "public"]);
