/**
 * The YAML files the emulator reads at startup (the two specs, spec/changes.yaml, the default
 * fixture) as JSON prepared by the build (`scripts/dist.js`): `yaml` takes about 0.3 s for
 * spec/polar.yaml where `JSON.parse` takes milliseconds. The YAML stays the source of truth: a
 * prepared file is used only when the SHA-256 it was made from is the YAML's text's as read now,
 * so an edited spec is never answered from a stale copy. Run from source (tsx, vitest) there is no
 * prepared JSON and the YAML is parsed.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { packageFile } from "./package-root.js";

/** What the build wrote: dist/yaml-cache/<path>.json (run from source, used when a build made it from the same text). */
const CACHE_DIR = packageFile("dist/yaml-cache/");

/** The hash a prepared file records: of the YAML text, as read. */
export function yamlTextHash(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/**
 * The value a prepared file holds, when it was made from this YAML text; undefined otherwise.
 * `{"sha256":"<64 hex>","value":…}`: the hash is compared before the rest is parsed.
 */
export function preparedValue(prepared: string, text: string): unknown {
  const head = '{"sha256":"';
  if (!prepared.startsWith(head) || prepared.slice(head.length, head.length + 64) !== yamlTextHash(text))
    return undefined;
  const value: unknown = (JSON.parse(prepared) as { value: unknown }).value;
  return value;
}

/**
 * The prepared value of `path` (relative to the package root, e.g. `spec/polar.yaml`) for this
 * text, or undefined when there is none or it was made from other text.
 */
export function preparedYaml(path: string, text: string): unknown {
  let prepared: string;
  try {
    prepared = readFileSync(new URL(`${path}.json`, CACHE_DIR), "utf8");
  } catch {
    return undefined;
  }
  return preparedValue(prepared, text);
}
