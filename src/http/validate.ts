/**
 * Validates a request against its operation: the body with the model walker (walked operations)
 * or ajv's translated errors, the parameters with ajv, then the checks JSON Schema cannot express
 * (aware datetimes and the resources' validators in the query, the NUL character). Returns
 * pydantic's details, empty when valid.
 */
import type { ErrorObject } from "ajv";
import type { ValidationDetail } from "../errors.js";
import { MISSING } from "../pydantic/messages.js";
import { nulDetails, orderDetails, toPydanticDetails } from "../pydantic/translate.js";
import { canonicalUuid } from "../pydantic/uuid.js";
import { isObject } from "../util/is-object.js";
import type { OperationInfo } from "./operations.js";

const ZONE = /(Z|[+-]\d{2}(:?\d{2})?)$/i;

function awareDatetimeDetails(info: OperationInfo, query: Record<string, unknown>): ValidationDetail[] {
  return info.awareDatetimeQuery.flatMap((name) => {
    const value = query[name];
    if (typeof value !== "string" || ZONE.test(value.trim())) return [];
    return [
      { type: "timezone_aware", loc: ["query", name], msg: "Input should have timezone info", input: value },
    ];
  });
}

/**
 * The operation's query rules: a custom type's error in place of the schema's errors it stands
 * for (dropped from `errors`), and the checks of the values the schema accepted.
 */
function queryRuleDetails(
  info: OperationInfo,
  query: Record<string, unknown>,
  errors: { error: ErrorObject; root: unknown }[],
): ValidationDetail[] {
  const details: ValidationDetail[] = [];
  for (const [name, rule] of Object.entries(info.queryRules)) {
    const path = `/query/${name}`;
    const raw = query[name];
    const replaced = (error: ErrorObject) =>
      error.instancePath === path && (rule.instead?.keywords ?? []).includes(error.keyword);
    const replacing = errors.some(({ error }) => replaced(error));
    for (let index = errors.length - 1; index >= 0; index--) {
      if (replaced(errors[index].error)) errors.splice(index, 1);
    }
    if (errors.some(({ error }) => error.instancePath === path)) continue;
    const problem = replacing
      ? (rule.instead?.problem ?? null)
      : typeof raw === "string"
        ? (rule.check?.(raw) ?? null)
        : null;
    if (problem === null) continue;
    const detail: ValidationDetail = {
      type: problem.type,
      loc: ["query", name],
      msg: problem.msg,
      input: raw,
    };
    if (problem.ctx !== undefined) detail.ctx = problem.ctx;
    details.push(detail);
  }
  return details;
}

/** Query details in the order of the operation's parameters, as FastAPI validates them (stable). */
function byParameterOrder(info: OperationInfo, details: ValidationDetail[]): ValidationDetail[] {
  const order = [...info.query.keys()];
  const rank = (detail: ValidationDetail) =>
    detail.loc[0] === "query" ? order.indexOf(String(detail.loc[1])) : -1;
  return details
    .map((detail, position) => ({ detail, position }))
    .sort((a, b) => {
      if (a.detail.loc[0] !== "query" || b.detail.loc[0] !== "query") return a.position - b.position;
      return rank(a.detail) - rank(b.detail) || a.position - b.position;
    })
    .map(({ detail }) => detail);
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
  if (body !== undefined) {
    if (!info.bodyModel) info.before?.(body);
    parameters.requestBody = body;
  }
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
  const ruled = queryRuleDetails(info, query.raw, errors);
  const coerced = { query: parameters.query as Record<string, unknown>, params: { ...request.params } };
  // Values ajv refused as datetimes have their error already.
  const refused = new Set(errors.map(({ error }) => error.instancePath));
  const aware = awareDatetimeDetails(info, query.raw).filter(
    (detail) => !refused.has(`/query/${detail.loc[1]}`),
  );
  if (
    errors.length === 0 &&
    aware.length === 0 &&
    ruled.length === 0 &&
    (bodyDetails === undefined || bodyDetails.length === 0)
  ) {
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
      { tagFunction: info.tagFunction, rootSchema: root },
    ),
  );
  const details = orderDetails([...perValidator, ...aware, ...ruled, ...(bodyDetails ?? [])]);
  return { details: ruled.length > 0 ? byParameterOrder(info, details) : details, coerced };
}
