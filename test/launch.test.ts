/**
 * The `polar-emulator` command (dist/launch.js) runs the bundled CLI with a V8 code cache: the
 * first start writes one, the next runs from it, a cache V8 refuses is replaced, a rebuilt bundle
 * never runs from the old bundle's cache, and NODE_DISABLE_COMPILE_CACHE turns it off. Run on a
 * copy of the built package in a temporary folder, so the project's own cache is left alone.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// @ts-expect-error: a plain JavaScript script, without types
import { distIsCurrent } from "../scripts/dist.js";

const ROOT = resolve(import.meta.dirname, "..");
let root: string;
let cacheFolder: string;

interface Started {
  child: ChildProcess;
  url: string;
  codeCache: string | undefined;
}

/** Starts the copy's launcher and waits for its `ready` log line. */
function start(env: NodeJS.ProcessEnv = {}): Promise<Started> {
  const child = spawn(
    process.execPath,
    [join(root, "dist", "launch.js"), "--port", "0", "--host", "127.0.0.1"],
    {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, NODE_DISABLE_COMPILE_CACHE: "", ...env },
    },
  );
  let output = "";
  let seen = false;
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ready line within 60 s:\n${output}`)), 60_000);
    child.stderr?.on("data", (chunk: Buffer) => {
      output += chunk.toString("utf8");
    });
    child.once("exit", (code) => reject(new Error(`exited (${code}) before ready:\n${output}`)));
    child.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString("utf8");
      const line = output.split("\n").find((text) => text.includes('"msg":"ready"') && text.endsWith("}"));
      if (seen || line === undefined) return;
      seen = true;
      clearTimeout(timer);
      child.removeAllListeners("exit");
      const ready = JSON.parse(line) as { url: string; codeCache?: string };
      resolvePromise({ child, url: ready.url, codeCache: ready.codeCache });
    });
  });
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((done) => {
    child.once("exit", () => done());
    child.kill("SIGTERM");
  });
}

const caches = () =>
  readdirSync(cacheFolder, { withFileTypes: true })
    .filter((entry) => entry.name.endsWith(".bin"))
    .map((entry) => entry.name);

/** Each cache file with its modification time. */
function cacheTimes(): Map<string, number> {
  return new Map(caches().map((name) => [name, statSync(join(cacheFolder, name)).mtimeMs]));
}

/** Waits until a cache file was written that is not in `before` as it was. */
async function waitForWrite(before: Map<string, number>): Promise<string[]> {
  for (let waited = 0; waited < 10_000; waited += 20) {
    const now = cacheTimes();
    if ([...now].some(([name, time]) => before.get(name) !== time)) return caches();
    await new Promise((wake) => setTimeout(wake, 20));
  }
  throw new Error(`no cache written within 10 s (${caches().join(", ")})`);
}

/** One start: its state, a health check, and the caches after it stopped. */
async function once(env: NodeJS.ProcessEnv = {}): Promise<{ state: string | undefined; after: string[] }> {
  const before = cacheTimes();
  const started = await start(env);
  try {
    expect((await fetch(`${started.url}/_emulator/health`)).status).toBe(200);
    const writes = started.codeCache === "none" || started.codeCache === "rejected";
    return { state: started.codeCache, after: writes ? await waitForWrite(before) : caches() };
  } finally {
    await stop(started.child);
  }
}

beforeAll(() => {
  if (!distIsCurrent(ROOT)) {
    const built = spawnSync("npm", ["run", "build", "--silent"], { cwd: ROOT, stdio: "inherit" });
    expect(built.status).toBe(0);
  }
  root = mkdtempSync(join(tmpdir(), "polar-emulator-launch-"));
  mkdirSync(join(root, "dist"));
  for (const file of ["launch.js", "compile-cache.js", "cli.bundle.cjs"])
    copyFileSync(join(ROOT, "dist", file), join(root, "dist", file));
  symlinkSync(join(ROOT, "dist", "yaml-cache"), join(root, "dist", "yaml-cache"));
  for (const folder of ["spec", "fixtures", "node_modules"])
    symlinkSync(join(ROOT, folder), join(root, folder));
  copyFileSync(join(ROOT, "package.json"), join(root, "package.json"));
  cacheFolder = join(root, "dist", "compile-cache");
  mkdirSync(cacheFolder);
}, 300_000);

afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

describe("the CLI's code cache", () => {
  it("is written by the first start and used by the next", async () => {
    const first = await once();
    expect(first.state).toBe("none");
    expect(first.after).toHaveLength(1);
    expect(first.after[0]).toMatch(new RegExp(`^[0-9a-f]{16}-${process.version}-${process.arch}\\.bin$`));
    const second = await once();
    expect(second).toEqual({ state: "used", after: first.after });
  }, 120_000);

  it("is replaced when V8 refuses it", async () => {
    const [name] = caches();
    writeFileSync(join(cacheFolder, name), Buffer.alloc(4096, 7));
    expect((await once()).state).toBe("rejected");
    expect((await once()).state).toBe("used");
  }, 120_000);

  it("of another bundle is never used, even of the same length", async () => {
    const [old] = caches();
    // A rebuilt bundle with the same length: V8 alone would take the old cache (it checks lengths).
    const bundle = join(root, "dist", "cli.bundle.cjs");
    const text = readFileSync(bundle, "utf8");
    const edited = text.replace("// node_modules/", "// node_modulez/");
    expect(edited).not.toBe(text);
    expect(edited.length).toBe(text.length);
    writeFileSync(bundle, edited);
    const changed = await once();
    expect(changed.state).toBe("none");
    expect(changed.after).toContain(old);
    expect(changed.after).toHaveLength(2);
  }, 120_000);

  it("is neither read nor written with NODE_DISABLE_COMPILE_CACHE=1", async () => {
    rmSync(cacheFolder, { recursive: true, force: true });
    mkdirSync(cacheFolder);
    const off = await once({ NODE_DISABLE_COMPILE_CACHE: "1" });
    expect(off.state).toBe("off");
    await new Promise((wake) => setTimeout(wake, 300));
    expect(caches()).toEqual([]);
  }, 120_000);
});
