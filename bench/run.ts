/**
 * `npm run bench`: startup time and HTTP throughput/latency of the emulator, side by side with a
 * bare express baseline in the same run (machines are noisy: only the ratios mean something).
 *
 *   1. spawn → GET /_emulator/health 200 (polled every 20 ms), default fixture and --customers 10000,
 *      BENCH_STARTUP_REPEATS times each (default 3, interleaved), median, plus VmRSS after startup;
 *   2. autocannon, 10 connections, BENCH_DURATION seconds each (default 5) after BENCH_WARMUP seconds
 *      (default 1) of warm-up, against an emulator started with --customers 10000, in BENCH_ROUNDS
 *      slices (default min(BENCH_DURATION, 5)) where the emulator and the baseline take turns:
 *      GET /v1/customers/{id}/state and POST /v1/customers/ (a new email per request, 201 expected),
 *      then the same requests against an express 5 app that answers the bytes the emulator answered.
 *
 * Progress goes to stderr; stdout gets the report and, as its last line, one JSON object.
 * Exits 1 when anything went wrong under load (unexpected statuses, socket errors, a crash).
 */
import { execFileSync } from "node:child_process";
import { arch, cpus, platform } from "node:os";
import { installCleanupHooks, killAllChildren, memoryOf, round, type Spawned, stop } from "./children.js";
import { fmt, loud, median, printReport, ratio, table } from "./format.js";
import { httpRequest } from "./http.js";
import { type LoadResult, type LoadSpec, runInterleaved } from "./load.js";
import {
  type BaselineSpec,
  type RunningBaseline,
  type RunningEmulator,
  startBaselineProcess,
  startEmulatorProcess,
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

const DURATION_S = envInt("BENCH_DURATION", 5, 1, 600);
const WARMUP_S = envInt("BENCH_WARMUP", 1, 0, 60);
const STARTUP_REPEATS = envInt("BENCH_STARTUP_REPEATS", 3, 1, 25);
/** Slices per target: emulator and baseline take turns, so background noise hits both alike. */
const ROUNDS = envInt("BENCH_ROUNDS", Math.min(DURATION_S, 5), 1, 100);
const CONNECTIONS = 10;
const CUSTOMERS = 10_000;

const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);

interface StartupVariant {
  name: string;
  args: string[];
  customers: number | null;
  runsMs: number[];
  rssMiB: number[];
}

interface StartupSummary {
  name: string;
  args: string[];
  customers: number | null;
  medianMs: number;
  runsMs: number[];
  rssMiB: number | null;
}

function customersInBanner(output: string): number | null {
  const match = /, (\d+) customers/.exec(output);
  return match ? Number(match[1]) : null;
}

async function measureStartup(): Promise<StartupSummary[]> {
  const variants: StartupVariant[] = [
    { name: "default seed", args: [], customers: null, runsMs: [], rssMiB: [] },
    {
      name: `--customers ${CUSTOMERS}`,
      args: ["--customers", String(CUSTOMERS)],
      customers: null,
      runsMs: [],
      rssMiB: [],
    },
  ];
  for (let run = 1; run <= STARTUP_REPEATS; run++) {
    for (const variant of variants) {
      const emulator = await startEmulatorProcess(variant.args);
      try {
        variant.runsMs.push(round(emulator.msToHealthy, 1));
        if (emulator.memory) variant.rssMiB.push(emulator.memory.rssMiB);
        variant.customers ??= customersInBanner(emulator.process.output());
        log(`startup ${variant.name} #${run}: ${fmt(emulator.msToHealthy)} ms`);
      } finally {
        await stop(emulator.process);
      }
    }
  }
  return variants.map((v) => ({
    name: v.name,
    args: v.args,
    customers: v.customers,
    medianMs: round(median(v.runsMs), 1),
    runsMs: v.runsMs,
    rssMiB: v.rssMiB.length > 0 ? round(median(v.rssMiB), 1) : null,
  }));
}

interface Pair {
  name: string;
  emulator: LoadResult;
  baseline: LoadResult;
  warmup: { emulator: LoadResult; baseline: LoadResult } | null;
  ratios: { reqPerSec: number | null; p50: number | null; p99: number | null };
}

interface Captured {
  customerId: string;
  spec: BaselineSpec;
}

