/**
 * `npm start` runs the compiled emulator (building dist/ first when it is stale) and stops on
 * SIGTERM sent to the npm process, as a process manager or a CI runner sends it.
 */
import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";

describe("npm start", () => {
  it("serves, and stops on SIGTERM to npm", async () => {
    const npm = spawn("npm", ["start", "--", "--port", "0", "--host", "127.0.0.1", "--log-level", "warn"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    npm.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    npm.stderr.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    const exited = new Promise<number | null>((resolve) => npm.once("exit", (code) => resolve(code)));
    let url: string | undefined;
    for (let waited = 0; url === undefined && waited < 150_000; waited += 50) {
      url = /is listening on (http:\/\/\S+)/.exec(output)?.[1];
      if (url === undefined) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(url, output).toBeDefined();
    expect((await fetch(`${url}/_emulator/health`)).status).toBe(200);

    const signalled = performance.now();
    npm.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(performance.now() - signalled).toBeLessThan(5_000);
    await expect(fetch(`${url}/_emulator/health`)).rejects.toThrow();
  }, 180_000);
});
