/**
 * Request bodies as Polar's server reads them: a write needs Content-Length (411), at most
 * 10 MiB (413), and JSON that fails to parse is a 422 `json_invalid` worded like Python's `json`.
 */
import type { Request } from "express";
import { LengthRequired, MAX_BODY_BYTES, RequestBodyTooLarge, RequestValidationError } from "../errors.js";

/** Maps V8's JSON.parse message to Python's, with the character offset Python reports. */
function pythonJsonError(text: string, message: string): { error: string; position: number } {
  const at = /position (\d+)/.exec(message);
  const position = at ? Number(at[1]) : text.length;
  if (/Expected property name|Expected double-quoted property name/.test(message)) {
    return { error: "Expecting property name enclosed in double quotes", position };
  }
  if (/Expected ',' or '\}'|Expected ',' or ']'/.test(message))
    return { error: "Expecting ',' delimiter", position };
  if (/Expected ':'/.test(message)) return { error: "Expecting ':' delimiter", position };
  if (/non-whitespace character after JSON/.test(message)) return { error: "Extra data", position };
  if (/Unterminated string/.test(message)) return { error: "Unterminated string starting at", position };
  if (/Bad control character/.test(message)) return { error: "Invalid control character at", position };
  return { error: "Expecting value", position };
}

export function parseJsonBody(text: string): unknown {
  try {
    return JSON.parse(text);
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
}

/** Reads the raw body; undefined when the request has none. */
export async function readBody(req: Request): Promise<string | undefined> {
  const length = req.headers["content-length"];
  const write = req.method === "POST" || req.method === "PUT" || req.method === "PATCH";
  if (length === undefined) {
    if (write) throw new LengthRequired();
    return undefined;
  }
  if (Number(length) > MAX_BODY_BYTES) throw new RequestBodyTooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new RequestBodyTooLarge();
    chunks.push(buffer);
  }
  return size === 0 ? undefined : Buffer.concat(chunks).toString("utf8");
}

/** FastAPI parses JSON when the content type is JSON or absent; any other body stays a string. */
export function decodeBody(req: Request, text: string | undefined): unknown {
  if (text === undefined) return undefined;
  const type = (req.headers["content-type"] ?? "").split(";")[0].trim().toLowerCase();
  if (type === "" || type === "application/json" || type.endsWith("+json")) return parseJsonBody(text);
  return text;
}
