/**
 * Generates spec/polar.yaml: the subset of Polar's published OpenAPI document
 * that polar-emulator serves.
 *
 *   npm run spec:extract -- <path to Polar's OpenAPI JSON>
 *
 * The operations to keep, and our own description of each, come from
 * spec/operations.yaml. Every schema they reference (transitively) is copied
 * with its structure unchanged; prose and SDK-generator metadata
 * (descriptions, examples, code samples, x-speakeasy-*) are stripped.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { STATUS_CODES } from "node:http";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parse, stringify } from "yaml";
import { applyChanges, type Change, readSpecChanges } from "../src/spec-changes.js";
import { isRecord, type JsonObject, listOperations, resolvePointer } from "./spec-diff.js";

export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const OPERATIONS_FILE = join(PROJECT_ROOT, "spec", "operations.yaml");
export const SPEC_FILE = join(PROJECT_ROOT, "spec", "polar.yaml");

const SERVER = { url: "http://127.0.0.1:8000", description: "polar-emulator" };

const INFO_DESCRIPTION =
  "The subset of Polar's HTTP API (polar.sh) served by polar-emulator, a local, stateful emulator " +
  "for integration testing. Paths, methods, parameters, request bodies, responses, security and " +
  "schemas are identical to Polar's published OpenAPI document of the version given here; " +
  "descriptions and examples are left out, and each operation's description says what the " +
  "emulator does.";

/** Operation fields copied from upstream, in upstream's key order. */
const OPERATION_FIELDS = new Set([
  "tags",
  "summary",
  "description",
  "operationId",
  "deprecated",
  "security",
  "parameters",
  "requestBody",
  "responses",
  "x-polar-allowed-subjects",
]);

/** Component sections that a `$ref` may point into, in output order. */
const COMPONENT_SECTIONS = [
  "schemas",
  "parameters",
  "requestBodies",
  "responses",
  "headers",
  "securitySchemes",
];

/** Keys whose value is data (copied verbatim), not OpenAPI/JSON Schema keywords. */
const DATA_KEYS = new Set(["enum", "const", "default", "security", "x-polar-allowed-subjects"]);

/** Keys whose value maps names (property names, media types, status codes...) to objects. */
const NAMED_MAP_KEYS = new Set([
  "properties",
  "patternProperties",
  "dependentSchemas",
  "$defs",
  "definitions",
  "content",
  "responses",
  "headers",
  "encoding",
  "links",
  "callbacks",
  "mapping",
]);

export interface OperationEntry {
  operationId: string;
  description: string;
}

// ---------------------------------------------------------------------------
// Input files
// ---------------------------------------------------------------------------

/** Reads Polar's published OpenAPI JSON, failing with a message that says what was expected. */
export function readUpstreamDocument(file: string): JsonObject {
  const what =
    "the upstream document (Polar's published OpenAPI JSON, e.g. shared/upstream/polar-openapi-<version>.json)";
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new Error(`cannot read ${what} at ${file}: ${errorMessage(error)}`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    throw new Error(`${file} is not valid JSON; expected ${what}: ${errorMessage(error)}`);
  }
  if (!isRecord(doc) || typeof doc.openapi !== "string" || !isRecord(doc.paths)) {
    throw new Error(
      `${file} does not look like an OpenAPI document (no "openapi" version or "paths"); expected ${what}`,
    );
  }
  return doc;
}

/** Reads and validates spec/operations.yaml. */
export function readOperationList(file: string = OPERATIONS_FILE): OperationEntry[] {
  let doc: unknown;
  try {
    doc = parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new Error(`cannot read the operation list ${file}: ${errorMessage(error)}`);
  }
  const list = isRecord(doc) ? doc.operations : undefined;
  if (!Array.isArray(list)) throw new Error(`${file}: expected a top-level "operations:" list`);
  const seen = new Set<string>();
  return list.map((entry, index) => {
    const where = `${file}: operations[${index}]`;
    if (!isRecord(entry) || typeof entry.operationId !== "string" || entry.operationId === "") {
      throw new Error(`${where}: "operationId" (a string) is required`);
    }
    if (typeof entry.description !== "string" || entry.description.trim() === "") {
      throw new Error(`${where} (${entry.operationId}): "description" (our own words) is required`);
    }
    if (seen.has(entry.operationId)) throw new Error(`${where}: ${entry.operationId} is listed twice`);
    seen.add(entry.operationId);
    return { operationId: entry.operationId, description: entry.description.trim() };
  });
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

// ---------------------------------------------------------------------------
// Stripping
// ---------------------------------------------------------------------------

function isStrippedKey(key: string): boolean {
  return (
    key === "description" ||
    key === "examples" ||
    key === "example" ||
    key === "x-codeSamples" ||
    key.startsWith("x-speakeasy-")
  );
}

/**
 * Deep copy without prose and generator metadata. Names (property names,
 * media types, status codes...) and data (enum, const, default) are kept
 * verbatim, so a property called "description" survives.
 */
export function strip(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(strip);
  if (!isRecord(node)) return node;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(node)) {
    if (isStrippedKey(key)) continue;
    if (DATA_KEYS.has(key)) out[key] = structuredClone(value);
    else if (NAMED_MAP_KEYS.has(key) && isRecord(value)) out[key] = stripNamedMap(value);
    else out[key] = strip(value);
  }
  return out;
}

