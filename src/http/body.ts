/**
 * Request bodies as Polar's server reads them: a write needs Content-Length (411), at most
 * 10 MiB (413), JSON that fails to parse is a 422 `json_invalid` worded like Python's `json`, and
 * JSON nested deeper than Python's json module goes is a 400.
 */
import type { IncomingMessage } from "node:http";
import { parse as parseYaml, YAMLParseError } from "yaml";
import {
  LengthRequired,
  MAX_BODY_BYTES,
  PolarHttpError,
  RequestBodyTooLarge,
  RequestValidationError,
} from "../errors.js";

/** Python's json module gives up around this depth (its recursion limit); Starlette then answers 400. */
export const MAX_JSON_DEPTH = 1000;

export class BodyParsingError extends PolarHttpError {
  constructor() {
    super(400, { detail: "There was an error parsing the body" });
  }
}

/** Maps V8's JSON.parse message to Python's, with the character offset Python reports. */
function pythonJsonError(text: string, message: string): { error: string; position: number } {
  const at = /position (\d+)/.exec(message);
  const position = at ? Number(at[1]) : text.length;
  if (/Expected property name|Expected double-quoted property name/.test(message)) {
    return { error: "Expecting property name enclosed in double quotes", position };
  }
  if (/Expected ',' or '\}'|Expected ',' or ']'/.test(message)) {
    return { error: "Expecting ',' delimiter", position };
  }
  if (/Expected ':'/.test(message)) return { error: "Expecting ':' delimiter", position };
  if (/non-whitespace character after JSON/.test(message)) return { error: "Extra data", position };
  if (/Unterminated string/.test(message)) return { error: "Unterminated string starting at", position };
  if (/Bad control character/.test(message)) return { error: "Invalid control character at", position };
  return { error: "Expecting value", position };
}

/**
 * What a parsed body holds that a plain parse lets through: nesting deeper than MAX_JSON_DEPTH,
 * and numbers JSON cannot carry (`1e309` parses to Infinity). One walk, allocating nothing (a
 * 10 MiB snapshot is hundreds of thousands of values); it stops as soon as the depth is past.
 */
function scan(value: unknown, depth: number, found: { deep: boolean; infinite: boolean }): void {
  if (typeof value === "number") {
    if (!Number.isFinite(value)) found.infinite = true;
    return;
  }
  if (typeof value !== "object" || value === null) return;
  if (depth + 1 > MAX_JSON_DEPTH) {
    found.deep = true;
    return;
  }
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length && !found.deep; index++) scan(value[index], depth + 1, found);
    return;
  }
  for (const key in value) {
    if (found.deep) return;
    scan((value as Record<string, unknown>)[key], depth + 1, found);
  }
}

export function parseJsonBody(text: string): unknown {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    const { error: reason, position } = pythonJsonError(text, error instanceof Error ? error.message : "");
    throw new RequestValidationError([
      {
        type: "json_invalid",
        loc: ["body", position],
        msg: "JSON decode error",
        input: {},
        ctx: { error: reason },
      },
    ]);
  }
  const found = { deep: false, infinite: false };
  scan(parsed, 0, found);
  if (found.deep) throw new BodyParsingError();
  const infinite = found.infinite ? nonFinitePath(parsed) : undefined;
  if (infinite !== undefined)
    // Python's json reads 1e309 as inf and pydantic's float takes it, but Polar cannot store it
    // (JSON `Infinity` is not valid in Postgres' jsonb: a 500 there). No 5xx from user input here:
    // the 422 pydantic words for a float that must be finite (docs/decisions.md).
    throw new RequestValidationError([
      {
        type: "finite_number",
        loc: ["body", ...infinite.path],
        msg: "Input should be a finite number",
        input: infinite.value > 0 ? "inf" : "-inf",
      },
    ]);
  return parsed;
}

