/**
 * The HTTP app: one pipeline, in the order Polar's server applies it.
 *
 *   common headers → Polar-Version → route (404/405/307) → body (411/413/json_invalid)
 *   → auth (401/403) → schema validation (422) → handler → reply
 *
 * The public API (`/v1/...`) and the control plane (`/_emulator/...`) share it; the control plane
 * has no Polar-Version, and no auth unless a control token is set (then checked before routing).
 */

import type { IncomingMessage, ServerResponse } from "node:http";
import { createRequire } from "node:module";
import type { Express, NextFunction, Request, Response } from "express";
import type { Logger } from "pino";
import { requestBaseUrl } from "../domain/public-url.js";
import { type ApiVersion, parseApiVersion } from "../domain/versions.js";
import { MethodNotAllowed, PolarHttpError, RequestValidationError, RouteNotFound } from "../errors.js";
import type { Ctx } from "../resources/context.js";
import type { PortalSubject } from "../resources/customer-sessions/service.js";
import type { AnyHandler, Call, HiddenRoute, OperationId, PageRoute, Reply } from "../resources/operation.js";
import type { AccessToken } from "../store/store.js";
import type { Exclusive } from "../util/steps.js";
import { authenticate, authenticateCustomer } from "./auth.js";
import { decodeBody, readBody } from "./body.js";
import { ControlUnauthorized, controlAuthorized, HEALTH_PATH } from "./control-auth.js";
import type { OperationInfo } from "./operations.js";
import { shapeQuery } from "./query.js";
import type { RateLimiter } from "./rate-limit.js";
import type { Router } from "./router.js";
import { validate } from "./validate.js";

export const CONTROL_PREFIX = "/_emulator";

export interface Surface {
  router: Router<OperationInfo>;
  handlers: Readonly<Record<string, AnyHandler>>;
}

export interface AppOptions {
  /** Polar's API as a version answers it (its own request validation; the handlers are the same). */
  api: (version: ApiVersion) => Surface | Promise<Surface>;
  control: Surface;
  /** The current domain; a reset swaps it, so it is read per request. */
  context: () => Ctx;
  logger: Logger;
  version: string;
  rateLimiter: RateLimiter;
  /** What a request without `Polar-Version` gets (Polar's current version unless configured). */
  defaultApiVersion: ApiVersion;
  /** Polar's routes its document leaves out (the resources' `hidden`), tried before the spec's. */
  hidden?: readonly HiddenRoute[];
  /** The HTML pages served to a browser (src/pages/): outside the API, no auth, no Polar-Version. */
  pages?: readonly PageRoute[];
  /** A JSON answer as a version has it (the resources' `versioned`). */
  renderInVersion: (json: unknown, version: ApiVersion) => unknown;
  /** When set, the control plane (but its health check) needs `Authorization: Bearer <token>`. */
  controlToken?: string;
  /** What a big control-plane request holds while it runs in slices: other requests wait for it. */
  exclusive?: Exclusive;
}

/**
 * Writes a reply with Node's own response API: FastAPI's JSON responses carry
 * `content-type: application/json` without a charset (express's `send` would add one), text ones
 * `text/…; charset=utf-8`. Node leaves the body out for HEAD by itself.
 */
function send(res: ServerResponse, reply: Reply): void {
  res.statusCode = reply.status;
  if ("headers" in reply && reply.headers) {
    for (const [name, value] of Object.entries(reply.headers)) res.setHeader(name, value);
  }
  let payload: string | undefined;
  if ("redirect" in reply) {
    res.setHeader("Location", reply.redirect);
    res.setHeader("Content-Length", 0);
    res.end();
    return;
  }
  if ("chunks" in reply) {
    res.setHeader("Content-Type", reply.contentType);
    let length = 0;
    for (const chunk of reply.chunks) length += Buffer.byteLength(chunk);
    res.setHeader("Content-Length", length);
    writeInTurns(res, reply.chunks);
    return;
  }
  if ("json" in reply && reply.json !== undefined) {
    payload = JSON.stringify(reply.json) ?? "null";
    res.setHeader("Content-Type", "application/json");
  } else if ("text" in reply) {
    payload = reply.text;
    res.setHeader("Content-Type", reply.contentType);
  }
  if (payload === undefined) {
    res.end();
    return;
  }
  res.setHeader("Content-Length", Buffer.byteLength(payload));
  res.end(payload);
}

