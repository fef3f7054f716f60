/**
 * Signing a webhook the way Polar does: Standard Webhooks' `v1,<base64 HMAC-SHA256>` over
 * `<webhook-id>.<webhook-timestamp>.<body>`, with one of two keys (server/polar/webhook/tasks.py
 * `sign_webhook`, constants.py). A secret Polar generated on or after 2026-09-08 signs the Standard
 * Webhooks way: the key is the base64 decoding of what follows `whsec_`. Older secrets, and secrets
 * the user chose, keep Polar's original key: the UTF-8 bytes of the whole secret, `whsec_`
 * included. The 0.x clients and every framework adapter accept only the legacy key; the 1.x
 * clients try both (README, "Which receivers verify which signature").
 *
 * The HMAC is node:crypto's rather than the `standardwebhooks` package's pure-JavaScript SHA-256,
 * which measured ten times the CPU per delivery (docs/decisions.md); the tests check that both give
 * the same signature, and the receivers in the tests verify with the package.
 */
import { createHmac } from "node:crypto";

export type SigningKeyRule = "legacy" | "standard";

export interface SignedHeaders {
  "user-agent": string;
  "content-type": string;
  "webhook-id": string;
  "webhook-timestamp": string;
  "webhook-signature": string;
  "webhook-api-version": string;
}

const PREFIX = "whsec_";

/** The HMAC key a secret stands for under a rule. */
export function signingKey(secret: string, rule: SigningKeyRule): Buffer {
  if (rule === "legacy") return Buffer.from(secret, "utf8");
  return Buffer.from(secret.startsWith(PREFIX) ? secret.slice(PREFIX.length) : secret, "base64");
}

/** `v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">`. */
export function signature(key: Buffer, webhookId: string, timestamp: number, body: string): string {
  return `v1,${createHmac("sha256", key).update(`${webhookId}.${timestamp}.${body}`).digest("base64")}`;
}

/**
 * The headers of one attempt, signed at `at` (wall-clock time: clients allow ±5 minutes), with the
 * API version of the payload (`webhook-api-version`).
 */
export function signedHeaders(attempt: {
  secret: string;
  rule: SigningKeyRule;
  webhookId: string;
  body: string;
  at: Date;
  apiVersion: string;
}): SignedHeaders {
  const { secret, rule, webhookId, body, at } = attempt;
  const timestamp = Math.floor(at.getTime() / 1000);
  return {
    "user-agent": "polar.sh webhooks",
    "content-type": "application/json",
    "webhook-id": webhookId,
    "webhook-timestamp": String(timestamp),
    "webhook-signature": signature(signingKey(secret, rule), webhookId, timestamp, body),
    "webhook-api-version": attempt.apiVersion,
  };
}
