/**
 * Signing a webhook the way Polar does: Standard Webhooks' `v1,<base64 HMAC-SHA256>` over
 * `<webhook-id>.<webhook-timestamp>.<body>`, done by the `standardwebhooks` package. Polar's key is
 * the UTF-8 bytes of the whole secret, `whsec_` included (it base64-encodes the secret and hands it
 * to the library, which decodes it back); the strict Standard Webhooks rule base64-decodes what
 * follows `whsec_`. Every official client accepts the first; 1.x accepts both.
 */
import { Webhook } from "standardwebhooks";

export type SigningKeyRule = "polar" | "standard";

export interface SignedHeaders {
  "user-agent": string;
  "content-type": string;
  "webhook-id": string;
  "webhook-timestamp": string;
  "webhook-signature": string;
}

/** One signer per (secret, rule), since the library derives the key in its constructor. */
const signers = new Map<string, Webhook>();

function signer(secret: string, rule: SigningKeyRule): Webhook {
  const key = `${rule}:${secret}`;
  let found = signers.get(key);
  if (!found) {
    found = new Webhook(rule === "polar" ? Buffer.from(secret, "utf8").toString("base64") : secret);
    if (signers.size > 1000) signers.clear();
    signers.set(key, found);
  }
  return found;
}

/** The headers of one attempt, signed at `at` (wall-clock time: clients allow ±5 minutes). */
export function signedHeaders(
  secret: string,
  rule: SigningKeyRule,
  webhookId: string,
  body: string,
  at: Date,
): SignedHeaders {
  return {
    "user-agent": "polar.sh webhooks",
    "content-type": "application/json",
    "webhook-id": webhookId,
    "webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
    "webhook-signature": signer(secret, rule).sign(webhookId, at, body),
  };
}
