/**
 * The emulator's own base URLs, in one place.
 *
 * - `publicBase(ctx)`: where the links it hands out in objects point (a checkout's `url`, a
 *   customer session's `customer_portal_url`): `--public-url` when given, else the address it
 *   listens on. Objects are also made without a request (webhooks, fixtures), so not the Host.
 * - `requestBaseUrl(headers)`: the base a client reached it by, for a redirect's absolute
 *   Location, as Starlette builds it from the request (Host, and `X-Forwarded-Proto` behind a proxy).
 */
import type { DomainContext } from "./context.js";

/** Where links point when the emulator was given no public URL (before it listens). */
export const FALLBACK_PUBLIC_URL = "http://127.0.0.1:8000";

/** The public base URL of the emulator this context belongs to. */
export function publicBase(ctx: DomainContext): string {
  return ctx.publicUrl?.() ?? FALLBACK_PUBLIC_URL;
}

export function requestBaseUrl(headers: Record<string, string | string[] | undefined>): string {
  const first = (value: string | string[] | undefined): string | undefined =>
    Array.isArray(value) ? value[0] : value;
  const forwarded = first(headers["x-forwarded-proto"])?.split(",")[0]?.trim();
  const protocol = forwarded === "https" ? "https" : "http";
  const host = first(headers.host) || "localhost";
  return `${protocol}://${host}`;
}
