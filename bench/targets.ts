/**
 * The servers under test, each in its own child process: the emulator (the built CLI, or
 * `npm start`), the bare baselines (express 5 and node:http answering the emulator's bytes) and
 * Prism mocking the same spec.
 */
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, memoryOf, ROOT, type Spawned, spawnTracked, spawnTs } from "./children.js";
import { httpRequest, waitFor200 } from "./http.js";

const HEALTH_TIMEOUT_MS = 120_000;

export interface Running {
  process: Spawned;
  url: string;
  /** From spawn() to the first 200 (the emulator's /_emulator/health, a baseline's health, Prism's first answer). */
  msToReady: number;
  memory: { rssMiB: number; peakMiB: number } | null;
}

export interface RunningEmulator extends Running {
  token: string;
}

function died(spawned: Spawned): () => string | null {
  return () =>
    spawned.hasExited() ? `the process exited before it was ready. Output:\n${spawned.output()}` : null;
}

/**
 * The emulator, as the Docker image and the npm package run it (`dist/launch.js` running the bundle with its code cache, which run.ts
 * builds first) or as a developer does (`npm start`).
 */
export async function startEmulatorProcess(
  extraArgs: string[],
  how: "dist" | "npm start" = "dist",
): Promise<RunningEmulator> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const args = ["--port", String(port), "--host", "127.0.0.1", "--log-level", "warn", ...extraArgs];
  const started = performance.now();
  const spawned =
    how === "dist"
      ? spawnTs("dist/launch.js", args)
      : spawnTracked(
          spawn("npm", ["start", "--silent", "--", ...args], {
            cwd: ROOT,
            stdio: ["ignore", "pipe", "pipe"],
          }),
        );
  await waitFor200(`${url}/_emulator/health`, {
    intervalMs: 10,
    timeoutMs: HEALTH_TIMEOUT_MS,
    failed: died(spawned),
  });
  const msToReady = performance.now() - started;
  // `npm start`: the pid is npm's; the server is its child.
  const memory = how === "dist" ? memoryOf(spawned.pid) : null;
  // The banner is written right after listen(); give the pipe a moment if it lags.
  const deadline = performance.now() + 5000;
  let token: string | undefined;
  while (token === undefined) {
    token = /access token\s+(polar_oat_[A-Za-z0-9]+)/.exec(spawned.output())?.[1];
    if (token !== undefined) break;
    if (performance.now() > deadline) throw new Error(`no access token in the banner:\n${spawned.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return { process: spawned, url, token, msToReady, memory };
}

/** One request the emulator answered, which the baselines answer with the same bytes. */
export interface CapturedRoute {
  name: string;
  method: "GET" | "POST";
  /** With its query, e.g. `/v1/customers/?limit=100`. */
  path: string;
  status: number;
  contentType: string;
  body: string;
}

export async function startBaselineProcess(
  kind: "express" | "node",
  routes: CapturedRoute[],
): Promise<Running> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const specFile = join(tmpdir(), `polar-emulator-bench-baseline-${process.pid}-${kind}.json`);
  writeFileSync(specFile, JSON.stringify(routes));
  const started = performance.now();
  const spawned = spawnTs("bench/baseline-server.js", [], {
    BASELINE_PORT: String(port),
    BASELINE_SPEC: specFile,
    BASELINE_KIND: kind,
  });
  await waitFor200(`${url}/_baseline/health`, {
    intervalMs: 10,
    timeoutMs: HEALTH_TIMEOUT_MS,
    failed: died(spawned),
  });
  return { process: spawned, url, msToReady: performance.now() - started, memory: memoryOf(spawned.pid) };
}

/**
 * Prism (`@stoplight/prism-cli`, the generic OpenAPI mock users would otherwise pick) on
 * spec/polar.yaml, static examples, logging errors only. Ready: the first answer to `probePath`.
 */
export async function startPrismProcess(probePath: string, token: string): Promise<Running> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const started = performance.now();
  const spawned = spawnTs("node_modules/@stoplight/prism-cli/dist/index.js", [
    "mock",
    "spec/polar.yaml",
    "--host",
    "127.0.0.1",
    "--port",
    String(port),
    "--verboseLevel",
    "error",
  ]);
  const deadline = performance.now() + HEALTH_TIMEOUT_MS;
  for (;;) {
    const reason = died(spawned)();
    if (reason) throw new Error(reason);
    const answered = await httpRequest(`${url}${probePath}`, {
      headers: { Authorization: `Bearer ${token}` },
      timeoutMs: 1000,
    }).catch(() => null);
    if (answered?.status === 200) break;
    if (performance.now() > deadline) throw new Error(`Prism did not answer within ${HEALTH_TIMEOUT_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return { process: spawned, url, msToReady: performance.now() - started, memory: memoryOf(spawned.pid) };
}
