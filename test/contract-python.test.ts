/**
 * Polar's official Python client (`polar-sdk`, pinned in contract/python/requirements.txt) against
 * the emulator: contract/python/test_customers.py, run by pytest in a venv this file builds.
 *
 * The venv lives in node_modules/.cache/polar-python/venv and is rebuilt when the requirements,
 * the interpreter or the platform change (a sha256 stamp inside it says which it was built from).
 * It is built in a staging directory and renamed into place, so an interrupted install or a
 * second test run building at the same time never leaves a half-made venv behind.
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningEmulator, startEmulator } from "../src/index.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const REQUIREMENTS = path.join(ROOT, "contract", "python", "requirements.txt");
const CACHE = path.join(ROOT, "node_modules", ".cache", "polar-python");
const VENV = path.join(CACHE, "venv");
const HOST_PYTHON = "python3";
const STAMP_FILE = ".requirements.sha256";
/** How many tests contract/python/test_customers.py holds: fewer passing means some went missing. */
const MIN_PASSED = 28;

const venvPython = (venv: string) =>
  process.platform === "win32" ? path.join(venv, "Scripts", "python.exe") : path.join(venv, "bin", "python");

interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/** Runs a command to its end (or kills it at the timeout) and keeps everything it printed. */
function run(
  command: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs: number },
): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: options.cwd ?? ROOT, env: options.env ?? process.env });
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, options.timeoutMs);
    child.on("error", (error) => {
      clearTimeout(timer);
      resolve({ code: null, signal: null, stdout, stderr: `${stderr}${error.message}\n`, timedOut });
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, timedOut });
    });
  });
}

function describeRun(label: string, result: RunResult): string {
  const how = result.timedOut
    ? "timed out"
    : result.signal
      ? `was killed by ${result.signal}`
      : `exited with ${result.code}`;
  return `${label} ${how}\n--- stdout ---\n${result.stdout}\n--- stderr ---\n${result.stderr}`;
}

async function mustRun(
  label: string,
  command: string,
  args: string[],
  timeoutMs: number,
): Promise<RunResult> {
  const result = await run(command, args, { timeoutMs });
  if (result.code !== 0) throw new Error(describeRun(label, result));
  return result;
}

/** What the venv is built from: the requirements, the interpreter and the platform. */
async function expectedStamp(): Promise<string> {
  const version = await mustRun(
    `${HOST_PYTHON} (needed for the Python contract test)`,
    HOST_PYTHON,
    ["-c", "import sys; print(sys.version)"],
    30_000,
  );
  return createHash("sha256")
    .update(readFileSync(REQUIREMENTS))
    .update("\0")
    .update(version.stdout.trim())
    .update("\0")
    .update(`${process.platform}-${process.arch}`)
    .digest("hex");
}

function stampOf(venv: string): string | null {
  const file = path.join(venv, STAMP_FILE);
  if (!existsSync(venvPython(venv)) || !existsSync(file)) return null;
  return readFileSync(file, "utf8").trim();
}

/** The venv's python, after building the venv when it is missing or stale. */
async function ensureVenv(): Promise<{ python: string; built: boolean; seconds: number }> {
  const started = Date.now();
  const stamp = await expectedStamp();
  if (stampOf(VENV) === stamp) return { python: venvPython(VENV), built: false, seconds: 0 };

  mkdirSync(CACHE, { recursive: true });
  const staging = path.join(CACHE, `venv.staging-${process.pid}-${Date.now()}`);
  try {
    await mustRun("python3 -m venv", HOST_PYTHON, ["-m", "venv", staging], 60_000);
    await mustRun(
      `pip install -r ${path.relative(ROOT, REQUIREMENTS)}`,
      venvPython(staging),
      ["-m", "pip", "install", "--disable-pip-version-check", "--no-input", "-r", REQUIREMENTS],
      200_000,
    );
    writeFileSync(path.join(staging, STAMP_FILE), `${stamp}\n`);

    // Another run may have put an identical venv in place meanwhile (and be using it): keep that one.
    if (stampOf(VENV) !== stamp) {
      const old = `${VENV}.old-${process.pid}-${Date.now()}`;
      if (existsSync(VENV)) renameSync(VENV, old);
      try {
        renameSync(staging, VENV);
      } catch (error) {
        if (stampOf(VENV) !== stamp) throw error;
      }
      rmSync(old, { recursive: true, force: true });
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return { python: venvPython(VENV), built: true, seconds: (Date.now() - started) / 1000 };
}

/** The counts in pytest's closing line, e.g. "1 failed, 27 passed, 2 warnings in 5.17s". */
function pytestSummary(stdout: string): Record<string, number> | null {
  const line = stdout
    .trim()
    .split("\n")
    .reverse()
    .find(
      (text) =>
        / in \d+(\.\d+)?s\b/.test(text) && /\d+ (passed|failed|errors?|skipped|deselected)/.test(text),
    );
  if (!line) return null;
  const counts: Record<string, number> = {};
  for (const [, count, kind] of line.matchAll(/(\d+) ([a-z]+)/g)) {
    counts[kind === "error" ? "errors" : kind] = Number(count);
  }
  return counts;
}

let emulator: RunningEmulator;
let python: string;

beforeAll(async () => {
  const venv = await ensureVenv();
  python = venv.python;
  if (venv.built) console.info(`polar-python venv built in ${venv.seconds.toFixed(1)} s (${VENV})`);
  emulator = await startEmulator();
}, 240_000);

afterAll(async () => {
  await emulator?.close();
});

describe("polar-sdk (Python) against the emulator", () => {
  it("passes every customers contract test, with zero validation errors", async () => {
    const result = await run(python, ["-m", "pytest", "contract/python", "-q", "-p", "no:cacheprovider"], {
      env: {
        ...process.env,
        POLAR_EMULATOR_URL: emulator.url,
        POLAR_EMULATOR_TOKEN: emulator.token,
        PYTHONDONTWRITEBYTECODE: "1",
      },
      timeoutMs: 120_000,
    });
    const report = describeRun("pytest", result);
    expect(result.timedOut, report).toBe(false);
    expect(result.code, report).toBe(0);

    const summary = pytestSummary(result.stdout);
    expect(summary, report).not.toBeNull();
    expect(summary?.passed ?? 0, report).toBeGreaterThanOrEqual(MIN_PASSED);
    for (const kind of ["failed", "errors", "skipped", "xfailed", "xpassed", "deselected"]) {
      expect(summary?.[kind] ?? 0, `${kind} in the pytest summary\n${report}`).toBe(0);
    }
  }, 150_000);
});
