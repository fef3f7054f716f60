/**
 * Bearer tokens → organization, and the scope check (Polar's auth/dependencies.py). The bodies
 * and WWW-Authenticate headers are Polar's, byte for byte.
 */
import { PolarHttpError, Unauthorized } from "../errors.js";
import type { AccessToken, PartitionBase, Store } from "../store/store.js";

const INVALID_TOKEN_DESCRIPTION =
  "The access token provided is expired, revoked, malformed, or invalid for other reasons.";
const INSUFFICIENT_SCOPE_DESCRIPTION =
  "The request requires higher privileges than provided by the access token.";

export class InvalidToken extends PolarHttpError {
  constructor() {
    super(
      401,
      { error: "invalid_token", error_description: INVALID_TOKEN_DESCRIPTION },
      {
        "WWW-Authenticate": `Bearer realm="polar", error="invalid_token", error_description="${INVALID_TOKEN_DESCRIPTION}"`,
        "Cache-Control": "no-store",
        Pragma: "no-cache",
      },
    );
  }
}

export class InsufficientScope extends PolarHttpError {
  constructor(scopes: string[]) {
    super(
      403,
      { error: "insufficient_scope", error_description: INSUFFICIENT_SCOPE_DESCRIPTION },
      {
        "WWW-Authenticate": `Bearer realm="polar", scope="${scopes.join(" ")}", error="insufficient_scope", error_description="${INSUFFICIENT_SCOPE_DESCRIPTION}"`,
      },
    );
  }
}

/**
 * Resolves the Authorization header to an organization token that holds one of `scopes`.
 * Throws Polar's 401/403 otherwise. Only organization tokens exist in the emulator: a customer
 * session token (`polar_cst_`) on a route that does not take it is a plain 401, like Polar's, and
 * so is a valid organization token on a route only users may call (`scopes` null): Polar's
 * Authenticator takes a subject it does not allow for an anonymous one.
 */
export function authenticate(
  store: Store<PartitionBase>,
  header: string | undefined,
  scopes: readonly string[] | null,
): AccessToken {
  if (!header) throw new Unauthorized();
  const space = header.indexOf(" ");
  const scheme = space === -1 ? header : header.slice(0, space);
  if (scheme.toLowerCase() !== "bearer") throw new Unauthorized();
  const value = header.slice(space + 1).trim();
  if (value.startsWith("polar_cst_") || value.startsWith("polar_mst_")) throw new Unauthorized();
  const token = store.tokens.get(value);
  if (!token) throw new InvalidToken();
  if (scopes === null) throw new Unauthorized();
  if (scopes.length > 0 && !scopes.some((scope) => token.scopes.has(scope)))
    throw new InsufficientScope([...scopes]);
  return token;
}
