/**
 * The specs, loaded once at startup with `yaml` into openapi-backend, which compiles an ajv
 * validator per operation. Routing is ours (router.ts, compiled once); openapi-backend validates
 * a request against the operation the router already found.
 */
import { readFileSync } from "node:fs";
import type { Ajv, ErrorObject } from "ajv";
import { type Document, OpenAPIBackend, type Operation } from "openapi-backend";
import { parse as parseYaml } from "yaml";
import { emailProblem } from "../domain/email.js";
import type { ValidationDetail } from "../errors.js";
import { isObject } from "../util/is-object.js";
import { nulDetails, orderDetails, toPydanticDetails } from "./pydantic-errors.js";
import { Router } from "./router.js";
import { canonicalUuid, uuid4Problem } from "./uuid.js";

type Schema = Record<string, unknown>;

/** How a query parameter's raw strings are shaped before validation. */
interface QuerySpec {
  array: boolean;
  boolean: boolean;
  integer: boolean;
  deepObject: boolean;
}

/** What the pipeline needs to know about one operation, read from the spec once. */
export interface OperationInfo {
  operationId: string;
  method: string;
  path: string;
  /** Scopes of the organization-token security requirement; a token needs any one. Empty: no auth. */
  scopes: string[];
  /** The (dereferenced) JSON schema of the request body, if the operation takes one. */
  bodySchema: unknown;
  /** Query parameters by name, with how their raw strings must be shaped before validation. */
  query: Map<string, QuerySpec>;
  /** Path and query parameters that are UUIDs: canonicalized once they are valid. */
  uuidParams: Set<string>;
  operation: Operation;
  validator: OpenAPIBackend;
}

/** pydantic names the callable discriminator of a tagged union in its error message. */
const TAG_FUNCTIONS: Record<string, string> = {
  "customers:create": "_customer_create_type()",
};

/** Whether a (dereferenced) schema accepts values of `type`, looking through anyOf/oneOf. */
function accepts(schema: unknown, type: string): boolean {
  if (!isObject(schema)) return false;
  if (schema.type === type || (Array.isArray(schema.type) && schema.type.includes(type))) return true;
  for (const key of ["anyOf", "oneOf"]) {
    const branches = schema[key];
    if (Array.isArray(branches) && branches.some((branch) => accepts(branch, type))) return true;
  }
  return false;
}

/** Whether a schema, or an anyOf branch or item schema of it, has `format`. */
function hasFormat(schema: unknown, format: string): boolean {
  if (!isObject(schema)) return false;
  if (schema.format === format) return true;
  const branches = Array.isArray(schema.anyOf) ? schema.anyOf : [];
  return branches.some((branch) => hasFormat(branch, format)) || hasFormat(schema.items, format);
}

function customizeAjv(ajv: Ajv): Ajv {
  ajv.addFormat("uuid4", { type: "string", validate: (value: string) => uuid4Problem(value) === null });
  ajv.addFormat("uuid", {
    type: "string",
    validate: (value: string) => uuid4Problem(value)?.type !== "uuid_parsing",
  });
  ajv.addFormat("email", { type: "string", validate: (value: string) => emailProblem(value) === null });
  ajv.addFormat("date-time", {
    type: "string",
    validate: (value: string) =>
      /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/i.test(value),
  });
  for (const name of ["uri", "date", "binary", "int64", "int32", "path", "color"]) ajv.addFormat(name, true);
  return ajv;
}

export function readSpec(file: string): Schema {
  const document: unknown = parseYaml(readFileSync(file, "utf8"));
  if (!isObject(document)) throw new Error(`[polar-emulator] ${file} is not an OpenAPI document`);
  return document;
}

