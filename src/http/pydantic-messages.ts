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
      return { type: "enum", msg: `Input should be ${expected}`, ctx: { expected } };
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
