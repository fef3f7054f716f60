/**
 * `@polar-sh/express` 0.3 unmodified against the emulator: its `Checkout`, `CustomerPortal` and
 * `Webhooks` only know `server: "sandbox" | "production"`, so the app (express-app.ts) runs in a
 * child process under `polar-emulator/register`, which sends its requests to sandbox-api.polar.sh
 * to the emulator. Checkout → the emulator's page → complete → `order.paid` reaches the app's
 * `onOrderPaid`; the portal route redirects to the emulator's portal URL.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningEmulator, startEmulator } from "../../src/index.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const SECRET = "whsec_express-adapter-test-secret-0123456789";

describe("@polar-sh/express through polar-emulator/register", () => {
  let emulator: RunningEmulator;
  let child: ChildProcess;
  let app: string;

  beforeAll(async () => {
    emulator = await startEmulator({ webhooks: { retryDelays: [0, 50] } });
    child = spawn(
      process.execPath,
      ["--import", "tsx", "--import", "./src/register.ts", "test/adapters/express-app.ts"],
      {
        cwd: ROOT,
        env: {
          ...process.env,
          POLAR_EMULATOR_URL: emulator.url,
          POLAR_ACCESS_TOKEN: emulator.token,
          WEBHOOK_SECRET: SECRET,
        },
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    const [line] = (await once(child.stdout as NodeJS.ReadableStream, "data")) as [Buffer];
    app = `http://127.0.0.1:${(JSON.parse(line.toString()) as { port: number }).port}`;
    // The adapter's SDK (0.32) verifies the legacy key only, and parses only some event types.
    emulator.webhooks.createEndpoint({
      url: `${app}/webhooks`,
      secret: SECRET,
      signing: "legacy",
      events: ["order.paid", "checkout.created"],
    });
  }, 60_000);

  afterAll(async () => {
    child?.kill("SIGTERM");
    await emulator?.close();
  });

  it("opens a checkout on the emulator, and the completed purchase's order.paid reaches onOrderPaid", async () => {
    const products = await fetch(`${emulator.url}/v1/products/?limit=100`, {
      headers: { authorization: `Bearer ${emulator.token}` },
    }).then((r) => r.json() as Promise<{ items: { id: string; name: string; is_recurring: boolean }[] }>);
    const lifetime = products.items.find((item) => !item.is_recurring && item.name.includes("lifetime"));
    expect(lifetime).toBeDefined();

    const redirect = await fetch(
      `${app}/checkout?products=${lifetime?.id}&customerEmail=express-buyer@example.com`,
      {
        redirect: "manual",
      },
    );
    expect(redirect.status).toBe(302);
    const location = redirect.headers.get("location") ?? "";
    expect(location.startsWith(`${emulator.url}/checkout/polar_c_`)).toBe(true);

    const secret = new URL(location).pathname.split("/").pop() ?? "";
    const checkout = await fetch(`${emulator.url}/v1/checkouts/client/${secret}`).then(
      (r) => r.json() as Promise<{ id: string; customer_email: string | null }>,
    );
    expect(checkout.customer_email).toBe("express-buyer@example.com");
    await emulator.checkouts.complete(checkout.id);
    await emulator.webhooks.waitFor({ type: "order.paid", succeeded: true });

    const received = (await fetch(`${app}/received`).then((r) => r.json())) as {
      handler: string;
      payload: { data: { billingReason: string; productId: string; status: string } };
    }[];
    expect(received.map((item) => item.handler)).toEqual(["onCheckoutCreated", "onOrderPaid"]);
    expect(received[1]?.payload.data).toMatchObject({
      billingReason: "purchase",
      productId: lifetime?.id,
      status: "paid",
    });
  });

  it("redirects the portal route to the emulator's customer portal URL", async () => {
    const customers = await fetch(`${emulator.url}/v1/customers/?email=alice@example.com`, {
      headers: { authorization: `Bearer ${emulator.token}` },
    }).then((r) => r.json() as Promise<{ items: { id: string }[] }>);
    const redirect = await fetch(`${app}/portal?customerId=${customers.items[0]?.id}`, {
      redirect: "manual",
    });
    expect(redirect.status).toBe(302);
    const location = new URL(redirect.headers.get("location") ?? "");
    expect(location.origin).toBe(emulator.url);
    expect(location.searchParams.get("customer_session_token")).toMatch(/^polar_cst_/);
  });
});
