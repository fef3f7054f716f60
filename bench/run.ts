/**
 * `npm run bench`: the emulator side by side with its peers in one run (machines are noisy: the
 * ratios carry over between machines, the absolute figures do not).
 *
 *   1. time to ready (spawn → GET /_emulator/health 200, polled every 10 ms) of `node dist/launch.js`
 *      and `npm start` with the default seed (BENCH_STARTUP_REPEATS each, default 3, interleaved)
 *      and of `--customers 100000` (BENCH_BIG_REPEATS, default 1), with RSS;
 *   2. POST /_emulator/reset of the default seed (median of 10); snapshot() and restore() of a
 *      10,000-customer organization, in-process (bench/state.ts);
 *   3. autocannon, 10 connections, BENCH_DURATION seconds per target (default 3) after
 *      BENCH_WARMUP (default 1), in BENCH_ROUNDS slices taken in turn, against the emulator with
 *      --customers 10000, a bare express 5 app and a bare node:http server answering the bytes the
 *      emulator answered, and Prism on spec/polar.yaml: GET …/state, POST /v1/customers/,
 *      GET /v1/customers/?limit=100 and GET /v1/subscriptions/.
 *
 * Progress goes to stderr; stdout gets the report and, as its last line, one JSON object, also
 * written to docs/bench/latest.json (BENCH_OUT) with the chart docs/bench/latest.svg beside it.
 * Exits 1 when anything went wrong under load (unexpected statuses, socket errors, a crash).
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { dirname } from "node:path";
import { renderChart } from "./chart.js";
import { installCleanupHooks, killAllChildren, memoryOf, type Spawned, stop } from "./children.js";
import { loud } from "./format.js";
import { httpRequest } from "./http.js";
import { type LoadResult, type LoadSpec, runInterleaved } from "./load.js";
import { customersInBanner, measureReset, measureSnapshot, measureStartup } from "./startup.js";
import { report, summarize } from "./summary.js";
import {
  type CapturedRoute,
  type Running,
  type RunningEmulator,
  startBaselineProcess,
  startEmulatorProcess,
  startPrismProcess,
} from "./targets.js";

function envInt(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

const DURATION_S = envInt("BENCH_DURATION", 3, 1, 600);
const WARMUP_S = envInt("BENCH_WARMUP", 1, 0, 60);
const STARTUP_REPEATS = envInt("BENCH_STARTUP_REPEATS", 3, 1, 25);
const BIG_REPEATS = envInt("BENCH_BIG_REPEATS", 1, 0, 10);
const BIG_CUSTOMERS = envInt("BENCH_BIG_CUSTOMERS", 100_000, 1, 1_000_000);
/** Slices per target: the targets take turns, so background noise hits them alike. */
const ROUNDS = envInt("BENCH_ROUNDS", Math.min(DURATION_S, 3), 1, 100);
const CONNECTIONS = 10;
const CUSTOMERS = 10_000;
const OUT = process.env.BENCH_OUT ?? "docs/bench/latest.json";

const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);

