/**
 * The message catalogue: each ajv error keyword worded as pydantic words it (type, msg, ctx).
 * Used by pydantic-errors.ts once it has picked the errors pydantic would report.
 */
import type { ErrorObject } from "ajv";
import { emailProblem } from "../domain/email.js";
import type { ValidationDetail } from "../errors.js";
import { isObject } from "../util/is-object.js";
import { uuid4Problem } from "./uuid.js";

type Json = unknown;

export type Described = Omit<ValidationDetail, "loc" | "input">;

/** pydantic's numeric bounds: error type, wording and ctx key, by JSON Schema keyword. */
const BOUNDS: Record<string, [string, string, string]> = {
  exclusiveMinimum: ["greater_than", "greater than", "gt"],
  minimum: ["greater_than_equal", "greater than or equal to", "ge"],
  exclusiveMaximum: ["less_than", "less than", "lt"],
  maximum: ["less_than_equal", "less than or equal to", "le"],
};

function quoteList(values: unknown[]): string {
  const quoted = values.map((value) => (typeof value === "string" ? `'${value}'` : String(value)));
  if (quoted.length <= 1) return quoted.join("");
  return `${quoted.slice(0, -1).join(", ")} or ${quoted[quoted.length - 1]}`;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}

function typeError(expected: string, data: Json, parentSchema: unknown): Described {
  const fromString = typeof data === "string";
  switch (expected) {
    case "string":
      return { type: "string_type", msg: "Input should be a valid string" };
    case "integer":
      if (fromString)
        return {
          type: "int_parsing",
          msg: "Input should be a valid integer, unable to parse string as an integer",
        };
      if (typeof data === "number")
        return {
          type: "int_from_float",
          msg: "Input should be a valid integer, got a number with a fractional part",
        };
      return { type: "int_type", msg: "Input should be a valid integer" };
    case "number":
      if (fromString)
        return {
          type: "float_parsing",
          msg: "Input should be a valid number, unable to parse string as a number",
        };
      return { type: "float_type", msg: "Input should be a valid number" };
    case "boolean":
      if (fromString)
        return { type: "bool_parsing", msg: "Input should be a valid boolean, unable to interpret input" };
      return { type: "bool_type", msg: "Input should be a valid boolean" };
    case "array":
      return { type: "list_type", msg: "Input should be a valid list" };
    case "object":
      if (isObject(parentSchema) && parentSchema.properties !== undefined) {
        return {
          type: "model_attributes_type",
          msg: "Input should be a valid dictionary or object to extract fields from",
        };
      }
      return { type: "dict_type", msg: "Input should be a valid dictionary" };
    default:
      return { type: `${expected}_type`, msg: `Input should be a valid ${expected}` };
  }
}

