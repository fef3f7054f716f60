/**
 * The message catalogue: each ajv error keyword worded as pydantic words it (type, msg, ctx).
 * Used by translate.ts once it has picked the errors pydantic would report, and by the walker.
 */
import type { ErrorObject } from "ajv";
import type { ValidationDetail } from "../errors.js";
import { isObject } from "../util/is-object.js";
import { emailProblem } from "./email.js";
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

/** pydantic's `EmailStr` error with email-validator's reason. */
export function emailError(reason: string): Described {
  return { type: "value_error", msg: `value is not a valid email address: ${reason}`, ctx: { reason } };
}

/** pydantic's `EmailStr` error for a string email-validator refuses, or null when it accepts it. */
export function emailValueError(text: string): Described | null {
  const reason = emailProblem(text);
  return reason === null ? null : emailError(reason);
}

function describeFormat(format: string, data: Json): Described {
  const text = String(data);
  if (format === "uuid4" || format === "uuid") {
    const problem = uuid4Problem(text);
    if (problem) return problem;
  }
  if (format === "email") return emailValueError(text) ?? emailError("The email address is not valid.");
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
export function pythonFloatRepr(value: number): string {
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

// --- pydantic-core's errors, as the model walker (walker.ts) reports them ----------

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
/** pydantic's `IPvAnyAddress`. */
export const IP_ANY_ADDRESS: Described = {
  type: "ip_any_address",
  msg: "value is not a valid IPv4 or IPv6 address",
};
export const URL_TYPE: Described = { type: "url_type", msg: "URL input should be a string or URL" };
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
export function expectedOneOf(
  type: "literal_error" | "enum",
  values: Json[],
  repr: (value: Json) => string = pythonRepr,
): Described {
  const expected = quoteLiterals(values, repr);
  return { type, msg: `Input should be ${expected}`, ctx: { expected } };
}

function quoteLiterals(values: Json[], repr: (value: Json) => string): string {
  const quoted = values.map(repr);
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
