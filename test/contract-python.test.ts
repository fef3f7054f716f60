/**
 * Polar's official Python client (`polar-sdk`, pinned in contract/python/requirements.txt) against
 * the emulator: contract/python/test_customers.py and test_webhooks.py (a real receiver checks the
 * emulator's signed webhooks with the SDK's validate_event), run by pytest in a venv this file
 * builds.
 *
 * The venv lives in node_modules/.cache/polar-python/venv and is rebuilt when the requirements,
 * the interpreter or the platform change; test/python-venv.ts builds it (atomically).
 */
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningEmulator, startEmulator } from "../src/index.js";
import { describeRun, ensureVenv, run } from "./python-venv.js";

/**
 * How many tests contract/python holds (test_customers.py 28, test_webhooks.py 11,
 * test_checkouts.py 2, test_license_keys.py 2, test_orders.py 3): fewer passing means some went
 * missing.
 */
const MIN_PASSED = 46;

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
  const venv = await ensureVenv({
    cacheName: "polar-python",
    requirements: path.join("contract", "python", "requirements.txt"),
    purpose: "the Python contract test",
  });
  python = venv.python;
  if (venv.built) console.info(`polar-python venv built in ${venv.seconds.toFixed(1)} s (${venv.venv})`);
  emulator = await startEmulator();
}, 240_000);

afterAll(async () => {
  await emulator?.close();
});

describe("polar-sdk (Python) against the emulator", () => {
  it("passes every customers and webhooks contract test, with zero validation errors", async () => {
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
