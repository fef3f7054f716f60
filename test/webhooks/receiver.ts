/**
 * A real HTTP webhook receiver for tests: records every request (headers, raw body) and answers
 * as the test says: a status, a delay (to provoke the emulator's timeout), or a dropped socket.
 * `stop()` and `start()` keep the port, so a test can make the emulator meet a refused connection.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface Received {
  /** 1-based, over the receiver's life. */
  n: number;
  headers: Record<string, string>;
  body: string;
  /** The parsed envelope: `{ type, timestamp, data }`. */
  json: { type: string; timestamp: string; data: Record<string, unknown> };
  webhookId: string;
}

export type Answer = { status?: number; delayMs?: number; body?: string } | "destroy";

export interface Receiver {
  url: string;
  port: number;
  received: Received[];
  /** Types received, in order. */
  types(): string[];
  /** Resolves when at least `count` requests arrived (rejects after `timeoutMs`). */
  waitForCount(count: number, timeoutMs?: number): Promise<Received[]>;
  /** Stops listening (the port refuses connections) until `start()`. */
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

function headersOf(request: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return headers;
}

/** `answer` decides each response (default 200 "ok"); it sees the request and its number. */
export async function startReceiver(
  answer: (request: Received) => Answer | undefined = () => undefined,
  path = "/webhooks/polar",
): Promise<Receiver> {
  const received: Received[] = [];
  let server: Server | undefined;
  let port = 0;
  const sockets = new Set<import("node:net").Socket>();

  const listen = () =>
    new Promise<void>((resolve, reject) => {
      const created = createServer((request, response) => {
        const chunks: Buffer[] = [];
        request.on("data", (chunk: Buffer) => chunks.push(chunk));
        request.on("end", () => {
          const body = Buffer.concat(chunks).toString("utf8");
          let json: Received["json"];
          try {
            json = JSON.parse(body) as Received["json"];
          } catch {
            json = { type: "", timestamp: "", data: {} };
          }
          const headers = headersOf(request);
          const entry: Received = {
            n: received.length + 1,
            headers,
            body,
            json,
            webhookId: headers["webhook-id"] ?? "",
          };
          received.push(entry);
          const reply = answer(entry) ?? {};
          if (reply === "destroy") {
            request.socket.destroy();
            return;
          }
          const send = () => {
            if (response.destroyed) return;
            response.writeHead(reply.status ?? 200, { "content-type": "text/plain" }).end(reply.body ?? "ok");
          };
          if (reply.delayMs) setTimeout(send, reply.delayMs);
          else send();
        });
      });
      created.on("connection", (socket) => {
        sockets.add(socket);
        socket.on("close", () => sockets.delete(socket));
      });
      created.once("error", reject);
      created.listen(port, "127.0.0.1", () => {
        port = (created.address() as AddressInfo).port;
        server = created;
        resolve();
      });
    });

  const stop = () =>
    new Promise<void>((resolve) => {
      if (!server) return resolve();
      const closing = server;
      server = undefined;
      for (const socket of sockets) socket.destroy();
      closing.close(() => resolve());
    });

  await listen();
  return {
    url: `http://127.0.0.1:${port}${path}`,
    port,
    received,
    types: () => received.map((entry) => entry.json.type),
    async waitForCount(count, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (received.length < count) {
        if (Date.now() > deadline) {
          throw new Error(
            `receiver got ${received.length} of ${count} requests: ${received.map((r) => r.json.type).join(", ")}`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      return received.slice(0, count);
    },
    stop,
    start: listen,
    close: stop,
  };
}
