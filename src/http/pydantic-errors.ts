/**
 * Turns ajv's validation errors into the `detail` entries Polar's FastAPI/pydantic server answers
 * with: `{type, loc, msg, input, ctx?}` naming the real violation (facts section 3).
 *
 * ajv reports every branch of an `anyOf`/`oneOf`; pydantic reports the branch it chose. So for
 * each union we pick a branch the way pydantic would (the tag of a tagged union, else the first
 * branch whose type fits the input) and keep only that branch's errors.
 */
import type { ErrorObject } from "ajv";
import { emailProblem } from "../domain/email.js";
import type { ValidationDetail } from "../errors.js";
import { uuid4Problem } from "./uuid.js";

type Json = unknown;
type SchemaObject = Record<string, unknown>;

/** The raw request, to report `input` as it was sent (query strings before coercion). */
export interface RawParts {
  query: Record<string, unknown>;
  path: Record<string, string>;
}

export interface TranslateOptions {
  /** pydantic names a callable discriminator in its message, e.g. `_customer_create_type()`. */
  tagFunction?: string;
}

const LOCATION_ORDER = ["path", "query", "header", "cookie", "body"];

function isObject(value: unknown): value is SchemaObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function jsonType(value: Json): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

function typeFits(branch: unknown, data: Json): boolean {
  if (!isObject(branch)) return false;
  const actual = jsonType(data);
  const wanted = branch.type;
  if (wanted === undefined)
    return actual === "object" || branch.properties !== undefined ? actual === "object" : true;
  const list = Array.isArray(wanted) ? wanted : [wanted];
  return list.some(
    (type) =>
      type === actual ||
      (type === "number" && actual === "integer") ||
      (type === "integer" && actual === "string") ||
      (type === "number" && actual === "string") ||
      (type === "boolean" && actual === "string"),
  );
}

/** The tag values of a union whose branches are objects with a `type` const, or null if it is not one. */
function unionTags(branches: unknown[]): { tags: string[]; defaultTag: string | undefined } | null {
  const tags: string[] = [];
  let defaultTag: string | undefined;
  for (const branch of branches) {
    if (!isObject(branch) || !isObject(branch.properties)) return null;
    const tagSchema = branch.properties.type;
    if (!isObject(tagSchema) || typeof tagSchema.const !== "string") return null;
    tags.push(tagSchema.const);
    if (typeof tagSchema.default === "string") defaultTag = tagSchema.default;
  }
  return { tags, defaultTag };
}

function quoteList(values: unknown[]): string {
  const quoted = values.map((value) => (typeof value === "string" ? `'${value}'` : String(value)));
  if (quoted.length <= 1) return quoted.join("");
  return `${quoted.slice(0, -1).join(", ")} or ${quoted[quoted.length - 1]}`;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}

interface UnionChoice {
  chosen: number;
  tag?: string;
  instancePath: string;
}

function chooseBranch(
  error: ErrorObject,
  options: TranslateOptions,
  extra: ValidationDetail[],
  baseLoc: (string | number)[],
): UnionChoice {
  const branches = Array.isArray(error.schema) ? (error.schema as unknown[]) : [];
  const data = error.data as Json;
  const tagged = error.keyword === "oneOf" ? unionTags(branches) : null;
  if (tagged && isObject(data)) {
    const tag =
      typeof data.type === "string" ? data.type : data.type === undefined ? tagged.defaultTag : undefined;
    const chosen = tag === undefined ? -1 : tagged.tags.indexOf(tag);
    if (chosen === -1) {
      const expected = tagged.tags.map((value) => `'${value}'`).join(", ");
      const fn = options.tagFunction ?? "discriminator";
      extra.push({
        type: "union_tag_invalid",
        loc: baseLoc,
        msg: `Input tag '${String(data.type)}' found using ${fn} does not match any of the expected tags: ${expected}`,
        input: data,
        ctx: { discriminator: fn, tag: String(data.type), expected_tags: expected },
      });
    }
    return { chosen, tag, instancePath: error.instancePath };
  }
  let chosen = branches.findIndex(
    (branch) => isObject(branch) && branch.type !== "null" && typeFits(branch, data),
  );
  if (chosen === -1) chosen = branches.findIndex((branch) => isObject(branch) && branch.type !== "null");
  return { chosen, instancePath: error.instancePath };
}

function locFromPointer(pointer: string): (string | number)[] {
  if (pointer === "") return [];
  return pointer
    .slice(1)
    .split("/")
    .map((part) => part.replaceAll("~1", "/").replaceAll("~0", "~"))
    .map((part, index) => {
      if (index === 0) return part === "requestBody" ? "body" : part;
      return /^\d+$/.test(part) ? Number(part) : part;
    });
}

/** The value as the client sent it: query and path values before ajv coerced them. */
function rawInput(loc: (string | number)[], data: Json, raw: RawParts): Json {
  if (loc[0] === "query" && typeof loc[1] === "string" && loc[1] in raw.query) {
    let value: unknown = raw.query[loc[1]];
    for (const key of loc.slice(2)) {
      if (Array.isArray(value) && typeof key === "number") value = value[key];
      else if (isObject(value) && typeof key === "string") value = value[key];
      else break;
    }
    if (typeof value === "string") return value;
  }
  if (loc[0] === "path" && typeof loc[1] === "string" && loc[1] in raw.path) return raw.path[loc[1]];
  return data;
}

