/**
 * A meter filter given as JSON text (the `filter` query parameter of `GET /v1/events/`), read as
 * Polar's `Filter.model_validate_json` reads it (meter/filter.py): jiter's parser, then the
 * `Filter` and `FilterClause` models in pydantic's JSON mode, which words some errors its own way
 * (`Input should be an object`). Polar hands `e.errors()` on as they are, so each detail keeps
 * pydantic's `url` and its `loc` starts inside the model, not at `query`.
 *
 * The models: `Filter {conjunction: "and" | "or", clauses: list[FilterClause | Filter]}` and
 * `FilterClause {property: str (a leading "metadata." dropped), operator: FilterOperator, value:
 * str (≤ 1000 characters) | Int32 | bool}`, both plain BaseModels that ignore unknown keys. The
 * unions are pydantic's smart unions: a member whose type matches exactly wins, then the first
 * that accepts the value laxly; when none does, every member's errors are reported under its name.
 */
import type { ValidationDetail } from "../../errors.js";
import { parseJsonLikePydantic } from "../../pydantic/jiter.js";
import { laxBool, laxInt } from "../../pydantic/lax.js";
import {
  type Described,
  expectedOneOf,
  MISSING,
  STRING_TYPE,
  stringLengthProblem,
} from "../../pydantic/messages.js";
import { isObject } from "../../util/is-object.js";
import type { FilterClauseRecord, FilterOperator, FilterRecord } from "./table.js";

/** A detail as `ValidationError.errors()` gives it: with pydantic's documentation link. */
export type DetailWithUrl = ValidationDetail & { url: string };

type Loc = (string | number)[];

const PYDANTIC_ERRORS = "https://errors.pydantic.dev/2.13/v";
const CONJUNCTIONS = ["and", "or"] as const;
const OPERATORS: readonly FilterOperator[] = ["eq", "ne", "gt", "gte", "lt", "lte", "like", "not_like"];
const MAX_STRING_LENGTH = 1000;
const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

function detail(described: Described, loc: Loc, input: unknown): DetailWithUrl {
  const { type, msg, ctx } = described;
  return ctx === undefined
    ? { type, loc, msg, input, url: `${PYDANTIC_ERRORS}/${type}` }
    : { type, loc, msg, input, ctx, url: `${PYDANTIC_ERRORS}/${type}` };
}

type Outcome<T> = { value: T; errors: [] } | { value?: undefined; errors: DetailWithUrl[] };

const success = <T>(value: T): Outcome<T> => ({ value, errors: [] });
const failure = <T>(errors: DetailWithUrl[]): Outcome<T> => ({ errors });

function modelType(className: string, input: unknown, loc: Loc): DetailWithUrl {
  return detail(
    { type: "model_type", msg: "Input should be an object", ctx: { class_name: className } },
    loc,
    input,
  );
}

function enumField<T extends string>(values: readonly T[], input: unknown, loc: Loc): Outcome<T> {
  const found = values.find((value) => value === input);
  return found !== undefined
    ? success(found)
    : failure([detail(expectedOneOf("enum", [...values]), loc, input)]);
}

/** Integers past i64: pydantic parses them as big ints, which only an int may take. */
const I64 = 2 ** 63;

/**
 * `str | Int32 | bool`, smart: the member of the value's own type, else the first lax match.
 * `floats`: the integral numbers the text wrote as floats.
 */
function clauseValue(
  input: unknown,
  loc: Loc,
  floats: ReadonlySet<number>,
): Outcome<string | number | boolean> {
  const strLoc = [...loc, "constrained-str"];
  const intLoc = [...loc, "constrained-int"];
  const boolLoc = [...loc, "bool"];
  const inRange = (value: number): Described | null =>
    value > INT32_MAX
      ? {
          type: "less_than_equal",
          msg: `Input should be less than or equal to ${INT32_MAX}`,
          ctx: { le: INT32_MAX },
        }
      : value < INT32_MIN
        ? {
            type: "greater_than_equal",
            msg: `Input should be greater than or equal to ${INT32_MIN}`,
            ctx: { ge: INT32_MIN },
          }
        : null;
  if (typeof input === "boolean") return success(input);
  if (typeof input === "string" && [...input].length <= MAX_STRING_LENGTH) return success(input);
  const float = typeof input === "number" && (!Number.isInteger(input) || floats.has(input));
  if (typeof input === "number" && Number.isInteger(input) && inRange(input) === null) return success(input);

  const errors: DetailWithUrl[] = [];
  errors.push(
    typeof input === "string"
      ? detail(stringLengthProblem("max", MAX_STRING_LENGTH), strLoc, input)
      : detail(STRING_TYPE, strLoc, input),
  );
  // JSON mode: an int takes an integral float or a numeric string, a bool takes 0/1 or its words.
  const asInt: { value: number } | Described =
    typeof input === "boolean" || !(typeof input === "number" || typeof input === "string")
      ? { type: "int_type", msg: "Input should be a valid integer" }
      : float && typeof input === "number" && Math.abs(input) >= I64
        ? {
            type: "int_parsing_size",
            msg: "Unable to parse input string as an integer, exceeded maximum size",
          }
        : laxInt(input);
  if ("value" in asInt) {
    const range = inRange(asInt.value);
    if (range === null) return success(asInt.value);
    errors.push(detail(range, intLoc, input));
  } else {
    errors.push(detail(asInt, intLoc, input));
  }
  const asBool: { value: boolean } | Described =
    typeof input === "string" || (typeof input === "number" && !float && Math.abs(input) < I64)
      ? laxBool(input)
      : { type: "bool_type", msg: "Input should be a valid boolean" };
  if ("value" in asBool) return success(asBool.value);
  errors.push(detail(asBool, boolLoc, input));
  return failure(errors);
}

