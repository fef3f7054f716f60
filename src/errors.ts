/**
 * Polar's error responses. Every failure the emulator answers with is one of these, so the body
 * and status are always Polar's (server/polar/exceptions.py); nothing else reaches the wire as an error.
 */

/** One entry of a 422 `detail` array, pydantic v2 style (no `url` key). */
export interface ValidationDetail {
  type: string;
  loc: (string | number)[];
  msg: string;
  input: unknown;
  ctx?: Record<string, unknown>;
}

export class PolarHttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(
      typeof body === "object" && body !== null && "error" in body ? String(body.error) : `HTTP ${status}`,
    );
  }
}

/** 401: no token, another scheme, or a token kind the route does not take. */
export class Unauthorized extends PolarHttpError {
  constructor() {
    super(
      401,
      { error: "Unauthorized", detail: "Unauthorized" },
      { "WWW-Authenticate": 'Bearer realm="polar"' },
    );
  }
}

/** 404 for a missing, deleted or foreign object: existence never leaks across organizations. */
export class ResourceNotFound extends PolarHttpError {
  /** `detail` is Polar's message when it gives one (`"Member not found"`), else "Not found". */
  constructor(detail = "Not found") {
    super(404, { error: "ResourceNotFound", detail });
  }
}

/** 403 for an action the organization or the object does not allow (Polar's `NotPermitted`). */
export class NotPermitted extends PolarHttpError {
  constructor(detail = "Not permitted") {
    super(403, { error: "NotPermitted", detail });
  }
}

/** 404 for an unknown route or an unsupported `Polar-Version`. */
export class RouteNotFound extends PolarHttpError {
  constructor() {
    super(404, { detail: "Not Found" });
  }
}

export class MethodNotAllowed extends PolarHttpError {
  constructor(allow: string[]) {
    super(405, { detail: "Method Not Allowed" }, { Allow: allow.join(", ") });
  }
}

/** 422 from schema validation (the request does not match the spec). */
export class RequestValidationError extends PolarHttpError {
  constructor(readonly details: ValidationDetail[]) {
    super(422, { error: "RequestValidationError", detail: details });
  }
}

/** 422 from a business rule (uniqueness, write-once fields, …); details carry no `ctx`. */
export class PolarRequestValidationError extends PolarHttpError {
  constructor(readonly details: Omit<ValidationDetail, "ctx">[]) {
    super(422, { error: "PolarRequestValidationError", detail: details });
  }
}

export class LengthRequired extends PolarHttpError {
  constructor() {
    super(411, { error: "LengthRequired", detail: "A Content-Length header is required." });
  }
}

export const MAX_BODY_BYTES = 10 * 1024 * 1024;

export class RequestBodyTooLarge extends PolarHttpError {
  constructor() {
    super(413, {
      error: "RequestBodyTooLarge",
      detail: `Request body exceeded the maximum allowed size of ${MAX_BODY_BYTES} bytes.`,
    });
  }
}

/** 403 when cancelling or revoking a subscription that is canceled or will be at period end. */
export class AlreadyCanceledSubscription extends PolarHttpError {
  constructor() {
    super(403, {
      error: "AlreadyCanceledSubscription",
      detail: "This subscription is already canceled or will be at the end of the period.",
    });
  }
}

/** 400 for a request Polar refuses without saying more (e.g. uncancelling what is not canceling). */
export class BadRequest extends PolarHttpError {
  constructor() {
    super(400, { error: "BadRequest", detail: "Bad request" });
  }
}

/** 410 for an object that is gone for this operation (e.g. uncancelling an ended subscription). */
export class ResourceUnavailable extends PolarHttpError {
  constructor() {
    super(410, { error: "ResourceUnavailable", detail: "Unavailable" });
  }
}

/** 403 for a change that needs an active (or trialing) subscription. */
export class InactiveSubscription extends PolarHttpError {
  constructor(subscriptionId: string) {
    super(403, { error: "InactiveSubscription", detail: `Subscription ${subscriptionId} is not active.` });
  }
}
