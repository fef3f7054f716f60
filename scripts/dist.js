/**
 * What the build adds to tsc's output in dist/, and whether dist/ is current (plain JavaScript:
 * `npm start` reads it before anything is compiled).
 *
 *   node scripts/dist.js prepare   after `tsc`: dist/yaml-cache/ (the YAML read at startup, as
 *                                  JSON with the SHA-256 of its text), dist/cli.bundle.cjs (the
 *                                  CLI and what it imports in one file, which dist/launch.js runs
 *                                  for `npm start`, the bin and the Docker image: loading ~270
 *                                  modules one by one was a third of the start), its V8 code cache
 *                                  (dist/compile-cache/) and dist/build-stamp.json (the hash of
 *                                  what tsc compiled, and the files' sizes and times)
 *   node scripts/dist.js check     exit 0 when dist/ was built from the sources as they are now
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { isDeepStrictEqual } from "node:util";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const STAMP = join(ROOT, "dist", "build-stamp.json");

/** The YAML the emulator reads at startup (src/util/yaml-cache.ts reads what this writes). */
export const PREPARED_YAML = [
  "spec/polar.yaml",
  "spec/emulator.yaml",
  "spec/changes.yaml",
  "fixtures/default.yaml",
];

/** @param {string} directory @returns {string[]} every file under it, sorted */
function filesUnder(directory) {
  /** @type {string[]} */
  const files = [];
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) files.push(...filesUnder(path));
    else if (entry.isFile()) files.push(path);
  }
  return files.sort();
}

/** What the build reads: every file of src/, the two tsc configs, the prepared YAML and this script. */
function sourceFiles(root) {
  return [
    ...filesUnder(join(root, "src")),
    join(root, "tsconfig.json"),
    join(root, "tsconfig.build.json"),
    ...PREPARED_YAML.map((path) => join(root, path)),
    join(root, "scripts", "dist.js"),
  ];
}

/** The hash of what the build reads. */
export function sourcesHash(root = ROOT) {
  const hash = createHash("sha256");
  for (const file of sourceFiles(root)) {
    const content = readFileSync(file);
    hash.update(`${relative(root, file)}\0${content.length}\0`);
    hash.update(content);
  }
  return hash.digest("hex");
}

/** Each source file's size and modification time: the same files with the same ones are the same sources. */
function sourcesSeen(root = ROOT) {
  return Object.fromEntries(
    sourceFiles(root).map((file) => {
      const { size, mtimeMs } = statSync(file);
      return [relative(root, file), [size, mtimeMs]];
    }),
  );
}

/**
 * Whether dist/ was built (and prepared) from the sources as they are now: the files' sizes and
 * times as the build saw them (a few `stat`s: `npm start` asks on every start), else their hash
 * (a checkout that touched files without changing them).
 */
export function distIsCurrent(root = ROOT) {
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(join(root, "dist", "build-stamp.json"), "utf8"));
  } catch {
    return false;
  }
  try {
    if (stamp.seen && isDeepStrictEqual(stamp.seen, sourcesSeen(root))) return true;
  } catch {
    // A file went away while it was read: the hash decides.
  }
  return stamp.sources === sourcesHash(root);
}

/** `<out>/<path>.json` (dist/yaml-cache/ by default) for each YAML file read at startup. */
export async function prepareYaml(out = join(ROOT, "dist", "yaml-cache")) {
  const { parse } = await import("yaml");
  for (const path of PREPARED_YAML) {
    const text = readFileSync(join(ROOT, path), "utf8");
    const value = parse(text);
    // JSON must carry exactly what yaml parsed (no anchors shared, no values JSON cannot hold).
    if (!isDeepStrictEqual(JSON.parse(JSON.stringify(value)), value))
      throw new Error(`${path}: its parsed value does not survive JSON; it cannot be prepared`);
    const sha256 = createHash("sha256").update(text).digest("hex");
    const target = join(out, `${path}.json`);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, `{"sha256":"${sha256}","value":${JSON.stringify(value)}}`);
  }
}

/**
 * dist/cli.bundle.cjs from tsc's dist/cli.js, with esbuild: one CommonJS script for Node 20.19+,
 * its dependencies inside but express (src/http/app.ts requires it only for the in-process `app`).
 * A script, not an ES module, so that dist/launch.js can run it with a V8 code cache (`vm.Script`;
 * Node 20 has no compile cache for modules). `import.meta.url` becomes the bundle's own URL.
 */
async function bundleCli() {
  const { build } = await import("esbuild");
  rmSync(join(ROOT, "dist", "cli.bundle.mjs"), { force: true });
  await build({
    entryPoints: [join(ROOT, "dist", "cli.js")],
    outfile: join(ROOT, "dist", "cli.bundle.cjs"),
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node20.19",
    external: ["express"],
    define: { "import.meta.url": "__bundleUrl" },
    banner: { js: 'const __bundleUrl = require("node:url").pathToFileURL(__filename).href;' },
    logLevel: "warning",
  });
}

/**
 * dist/compile-cache/: the code cache dist/launch.js reads, made by starting the CLI once (default
 * seed, a free port) until it has written one, then stopping it. Without it the first start
 * writes one; a build that cannot start the CLI here only says so.
 */
async function writeCompileCache() {
  const folder = join(ROOT, "dist", "compile-cache");
  rmSync(folder, { recursive: true, force: true });
  const env = Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) => !name.startsWith("POLAR_EMULATOR_") && name !== "NODE_DISABLE_COMPILE_CACHE",
    ),
  );
  const child = spawn(
    process.execPath,
    [join(ROOT, "dist", "launch.js"), "--port", "0", "--host", "127.0.0.1", "--log-level", "warn"],
    { env, stdio: ["ignore", "ignore", "pipe"] },
  );
  let stderr = "";
  child.stderr.on("data", (chunk) => {
    stderr += chunk;
  });
  const exited = new Promise((resolve) => child.once("exit", resolve));
  const deadline = Date.now() + 30_000;
  const written = () => existsSync(folder) && readdirSync(folder).some((name) => name.endsWith(".bin"));
  while (!written() && child.exitCode === null && Date.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 20));
  const ok = written();
  child.kill("SIGTERM");
  await exited;
  if (!ok) console.warn(`scripts/dist.js: no code cache written (the first start will write one)\n${stderr}`);
}

const command = process.argv[2];
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (command === "prepare") {
    await prepareYaml();
    await bundleCli();
    await writeCompileCache();
    writeFileSync(STAMP, `${JSON.stringify({ sources: sourcesHash(), seen: sourcesSeen() })}\n`);
  } else if (command === "check") {
    process.exitCode = distIsCurrent() ? 0 : 1;
  } else {
    console.error("usage: node scripts/dist.js prepare|check");
    process.exitCode = 2;
  }
}
