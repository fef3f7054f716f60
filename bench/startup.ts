/**
 * Startup and state-handling figures: time to ready of the emulator (the built CLI and `npm start`,
 * default seed and 100,000 customers), its RSS, and the control plane's reset, snapshot and restore.
 */
import { round, spawnTs, stop } from "./children.js";
import { fmt, median } from "./format.js";
import { httpRequest } from "./http.js";
import { type RunningEmulator, startEmulatorProcess } from "./targets.js";

const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);

export interface StartupVariant {
  name: string;
  how: "dist" | "npm start";
  args: string[];
  repeats: number;
}

export interface StartupSummary {
  name: string;
  args: string[];
  customers: number | null;
  medianMs: number;
  runsMs: number[];
  rssMiB: number | null;
}

export function customersInBanner(output: string): number | null {
  const match = /, (\d+) customers/.exec(output);
  return match ? Number(match[1]) : null;
}

/** Each variant `repeats` times, interleaved, with the median time to ready and RSS. */
export async function measureStartup(variants: StartupVariant[]): Promise<StartupSummary[]> {
  const runs = variants.map(() => ({
    ms: [] as number[],
    rss: [] as number[],
    customers: null as number | null,
  }));
  const most = Math.max(...variants.map((variant) => variant.repeats));
  for (let run = 1; run <= most; run++) {
    for (const [index, variant] of variants.entries()) {
      if (run > variant.repeats) continue;
      const emulator = await startEmulatorProcess(variant.args, variant.how);
      try {
        runs[index].ms.push(round(emulator.msToReady, 1));
        if (emulator.memory) runs[index].rss.push(emulator.memory.rssMiB);
        runs[index].customers ??= customersInBanner(emulator.process.output());
        log(`startup ${variant.name} #${run}: ${fmt(emulator.msToReady)} ms`);
      } finally {
        await stop(emulator.process);
      }
    }
  }
  return variants.map((variant, index) => ({
    name: variant.name,
    args: variant.args,
    customers: runs[index].customers,
    medianMs: round(median(runs[index].ms), 1),
    runsMs: runs[index].ms,
    rssMiB: runs[index].rss.length > 0 ? round(median(runs[index].rss), 1) : null,
  }));
}

export interface StateTimings {
  /** POST /_emulator/reset of the default seed, client-side ms, median. */
  resetMs: number;
  resetRunsMs: number[];
  /** `snapshot()` (with JSON.stringify) and `restore()` of a large organization, in-process. */
  snapshot: { customers: number | null; bytes: number; snapshotMs: number; restoreMs: number } | null;
}

async function timed(call: () => Promise<{ status: number; body: string }>, expected: number[]) {
  const started = performance.now();
  const answer = await call();
  const ms = performance.now() - started;
  if (!expected.includes(answer.status))
    throw new Error(`answered ${answer.status}: ${answer.body.slice(0, 500)}`);
  return { ms, body: answer.body };
}

/** Reset of a default-seed emulator, `repeats` times. */
export async function measureReset(emulator: RunningEmulator, repeats: number): Promise<number[]> {
  const runs: number[] = [];
  for (let run = 0; run < repeats; run++) {
    const reset = await timed(
      () => httpRequest(`${emulator.url}/_emulator/reset`, { method: "POST", timeoutMs: 60_000 }),
      [200, 204],
    );
    runs.push(round(reset.ms, 2));
  }
  return runs;
}

/** Snapshot and restore of an organization of `customers` generated customers (bench/state.ts). */
export async function measureSnapshot(customers: number): Promise<StateTimings["snapshot"]> {
  const child = spawnTs("bench/state.ts", [String(customers)]);
  const exit = await child.exited;
  const line = child.output().trim().split("\n").pop() ?? "";
  if (exit !== "code 0" || !line.startsWith("{"))
    throw new Error(`bench/state.ts ${exit}:\n${child.output()}`);
  const figures = JSON.parse(line) as {
    snapshotMs: number;
    serializeMs: number;
    restoreMs: number;
    bytes: number;
  };
  return {
    customers,
    bytes: figures.bytes,
    snapshotMs: round(figures.snapshotMs + figures.serializeMs, 1),
    restoreMs: round(figures.restoreMs, 1),
  };
}
