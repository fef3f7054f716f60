/**
 * The emulator signs with node:crypto; the `standardwebhooks` package (what Polar and the official
 * clients use) must produce the same signature for both key rules, and verify it.
 */
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { signedHeaders } from "../../src/webhooks/signing.js";

const secrets = [
  "whsec_ovyN6cPrTv56AApvzCaJno08SSmGJmgbWilb33N2JuK",
  "whsec_7AFFaT9khxQawdWvRE8ZLJ9paf68EvSaVPlP4k4uRqG",
];
const bodies = [
  '{"type":"customer.created","timestamp":"2026-01-01T00:00:00Z","data":{"id":"x"}}',
  "{}",
  "é ✓ \u0000",
];

describe("webhook signatures", () => {
  it("equal standardwebhooks' with Polar's legacy key (UTF-8 bytes of the whole secret)", () => {
    const at = new Date("2026-11-22T06:50:00.999Z");
    for (const secret of secrets) {
      const library = new Webhook(Buffer.from(secret, "utf8").toString("base64"));
      for (const body of bodies) {
        const headers = signedHeaders({
          secret,
          rule: "legacy",
          webhookId: "b2c1d7e0-0d2b-4f51-9c3e-2f6a1b0c9d8e",
          body,
          at,
          apiVersion: "2026-04",
        });
        expect(headers["webhook-timestamp"]).toBe("1795330200");
        expect(headers["webhook-signature"]).toBe(library.sign(headers["webhook-id"], at, body));
      }
      // And it verifies (at the real time: the library allows 5 minutes of skew).
      const body = bodies[0] as string;
      const headers = signedHeaders({
        secret,
        rule: "legacy",
        webhookId: "1d2c3b4a-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
        body,
        at: new Date(),
        apiVersion: "2026-04",
      });
      expect(headers["webhook-api-version"]).toBe("2026-04");
      expect(library.verify(body, { ...headers })).toEqual(JSON.parse(body));
      expect(() => library.verify(body.replace("x", "y"), { ...headers })).toThrow();
    }
  });

  it("equal standardwebhooks' with the strict rule (base64 after whsec_), which the legacy key does not verify", () => {
    const at = new Date();
    for (const secret of secrets) {
      const strict = new Webhook(secret);
      const polar = new Webhook(Buffer.from(secret, "utf8").toString("base64"));
      const body = bodies[0] as string;
      const headers = signedHeaders({
        secret,
        rule: "standard",
        webhookId: "5a0e1c2d-3b4f-4a6b-8c7d-9e0f1a2b3c4d",
        body,
        at,
        apiVersion: "2026-10",
      });
      expect(headers["webhook-signature"]).toBe(strict.sign(headers["webhook-id"], at, body));
      expect(() => strict.verify(body, { ...headers })).not.toThrow();
      expect(() => polar.verify(body, { ...headers })).toThrow();
    }
  });
});
