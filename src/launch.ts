#!/usr/bin/env node
/**
 * The `polar-emulator` command (the package's bin, `npm start`, the Docker image): runs the CLI
 * bundled by the build (dist/cli.bundle.cjs, the CLI and its dependencies in one script) with a
 * V8 code cache, so a start does not parse and compile the same 2.9 MB of JavaScript again.
 *
 * The cache (dist/compile-cache/<bundle hash>-<node version>-<arch>.bin) is V8's own
 * (`vm.Script` `cachedData`): the functions compiled by the time the CLI listens, written by the
 * first start that found none it could use (the build makes one: scripts/dist.js). V8 refuses a
 * cache made by another V8 or under other flags, and this file refuses one made from another
 * bundle (the name carries the bundle's hash; V8 itself compares only the source's length), so a
 * stale cache costs one start without it, never a wrong program. Writing is best effort (a
 * read-only install just runs without). `NODE_DISABLE_COMPILE_CACHE=1`, as for Node's own compile
 * cache, turns it off. docs/decisions.md, "A code cache for the CLI".
 *
 * The bundle cannot use `import()`: a script run this way has no module loader (Node 20 offers
 * one only behind a flag, and loses it for functions that come from a cache). The two in its
 * dependencies (json-schema-ref-parser's file and http resolvers) are never reached: the specs
 * are given as objects whose references are all inside them.
 */
import { createHash } from "node:crypto";
import { accessSync, constants, mkdirSync, readFileSync } from "node:fs";
import { rename, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Script } from "node:vm";
import { COMPILE_CACHE, type CompileCache, type CompileCacheState } from "./compile-cache.js";

const here = dirname(fileURLToPath(import.meta.url));
const bundle = join(here, "cli.bundle.cjs");
const bytes = readFileSync(bundle);
const source = bytes.toString("utf8");
const enabled = !["1", "true"].includes(process.env.NODE_DISABLE_COMPILE_CACHE ?? "");
const cacheFile = join(
  here,
  "compile-cache",
  `${createHash("sha256").update(bytes).digest("hex").slice(0, 16)}-${process.version}-${process.arch}.bin`,
);

let cachedData: Buffer | undefined;
if (enabled) {
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    // None yet (or unreadable): this start compiles as usual and writes one.
  }
}

// CommonJS's own wrapper (a shebang is a comment only on a file's first line).
const script = new Script(
  `(function (exports, require, module, __filename, __dirname) {${source.replace(/^#!.*/, "")}\n})`,
  { filename: bundle, cachedData },
);

const state: CompileCacheState = !enabled
  ? "off"
  : cachedData === undefined
    ? "none"
    : script.cachedDataRejected === true
      ? "rejected"
      : "used";
let written = state === "used" || state === "off";
const account: CompileCache = {
  state,
  started() {
    if (written) return;
    written = true;
    try {
      // A read-only install (a global one, the Docker image's user) is not worth the serializing.
      mkdirSync(dirname(cacheFile), { recursive: true });
      accessSync(dirname(cacheFile), constants.W_OK);
    } catch {
      return;
    }
    const data = script.createCachedData();
    const temporary = `${cacheFile}.${process.pid}.tmp`;
    // Written whole, then renamed: parallel starts never read half a cache.
    writeFile(temporary, data)
      .then(() => rename(temporary, cacheFile))
      .catch(() => rm(temporary, { force: true }).catch(() => undefined));
  },
};
(globalThis as { [COMPILE_CACHE]?: CompileCache })[COMPILE_CACHE] = account;

const run = script.runInThisContext() as (
  exports: object,
  require: NodeJS.Require,
  module: { exports: object },
  filename: string,
  dirname: string,
) => void;
const module = { exports: {} };
run.call(module.exports, module.exports, createRequire(bundle), module, bundle, here);
