/**
 * Polar's official Python client 1.x (`polar-sdk` 1.0.2, `import polar`, pinned in
 * contract/python-v1/requirements.txt) against the emulator, in each of its version modules
 * (polar.v2026_04, polar.v2026_10, polar.v2027_01): every pytest test in contract/python-v1 runs
 * once per module (conftest.py; PER_MODULE below) and together they reach the operations the
 * emulator serves: customers (their members and payment methods),
 * products, benefits (their files), benefit grants, subscriptions (created, exported), meters
 * (updated, their quantities), customer meters, events (ingested, listed, read, their names), event
 * types, the organization, discounts, checkouts and checkout links, orders (invoices, receipts;
 * create and finalize refused as Polar refuses them) and refunds, webhook endpoints and
 * deliveries, and the module's
 * `validate_event` on what a real receiver got from the emulator. Every response is loaded as the
 * client's model and checked for drift (support.Recorder).
 *
 * What 1.0.2 cannot do, asserted in contract/python-v1/test_members.py: no module has a method for
 * `members:list_members` (GET /v1/members/), so it goes through the client's own core and loads as
 * its `ListResourceMember`; its `customers.members.list`/`list_external` call GET
 * /v1/customers/{id}/members, which the emulator does not serve (405). It also types
 * `CustomerStateSubscription.status` wrongly (support.py, worked around in one place).
 *
 * The venv lives in node_modules/.cache/polar-python-v1/venv and is rebuilt when the requirements,
 * the interpreter or the platform change; test/python-venv.ts builds it (atomically). The 0.x
 * client's test (test/contract-python.test.ts, contract/python) is separate: another package
 * version cannot share its venv.
 */
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningEmulator, startEmulator } from "../src/index.js";
import { describeRun, ensureVenv, run } from "./python-venv.js";

/** The version modules each test runs in. */
const MODULES = ["v2026_04", "v2026_10", "v2027_01"];

/**
 * How many tests contract/python-v1 holds per module (test_customers.py 15, test_catalog.py 16,
 * test_billing.py 11, test_meters.py 8, test_webhooks.py 13, test_members.py 7,
 * test_organizations.py 5, test_events.py 5, test_checkouts.py 2, test_seats.py 2, test_orders.py 4): fewer passing
 * means some went missing.
 */
const PER_MODULE = 91;
const MIN_PASSED = PER_MODULE * MODULES.length;

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

/** The test ids pytest reported as passed (`-rA` lists them: "PASSED test_x.py::test_y[v2026_10]"). */
function passedIds(stdout: string): string[] {
  return [...stdout.matchAll(/^PASSED (\S+)/gm)].map((match) => match[1]);
}

let emulator: RunningEmulator;
let python: string;

beforeAll(async () => {
  const venv = await ensureVenv({
    cacheName: "polar-python-v1",
    requirements: path.join("contract", "python-v1", "requirements.txt"),
    purpose: "the polar-sdk 1.x contract test",
    minimumPython: [3, 11],
  });
  python = venv.python;
  if (venv.built) console.info(`polar-python-v1 venv built in ${venv.seconds.toFixed(1)} s (${venv.venv})`);
  emulator = await startEmulator();
}, 240_000);

afterAll(async () => {
  await emulator?.close();
});

describe("polar-sdk 1.x (Python) against the emulator, in every version module", () => {
  it("passes every contract test in each module, with no failure, error or skip", async () => {
    const result = await run(
      python,
      ["-m", "pytest", "contract/python-v1", "-q", "-rA", "-p", "no:cacheprovider"],
      {
        env: {
          ...process.env,
          POLAR_EMULATOR_URL: emulator.url,
          POLAR_EMULATOR_TOKEN: emulator.token,
          PYTHONDONTWRITEBYTECODE: "1",
          // Wide enough that the short summary keeps each failure's reason whole.
          COLUMNS: "400",
        },
        timeoutMs: 240_000,
      },
    );
    const report = describeRun("pytest", result);
    expect(result.timedOut, report).toBe(false);

    const summary = pytestSummary(result.stdout);
    expect(summary, report).not.toBeNull();
    for (const kind of ["failed", "errors", "skipped", "xfailed", "xpassed", "deselected"]) {
      expect(summary?.[kind] ?? 0, `${kind} in the pytest summary\n${report}`).toBe(0);
    }
    expect(result.code, report).toBe(0);
    expect(summary?.passed ?? 0, report).toBeGreaterThanOrEqual(MIN_PASSED);
    // Each module ran its share: a module whose tests vanished cannot hide behind the others.
    const passed = passedIds(result.stdout);
    for (const module of MODULES) {
      const ofModule = passed.filter((id) => id.includes(`[${module}`)).length;
      expect(ofModule, `tests passed in ${module}\n${report}`).toBeGreaterThanOrEqual(PER_MODULE);
    }
  }, 300_000);
});
