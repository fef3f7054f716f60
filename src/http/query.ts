/** Raw query strings shaped the way FastAPI reads them, before the validators see them. */
import { FALSE_TEXT, laxInt, TRUE_TEXT } from "../pydantic/lax.js";
import type { OperationInfo } from "./operations.js";

/** Fails ajv's integer check; the 422 then reports the raw input, so this text is never seen. */
const NOT_AN_INTEGER = "not an integer";

/**
 * Raw query values shaped the way FastAPI reads them: repeated keys are lists, a single value of
 * a list-only parameter is a one-item list, `metadata[key]=v` is a deepObject, and booleans and
 * integers follow pydantic's spellings. Unknown parameters are ignored, as Polar ignores them.
 */
export function shapeQuery(
  info: OperationInfo,
  search: URLSearchParams,
): { raw: Record<string, unknown>; shaped: Record<string, unknown> } {
  const raw: Record<string, unknown> = {};
  const shaped: Record<string, unknown> = {};
  for (const [name, spec] of info.query) {
    if (spec.deepObject) {
      // No prototype: `metadata[__proto__]` and `metadata[constructor]` are keys like any other.
      const object: Record<string, string | string[]> = Object.create(null);
      for (const [key, value] of search) {
        // Polar reads `metadata[key]` with re.match(r"metadata\[([^\]]+)\]"): the key ends at the first `]`.
        const match = key.startsWith(`${name}[`)
          ? /^([^\]]+)\]/.exec(key.slice(name.length + 1))?.[1]
          : undefined;
        if (match === undefined) continue;
        const existing = object[match];
        object[match] =
          existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value];
      }
      if (Object.keys(object).length > 0) {
        raw[name] = object;
        shaped[name] = object;
      }
      continue;
    }
    const values = search.getAll(name);
    if (values.length === 0) continue;
    raw[name] = values.length === 1 ? values[0] : values;
    let value: string | string[] = values.length === 1 && !spec.array ? values[0] : values;
    if (spec.boolean) {
      const normalize = (text: string) =>
        TRUE_TEXT.has(text.toLowerCase()) ? "true" : FALSE_TEXT.has(text.toLowerCase()) ? "false" : text;
      value = Array.isArray(value) ? value.map(normalize) : normalize(value);
    }
    if (spec.integer) {
      // pydantic reads integers like Python's int() (lax.ts): `1_000` and ` 7 ` are integers,
      // `1e3` and `0x10`, which ajv's coercion would take, are not.
      const normalize = (text: string) => {
        const parsed = laxInt(text);
        return "value" in parsed ? String(parsed.value) : NOT_AN_INTEGER;
      };
      value = Array.isArray(value) ? value.map(normalize) : normalize(value);
    }
    shaped[name] = value;
  }
  return { raw, shaped };
}
