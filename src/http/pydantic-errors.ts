/**
 * Turns ajv's validation errors into the `detail` entries Polar's FastAPI/pydantic server answers
 * with: `{type, loc, msg, input, ctx?}` naming the real violation (facts section 3).
 *
 * ajv reports every branch of an `anyOf`/`oneOf`; pydantic reports the branch it chose. So for
 * each union we pick a branch the way pydantic would (the tag of a tagged union, else the first
 * branch whose type fits the input) and keep only that branch's errors.
 */
import type { ErrorObject } from "ajv";
import { decimalProblem, parseDecimal } from "../domain/decimal.js";
import type { ValidationDetail } from "../errors.js";
import { isObject } from "../util/is-object.js";
import {
  boundProblem,
  DECIMAL_PARSING,
  DECIMAL_TYPE,
  type Described,
  DICT_TYPE,
  describeError,
  EXTRA_FORBIDDEN,
  expectedOneOf,
  LIST_TYPE,
  laxBool,
  laxDatetime,
  laxFloat,
  laxInt,
  lengthProblem,
  MISSING,
  MODEL_ATTRIBUTES_TYPE,
  NONE_REQUIRED,
  pythonRepr,
  pythonStr,
  STRING_TYPE,
  stringLengthProblem,
  UUID_TYPE,
  unionTagInvalid,
  unionTagNotFound,
  valueError,
} from "./pydantic-messages.js";
import { canonicalUuid, uuid4Problem } from "./uuid.js";

type Json = unknown;

/** The raw request, to report `input` as it was sent (query strings before coercion). */
export interface RawParts {
  query: Record<string, unknown>;
  path: Record<string, string>;
}

export interface TranslateOptions {
  /** The root schema of the validator that reported the errors, to resolve its local `$ref`s. */
  rootSchema?: unknown;
  /** pydantic names a callable discriminator in its message, e.g. `_customer_create_type()`. */
  tagFunction?: string;
}

const LOCATION_ORDER = ["path", "query", "header", "cookie", "body"];

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

interface UnionChoice {
  chosen: number;
  tag?: string;
  instancePath: string;
  branches: unknown[];
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
    return { chosen, tag, instancePath: error.instancePath, branches };
  }
  let chosen = branches.findIndex(
    (branch) => isObject(branch) && branch.type !== "null" && typeFits(branch, data),
  );
  if (chosen === -1) chosen = branches.findIndex((branch) => isObject(branch) && branch.type !== "null");
  return { chosen, instancePath: error.instancePath, branches };
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

