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
