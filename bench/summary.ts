/** The benchmark's figures as one JSON summary, its printed tables and the goals. */
import { arch, cpus, loadavg, platform } from "node:os";
import type { ChartInput } from "./chart.js";
import { round } from "./children.js";
import { fmt, median, printReport, ratio, table } from "./format.js";
import type { LoadResult } from "./load.js";
import type { StartupSummary, StateTimings } from "./startup.js";
import type { CapturedRoute, Running } from "./targets.js";

type Memory = { rssMiB: number; peakMiB: number } | null;

export interface SummaryInput {
  date: string;
  loadBefore: number[];
  startup: StartupSummary[];
  resetRunsMs: number[];
  snapshot: StateTimings["snapshot"];
  routes: CapturedRoute[];
  targets: { name: string; running: Running }[];
  results: Map<string, Map<string, LoadResult>>;
  warm: Map<string, Memory>;
  afterLoad: Map<string, Memory>;
  problems: string[];
}

interface Goal {
  goal: string;
  figure: string;
  holds: boolean | null;
}

const EMULATOR = "polar-emulator";

function brief(result: LoadResult | undefined) {
  return result === undefined
    ? null
    : {
        reqPerSec: result.reqPerSec,
        p50: result.latencyMs.p50,
        p99: result.latencyMs.p99,
        requests: result.requests,
        unexpected: result.unexpected,
        sliceReqPerSec: result.sliceReqPerSec,
        statusCodes: result.statusCodes,
      };
}

export function summarize(input: SummaryInput) {
  const { startup, results, routes } = input;
  const dist = startup[0];
  const npmStart = startup[1];
  const big = startup[2] as StartupSummary | undefined;
  const reqs = (route: string, target: string) => results.get(route)?.get(target)?.reqPerSec ?? null;
  const p99 = (route: string, target: string) => results.get(route)?.get(target)?.latencyMs.p99 ?? null;
  const vs = (route: string, peer: string) => {
    const a = reqs(route, EMULATOR);
    const b = reqs(route, peer);
    return a === null || b === null ? null : ratio(a, b);
  };
  const [get, post] = [routes[0].name, routes[1].name];
  const resetMs = round(median(input.resetRunsMs), 2);
  const bytesPerCustomer =
    big?.rssMiB != null && dist.rssMiB !== null && big.customers !== null && dist.customers !== null
      ? Math.round(((big.rssMiB - dist.rssMiB) * 1024 * 1024) / (big.customers - dist.customers))
      : null;
  const check = (goal: string, value: number | null, limit: number, atMost: boolean, unit: string): Goal => ({
    goal,
    figure: value === null ? "n/a" : `${fmt(value, unit === "×" ? 2 : 1)}${unit}`,
    holds: value === null ? null : atMost ? value <= limit : value >= limit,
  });
  const goals: Goal[] = [
    check("ready ≤ 500 ms, default seed, node dist/launch.js", dist.medianMs, 500, true, " ms"),
    check("ready ≤ 500 ms, default seed, npm start", npmStart.medianMs, 500, true, " ms"),
    check(
      `ready ≤ 1,500 ms with ${big?.customers ?? "?"} customers`,
      big?.medianMs ?? null,
      1500,
      true,
      " ms",
    ),
    check(
      `RSS ≤ 200 MB (190.7 MiB) with ${big?.customers ?? "?"} customers`,
      big?.rssMiB ?? null,
      190.7,
      true,
      " MiB",
    ),
    check("GET …/state ≥ 0.75× bare express", vs(get, "bare express 5"), 0.75, false, "×"),
    check("POST /v1/customers/ ≥ 0.6× bare express", vs(post, "bare express 5"), 0.6, false, "×"),
    check("GET …/state p99 ≤ 5 ms", p99(get, EMULATOR), 5, true, " ms"),
    check("POST /v1/customers/ p99 ≤ 5 ms", p99(post, EMULATOR), 5, true, " ms"),
    check("GET …/state ≥ 20× Prism", vs(get, "Prism 5 (same spec)"), 20, false, "×"),
    check("POST /v1/customers/ ≥ 20× Prism", vs(post, "Prism 5 (same spec)"), 20, false, "×"),
    check("reset of the default seed ≤ 20 ms", resetMs, 20, true, " ms"),
  ];
  const chart: ChartInput = {
    date: input.date,
    targets: input.targets.map((t) => ({
      name: t.name,
      readyMs: round(t.name === EMULATOR ? dist.medianMs : t.running.msToReady, 0),
    })),
    routes: routes.map((route) => ({
      name: route.name,
      reqPerSec: Object.fromEntries(input.targets.map((t) => [t.name, reqs(route.name, t.name)])),
    })),
  };
  return {
    date: input.date,
    node: process.version,
    cpus: cpus().length,
    cpu: cpus()[0]?.model ?? "?",
    platform: `${platform()} ${arch()}`,
    loadAverage: {
      before: input.loadBefore.map((v) => round(v, 2)),
      after: loadavg().map((v) => round(v, 2)),
    },
    ok: input.problems.length === 0,
    problems: input.problems,
    startup,
    bytesPerCustomer,
    resetMs,
    resetRunsMs: input.resetRunsMs,
    snapshot: input.snapshot,
    targets: input.targets.map((t) => ({
      name: t.name,
      readyMs: round(t.running.msToReady, 1),
      rssMiB: {
        warm: input.warm.get(t.name)?.rssMiB ?? null,
        afterLoad: input.afterLoad.get(t.name)?.rssMiB ?? null,
      },
      routes: Object.fromEntries(
        routes.map((route) => [route.name, brief(results.get(route.name)?.get(t.name))]),
      ),
    })),
    ratios: Object.fromEntries(
      routes.map((route) => [
        route.name,
        Object.fromEntries(input.targets.slice(1).map((t) => [t.name, vs(route.name, t.name)])),
      ]),
    ),
    goals,
    chart,
  };
}

