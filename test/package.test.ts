/**
 * End-to-end check of the published artifact, with real processes:
 *   npm pack (runs `prepare` = build) -> production `npm install <tarball>` in a scratch project
 *   -> start the installed `polar-emulator` bin -> GET /_emulator/health
 *   -> `polar-emulator healthcheck` (exit 0 when up, 1 when nothing listens)
 *   -> SIGTERM -> exit code 0.
 * Catches what unit tests cannot: missing `files`, a dev dependency needed at runtime,
 * a bin without shebang/exec bit, paths that only resolve inside the repo, no graceful stop.
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const IS_WIN = process.platform === "win32";
const INSTALL_TIMEOUT_MS = 180_000; // npm pack (tsc) + npm install from the registry
const START_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 5_000;

interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Run a command to completion; never rejects (a non-zero exit is data, not an exception). */
function run(cmd: string, args: string[], cwd: string, timeoutMs: number): Promise<RunResult> {
  return new Promise((done) => {
    execFile(
      cmd,
      args,
      { cwd, timeout: timeoutMs, maxBuffer: 32 * 1024 * 1024, env: childEnv(), shell: IS_WIN },
      (err, stdout, stderr) => {
        // execFile's error carries the exit code (number) or, for spawn failures, an errno string.
        const code = err === null ? 0 : typeof err.code === "number" ? err.code : null;
        const signal = err === null ? null : (err.signal ?? null);
        const spawnError =
          err !== null && typeof err.code === "string" ? `\n[spawn error] ${err.message}` : "";
        done({ code, signal, stdout: String(stdout), stderr: String(stderr) + spawnError });
      },
    );
  });
}

/**
 * Environment for children. Drops variables that would change what the test exercises:
 * npm settings inherited from an outer `npm test` that point at this repo, and the emulator's
 * own port/host variables (the test passes --port/--host explicitly).
 */
function childEnv(): NodeJS.ProcessEnv {
  const drop =
    /^(npm_config_(local_prefix|prefix|global|location|workspaces?|dry_run|omit|include|production)|npm_package_|npm_lifecycle_|PORT$|POLAR_EMULATOR_)/i;
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!drop.test(k)) env[k] = v;
  return env;
}

function describeRun(label: string, r: RunResult): string {
  return `${label}: exit ${r.code}${r.signal ? ` (signal ${r.signal})` : ""}\n--- stdout ---\n${tail(r.stdout)}\n--- stderr ---\n${tail(r.stderr)}`;
}

function tail(s: string, max = 4000): string {
  return s.length > max ? `…${s.slice(-max)}` : s;
}

/** A port that was free a moment ago (listen on 0, read it, close). */
function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const srv = createServer();
    srv.once("error", fail);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      if (addr === null || typeof addr === "string") return fail(new Error("no TCP address"));
      srv.close(() => done(addr.port));
    });
  });
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

