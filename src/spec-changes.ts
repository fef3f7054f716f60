/**
 * spec/changes.yaml: what Polar's wire has gained since its published OpenAPI document, and what
 * each later API version answers differently. `npm run spec:extract` applies the `changes` to
 * spec/polar.yaml; the emulator applies a version's entries to the document of a request made in
 * that version (its own request validation); `npm run spec:check` reads both.
 */
import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { API_VERSIONS, type ApiVersion, isAtLeast } from "./domain/versions.js";
import { isObject } from "./util/is-object.js";
import { packageFile } from "./util/package-root.js";
import { preparedYaml } from "./util/yaml-cache.js";

type Json = Record<string, unknown>;

export type Edit =
  | {
      add_property: {
        schema: string;
        name: string;
        value: unknown;
        after?: string;
        before?: string;
        first?: boolean;
        required?: boolean;
      };
    }
  | { remove_property: { schema: string; name: string } }
  | { add_enum: { schema: string; values: unknown[]; after?: unknown } }
  | { set_enum: { schema: string; values: unknown[] } }
  | { set_schema: { name: string; value: unknown } };

export interface Change {
  why: string;
  source: string;
  edits: Edit[];
}

export interface SpecChanges {
  changes: Change[];
  versions: Partial<Record<ApiVersion, Change[]>>;
}

const CHANGES_FILE = packageFile("spec/changes.yaml");

/** spec/changes.yaml, checked enough that a mistake in it names itself. */
export function readSpecChanges(file: URL | string = CHANGES_FILE): SpecChanges {
  const text = readFileSync(file, "utf8");
  const document: unknown =
    (file === CHANGES_FILE ? preparedYaml("spec/changes.yaml", text) : undefined) ?? parseYaml(text);
  if (!isObject(document) || !Array.isArray(document.changes))
    throw new Error(`${String(file)}: expected a top-level "changes:" list`);
  const versions: Partial<Record<ApiVersion, Change[]>> = {};
  const byVersion = isObject(document.versions) ? document.versions : {};
  for (const [version, list] of Object.entries(byVersion)) {
    const known = API_VERSIONS.find((item) => item === version);
    if (known === undefined) throw new Error(`${String(file)}: versions.${version} is not an API version`);
    versions[known] = changeList(list, `versions.${version}`);
  }
  return { changes: changeList(document.changes, "changes"), versions };
}

function changeList(list: unknown, where: string): Change[] {
  if (!Array.isArray(list)) throw new Error(`spec/changes.yaml: ${where} must be a list`);
  return list.map((entry, index) => {
    if (!isObject(entry) || typeof entry.why !== "string" || typeof entry.source !== "string")
      throw new Error(`spec/changes.yaml: ${where}[${index}] needs "why" and "source"`);
    if (!Array.isArray(entry.edits) || entry.edits.length === 0)
      throw new Error(`spec/changes.yaml: ${where}[${index}] needs "edits"`);
    return { why: entry.why, source: entry.source, edits: entry.edits as Edit[] };
  });
}

function schemasOf(document: Json): Json {
  const components = isObject(document.components) ? document.components : undefined;
  const schemas = components && isObject(components.schemas) ? components.schemas : undefined;
  if (!schemas) throw new Error("spec/changes.yaml: the document has no components.schemas");
  return schemas;
}

function schemaNamed(document: Json, name: string): Json {
  const schema = schemasOf(document)[name];
  if (!isObject(schema)) throw new Error(`spec/changes.yaml: no schema ${name} to change`);
  return schema;
}

/** An object with `entry` put in at the place asked for (insertion order is the wire's order). */
function insertKey(
  object: Json,
  key: string,
  value: unknown,
  place: { after?: string; before?: string; first?: boolean },
): Json {
  const entries = Object.entries(object).filter(([name]) => name !== key);
  let at = entries.length;
  if (place.first) at = 0;
  else if (place.after !== undefined || place.before !== undefined) {
    const anchor = place.after ?? place.before;
    const found = entries.findIndex(([name]) => name === anchor);
    if (found === -1) throw new Error(`spec/changes.yaml: no property ${anchor} to put ${key} beside`);
    at = place.after !== undefined ? found + 1 : found;
  }
  entries.splice(at, 0, [key, value]);
  return Object.fromEntries(entries);
}

function applyEdit(document: Json, edit: Edit): void {
  if ("add_property" in edit) {
    const { schema: name, name: property, value, required, ...place } = edit.add_property;
    const schema = schemaNamed(document, name);
    const properties = isObject(schema.properties) ? schema.properties : {};
    schema.properties = insertKey(properties, property, structuredClone(value), place);
    if (required) {
      const list = Array.isArray(schema.required) ? schema.required.filter((item) => item !== property) : [];
      // `required` follows the properties' order, as pydantic writes it.
      const order = Object.keys(schema.properties as Json);
      schema.required = [...list, property].sort(
        (a, b) => order.indexOf(String(a)) - order.indexOf(String(b)),
      );
    }
  } else if ("remove_property" in edit) {
    const schema = schemaNamed(document, edit.remove_property.schema);
    const properties = isObject(schema.properties) ? schema.properties : {};
    if (!(edit.remove_property.name in properties))
      throw new Error(
        `spec/changes.yaml: ${edit.remove_property.schema} has no ${edit.remove_property.name}`,
      );
    delete properties[edit.remove_property.name];
    if (Array.isArray(schema.required))
      schema.required = schema.required.filter((item) => item !== edit.remove_property.name);
  } else if ("add_enum" in edit) {
    const schema = schemaNamed(document, edit.add_enum.schema);
    const values = Array.isArray(schema.enum)
      ? schema.enum.filter((item) => !edit.add_enum.values.includes(item))
      : [];
    const anchor = edit.add_enum.after === undefined ? -1 : values.indexOf(edit.add_enum.after);
    const at = anchor === -1 ? values.length : anchor + 1;
    values.splice(at, 0, ...edit.add_enum.values);
    schema.enum = values;
  } else if ("set_enum" in edit) {
    schemaNamed(document, edit.set_enum.schema).enum = [...edit.set_enum.values];
  } else if ("set_schema" in edit) {
    schemasOf(document)[edit.set_schema.name] = structuredClone(edit.set_schema.value);
  } else {
    throw new Error(`spec/changes.yaml: unknown edit ${JSON.stringify(edit)}`);
  }
}

/** The document with the changes applied (in place, and returned). */
export function applyChanges(document: Json, changes: readonly Change[]): Json {
  for (const change of changes) for (const edit of change.edits) applyEdit(document, edit);
  return document;
}

/** The entries of every version up to `version`, oldest first: what its document adds to the served one. */
export function versionChanges(changes: SpecChanges, version: ApiVersion): Change[] {
  return API_VERSIONS.filter((item) => isAtLeast(version, item)).flatMap(
    (item) => changes.versions[item] ?? [],
  );
}