/** The routes measured, captured from the emulator: the baselines answer these bytes. */
async function capture(emulator: RunningEmulator): Promise<CapturedRoute[]> {
  const auth = { Authorization: `Bearer ${emulator.token}` };
  // The active customer with the largest state (subscriptions, granted benefits, meters).
  const list = await httpRequest(`${emulator.url}/v1/customers/?limit=100&active=true`, { headers: auth });
  if (list.status !== 200) throw new Error(`GET /v1/customers/?active=true → ${list.status}: ${list.body}`);
  let customerId: string | undefined;
  let richest = -1;
  for (const item of (JSON.parse(list.body) as { items: { id: string }[] }).items) {
    const probe = await httpRequest(`${emulator.url}/v1/customers/${item.id}/state`, { headers: auth });
    if (probe.body.length > richest) {
      richest = probe.body.length;
      customerId = item.id;
    }
  }
  if (customerId === undefined) throw new Error(`no active customer in ${list.body}`);
  const routes: [string, "GET" | "POST", string, number][] = [
    ["GET …/state", "GET", `/v1/customers/${customerId}/state`, 200],
    ["POST /v1/customers/", "POST", "/v1/customers/", 201],
    ["GET customers ?limit=100", "GET", "/v1/customers/?limit=100", 200],
    ["GET /v1/subscriptions/", "GET", "/v1/subscriptions/", 200],
  ];
  const captured: CapturedRoute[] = [];
  for (const [name, method, path, status] of routes) {
    const answer = await httpRequest(`${emulator.url}${path}`, {
      method,
      headers: method === "POST" ? { ...auth, "Content-Type": "application/json" } : auth,
      body:
        method === "POST" ? JSON.stringify({ email: "bench-capture@example.com", name: "Bench" }) : undefined,
    });
    if (answer.status !== status) throw new Error(`${method} ${path} → ${answer.status}: ${answer.body}`);
    captured.push({ name, method, path, status, contentType: answer.contentType, body: answer.body });
  }
  return captured;
}

/** A baseline must answer exactly what the emulator answered (status, content type, bytes). */
async function checkBaseline(name: string, baseline: Running, routes: CapturedRoute[]): Promise<string[]> {
  const problems: string[] = [];
  for (const route of routes) {
    const answer = await httpRequest(`${baseline.url}${route.path}`, {
      method: route.method,
      headers: { "Content-Type": "application/json" },
      body: route.method === "POST" ? JSON.stringify({ email: "x@example.com", name: "Bench" }) : undefined,
    });
    if (
      answer.status !== route.status ||
      answer.contentType !== route.contentType ||
      answer.body !== route.body
    )
      problems.push(
        `${name} ${route.method} ${route.path} differs from the emulator's answer (${answer.status})`,
      );
  }
  return problems;
}

function loadProblems(result: LoadResult, expected: number, phase: string): string[] {
  const problems: string[] = [];
  const where = `${phase} ${result.label}`;
  if (result.unexpected > 0) {
    const codes = Object.entries(result.statusCodes)
      .map(([code, count]) => `${code}×${count}`)
      .join(", ");
    problems.push(`${where}: ${result.unexpected} responses were not ${expected} (status codes: ${codes})`);
    for (const sample of result.samples)
      problems.push(`  request  ${sample.request}`, `  response ${sample.status} ${sample.response}`);
  }
  if (result.errors > 0 || result.timeouts > 0)
    problems.push(
      `${where}: ${result.errors} socket errors, ${result.timeouts} timeouts (${result.reqErrors.join("; ")})`,
    );
  if (result.requests === 0) problems.push(`${where}: no request completed`);
  return problems;
}

/** The emulator is measured as shipped: compiled to dist/ (no TypeScript compilation at startup). */
function build(): void {
  log("npm run build");
  execFileSync("npm", ["run", "build", "--silent"], { stdio: ["ignore", "ignore", "inherit"] });
}

interface Target {
  name: string;
  running: Running;
  /** What the target answers each route with (Prism answers its examples, with its own statuses). */
  expected: Map<string, number>;
}