/** Where a parsed body holds a number JSON cannot carry (`1e309` parses to Infinity): the slow walk, once one was found. */
function nonFinitePath(value: unknown): { path: (string | number)[]; value: number } | undefined {
  const stack: [unknown, (string | number)[]][] = [[value, []]];
  while (stack.length > 0) {
    const [item, path] = stack.pop() as [unknown, (string | number)[]];
    if (typeof item === "number" && !Number.isFinite(item)) return { path, value: item };
    if (Array.isArray(item)) {
      for (const [index, child] of item.entries()) stack.push([child, [...path, index]]);
    } else if (typeof item === "object" && item !== null)
      for (const [key, child] of Object.entries(item)) stack.push([child, [...path, key]]);
  }
  return undefined;
}

/**
 * Reads the raw body; undefined when the request has none. `requireLength`: Polar's API answers
 * 411 to a write without Content-Length; the control plane also takes a bare `curl -X POST`.
 */
export async function readBody(req: IncomingMessage, requireLength: boolean): Promise<string | undefined> {
  const length = req.headers["content-length"];
  const write = req.method === "POST" || req.method === "PUT" || req.method === "PATCH";
  if (length === undefined && requireLength) {
    if (write) throw new LengthRequired();
    return undefined;
  }
  if (length === undefined && req.headers["transfer-encoding"] === undefined) return undefined;
  if (Number(length) > MAX_BODY_BYTES) throw new RequestBodyTooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new RequestBodyTooLarge();
    chunks.push(buffer);
  }
  if (size === 0) return undefined;
  // Starlette hands FastAPI the bytes and Python's json.loads decodes them: bytes that are not
  // UTF-8 raise UnicodeDecodeError, which FastAPI answers 400 (it is not a JSONDecodeError).
  try {
    return STRICT_UTF8.decode(Buffer.concat(chunks));
  } catch {
    throw new BodyParsingError();
  }
}

const STRICT_UTF8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * Whether yaml refused a document for its aliases (a "billion laughs"): it throws a
 * ReferenceError, not a YAMLParseError, for that.
 */
export function isAliasBomb(error: unknown): error is Error {
  return error instanceof ReferenceError && /alias/i.test(error.message);
}

/** Content types the control plane reads as YAML (fixtures and snapshots); Polar's API never does. */
export const YAML_TYPES: ReadonlySet<string> = new Set([
  "application/yaml",
  "application/x-yaml",
  "text/yaml",
]);

/** YAML for the control plane; a syntax error is a 422 `yaml_invalid` at its character offset. */
export function parseYamlBody(text: string): unknown {
  try {
    return parseYaml(text, { maxAliasCount: 1000 }) ?? null;
  } catch (error) {
    if (isAliasBomb(error))
      throw new RequestValidationError([
        {
          type: "yaml_invalid",
          loc: ["body"],
          msg: "YAML decode error",
          input: {},
          ctx: { error: error.message },
        },
      ]);
    if (!(error instanceof YAMLParseError)) throw error;
    const line = error.linePos?.[0];
    throw new RequestValidationError([
      {
        type: "yaml_invalid",
        loc: ["body", error.pos[0]],
        msg: "YAML decode error",
        input: {},
        ctx: { error: error.message.split("\n")[0], ...(line ? { line: line.line, column: line.col } : {}) },
      },
    ]);
  }
}

/**
 * FastAPI parses JSON when the content type is JSON or absent; any other body stays a string.
 * The control plane also reads YAML (`application/yaml`, `application/x-yaml`, `text/yaml`).
 */
export function decodeBody(req: IncomingMessage, text: string | undefined): unknown {
  if (text === undefined) return undefined;
  const type = (req.headers["content-type"] ?? "").split(";")[0].trim().toLowerCase();
  if (type === "" || type === "application/json" || type.endsWith("+json")) return parseJsonBody(text);
  if (YAML_TYPES.has(type) && (req.url ?? "").startsWith("/_emulator/")) {
    const parsed = parseYamlBody(text);
    const found = { deep: false, infinite: false };
    scan(parsed, 0, found);
    if (found.deep) throw new BodyParsingError();
    return parsed;
  }
  return text;
}
