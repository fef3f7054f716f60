/**
 * The two specs the emulator serves and validates with: Polar's operations (spec/polar.yaml) and
 * the control plane (spec/emulator.yaml), read once per process.
 */
import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import type { components } from "./generated/polar.js";
import { isObject } from "./util/is-object.js";
import { packageFile } from "./util/package-root.js";
import { preparedYaml } from "./util/yaml-cache.js";

const SPEC_DIR = packageFile("spec/");

export interface Spec {
  /** The YAML as served at `/_emulator/openapi/…`. */
  text: string;
  document: Record<string, unknown>;
}

function read(file: string): Spec {
  const text = readFileSync(new URL(file, SPEC_DIR), "utf8");
  const document: unknown = preparedYaml(`spec/${file}`, text) ?? parseYaml(text);
  if (!isObject(document)) throw new Error(`[polar-emulator] spec/${file} is not an OpenAPI document`);
  return { text, document };
}

let loaded: { polar: Spec; emulator: Spec } | undefined;

export function specs(): { polar: Spec; emulator: Spec } {
  loaded ??= { polar: read("polar.yaml"), emulator: read("emulator.yaml") };
  return loaded;
}

export type WebhookEventType = components["schemas"]["WebhookEventType"];

/** Every webhook event type of Polar's document (what a `--webhook-url` endpoint subscribes to). */
export function webhookEventTypes(document: Record<string, unknown>): WebhookEventType[] {
  const schemas =
    isObject(document.components) && isObject(document.components.schemas) ? document.components.schemas : {};
  const eventType = isObject(schemas.WebhookEventType) ? schemas.WebhookEventType : {};
  if (!Array.isArray(eventType.enum))
    throw new Error("[polar-emulator] spec/polar.yaml lacks WebhookEventType");
  // The enum of the schema this type is generated from.
  return eventType.enum.map((value) => String(value) as WebhookEventType);
}