/** Writes the pieces one per turn of the event loop (a big snapshot is tens of megabytes). */
function writeInTurns(res: ServerResponse, chunks: readonly string[]): void {
  let next = 0;
  const write = (): void => {
    if (res.destroyed) return;
    if (next === chunks.length - 1 || chunks.length === 0) {
      res.end(chunks[next] ?? "");
      return;
    }
    res.write(chunks[next]);
    next += 1;
    setImmediate(write);
  };
  write();
}

function sendError(res: ServerResponse, error: PolarHttpError): void {
  send(res, { status: error.status, json: error.body, headers: error.headers });
}

/** A short account of an error answer for the request log: its name and, for 422s, where. */
function describeFailure(failure: PolarHttpError): string {
  const body = failure.body as { error?: unknown; detail?: unknown } | undefined;
  const name = typeof body?.error === "string" ? body.error : `HTTP ${failure.status}`;
  if (!Array.isArray(body?.detail)) return name;
  const where = body.detail.map(
    (d: { loc?: unknown[]; type?: string }) => `${(d.loc ?? []).join(".")} ${d.type}`,
  );
  return `${name}: ${where.join("; ")}`;
}

function splitUrl(url: string): { path: string; search: string } {
  const mark = url.indexOf("?");
  return mark === -1 ? { path: url, search: "" } : { path: url.slice(0, mark), search: url.slice(mark) };
}

/** A request as the pipeline handles it: Node's own (express's request is one too). */
export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void;

/** Whatever escaped the pipeline is answered as JSON, never as an HTML page. */
function lastResort(logger: Logger, failure: unknown, req: IncomingMessage, res: ServerResponse): void {
  const url = (req as { originalUrl?: string }).originalUrl ?? req.url;
  logger.error({ err: failure, method: req.method, url }, "[polar-emulator] unexpected error");
  if (res.headersSent) return;
  res.statusCode = 500;
  res.setHeader("Content-Type", "application/json");
  res.end(JSON.stringify({ error: "InternalServerError", detail: "Internal Server Error" }));
}

/**
 * The pipeline as a Node request handler: the emulator's server runs it directly (express's own
 * routing and request decoration cost about a tenth of a request and served nothing here).
 */
