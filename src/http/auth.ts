/**
 * Bearer tokens → organization, and the scope check (Polar's auth/dependencies.py). The bodies
 * and WWW-Authenticate headers are Polar's, byte for byte.
 */
import { PolarHttpError, Unauthorized } from "../errors.js";
import type { Ctx } from "../resources/context.js";
import { type PortalSubject, resolveCustomerSession } from "../resources/customer-sessions/service.js";
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
 * Throws Polar's 401/403 otherwise. A customer or member session token (`polar_cst_`,
 * `polar_mst_`) on a route that does not take it is a plain 401, like Polar's, and
 * so is a valid organization token on a route only users may call (`scopes` null): Polar's
 * Authenticator takes a subject it does not allow for an anonymous one.
 */
/** The bearer token of an Authorization header; 401 without one. */
function bearer(header: string | undefined): string {
  if (!header) throw new Unauthorized();
  const space = header.indexOf(" ");
  const scheme = space === -1 ? header : header.slice(0, space);
  if (scheme.toLowerCase() !== "bearer") throw new Unauthorized();
  return header.slice(space + 1).trim();
}

/**
 * Resolves the Authorization header of a customer portal route to the customer (or member) of a
 * customer session. Customer sessions hold both portal scopes, so no 403 can follow. An
 * organization token is a subject these routes do not allow: a plain 401, as Polar answers it;
 * an unknown, expired or revoked session token is `invalid_token`.
 */
export function authenticateCustomer(
  ctx: Ctx,
  header: string | undefined,
  memberOnly = false,
): PortalSubject {
  const value = bearer(header);
  if (value.startsWith("polar_cst_") || value.startsWith("polar_mst_")) {
    const subject = resolveCustomerSession(ctx, value);
    if (!subject) throw new InvalidToken();
    if (memberOnly && !subject.member) throw new Unauthorized();
    return subject;
  }
  if (ctx.store.tokens.has(value)) throw new Unauthorized();
  throw new InvalidToken();
}

export function authenticate(
  store: Store<PartitionBase>,
  header: string | undefined,
  scopes: readonly string[] | null,
): AccessToken {
  const value = bearer(header);
  if (value.startsWith("polar_cst_") || value.startsWith("polar_mst_")) throw new Unauthorized();
  const token = store.tokens.get(value);
  if (!token) throw new InvalidToken();
  if (scopes === null) throw new Unauthorized();
  if (scopes.length > 0 && !scopes.some((scope) => token.scopes.has(scope)))
    throw new InsufficientScope([...scopes]);
  return token;
}