/** One ajv error as pydantic would word it; null for errors pydantic has no counterpart for. */
export function describeError(error: ErrorObject): Described | null {
  const params = error.params as Record<string, unknown>;
  const data = error.data as Json;
  switch (error.keyword) {
    case "required":
      return { type: "missing", msg: "Field required" };
    case "type":
      return typeError(
        String(Array.isArray(params.type) ? params.type[0] : params.type),
        data,
        error.parentSchema,
      );
    case "enum": {
      const expected = quoteList(Array.isArray(params.allowedValues) ? params.allowedValues : []);
      // An Enum class is a component with a title; an untitled enum in a union (`Literal[...] |
      // None`, as Polar's optional query parameters are) is a Literal.
      const titled = isObject(error.parentSchema) && error.parentSchema.title !== undefined;
      const literal = !titled && error.schemaPath.includes("/anyOf/");
      return {
        type: literal ? "literal_error" : "enum",
        msg: `Input should be ${expected}`,
        ctx: { expected },
      };
    }
    case "const": {
      const expected = quoteList([params.allowedValue]);
      return { type: "literal_error", msg: `Input should be ${expected}`, ctx: { expected } };
    }
    case "maxLength":
      return {
        type: "string_too_long",
        msg: `String should have at most ${plural(Number(params.limit), "character")}`,
        ctx: { max_length: params.limit },
      };
    case "minLength":
      return {
        type: "string_too_short",
        msg: `String should have at least ${plural(Number(params.limit), "character")}`,
        ctx: { min_length: params.limit },
      };
    case "maxProperties":
    case "maxItems": {
      const fieldType = error.keyword === "maxItems" ? "List" : "Dictionary";
      const actual = Array.isArray(data) ? data.length : isObject(data) ? Object.keys(data).length : 0;
      return {
        type: "too_long",
        msg: `${fieldType} should have at most ${plural(Number(params.limit), "item")} after validation, not ${actual}`,
        ctx: { field_type: fieldType, max_length: params.limit, actual_length: actual },
      };
    }
    case "minItems":
    case "minProperties": {
      const fieldType = error.keyword === "minItems" ? "List" : "Dictionary";
      const actual = Array.isArray(data) ? data.length : isObject(data) ? Object.keys(data).length : 0;
      return {
        type: "too_short",
        msg: `${fieldType} should have at least ${plural(Number(params.limit), "item")} after validation, not ${actual}`,
        ctx: { field_type: fieldType, min_length: params.limit, actual_length: actual },
      };
    }
    case "exclusiveMinimum":
    case "minimum":
    case "exclusiveMaximum":
    case "maximum": {
      const [type, words, key] = BOUNDS[error.keyword];
      return { type, msg: `Input should be ${words} ${params.limit}`, ctx: { [key]: params.limit } };
    }
    case "pattern":
      return {
        type: "string_pattern_mismatch",
        msg: `String should match pattern '${params.pattern}'`,
        ctx: { pattern: params.pattern },
      };
    case "additionalProperties":
      return { type: "extra_forbidden", msg: "Extra inputs are not permitted" };
    case "format":
      return describeFormat(String(params.format), data);
    default:
      return null;
  }
}

function describeFormat(format: string, data: Json): Described {
  const text = String(data);
  if (format === "uuid4" || format === "uuid") {
    const problem = uuid4Problem(text);
    if (problem) return problem;
  }
  if (format === "email") {
    const reason = emailProblem(text) ?? "The email address is not valid.";
    return { type: "value_error", msg: `value is not a valid email address: ${reason}`, ctx: { reason } };
  }
  if (format === "date-time") {
    return {
      type: "datetime_from_date_parsing",
      msg: "Input should be a valid datetime or date, invalid character in year",
      ctx: { error: "invalid character in year" },
    };
  }
  return {
    type: "value_error",
    msg: `Value error, not a valid ${format}`,
    ctx: { error: `not a valid ${format}` },
  };
}

// --- Python's spellings, for messages that quote a value ------------------------------------

/** Python's `repr()` of a float, from its JS number: `5.5`, `1e+16`, `1e-05`, `inf`. */
function pythonFloatRepr(value: number): string {
  if (Number.isNaN(value)) return "nan";
  if (!Number.isFinite(value)) return value > 0 ? "inf" : "-inf";
  const magnitude = Math.abs(value);
  if (magnitude !== 0 && (magnitude >= 1e16 || magnitude < 1e-4)) {
    const [mantissa, exponent] = value.toExponential().split("e");
    const sign = exponent.startsWith("-") ? "-" : "+";
    return `${mantissa}e${sign}${exponent.replace(/^[+-]/, "").padStart(2, "0")}`;
  }
  return String(value);
}

/** Python's `repr()` of a decoded JSON value (JSON numbers without a fraction are ints). */
export function pythonRepr(value: Json): string {
  if (value === null || value === undefined) return "None";
  if (value === true) return "True";
  if (value === false) return "False";
  if (typeof value === "number") return Number.isInteger(value) ? String(value) : pythonFloatRepr(value);
  if (typeof value === "string") {
    const quote = value.includes("'") && !value.includes('"') ? '"' : "'";
    const escaped = [...value]
      .map((char) => {
        if (char === "\\") return "\\\\";
        if (char === quote) return `\\${quote}`;
        if (char === "\n") return "\\n";
        if (char === "\r") return "\\r";
        if (char === "\t") return "\\t";
        const code = char.codePointAt(0) ?? 0;
        if (code < 0x20 || code === 0x7f) return `\\x${code.toString(16).padStart(2, "0")}`;
        return char;
      })
      .join("");
    return `${quote}${escaped}${quote}`;
  }
  if (Array.isArray(value)) return `[${value.map(pythonRepr).join(", ")}]`;
  if (isObject(value)) {
    return `{${Object.entries(value)
      .map(([key, item]) => `${pythonRepr(key)}: ${pythonRepr(item)}`)
      .join(", ")}}`;
  }
  return String(value);
}