/** Loads one spec into openapi-backend and describes its operations. */
export async function loadOperations(document: Schema): Promise<OperationInfo[]> {
  // `quick` skips openapi-backend's definition check, which knows OpenAPI 3.0 only and refuses
  // 3.1's `const`; it also compiles validators lazily: a request validator is compiled on first
  // use or by warmUp() after the server listens, and response validators (which the emulator never
  // uses) are never compiled. Compiling eagerly would make startup grow with the spec.
  const backend = new OpenAPIBackend({
    definition: structuredClone(document) as unknown as Document,
    quick: true,
    strict: true,
    validate: true,
    coerceTypes: true,
    ajvOpts: { allErrors: true, verbose: true, strict: false, code: { optimize: false } },
    customizeAjv: (ajv) => customizeAjv(ajv as unknown as Ajv) as never,
  });
  await backend.init();
  return backend.router.getOperations().map((operation) => {
    const security = (operation.security ?? []) as Record<string, string[]>[];
    const oat = security.find((requirement) => "oat" in requirement);
    const query = new Map<string, QuerySpec>();
    const uuidParams = new Set<string>();
    for (const parameter of (operation.parameters ?? []) as unknown as Schema[]) {
      if (hasFormat(parameter.schema, "uuid4")) uuidParams.add(String(parameter.name));
      if (parameter.in !== "query") continue;
      query.set(String(parameter.name), {
        array: accepts(parameter.schema, "array") && !accepts(parameter.schema, "string"),
        boolean: accepts(parameter.schema, "boolean"),
        integer: accepts(parameter.schema, "integer") && !accepts(parameter.schema, "string"),
        deepObject: parameter.style === "deepObject",
      });
    }
    const requestBody = operation.requestBody as Schema | undefined;
    return {
      operationId: String(operation.operationId),
      method: operation.method.toUpperCase(),
      path: operation.path,
      scopes: oat?.oat ?? [],
      bodySchema: (requestBody?.content as Record<string, Schema> | undefined)?.["application/json"]?.schema,
      query,
      uuidParams,
      operation,
      validator: backend,
    };
  });
}

/**
 * Compiles every operation's request validators, one per event-loop turn, so requests that
 * arrive meanwhile are served (their own validator compiles on demand).
 */
export async function warmUp(operations: OperationInfo[]): Promise<void> {
  for (const info of operations) {
    await new Promise((resolve) => setImmediate(resolve));
    info.validator.validator.getRequestValidatorsForOperation(info.operationId);
  }
}

export function buildRouter(operations: OperationInfo[]): Router<OperationInfo> {
  const router = new Router<OperationInfo>();
  for (const info of operations) router.add(info.method, info.path, info);
  return router;
}

const PYTHON_INT = /^\s*[+-]?\d+(_\d+)*\s*$/;
/** Fails ajv's integer check; the 422 then reports the raw input, so this text is never seen. */
const NOT_AN_INTEGER = "not an integer";

const TRUE = new Set(["1", "on", "t", "true", "y", "yes"]);
const FALSE = new Set(["0", "off", "f", "false", "n", "no"]);

/**
 * Raw query values shaped the way FastAPI reads them: repeated keys are lists, a single value of
 * a list-only parameter is a one-item list, `metadata[key]=v` is a deepObject, and booleans and
 * integers follow pydantic's spellings. Unknown parameters are ignored, as Polar ignores them.
 */
