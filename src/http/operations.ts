/**
 * The specs, loaded once at startup into openapi-backend, which compiles an ajv validator per
 * operation (lazily). Routing is ours (router.ts, compiled once); validate.ts runs an operation's
 * validators against a request the router already matched.
 */
import type { Ajv } from "ajv";
import { type Document, OpenAPIBackend, type Operation } from "openapi-backend";
import { customizeAjv } from "../pydantic/ajv.js";
import type { QueryRule } from "../pydantic/rules.js";
import type { ModelWalker } from "../pydantic/walker.js";
import { isObject } from "../util/is-object.js";
import { Router } from "./router.js";

type Schema = Record<string, unknown>;

/** How a query parameter's raw strings are shaped before validation. */
export interface QuerySpec {
  array: boolean;
  boolean: boolean;
  integer: boolean;
  deepObject: boolean;
}

/** What the resources add to the specs' JSON Schema (src/resources/index.ts `validation()`). */
export interface ValidationSettings {
  /** The walker of the walked bodies: the document's models with the resources' rules. */
  walker?: ModelWalker;
  /** Operations whose body the walker validates. */
  walked: readonly string[];
  tagFunctions: Partial<Record<string, string>>;
  before: Partial<Record<string, (body: unknown) => void>>;
  awareDatetimeQuery: Partial<Record<string, readonly string[]>>;
  queryRules: Partial<Record<string, Record<string, QueryRule>>>;
  /** Checks of the call's path before its parameters and body are validated, by operation. */
  guards?: Partial<Record<string, Guard>>;
}

/**
 * A check Polar makes while it resolves a route's dependencies, before the body is validated
 * (e.g. an organization route's 404). It sees the token's organization and the raw path parameters.
 */
export type Guard = (call: { organizationId: string; params: Record<string, string> }) => void;

/** What the pipeline needs to know about one operation, read from the spec once. */
export interface OperationInfo {
  operationId: string;
  method: string;
  path: string;
  /**
   * Scopes of the organization-token security requirement; a token needs any one. Empty: no auth.
   * Null: the operation has security requirements, none for organization tokens (only a user may
   * call it), so an organization token is refused as no token would be.
   */
  scopes: string[] | null;
  /**
   * Scopes of the customer-session security requirement (the customer portal API), or null when
   * the operation does not take customer sessions.
   */
  customerScopes: string[] | null;
  /** Only member sessions (`polar_mst_`) may call it: a customer session is refused as no token. */
  memberOnly: boolean;
  /**
   * Anyone may call it (the checkout page's client API, a public client's license check): no
   * security requirement, or Polar's `x-polar-allowed-subjects` names Anonymous, whose
   * Authenticator takes any other subject as anonymous. The Authorization header is not read.
   */
  anonymous: boolean;
  /** The (dereferenced) JSON schema of the request body, if the operation takes one. */
  bodySchema: unknown;
  /** Query parameters by name, with how their raw strings must be shaped before validation. */
  query: Map<string, QuerySpec>;
  /** Path and query parameters that are UUIDs (`uuid4` or `uuid`): canonicalized once they are valid. */
  uuidParams: Set<string>;
  operation: Operation;
  validator: OpenAPIBackend;
  /**
   * The body validated like pydantic validates Polar's model (see ModelWalker), for the walked
   * operations; the others have ajv's errors translated.
   */
  bodyModel?: { walker: ModelWalker; schema: unknown };
  /** pydantic names this operation's callable discriminator in its message. */
  tagFunction?: string;
  /** A "before" validator that changes the body before it is checked. */
  before?: (body: unknown) => void;
  /** Query parameters read as `AwareDatetime`. */
  awareDatetimeQuery: readonly string[];
  /** Checks of query parameters beyond their JSON Schema, by parameter. */
  queryRules: Record<string, QueryRule>;
  guard?: Guard;
}

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

/** An operation's request body schema as the document writes it, `$ref`s unresolved. */
function rawBodySchema(document: Schema, path: string, method: string): unknown {
  const paths = isObject(document.paths) ? document.paths : {};
  const item = isObject(paths[path]) ? paths[path] : {};
  const operation = isObject(item[method]) ? item[method] : {};
  const body = isObject(operation.requestBody) ? operation.requestBody : {};
  const content = isObject(body.content) ? body.content : {};
  const json = isObject(content["application/json"]) ? content["application/json"] : {};
  return json.schema;
}

/**
 * The document with every reference to an alias schema (a component that is only a `$ref` to
 * another, as Polar's `CheckoutCreate` is) pointing at its target: openapi-backend's dereferencing
 * leaves a chain of two references unresolved, which ajv then cannot compile.
 */
function withoutAliases(document: Schema): Schema {
  const components = isObject(document.components) ? document.components : {};
  const schemas = isObject(components.schemas) ? components.schemas : {};
  const target = (ref: string): string => {
    const seen = new Set<string>();
    let current = ref;
    while (!seen.has(current)) {
      seen.add(current);
      const name = current.replace("#/components/schemas/", "");
      const schema = schemas[name];
      if (!isObject(schema) || typeof schema.$ref !== "string" || Object.keys(schema).length !== 1) break;
      current = schema.$ref;
    }
    return current;
  };
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (isObject(node)) {
      for (const [key, value] of Object.entries(node)) {
        if (key === "$ref" && typeof value === "string") node.$ref = target(value);
        else visit(value);
      }
    }
  };
  visit(document.paths);
  visit(schemas);
  return document;
}

/**
 * openapi-backend with the document taken as given: in `quick` mode `init()` starts
 * `loadDocument()` without waiting for it, and what it loads is never read (the router and the
 * validators read the dereferenced `definition`), but its parser walks a whole OpenAPI 3.1
 * document first, synchronously: about 25 ms of every start for Polar's.
 */