/** Python's `str()` of a decoded JSON value: a string as it is, anything else as its repr. */
export function pythonStr(value: Json): string {
  return typeof value === "string" ? value : pythonRepr(value);
}

// --- pydantic-core's errors, as the model walker (pydantic-errors.ts) reports them ----------

export const MISSING: Described = { type: "missing", msg: "Field required" };
export const EXTRA_FORBIDDEN: Described = { type: "extra_forbidden", msg: "Extra inputs are not permitted" };
export const NONE_REQUIRED: Described = { type: "none_required", msg: "Input should be None" };
export const LIST_TYPE: Described = { type: "list_type", msg: "Input should be a valid list" };
export const DICT_TYPE: Described = { type: "dict_type", msg: "Input should be a valid dictionary" };
export const MODEL_ATTRIBUTES_TYPE: Described = {
  type: "model_attributes_type",
  msg: "Input should be a valid dictionary or object to extract fields from",
};
export const STRING_TYPE: Described = { type: "string_type", msg: "Input should be a valid string" };
export const UUID_TYPE: Described = {
  type: "uuid_type",
  msg: "UUID input should be a string, bytes or UUID object",
};
export const DECIMAL_TYPE: Described = {
  type: "decimal_type",
  msg: "Decimal input should be an integer, float, string or Decimal object",
};
export const DECIMAL_PARSING: Described = { type: "decimal_parsing", msg: "Input should be a valid decimal" };

/** A `ValueError` raised by a validator: pydantic prefixes it, and its ctx (an exception) dumps as `{}`. */
export function valueError(message: string): Described {
  return { type: "value_error", msg: `Value error, ${message}`, ctx: { error: {} } };
}

/** `Literal[...]` (literal_error) or an Enum class (enum): `Input should be 'a', 'b' or 'c'`. */
export function expectedOneOf(type: "literal_error" | "enum", values: Json[]): Described {
  const expected = quoteLiterals(values);
  return { type, msg: `Input should be ${expected}`, ctx: { expected } };
}

function quoteLiterals(values: Json[]): string {
  const quoted = values.map(pythonRepr);
  if (quoted.length <= 1) return quoted.join("");
  return `${quoted.slice(0, -1).join(", ")} or ${quoted[quoted.length - 1]}`;
}

/** A numeric bound by its JSON Schema keyword (minimum → ge, exclusiveMinimum → gt, ...). */
export function boundProblem(keyword: string, limit: number): Described {
  const [type, words, key] = BOUNDS[keyword];
  return { type, msg: `Input should be ${words} ${limit}`, ctx: { [key]: limit } };
}

/** `string_too_short` / `string_too_long`: a str type's own length constraint. */
export function stringLengthProblem(bound: "min" | "max", limit: number): Described {
  return bound === "min"
    ? {
        type: "string_too_short",
        msg: `String should have at least ${plural(limit, "character")}`,
        ctx: { min_length: limit },
      }
    : {
        type: "string_too_long",
        msg: `String should have at most ${plural(limit, "character")}`,
        ctx: { max_length: limit },
      };
}

/**
 * `too_short` / `too_long`: a length constraint on a list or dict, or one applied after a
 * validator (`Value`, e.g. ProductName's strip).
 */
export function lengthProblem(
  fieldType: "List" | "Dictionary" | "Value",
  bound: "min" | "max",
  limit: number,
  actual: number,
): Described {
  return bound === "min"
    ? {
        type: "too_short",
        msg: `${fieldType} should have at least ${plural(limit, "item")} after validation, not ${actual}`,
        ctx: { field_type: fieldType, min_length: limit, actual_length: actual },
      }
    : {
        type: "too_long",
        msg: `${fieldType} should have at most ${plural(limit, "item")} after validation, not ${actual}`,
        ctx: { field_type: fieldType, max_length: limit, actual_length: actual },
      };
}

