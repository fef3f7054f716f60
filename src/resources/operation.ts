/**
 * The contract between the request pipeline and the resources: what a handler receives for an
 * operation (typed from the specs by operationId) and what it answers. Nothing here knows HTTP;
 * src/http/app.ts turns requests into calls and replies into responses.
 */

import type { ApiVersion } from "../domain/versions.js";
import { PolarRequestValidationError } from "../errors.js";
import type { operations as ControlOperations } from "../generated/emulator.js";
import type { operations as ApiOperations } from "../generated/polar.js";
import type { AccessToken } from "../store/store.js";
import type { Ctx } from "./context.js";
import type { PortalSubject } from "./customer-sessions/service.js";
import { organizationTokenDetail } from "./organizations/rules.js";

/** Every operation of Polar's API the emulator serves (spec/polar.yaml). */
export type ApiOperationId = keyof ApiOperations & string;
/** Every control-plane operation (spec/emulator.yaml). */
export type ControlOperationId = keyof ControlOperations & string;
export type OperationId = ApiOperationId | ControlOperationId;
/** The customer portal API's operations: called with a customer session, or anonymously. */
export type PortalOperationId = Extract<ApiOperationId, `customer_portal:${string}`>;

type OperationOf<K extends OperationId> = K extends ApiOperationId
  ? ApiOperations[K]
  : K extends ControlOperationId
    ? ControlOperations[K]
    : never;

type JsonContent<B> = B extends { content: { "application/json": infer J } } ? J : undefined;

/** The validated JSON body: absent (undefined) when the operation's body is optional. */
type BodyOf<O> = O extends { requestBody: infer B }
  ? JsonContent<B>
  : O extends { requestBody?: infer B }
    ? JsonContent<NonNullable<B>> | undefined
    : undefined;

type PartOf<O, Part extends string> = O extends { parameters: infer P }
  ? P extends Record<Part, infer Q>
    ? NonNullable<Q>
    : P extends Partial<Record<Part, infer Q>>
      ? [NonNullable<Q>] extends [never]
        ? Record<string, never>
        : Partial<NonNullable<Q>>
      : Record<string, never>
  : Record<string, never>;

/** What a handler receives: the validated request and the domain it works on. */
export interface Call<K extends OperationId> {
  /**
   * The organization token of a public API call; the control plane and the customer portal API
   * (customer sessions, or no authentication) have none.
   */
  token: K extends PortalOperationId ? undefined : K extends ApiOperationId ? AccessToken : undefined;
  /** The customer (session) of a customer portal call; undefined for its anonymous operations. */
  portal: K extends PortalOperationId ? PortalSubject | undefined : undefined;
  params: PartOf<OperationOf<K>, "path">;
  query: PartOf<OperationOf<K>, "query">;
  body: BodyOf<OperationOf<K>>;
  headers: Record<string, string | string[] | undefined>;
  ctx: Ctx;
  /** The API version the call is answered in (`Polar-Version`, or the default). */
  version: ApiVersion;
}

/** What a handler answers: a status and a JSON body, or text with its content type. */
export type Reply =
  | { status: number; json: unknown; headers?: Record<string, string> }
  | { status: number; text: string; contentType: string; headers?: Record<string, string> }
  /** A big text answer in pieces, written a piece per turn of the event loop. */
  | { status: number; chunks: readonly string[]; contentType: string }
  | { status: 204 }
  | { status: 303 | 307; redirect: string };

/**
 * A page served to a browser (src/pages/): GET, or POST from one of its forms, whose
 * `application/x-www-form-urlencoded` fields arrive in `form` (empty for a GET).
 */
export interface PageRoute {
  method: "GET" | "POST";
  /** The path, its parameters as capture groups. */
  pattern: RegExp;
  handle(ctx: Ctx, groups: string[], query: URLSearchParams, form: URLSearchParams): Reply;
}

/**
 * A route of Polar's server that its published document leaves out (`include_in_schema=False`),
 * such as a checkout link's redirect: matched by path before the spec's routes, no auth.
 */
export interface HiddenRoute {
  method: "GET";
  /** The path, its parameters as capture groups. */
  pattern: RegExp;
  handle(ctx: Ctx, groups: string[], query: URLSearchParams): Reply;
}

export type Handler<K extends OperationId> = (call: Call<K>) => Reply | Promise<Reply>;

/** A plain map from operationId to handler, as in openapi-backend's examples, typed per operation. */
export type Handlers<K extends OperationId> = { [P in K]: Handler<P> };

/** The handler of any operation, as the pipeline holds it (it checked the call against the spec). */
export type AnyHandler = (call: Call<OperationId>) => Reply | Promise<Reply>;

export function json(status: number, body: unknown): Reply {
  return { status, json: body };
}

export const NO_CONTENT: Reply = { status: 204 };

/** The organization of a public API call's token. */
export function organizationOf(call: { token: AccessToken }): string {
  return call.token.organizationId;
}

/** An `organization_id` in a create body is refused: the organization token sets it. */
export function rejectOrganizationId(organizationId: string | null | undefined): void {
  if (organizationId === undefined || organizationId === null) return;
  throw new PolarRequestValidationError([
    organizationTokenDetail(["body", "organization_id"], organizationId),
  ]);
}

// --- query parameters, as list handlers read them ---------------------------------------------

/** A repeatable query parameter as a list (`?a=1&a=2`), or undefined when absent. */
export function list<T extends string>(value: T | T[] | null | undefined): T[] | undefined {
  if (value === undefined || value === null) return undefined;
  return Array.isArray(value) ? value : [value];
}

/** An organization token reads its own organization only; an `organization_id` filter intersects with it. */
export function organizationIds(call: {
  token: AccessToken;
  query: { organization_id?: string | string[] | null };
}): string[] {
  const own = organizationOf(call);
  const filter = list(call.query.organization_id);
  return filter === undefined || filter.includes(own) ? [own] : [];
}

/** `metadata[key]=v1&metadata[key]=v2`, as the pipeline shapes it: each key's values as a list. */
export function metadataFilter(value: unknown): Record<string, string[]> | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [
      key,
      Array.isArray(item) ? item.map(String) : [String(item)],
    ]),
  );
}

/** An optional datetime query parameter (validated) as a Date. */
export function dateParam(value: string | null | undefined): Date | undefined {
  return typeof value === "string" ? new Date(value) : undefined;
}

/** An optional query parameter that may be null in the spec: undefined when not given. */
export function optional<T>(value: T | null | undefined): T | undefined {
  return value === null ? undefined : value;
}
