/** Filters every list shares: SQL LIKE patterns and Polar's metadata query. */
import type { Metadata } from "../store/store.js";

const REGEXP_SPECIAL = /[.*+?^${}()|[\]\\/]/g;

/** A LIKE pattern as a regular expression: `%` any run, `_` one character, `\` escapes. */
export function likePattern(pattern: string, flags = ""): RegExp {
  let source = "";
  for (let index = 0; index < pattern.length; index++) {
    const char = pattern[index];
    if (char === "\\" && index + 1 < pattern.length) {
      index += 1;
      source += pattern[index].replace(REGEXP_SPECIAL, "\\$&");
    } else if (char === "%") source += "[\\s\\S]*";
    else if (char === "_") source += "[\\s\\S]";
    else source += char.replace(REGEXP_SPECIAL, "\\$&");
  }
  return new RegExp(`^${source}$`, `${flags}u`);
}

/** Postgres `text ILIKE '%query%'`: a case-insensitive substring in which `%` and `_` are wildcards. */
export function ilikeContains(text: string, query: string): boolean {
  return likePattern(`%${query}%`, "i").test(text);
}

/** `metadata[key]=v1&metadata[key]=v2`: values of one key OR'd, keys AND'd, compared as text. */
export function matchesMetadata(metadata: Metadata, filter: Record<string, string[]> | undefined): boolean {
  if (!filter) return true;
  return Object.entries(filter).every(([key, values]) => {
    const value = metadata[key];
    return value !== undefined && values.includes(String(value));
  });
}