/** A key discriminator absent from the input: `Discriminator("type")` without a `type`. */
export function unionTagNotFound(property: string): Described {
  return {
    type: "union_tag_not_found",
    msg: `Unable to extract tag using discriminator '${property}'`,
    ctx: { discriminator: `'${property}'` },
  };
}

/** A tag no member has; `discriminator` is `'type'` for a key, `f()` for a callable. */
export function unionTagInvalid(discriminator: string, tag: string, expectedTags: string): Described {
  return {
    type: "union_tag_invalid",
    msg: `Input tag '${tag}' found using ${discriminator} does not match any of the expected tags: ${expectedTags}`,
    ctx: { discriminator, tag, expected_tags: expectedTags },
  };
}

/** The lax (python-mode) coercions of pydantic's int, float and bool validators. */
const PY_INT_TEXT = /^\s*[+-]?\d+(_\d+)*(\.0+)?\s*$/;
const PY_FLOAT_TEXT = /^[+-]?(\d+(_\d+)*(\.(\d+(_\d+)*)?)?|\.\d+(_\d+)*)([eE][+-]?\d+(_\d+)*)?$/;
const PY_FLOAT_SPECIAL = /^[+-]?(inf|infinity|nan)$/i;
const TRUE_TEXT = new Set(["1", "on", "t", "true", "y", "yes"]);
const FALSE_TEXT = new Set(["0", "off", "f", "false", "n", "no"]);

export function laxInt(data: Json): { value: number } | Described {
  if (typeof data === "boolean") return { value: data ? 1 : 0 };
  if (typeof data === "number") {
    if (Number.isInteger(data)) return { value: data };
    return {
      type: "int_from_float",
      msg: "Input should be a valid integer, got a number with a fractional part",
    };
  }
  if (typeof data === "string") {
    if (PY_INT_TEXT.test(data))
      return { value: Number(data.trim().replaceAll("_", "").replace(/\.0+$/, "")) };
    return {
      type: "int_parsing",
      msg: "Input should be a valid integer, unable to parse string as an integer",
    };
  }
  return { type: "int_type", msg: "Input should be a valid integer" };
}

export function laxFloat(data: Json): { value: number } | Described {
  if (typeof data === "boolean") return { value: data ? 1 : 0 };
  if (typeof data === "number") return { value: data };
  if (typeof data === "string") {
    const text = data.trim();
    if (PY_FLOAT_TEXT.test(text)) return { value: Number(text.replaceAll("_", "")) };
    if (PY_FLOAT_SPECIAL.test(text)) {
      const lower = text.toLowerCase();
      return { value: lower.includes("nan") ? Number.NaN : lower.startsWith("-") ? -Infinity : Infinity };
    }
    return {
      type: "float_parsing",
      msg: "Input should be a valid number, unable to parse string as a number",
    };
  }
  return { type: "float_type", msg: "Input should be a valid number" };
}

export function laxBool(data: Json): { value: boolean } | Described {
  if (typeof data === "boolean") return { value: data };
  const parsing = { type: "bool_parsing", msg: "Input should be a valid boolean, unable to interpret input" };
  if (typeof data === "number") {
    if (data === 0 || data === 1) return { value: data === 1 };
    return Number.isInteger(data) ? parsing : { type: "bool_type", msg: "Input should be a valid boolean" };
  }
  if (typeof data === "string") {
    const text = data.toLowerCase();
    if (TRUE_TEXT.has(text)) return { value: true };
    if (FALSE_TEXT.has(text)) return { value: false };
    return parsing;
  }
  return { type: "bool_type", msg: "Input should be a valid boolean" };
}

// --- datetimes, parsed like pydantic-core's speedate -----------------------------------------

export interface ParsedDatetime {
  /** Milliseconds since the epoch, reading a naive datetime as UTC. */
  epochMs: number;
  aware: boolean;
}

const SPEEDATE_NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)$/;
const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt _](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?(?:([Zz])|([+-])(\d{2}):?(\d{2}))?$/;

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
}

function utcMs(year: number, month: number, day: number, hour = 0, minute = 0, second = 0, ms = 0): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, ms);
  return date.getTime();
}