function typeError(
  expected: string,
  data: Json,
  parentSchema: unknown,
): Omit<ValidationDetail, "loc" | "input"> {
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
function describeError(error: ErrorObject): Omit<ValidationDetail, "loc" | "input"> | null {
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
      return {
        type: "greater_than",
        msg: `Input should be greater than ${params.limit}`,
        ctx: { gt: params.limit },
      };
    case "minimum":
      return {
        type: "greater_than_equal",
        msg: `Input should be greater than or equal to ${params.limit}`,
        ctx: { ge: params.limit },
      };
    case "exclusiveMaximum":
      return {
        type: "less_than",
        msg: `Input should be less than ${params.limit}`,
        ctx: { lt: params.limit },
      };
    case "maximum":
      return {
        type: "less_than_equal",
        msg: `Input should be less than or equal to ${params.limit}`,
        ctx: { le: params.limit },
      };
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

function describeFormat(format: string, data: Json): Omit<ValidationDetail, "loc" | "input"> {
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

/** The combinator (`…/anyOf` or `…/oneOf`) prefixes of a schema path, each with the branch index taken. */
function branchesTaken(schemaPath: string): { prefix: string; index: number }[] {
  const result: { prefix: string; index: number }[] = [];
  const pattern = /\/(anyOf|oneOf)\/(\d+)(?=\/|$)/g;
  for (let match = pattern.exec(schemaPath); match !== null; match = pattern.exec(schemaPath)) {
    result.push({ prefix: schemaPath.slice(0, match.index + match[1].length + 1), index: Number(match[2]) });
  }
  return result;
}

export function toPydanticDetails(
  errors: ErrorObject[],
  raw: RawParts,
  options: TranslateOptions = {},
): ValidationDetail[] {
  const details: ValidationDetail[] = [];
  const unions = new Map<string, UnionChoice>();
  for (const error of errors) {
    if (error.keyword === "anyOf" || error.keyword === "oneOf") {
      unions.set(error.schemaPath, chooseBranch(error, options, details, locFromPointer(error.instancePath)));
    }
  }
  for (const error of errors) {
    if (error.keyword === "anyOf" || error.keyword === "oneOf" || error.keyword === "propertyNames") continue;
    const taken = branchesTaken(error.schemaPath);
    // A union that passed as a whole has no entry: its branches' errors were already discarded by ajv.
    if (taken.some(({ prefix, index }) => unions.has(prefix) && unions.get(prefix)?.chosen !== index))
      continue;
    const described = describeError(error);
    if (described === null) continue;

    let loc = locFromPointer(error.instancePath);
    // Insert the tag of every tagged union this error sits in, after the union's own location.
    for (const { prefix } of [...taken].reverse()) {
      const union = unions.get(prefix);
      if (union?.tag !== undefined) {
        const at = locFromPointer(union.instancePath).length;
        loc = [...loc.slice(0, at), union.tag, ...loc.slice(at)];
      }
    }
    const params = error.params as Record<string, unknown>;
    // A required body that is absent: ajv sees a missing `requestBody` key on the request object.
    if (error.keyword === "required" && params.missingProperty === "requestBody" && loc.length === 0) {
      details.push({ ...described, loc: ["body"], input: null });
      continue;
    }
    if (error.keyword === "required") loc = [...loc, String(params.missingProperty)];
    if (error.keyword === "additionalProperties") loc = [...loc, String(params.additionalProperty)];
    if (typeof params.propertyName === "string") loc = [...loc, params.propertyName, "[key]"];

    const input =
      error.keyword === "required" ? (error.data as Json) : rawInput(loc, error.data as Json, raw);
    const detail: ValidationDetail = { type: described.type, loc, msg: described.msg, input };
    if (described.ctx !== undefined) detail.ctx = described.ctx;
    details.push(detail);
  }
  const seen = new Set<string>();
  return details
    .filter((detail) => {
      const key = `${detail.type}|${JSON.stringify(detail.loc)}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .map((detail, position) => ({ detail, position }))
    .sort((a, b) => {
      const order =
        LOCATION_ORDER.indexOf(String(a.detail.loc[0])) - LOCATION_ORDER.indexOf(String(b.detail.loc[0]));
      return order !== 0 ? order : a.position - b.position;
    })
    .map(({ detail }) => detail);
}

const NUL_MESSAGE = "This value contains invalid characters";

/**
 * Polar refuses the NUL character in any string of a body or query (Postgres can't store it),
 * as a pydantic `value_error` at the string's location; keys of objects count too.
 */
export function nulDetails(value: unknown, loc: (string | number)[]): ValidationDetail[] {
  const found: ValidationDetail[] = [];
  const visit = (item: unknown, at: (string | number)[]) => {
    if (typeof item === "string") {
      if (item.includes("\u0000")) {
        found.push({
          type: "value_error",
          loc: at,
          msg: `Value error, ${NUL_MESSAGE}`,
          input: item,
          ctx: { error: NUL_MESSAGE },
        });
      }
    } else if (Array.isArray(item)) {
      for (const [index, element] of item.entries()) visit(element, [...at, index]);
    } else if (isObject(item)) {
      for (const [key, element] of Object.entries(item)) {
        if (key.includes("\u0000")) visit(key, [...at, key, "[key]"]);
        visit(element, [...at, key]);
      }
    }
  };
  visit(value, loc);
  return found;
}

/** The tag pydantic puts in `loc` for a body that is a tagged union (`individual` for a customer create). */
export function bodyTag(schema: unknown, body: unknown): string | undefined {
  if (!isObject(schema) || !Array.isArray(schema.oneOf)) return undefined;
  const tagged = unionTags(schema.oneOf);
  if (!tagged || !isObject(body)) return undefined;
  return typeof body.type === "string" ? body.type : tagged.defaultTag;
}