export type Summary = ReturnType<typeof summarize>;

export function report(summary: Summary): void {
  const out: string[] = [""];
  const routeNames = Object.keys(summary.ratios);
  out.push(
    `polar-emulator benchmark  ${summary.date}  node ${summary.node}  ${summary.cpus} CPUs (${summary.cpu})  ${summary.platform}  load average before ${summary.loadAverage.before.join(" ")}, after ${summary.loadAverage.after.join(" ")}`,
  );
  out.push(
    "",
    "Peers (autocannon, 10 connections; the emulator holds 10,000 generated customers; ready: default seed, median)",
  );
  out.push(
    table(
      [
        "target",
        "ready ms",
        "RSS warm / after load MiB",
        ...routeNames.flatMap((name) => [`${name} req/s`, "p99 ms"]),
      ],
      summary.targets.map((t) => [
        t.name,
        fmt(t.name === EMULATOR ? summary.startup[0].medianMs : t.readyMs, 0),
        `${fmt(t.rssMiB.warm, 0)} / ${fmt(t.rssMiB.afterLoad, 0)}`,
        ...routeNames.flatMap((name) => [fmt(t.routes[name]?.reqPerSec, 0), fmt(t.routes[name]?.p99, 2)]),
      ]),
    ),
  );
  for (const name of routeNames) {
    const peers = Object.entries(summary.ratios[name] ?? {})
      .map(([peer, value]) => `${fmt(value, 2)}× ${peer}`)
      .join(", ");
    out.push(`  ${name}: the emulator does ${peers}`);
  }
  out.push("", "Startup (spawn → /_emulator/health 200)");
  out.push(
    table(
      ["variant", "customers", "median ms", "runs ms", "RSS MiB"],
      summary.startup.map((s) => [
        s.name,
        s.customers === null ? "?" : String(s.customers),
        fmt(s.medianMs, 0),
        s.runsMs.map((ms) => fmt(ms, 0)).join(" / "),
        fmt(s.rssMiB),
      ]),
    ),
  );
  out.push(
    `  RSS per customer (the large start against the default seed): ${fmt(summary.bytesPerCustomer, 0)} bytes`,
  );
  out.push(
    `  reset of the default seed: ${fmt(summary.resetMs, 1)} ms (median of ${summary.resetRunsMs.length}: ${summary.resetRunsMs.map((v) => fmt(v, 0)).join(" ")})`,
  );
  if (summary.snapshot)
    out.push(
      `  snapshot of ${summary.snapshot.customers} customers: ${fmt(summary.snapshot.snapshotMs, 0)} ms (${fmt(summary.snapshot.bytes / 1e6, 1)} MB), restore ${fmt(summary.snapshot.restoreMs, 0)} ms`,
    );
  out.push("", "Goals (issue 14)");
  out.push(
    table(
      ["goal", "figure", "holds"],
      summary.goals.map((g) => [g.goal, g.figure, g.holds === null ? "n/a" : g.holds ? "yes" : "NO"]),
    ),
  );
  out.push("  webhook deliveries/s: `npm run bench:webhooks`", "");
  printReport(
    out,
    summary.problems,
    "every response had the expected status, no socket errors, no emulator log lines.",
  );
}
