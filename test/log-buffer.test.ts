/**
 * stdout nobody reads (issue 13): the logger holds at most LOG_BUFFER_BYTES and drops the rest,
 * rather than buffering every line in memory until the process runs out of it.
 */
import { spawn } from "node:child_process";
import { expect, it } from "vitest";

const SCRIPT = `
import { createLogger, droppedLogLines, LOG_BUFFER_BYTES } from "./src/log.ts";
const logger = createLogger("info");
const before = process.memoryUsage().rss;
const filler = "x".repeat(400);
for (let i = 0; i < 100000; i++) logger.info({ i, filler }, "a request line");
await new Promise((resolve) => setTimeout(resolve, 100));
const grown = process.memoryUsage().rss - before;
process.stderr.write(JSON.stringify({ dropped: droppedLogLines(), grown, cap: LOG_BUFFER_BYTES }) + "\\n");
// No exit: the test kills this process (test/log-exit.test.ts covers the exit).
setInterval(() => {}, 1000);
`;

it("drops log lines past a bounded buffer when stdout is not read", async () => {
  // stdout is a pipe this test never reads: the child's writes stall once the pipe is full.
  const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", SCRIPT], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout.pause();
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString("utf8");
  });
  await new Promise<void>((resolve) => {
    child.stderr.on("data", () => {
      if (stderr.includes("dropped")) resolve();
    });
    child.once("exit", () => resolve());
  });
  child.kill("SIGKILL");
  const report = JSON.parse(stderr.trim().split("\n").at(-1) ?? "{}") as {
    dropped: number;
    grown: number;
    cap: number;
  };
  // ~50 MB of lines: most are dropped, and memory grows by about the cap, not by all of them.
  expect(report.dropped).toBeGreaterThan(80_000);
  expect(report.grown).toBeLessThan(30 * 1024 * 1024);
}, 60_000);