function stripNamedMap(map: JsonObject): JsonObject {
  return Object.fromEntries(Object.entries(map).map(([name, value]) => [name, strip(value)]));
}

/**
 * OpenAPI requires a description on every response object; instead of
 * upstream's prose we use the HTTP reason phrase.
 */
function stripResponse(status: string, response: unknown): unknown {
  const stripped = strip(response);
  if (!isRecord(stripped) || typeof stripped.$ref === "string") return stripped;
  return { description: STATUS_CODES[status] ?? "Response", ...stripped };
}

function stripResponses(responses: unknown): unknown {
  if (!isRecord(responses)) return strip(responses);
  return Object.fromEntries(
    Object.entries(responses).map(([status, r]) => [status, stripResponse(status, r)]),
  );
}

// ---------------------------------------------------------------------------
// Extraction
// ---------------------------------------------------------------------------

function buildOperation(upstream: JsonObject, description: string): JsonObject {
  const keys = Object.keys(upstream).filter((key) => OPERATION_FIELDS.has(key));
  if (!keys.includes("description")) keys.splice(keys.indexOf("summary") + 1, 0, "description");
  const out: JsonObject = {};
  for (const key of keys) {
    if (key === "description") out.description = description;
    else if (key === "responses") out.responses = stripResponses(upstream.responses);
    else out[key] = strip(upstream[key]);
  }
  return out;
}

function buildPaths(upstream: JsonObject, entries: readonly OperationEntry[]): JsonObject {
  const descriptions = new Map(entries.map((entry) => [entry.operationId, entry.description]));
  const available = listOperations(upstream);
  const unknown = entries
    .filter((entry) => !available.has(entry.operationId))
    .map((entry) => entry.operationId);
  if (unknown.length > 0) {
    throw new Error(
      `spec/operations.yaml lists operations that the upstream document does not have: ${unknown.join(", ")}`,
    );
  }
  const paths: JsonObject = {};
  for (const location of available.values()) {
    const description = descriptions.get(location.operationId);
    if (description === undefined) continue;
    const existing = paths[location.path];
    const pathItem = isRecord(existing) ? existing : pathItemBase(location.pathItem);
    pathItem[location.method] = buildOperation(location.operation, description);
    paths[location.path] = pathItem;
  }
  return paths;
}

/** Path-level parameters apply to every operation of the path, so they come along. */
function pathItemBase(pathItem: JsonObject): JsonObject {
  return pathItem.parameters === undefined ? {} : { parameters: strip(pathItem.parameters) };
}

/** Every `$ref` and discriminator mapping target in a (stripped) node. */
function collectRefs(node: unknown, found: Set<string>): void {
  if (Array.isArray(node)) {
    for (const item of node) collectRefs(item, found);
    return;
  }
  if (!isRecord(node)) return;
  for (const [key, value] of Object.entries(node)) {
    if (key === "$ref" && typeof value === "string") found.add(value);
    else if (key === "discriminator" && isRecord(value) && isRecord(value.mapping)) {
      for (const target of Object.values(value.mapping)) if (typeof target === "string") found.add(target);
    } else if (!DATA_KEYS.has(key)) collectRefs(value, found);
  }
}

/** `#/components/schemas/Customer` → ["schemas", "Customer"]. */
function componentOf(ref: string): [string, string] {
  const match = /^#\/components\/([^/]+)\/([^/]+)$/.exec(ref);
  if (!match?.[1] || !match[2] || !COMPONENT_SECTIONS.includes(match[1])) {
    throw new Error(
      `unsupported $ref ${JSON.stringify(ref)}: only local #/components/<section>/<name> refs are handled`,
    );
  }
  return [match[1], decodeURIComponent(match[2]).replaceAll("~1", "/").replaceAll("~0", "~")];
}

