/**
 * Child processes of the benchmark: spawned through one place, killed on every way out
 * (normal end, error, SIGINT/SIGTERM, process exit), plus a free-port helper and RSS readers.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../", import.meta.url));

const children = new Set<ChildProcess>();

export interface Spawned {
  child: ChildProcess;
  pid: number;
  /** Everything written on stdout and stderr so far (capped). */
  output(): string;
  /** Resolves with the exit code or signal when the process ends. */
  exited: Promise<string>;
  hasExited(): boolean;
}

const OUTPUT_CAP = 1_000_000;

/**
 * Runs `script` with node from the repository root: a `.ts` file through tsx, a `.js` file as it
 * is; `nodeFlags` go to node (e.g. `--trace-gc`, which NODE_OPTIONS does not take).
 */
export function spawnTs(
  script: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
  nodeFlags: string[] = [],
): Spawned {
  const loader = script.endsWith(".ts") ? ["--import", "tsx"] : [];
  return spawnTracked(
    spawn(process.execPath, [...nodeFlags, ...loader, script, ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    }),
  );
}

/** Tracks a spawned child (stdout and stderr piped) for its output and for cleanup. */
export function spawnTracked(child: ChildProcess): Spawned {
  if (child.pid === undefined) throw new Error(`could not spawn ${child.spawnargs.join(" ")}`);
  children.add(child);
  let text = "";
  const append = (chunk: Buffer) => {
    if (text.length < OUTPUT_CAP) text += chunk.toString("utf8");
  };
  child.stdout?.on("data", append);
  child.stderr?.on("data", append);
  let done = false;
  const exited = new Promise<string>((resolve) => {
    child.once("exit", (code, signal) => {
      done = true;
      children.delete(child);
      resolve(signal ? `signal ${signal}` : `code ${code}`);
    });
  });
  return { child, pid: child.pid, output: () => text, exited, hasExited: () => done };
}

/** SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
export async function stop(spawned: Spawned, graceMs = 3000): Promise<void> {
  if (spawned.hasExited()) return;
  spawned.child.kill("SIGTERM");
  const timer = setTimeout(() => spawned.child.kill("SIGKILL"), graceMs);
  await spawned.exited;
  clearTimeout(timer);
}

export function killAllChildren(): void {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  }
  children.clear();
}

let hooked = false;
/** Kills every child on exit and on SIGINT/SIGTERM/SIGHUP. */
export function installCleanupHooks(): void {
  if (hooked) return;
  hooked = true;
  process.on("exit", killAllChildren);
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.once(signal, () => {
      console.error(`\n[bench] ${signal}: killing child processes`);
      killAllChildren();
      process.exit(130);
    });
  }
}

/** A port that was free a moment ago on 127.0.0.1 (listen on 0, read it, close). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      if (address === null || typeof address === "string") {
        server.close();
        reject(new Error("no port"));
        return;
      }
      const { port } = address;
      server.close(() => resolve(port));
    });
  });
}

/** VmRSS and VmHWM (peak) of a process in MiB, from /proc; null where /proc is missing. */
export function memoryOf(pid: number): { rssMiB: number; peakMiB: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = (field: string) => {
      const match = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status);
      return match ? Number(match[1]) : Number.NaN;
    };
    const rss = kb("VmRSS");
    const peak = kb("VmHWM");
    if (Number.isNaN(rss)) return null;
    return { rssMiB: round(rss / 1024, 1), peakMiB: round(peak / 1024, 1) };
  } catch {
    return null;
  }
}

export function round(value: number, digits = 2): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