describe("packaged CLI (npm pack -> production install -> run)", () => {
  const tempDirs: string[] = [];
  let appDir = "";
  let bin = "";
  let server: ChildProcess | undefined;
  let serverExit: Promise<{ code: number | null; signal: NodeJS.Signals | null }> | undefined;
  let serverOutput = "";
  let port = 0;

  const serverLog = () => `--- server stdout+stderr ---\n${tail(serverOutput)}`;

  beforeAll(async () => {
    // 1. npm pack; --ignore-scripts=false so an inherited npm_config_ignore_scripts cannot skip the build.
    const packDir = await mkdtemp(join(tmpdir(), "polar-emu-pack-"));
    tempDirs.push(packDir);
    const pack = await run(
      "npm",
      ["pack", "--pack-destination", packDir, "--silent", "--ignore-scripts=false"],
      ROOT,
      INSTALL_TIMEOUT_MS,
    );
    expect(pack.code, describeRun("npm pack", pack)).toBe(0);
    const tarballs = (await readdir(packDir)).filter((f) => f.endsWith(".tgz"));
    expect(tarballs, describeRun("npm pack produced no single .tgz", pack)).toHaveLength(1);
    const tarball = join(packDir, tarballs[0] ?? "");

    // 2. Production install of the tarball into a scratch project.
    appDir = await mkdtemp(join(tmpdir(), "polar-emu-app-"));
    tempDirs.push(appDir);
    await writeFile(
      join(appDir, "package.json"),
      `${JSON.stringify({ name: "polar-emulator-package-test", version: "0.0.0", private: true }, null, 2)}\n`,
    );
    const install = await run(
      "npm",
      ["install", "--omit=dev", "--no-audit", "--no-fund", "--no-package-lock", tarball],
      appDir,
      INSTALL_TIMEOUT_MS,
    );
    expect(install.code, describeRun("npm install <tarball>", install)).toBe(0);
    bin = join(appDir, "node_modules", ".bin", IS_WIN ? "polar-emulator.cmd" : "polar-emulator");
    expect(existsSync(bin), `bin not installed at ${bin}\n${describeRun("npm install", install)}`).toBe(true);
    const installed = join(appDir, "node_modules", "polar-emulator", "dist");
    for (const file of ["launch.js", "compile-cache.js", "cli.bundle.cjs"])
      expect(
        existsSync(join(installed, file)),
        `dist/${file} (the bin runs it) missing from the tarball (files / prepare build?)`,
      ).toBe(true);
    // The build's code cache is for its own Node: an install writes one for the Node that runs it.
    expect(existsSync(join(installed, "compile-cache")), "dist/compile-cache/ is in the tarball").toBe(false);
  }, INSTALL_TIMEOUT_MS * 2);

  afterAll(async () => {
    // Never leave a server behind, even when an assertion failed half-way.
    if (server && server.exitCode === null && server.signalCode === null) {
      server.kill("SIGKILL");
      await Promise.race([serverExit, sleep(2000)]);
    }
    if (!process.env.KEEP_PACKAGE_TEST_DIRS) {
      await Promise.all(tempDirs.map((d) => rm(d, { recursive: true, force: true })));
    }
  });

  it(
    "starts and answers GET /_emulator/health with 200 JSON",
    async () => {
      port = await freePort();
      const child = spawn(bin, ["--port", String(port), "--host", "127.0.0.1"], {
        cwd: appDir,
        env: childEnv(),
        stdio: ["ignore", "pipe", "pipe"],
        shell: IS_WIN,
      });
      server = child;
      child.stdout?.on("data", (d: Buffer) => {
        serverOutput += d.toString();
      });
      child.stderr?.on("data", (d: Buffer) => {
        serverOutput += d.toString();
      });
      serverExit = new Promise((done) => {
        child.once("exit", (code, signal) => done({ code, signal }));
        child.once("error", (err) => {
          serverOutput += `\n[spawn error] ${err.message}`;
          done({ code: null, signal: null });
        });
      });

      const url = `http://127.0.0.1:${port}/_emulator/health`;
      const deadline = Date.now() + START_TIMEOUT_MS;
      let last = "no attempt yet";
      let body = "";
      let contentType = "";
      for (;;) {
        if (child.exitCode !== null || child.signalCode !== null) {
          throw new Error(
            `server exited early (code ${child.exitCode}, signal ${child.signalCode})\n${serverLog()}`,
          );
        }
        try {
          const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
          body = await res.text();
          contentType = res.headers.get("content-type") ?? "";
          if (res.status === 200) break;
          last = `HTTP ${res.status}: ${tail(body, 500)}`;
        } catch (err: unknown) {
          last =
            err instanceof Error
              ? `${err.message}${err.cause instanceof Error ? ` (${err.cause.message})` : ""}`
              : String(err);
        }
        if (Date.now() > deadline) {
          throw new Error(`GET ${url} not 200 within ${START_TIMEOUT_MS} ms; last: ${last}\n${serverLog()}`);
        }
        await sleep(200);
      }
      expect(contentType, `content-type of health answer\n${serverLog()}`).toMatch(/json/i);
      expect(
        () => JSON.parse(body),
        `health body is not JSON: ${tail(body, 500)}\n${serverLog()}`,
      ).not.toThrow();
    },
    START_TIMEOUT_MS + 10_000,
  );

  it("`polar-emulator healthcheck --port <port>` exits 0 while the server is up", async () => {
    expect(port, "server did not start (see previous test)").toBeGreaterThan(0);
    const r = await run(bin, ["healthcheck", "--port", String(port)], appDir, 10_000);
    expect(r.code, `${describeRun("healthcheck", r)}\n${serverLog()}`).toBe(0);
  }, 15_000);

  it("`polar-emulator healthcheck` exits 1 when nothing listens", async () => {
    const deadPort = await freePort(); // closed again: nothing listens there
    const r = await run(bin, ["healthcheck", "--port", String(deadPort)], appDir, 10_000);
    expect(r.code, describeRun(`healthcheck against dead port ${deadPort}`, r)).toBe(1);
    // "prints why": some explanation should be on stdout or stderr.
    expect(`${r.stdout}${r.stderr}`.trim(), describeRun("healthcheck printed no reason", r)).not.toBe("");
  }, 15_000);

  it('`import { startEmulator } from "polar-emulator"` works from the installed package', async () => {
    const script = [
      'import { startEmulator } from "polar-emulator";',
      "const emulator = await startEmulator();",
      'const url = emulator.url + "/v1/customers/?limit=1";',
      'const res = await fetch(url, { headers: { Authorization: "Bearer " + emulator.token } });',
      "const body = await res.json();",
      "console.log(JSON.stringify({ status: res.status, total: body.pagination.total_count }));",
      "await emulator.close();",
    ].join("\n");
    const r = await run(process.execPath, ["--input-type=module", "-e", script], appDir, 20_000);
    expect(r.code, describeRun("startEmulator from the installed package", r)).toBe(0);
    expect(JSON.parse(r.stdout.trim())).toEqual({ status: 200, total: 40 });
  }, 30_000);

  it(
    "stops on SIGTERM with exit code 0 within 5 s",
    async () => {
      const child = server;
      const exited = serverExit;
      if (!child || !exited) throw new Error("server was never started (see first test)");
      expect(child.exitCode, `server already exited before SIGTERM\n${serverLog()}`).toBeNull();
      const t0 = Date.now();
      child.kill("SIGTERM");
      const result = await Promise.race([exited, sleep(STOP_TIMEOUT_MS).then(() => "timeout" as const)]);
      if (result === "timeout") {
        throw new Error(`server still running ${STOP_TIMEOUT_MS} ms after SIGTERM\n${serverLog()}`);
      }
      const msg = `exit after SIGTERM in ${Date.now() - t0} ms: code ${result.code}, signal ${result.signal}\n${serverLog()}`;
      expect(result.signal, msg).toBeNull();
      expect(result.code, msg).toBe(0);
    },
    STOP_TIMEOUT_MS + 5_000,
  );
});
