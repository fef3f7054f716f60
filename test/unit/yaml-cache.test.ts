/**
 * The YAML read at startup, prepared as JSON by the build (scripts/dist.js): the JSON carries
 * exactly what `yaml` parses, and a prepared file made from other text is never used.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
// @ts-expect-error: a plain JavaScript script, without types
import { PREPARED_YAML, prepareYaml } from "../../scripts/dist.js";
import { preparedValue, yamlTextHash } from "../../src/util/yaml-cache.js";

describe("prepared YAML", () => {
  it("holds what yaml parses, for every file read at startup", async () => {
    const out = mkdtempSync(join(tmpdir(), "yaml-cache-"));
    await prepareYaml(out);
    for (const path of PREPARED_YAML as string[]) {
      const text = readFileSync(path, "utf8");
      const prepared = readFileSync(join(out, `${path}.json`), "utf8");
      expect(preparedValue(prepared, text), path).toEqual(parse(text));
    }
  });

  it("is not used when the YAML changed", () => {
    const text = "a: 1\n";
    const prepared = `{"sha256":"${yamlTextHash(text)}","value":{"a":1}}`;
    expect(preparedValue(prepared, text)).toEqual({ a: 1 });
    expect(preparedValue(prepared, "a: 2\n")).toBeUndefined();
  });
});
