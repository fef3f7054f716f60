/**
 * A snapshot as the control plane answers it, JSON or YAML, written in steps: a section's records
 * are converted a chunk at a time, so that an organization of any size is written in slices of
 * the event loop (src/util/steps.ts), and answered in pieces (a piece per turn). The pieces put
 * together are the same text as writing the whole document at once.
 */
import { Document, visit } from "yaml";
import { toJson } from "../domain/decode.js";
import type { Steps } from "../util/steps.js";
import type { SnapshotPart } from "./snapshot.js";

/** Records written before the writer may give the loop back. */
const CHUNK = 200;

/**
 * `JSON.stringify` of the whole document, in steps, as pieces (their concatenation is the text):
 * a piece for each chunk of a section's records.
 */
export function* snapshotJsonSteps(parts: readonly [string, SnapshotPart][]): Steps<string[]> {
  const pieces: string[] = [];
  let pending = "{";
  let separator = "";
  for (const [name, part] of parts) {
    // As JSON.stringify leaves out a key whose value is undefined.
    if ("json" in part && part.json === undefined) continue;
    pending += `${separator}${JSON.stringify(name)}:`;
    separator = ",";
    if ("json" in part) {
      pending += JSON.stringify(part.json);
      continue;
    }
    pending += "[";
    for (let start = 0; start < part.records.length; start += CHUNK) {
      const items = part.records.slice(start, start + CHUNK).map((record) => JSON.stringify(toJson(record)));
      pieces.push(`${pending}${start > 0 ? "," : ""}${items.join(",")}`);
      pending = "";
      yield;
    }
    pending += "]";
  }
  pieces.push(`${pending}}`);
  return pieces;
}

/**
 * Characters a YAML document may not hold raw: C0 and C1 controls but tab and line breaks, lone
 * surrogates, BOM and non-characters, and the ones YAML 1.1 parsers (PyYAML) take for line breaks
 * (NEL, U+2028, U+2029).
 */
const NOT_PRINTABLE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]/gu;

/**
 * YAML any parser reads back: strings holding characters YAML does not allow raw (C1 controls,
 * say) are double-quoted with those characters escaped, which is the only style where escapes
 * mean anything. The yaml library escapes C0 controls itself, but not the others.
 */
function printableYaml(value: unknown): string {
  const document = new Document(value);
  visit(document, {
    Scalar(_key, node) {
      if (typeof node.value === "string" && node.value.search(NOT_PRINTABLE) !== -1)
        node.type = "QUOTE_DOUBLE";
    },
  });
  return document.toString({ lineWidth: 0 }).replace(NOT_PRINTABLE, (char) => {
    const code = char.codePointAt(0) ?? 0;
    return code < 0x100
      ? `\\x${code.toString(16).padStart(2, "0")}`
      : `\\u${code.toString(16).padStart(4, "0")}`;
  });
}

/**
 * The whole document as YAML, in steps, as pieces: each entry written on its own (a mapping's entries do not
 * depend on each other), and a section's records a chunk at a time as a sequence indented under
 * its key, as the yaml library indents a sequence inside a mapping.
 */
export function* snapshotYamlSteps(parts: readonly [string, SnapshotPart][]): Steps<string[]> {
  const pieces: string[] = [];
  for (const [name, part] of parts) {
    // As the yaml library leaves out a key whose value is undefined.
    if ("json" in part && part.json === undefined) continue;
    if ("json" in part || part.records.length === 0) {
      pieces.push(printableYaml({ [name]: "json" in part ? part.json : [] }));
      continue;
    }
    pieces.push(printableYaml({ [name]: null }).replace(/ null\n$/, "\n"));
    for (let start = 0; start < part.records.length; start += CHUNK) {
      const chunk = part.records.slice(start, start + CHUNK).map(toJson);
      pieces.push(printableYaml(chunk).replace(/^(?=.)/gm, "  "));
      yield;
    }
  }
  return pieces;
}
