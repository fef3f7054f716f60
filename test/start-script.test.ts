/**
 * `npm start` runs the compiled emulator, the CLI bundled by the build (building dist/ first when
 * it is stale), and stops on SIGTERM sent to the npm process, as a process manager or a CI runner
 * sends it.
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
    // What runs is the bundle the build made (dist/launch.js running dist/cli.bundle.cjs): it answers like the sources,
    // with the validators it compiles, a later API version's documents and YAML bodies.
    const token = /access token\s+(polar_oat_\S+)/.exec(output)?.[1];
    const auth = { Authorization: `Bearer ${token}` };
    const listed = await fetch(`${url}/v1/customers/?limit=1`, { headers: auth });
    expect(listed.status).toBe(200);
    expect(((await listed.json()) as { items: unknown[] }).items).toHaveLength(1);
    const refused = await fetch(`${url}/v1/customers/`, {
      method: "POST",
      headers: { ...auth, "Content-Type": "application/json" },
      body: "{}",
    });
    expect(refused.status).toBe(422);
    expect(await refused.json()).toMatchObject({
      detail: [{ type: "missing", loc: ["body", "individual", "email"] }],
    });
    const newest = await fetch(`${url}/v1/products/?limit=1`, {
      headers: { ...auth, "Polar-Version": "2027-01" },
    });
    expect(newest.status).toBe(200);
    const organizationId = /\(([0-9a-f-]{36})\)/.exec(output)?.[1];
    const loaded = await fetch(`${url}/_emulator/organizations/${organizationId}/fixtures`, {
      method: "POST",
      headers: { "Content-Type": "application/yaml" },
      body: "customers:\n  - key: bundled\n    email: bundled@example.com\n",
    });
    expect(loaded.status, await loaded.clone().text()).toBe(200);

    const signalled = performance.now();
    npm.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(performance.now() - signalled).toBeLessThan(5_000);
    await expect(fetch(`${url}/_emulator/health`)).rejects.toThrow();
  }, 180_000);
});