async function main(): Promise<number> {
  build();
  installCleanupHooks();
  const budgetS = (STARTUP_REPEATS * 2 + BIG_REPEATS) * 130 + 16 * (DURATION_S + WARMUP_S + 10) + 600;
  const watchdog = setTimeout(() => {
    console.error(loud([`the benchmark did not finish within ${budgetS} s: killing everything`]));
    killAllChildren();
    process.exit(3);
  }, budgetS * 1000);
  watchdog.unref();

  const date = new Date().toISOString();
  const loadBefore = loadavg();
  const problems: string[] = [];
  const running: Spawned[] = [];
  try {
    log(
      `startup: ${STARTUP_REPEATS} runs of the default seed (dist, npm start), ${BIG_REPEATS} of --customers ${BIG_CUSTOMERS}`,
    );
    const startup = await measureStartup([
      { name: "node dist/launch.js, default seed", how: "dist", args: [], repeats: STARTUP_REPEATS },
      { name: "npm start, default seed", how: "npm start", args: [], repeats: STARTUP_REPEATS },
      ...(BIG_REPEATS > 0
        ? [
            {
              name: `node dist/launch.js --customers ${BIG_CUSTOMERS}`,
              how: "dist" as const,
              args: ["--customers", String(BIG_CUSTOMERS)],
              repeats: BIG_REPEATS,
            },
          ]
        : []),
    ]);

    log("reset of the default seed, 10 times");
    const small = await startEmulatorProcess([]);
    running.push(small.process);
    const resetRunsMs = await measureReset(small, 10);
    await stop(small.process);

    log("snapshot and restore of a 10,000-customer organization");
    const snapshot = await measureSnapshot(CUSTOMERS);

    log(`load: the emulator with --customers ${CUSTOMERS}, the baselines, Prism`);
    const emulator = await startEmulatorProcess(["--customers", String(CUSTOMERS)]);
    running.push(emulator.process);
    const routes = await capture(emulator);
    const express = await startBaselineProcess("express", routes);
    running.push(express.process);
    const bare = await startBaselineProcess("node", routes);
    running.push(bare.process);
    problems.push(
      ...(await checkBaseline("express", express, routes)),
      ...(await checkBaseline("node:http", bare, routes)),
    );
    const targets: Target[] = [
      { name: "polar-emulator", running: emulator, expected: new Map(routes.map((r) => [r.name, r.status])) },
      { name: "bare express 5", running: express, expected: new Map(routes.map((r) => [r.name, r.status])) },
      { name: "bare node:http", running: bare, expected: new Map(routes.map((r) => [r.name, r.status])) },
    ];
    try {
      const prism = await startPrismProcess(routes[0].path, emulator.token);
      running.push(prism.process);
      const expected = new Map<string, number>();
      for (const route of routes) {
        const answer = await httpRequest(`${prism.url}${route.path}`, {
          method: route.method,
          headers: { Authorization: `Bearer ${emulator.token}`, "Content-Type": "application/json" },
          body:
            route.method === "POST"
              ? JSON.stringify({ email: "bench-prism@example.com", name: "Bench" })
              : undefined,
        });
        expected.set(route.name, answer.status);
      }
      targets.push({ name: "Prism 5 (same spec)", running: prism, expected });
    } catch (error) {
      problems.push(`Prism could not be measured: ${error instanceof Error ? error.message : String(error)}`);
    }
    const warm = new Map(targets.map((t) => [t.name, memoryOf(t.running.process.pid)]));

    let n = 0;
    const spec = (target: Target, route: CapturedRoute): LoadSpec => ({
      label: `${target.name} ${route.name}`,
      baseUrl: target.running.url,
      method: route.method,
      path: route.path,
      headers: {
        authorization: `Bearer ${emulator.token}`,
        ...(route.method === "POST" ? { "content-type": "application/json" } : {}),
      },
      expectedStatus: target.expected.get(route.name) ?? route.status,
      body:
        route.method === "POST"
          ? () => JSON.stringify({ email: `bench-${++n}@example.com`, name: "Bench" })
          : undefined,
    });
    const afterSlice = () => {
      if (emulator.process.hasExited())
        throw new Error(
          `the emulator exited under load. Its output:\n${emulator.process.output().slice(-4000)}`,
        );
    };
    const results = new Map<string, Map<string, LoadResult>>();
    let emulator201 = 0;
    let emulatorPostSlices = 0;
    // The reads first, the creates last: the lists are then measured over the 10,000 seeded
    // customers, not over those the POSTs add.
    const measuredOrder = [
      ...routes.filter((r) => r.method !== "POST"),
      ...routes.filter((r) => r.method === "POST"),
    ];
    for (const route of measuredOrder) {
      const specs = targets.map((target) => spec(target, route));
      if (WARMUP_S > 0) {
        log(`warm-up ${route.name}: ${WARMUP_S} s each`);
        const warmups = await runInterleaved(specs, {
          totalS: WARMUP_S,
          rounds: 1,
          connections: CONNECTIONS,
          afterSlice,
        });
        for (const [i, w] of warmups.entries())
          problems.push(...loadProblems(w, specs[i].expectedStatus, "warm-up"));
        if (route.method === "POST") {
          emulator201 += warmups[0].statusCodes["201"] ?? 0;
          emulatorPostSlices += warmups[0].slices;
        }
      }
      log(`${route.name}: ${DURATION_S} s each, ${CONNECTIONS} connections, ${ROUNDS} slices in turn`);
      const measured = await runInterleaved(specs, {
        totalS: DURATION_S,
        rounds: ROUNDS,
        connections: CONNECTIONS,
        afterSlice,
      });
      for (const [i, r] of measured.entries())
        problems.push(...loadProblems(r, specs[i].expectedStatus, "measured"));
      if (route.method === "POST") {
        emulator201 += measured[0].statusCodes["201"] ?? 0;
        emulatorPostSlices += measured[0].slices;
      }
      results.set(route.name, new Map(targets.map((t, i) => [t.name, measured[i]])));
    }
    const afterLoad = new Map(targets.map((t) => [t.name, memoryOf(t.running.process.pid)]));

    // Every 201 is a customer in the store: the seed + the captured one + the POSTs answered 201
    // (+ at most one in flight per connection when autocannon stopped).
    const health = await httpRequest(`${emulator.url}/_emulator/health`);
    const customersAfter = (JSON.parse(health.body) as { customers?: number }).customers ?? null;
    const customersBefore = customersInBanner(emulator.process.output());
    const expectedMin = customersBefore === null ? null : customersBefore + 1 + emulator201;
    if (
      customersAfter === null ||
      expectedMin === null ||
      customersAfter < expectedMin ||
      customersAfter > expectedMin + emulatorPostSlices * CONNECTIONS
    )
      problems.push(
        `the emulator holds ${customersAfter} customers after the run, expected ${expectedMin} + at most ${emulatorPostSlices * CONNECTIONS} in flight`,
      );
    const emulatorLogs = emulator.process
      .output()
      .split("\n")
      .filter((line) => line.startsWith("{"));
    if (emulatorLogs.length > 0)
      problems.push(
        `the emulator logged ${emulatorLogs.length} warn/error lines under load, the first ones:`,
        ...emulatorLogs.slice(0, 5).map((line) => `  ${line.slice(0, 1500)}`),
      );

    const summary = summarize({
      date,
      loadBefore,
      startup,
      resetRunsMs,
      snapshot,
      routes,
      targets,
      results,
      warm,
      afterLoad,
      problems,
    });
    report(summary);
    mkdirSync(dirname(OUT), { recursive: true });
    writeFileSync(OUT, `${JSON.stringify(summary, null, 1)}\n`);
    writeFileSync(OUT.replace(/\.json$/, ".svg"), renderChart(summary.chart));
    log(`wrote ${OUT} and its chart`);
    process.stdout.write(`${JSON.stringify(summary)}\n`);
    return problems.length > 0 ? 1 : 0;
  } finally {
    await Promise.all(running.map((spawned) => stop(spawned)));
    killAllChildren();
    clearTimeout(watchdog);
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    console.error(loud(["THE BENCHMARK FAILED", ...message.split("\n")]));
    killAllChildren();
    process.stdout.write(
      `${JSON.stringify({ date: new Date().toISOString(), ok: false, error: message })}\n`,
    );
    process.exitCode = 1;
  },
);