async function capture(emulator: RunningEmulator): Promise<Captured> {
  const auth = { Authorization: `Bearer ${emulator.token}` };
  // The customer with the largest state among the active ones (with the default scenario, one
  // with subscriptions, granted benefits and meters), so the figure is not an empty state's.
  const list = await httpRequest(`${emulator.url}/v1/customers/?limit=100&active=true`, { headers: auth });
  if (list.status !== 200) throw new Error(`GET /v1/customers/?active=true → ${list.status}: ${list.body}`);
  const fallback = await httpRequest(`${emulator.url}/v1/customers/?limit=1`, { headers: auth });
  const items = [
    ...((JSON.parse(list.body) as { items?: { id?: string }[] }).items ?? []),
    ...((JSON.parse(fallback.body) as { items?: { id?: string }[] }).items ?? []),
  ];
  let customerId: string | undefined;
  let richest = -1;
  for (const item of items) {
    if (item.id === undefined) continue;
    const probe = await httpRequest(`${emulator.url}/v1/customers/${item.id}/state`, { headers: auth });
    const size = probe.body.length;
    if (size > richest) {
      richest = size;
      customerId = item.id;
    }
  }
  if (customerId === undefined) throw new Error(`no customer in ${list.body}`);

  const getPath = `/v1/customers/${customerId}/state`;
  const state = await httpRequest(`${emulator.url}${getPath}`, { headers: auth });
  if (state.status !== 200) throw new Error(`GET ${getPath} → ${state.status}: ${state.body}`);

  const postPath = "/v1/customers/";
  const created = await httpRequest(`${emulator.url}${postPath}`, {
    method: "POST",
    headers: { ...auth, "Content-Type": "application/json" },
    body: JSON.stringify({ email: "bench-capture@example.com", name: "Bench" }),
  });
  if (created.status !== 201) throw new Error(`POST ${postPath} → ${created.status}: ${created.body}`);

  return {
    customerId,
    spec: {
      getPath,
      getBody: state.body,
      getContentType: state.contentType,
      getStatus: state.status,
      postPath,
      postBody: created.body,
      postContentType: created.contentType,
      postStatus: created.status,
    },
  };
}

/** The baseline must answer exactly what the emulator answered (status, content type, bytes). */
async function checkBaseline(baseline: RunningBaseline, spec: BaselineSpec): Promise<string[]> {
  const problems: string[] = [];
  const get = await httpRequest(`${baseline.url}${spec.getPath}`);
  const post = await httpRequest(`${baseline.url}${spec.postPath}`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ email: "x@example.com", name: "Bench" }),
  });
  if (get.status !== spec.getStatus || get.contentType !== spec.getContentType || get.body !== spec.getBody)
    problems.push(`baseline GET differs from the emulator's response (${get.status} ${get.contentType})`);
  if (
    post.status !== spec.postStatus ||
    post.contentType !== spec.postContentType ||
    post.body !== spec.postBody
  )
    problems.push(`baseline POST differs from the emulator's response (${post.status} ${post.contentType})`);
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
    for (const sample of result.samples) {
      problems.push(`  request  ${sample.request}`);
      problems.push(`  response ${sample.status} ${sample.response}`);
    }
  }
  if (result.errors > 0 || result.timeouts > 0) {
    problems.push(
      `${where}: ${result.errors} socket errors, ${result.timeouts} timeouts (${result.reqErrors.join("; ")})`,
    );
  }
  if (result.requests === 0) problems.push(`${where}: no request completed`);
  return problems;
}

/** The emulator is measured as shipped: compiled to dist/ (no TypeScript compilation at startup). */
function build(): void {
  process.stderr.write("[bench] npm run build\n");
  execFileSync("npm", ["run", "build", "--silent"], { stdio: ["ignore", "ignore", "inherit"] });
}