/** Resolves a local JSON pointer (`#/properties/requestBody/oneOf/0`) against the root schema. */
function resolvePointer(root: unknown, pointer: string): unknown {
  let node = root;
  for (const raw of pointer.slice(2).split("/")) {
    const key = raw.replaceAll("~1", "/").replaceAll("~0", "~");
    if (typeof node !== "object" || node === null) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/**
 * Every schema object reachable from `schema`, following local `$ref`s: openapi-backend compiles a
 * schema used in several places once and points its other occurrences at the first with a `$ref`.
 * Cached per schema.
 */
const reachableCache = new WeakMap<object, Set<object>>();

function reachable(schema: unknown, root: unknown): Set<object> {
  if (typeof schema !== "object" || schema === null) return new Set();
  const cached = reachableCache.get(schema);
  if (cached) return cached;
  const found = new Set<object>();
  const stack: unknown[] = [schema];
  while (stack.length > 0) {
    const item = stack.pop();
    if (typeof item !== "object" || item === null || found.has(item)) continue;
    found.add(item);
    const ref = (item as { $ref?: unknown }).$ref;
    if (typeof ref === "string" && ref.startsWith("#/")) stack.push(resolvePointer(root, ref));
    for (const value of Object.values(item)) stack.push(value);
  }
  reachableCache.set(schema, found);
  return found;
}

function within(instancePath: string, prefix: string): boolean {
  return prefix === "" || instancePath === prefix || instancePath.startsWith(`${prefix}/`);
}

/**
 * The unions an error sits in, or null when it comes from a branch pydantic did not choose.
 * Membership is decided by which branches reach the schema the error comes from, not by ajv's
 * schemaPath: a schema used in several branches (e.g. AddressInput in both customer-create
 * branches) is compiled once, and ajv reports its errors with the path of the first occurrence,
 * whichever branch it ran for.
 */
function enclosingUnions(error: ErrorObject, unions: UnionChoice[], root: unknown): UnionChoice[] | null {
  const enclosing: UnionChoice[] = [];
  for (const union of unions) {
    if (!within(error.instancePath, union.instancePath)) continue;
    const owners = union.branches.flatMap((branch, index) =>
      reachable(branch, root).has(error.parentSchema as object) ? [index] : [],
    );
    if (owners.length === 0) continue;
    if (!owners.includes(union.chosen)) return null;
    enclosing.push(union);
  }
  return enclosing;
}

export function toPydanticDetails(
  errors: ErrorObject[],
  raw: RawParts,
  options: TranslateOptions = {},
): ValidationDetail[] {
  const details: ValidationDetail[] = [];
  const unions = new Map<string, UnionChoice>();
  for (const error of errors) {
    const key = `${error.schemaPath}|${error.instancePath}`;
    if ((error.keyword === "anyOf" || error.keyword === "oneOf") && !unions.has(key)) {
      unions.set(key, chooseBranch(error, options, details, locFromPointer(error.instancePath)));
    }
  }
  for (const error of errors) {
    if (error.keyword === "anyOf" || error.keyword === "oneOf" || error.keyword === "propertyNames") continue;
    // A union that passed as a whole has no entry: its branches' errors were already discarded by ajv.
    const enclosing = enclosingUnions(error, [...unions.values()], options.rootSchema);
    if (enclosing === null) continue;
    const described = describeError(error);
    if (described === null) continue;

    let loc = locFromPointer(error.instancePath);
    // Insert the tag of every tagged union this error sits in after the union's own location,
    // the deepest first so the shallower positions stay right.
    const tagged = enclosing
      .filter((union) => union.tag !== undefined)
      .sort((a, b) => b.instancePath.length - a.instancePath.length);
    for (const union of tagged) {
      const at = locFromPointer(union.instancePath).length;
      loc = [...loc.slice(0, at), union.tag as string, ...loc.slice(at)];
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
  return orderDetails(details);
}

/** pydantic's order: path, query, header, cookie, then body; duplicates removed, otherwise stable. */
export function orderDetails(details: ValidationDetail[]): ValidationDetail[] {
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

const NUL_MESSAGE = "Value error, This value contains invalid characters";

function containsNul(value: unknown): boolean {
  if (typeof value === "string") return value.includes("\u0000");
  if (Array.isArray(value)) return value.some(containsNul);
  if (isObject(value))
    return Object.entries(value).some(([key, item]) => key.includes("\u0000") || containsNul(item));
  return false;
}

function nulDetail(loc: (string | number)[], input: unknown): ValidationDetail {
  return { type: "value_error", loc, msg: NUL_MESSAGE, input, ctx: { error: {} } };
}

/**
 * Polar refuses the NUL character (Postgres can't store it) with a validator on every declared
 * field of its request schemas: the error names the field and carries its whole value. Unknown
 * keys are ignored like the rest of their content. The address model checks its own strings.
 */
export function nulDetails(schema: unknown, body: unknown): ValidationDetail[] {
  if (!isObject(body) || !isObject(schema)) return [];
  let fields = schema;
  let loc: (string | number)[] = ["body"];
  if (Array.isArray(schema.oneOf)) {
    const tag = bodyTag(schema, body);
    const branch = schema.oneOf.find(
      (item) =>
        isObject(item) &&
        isObject(item.properties) &&
        isObject(item.properties.type) &&
        item.properties.type.const === tag,
    );
    if (!isObject(branch)) return [];
    fields = branch;
    loc = ["body", tag as string];
  }
  const declared = isObject(fields.properties) ? fields.properties : {};
  const details: ValidationDetail[] = [];
  for (const [key, value] of Object.entries(body)) {
    if (!(key in declared)) continue;
    if (key === "billing_address" && isObject(value)) {
      for (const [field, text] of Object.entries(value)) {
        if (typeof text === "string" && text.includes("\u0000"))
          details.push(nulDetail([...loc, key, field], text));
      }
    } else if (containsNul(value)) {
      details.push(nulDetail([...loc, key], value));
    }
  }
  return details;
}

/** The tag pydantic puts in `loc` for a body that is a tagged union (`individual` for a customer create). */
export function bodyTag(schema: unknown, body: unknown): string | undefined {
  if (!isObject(schema) || !Array.isArray(schema.oneOf)) return undefined;
  const tagged = unionTags(schema.oneOf);
  if (!tagged || !isObject(body)) return undefined;
  return typeof body.type === "string" ? body.type : tagged.defaultTag;
}

// ---------------------------------------------------------------------------------------------
// The model walker: a request body validated the way pydantic validates Polar's model
// ---------------------------------------------------------------------------------------------

/** A pydantic union with a callable `Discriminator(fn)` and `Tag`s (e.g. ProductCreate). */
export interface CallableUnion {
  /** The function as pydantic names it in `union_tag_invalid`: `_product_create_discriminator()`. */
  fn: string;
  /** The tag the function returns for an input. */
  tagOf(data: unknown): string;
  /** Each member's tag, by its component name. */
  tags: Record<string, string>;
}

/** The Enum whose members are a key discriminator's tags: pydantic lists them by their repr. */
export interface TagEnum {
  name: string;
  /** Member names that differ from their values (`AggregationFunction.cnt` is `'count'`). */
  members?: Record<string, string>;
}

/** What a field is beyond its JSON Schema. */
export type FieldKind = "stripped-length" | "aware-past-datetime" | "future-datetime";

/** A field validator: `value` is the field's validated value, `data` the fields validated before it. */
export type FieldValidator = (value: unknown, data: Record<string, unknown>) => Described | null;

/** A `model_validator(mode="after")`: it runs once every field is valid, and reports at the model. */
export type ModelValidator = (value: Record<string, unknown>) => Described | null;

/** Knowledge of Polar's models that the JSON Schema does not carry. Keys are component names. */
export interface ModelRules {
  callableUnions?: Record<string, CallableUnion>;
  /** By discriminator property (`type`, `amount_type`, `func`). */
  tagEnums?: Record<string, TagEnum>;
  /** Plain pydantic `BaseModel`s: they lack the NUL check of Polar's `Schema`. */
  plainModels?: ReadonlySet<string>;
  /** TypedDicts: a non-dict is `dict_type`, and their content is checked by the model holding them. */
  typedDicts?: ReadonlySet<string>;
  /** By `Component.field`. */
  fieldKinds?: Record<string, FieldKind>;
  /** Validators after a field's own checks (`AfterValidator`s, `field_validator`s), by `Component.field`. */
  fieldValidators?: Record<string, FieldValidator>;
  /** By component. */
  modelValidators?: Record<string, ModelValidator>;
  /** `BeforeValidator`s of a list's items, by `Component.field`. */
  itemBeforeValidators?: Record<string, (item: unknown) => unknown>;
}

/** What validating a value gave: errors, or the value pydantic would hand on (coerced). */
interface Outcome {
  errors: ValidationDetail[];
  value: unknown;
  /** The value was taken as it is (no coercion): pydantic's smart unions prefer such a member. */
  exact: boolean;
  /** The value holds a NUL character outside nested models (what Polar's `Schema` refuses). */
  nul: boolean;
}

type Loc = (string | number)[];

const NUL_CHARACTERS = "This value contains invalid characters";

/** The ajv `date-time` spelling: datetimes spelled otherwise are handed on in this form. */
const AJV_DATETIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/i;

/** Python's `str.strip()`: Unicode whitespace, which is not quite JavaScript's `trim()`. */
const PYTHON_WHITESPACE =
  "[\\t\\n\\x0b\\x0c\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]";
const PYTHON_STRIP = new RegExp(`^${PYTHON_WHITESPACE}+|${PYTHON_WHITESPACE}+$`, "g");

function pythonStrip(text: string): string {
  return text.replace(PYTHON_STRIP, "");
}

/** Python's `len()` of a string: code points. */
function pythonLength(text: string): number {
  return [...text].length;
}

function ok(value: unknown, exact = true, nul = false): Outcome {
  return { errors: [], value, exact, nul };
}

function fail(described: Described, loc: Loc, input: unknown): Outcome {
  const detail: ValidationDetail = { type: described.type, loc, msg: described.msg, input };
  if (described.ctx !== undefined) detail.ctx = described.ctx;
  return { errors: [detail], value: input, exact: false, nul: false };
}

/** Python's `==` between a decoded JSON value and a literal: `1 == True`, `1.0 == 1`. */
function pythonEquals(a: unknown, b: unknown): boolean {
  const number = (value: unknown) => (typeof value === "boolean" ? Number(value) : value);
  if (typeof a === "boolean" || typeof b === "boolean") {
    return typeof number(a) === "number" && number(a) === number(b);
  }
  return a === b;
}

/**
 * Validates request bodies like pydantic validates Polar's models (python mode, lax, with
 * `from_attributes`, as FastAPI calls it), walking the spec's JSON Schema with its `$ref`s
 * unresolved, so component names stand for model classes:
 *
 * - fields in declaration order (the schema's `properties` order), missing ones where they
 *   belong, then the keys a `extra="forbid"` model refuses;
 * - unions as pydantic builds them: a key discriminator (`discriminator.propertyName`) puts the
 *   tag in `loc` and reports `union_tag_not_found` / `union_tag_invalid`; a callable one
 *   (`rules.callableUnions`) puts its tag; `X | None` is no union; any other union is "smart" and,
 *   when every member fails, reports each member's errors under its name (`EventCreateCustomer`,
 *   `constrained-str`, `literal['now']`);
 * - `Decimal` (a number-or-pattern string in JSON Schema), datetimes, UUIDs and the lax coercions
 *   of int, float and bool;
 * - after a field's own checks, its validators (`rules.fieldValidators`) and, in Polar's
 *   `Schema` models, the NUL check; once every field is valid, the model validators.
 *
 * Returns the detail list pydantic would produce, or, when there is none, the value as pydantic
 * coerced it (`"5"` for an int is 5, UUIDs canonical, a legacy `free` price rewritten).
 */
export class ModelWalker {
  /** The domain's time for time-relative checks (`FutureDatetime`, past event timestamps), if given. */
  now: Date | undefined;

  constructor(
    private readonly document: Record<string, unknown>,
    private readonly rules: ModelRules,
  ) {}

  validate(schema: unknown, data: unknown, now?: Date): { details: ValidationDetail[]; value: unknown } {
    this.now = now;
    const outcome = this.node(schema, data, ["body"], undefined);
    return { details: outcome.errors, value: outcome.value };
  }

  /** A local `$ref` followed to its component, with the component's name. */
  private resolve(schema: unknown): { schema: Record<string, unknown>; name: string | undefined } {
    let node = schema;
    let name: string | undefined;
    for (let hops = 0; hops < 32 && isObject(node) && typeof node.$ref === "string"; hops++) {
      const ref: string = node.$ref;
      name = ref.split("/").pop();
      node = resolvePointer(this.document, ref);
    }
    return { schema: isObject(node) ? node : {}, name };
  }

  private node(raw: unknown, data: unknown, loc: Loc, field: string | undefined): Outcome {
    const { schema, name } = this.resolve(raw);
    const branches = Array.isArray(schema.oneOf)
      ? schema.oneOf
      : Array.isArray(schema.anyOf)
        ? schema.anyOf
        : null;
    if (branches) return this.union(schema, name, branches, data, loc, field);
    if ("const" in schema) return this.literal([schema.const], data, loc);
    if (Array.isArray(schema.enum)) {
      // An Enum class is a component of its own; a `Literal[...]` is written inline.
      if (name !== undefined) {
        return typeof data === "string" && schema.enum.includes(data)
          ? ok(data)
          : fail(expectedOneOf("enum", schema.enum), loc, data);
      }
      return this.literal(schema.enum, data, loc);
    }
    if (schema.properties !== undefined) return this.model(schema, name, data, loc);
    switch (schema.type) {
      case "string":
        return this.string(schema, data, loc, field);
      case "integer":
        return this.number(schema, laxInt(data), data, loc);
      case "number":
        return this.number(schema, laxFloat(data), data, loc);
      case "boolean": {
        const result = laxBool(data);
        return "value" in result ? ok(result.value, result.value === data) : fail(result, loc, data);
      }
      case "null":
        return data === null ? ok(null) : fail(NONE_REQUIRED, loc, data);
      case "array":
        return this.array(schema, data, loc, field);
      case "object":
        return this.dict(schema, data, loc);
      default:
        return ok(data);
    }
  }

  private literal(values: unknown[], data: unknown, loc: Loc): Outcome {
    const match = values.find((value) => pythonEquals(value, data));
    if (match !== undefined) return ok(match, match === data);
    return fail(expectedOneOf("literal_error", values), loc, data);
  }

  private number(
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

  private string(
    schema: Record<string, unknown>,
    data: unknown,
    loc: Loc,
    field: string | undefined,
  ): Outcome {
    const kind = field === undefined ? undefined : this.rules.fieldKinds?.[field];
    if (schema.format === "uuid4" || schema.format === "uuid") {
      if (typeof data !== "string") return fail(UUID_TYPE, loc, data);
      const problem = uuid4Problem(data);
      if (problem && (schema.format === "uuid4" || problem.type === "uuid_parsing"))
        return fail(problem, loc, data);
      const value = canonicalUuid(data);
      return ok(value, value === data);
    }
    if (schema.format === "date-time") return this.datetime(kind, data, loc);
    if (typeof data !== "string") return fail(STRING_TYPE, loc, data);
    if (kind === "stripped-length") {
      // An AfterValidator strips the name first: the length is checked on the stripped value,
      // as a generic constraint (`too_short`, "Value ...").
      const length = pythonLength(pythonStrip(data));
      if (typeof schema.minLength === "number" && length < schema.minLength)
        return fail(lengthProblem("Value", "min", schema.minLength, length), loc, data);
      if (typeof schema.maxLength === "number" && length > schema.maxLength)
        return fail(lengthProblem("Value", "max", schema.maxLength, length), loc, data);
      return ok(data, true, data.includes("\u0000"));
    }
    const length = pythonLength(data);
    if (typeof schema.minLength === "number" && length < schema.minLength)
      return fail(stringLengthProblem("min", schema.minLength), loc, data);
    if (typeof schema.maxLength === "number" && length > schema.maxLength)
      return fail(stringLengthProblem("max", schema.maxLength), loc, data);
    if (typeof schema.pattern === "string" && !new RegExp(schema.pattern, "u").test(data)) {
      return fail(
        {
          type: "string_pattern_mismatch",
          msg: `String should match pattern '${schema.pattern}'`,
          ctx: { pattern: schema.pattern },
        },
        loc,
        data,
      );
    }
    return ok(data, true, data.includes("\u0000"));
  }

  private datetime(kind: FieldKind | undefined, data: unknown, loc: Loc): Outcome {
    const parsed = laxDatetime(data);
    if ("type" in parsed) return fail(parsed, loc, data);
    if (kind === "aware-past-datetime" && !parsed.aware)
      return fail({ type: "timezone_aware", msg: "Input should have timezone info" }, loc, data);
    // A future date is checked against the wall clock when no time is given (the fields that
    // take one are not emulated past validation); a past one only against the domain's time, as
    // the emulator's clock may run ahead and the domain checks event timestamps itself.
    if (kind === "future-datetime" && parsed.epochMs <= (this.now ?? new Date()).getTime())
      return fail({ type: "datetime_future", msg: "Input should be in the future" }, loc, data);
    if (kind === "aware-past-datetime" && this.now !== undefined && parsed.epochMs > this.now.getTime())
      return fail(valueError("Timestamp must be in the past."), loc, data);
    if (typeof data === "string" && AJV_DATETIME.test(data)) return ok(data);
    const iso = new Date(parsed.epochMs).toISOString();
    return ok(parsed.aware ? iso : iso.slice(0, -1), false);
  }

  private array(
    schema: Record<string, unknown>,
    data: unknown,
    loc: Loc,
    field: string | undefined,
  ): Outcome {
    if (!Array.isArray(data)) return fail(LIST_TYPE, loc, data);
    const before = field === undefined ? undefined : this.rules.itemBeforeValidators?.[field];
    const errors: ValidationDetail[] = [];
    const value: unknown[] = [];
    let exact = true;
    let nul = false;
    data.forEach((item, index) => {
      const input = before ? before(item) : item;
      const outcome = this.node(schema.items, input, [...loc, index], undefined);
      errors.push(...outcome.errors);
      value.push(outcome.value);
      exact &&= outcome.exact && input === item;
      nul ||= outcome.nul;
    });
    if (errors.length > 0) return { errors, value: data, exact: false, nul: false };
    if (typeof schema.minItems === "number" && data.length < schema.minItems)
      return fail(lengthProblem("List", "min", schema.minItems, data.length), loc, data);
    if (typeof schema.maxItems === "number" && data.length > schema.maxItems)
      return fail(lengthProblem("List", "max", schema.maxItems, data.length), loc, data);
    return { errors: [], value: exact ? data : value, exact, nul };
  }

  /** A `dict[K, V]`: each key, then its value; the size once every entry is valid. */
  private dict(schema: Record<string, unknown>, data: unknown, loc: Loc): Outcome {
    if (!isObject(data)) return fail(DICT_TYPE, loc, data);
    const errors: ValidationDetail[] = [];
    const value: Record<string, unknown> = {};
    let exact = true;
    let nul = false;
    for (const [key, item] of Object.entries(data)) {
      let outKey = key;
      if (schema.propertyNames !== undefined) {
        // Keys are strings: JSON Schema leaves `type` out of `propertyNames`.
        const keySchema = isObject(schema.propertyNames) ? { type: "string", ...schema.propertyNames } : {};
        const keyOutcome = this.node(keySchema, key, [...loc, key, "[key]"], undefined);
        errors.push(...keyOutcome.errors);
        if (typeof keyOutcome.value === "string") outKey = keyOutcome.value;
      }
      nul ||= key.includes("\u0000");
      if (isObject(schema.additionalProperties)) {
        const outcome = this.node(schema.additionalProperties, item, [...loc, key], undefined);
        errors.push(...outcome.errors);
        value[outKey] = outcome.value;
        exact &&= outcome.exact && outKey === key;
        nul ||= outcome.nul;
      } else {
        value[outKey] = item;
      }
    }
    if (errors.length > 0) return { errors, value: data, exact: false, nul: false };
    const size = Object.keys(value).length;
    if (typeof schema.maxProperties === "number" && size > schema.maxProperties)
      return fail(lengthProblem("Dictionary", "max", schema.maxProperties, size), loc, data);
    if (typeof schema.minProperties === "number" && size < schema.minProperties)
      return fail(lengthProblem("Dictionary", "min", schema.minProperties, size), loc, data);
    return { errors: [], value: exact ? data : value, exact, nul };
  }

  /** A model (or a TypedDict): its fields in order, then extra keys, then its model validators. */
  private model(schema: Record<string, unknown>, name: string | undefined, data: unknown, loc: Loc): Outcome {
    const typedDict = name !== undefined && this.rules.typedDicts?.has(name) === true;
    if (!isObject(data)) return fail(typedDict ? DICT_TYPE : MODEL_ATTRIBUTES_TYPE, loc, data);
    const properties = isObject(schema.properties) ? schema.properties : {};
    const required = new Set(Array.isArray(schema.required) ? schema.required : []);
    const checksNul = !typedDict && !(name !== undefined && this.rules.plainModels?.has(name));
    const errors: ValidationDetail[] = [];
    // What pydantic's validators see as `info.data` and the model: valid fields and defaults.
    const validated: Record<string, unknown> = {};
    const coerced: Record<string, unknown> = {};
    let exact = true;
    let nul = false;
    for (const [key, fieldSchema] of Object.entries(properties)) {
      if (!Object.hasOwn(data, key)) {
        if (required.has(key)) errors.push(...fail(MISSING, [...loc, key], data).errors);
        else if (isObject(fieldSchema) && "default" in fieldSchema) validated[key] = fieldSchema.default;
        continue;
      }
      const field = name === undefined ? undefined : `${name}.${key}`;
      const input = data[key];
      const outcome = this.node(fieldSchema, input, [...loc, key], field);
      if (outcome.errors.length > 0) {
        errors.push(...outcome.errors);
        continue;
      }
      const validator = field === undefined ? undefined : this.rules.fieldValidators?.[field];
      const problem =
        validator?.(outcome.value, validated) ??
        (checksNul && outcome.nul ? valueError(NUL_CHARACTERS) : null);
      if (problem) {
        errors.push(...fail(problem, [...loc, key], input).errors);
        continue;
      }
      validated[key] = outcome.value;
      coerced[key] = outcome.value;
      exact &&= outcome.exact;
      nul ||= outcome.nul;
    }
    for (const [key, input] of Object.entries(data)) {
      if (Object.hasOwn(properties, key)) continue;
      if (schema.additionalProperties === false) {
        errors.push(...fail(EXTRA_FORBIDDEN, [...loc, key], input).errors);
      } else if (isObject(schema.additionalProperties)) {
        // A TypedDict's `extra_items`.
        const outcome = this.node(schema.additionalProperties, input, [...loc, key], undefined);
        errors.push(...outcome.errors);
        validated[key] = outcome.value;
        coerced[key] = outcome.value;
        exact &&= outcome.exact;
        nul ||= outcome.nul || key.includes("\u0000");
      }
    }
    if (errors.length > 0) return { errors, value: data, exact: false, nul: false };
    const validator = name === undefined ? undefined : this.rules.modelValidators?.[name];
    const problem = validator?.(validated);
    if (problem) return fail(problem, loc, data);
    // Handed on in the order it came, keys it ignores included.
    const value = exact
      ? data
      : Object.fromEntries(
          Object.entries(data).map(([key, item]) => [key, key in coerced ? coerced[key] : item]),
        );
    // A model is handed on as an object: what it holds is no concern of the model holding it.
    return { errors: [], value, exact, nul: typedDict && nul };
  }

  private union(
    schema: Record<string, unknown>,
    name: string | undefined,
    branches: unknown[],
    data: unknown,
    loc: Loc,
    field: string | undefined,
  ): Outcome {
    const callable = name === undefined ? undefined : this.rules.callableUnions?.[name];
    if (callable) {
      const tag = callable.tagOf(data);
      const branch = branches.find((item) => {
        const member = this.resolve(item).name;
        return member !== undefined && callable.tags[member] === tag;
      });
      if (branch === undefined) {
        const expected = Object.values(callable.tags)
          .map((value) => `'${value}'`)
          .join(", ");
        return fail(unionTagInvalid(callable.fn, tag, expected), loc, data);
      }
      return this.node(branch, data, [...loc, tag], field);
    }
    const discriminator = isObject(schema.discriminator) ? schema.discriminator.propertyName : undefined;
    if (typeof discriminator === "string") return this.tagged(discriminator, branches, data, loc);

    const members = branches.filter((branch) => this.resolve(branch).schema.type !== "null");
    if (members.length < branches.length && data === null) return ok(null);
    if (members.length === 1) return this.node(members[0], data, loc, field);
    const decimal = this.decimalOf(members);
    if (decimal) return this.decimal(decimal, data, loc);

    // A smart union: the first member that takes the input as it is, else the first that takes
    // it at all; when none does, every member's errors, each under the member's name.
    const outcomes = members.map((member) => this.node(member, data, [...loc, this.label(member)], field));
    const chosen =
      outcomes.find((outcome) => outcome.errors.length === 0 && outcome.exact) ??
      outcomes.find((outcome) => outcome.errors.length === 0);
    if (chosen) return chosen;
    return { errors: outcomes.flatMap((outcome) => outcome.errors), value: data, exact: false, nul: false };
  }

  /** `Discriminator("key")`: the tag picks the member and goes into `loc`. */
  private tagged(property: string, branches: unknown[], data: unknown, loc: Loc): Outcome {
    if (!isObject(data)) return fail(MODEL_ATTRIBUTES_TYPE, loc, data);
    if (!Object.hasOwn(data, property)) return fail(unionTagNotFound(property), loc, data);
    const tag = data[property];
    const tags: string[] = [];
    let chosen: unknown;
    for (const branch of branches) {
      const { schema } = this.resolve(branch);
      const tagSchema = isObject(schema.properties) ? this.resolve(schema.properties[property]).schema : {};
      const values =
        "const" in tagSchema ? [tagSchema.const] : Array.isArray(tagSchema.enum) ? tagSchema.enum : [];
      for (const value of values) {
        if (typeof value !== "string") continue;
        tags.push(value);
        if (value === tag && chosen === undefined) chosen = branch;
      }
    }
    if (chosen === undefined || typeof tag !== "string") {
      const enumeration = this.rules.tagEnums?.[property];
      const expected = tags
        .map((value) =>
          enumeration
            ? `<${enumeration.name}.${enumeration.members?.[value] ?? value}: '${value}'>`
            : `'${value}'`,
        )
        .join(", ");
      return fail(unionTagInvalid(`'${property}'`, pythonStr(tag), expected), loc, data);
    }
    return this.node(chosen, data, [...loc, tag], undefined);
  }

  /** pydantic's name for a union member in `loc`: a model's class, else its core schema's. */
  private label(member: unknown): string {
    const { schema, name } = this.resolve(member);
    if (schema.properties !== undefined)
      return typeof schema.title === "string" ? schema.title : (name ?? "model");
    if ("const" in schema) return `literal[${pythonRepr(schema.const)}]`;
    if (Array.isArray(schema.enum))
      return name !== undefined ? name : `literal[${schema.enum.map(pythonRepr).join(",")}]`;
    const constrained = [
      "minLength",
      "maxLength",
      "pattern",
      "minimum",
      "maximum",
      "exclusiveMinimum",
      "exclusiveMaximum",
    ];
    const prefix = constrained.some((keyword) => schema[keyword] !== undefined) ? "constrained-" : "";
    switch (schema.type) {
      case "string":
        if (schema.format === "date-time") return "datetime";
        if (schema.format === "uuid4" || schema.format === "uuid") return "uuid";
        return `${prefix}str`;
      case "integer":
        return `${prefix}int`;
      case "number":
        return `${prefix}float`;
      case "boolean":
        return "bool";
      case "array":
        return "list";
      case "object":
        return "dict";
      default:
        return String(schema.type);
    }
  }

  /**
   * pydantic writes a `Decimal` as `number | string` with a pattern that spells its digit
   * limits (`\d{0,5}` whole digits, `\d{0,12}` decimal places): it is one type, not a union.
   */
  private decimalOf(members: unknown[]): { maxDigits: number; decimalPlaces: number; gt: boolean } | null {
    if (members.length !== 2) return null;
    const [first, second] = members.map((member) => this.resolve(member).schema);
    const number = first.type === "number" ? first : second.type === "number" ? second : null;
    const text = first.type === "string" ? first : second.type === "string" ? second : null;
    if (!number || !text || typeof text.pattern !== "string") return null;
    const digits = /\\d\{0,(\d+)\}\\\.\\d\{0,(\d+)\}/.exec(text.pattern);
    if (!digits) return null;
    const decimalPlaces = Number(digits[2]);
    return { maxDigits: Number(digits[1]) + decimalPlaces, decimalPlaces, gt: number.exclusiveMinimum === 0 };
  }

  private decimal(
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
}
