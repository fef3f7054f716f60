/** What validating one value gave, the checks of scalars that need no schema walk, and the small Python facts they rely on. */
import type { ValidationDetail } from "../errors.js";
import { isObject } from "../util/is-object.js";
import { decimalProblem, parseDecimal } from "./decimal.js";
import { boundProblem, DECIMAL_PARSING, DECIMAL_TYPE, type Described, expectedOneOf } from "./messages.js";

/** What validating a value gave: errors, or the value pydantic would hand on (coerced). */
export interface Outcome {
  errors: ValidationDetail[];
  value: unknown;
  /** The value was taken as it is (no coercion): pydantic's smart unions prefer such a member. */
  exact: boolean;
  /** The value holds a NUL character outside nested models (what Polar's `Schema` refuses). */
  nul: boolean;
}

export type Loc = (string | number)[];

export const NUL_CHARACTERS = "This value contains invalid characters";

/** Python's `str.strip()`: Unicode whitespace, which is not quite JavaScript's `trim()`. */
const PYTHON_WHITESPACE =
  "[\\t\\n\\x0b\\x0c\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]";
const PYTHON_STRIP = new RegExp(`^${PYTHON_WHITESPACE}+|${PYTHON_WHITESPACE}+$`, "g");

export function pythonStrip(text: string): string {
  return text.replace(PYTHON_STRIP, "");
}

/** Python's `len()` of a string: code points. */
export function pythonLength(text: string): number {
  return [...text].length;
}

/** Appends many errors: a spread would pass them as arguments, which overflows the stack for a big body. */
export function append(target: ValidationDetail[], items: readonly ValidationDetail[]): void {
  for (const item of items) target.push(item);
}

export function ok(value: unknown, exact = true, nul = false): Outcome {
  return { errors: [], value, exact, nul };
}

export function fail(described: Described, loc: Loc, input: unknown): Outcome {
  const detail: ValidationDetail = { type: described.type, loc, msg: described.msg, input };
  if (described.ctx !== undefined) detail.ctx = described.ctx;
  return { errors: [detail], value: input, exact: false, nul: false };
}

/** Python's `==` between a decoded JSON value and a literal: `1 == True`, `1.0 == 1`. */
export function pythonEquals(a: unknown, b: unknown): boolean {
  const number = (value: unknown) => (typeof value === "boolean" ? Number(value) : value);
  if (typeof a === "boolean" || typeof b === "boolean") {
    return typeof number(a) === "number" && number(a) === number(b);
  }
  return a === b;
}

/** Python's `==` between two decoded JSON values: dicts and lists by content, `1 == 1.0 == True`. */
export function pythonDeepEquals(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) || Array.isArray(b)) {
    return (
      Array.isArray(a) &&
      Array.isArray(b) &&
      a.length === b.length &&
      a.every((item, index) => pythonDeepEquals(item, b[index]))
    );
  }
  if (isObject(a) || isObject(b)) {
    if (!isObject(a) || !isObject(b)) return false;
    const keys = Object.keys(a);
    return (
      keys.length === Object.keys(b).length &&
      keys.every((key) => Object.hasOwn(b, key) && pythonDeepEquals(a[key], b[key]))
    );
  }
  return pythonEquals(a, b);
}

/** A `Literal[...]`; `repr` names the expected values when they are not plain literals (Enum members). */
export function literalOutcome(
  values: unknown[],
  data: unknown,
  loc: Loc,
  repr?: (value: unknown) => string,
): Outcome {
  const match = values.find((value) => pythonEquals(value, data));
  if (match !== undefined) return ok(match, match === data);
  return fail(expectedOneOf("literal_error", values, repr), loc, data);
}

export function numberOutcome(
  schema: Record<string, unknown>,
  result: { value: number } | Described,
  data: unknown,
  loc: Loc,
): Outcome {
  if (!("value" in result)) return fail(result, loc, data);
  const value = result.value;
  // pydantic-core checks le, lt, ge, then gt.
  const bounds: [string, (limit: number) => boolean][] = [
    ["maximum", (limit) => value <= limit],
    ["exclusiveMaximum", (limit) => value < limit],
    ["minimum", (limit) => value >= limit],
    ["exclusiveMinimum", (limit) => value > limit],
  ];
  for (const [keyword, holds] of bounds) {
    const limit = schema[keyword];
    if (typeof limit === "number" && !holds(limit)) return fail(boundProblem(keyword, limit), loc, data);
  }
  return ok(value, value === data);
}

export function decimalOutcome(
  limits: { maxDigits: number; decimalPlaces: number; gt: boolean },
  data: unknown,
  loc: Loc,
): Outcome {
  if (typeof data !== "number" && typeof data !== "string") return fail(DECIMAL_TYPE, loc, data);
  const parsed = parseDecimal(data);
  if (parsed === null) return fail(DECIMAL_PARSING, loc, data);
  const problem = decimalProblem(parsed, limits);
  if (problem && (problem.type !== "greater_than" || limits.gt)) return fail(problem, loc, data);
  const value = typeof data === "string" ? data.trim() : data;
  return ok(value, value === data);
}
