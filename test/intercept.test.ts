/**
 * Unmodified apps against the emulator: what a Node process asks of Polar's API (`api.polar.sh`,
 * `sandbox-api.polar.sh`) goes to the emulator, through `fetch` (the official SDKs) and
 * `node:https`, in-process (`startEmulator({ intercept: true })`) and through
 * `node --import polar-emulator/register`.
 */
import { execFile, spawnSync } from "node:child_process";
import { createServer } from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { Polar } from "@polar-sh/sdk";
import { createPolar } from "polar-sdk-v1/2026-10";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningEmulator, startEmulator } from "../src/index.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

describe("startEmulator({ intercept: true })", () => {
  let emulator: RunningEmulator;
  const originalFetch = globalThis.fetch;
  const originalRequest = https.request;

  beforeAll(async () => {
    emulator = await startEmulator({ intercept: true });
  });

  afterAll(async () => {
    await emulator?.close();
  });

  it("answers the SDKs built for the sandbox and for production from the emulator", async () => {
    const sandbox = new Polar({ accessToken: emulator.token, server: "sandbox" });
    const page = await sandbox.customers.list({ limit: 3 });
    expect(page.result.pagination.totalCount).toBeGreaterThan(3);
    expect(page.result.items[0]?.organizationId).toBe(emulator.organizationId);

    const production = createPolar({ accessToken: emulator.token });
    const state = await production.customers.getStateExternal("user_alice");
    expect(state.external_id).toBe("user_alice");
  });

  it("sends node:https requests to Polar's hosts there too, keeping method, headers and body", async () => {
    const body = JSON.stringify({ email: "https-module@example.com" });
    const answer = await new Promise<{ status: number; json: Record<string, unknown> }>((resolve, reject) => {
      const request = https.request(
        "https://sandbox-api.polar.sh/v1/customers/",
        {
          method: "POST",
          headers: {
            Authorization: `Bearer ${emulator.token}`,
            "Content-Type": "application/json",
            "Content-Length": Buffer.byteLength(body),
          },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on("data", (chunk: Buffer) => chunks.push(chunk));
          response.on("end", () =>
            resolve({ status: response.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString()) }),
          );
        },
      );
      request.on("error", reject);
      request.end(body);
    });
    expect(answer.status).toBe(201);
    expect(answer.json).toMatchObject({
      email: "https-module@example.com",
      organization_id: emulator.organizationId,
    });
  });

  it("leaves other hosts alone, and puts everything back on close()", async () => {
    const other = createServer((_request, response) => response.end("other server"));
    await new Promise<void>((resolve) => other.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = other.address() as AddressInfo;
      expect(await (await fetch(`http://127.0.0.1:${port}/v1/customers/`)).text()).toBe("other server");
    } finally {
      other.close();
    }
    const second = await startEmulator({ customers: 0 });
    await second.close();
    expect(globalThis.fetch).not.toBe(originalFetch);
    const own = await startEmulator({ customers: 0, intercept: true });
    await own.close();
    // The last interception's close() removed it, the first one's too.
    expect(globalThis.fetch).toBe(originalFetch);
    expect(https.request).toBe(originalRequest);
  });
});

describe("node --import polar-emulator/register", () => {
  let emulator: RunningEmulator;

  beforeAll(async () => {
    emulator = await startEmulator();
  });

  afterAll(async () => {
    await emulator?.close();
  });

  const script = `
    import { Polar } from "@polar-sh/sdk";
    const polar = new Polar({ accessToken: process.env.TOKEN, server: "sandbox" });
    const page = await polar.customers.list({ limit: 1 });
    console.log(JSON.stringify({ total: page.result.pagination.totalCount, organization: page.result.items[0].organizationId }));
  `;

  // Asynchronously: the emulator answering the child runs in this process's event loop.
  it("sends an unmodified app's sandbox requests to POLAR_EMULATOR_URL", async () => {
    const run = await promisify(execFile)(
      process.execPath,
      ["--import", "tsx", "--import", "./src/register.ts", "--input-type=module", "-e", script],
      {
        cwd: ROOT,
        encoding: "utf8",
        env: { ...process.env, POLAR_EMULATOR_URL: emulator.url, TOKEN: emulator.token },
      },
    );
    expect(JSON.parse(run.stdout)).toEqual({ total: 40, organization: emulator.organizationId });
  });

  it("says what it needs when POLAR_EMULATOR_URL is missing or not a URL", () => {
    for (const [value, message] of [
      ["", /needs POLAR_EMULATOR_URL/],
      ["localhost:8000", /must be an http:\/\/ or https:\/\/ URL/],
    ] as const) {
      const run = spawnSync(
        process.execPath,
        ["--import", "tsx", "--import", "./src/register.ts", "--input-type=module", "-e", "1"],
        { cwd: ROOT, encoding: "utf8", env: { ...process.env, POLAR_EMULATOR_URL: value } },
      );
      expect(run.status).not.toBe(0);
      expect(run.stderr).toMatch(message);
    }
  });
});
