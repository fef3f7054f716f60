/**
 * Turns ajv's validation errors into the `detail` entries Polar's FastAPI/pydantic server answers
 * with: `{type, loc, msg, input, ctx?}` naming the real violation.
 *
 * ajv reports every branch of an `anyOf`/`oneOf`; pydantic reports the branch it chose. So for
 * each union we pick a branch the way pydantic would (the tag of a tagged union, else the first
 * branch whose type fits the input) and keep only that branch's errors.
 */
import type { ErrorObject } from "ajv";
import type { ValidationDetail } from "../errors.js";
import { isObject } from "../util/is-object.js";
import { resolvePointer } from "../util/json-pointer.js";
import { describeError } from "./messages.js";

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

    // A missing parameter is FastAPI's `get_missing_field_error`, whose input is None.
    const missingParameter = error.keyword === "required" && loc.length === 2 && loc[0] !== "body";
    const input = missingParameter
      ? null
      : error.keyword === "required"
        ? (error.data as Json)
        : rawInput(loc, error.data as Json, raw);
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
