/**
 * Fails when spec/polar.yaml has drifted from Polar's published OpenAPI
 * document plus what Polar has changed since (spec/changes.yaml): an
 * operation moved or changed, a parameter, request body, response or
 * security requirement differs, or any schema they use differs structurally.
 * Notes each change the published document already has (it can go).
 *
 *   npm run spec:check -- <path to Polar's OpenAPI JSON> [--spec <file>] [--operations <file>]
 *
 * Prints one line per difference and a summary line; exit code 0 when there
 * is no drift, 1 when there is, 2 on usage or input errors.
 */
import { readFileSync } from "node:fs";
import { relative } from "node:path";
import { parse } from "yaml";
import { applyChanges, type Change, readSpecChanges } from "../src/spec-changes.js";
import { diffOperations, isRecord, type JsonObject, listOperations } from "./spec-diff.js";
import { OPERATIONS_FILE, readOperationList, readUpstreamDocument, SPEC_FILE } from "./spec-extract.js";

const USAGE =
  "usage: npm run spec:check -- <path to Polar's published OpenAPI JSON> [--spec <our spec, default spec/polar.yaml>] [--operations <default spec/operations.yaml>]";

interface Options {
  upstreamFile: string;
  specFile: string;
  operationsFile: string;
}

class UsageError extends Error {}

function parseArgs(argv: readonly string[]): Options {
  const positional: string[] = [];
  let specFile = SPEC_FILE;
  let operationsFile = OPERATIONS_FILE;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    const [flag, inlineValue] = arg.startsWith("--") ? splitFlag(arg) : [undefined, undefined];
    if (flag === undefined) {
      positional.push(arg);
      continue;
    }
    const value = inlineValue ?? argv[++i];
    if (value === undefined) throw new UsageError(`${flag} needs a value`);
    if (flag === "--spec") specFile = value;
    else if (flag === "--operations") operationsFile = value;
    else throw new UsageError(`unknown option ${flag}`);
  }
  const [upstreamFile, ...extra] = positional;
  if (upstreamFile === undefined) throw new UsageError("the upstream document is required");
  if (extra.length > 0) throw new UsageError(`unexpected arguments: ${extra.join(" ")}`);
  return { upstreamFile, specFile, operationsFile };
}

/** `--spec=x` → ["--spec", "x"]; `--spec` → ["--spec", undefined]. */
function splitFlag(arg: string): [string, string | undefined] {
  const equals = arg.indexOf("=");
  return equals === -1 ? [arg, undefined] : [arg.slice(0, equals), arg.slice(equals + 1)];
}

function readOurSpec(file: string): JsonObject {
  let doc: unknown;
  try {
    doc = parse(readFileSync(file, "utf8"));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`cannot read our spec ${file} (generate it with npm run spec:extract): ${reason}`);
  }
  if (!isRecord(doc) || !isRecord(doc.paths))
    throw new Error(`${file} is not an OpenAPI document (no "paths")`);
  return doc;
}

/** The edits of spec/changes.yaml that the published document already makes. */
function changesUpstreamHas(upstream: JsonObject, changes: readonly Change[]): string[] {
  const components = isRecord(upstream.components) ? upstream.components : {};
  const schemas = isRecord(components.schemas) ? components.schemas : {};
  const propertiesOf = (name: string): JsonObject => {
    const schema = schemas[name];
    return isRecord(schema) && isRecord(schema.properties) ? schema.properties : {};
  };
  const found: string[] = [];
  for (const change of changes) {
    for (const edit of change.edits) {
      if ("add_property" in edit && edit.add_property.name in propertiesOf(edit.add_property.schema))
        found.push(
          `the published document has ${edit.add_property.schema}.${edit.add_property.name}: spec/changes.yaml need not add it`,
        );
      if (
        "remove_property" in edit &&
        !(edit.remove_property.name in propertiesOf(edit.remove_property.schema))
      )
        found.push(
          `the published document has no ${edit.remove_property.schema}.${edit.remove_property.name}: spec/changes.yaml need not remove it`,
        );
      if ("add_enum" in edit) {
        const schema = schemas[edit.add_enum.schema];
        const values = isRecord(schema) && Array.isArray(schema.enum) ? schema.enum : [];
        for (const value of edit.add_enum.values)
          if (values.includes(value))
            found.push(
              `the published document's ${edit.add_enum.schema} has ${String(value)}: spec/changes.yaml need not add it`,
            );
      }
    }
  }
  return found;
}

function versionOf(doc: JsonObject): string {
  return isRecord(doc.info) ? String(doc.info.version) : "unknown";
}

function displayPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel.startsWith("..") ? file : rel;
}

function run(argv: readonly string[]): number {
  const options = parseArgs(argv);
  const upstream = readUpstreamDocument(options.upstreamFile);
  const ours = readOurSpec(options.specFile);
  const listed = readOperationList(options.operationsFile).map((entry) => entry.operationId);

  const { changes } = readSpecChanges();
  for (const line of changesUpstreamHas(upstream, changes)) console.log(`note: ${line}`);
  const current = applyChanges(structuredClone(upstream), changes);
  const differences = diffOperations(ours, current, { expectedOperationIds: listed });
  for (const line of differences) console.log(line);

  if (versionOf(ours) !== versionOf(upstream)) {
    console.log(
      `note: ${displayPath(options.specFile)} was generated from version ${versionOf(ours)}; re-run spec:extract to record ${versionOf(upstream)}`,
    );
  }
  const count = listOperations(ours).size;
  const verdict = differences.length === 0 ? "OK" : `${differences.length} differences`;
  console.log(
    `spec:check: ${count} operations checked against ${displayPath(options.upstreamFile)} (upstream version ${versionOf(upstream)}): ${verdict}`,
  );
  return differences.length === 0 ? 0 : 1;
}

function main(): void {
  try {
    process.exitCode = run(process.argv.slice(2));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    console.error(`spec:check: ${message}`);
    if (error instanceof UsageError) console.error(USAGE);
    process.exitCode = 2;
  }
}

main();
