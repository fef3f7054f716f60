/**
 * An express app written the way `@polar-sh/express`'s README shows, with `server: "sandbox"` and
 * nothing pointing at the emulator: test/adapters/express.test.ts runs it with
 * `node --import polar-emulator/register` (here ./src/register.ts) and POLAR_EMULATOR_URL. It
 * prints `{"port": n}` when it listens; `GET /received` lists the webhooks its handlers got.
 */
import { Checkout, CustomerPortal, Webhooks } from "@polar-sh/express";
import express from "express";

const received: { handler: string; type: string; payload: unknown }[] = [];
const app = express();

app.get(
  "/checkout",
  Checkout({
    accessToken: process.env.POLAR_ACCESS_TOKEN ?? "",
    server: "sandbox",
    successUrl: "http://localhost/thanks",
  }),
);
app.get(
  "/portal",
  CustomerPortal({
    accessToken: process.env.POLAR_ACCESS_TOKEN ?? "",
    server: "sandbox",
    getCustomerId: async (req) => String(req.query.customerId ?? ""),
  }),
);
app.post(
  "/webhooks",
  express.json(),
  Webhooks({
    webhookSecret: process.env.WEBHOOK_SECRET ?? "",
    onOrderPaid: async (payload) => {
      received.push({ handler: "onOrderPaid", type: String(payload.type), payload });
    },
    onCheckoutCreated: async (payload) => {
      received.push({ handler: "onCheckoutCreated", type: String(payload.type), payload });
    },
  }),
);
app.get("/received", (_req, res) => {
  res.json(received);
});

const server = app.listen(0, "127.0.0.1", () => {
  const address = server.address();
  console.log(JSON.stringify({ port: typeof address === "object" && address ? address.port : 0 }));
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
