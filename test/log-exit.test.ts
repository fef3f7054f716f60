/**
 * The CLI's exit with log lines still pending (issue 13): pino flushes a `sync: false`
 * destination synchronously on `exit`, retrying EAGAIN forever, so a process whose stdout is a
 * full pipe nobody reads never exited after SIGTERM. Now the flush at exit is bounded: lines a
 * reader takes are all written, and a pipe nobody reads costs at most the bound, then the lines
 * are dropped and the process exits.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import { expect, it } from "vitest";

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

/** The CLI on a port chosen here (its banner goes to the stdout this test may never read). */
async function start(): Promise<{ child: ChildProcess; base: string }> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "src/cli.ts", "--port", String(port), "--customers", "0"],
    {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, POLAR_EMULATOR_WEBHOOK_URL: "", POLAR_EMULATOR_WEBHOOK_SECRET: "" },
    },
  );
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error("the CLI exited before it answered");
    const up = await fetch(`${base}/_emulator/health`).then(
      (res) => res.ok,
      () => false,
    );
    if (up) return { child, base };
    if (i > 600) throw new Error("the CLI did not answer within 60 s");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** `count` requests, one log line each (~250 bytes): far more than a pipe's 64 KiB. */
async function requests(base: string, count: number): Promise<void> {
  for (let i = 0; i < count; i += 50)
    await Promise.all(
      Array.from({ length: 50 }, (_, j) =>
        fetch(`${base}/_emulator/health?n=${i + j}`).then((r) => r.text()),
      ),
    );
}

/** Resolves with the exit code, or "running" if the process is still there after `ms`. */
function exited(child: ChildProcess, ms: number): Promise<number | string> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve("running"), ms);
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      resolve(code ?? String(signal));
    });
  });
}

it("exits after SIGTERM when stdout is a full pipe nobody reads (lines past the bound dropped)", async () => {
  const { child, base } = await start();
  try {
    // stdout is never read: after ~64 KiB the pipe is full and every later line waits.
    child.stdout?.pause();
    await requests(base, 2000);
    child.kill("SIGTERM");
    // Without the bound, pino's exit hook retries the full pipe forever: still running.
    expect(await exited(child, 20_000)).toBe(0);
  } finally {
    child.kill("SIGKILL");
  }
}, 120_000);

it("writes every pending line at exit when stdout is read", async () => {
  const { child, base } = await start();
  let stdout = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    stdout += chunk.toString("utf8");
  });
  try {
    await requests(base, 1000);
    child.kill("SIGTERM");
    expect(await exited(child, 20_000)).toBe(0);
    const lines = stdout
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line) as { msg: string; url?: string });
    const logged = new Set(lines.filter((line) => line.url?.includes("?n=")).map((line) => line.url));
    expect(logged.size).toBe(1000);
    // The lines of the way out too (before, "stopping" was often still on its way when the
    // process exited, and lost).
    expect(lines.filter((line) => line.msg === "stopping")).toHaveLength(1);
    expect(lines.at(-1)?.msg).toBe("stopped");
  } finally {
    child.kill("SIGKILL");
  }
}, 120_000);
