/**
 * What the build adds to tsc's output in dist/, and whether dist/ is current (plain JavaScript:
 * `npm start` reads it before anything is compiled).
 *
 *   node scripts/dist.js prepare   after `tsc`: dist/yaml-cache/ (the YAML read at startup, as
 *                                  JSON with the SHA-256 of its text), dist/cli.bundle.mjs (the
 *                                  CLI and what it imports in one file, which `npm start` and the
 *                                  Docker image run: loading ~270 modules one by one was a third
 *                                  of the start) and dist/build-stamp.json (the hash of what tsc
 *                                  compiled)
 *   node scripts/dist.js check     exit 0 when dist/ was built from the sources as they are now
 */
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
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

/**
 * The hash of what the build reads: every file of src/, the two tsc configs, the prepared YAML
 * and this script.
 */
export function sourcesHash(root = ROOT) {
  const hash = createHash("sha256");
  const files = [
    ...filesUnder(join(root, "src")),
    join(root, "tsconfig.json"),
    join(root, "tsconfig.build.json"),
    ...PREPARED_YAML.map((path) => join(root, path)),
    join(root, "scripts", "dist.js"),
  ];
  for (const file of files) {
    const content = readFileSync(file);
    hash.update(`${relative(root, file)}\0${content.length}\0`);
    hash.update(content);
  }
  return hash.digest("hex");
}

/** Whether dist/ was built (and prepared) from the sources as they are now. */
export function distIsCurrent(root = ROOT) {
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(join(root, "dist", "build-stamp.json"), "utf8"));
  } catch {
    return false;
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
 * dist/cli.bundle.mjs from tsc's dist/cli.js, with esbuild: one ES module for Node 20.19+, its
 * dependencies inside but express (src/http/app.ts requires it only for the in-process `app`).
 * CommonJS dependencies inside get a `require` of their own (createRequire), as in any bundle.
 */
async function bundleCli() {
  const { build } = await import("esbuild");
  await build({
    entryPoints: [join(ROOT, "dist", "cli.js")],
    outfile: join(ROOT, "dist", "cli.bundle.mjs"),
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20.19",
    external: ["express"],
    banner: {
      js: 'import { createRequire as __bundleRequire } from "node:module"; const require = __bundleRequire(import.meta.url);',
    },
    logLevel: "warning",
  });
}

const command = process.argv[2];
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (command === "prepare") {
    await prepareYaml();
    await bundleCli();
    writeFileSync(STAMP, `${JSON.stringify({ sources: sourcesHash() })}\n`);
  } else if (command === "check") {
    process.exitCode = distIsCurrent() ? 0 : 1;
  } else {
    console.error("usage: node scripts/dist.js prepare|check");
    process.exitCode = 2;
  }
}
