/**
 * The emulator's own base URL as a client reached it: what links it hands out (the customer
 * portal page of a customer session, a redirect's Location) point at. Read from the request's
 * Host header (and `X-Forwarded-Proto` behind a proxy), the one place that decides it.
 */
export function publicBaseUrl(headers: Record<string, string | string[] | undefined>): string {
  const first = (value: string | string[] | undefined): string | undefined =>
    Array.isArray(value) ? value[0] : value;
  const forwarded = first(headers["x-forwarded-proto"])?.split(",")[0]?.trim();
  const protocol = forwarded === "https" ? "https" : "http";
  const host = first(headers.host) || "localhost";
  return `${protocol}://${host}`;
}