export function shapeQuery(
  info: OperationInfo,
  search: URLSearchParams,
): { raw: Record<string, unknown>; shaped: Record<string, unknown> } {
  const raw: Record<string, unknown> = {};
  const shaped: Record<string, unknown> = {};
  for (const [name, spec] of info.query) {
    if (spec.deepObject) {
      const object: Record<string, string | string[]> = {};
      for (const [key, value] of search) {
        // Polar reads `metadata[key]` with re.match(r"metadata\[([^\]]+)\]"): the key ends at the first `]`.
        const match = key.startsWith(`${name}[`)
          ? /^([^\]]+)\]/.exec(key.slice(name.length + 1))?.[1]
          : undefined;
        if (match === undefined) continue;
        const existing = object[match];
        object[match] =
          existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value];
      }
      if (Object.keys(object).length > 0) {
        raw[name] = object;
        shaped[name] = object;
      }
      continue;
    }
    const values = search.getAll(name);
    if (values.length === 0) continue;
    raw[name] = values.length === 1 ? values[0] : values;
    let value: string | string[] = values.length === 1 && !spec.array ? values[0] : values;
    if (spec.boolean) {
      const normalize = (text: string) =>
        TRUE.has(text.toLowerCase()) ? "true" : FALSE.has(text.toLowerCase()) ? "false" : text;
      value = Array.isArray(value) ? value.map(normalize) : normalize(value);
    }
    if (spec.integer) {
      // pydantic reads integers like Python's int(): digits with optional sign, `_` between
      // digits and surrounding spaces; `1e3` and `0x10`, which ajv's coercion would take, are not.
      const normalize = (text: string) =>
        PYTHON_INT.test(text) ? text.trim().replaceAll("_", "") : NOT_AN_INTEGER;
      value = Array.isArray(value) ? value.map(normalize) : normalize(value);
    }
    shaped[name] = value;
  }
  return { raw, shaped };
}

/**
 * pydantic's "before" validators that change the input before it is checked: AddressInput upper-
 * cases its country (`"us"` is accepted as `"US"`). Changes the parsed body in place.
 */
function beforeValidation(body: unknown): unknown {
  if (isObject(body) && isObject(body.billing_address) && typeof body.billing_address.country === "string") {
    body.billing_address.country = body.billing_address.country.toUpperCase();
  }
  return body;
}

export interface ValidatedRequest {
  query: Record<string, unknown>;
  params: Record<string, string>;
}

/**
 * Validates a request against its operation with the ajv validators openapi-backend compiled for
 * it. The object validated has openapi-backend's shape (`path`, `query`, `header`, `cookie`,
 * `requestBody`); building it here instead of calling `validateRequest` skips openapi-backend's
 * per-request parsing (path template, query string, cookies), which cost 20 times the validation
 * itself. ajv coerces path and query values in place. Returns pydantic-style details, empty when valid.
 */
export function validate(
  info: OperationInfo,
  request: { headers: Record<string, string | string[] | undefined>; params: Record<string, string> },
  query: { raw: Record<string, unknown>; shaped: Record<string, unknown> },
  body: unknown,
): { details: ValidationDetail[]; coerced: ValidatedRequest } {
  const parameters: Record<string, unknown> = {
    path: { ...request.params },
    query: query.shaped,
    header: request.headers,
    cookie: {},
  };
  if (body !== undefined) parameters.requestBody = beforeValidation(body);
  const errors: { error: ErrorObject; root: unknown }[] = [];
  for (const validator of info.validator.validator.getRequestValidatorsForOperation(info.operationId)) {
    if (!validator(parameters) && validator.errors) {
      for (const error of validator.errors) errors.push({ error, root: validator.schema });
    }
  }
  const coerced = { query: parameters.query as Record<string, unknown>, params: { ...request.params } };
  if (errors.length === 0) {
    // pydantic hands the handler a UUID object, so every accepted spelling names the same id.
    for (const name of info.uuidParams) {
      if (typeof coerced.params[name] === "string")
        coerced.params[name] = canonicalUuid(coerced.params[name]);
      const value = coerced.query[name];
      if (typeof value === "string") coerced.query[name] = canonicalUuid(value);
      if (Array.isArray(value)) coerced.query[name] = value.map((item) => canonicalUuid(String(item)));
    }
    return { details: nulDetails(info.bodySchema, body), coerced };
  }
  // Each validator's errors are translated with its own root schema (for its local `$ref`s).
  const perValidator = [...new Set(errors.map(({ root }) => root))].flatMap((root) =>
    toPydanticDetails(
      errors.filter((entry) => entry.root === root).map(({ error }) => error),
      { query: query.raw, path: request.params },
      { tagFunction: TAG_FUNCTIONS[info.operationId], rootSchema: root },
    ),
  );
  const details = orderDetails(perValidator);
  return { details, coerced };
}