function clause(input: unknown, loc: Loc, floats: ReadonlySet<number>): Outcome<FilterClauseRecord> {
  if (!isObject(input) || Array.isArray(input)) return failure([modelType("FilterClause", input, loc)]);
  const errors: DetailWithUrl[] = [];
  let property: string | undefined;
  if (!Object.hasOwn(input, "property")) errors.push(detail(MISSING, [...loc, "property"], input));
  else if (typeof input.property !== "string")
    errors.push(detail(STRING_TYPE, [...loc, "property"], input.property));
  else
    property = input.property.startsWith("metadata.")
      ? input.property.slice("metadata.".length)
      : input.property;
  let operator: FilterOperator | undefined;
  if (!Object.hasOwn(input, "operator")) errors.push(detail(MISSING, [...loc, "operator"], input));
  else {
    const outcome = enumField(OPERATORS, input.operator, [...loc, "operator"]);
    errors.push(...outcome.errors);
    operator = outcome.value;
  }
  let value: string | number | boolean | undefined;
  if (!Object.hasOwn(input, "value")) errors.push(detail(MISSING, [...loc, "value"], input));
  else {
    const outcome = clauseValue(input.value, [...loc, "value"], floats);
    errors.push(...outcome.errors);
    value = outcome.value;
  }
  if (errors.length > 0 || property === undefined || operator === undefined || value === undefined) {
    return failure(errors);
  }
  return success({ property, operator, value });
}

function filter(input: unknown, loc: Loc, floats: ReadonlySet<number>): Outcome<FilterRecord> {
  if (!isObject(input) || Array.isArray(input)) return failure([modelType("Filter", input, loc)]);
  const errors: DetailWithUrl[] = [];
  let conjunction: FilterRecord["conjunction"] | undefined;
  if (!Object.hasOwn(input, "conjunction")) errors.push(detail(MISSING, [...loc, "conjunction"], input));
  else {
    const outcome = enumField(CONJUNCTIONS, input.conjunction, [...loc, "conjunction"]);
    errors.push(...outcome.errors);
    conjunction = outcome.value;
  }
  const clauses: FilterRecord["clauses"] = [];
  if (!Object.hasOwn(input, "clauses")) errors.push(detail(MISSING, [...loc, "clauses"], input));
  else if (!Array.isArray(input.clauses)) {
    errors.push(
      detail({ type: "list_type", msg: "Input should be a valid array" }, [...loc, "clauses"], input.clauses),
    );
  } else {
    input.clauses.forEach((item: unknown, index: number) => {
      const itemLoc = [...loc, "clauses", index];
      // `FilterClause | Filter`: both are models, so neither matches more exactly than the other.
      const asClause = clause(item, [...itemLoc, "FilterClause"], floats);
      if (asClause.value !== undefined) {
        clauses.push(asClause.value);
        return;
      }
      const asFilter = filter(item, [...itemLoc, "Filter"], floats);
      if (asFilter.value !== undefined) {
        clauses.push(asFilter.value);
        return;
      }
      errors.push(...asClause.errors, ...asFilter.errors);
    });
  }
  if (errors.length > 0 || conjunction === undefined) return failure(errors);
  return success({ conjunction, clauses });
}

/** The filter the text describes, or pydantic's errors (`json_invalid` for text that is not JSON). */
export function parseFilterJson(text: string): { filter: FilterRecord } | { errors: DetailWithUrl[] } {
  const parsed = parseJsonLikePydantic(text);
  if (!parsed.ok) {
    return {
      errors: [
        detail(
          { type: "json_invalid", msg: `Invalid JSON: ${parsed.error}`, ctx: { error: parsed.error } },
          [],
          text,
        ),
      ],
    };
  }
  const outcome = filter(parsed.value, [], parsed.integralFloats);
  return outcome.value !== undefined ? { filter: outcome.value } : { errors: outcome.errors };
}
