/**
 * Polar's official Go client (`github.com/polarsource/polar-go` v0.16.0, pinned with its exact
 * dependencies in contract/go/go.mod and go.sum) against the emulator: `go test` in contract/go,
 * with `-json` so each Go test's result is counted here.
 *
 * Go's own caches hold everything between runs (the module cache under GOMODCACHE, default
 * ~/go/pkg/mod, and the build cache under GOCACHE): the first run downloads the modules through
 * the Go module proxy and compiles the client (about a minute), later runs take seconds.
 * `-mod=readonly` makes the committed go.sum the only source of versions; `GOTOOLCHAIN=local`
 * keeps `go` from fetching another toolchain.
 */
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningEmulator, startEmulator } from "../src/index.js";
import { describeRun, ROOT, type RunResult, run } from "./python-venv.js";

/** How many Go tests contract/go holds (`grep -c '^func Test' contract/go/*_test.go`, less TestMain). */
const MIN_PASSED = 51;

const GO_DIR = path.join(ROOT, "contract", "go");

/** One line of `go test -json` (test2json). */
interface TestEvent {
  Action: string;
  Package?: string;
  Test?: string;
  Output?: string;
  Elapsed?: number;
}

function goEnv(emulator: RunningEmulator): NodeJS.ProcessEnv {
  return {
    ...process.env,
    POLAR_EMULATOR_URL: emulator.url,
    POLAR_EMULATOR_TOKEN: emulator.token,
    GOFLAGS: `${process.env.GOFLAGS ?? ""} -mod=readonly`.trim(),
    GOTOOLCHAIN: "local",
  };
}

function parseEvents(stdout: string): TestEvent[] {
  const events: TestEvent[] = [];
  for (const line of stdout.split("\n")) {
    if (!line.startsWith("{")) continue;
    try {
      events.push(JSON.parse(line) as TestEvent);
    } catch {
      // A line that is not an event (build output interleaved): kept in the raw report.
    }
  }
  return events;
}

/** Each failed Go test with everything it printed, or the whole run when no test failed. */
function readableFailures(events: TestEvent[], result: RunResult): string {
  const output = new Map<string, string[]>();
  for (const event of events) {
    if (event.Test && event.Output !== undefined) {
      const lines = output.get(event.Test) ?? [];
      lines.push(event.Output);
      output.set(event.Test, lines);
    }
  }
  const failed = events.filter((event) => event.Action === "fail" && event.Test);
  if (failed.length === 0) return describeRun("go test", result);
  return failed
    .map((event) => `--- ${event.Test} ---\n${(output.get(event.Test as string) ?? []).join("")}`)
    .join("\n");
}

let emulator: RunningEmulator;

beforeAll(async () => {
  emulator = await startEmulator();
  // Downloads (first run only) and compiles, running no test: what a cold cache costs shows here.
  const started = Date.now();
  const build = await run("go", ["test", "-count=1", "-run", "^$", "./..."], {
    cwd: GO_DIR,
    env: goEnv(emulator),
    timeoutMs: 300_000,
  });
  if (build.code !== 0) throw new Error(describeRun("go test -run ^$ (download and compile)", build));
  const seconds = (Date.now() - started) / 1000;
  if (seconds > 20) console.info(`contract/go downloaded and compiled in ${seconds.toFixed(1)} s`);
}, 320_000);

afterAll(async () => {
  await emulator?.close();
});

describe("polar-go v0.16.0 (Go) against the emulator", () => {
  it("passes every Go contract test", async () => {
    const result = await run("go", ["test", "-count=1", "-json", "./..."], {
      cwd: GO_DIR,
      env: goEnv(emulator),
      timeoutMs: 120_000,
    });
    const events = parseEvents(result.stdout);
    const report = readableFailures(events, result);
    expect(result.timedOut, report).toBe(false);

    const count = (action: string) => events.filter((event) => event.Action === action && event.Test).length;
    const failed = events
      .filter((event) => event.Action === "fail" && event.Test)
      .map((event) => event.Test as string);
    expect(failed, report).toEqual([]);
    expect(result.code, report).toBe(0);
    expect(count("skip"), `skipped Go tests\n${report}`).toBe(0);
    expect(count("pass"), report).toBeGreaterThanOrEqual(MIN_PASSED);
  }, 150_000);
});
