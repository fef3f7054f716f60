/**
 * Fixture files: what an organization holds at boot (or after a load through the control plane).
 * Read from YAML or JSON, checked against `Fixture` in spec/emulator.yaml, and refused whole with
 * the file, the path inside it and what is wrong. The format: docs/fixtures.md.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse as parseYaml, YAMLParseError } from "yaml";
import { type Problem, pointer, problem } from "../domain/decode.js";
import type { components } from "../generated/emulator.js";
import { isObject } from "../util/is-object.js";
import { packageFile } from "../util/package-root.js";
import { preparedYaml } from "../util/yaml-cache.js";
import { DATE_HELP, FIXTURE_DATE_PATTERN } from "./dates.js";
import { emulatorSchemas } from "./schemas.js";

type Schemas = components["schemas"];

/** A boot fixture file: a fixture for the default organization, plus more organizations. */
export type Fixture = Schemas["BootFixture"];
/** What one organization holds (a fixture without its reference time). */
export type FixtureScenario = Schemas["FixtureTenant"];

/** A boot file and where it comes from, for messages: a fixture, or a snapshot to restore. */
export type FixtureSource =
  | {
      name: string;
      fixture: Fixture;
      /** The embedded default: checked by the test suite, so boot skips the schema checks. */
      trusted?: boolean;
    }
  | { name: string; snapshot: unknown };

/**
 * A fixture that is not valid: the file (or "request body"), and every problem with its path.
 * The message lists them, one a line: `  /customers/3/subscriptions/0/product: unknown product …`.
 */
export class FixtureError extends Error {
  constructor(
    readonly source: string,
    readonly problems: Problem[],
    summary = "is not a valid fixture",
  ) {
    const lines = problems.map((entry) => `  ${pointer(entry.path)}: ${entry.msg}`);
    super(`[polar-emulator] ${source} ${summary}:\n${lines.join("\n")}`);
  }
}

export const DEFAULT_FIXTURE = packageFile("fixtures/default.yaml");
export const DEFAULT_FIXTURE_NAME = "fixtures/default.yaml";

const FIXTURE_EXTENSIONS = /\.(ya?ml|json)$/i;

/** Parses fixture text (YAML, of which JSON is a part); a syntax error is a problem with its line. */
export function parseFixtureText(text: string, source: string): unknown {
  try {
    const data: unknown = parseYaml(text, { prettyErrors: true, maxAliasCount: 1000 });
    return data ?? {};
  } catch (error) {
    if (error instanceof YAMLParseError) {
      const line = error.linePos?.[0];
      const where = line ? `line ${line.line}, column ${line.col}` : "";
      throw new FixtureError(
        source,
        [problem([], "yaml_invalid", `${where ? `${where}: ` : ""}${error.message.split("\n")[0]}`, text)],
        "is not valid YAML",
      );
    }
    if (error instanceof ReferenceError && /alias/i.test(error.message))
      throw new FixtureError(source, [problem([], "yaml_invalid", error.message, {})], "is not valid YAML");
    throw error;
  }
}

/**
 * Problems of the fixture's shape, with paths inside it: spec/emulator.yaml `BootFixture` for a
 * boot file (which may declare more organizations), `Fixture` for a load into one organization.
 */
export function checkFixtureShape(data: unknown, kind: "boot" | "load"): Problem[] {
  return emulatorSchemas.check(kind === "boot" ? "BootFixture" : "Fixture", data).map((entry) =>
    // A date that does not match FixtureDate's pattern: say what a date is rather than show the pattern.
    entry.ctx?.pattern === FIXTURE_DATE_PATTERN ? { ...entry, msg: `Input should be ${DATE_HELP}` } : entry,
  );
}

/** A boot fixture from text: parsed and its shape checked; references are checked when it is loaded. */
export function readFixtureText(text: string, source: string): Fixture {
  const data = parseFixtureText(text, source);
  const problems = checkFixtureShape(data, "boot");
  if (problems.length > 0) throw new FixtureError(source, problems);
  return data as Fixture;
}

/** A boot file: a fixture (its shape checked unless trusted), or a snapshot (checked when restored). */
export function readFixtureFile(file: string | URL, trusted = false): FixtureSource {
  const name = file instanceof URL ? fileURLToPath(file) : file;
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new FixtureError(name, [problem([], "read_error", errorMessage(error), name)], "cannot be read");
  }
  // The embedded default may have been prepared as JSON by the build (src/util/yaml-cache.ts).
  const prepared = file === DEFAULT_FIXTURE ? preparedYaml(DEFAULT_FIXTURE_NAME, text) : undefined;
  const data = prepared ?? parseFixtureText(text, name);
  if (isSnapshotDocument(data)) return { name, snapshot: data };
  if (trusted) return { name, fixture: data as Fixture, trusted };
  const problems = checkFixtureShape(data, "boot");
  if (problems.length > 0) throw new FixtureError(name, problems);
  return { name, fixture: data as Fixture };
}

/**
 * The fixture files `--fixtures` names, in order: a directory stands for every *.yaml, *.yml and
 * *.json file directly inside it, sorted by name.
 */
export function fixtureFiles(paths: string[]): string[] {
  const files: string[] = [];
  for (const path of paths) {
    let directory = false;
    try {
      directory = statSync(path).isDirectory();
    } catch (error) {
      throw new FixtureError(path, [problem([], "read_error", errorMessage(error), path)], "cannot be read");
    }
    if (!directory) {
      files.push(path);
      continue;
    }
    const inside = readdirSync(path)
      .filter((entry) => FIXTURE_EXTENSIONS.test(entry))
      .sort()
      .map((entry) => join(path, entry))
      .filter((entry) => statSync(entry).isFile());
    if (inside.length === 0) {
      throw new FixtureError(
        path,
        [problem([], "read_error", "no *.yaml, *.yml or *.json file in this directory", path)],
        "cannot be read",
      );
    }
    files.push(...inside);
  }
  return files;
}

/** The boot fixtures: the files named (directories expanded), or the embedded default. */
export function readBootFixtures(paths: string[] | undefined): FixtureSource[] {
  if (!paths || paths.length === 0)
    return [{ ...readFixtureFile(DEFAULT_FIXTURE, true), name: DEFAULT_FIXTURE_NAME }];
  return fixtureFiles(paths).map((file) => readFixtureFile(file));
}

/** Whether parsed data looks like a snapshot rather than a fixture. */
export function isSnapshotDocument(data: unknown): boolean {
  return isObject(data) && "polar_emulator_snapshot" in data;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
