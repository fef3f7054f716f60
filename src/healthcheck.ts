/**
 * Liveness probe used by `polar-emulator healthcheck` (and so by the Docker
 * HEALTHCHECK, since the image has no curl). Pure function: no process.exit,
 * no logging; the CLI decides what to print and which exit code to use.
 */

export interface HealthResult {
  /** true only for an HTTP 200 answer received within the timeout. */
  ok: boolean;
  /** HTTP status, when a response arrived at all. */
  status?: number;
  /** Human-readable reason when ok is false. */
  error?: string;
}

/**
 * GET `url` and report whether it answered 200 within `timeoutMs`.
 * Never throws: network errors, timeouts and bad URLs come back as `{ ok: false, error }`.
 */
export async function checkHealth(url: string, timeoutMs = 2000): Promise<HealthResult> {
  try {
    // AbortSignal.timeout covers connect + headers; the body is read below under the same signal.
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    // Drain the body so the keep-alive socket is released and the process can exit promptly.
    await res.arrayBuffer().catch(() => undefined);
    if (res.status === 200) return { ok: true, status: res.status };
    return { ok: false, status: res.status, error: `GET ${url} answered HTTP ${res.status}` };
  } catch (err: unknown) {
    return { ok: false, error: `GET ${url} failed: ${describeError(err, timeoutMs)}` };
  }
}

/** Turn fetch's rejection into one line; undici hides the useful part (ECONNREFUSED…) in `cause`. */
function describeError(err: unknown, timeoutMs: number): string {
  if (err instanceof Error) {
    if (err.name === "TimeoutError" || err.name === "AbortError") return `no answer within ${timeoutMs} ms`;
    const cause: unknown = err.cause;
    if (cause instanceof Error) {
      // e.g. ECONNREFUSED; an AggregateError (IPv4 + IPv6 attempts) may have an empty message.
      const code = "code" in cause && typeof cause.code === "string" ? cause.code : undefined;
      if (code) return cause.message ? `${code} (${cause.message})` : code;
      return cause.message || err.message;
    }
    return err.message;
  }
  return String(err);
}
