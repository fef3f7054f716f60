/**
 * `@polar-sh/nextjs` 0.9's route handlers, called directly with `NextRequest`s as Next.js would
 * call them, against the emulator: they only know `server: "sandbox" | "production"`, so the
 * emulator runs with `startEmulator({ intercept: true })`. Checkout → the emulator's page →
 * complete → `order.paid` reaches `Webhooks`' `onOrderPaid` (the delivery is handed to the
 * handler as the body and headers the emulator sent); the portal handler redirects to the
 * emulator's portal URL.
 */
import { createServer, type Server } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import type * as NextAdapter from "@polar-sh/nextjs";
import type * as NextServer from "next/server.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningEmulator, startEmulator } from "../../src/index.js";

const SECRET = "whsec_nextjs-adapter-test-secret-0123456789";

// Next.js resolves `next/server` with its bundler; plain Node ESM cannot (the package has no
// exports map), so the adapter is loaded as Node loads it in a CommonJS build, as is `next/server`.
const require = createRequire(import.meta.url);
const { Checkout, CustomerPortal, Webhooks } = require("@polar-sh/nextjs") as typeof NextAdapter;
const { NextRequest } = require("next/server") as typeof NextServer;

describe("@polar-sh/nextjs route handlers", () => {
  let emulator: RunningEmulator;
  let receiver: Server;
  const received: { type: string; data: Record<string, unknown> }[] = [];
  const statuses: number[] = [];

  beforeAll(async () => {
    emulator = await startEmulator({ intercept: true, webhooks: { retryDelays: [0, 50] } });
    const POST = Webhooks({
      webhookSecret: SECRET,
      onOrderPaid: async (payload) => {
        received.push({ type: payload.type, data: payload.data as unknown as Record<string, unknown> });
      },
    });
    // What Next.js does for an app/api/webhooks/route.ts: the request as a NextRequest.
    receiver = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const headers = new Headers();
      for (const [name, value] of Object.entries(req.headers))
        if (typeof value === "string") headers.set(name, value);
      const response = await POST(
        new NextRequest(`http://127.0.0.1${req.url}`, {
          method: "POST",
          headers,
          body: Buffer.concat(chunks),
        }),
      );
      statuses.push(response.status);
      res.statusCode = response.status;
      res.end(await response.text());
    });
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
    const { port } = receiver.address() as AddressInfo;
    // The adapter's SDK (^0.47) verifies the legacy key only.
    emulator.webhooks.createEndpoint({
      url: `http://127.0.0.1:${port}/api/webhooks`,
      secret: SECRET,
      signing: "legacy",
      events: ["order.paid"],
    });
  });

  afterAll(async () => {
    receiver?.close();
    await emulator?.close();
  });

  it("Checkout redirects to the emulator's checkout page; the completed purchase's order.paid reaches onOrderPaid", async () => {
    const GET = Checkout({
      accessToken: emulator.token,
      server: "sandbox",
      successUrl: "http://localhost/thanks",
    });
    const products = await fetch(`${emulator.url}/v1/products/?limit=100`, {
      headers: { authorization: `Bearer ${emulator.token}` },
    }).then((r) => r.json() as Promise<{ items: { id: string; name: string }[] }>);
    const pro = products.items.find((item) => item.name === "Pro");

    const response = await GET(
      new NextRequest(
        `http://localhost/api/checkout?products=${pro?.id}&customerEmail=next-buyer@example.com`,
      ),
    );
    expect(response.status).toBe(307);
    const location = new URL(response.headers.get("location") ?? "");
    expect(location.origin).toBe(emulator.url);
    const secret = location.pathname.split("/").pop() ?? "";
    const page = await fetch(location);
    expect(page.status).toBe(200);

    const checkout = await fetch(`${emulator.url}/v1/checkouts/client/${secret}`).then(
      (r) => r.json() as Promise<{ id: string; success_url: string }>,
    );
    expect(checkout.success_url).toBe(`http://localhost/thanks?checkoutId=${checkout.id}`);
    await emulator.checkouts.complete(checkout.id);
    await emulator.webhooks.waitFor({ type: "order.paid", succeeded: true });
    expect(statuses).toEqual([200]);
    expect(received).toMatchObject([
      {
        type: "order.paid",
        data: { billingReason: "subscription_create", productId: pro?.id, status: "paid" },
      },
    ]);
  });

  it("CustomerPortal redirects to the emulator's customer portal URL", async () => {
    const GET = CustomerPortal({
      accessToken: emulator.token,
      server: "sandbox",
      getExternalCustomerId: async () => "user_alice",
    });
    const response = await GET(new NextRequest("http://localhost/api/portal"));
    expect(response.status).toBe(307);
    const location = new URL(response.headers.get("location") ?? "");
    expect(location.origin).toBe(emulator.url);
    expect(location.searchParams.get("customer_session_token")).toMatch(/^polar_cst_/);
  });
});
