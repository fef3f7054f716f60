/**
 * Signing a webhook the way Polar does: Standard Webhooks' `v1,<base64 HMAC-SHA256>` over
 * `<webhook-id>.<webhook-timestamp>.<body>`. Polar's key is the UTF-8 bytes of the whole secret,
 * `whsec_` included (it base64-encodes the secret and hands it to the `standardwebhooks` library,
 * which decodes it back); the strict Standard Webhooks rule base64-decodes what follows `whsec_`.
 * Every official client accepts the first; 1.x accepts both.
 *
 * The HMAC is node:crypto's rather than the `standardwebhooks` package's pure-JavaScript SHA-256,
 * which measured ten times the CPU per delivery (docs/decisions.md); the tests check that both give
 * the same signature, and the receivers in the tests verify with the package.
 */
import { createHmac } from "node:crypto";

export type SigningKeyRule = "polar" | "standard";

export interface SignedHeaders {
  "user-agent": string;
  "content-type": string;
  "webhook-id": string;
  "webhook-timestamp": string;
  "webhook-signature": string;
}

const PREFIX = "whsec_";

/** The HMAC key a secret stands for under a rule. */
export function signingKey(secret: string, rule: SigningKeyRule): Buffer {
  if (rule === "polar") return Buffer.from(secret, "utf8");
  return Buffer.from(secret.startsWith(PREFIX) ? secret.slice(PREFIX.length) : secret, "base64");
}

/** `v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">`. */
export function signature(key: Buffer, webhookId: string, timestamp: number, body: string): string {
  return `v1,${createHmac("sha256", key).update(`${webhookId}.${timestamp}.${body}`).digest("base64")}`;
}

/** The headers of one attempt, signed at `at` (wall-clock time: clients allow ±5 minutes). */
export function signedHeaders(
  secret: string,
  rule: SigningKeyRule,
  webhookId: string,
  body: string,
  at: Date,
): SignedHeaders {
  const timestamp = Math.floor(at.getTime() / 1000);
  return {
    "user-agent": "polar.sh webhooks",
    "content-type": "application/json",
    "webhook-id": webhookId,
    "webhook-timestamp": String(timestamp),
    "webhook-signature": signature(signingKey(secret, rule), webhookId, timestamp, body),
  };
}
