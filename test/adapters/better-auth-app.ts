/**
 * A small better-auth app built the way `@polar-sh/better-auth`'s README tells users to: the
 * `polar` plugin with a 0.x `Polar` client pointed at the emulator, customers created on sign-up,
 * and the checkout, portal, usage and webhooks plugins, served over real HTTP (better-auth's node
 * handler). Every webhook it verifies is recorded with the handler that received it.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { checkout, polar, portal, usage, webhooks } from "@polar-sh/better-auth";
import { Polar } from "@polar-sh/sdk";
import { betterAuth } from "better-auth";
import { memoryAdapter } from "better-auth/adapters/memory";
import { toNodeHandler } from "better-auth/node";

export interface Received {
  handler: string;
  type: string;
  payload: unknown;
}

export interface BetterAuthApp {
  url: string;
  /** The webhook URL to give the emulator: `/api/auth/polar/webhooks`. */
  webhookUrl: string;
  received: Received[];
  /** Signs a user up (email and password) and returns the session cookie. */
  signUp(email: string, name: string): Promise<{ cookie: string; userId: string }>;
  /** Calls an auth route as the signed-in user. */
  call(method: "GET" | "POST", path: string, cookie: string, body?: unknown): Promise<Response>;
  close(): Promise<void>;
}

export async function startBetterAuthApp(options: {
  emulatorUrl: string;
  accessToken: string;
  webhookSecret: string;
  products?: { productId: string; slug: string }[];
}): Promise<BetterAuthApp> {
  const received: Received[] = [];
  const record =
    (handler: string) =>
    async (payload: { type: string }): Promise<void> => {
      received.push({ handler, type: payload.type, payload });
    };
  const client = new Polar({ accessToken: options.accessToken, serverURL: options.emulatorUrl });
  const db: Record<string, Record<string, unknown>[]> = {
    user: [],
    session: [],
    account: [],
    verification: [],
  };

  let server: Server | undefined;
  const listening = await new Promise<Server>((resolve) => {
    const created = createServer((request, response) => handler(request, response));
    created.listen(0, "127.0.0.1", () => resolve(created));
  });
  server = listening;
  const url = `http://127.0.0.1:${(listening.address() as AddressInfo).port}`;

  const auth = betterAuth({
    baseURL: url,
    secret: "better-auth-secret-for-the-emulator-tests-0123456789",
    database: memoryAdapter(db),
    emailAndPassword: { enabled: true, requireEmailVerification: false },
    logger: { disabled: true },
    plugins: [
      polar({
        client,
        createCustomerOnSignUp: true,
        use: [
          checkout({ products: options.products ?? [], successUrl: "/success?checkout_id={CHECKOUT_ID}" }),
          portal(),
          usage(),
          webhooks({
            secret: options.webhookSecret,
            onCustomerCreated: record("onCustomerCreated"),
            onCustomerStateChanged: record("onCustomerStateChanged"),
            onOrderPaid: record("onOrderPaid"),
            onOrderCreated: record("onOrderCreated"),
            onCheckoutCreated: record("onCheckoutCreated"),
            onCheckoutUpdated: record("onCheckoutUpdated"),
            onSubscriptionCreated: record("onSubscriptionCreated"),
            onSubscriptionActive: record("onSubscriptionActive"),
            onBenefitGrantCreated: record("onBenefitGrantCreated"),
          }),
        ],
      }),
    ],
  });
  const handler = toNodeHandler(auth);

  const call = (method: "GET" | "POST", path: string, cookie: string, body?: unknown): Promise<Response> =>
    fetch(`${url}/api/auth${path}`, {
      method,
      headers: {
        cookie,
        origin: url,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  return {
    url,
    webhookUrl: `${url}/api/auth/polar/webhooks`,
    received,
    async signUp(email, name) {
      const response = await fetch(`${url}/api/auth/sign-up/email`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: url },
        body: JSON.stringify({ email, name, password: "correct horse battery staple" }),
      });
      if (response.status !== 200)
        throw new Error(`sign-up answered ${response.status}: ${await response.text()}`);
      const json = (await response.json()) as { user: { id: string } };
      const cookie = (response.headers.getSetCookie?.() ?? []).map((line) => line.split(";")[0]).join("; ");
      return { cookie, userId: json.user.id };
    },
    call,
    close: () =>
      new Promise<void>((resolve) => {
        server?.close(() => resolve());
        server?.closeAllConnections();
        server = undefined;
      }),
  };
}
