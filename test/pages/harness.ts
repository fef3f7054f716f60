/**
 * What the page tests share: Debian's chromium driven by playwright-core, the folder their
 * screenshots are kept in, and a tiny local server that stands for the merchant's app (one HTML
 * page the emulator sends the browser back to, and a webhook endpoint that keeps what it receives).
 */
import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Browser, chromium } from "playwright-core";

export type Body = Record<string, unknown>;

/** Where the page tests keep their screenshots (gitignored; CI keeps them as artefacts). */
export const ARTIFACTS = join(dirname(fileURLToPath(import.meta.url)), "..", "artifacts");

function chromiumPath(): string {
  try {
    return execFileSync("which", ["chromium"], { encoding: "utf8" }).trim();
  } catch {
    throw new Error(
      "chromium is not installed: the page tests drive Debian's chromium (apt-get install chromium; .ci/run installs it when missing)",
    );
  }
}

/** Debian's chromium, headless, with the artefacts folder made. */
export async function launchBrowser(): Promise<Browser> {
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({ executablePath: chromiumPath() });
}

export interface MerchantApp {
  url: string;
  close(): Promise<void>;
}

/**
 * The merchant's app: `html` at every path under `pagePath`, and any other request taken as a
 * webhook delivery whose JSON body is pushed onto `received` (answered 202).
 */
export async function startMerchantApp(
  pagePath: string,
  html: string,
  received: Body[],
): Promise<MerchantApp> {
  const app = createServer((req, res) => {
    if (req.url?.startsWith(pagePath)) {
      res.setHeader("Content-Type", "text/html");
      res.end(html);
      return;
    }
    let raw = "";
    req.on("data", (chunk) => {
      raw += chunk;
    });
    req.on("end", () => {
      received.push(JSON.parse(raw || "{}") as Body);
      res.statusCode = 202;
      res.end();
    });
  });
  await new Promise<void>((resolve) => app.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(app.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => app.close(() => resolve())),
  };
}

export interface PathProxy {
  /** The address the emulator is published at: this proxy's port, under `/polar`. */
  publicUrl: string;
  /** Where requests go, set once the emulator behind it listens. */
  target: string;
  close(): Promise<void>;
}

/**
 * A proxy that serves an emulator under `/polar` on another port, as a Docker port mapping or a
 * reverse proxy would; redirects are passed through, not followed.
 */
export async function startPathProxy(): Promise<PathProxy> {
  const proxy: PathProxy = { publicUrl: "", target: "", close: async () => {} };
  const server = createServer((req, res) => {
    const upstream = new URL((req.url ?? "/").replace(/^\/polar/, "") || "/", proxy.target);
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", async () => {
      const answer = await fetch(upstream, {
        method: req.method,
        headers: { "content-type": req.headers["content-type"] ?? "application/json" },
        body: chunks.length > 0 ? Buffer.concat(chunks) : undefined,
        redirect: "manual",
      });
      res.statusCode = answer.status;
      for (const name of ["content-type", "location", "content-security-policy"]) {
        const value = answer.headers.get(name);
        if (value) res.setHeader(name, value);
      }
      res.end(Buffer.from(await answer.arrayBuffer()));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  proxy.publicUrl = `http://localhost:${(server.address() as AddressInfo).port}/polar`;
  proxy.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return proxy;
}
