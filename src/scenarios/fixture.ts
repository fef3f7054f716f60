/**
 * Fixture files: what an organization holds at boot. Read from YAML, checked against a schema,
 * and refused whole with the file, the path inside it and what is wrong.
 */
import { readFileSync } from "node:fs";
import { Ajv } from "ajv";
import { parse as parseYaml } from "yaml";
import type { CustomerCreateBody } from "../domain/wire.js";

export interface Fixture {
  organization?: { name?: string; slug?: string };
  customers?: CustomerCreateBody[];
  generate?: { customers?: number; external_id_share?: number; teams?: number };
}

const FIXTURE_SCHEMA = {
  type: "object",
  additionalProperties: false,
  properties: {
    organization: {
      type: "object",
      additionalProperties: false,
      properties: {
        name: { type: "string", minLength: 1 },
        slug: { type: "string", pattern: "^[a-z0-9][a-z0-9-]*$" },
      },
    },
    customers: {
      type: "array",
      items: {
        type: "object",
        properties: {
          type: { enum: ["individual", "team"] },
          email: { type: "string" },
          name: { type: ["string", "null"] },
          external_id: { type: ["string", "null"] },
          metadata: { type: "object", additionalProperties: { type: ["string", "number", "boolean"] } },
          billing_address: { type: ["object", "null"], required: ["country"] },
          tax_id: { type: ["string", "null"] },
          locale: { type: ["string", "null"] },
        },
      },
    },
    generate: {
      type: "object",
      additionalProperties: false,
      properties: {
        customers: { type: "integer", minimum: 0 },
        external_id_share: { type: "number", minimum: 0, maximum: 1 },
        teams: { type: "integer", minimum: 0 },
      },
    },
  },
} as const;

const validateFixture = new Ajv({ allErrors: true, strict: false }).compile(FIXTURE_SCHEMA);

export class FixtureError extends Error {}

export const DEFAULT_FIXTURE = new URL("../../fixtures/default.yaml", import.meta.url);

export function loadFixture(file: string | URL): Fixture {
  const name = file instanceof URL ? file.pathname : file;
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new FixtureError(`[polar-emulator] cannot read fixture ${name}: ${(error as Error).message}`);
  }
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (error) {
    throw new FixtureError(`[polar-emulator] ${name} is not valid YAML: ${(error as Error).message}`);
  }
  if (data === null || data === undefined) data = {};
  if (!validateFixture(data)) {
    const problems = (validateFixture.errors ?? []).map(
      (error) => `  ${error.instancePath || "/"}: ${error.message}`,
    );
    throw new FixtureError(`[polar-emulator] ${name} is not a valid fixture:\n${problems.join("\n")}`);
  }
  return data as Fixture;
}
