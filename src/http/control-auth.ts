/**
 * The control plane's optional token (`--control-token`): when one is set, a request under
 * `/_emulator` must carry `Authorization: Bearer <token>`. The health check is the exception
 * (src/http/app.ts): container health checks and CI wait loops call it without credentials.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { PolarHttpError } from "../errors.js";

/** The exact path that answers without the control token (with less in it). */
export const HEALTH_PATH = "/_emulator/health";

/** 401 for a control-plane request without the control token, saying how to send it. */
export class ControlUnauthorized extends PolarHttpError {
  constructor() {
    super(
      401,
      {
        error: "Unauthorized",
        detail: "The control plane needs its token: Authorization: Bearer <the --control-token value>",
      },
      { "WWW-Authenticate": 'Bearer realm="polar-emulator"' },
    );
  }
}

const digest = (text: string) => createHash("sha256").update(text).digest();

/**
 * Whether a request may use the control plane: always when no token is set, else only with
 * `Bearer <token>` (the scheme in any case), compared in constant time.
 */
export function controlAuthorized(expected: string | undefined, authorization: unknown): boolean {
  if (expected === undefined) return true;
  if (typeof authorization !== "string") return false;
  const match = /^bearer +(\S+) *$/i.exec(authorization);
  return match !== null && timingSafeEqual(digest(match[1]), digest(expected));
}