/** Copies every component reachable from `roots`, following refs inside copied components too. */
function buildComponents(
  upstream: JsonObject,
  roots: unknown,
  securitySchemes: Iterable<string>,
): JsonObject {
  const sections = new Map<string, Map<string, unknown>>();
  const add = (section: string, name: string, value: unknown): void => {
    if (!sections.has(section)) sections.set(section, new Map());
    sections.get(section)?.set(name, value);
  };
  const pending = new Set<string>();
  collectRefs(roots, pending);
  const done = new Set<string>();
  while (pending.size > 0) {
    const [ref] = pending;
    if (ref === undefined) break;
    pending.delete(ref);
    if (done.has(ref)) continue;
    done.add(ref);
    const [section, name] = componentOf(ref);
    const original = resolvePointer(upstream, ref);
    if (original === undefined) throw new Error(`upstream $ref ${ref} does not resolve`);
    const copy = section === "responses" ? stripResponse("default", original) : strip(original);
    add(section, name, copy);
    const inner = new Set<string>();
    collectRefs(copy, inner);
    for (const next of inner) if (!done.has(next)) pending.add(next);
  }
  for (const name of securitySchemes) {
    const scheme = resolvePointer(upstream, `#/components/securitySchemes/${name}`);
    if (scheme === undefined) throw new Error(`security scheme ${name} is used but not defined upstream`);
    add("securitySchemes", name, strip(scheme));
  }
  const components: JsonObject = {};
  for (const section of COMPONENT_SECTIONS) {
    const entries = sections.get(section);
    if (!entries) continue;
    const sorted = [...entries.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    components[section] = Object.fromEntries(sorted);
  }
  return components;
}

function usedSecuritySchemes(paths: JsonObject, topLevelSecurity: unknown): Set<string> {
  const names = new Set<string>();
  const addFrom = (security: unknown): void => {
    if (!Array.isArray(security)) return;
    for (const requirement of security)
      if (isRecord(requirement)) for (const name of Object.keys(requirement)) names.add(name);
  };
  addFrom(topLevelSecurity);
  for (const pathItem of Object.values(paths)) {
    if (!isRecord(pathItem)) continue;
    for (const operation of Object.values(pathItem)) if (isRecord(operation)) addFrom(operation.security);
  }
  return names;
}

/** Builds our OpenAPI document from the upstream one. Pure; throws on inconsistent input. */
export function extractSpec(upstream: JsonObject, entries: readonly OperationEntry[]): JsonObject {
  const info = isRecord(upstream.info) ? upstream.info : {};
  if (typeof info.version !== "string") throw new Error("the upstream document has no info.version");
  const paths = buildPaths(upstream, entries);
  const security = upstream.security === undefined ? undefined : strip(upstream.security);
  const doc: JsonObject = {
    openapi: "3.1.0",
    info: {
      title: "Polar API — polar-emulator subset",
      version: info.version,
      description: INFO_DESCRIPTION,
    },
    servers: [SERVER],
    ...(security === undefined ? {} : { security }),
    paths,
    components: buildComponents(upstream, paths, usedSecuritySchemes(paths, security)),
  };
  return doc;
}

/**
 * The document with spec/changes.yaml's changes applied: what Polar's wire has gained since the
 * published document. Component schemas stay sorted by name.
 */
export function withChanges(doc: JsonObject, changes: readonly Change[]): JsonObject {
  applyChanges(doc, changes);
  const components = isRecord(doc.components) ? doc.components : {};
  if (isRecord(components.schemas)) {
    const sorted = Object.entries(components.schemas).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    components.schemas = Object.fromEntries(sorted);
  }
  return doc;
}

/** YAML text with the generated-file header. */
export function renderSpec(doc: JsonObject): string {
  const info = isRecord(doc.info) ? doc.info : {};
  const header = [
    "# GENERATED FILE: do not edit by hand.",
    `# Generated by \`npm run spec:extract\` from Polar's published OpenAPI document (version ${String(info.version)}).`,
    "# To add or remove operations or change their descriptions, edit spec/operations.yaml and re-run",
    "#   npm run spec:extract -- <path to Polar's OpenAPI JSON>",
    "# Everything but descriptions and examples is identical to upstream, plus what Polar has changed since",
    "# (spec/changes.yaml, applied after extraction); `npm run spec:check` verifies it.",
    "",
  ].join("\n");
  return header + stringify(doc, { lineWidth: 0, aliasDuplicateObjects: false });
}

// ---------------------------------------------------------------------------
// CLI
// ---------------------------------------------------------------------------

function main(argv: readonly string[]): number {
  const upstreamFile = argv[0];
  if (upstreamFile === undefined || argv.length > 1 || upstreamFile.startsWith("-")) {
    console.error("usage: npm run spec:extract -- <path to Polar's published OpenAPI JSON>");
    return 2;
  }
  try {
    const upstream = readUpstreamDocument(upstreamFile);
    const entries = readOperationList();
    const doc = withChanges(extractSpec(upstream, entries), readSpecChanges().changes);
    writeFileSync(SPEC_FILE, renderSpec(doc));
    const components = isRecord(doc.components) ? doc.components : {};
    const schemaCount = isRecord(components.schemas) ? Object.keys(components.schemas).length : 0;
    console.log(
      `spec:extract: wrote ${relative(process.cwd(), SPEC_FILE)}: ${entries.length} operations, ${schemaCount} schemas (upstream version ${String(isRecord(doc.info) ? doc.info.version : "")})`,
    );
    return 0;
  } catch (error) {
    console.error(`spec:extract: ${errorMessage(error)}`);
    return 1;
  }
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main(process.argv.slice(2));
}
