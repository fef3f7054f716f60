/**
 * Webhook endpoints as Polar keeps them: an organization's URL, the event types it subscribes to,
 * its `whsec_` secret and whether it is enabled. Validation of the parts the spec cannot express
 * (the URL) answers with pydantic's 422 entries.
 */
import type { Schemas } from "../domain/wire.js";

import { RequestValidationError } from "../errors.js";
import type { Described } from "../pydantic/messages.js";
import { httpUrlProblem } from "../pydantic/url.js";
import type { Random } from "../util/random.js";
import { iso, isoOrNull } from "../util/time.js";

export type WebhookEndpointWire = Schemas["WebhookEndpoint"];
export type WebhookEventType = Schemas["WebhookEventType"];
export type WebhookFormat = Schemas["WebhookFormat"];

export interface EndpointRecord {
  id: string;
  organization_id: string;
  url: string;
  name: string | null;
  format: WebhookFormat;
  secret: string;
  events: WebhookEventType[];
  enabled: boolean;
  created_at: Date;
  modified_at: Date | null;
}

export const WEBHOOK_SECRET_PREFIX = "whsec_";

/** A secret like Polar's `generate_token(prefix="whsec_")`: the prefix and 43 alphanumerics. */
export function generateSecret(random: Random): string {
  return `${WEBHOOK_SECRET_PREFIX}${random.alphanumeric(43)}`;
}

/**
 * What pydantic's URL type says of an endpoint URL (after Polar strips it), or null when it is
 * one. Unlike Polar, `http://` and localhost or private hosts are allowed: receivers under test run
 * on the developer's machine.
 */
export function endpointUrlProblem(input: unknown): Described | null {
  if (typeof input !== "string") return null;
  // The webhook URL's length is checked by its JSON Schema, before this.
  const trimmed = input.trim();
  return httpUrlProblem(trimmed === "" ? input : trimmed, Number.POSITIVE_INFINITY);
}

/**
 * The URL as pydantic's URL type stores it (WHATWG-normalized: `https://Example.com` becomes
 * `https://example.com/`). The request pipeline has refused what `endpointUrlProblem` refuses; a
 * caller in process (a boot flag) gets the same 422.
 */
export function endpointUrl(input: string, loc: (string | number)[]): string {
  const problem = endpointUrlProblem(input);
  if (problem) throw new RequestValidationError([{ ...problem, loc, input }]);
  return new URL(input.trim()).href;
}

/** The public WebhookEndpoint object, keys in Polar's order. */
export function serializeEndpoint(endpoint: EndpointRecord): WebhookEndpointWire {
  return {
    created_at: iso(endpoint.created_at),
    modified_at: isoOrNull(endpoint.modified_at),
    id: endpoint.id,
    url: endpoint.url,
    name: endpoint.name,
    format: endpoint.format,
    secret: endpoint.secret,
    organization_id: endpoint.organization_id,
    events: [...endpoint.events],
    enabled: endpoint.enabled,
  };
}
