/**
 * What the CLI's launcher (src/launch.ts) tells the CLI about its V8 code cache, and how the CLI
 * tells the launcher that it has started: a global, because the launcher and the bundled CLI do
 * not share modules. The CLI calls `started()` once it listens, before it changes V8's flags (V8
 * takes a code cache back only under the flags it was made with).
 */
export const COMPILE_CACHE: unique symbol = Symbol.for("polar-emulator.compile-cache");

/**
 * `used`: this start ran from the cache; `none`: there was none for this bundle and Node, and this
 * start writes one; `rejected`: V8 refused the one there was (another V8, other flags), and this
 * start writes a new one; `off`: NODE_DISABLE_COMPILE_CACHE.
 */
export type CompileCacheState = "used" | "none" | "rejected" | "off";

export interface CompileCache {
  state: CompileCacheState;
  /** Writes the cache when this start should (`none`, `rejected`); once. */
  started(): void;
}

/** The launcher's account, when the CLI was run by it (not when run some other way). */
export function compileCache(): CompileCache | undefined {
  const found = (globalThis as { [COMPILE_CACHE]?: CompileCache })[COMPILE_CACHE];
  return found !== undefined && typeof found.started === "function" ? found : undefined;
}
