/** The two servers under test, each in its own child process: the emulator CLI and a bare express app. */
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, memoryOf, type Spawned, spawnTs } from "./children.js";
import { waitFor200 } from "./http.js";

const HEALTH_TIMEOUT_MS = 120_000;

export interface RunningEmulator {
  process: Spawned;
  url: string;
  token: string;
  /** From spawn() to the first 200 on /_emulator/health. */
  msToHealthy: number;
  memory: { rssMiB: number; peakMiB: number } | null;
}

function died(spawned: Spawned): () => string | null {
  return () =>
    spawned.hasExited() ? `the process exited before it was healthy. Output:\n${spawned.output()}` : null;
}

export async function startEmulatorProcess(extraArgs: string[]): Promise<RunningEmulator> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const started = performance.now();
  // The built CLI, as the Docker image and the npm package run it (run.ts builds it first).
  const spawned = spawnTs("dist/cli.js", [
    "--port",
    String(port),
    "--host",
    "127.0.0.1",
    "--log-level",
    "warn",
    ...extraArgs,
  ]);
  await waitFor200(`${url}/_emulator/health`, {
    intervalMs: 20,
    timeoutMs: HEALTH_TIMEOUT_MS,
    failed: died(spawned),
  });
  const msToHealthy = performance.now() - started;
  const memory = memoryOf(spawned.pid);
  // The banner is written right after listen(); give the pipe a moment if it lags.
  const deadline = performance.now() + 5000;
  let token: string | undefined;
  while (token === undefined) {
    token = /access token\s+(polar_oat_[A-Za-z0-9]+)/.exec(spawned.output())?.[1];
    if (token !== undefined) break;
    if (performance.now() > deadline) throw new Error(`no access token in the banner:\n${spawned.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return { process: spawned, url, token, msToHealthy, memory };
}

export interface BaselineSpec {
  getPath: string;
  getBody: string;
  getContentType: string;
  getStatus: number;
  postPath: string;
  postBody: string;
  postContentType: string;
  postStatus: number;
}

export interface RunningBaseline {
  process: Spawned;
  url: string;
}

export async function startBaselineProcess(spec: BaselineSpec): Promise<RunningBaseline> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const specFile = join(tmpdir(), `polar-emulator-bench-baseline-${process.pid}.json`);
  writeFileSync(specFile, JSON.stringify(spec));
  const spawned = spawnTs("bench/baseline-server.ts", [], {
    BASELINE_PORT: String(port),
    BASELINE_SPEC: specFile,
  });
  await waitFor200(`${url}/_baseline/health`, {
    intervalMs: 20,
    timeoutMs: HEALTH_TIMEOUT_MS,
    failed: died(spawned),
  });
  return { process: spawned, url };
}
