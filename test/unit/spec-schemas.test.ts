/**
 * Every schema the validators compile is a valid JSON Schema: checked here, once, against ajv's
 * meta-schema, because a start no longer does it (src/http/operations.ts, `validateSchema: false`).
 * Polar's document in each API version, and the control plane's.
 */
import { Ajv } from "ajv";
import { describe, expect, it } from "vitest";
import { API_VERSIONS } from "../../src/domain/versions.js";
import { applyChanges, readSpecChanges, versionChanges } from "../../src/spec-changes.js";
import { specs } from "../../src/specs.js";

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** The component schemas and each operation's parameter and request body schemas, by where they are. */
function schemasOf(document: Json): [string, Json][] {
  const found: [string, Json][] = [];
  const components = isObject(document.components) ? document.components : {};
  const schemas = isObject(components.schemas) ? components.schemas : {};
  for (const [name, schema] of Object.entries(schemas))
    if (isObject(schema)) found.push([`#/components/schemas/${name}`, schema]);
  for (const [path, item] of Object.entries(isObject(document.paths) ? document.paths : {})) {
    if (!isObject(item)) continue;
    for (const [method, operation] of Object.entries(item)) {
      if (!isObject(operation)) continue;
      const where = `${method.toUpperCase()} ${path}`;
      for (const parameter of Array.isArray(operation.parameters) ? operation.parameters : [])
        if (isObject(parameter) && isObject(parameter.schema))
          found.push([`${where} parameter ${String(parameter.name)}`, parameter.schema]);
      const body = isObject(operation.requestBody) ? operation.requestBody : {};
      for (const [type, media] of Object.entries(isObject(body.content) ? body.content : {}))
        if (isObject(media) && isObject(media.schema)) found.push([`${where} body ${type}`, media.schema]);
    }
  }
  return found;
}

describe("the specs' schemas", () => {
  const { polar, emulator } = specs();
  const documents: [string, Json][] = [
    ["spec/emulator.yaml", emulator.document],
    ["spec/polar.yaml", polar.document],
    ...API_VERSIONS.map((version): [string, Json] => [
      `spec/polar.yaml in ${version}`,
      applyChanges(structuredClone(polar.document), versionChanges(readSpecChanges(), version)) as Json,
    ]),
  ];

  it.each(documents)("%s: each is valid against JSON Schema's meta-schema", (_name, document) => {
    const ajv = new Ajv({ strict: false });
    const schemas = schemasOf(document);
    expect(schemas.length).toBeGreaterThan(20);
    const invalid = schemas.flatMap(([where, schema]) =>
      ajv.validateSchema(schema) ? [] : [`${where}: ${ajv.errorsText(ajv.errors)}`],
    );
    expect(invalid).toEqual([]);
  });

  it("a broken one is caught", () => {
    const ajv = new Ajv({ strict: false });
    expect(ajv.validateSchema({ type: "strnig" })).toBe(false);
    expect(ajv.validateSchema({ properties: { a: { minLength: "3" } } })).toBe(false);
  });
});