/** speedate's `Date::parse_bytes`: the error pydantic reports when a datetime does not parse. */
function dateProblem(text: string): string | null {
  if (text.length < 10) return "input is too short";
  if (!/^\d{4}$/.test(text.slice(0, 4))) return "invalid character in year";
  if (text[4] !== "-") return "invalid date separator, expected `-`";
  if (!/^\d{2}$/.test(text.slice(5, 7))) return "invalid character in month";
  if (text[7] !== "-") return "invalid date separator, expected `-`";
  if (!/^\d{2}$/.test(text.slice(8, 10))) return "invalid character in day";
  const month = Number(text.slice(5, 7));
  if (month < 1 || month > 12) return "month value is outside expected range of 1-12";
  const day = Number(text.slice(8, 10));
  if (day < 1 || day > daysInMonth(Number(text.slice(0, 4)), month))
    return "day value is outside expected range";
  if (text.length > 10) return "unexpected extra characters at the end of the input";
  return null;
}

function fromTimestamp(seconds: number): ParsedDatetime | Described {
  // speedate reads values above 2e10 as milliseconds.
  const ms = Math.abs(seconds) > 2e10 ? seconds : seconds * 1000;
  const error =
    ms > utcMs(9999, 12, 31, 23, 59, 59, 999)
      ? "dates after 9999 are not supported as unix timestamps"
      : ms < utcMs(1600, 1, 1)
        ? "dates before 1600 are not supported as unix timestamps"
        : null;
  if (error !== null)
    return { type: "datetime_parsing", msg: `Input should be a valid datetime, ${error}`, ctx: { error } };
  return { epochMs: Math.round(ms), aware: true };
}

/**
 * pydantic's lax datetime: an RFC 3339 datetime (`T`, `t`, `_` or a space between date and time,
 * optional seconds, fraction and offset), a date (midnight, naive), or a unix timestamp as a
 * number or a numeric string. Errors are speedate's, worded by pydantic-core.
 */
export function laxDatetime(data: Json): ParsedDatetime | Described {
  if (typeof data === "number") return fromTimestamp(data);
  if (typeof data !== "string") return { type: "datetime_type", msg: "Input should be a valid datetime" };
  if (SPEEDATE_NUMBER.test(data) && Math.abs(Number(data)) < 2 ** 63) return fromTimestamp(Number(data));
  const match = RFC3339.exec(data);
  if (match) {
    const [, y, mo, d, h, mi, s = "0", fraction = "", zulu, sign, oh, om] = match;
    const year = Number(y);
    const month = Number(mo);
    const day = Number(d);
    const valid =
      month >= 1 &&
      month <= 12 &&
      day >= 1 &&
      day <= daysInMonth(year, month) &&
      Number(h) <= 23 &&
      Number(mi) <= 59 &&
      Number(s) <= 59 &&
      (sign === undefined || (Number(oh) <= 23 && Number(om) <= 59));
    if (valid) {
      if (year === 0) {
        return {
          type: "datetime_parsing",
          msg: "Input should be a valid datetime, year 0 is out of range",
          ctx: { error: "year 0 is out of range" },
        };
      }
      const offset = sign === undefined ? 0 : (Number(oh) * 60 + Number(om)) * (sign === "-" ? -1 : 1);
      const ms = Number(fraction.slice(0, 3).padEnd(3, "0"));
      const local = utcMs(year, month, day, Number(h), Number(mi), Number(s), ms);
      return { epochMs: local - offset * 60_000, aware: zulu !== undefined || sign !== undefined };
    }
  }
  const problem = dateProblem(data);
  if (problem === null) {
    if (Number(data.slice(0, 4)) === 0) {
      return {
        type: "datetime_parsing",
        msg: "Input should be a valid datetime, year 0 is out of range",
        ctx: { error: "year 0 is out of range" },
      };
    }
    return {
      epochMs: utcMs(Number(data.slice(0, 4)), Number(data.slice(5, 7)), Number(data.slice(8, 10))),
      aware: false,
    };
  }
  return {
    type: "datetime_from_date_parsing",
    msg: `Input should be a valid datetime or date, ${problem}`,
    ctx: { error: problem },
  };
}
