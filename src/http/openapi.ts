/**
 * The specs, loaded once at startup with `yaml` into openapi-backend, which compiles an ajv
 * validator per operation. Routing is ours (router.ts, compiled once); openapi-backend validates
 * a request against the operation the router already found.
 */
import { readFileSync } from "node:fs";
import type { Ajv, ErrorObject } from "ajv";
import { type Document, OpenAPIBackend, type Operation } from "openapi-backend";
import { parse as parseYaml } from "yaml";
import { type PresentmentCurrency, priceAmountProblem } from "../domain/currency.js";
import { emailProblem } from "../domain/email.js";
import { meterIntervalDivides } from "../domain/products.js";
import type { ValidationDetail } from "../errors.js";
import { isObject } from "../util/is-object.js";
import { endpointUrlProblem } from "../webhooks/endpoints.js";
import {
  type ModelRules,
  ModelWalker,
  nulDetails,
  orderDetails,
  toPydanticDetails,
} from "./pydantic-errors.js";
import { type Described, MISSING, valueError } from "./pydantic-messages.js";
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
  /**
   * The body validated like pydantic validates Polar's model (see ModelWalker), for the
   * operations in WALKED_BODIES; the others have ajv's errors translated.
   */
  bodyModel?: { walker: ModelWalker; schema: unknown };
}

/**
 * Query parameters pydantic reads as `AwareDatetime`, by operation: a datetime without a zone is
 * its `timezone_aware` error (the JSON Schema says only `date-time`).
 */
const AWARE_DATETIME_QUERY: Record<string, string[]> = {
  "webhooks:list_webhook_deliveries": ["start_timestamp", "end_timestamp"],
};

const ZONE = /(Z|[+-]\d{2}(:?\d{2})?)$/i;

function awareDatetimeDetails(operationId: string, query: Record<string, unknown>): ValidationDetail[] {
  return (AWARE_DATETIME_QUERY[operationId] ?? []).flatMap((name) => {
    const value = query[name];
    if (typeof value !== "string" || ZONE.test(value.trim())) return [];
    return [
      { type: "timezone_aware", loc: ["query", name], msg: "Input should have timezone info", input: value },
    ];
  });
}

/** pydantic names the callable discriminator of a tagged union in its error message. */
const TAG_FUNCTIONS: Record<string, string> = {
  "customers:create": "_customer_create_type()",
};

// ---------------------------------------------------------------------------------------------
// Polar's models beyond their JSON Schema, for the bodies the ModelWalker validates
// ---------------------------------------------------------------------------------------------

/** Operations whose request body is validated by the ModelWalker. */
const WALKED_BODIES = new Set([
  "products:create",
  "products:update_benefits",
  "benefits:create",
  "meters:create",
  "events:ingest",
  "subscriptions:update",
  "webhooks:create_webhook_endpoint",
  "webhooks:update_webhook_endpoint",
]);

/** `validate_price_amount(currency, amount, allow_zero=True)` (product/schemas.py), skipped when the currency failed. */
function priceAmount(value: unknown, data: Record<string, unknown>): Described | null {
  if (typeof value !== "number" || typeof data.price_currency !== "string") return null;
  return priceAmountProblem(data.price_currency as PresentmentCurrency, value);
}

interface SeatTier {
  min_seats: number;
  max_seats?: number | null;
  price_per_seat: number;
}

