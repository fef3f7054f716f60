/**
 * Python's `json.dumps` with its defaults (`", "` and `": "` separators, `ensure_ascii`, floats
 * as Python writes them): how Polar turns a dict into text before it is stored or searched.
 */
import { pythonFloatRepr } from "../pydantic/messages.js";
import { isObject } from "../util/is-object.js";

function asciiString(text: string): string {
  return JSON.stringify(text).replace(
    /[\u007f-\uffff]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

function number(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (!Number.isFinite(value)) return value > 0 ? "Infinity" : "-Infinity";
  return Number.isInteger(value) ? String(value) : pythonFloatRepr(value);
}

export function pythonJsonDumps(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "number") return number(value);
  if (typeof value === "string") return asciiString(value);
  if (Array.isArray(value)) return `[${value.map(pythonJsonDumps).join(", ")}]`;
  if (isObject(value)) {
    return `{${Object.entries(value)
      .map(([key, item]) => `${asciiString(key)}: ${pythonJsonDumps(item)}`)
      .join(", ")}}`;
  }
  return "null";
}