async function main(): Promise<number> {
  build();
  installCleanupHooks();
  const budgetS = STARTUP_REPEATS * 2 * 130 + 4 * (DURATION_S + WARMUP_S + 30) + 300;
  const watchdog = setTimeout(() => {
    console.error(loud([`the benchmark did not finish within ${budgetS} s: killing everything`]));
    killAllChildren();
    process.exit(3);
  }, budgetS * 1000);
  watchdog.unref();

  const date = new Date().toISOString();
  const problems: string[] = [];
  const running: Spawned[] = [];
  try {
    log(`startup: ${STARTUP_REPEATS} runs each, interleaved`);
    const startup = await measureStartup();

    log(`load: starting the emulator with --customers ${CUSTOMERS}`);
    const emulator = await startEmulatorProcess(["--customers", String(CUSTOMERS)]);
    running.push(emulator.process);
    const captured = await capture(emulator);
    const baseline = await startBaselineProcess(captured.spec);
    running.push(baseline.process);
    problems.push(...(await checkBaseline(baseline, captured.spec)));

    const auth = `Bearer ${emulator.token}`;
    let n = 0;
    const postBody = () => JSON.stringify({ email: `bench-${++n}@example.com`, name: "Bench" });
    const getSpec = (label: string, baseUrl: string): LoadSpec => ({
      label,
      baseUrl,
      method: "GET",
      path: captured.spec.getPath,
      headers: { authorization: auth },
      expectedStatus: 200,
    });
    const postSpec = (label: string, baseUrl: string): LoadSpec => ({
      label,
      baseUrl,
      method: "POST",
      path: captured.spec.postPath,
      headers: { authorization: auth, "content-type": "application/json" },
      expectedStatus: 201,
      body: postBody,
    });

    const emulatorCrash = () =>
      emulator.process.hasExited()
        ? `the emulator process exited during the load test. Its output:\n${emulator.process.output().slice(-4000)}`
        : null;

    const afterSlice = () => {
      const crash = emulatorCrash();
      if (crash) throw new Error(crash);
    };
    const pairs: Pair[] = [];
    for (const [name, makeSpec] of [
      ["GET /v1/customers/{id}/state", getSpec],
      ["POST /v1/customers/", postSpec],
    ] as const) {
      const specs = [makeSpec(`emulator ${name}`, emulator.url), makeSpec(`baseline ${name}`, baseline.url)];
      let warmup: Pair["warmup"] = null;
      if (WARMUP_S > 0) {
        log(`warm-up ${name}: ${WARMUP_S} s each`);
        const [e, b] = await runInterleaved(specs, {
          totalS: WARMUP_S,
          rounds: 1,
          connections: CONNECTIONS,
          afterSlice,
        });
        for (const w of [e, b]) problems.push(...loadProblems(w, specs[0].expectedStatus, "warm-up"));
        warmup = { emulator: e, baseline: b };
      }
      log(`${name}: ${DURATION_S} s each, ${CONNECTIONS} connections, in ${ROUNDS} alternating slices`);
      const [e, b] = await runInterleaved(specs, {
        totalS: DURATION_S,
        rounds: ROUNDS,
        connections: CONNECTIONS,
        afterSlice,
      });
      for (const r of [e, b]) problems.push(...loadProblems(r, specs[0].expectedStatus, "measured"));
      pairs.push({
        name,
        emulator: e,
        baseline: b,
        warmup,
        ratios: {
          reqPerSec: ratio(e.reqPerSec, b.reqPerSec),
          p50: ratio(e.latencyMs.p50, b.latencyMs.p50),
          p99: ratio(e.latencyMs.p99, b.latencyMs.p99),
        },
      });
    }

    // Every 201 must be a customer in the store: 10 000 + fixture + the captured one + the POSTs.
    const emulatorMemoryAfterLoad = memoryOf(emulator.process.pid);
    const health = await httpRequest(`${emulator.url}/_emulator/health`);
    const customersAfter = (JSON.parse(health.body) as { customers?: number }).customers ?? null;
    const postPair = pairs[1];
    const created201 =
      (postPair.emulator.statusCodes["201"] ?? 0) + (postPair.warmup?.emulator.statusCodes["201"] ?? 0);
    const customersBefore = customersInBanner(emulator.process.output());
    // autocannon stops with up to one request in flight per connection: the emulator may have created
    // those customers without autocannon counting their 201s.
    const emulatorPostRuns = postPair.emulator.slices + (postPair.warmup?.emulator.slices ?? 0);
    const expectedMin = customersBefore === null ? null : customersBefore + 1 + created201;
    const expectedMax = expectedMin === null ? null : expectedMin + emulatorPostRuns * CONNECTIONS;
    const inFlightAtStop =
      customersAfter === null || expectedMin === null ? null : customersAfter - expectedMin;
    if (
      customersAfter === null ||
      expectedMin === null ||
      expectedMax === null ||
      customersAfter < expectedMin ||
      customersAfter > expectedMax
    ) {
      problems.push(
        `the emulator holds ${customersAfter} customers after the run, expected ${expectedMin} to ${expectedMax} (${customersBefore} + 1 captured + ${created201} POSTs answered 201 + at most ${CONNECTIONS} in flight per run)`,
      );
    }
    // Log lines the emulator wrote at warn level or above while under load (the banner is not JSON).
    const emulatorLogs = emulator.process
      .output()
      .split("\n")
      .filter((line) => line.startsWith("{"));
    if (emulatorLogs.length > 0) {
      problems.push(
        `the emulator logged ${emulatorLogs.length} warn/error lines under load, the first ones:`,
      );
      problems.push(...emulatorLogs.slice(0, 5).map((line) => `  ${line.slice(0, 1500)}`));
    }

    // ---- report ----
    const out: string[] = [];
    out.push("");
    out.push(
      `polar-emulator benchmark  ${date}  node ${process.version}  ${cpus().length} CPUs (${cpus()[0]?.model ?? "?"})  ${platform()} ${arch()}`,
    );
    out.push(
      `load: autocannon, ${CONNECTIONS} connections, ${DURATION_S} s per target (${ROUNDS} slices of ${fmt(DURATION_S / ROUNDS, 2)} s, emulator and baseline alternating) after ${WARMUP_S} s of warm-up; emulator started with --customers ${CUSTOMERS}`,
    );
    out.push("");
    out.push(
      `Time to healthy (spawn → GET /_emulator/health 200, polled every 20 ms), median of ${STARTUP_REPEATS}`,
    );
    out.push(
      table(
        ["variant", "customers", "median ms", "runs ms", "RSS MiB after startup"],
        startup.map((s) => [
          s.name,
          s.customers === null ? "?" : String(s.customers),
          fmt(s.medianMs),
          s.runsMs.map((ms) => fmt(ms, 0)).join(" / "),
          fmt(s.rssMiB),
        ]),
      ),
    );
    const startupRatio = ratio(startup[1].medianMs, startup[0].medianMs);
    out.push(`  ratio ${startup[1].name} / ${startup[0].name}: ${fmt(startupRatio, 2)}×`);
    out.push("");
    out.push(
      "Throughput and latency (req/s = responses / duration; latency percentiles from each response's fractional ms)",
    );
    const row = (r: LoadResult) => [
      r.label,
      fmt(r.reqPerSec),
      fmt(r.latencyMs.p50, 2),
      fmt(r.latencyMs.p99, 2),
      fmt(r.latencyMs.max, 2),
      String(r.requests),
      String(r.unexpected),
      String(r.non2xx),
      String(r.errors + r.timeouts),
      r.sliceReqPerSec.join(" "),
    ];
    out.push(
      table(
        [
          "target",
          "req/s",
          "p50 ms",
          "p99 ms",
          "max ms",
          "requests",
          "unexpected",
          "non-2xx",
          "errors",
          "req/s per slice",
        ],
        pairs.flatMap((p) => [
          row(p.emulator),
          row(p.baseline),
          [
            `  ratio emulator/baseline`,
            `${fmt(p.ratios.reqPerSec, 3)}×`,
            `${fmt(p.ratios.p50, 2)}×`,
            `${fmt(p.ratios.p99, 2)}×`,
            "",
            "",
            "",
            "",
            "",
            "",
          ],
        ]),
      ),
    );
    out.push(
      `  emulator RSS after startup ${fmt(emulator.memory?.rssMiB)} MiB, after the load ${fmt(emulatorMemoryAfterLoad?.rssMiB)} MiB (peak ${fmt(emulatorMemoryAfterLoad?.peakMiB)} MiB); customers ${customersBefore} → ${customersAfter} (${created201} counted 201s + 1 captured + ${inFlightAtStop} answered after autocannon stopped)`,
    );
    out.push(
      `  baseline: express 5, same GET/POST paths, answers the captured emulator bytes (GET ${Buffer.byteLength(captured.spec.getBody)} B, POST ${Buffer.byteLength(captured.spec.postBody)} B, ${captured.spec.getContentType})`,
    );
    out.push("");
    printReport(
      out,
      problems,
      "every response had the expected status (GET 200, POST 201), no socket errors, no emulator log lines.",
    );

    const summary = {
      date,
      node: process.version,
      cpus: cpus().length,
      platform: `${platform()} ${arch()}`,
      connections: CONNECTIONS,
      durationS: DURATION_S,
      rounds: ROUNDS,
      warmupS: WARMUP_S,
      ok: problems.length === 0,
      problems,
      startup: {
        repeats: STARTUP_REPEATS,
        variants: startup,
        ratio: startupRatio,
      },
      load: {
        customers: CUSTOMERS,
        emulatorRssMiB: { afterStartup: emulator.memory?.rssMiB ?? null, afterLoad: emulatorMemoryAfterLoad },
        customersBefore,
        customersAfter,
        created201,
        inFlightAtStop,
        pairs: pairs.map((p) => ({
          name: p.name,
          ratios: p.ratios,
          emulator: p.emulator,
          baseline: p.baseline,
        })),
      },
    };
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
