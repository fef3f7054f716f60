/**
 * Python virtual environments for the tests that drive Python tools (test/contract-python.test.ts,
 * test/fuzz.test.ts): each is built from a pinned requirements file under node_modules/.cache and
 * reused until the requirements, the interpreter or the platform change (a sha256 stamp inside
 * the venv says which it was built from).
 *
 * A venv is built in a staging directory and renamed into place, so an interrupted install or a
 * second test run building at the same time never leaves a half-made venv behind.
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("..", import.meta.url));
const STAMP_FILE = ".requirements.sha256";

export const venvPython = (venv: string) =>
  process.platform === "win32" ? path.join(venv, "Scripts", "python.exe") : path.join(venv, "bin", "python");

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/** Runs a command to its end (or kills it at the timeout) and keeps everything it printed. */
export function run(
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

export function describeRun(label: string, result: RunResult): string {
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

/**
 * The interpreter to build the venv with, and its `sys.version`: `python3`, or when that one is
 * older than `minimum`, the first of python3.13, python3.12, … that is recent enough.
 */
async function hostPython(
  purpose: string,
  minimum?: [number, number],
): Promise<{ command: string; version: string }> {
  const probe = "import sys; print(sys.version_info[0], sys.version_info[1]); print(sys.version)";
  const first = await mustRun(`python3 (needed for ${purpose})`, "python3", ["-c", probe], 30_000);
  const parse = (stdout: string) => {
    const [numbers = "", ...rest] = stdout.trim().split("\n");
    const [major, minor] = numbers.split(" ").map(Number);
    return { major, minor, version: rest.join("\n").trim() };
  };
  const recentEnough = (found: { major: number; minor: number }) =>
    !minimum || found.major > minimum[0] || (found.major === minimum[0] && found.minor >= minimum[1]);

  const found = parse(first.stdout);
  if (recentEnough(found)) return { command: "python3", version: found.version };
  for (let minor = 14; minimum && minor >= minimum[1]; minor--) {
    const command = `python${minimum[0]}.${minor}`;
    const other = await run(command, ["-c", probe], { timeoutMs: 30_000 });
    if (other.code === 0 && recentEnough(parse(other.stdout))) {
      return { command, version: parse(other.stdout).version };
    }
  }
  throw new Error(
    `${purpose} needs Python >= ${minimum?.join(".")}, but python3 is ${found.version} ` +
      "and no python3.N found on the PATH is recent enough",
  );
}

function stampOf(venv: string): string | null {
  const file = path.join(venv, STAMP_FILE);
  if (!existsSync(venvPython(venv)) || !existsSync(file)) return null;
  return readFileSync(file, "utf8").trim();
}

export interface VenvOptions {
  /** Directory under node_modules/.cache holding the venv (in `venv/`). */
  cacheName: string;
  /** The requirements file, relative to the repository root. */
  requirements: string;
  /** What needs it, for error messages ("the Python contract test"). */
  purpose: string;
  /** The oldest Python the requirements install on, e.g. [3, 11]. */
  minimumPython?: [number, number];
}

/** The venv's python, after building the venv when it is missing or stale. */
export async function ensureVenv(
  options: VenvOptions,
): Promise<{ python: string; venv: string; built: boolean; seconds: number }> {
  const started = Date.now();
  const cache = path.join(ROOT, "node_modules", ".cache", options.cacheName);
  const venv = path.join(cache, "venv");
  const requirements = path.join(ROOT, options.requirements);
  const host = await hostPython(options.purpose, options.minimumPython);
  const stamp = createHash("sha256")
    .update(readFileSync(requirements))
    .update("\0")
    .update(host.version)
    .update("\0")
    .update(`${process.platform}-${process.arch}`)
    .digest("hex");
  if (stampOf(venv) === stamp) return { python: venvPython(venv), venv, built: false, seconds: 0 };

  mkdirSync(cache, { recursive: true });
  const staging = path.join(cache, `venv.staging-${process.pid}-${Date.now()}`);
  try {
    await mustRun(`${host.command} -m venv`, host.command, ["-m", "venv", staging], 60_000);
    await mustRun(
      `pip install -r ${options.requirements}`,
      venvPython(staging),
      ["-m", "pip", "install", "--disable-pip-version-check", "--no-input", "-r", requirements],
      200_000,
    );
    writeFileSync(path.join(staging, STAMP_FILE), `${stamp}\n`);

    // Another run may have put an identical venv in place meanwhile (and be using it): keep that one.
    if (stampOf(venv) !== stamp) {
      const old = `${venv}.old-${process.pid}-${Date.now()}`;
      if (existsSync(venv)) renameSync(venv, old);
      try {
        renameSync(staging, venv);
      } catch (error) {
        if (stampOf(venv) !== stamp) throw error;
      }
      rmSync(old, { recursive: true, force: true });
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return { python: venvPython(venv), venv, built: true, seconds: (Date.now() - started) / 1000 };
}