class GivenDocumentBackend extends OpenAPIBackend {
  override async loadDocument(): Promise<Document> {
    this.document = this.inputDocument as Document;
    return this.document;
  }
}

/** Loads one spec into openapi-backend and describes its operations. */
export async function loadOperations(
  document: Schema,
  settings: ValidationSettings,
): Promise<OperationInfo[]> {
  // `quick` skips openapi-backend's definition check, which knows OpenAPI 3.0 only and refuses
  // 3.1's `const`; it also compiles validators lazily: a request validator is compiled on first
  // use or by warmUp() after the server listens, and response validators (which the emulator never
  // uses) are never compiled. Compiling eagerly would make startup grow with the spec.
  const backend = new GivenDocumentBackend({
    definition: withoutAliases(structuredClone(document)) as unknown as Document,
    quick: true,
    strict: true,
    validate: true,
    coerceTypes: true,
    // `validateSchema: false`: the specs' schemas are not checked against JSON Schema's own
    // meta-schema on each start (compiling it took ~20 ms); spec/ is checked by the tests.
    ajvOpts: {
      allErrors: true,
      verbose: true,
      strict: false,
      validateSchema: false,
      code: { optimize: false },
    },
    customizeAjv: (ajv) => customizeAjv(ajv as unknown as Ajv) as never,
  });
  await backend.init();
  const walker = settings.walker;
  const walked = new Set(settings.walked);
  return backend.router.getOperations().map((operation) => {
    // Scopes of the organization-token (`oat`) requirement.
    const security = operation.security ?? [];
    const oat =
      security.find((requirement) => "oat" in requirement)?.oat ?? (security.length > 0 ? null : []);
    const customerScopes =
      security.find((requirement) => "customer_session" in requirement)?.customer_session ??
      security.find((requirement) => "member_session" in requirement)?.member_session ??
      null;
    const memberOnly =
      security.some((requirement) => "member_session" in requirement) &&
      !security.some((requirement) => "customer_session" in requirement);
    const query = new Map<string, QuerySpec>();
    const uuidParams = new Set<string>();
    for (const parameter of operation.parameters ?? []) {
      if ("$ref" in parameter) continue;
      if (hasFormat(parameter.schema, "uuid4") || hasFormat(parameter.schema, "uuid"))
        uuidParams.add(String(parameter.name));
      if (parameter.in !== "query") continue;
      query.set(String(parameter.name), {
        array: accepts(parameter.schema, "array") && !accepts(parameter.schema, "string"),
        boolean: accepts(parameter.schema, "boolean"),
        integer: accepts(parameter.schema, "integer") && !accepts(parameter.schema, "string"),
        deepObject: parameter.style === "deepObject",
      });
    }
    const requestBody =
      operation.requestBody && !("$ref" in operation.requestBody) ? operation.requestBody : undefined;
    const info: OperationInfo = {
      operationId: String(operation.operationId),
      method: operation.method.toUpperCase(),
      path: operation.path,
      scopes: oat,
      customerScopes,
      memberOnly,
      anonymous:
        operation.security === undefined ||
        security.length === 0 ||
        (
          (operation as { "x-polar-allowed-subjects"?: unknown })["x-polar-allowed-subjects"] as
            | string[]
            | undefined
        )?.includes("Anonymous") === true,
      bodySchema: requestBody?.content["application/json"]?.schema,
      query,
      uuidParams,
      operation,
      validator: backend,
      tagFunction: settings.tagFunctions[String(operation.operationId)],
      before: settings.before[String(operation.operationId)],
      awareDatetimeQuery: settings.awareDatetimeQuery[String(operation.operationId)] ?? [],
      queryRules: settings.queryRules[String(operation.operationId)] ?? {},
      guard: settings.guards?.[String(operation.operationId)],
    };
    if (walker && walked.has(info.operationId)) {
      // The raw (not dereferenced) schema: its `$ref`s name the model classes.
      const raw = rawBodySchema(document, operation.path, operation.method);
      if (raw !== undefined) info.bodyModel = { walker, schema: raw };
    }
    return info;
  });
}

/**
 * Compiles every operation's request validators, one per event-loop turn, so requests that
 * arrive meanwhile are served (their own validator compiles on demand).
 */
/**
 * Compiles the operations' request validators one per event-loop turn, and only while `quiet()`
 * says no request came in lately: a compilation takes milliseconds, and right after the start is
 * when a test suite resets and sends its first requests (an operation not compiled yet is compiled
 * by its first request, as before).
 */
export async function warmUp(operations: OperationInfo[], quiet: () => boolean = () => true): Promise<void> {
  for (const info of operations) {
    await new Promise((resolve) => setImmediate(resolve));
    while (!quiet()) await new Promise((resolve) => setTimeout(resolve, WARM_UP_BACKOFF_MS).unref());
    info.validator.validator.getRequestValidatorsForOperation(info.operationId);
  }
}

const WARM_UP_BACKOFF_MS = 25;

export function buildRouter(operations: OperationInfo[]): Router<OperationInfo> {
  const router = new Router<OperationInfo>();
  for (const info of operations) router.add(info.method, info.path, info);
  return router;
}

/** The models (component names) of the bodies the walker validates: fixtures validate them the same way. */
export function walkedModels(operations: OperationInfo[]): Set<string> {
  const names = new Set<string>();
  for (const info of operations) {
    const schema = info.bodyModel?.schema;
    if (isObject(schema) && typeof schema.$ref === "string") names.add(schema.$ref.split("/").pop() ?? "");
  }
  return names;
}
