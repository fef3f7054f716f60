/**
 * Webhook endpoints as Polar keeps them: an organization's URL, the event types it subscribes to,
 * its `whsec_` secret and whether it is enabled. Validation of the parts the spec cannot express
 * (the URL) answers with pydantic's 422 entries.
 */
import type { ApiVersion } from "../domain/versions.js";
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
  /** The API version its payloads are rendered in. */
  api_version: ApiVersion;
  format: WebhookFormat;
  secret: string;
  /**
   * When Polar generated the secret (on create, on a secret reset); null for a secret the user
   * chose. It decides how deliveries are signed, and is never on the wire.
   */
  secret_generated_at: Date | null;
  events: WebhookEventType[];
  enabled: boolean;
  created_at: Date;
  modified_at: Date | null;
}

export const WEBHOOK_SECRET_PREFIX = "whsec_";

/**
 * Secrets Polar generated from this instant on are signed the Standard Webhooks way; older ones,
 * and secrets the user chose, keep Polar's original key (webhook/constants.py
 * `WEBHOOK_STANDARD_SIGNATURE_CUTOFF`).
 */
export const STANDARD_SIGNATURE_CUTOFF = new Date("2026-09-08T00:00:00Z");

/** `WebhookEndpoint.uses_standard_webhook_signature`: a secret Polar generated on or after the cutoff. */
export function usesStandardSignature(endpoint: EndpointRecord): boolean {
  const generated = endpoint.secret_generated_at;
  return generated !== null && generated.getTime() >= STANDARD_SIGNATURE_CUTOFF.getTime();
}

/**
 * A secret as Polar generates one at `at`: since the cutoff, `whsec_` and the base64 of 32 random
 * bytes (a Standard Webhooks secret); before it, `generate_token(prefix="whsec_")`, the prefix and
 * 43 alphanumerics.
 */
export function generateSecret(random: Random, at: Date): string {
  if (at.getTime() >= STANDARD_SIGNATURE_CUTOFF.getTime())
    return `${WEBHOOK_SECRET_PREFIX}${random.bytes(32).toString("base64")}`;
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

type WebhookEndpointCreateBody = Schemas["WebhookEndpointCreate"];
type WebhookEndpointUpdateBody = Schemas["WebhookEndpointUpdate"];

/**
 * Polar's create body without `organization_id` (the caller's organization), with an API version
 * of any version the emulator serves (the current one when none is given), plus the deprecated
 * `secret` Polar still takes in 2026-04 (the API checks it): a secret the user chose; one is
 * generated when it is absent. `secretGeneratedAt` backdates a generated secret (an endpoint as
 * old as that, signed the way Polar signed then).
 */
export type EndpointInput = Omit<WebhookEndpointCreateBody, "organization_id" | "api_version"> & {
  api_version?: ApiVersion;
  secret?: string | null;
  secretGeneratedAt?: Date;
};

/** Polar's update body, plus the deprecated `secret`. */
export type EndpointPatch = WebhookEndpointUpdateBody & { secret?: string | null };

/** A new endpoint of an organization (422 for a URL pydantic would refuse). */
export function newEndpoint(
  organizationId: string,
  input: EndpointInput,
  made: { random: Random; now: Date; currentVersion: ApiVersion },
): EndpointRecord {
  const url = endpointUrl(input.url, ["body", "url"]);
  const chosen = input.secret ?? undefined;
  const generatedAt = chosen === undefined ? (input.secretGeneratedAt ?? made.now) : null;
  return {
    id: made.random.uuid(),
    organization_id: organizationId,
    url,
    name: input.name ?? null,
    api_version: input.api_version ?? made.currentVersion,
    format: input.format,
    secret: chosen ?? generateSecret(made.random, generatedAt ?? made.now),
    secret_generated_at: generatedAt,
    events: [...input.events],
    enabled: true,
    created_at: made.now,
    modified_at: null,
  };
}

/** Polar's update: the fields set and not null (`exclude_unset`, `exclude_none`), checked whole first. */
export function patchEndpoint(endpoint: EndpointRecord, patch: EndpointPatch, now: Date): void {
  const url =
    patch.url === undefined || patch.url === null ? undefined : endpointUrl(patch.url, ["body", "url"]);
  if (url !== undefined) endpoint.url = url;
  if (patch.name !== undefined && patch.name !== null) endpoint.name = patch.name;
  if (patch.format !== undefined && patch.format !== null) endpoint.format = patch.format;
  if (patch.events !== undefined && patch.events !== null) endpoint.events = [...patch.events];
  // Later events only: those already created keep the version they were rendered in.
  if (patch.api_version !== undefined && patch.api_version !== null) endpoint.api_version = patch.api_version;
  if (patch.secret !== undefined && patch.secret !== null) {
    // A secret the user chose keeps Polar's original signature.
    endpoint.secret = patch.secret;
    endpoint.secret_generated_at = null;
  }
  if (patch.enabled !== undefined && patch.enabled !== null) endpoint.enabled = patch.enabled;
  endpoint.modified_at = now;
}

/** A secret generated now: an endpoint created before the cutoff moves to Standard Webhooks. */
export function newSecret(endpoint: EndpointRecord, random: Random, now: Date): void {
  endpoint.secret = generateSecret(random, now);
  endpoint.secret_generated_at = now;
  endpoint.modified_at = now;
}

/**
 * The public WebhookEndpoint object, keys in Polar's order; `standard` is whether its deliveries
 * are signed the Standard Webhooks way (by its secret's age, unless a setting forces a key).
 */
export function serializeEndpoint(endpoint: EndpointRecord, standard: boolean): WebhookEndpointWire {
  return {
    created_at: iso(endpoint.created_at),
    modified_at: isoOrNull(endpoint.modified_at),
    id: endpoint.id,
    url: endpoint.url,
    name: endpoint.name,
    api_version: endpoint.api_version,
    format: endpoint.format,
    secret: endpoint.secret,
    organization_id: endpoint.organization_id,
    events: [...endpoint.events],
    enabled: endpoint.enabled,
    uses_standard_webhook_signature: standard,
  };
}