export function createHandler(options: AppOptions): RequestHandler {
  const { logger } = options;
  /** Requests that read or change state wait while a big control-plane request holds the store. */
  const storeFree = async (): Promise<void> => {
    if (options.exclusive?.busy) await options.exclusive.idle();
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const url = req.url ?? "/";
    // What the log shows: express's `originalUrl` when the app is mounted somewhere (emulator.app).
    const logged = (req as { originalUrl?: string }).originalUrl ?? url;
    let operationId: string | undefined;
    let organizationId: string | undefined;
    let error: string | undefined;
    res.on("finish", () => {
      logger.info(
        {
          method: req.method,
          url: logged,
          status: res.statusCode,
          ms: Math.round((performance.now() - started) * 10) / 10,
          operationId,
          organizationId,
          error,
        },
        `${req.method} ${logged} → ${res.statusCode}`,
      );
    });
    res.setHeader("Cache-Control", "private, no-store");
    res.setHeader("X-Polar-Emulator", `polar-emulator/${options.version}`);
    try {
      const { path, search } = splitUrl(url);
      const pageMethod = req.method === "HEAD" ? "GET" : req.method;
      for (const route of options.pages ?? []) {
        const found = pageMethod === route.method ? route.pattern.exec(path) : null;
        if (!found) continue;
        operationId = "page";
        // A page's form posts its fields urlencoded (the size limit is the API's).
        const form = new URLSearchParams(pageMethod === "POST" ? ((await readBody(req, false)) ?? "") : "");
        await storeFree();
        send(res, route.handle(options.context(), found.slice(1), new URLSearchParams(search), form));
        return;
      }
      const control = path === CONTROL_PREFIX || path.startsWith(`${CONTROL_PREFIX}/`);
      // The control plane's token is checked before routing: without it, nothing under
      // /_emulator says what exists there.
      if (
        control &&
        path !== HEALTH_PATH &&
        !controlAuthorized(options.controlToken, req.headers.authorization)
      )
        throw new ControlUnauthorized();
      let apiVersion = options.defaultApiVersion;
      if (!control) {
        // An empty header counts as none; a version Polar does not serve is a 404 on every route,
        // answered before the header that names the version is added.
        const requested = req.headers["polar-version"];
        if (typeof requested === "string" && requested !== "") {
          const parsed = parseApiVersion(requested);
          if (parsed === undefined) throw new RouteNotFound();
          apiVersion = parsed;
        }
        res.setHeader("Polar-Version", apiVersion);
      }

      if (!control) {
        for (const route of options.hidden ?? []) {
          const found = req.method === route.method ? route.pattern.exec(path) : null;
          if (!found) continue;
          operationId = "hidden";
          await storeFree();
          send(res, route.handle(options.context(), found.slice(1), new URLSearchParams(search)));
          return;
        }
      }

      const surface = control ? options.control : await options.api(apiVersion);
      const match = surface.router.match(req.method ?? "GET", path, search);
      if (match.kind === "not_found") throw new RouteNotFound();
      if (match.kind === "method_not_allowed") throw new MethodNotAllowed(match.allow);
      if (match.kind === "redirect") {
        // Starlette answers with an absolute URL and an empty body.
        res.statusCode = 307;
        res.setHeader("Location", `${requestBaseUrl(req.headers)}${match.location}`);
        res.end();
        return;
      }
      const info = match.route.value;
      operationId = info.operationId;

      // FastAPI reads and decodes the body before it resolves auth: bad JSON is a 422 even unauthenticated.
      const body = decodeBody(req, await readBody(req, !control));
      // The health check answers while a big request runs: the loop is free between its slices.
      if (path !== HEALTH_PATH) await storeFree();
      const ctx = options.context();
      let token: AccessToken | undefined;
      let portal: PortalSubject | undefined;
      if (!control && info.customerScopes !== null) {
        portal = authenticateCustomer(ctx, req.headers.authorization, info.memberOnly);
        organizationId = portal.organizationId;
        options.rateLimiter.hit(organizationId);
      } else if (!control && !info.anonymous) {
        token = authenticate(ctx.store, req.headers.authorization, info.scopes);
        organizationId = token.organizationId;
        options.rateLimiter.hit(organizationId);
        info.guard?.({ organizationId, params: match.params });
      }

      const query = shapeQuery(info, new URLSearchParams(search));
      const { details, coerced } = validate(
        info,
        { headers: req.headers, params: match.params },
        query,
        body,
        ctx.clock.now(),
      );
      if (details.length > 0) throw new RequestValidationError(details);

      const handler = surface.handlers[info.operationId];
      if (!handler) throw new RouteNotFound();
      // The request matches the operation's spec: the call has the shape its handler declares.
      const call = {
        token,
        portal,
        params: coerced.params,
        query: coerced.query,
        body,
        headers: req.headers,
        ctx,
        version: apiVersion,
      };
      const reply = await handler(call as Call<OperationId>);
      send(
        res,
        control || !("json" in reply)
          ? reply
          : { ...reply, json: options.renderInVersion(reply.json, apiVersion) },
      );
    } catch (failure) {
      if (failure instanceof PolarHttpError) {
        error = describeFailure(failure);
        sendError(res, failure);
        return;
      }
      if (clientGone(req, failure)) {
        // The client hung up mid-request (mid-body, usually): nothing to answer, nothing wrong here.
        logger.debug({ method: req.method, url: logged }, "client disconnected");
        return;
      }
      logger.error({ err: failure, method: req.method, url: logged }, "[polar-emulator] unexpected error");
      if (!res.headersSent) {
        send(res, { status: 500, json: { error: "InternalServerError", detail: "Internal Server Error" } });
      }
    }
  }

  return (req, res) => {
    handle(req, res).catch((failure: unknown) => lastResort(logger, failure, req, res));
  };
}

/**
 * The same pipeline as an express app (`emulator.app`, for supertest and for mounting in an app
 * of one's own), made on first use: express is loaded only then.
 */
export function createApp(handler: RequestHandler, logger: Logger): Express {
  const express = createRequire(import.meta.url)("express") as typeof import("express");
  const app = express();
  app.disable("x-powered-by");
  app.set("etag", false);
  app.use((req: Request, res: Response) => handler(req, res));
  app.use((failure: unknown, req: Request, res: Response, _next: NextFunction) =>
    lastResort(logger, failure, req, res),
  );
  return app;
}

/** Whether a failure is the client closing the connection (aborted body, reset socket). */
export function clientGone(req: IncomingMessage, failure: unknown): boolean {
  const code =
    typeof failure === "object" && failure !== null && "code" in failure ? failure.code : undefined;
  return (
    code === "ECONNRESET" ||
    code === "ECONNABORTED" ||
    code === "EPIPE" ||
    (failure instanceof Error && failure.message === "aborted") ||
    req.socket.destroyed
  );
}
