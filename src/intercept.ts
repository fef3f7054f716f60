/**
 * Sends what a Node app asks of Polar (`https://api.polar.sh`, `https://sandbox-api.polar.sh`) to
 * the emulator instead, so an app built on an adapter that only knows `server: "sandbox" |
 * "production"` (`@polar-sh/express`, `@polar-sh/nextjs`) runs against it unmodified. Both ways a
 * Node app makes requests are covered: the global `fetch` (what the official SDKs use) and
 * `node:https` (`request`, `get`). Other hosts are untouched.
 *
 * `polar-emulator/register` installs it from `POLAR_EMULATOR_URL` (`node --import
 * polar-emulator/register app.js`); `startEmulator({ intercept: true })` installs it for the
 * emulator it started and removes it on `close()`.
 */
import http from "node:http";
import https from "node:https";

/** The hosts of Polar's API, production and sandbox. */
export const POLAR_API_HOSTS: readonly string[] = ["api.polar.sh", "sandbox-api.polar.sh"];

type RequestFn = typeof https.request;

interface Installed {
  target: URL;
  fetch: typeof globalThis.fetch;
  request: RequestFn;
  get: typeof https.get;
}

let installed: Installed | undefined;

/** The URL a request to Polar goes to instead: the emulator's origin, the same path and query. */
function redirected(url: URL, target: URL): URL | undefined {
  if (url.protocol !== "https:" || !POLAR_API_HOSTS.includes(url.hostname)) return undefined;
  const moved = new URL(`${url.pathname}${url.search}`, target);
  return moved;
}

function targetOf(emulatorUrl: string): URL {
  let target: URL;
  try {
    target = new URL(emulatorUrl);
  } catch {
    throw new Error(
      `[polar-emulator] POLAR_EMULATOR_URL must be a URL such as http://127.0.0.1:8000, got "${emulatorUrl}"`,
    );
  }
  if (target.protocol !== "http:" && target.protocol !== "https:")
    throw new Error(
      `[polar-emulator] POLAR_EMULATOR_URL must be an http:// or https:// URL, got "${emulatorUrl}"`,
    );
  return target;
}

/** The URL an `https.request(...)` call asks for, whichever of its forms it was called with. */
function requestUrl(args: unknown[]): URL | undefined {
  const [first, second] = args;
  if (typeof first === "string") return new URL(first);
  if (first instanceof URL) return first;
  const options = (typeof first === "object" && first !== null ? first : second) as
    | https.RequestOptions
    | undefined;
  if (!options || typeof options !== "object") return undefined;
  const host = options.hostname ?? options.host?.replace(/:\d+$/, "");
  if (!host) return undefined;
  return new URL(`https://${host}${options.path ?? "/"}`);
}

/** `https.request` that sends Polar's requests to the emulator (over http when its URL is http). */
function interceptedRequest(original: RequestFn): RequestFn {
  return ((...args: unknown[]) => {
    const url = requestUrl(args);
    const moved = url && installed && redirected(url, installed.target);
    if (!moved) return (original as (...rest: unknown[]) => http.ClientRequest)(...args);
    // Keep the caller's options (method, headers, timeout), callback last; point them at the emulator.
    const callback = args.find((arg) => typeof arg === "function") as
      | ((response: http.IncomingMessage) => void)
      | undefined;
    const given = args.find((arg) => typeof arg === "object" && arg !== null && !(arg instanceof URL)) as
      | https.RequestOptions
      | undefined;
    const headers = { ...(given?.headers ?? {}), host: moved.host };
    const options: http.RequestOptions = {
      method: given?.method,
      headers,
      timeout: given?.timeout,
      signal: given?.signal,
      protocol: moved.protocol,
      hostname: moved.hostname,
      port: moved.port,
      path: `${moved.pathname}${moved.search}`,
    };
    const send = moved.protocol === "http:" ? http.request : original;
    return send(options, callback);
  }) as RequestFn;
}

/**
 * Starts sending Polar's requests to `emulatorUrl` (replacing an earlier target). Returns a
 * function that puts everything back.
 */
export function interceptPolar(emulatorUrl: string): () => void {
  const target = targetOf(emulatorUrl);
  if (installed) {
    installed.target = target;
    return uninterceptPolar;
  }
  const original: Installed = { target, fetch: globalThis.fetch, request: https.request, get: https.get };
  installed = original;
  globalThis.fetch = (input, init) => {
    const now = installed;
    const source =
      typeof input === "string" ? input : input instanceof URL ? input.href : (input as Request).url;
    const moved = now ? redirected(new URL(source), now.target) : undefined;
    if (!now || !moved) return original.fetch(input, init);
    // A Request keeps its method, headers and body; only the URL changes. The body is read whole
    // first, so it goes out with a Content-Length as the caller's would have, not as a stream.
    if (typeof input === "object" && !(input instanceof URL)) return forward(input, moved, init);
    return original.fetch(moved, init);
  };
  const forward = async (request: Request, moved: URL, init?: RequestInit): Promise<Response> => {
    const body = request.body ? await request.arrayBuffer() : undefined;
    return original.fetch(moved, {
      method: request.method,
      headers: request.headers,
      body,
      redirect: request.redirect,
      signal: request.signal,
      ...init,
    });
  };
  https.request = interceptedRequest(original.request);
  https.get = ((...args: Parameters<typeof https.get>) => {
    const req = https.request(...(args as Parameters<RequestFn>));
    req.end();
    return req;
  }) as typeof https.get;
  return uninterceptPolar;
}

/** Puts `fetch` and `node:https` back as they were. */
export function uninterceptPolar(): void {
  if (!installed) return;
  globalThis.fetch = installed.fetch;
  https.request = installed.request;
  https.get = installed.get;
  installed = undefined;
}