/** `ProductPriceSeatTiers.validate_tiers` (product/schemas.py, with product/tiers.py's bound checks). */
function seatTiersProblem(tiers: SeatTier[]): string | null {
  const sorted = [...tiers].sort((a, b) => a.min_seats - b.min_seats);
  for (let index = 0; index + 1 < sorted.length; index++) {
    const current = sorted[index];
    const next = sorted[index + 1];
    if (current.max_seats === undefined || current.max_seats === null)
      return "Only the last tier can have unlimited max_seats (None)";
    if (next.min_seats !== current.max_seats + 1) {
      return `Gap or overlap between tiers: tier ending at ${current.max_seats} and tier starting at ${next.min_seats}`;
    }
  }
  // seat_tiers_to_tiers: each tier's max_seats becomes a bound, sorted with the unbounded last.
  const bounds = sorted
    .map((tier) => tier.max_seats ?? null)
    .sort((a, b) => (a === null || b === null ? (a === null ? (b === null ? 0 : 1) : -1) : a - b));
  for (let index = 0; index + 1 < bounds.length; index++) {
    if (bounds[index] !== null && bounds[index] === bounds[index + 1])
      return `Tier max_seats values must be unique, got ${bounds[index]} twice`;
  }
  const minimum = sorted[0].min_seats;
  const maximum = sorted[sorted.length - 1].max_seats ?? null;
  const lastBound = bounds[bounds.length - 1];
  if (lastBound !== null && minimum > lastBound)
    return `minimum_seats must not exceed the last tier's max_seats, got ${minimum} > ${lastBound}`;
  if (maximum !== null) {
    if (maximum < minimum) return `maximum_seats must be >= minimum_seats, got ${maximum} < ${minimum}`;
    if (lastBound !== null && maximum > lastBound)
      return `maximum_seats must not exceed the last tier's max_seats, got ${maximum} > ${lastBound}`;
  }
  return null;
}

const SLACK_ALLOWED =
  "Allowed: {customer_name}, {customer_email_local}, or {metadata.<key>} for customer metadata.";
const SLACK_FIXED = new Set(["customer_name", "customer_email_local"]);
const SLACK_METADATA = /^metadata\.[^{}]+$/;

/** `validate_template` (benefit/strategies/slack_shared_channel/template.py). */
function slackTemplateProblem(template: string): string | null {
  const malformed = (text: string) => `Malformed placeholder: ${text}. ${SLACK_ALLOWED}`;
  let position = 0;
  for (const match of template.matchAll(/\{([^{}]*)\}/g)) {
    const before = template.slice(position, match.index);
    if (/[{}]/.test(before)) return malformed(before);
    const name = match[1];
    if (!/^[\p{L}\p{N}_.]+$/u.test(name) && !SLACK_METADATA.test(name)) return malformed(`{${name}}`);
    if (!SLACK_FIXED.has(name) && !SLACK_METADATA.test(name))
      return `Unknown placeholder: {${name}}. ${SLACK_ALLOWED}`;
    position = (match.index ?? 0) + match[0].length;
  }
  if (/[{}]/.test(template.slice(position))) return malformed(template.slice(position));
  // _render_permissive: rendered for a sample customer, it must leave something to slugify.
  const rendered = template.replace(/\{([^{}]*)\}/g, (_, name: string) =>
    name === "customer_name"
      ? "sample customer"
      : SLACK_FIXED.has(name) || SLACK_METADATA.test(name)
        ? "sample"
        : "",
  );
  if (!/[\p{L}\p{N}]/u.test(rendered))
    return "Template renders to an empty channel name against a sample customer.";
  return null;
}

/** `_coerce_legacy_free_price` (product/schemas.py): a `free` price is a fixed price of 0. */
function legacyFreePrice(item: unknown): unknown {
  if (!isObject(item) || item.amount_type !== "free") return item;
  const kept = Object.fromEntries(
    ["price_currency", "tax_behavior"].filter((key) => key in item).map((key) => [key, item[key]]),
  );
  return { amount_type: "fixed", price_amount: 0, ...kept };
}

const LICENSE_KEY_TTL_MAXIMUM: Record<string, number> = { year: 457, month: 1200, day: 36500 };

