import type { DomainContext } from "../domain/context.js";
import { PolarRequestValidationError } from "../errors.js";
import type { AccessToken } from "../store/store.js";

/** What an operation handler receives: the validated request and the domain it works on. */
export interface Call {
  /** The organization token, for public API routes; undefined on the control plane. */
  token: AccessToken | undefined;
  params: Record<string, string>;
  query: Record<string, unknown>;
  body: unknown;
  ctx: DomainContext;
}

/** What a handler answers: a status and a JSON body, or text with its content type. */
export type Reply =
  | { status: number; json: unknown; headers?: Record<string, string> }
  | { status: number; text: string; contentType: string; headers?: Record<string, string> }
  | { status: 204 };

export type Handler = (call: Call) => Reply | Promise<Reply>;

/** A plain map from operationId to handler, as in openapi-backend's examples. */
export type Handlers = Record<string, Handler>;

export function json(status: number, body: unknown): Reply {
  return { status, json: body };
}

/** The organization token of a public API call; the pipeline guarantees it is there. */
export function organizationOf(call: Call): string {
  if (!call.token) throw new Error("[polar-emulator] a public API handler ran without a token");
  return call.token.organizationId;
}

/**
 * An organization token sets the organization itself: an `organization_id` in a create body is
 * refused, as Polar's `get_payload_organization` does.
 */
export function rejectOrganizationId(organizationId: string | null | undefined): void {
  if (organizationId === undefined || organizationId === null) return;
  throw new PolarRequestValidationError([
    {
      type: "organization_token",
      loc: ["body", "organization_id"],
      msg: "Setting organization_id is disallowed when using an organization token.",
      input: organizationId,
    },
  ]);
}