export const MODEL_RULES: ModelRules = {
  callableUnions: {
    // ProductCreate: Discriminator(_product_create_discriminator) with Tag("recurring") and Tag("one_time").
    ProductCreate: {
      fn: "_product_create_discriminator()",
      tagOf: (data) =>
        isObject(data) && data.recurring_interval !== undefined && data.recurring_interval !== null
          ? "recurring"
          : "one_time",
      tags: { ProductCreateRecurring: "recurring", ProductCreateOneTime: "one_time" },
    },
  },
  tagEnums: {
    amount_type: { name: "ProductPriceAmountType" },
    type: { name: "BenefitType" },
    func: { name: "AggregationFunction", members: { count: "cnt" } },
  },
  // meter/filter.py and meter/aggregation.py use pydantic's BaseModel, not Polar's Schema.
  plainModels: new Set([
    "Filter",
    "FilterClause",
    "CountAggregation",
    "PropertyAggregation",
    "UniqueAggregation",
  ]),
  typedDicts: new Set(["EventMetadataInput", "CostMetadata-Input", "LLMMetadata"]),
  fieldKinds: {
    // ProductName: str with StripValidator, then min_length=3 and max_length=64.
    "ProductCreateRecurring.name": "stripped-length",
    "ProductCreateOneTime.name": "stripped-length",
    // EventCreateBase.timestamp: AwareDatetime with AfterValidator(is_past_timestamp).
    "EventCreateCustomer.timestamp": "aware-past-datetime",
    "EventCreateExternalCustomer.timestamp": "aware-past-datetime",
    "SubscriptionUpdateBase.trial_end": "future-datetime",
    "SubscriptionUpdateBillingPeriod.current_billing_period_end": "future-datetime",
    "SubscriptionPause.resumes_at": "future-datetime",
  },
  fieldValidators: {
    // EndpointURL: HttpsUrl with validate_hostname (webhook/schemas.py); http and local hosts allowed.
    "WebhookEndpointCreate.url": endpointUrlProblem,
    "WebhookEndpointUpdate.url": endpointUrlProblem,
    "ProductPriceFixedCreate.price_amount": priceAmount,
    "ProductPriceCustomCreate.minimum_amount": priceAmount,
    "ProductPriceCustomCreate.maximum_amount": priceAmount,
    "ProductPriceCustomCreate.preset_amount": priceAmount,
    "ProductPriceSeatTiers-Input.tiers": (value) => {
      const problem = Array.isArray(value) && value.length > 0 ? seatTiersProblem(value as SeatTier[]) : null;
      return problem === null ? null : valueError(problem);
    },
    "BenefitSlackSharedChannelCreateProperties.channel_name_template": (value) => {
      const problem = typeof value === "string" ? slackTemplateProblem(value) : null;
      return problem === null ? null : valueError(problem);
    },
  },
  modelValidators: {
    ProductCreateRecurring: (value) => {
      // TrialConfigurationInputMixin.is_complete_configuration, then validate_meter_interval.
      if (((value.trial_interval ?? null) === null) !== ((value.trial_interval_count ?? null) === null)) {
        return {
          type: MISSING.type,
          msg: "Both trial_interval and trial_interval_count must be set together.",
        };
      }
      const meterInterval = value.meter_interval ?? null;
      if (
        typeof meterInterval === "string" &&
        !meterIntervalDivides(
          meterInterval,
          typeof value.meter_interval_count === "number" ? value.meter_interval_count : 1,
          String(value.recurring_interval),
          typeof value.recurring_interval_count === "number" ? value.recurring_interval_count : 1,
        )
      ) {
        return valueError(
          "The meter interval must evenly divide the billing interval, so the meter cycle re-aligns with the billing cycle at every renewal.",
        );
      }
      return null;
    },
    BenefitLicenseKeyExpirationProperties: (value) => {
      const maximum = LICENSE_KEY_TTL_MAXIMUM[String(value.timeframe)];
      if (typeof value.ttl !== "number" || maximum === undefined || value.ttl <= maximum) return null;
      return valueError(
        `ttl value ${value.ttl} exceeds the maximum of ${maximum} for timeframe '${String(value.timeframe)}'.`,
      );
    },
    MeterCreate: (value) => {
      const label = value.custom_label ?? null;
      if (value.unit === "custom" && label === null)
        return valueError("custom_label is required when unit is 'custom'.");
      if (value.unit !== "custom" && label !== null)
        return valueError("custom_label and custom_multiplier are only allowed when unit is 'custom'.");
      return null;
    },
  },
  itemBeforeValidators: {
    "ProductCreateRecurring.prices": legacyFreePrice,
    "ProductCreateOneTime.prices": legacyFreePrice,
  },
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

/** Polar's formats, as pydantic reads them, on an ajv instance (the pipeline's and the fixtures'). */
export function customizeAjv(ajv: Ajv): Ajv {
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
  const walker = new ModelWalker(document, MODEL_RULES);
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
    const info: OperationInfo = {
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
    if (WALKED_BODIES.has(info.operationId)) {
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

/** Replaces an object's content in place: the handler is given the same object the pipeline parsed. */
function replaceContent(target: Record<string, unknown>, source: Record<string, unknown>): void {
  for (const key of Object.keys(target)) delete target[key];
  Object.assign(target, source);
}

/**
 * Validates a request against its operation with the ajv validators openapi-backend compiled for
 * it. The object validated has openapi-backend's shape (`path`, `query`, `header`, `cookie`,
 * `requestBody`); building it here instead of calling `validateRequest` skips openapi-backend's
 * per-request parsing (path template, query string, cookies), which cost 20 times the validation
 * itself. ajv coerces path and query values in place. Returns pydantic-style details, empty when valid.
 *
 * A body with a `bodyModel` is validated by the ModelWalker instead, which gives pydantic's
 * errors, or coerces the body in place as pydantic would (`"5"` for an int is 5); ajv then checks
 * the coerced body all the same, so a handler only ever sees a body its JSON Schema allows.
 * `now`, when given, is the time the walker's time-relative checks use (the domain's clock).
 */
export function validate(
  info: OperationInfo,
  request: { headers: Record<string, string | string[] | undefined>; params: Record<string, string> },
  query: { raw: Record<string, unknown>; shaped: Record<string, unknown> },
  body: unknown,
  now?: Date,
): { details: ValidationDetail[]; coerced: ValidatedRequest } {
  let bodyDetails: ValidationDetail[] | undefined;
  if (info.bodyModel && body !== undefined) {
    if (body === null) {
      // FastAPI reads a JSON `null` as no body at all.
      bodyDetails = [{ type: MISSING.type, loc: ["body"], msg: MISSING.msg, input: null }];
    } else {
      const walked = info.bodyModel.walker.validate(info.bodyModel.schema, body, now);
      bodyDetails = walked.details;
      if (bodyDetails.length === 0 && isObject(body) && isObject(walked.value) && walked.value !== body)
        replaceContent(body, walked.value);
    }
  }
  const parameters: Record<string, unknown> = {
    path: { ...request.params },
    query: query.shaped,
    header: request.headers,
    cookie: {},
  };
  if (body !== undefined) parameters.requestBody = info.bodyModel ? body : beforeValidation(body);
  const errors: { error: ErrorObject; root: unknown }[] = [];
  for (const validator of info.validator.validator.getRequestValidatorsForOperation(info.operationId)) {
    if (!validator(parameters) && validator.errors) {
      for (const error of validator.errors) {
        // The walker's errors stand for the body's.
        if (
          bodyDetails !== undefined &&
          bodyDetails.length > 0 &&
          error.instancePath.startsWith("/requestBody")
        )
          continue;
        errors.push({ error, root: validator.schema });
      }
    }
  }
  const coerced = { query: parameters.query as Record<string, unknown>, params: { ...request.params } };
  // Values ajv refused as datetimes have their error already.
  const refused = new Set(errors.map(({ error }) => error.instancePath));
  const aware = awareDatetimeDetails(info.operationId, query.raw).filter(
    (detail) => !refused.has(`/query/${detail.loc[1]}`),
  );
  if (errors.length === 0 && aware.length === 0 && (bodyDetails === undefined || bodyDetails.length === 0)) {
    // pydantic hands the handler a UUID object, so every accepted spelling names the same id.
    for (const name of info.uuidParams) {
      if (typeof coerced.params[name] === "string")
        coerced.params[name] = canonicalUuid(coerced.params[name]);
      const value = coerced.query[name];
      if (typeof value === "string") coerced.query[name] = canonicalUuid(value);
      if (Array.isArray(value)) coerced.query[name] = value.map((item) => canonicalUuid(String(item)));
    }
    return { details: bodyDetails === undefined ? nulDetails(info.bodySchema, body) : [], coerced };
  }
  // Each validator's errors are translated with its own root schema (for its local `$ref`s).
  const perValidator = [...new Set(errors.map(({ root }) => root))].flatMap((root) =>
    toPydanticDetails(
      errors.filter((entry) => entry.root === root).map(({ error }) => error),
      { query: query.raw, path: request.params },
      { tagFunction: TAG_FUNCTIONS[info.operationId], rootSchema: root },
    ),
  );
  const details = orderDetails([...perValidator, ...aware, ...(bodyDetails ?? [])]);
  return { details, coerced };
}
