/**
 * UUID checks with pydantic-core's messages: it parses like the Rust `uuid` crate (hyphenated,
 * simple, braced or `urn:uuid:` forms), then Polar's `UUID4` type requires version 4.
 */

export interface UuidProblem {
  type: "uuid_parsing" | "uuid_version";
  msg: string;
  ctx: Record<string, unknown>;
}

const GROUP_LENGTHS = [8, 4, 4, 4, 12];

function parseProblem(value: string): string | null {
  let text = value;
  if (text.startsWith("urn:uuid:")) text = text.slice(9);
  else if (text.startsWith("{") && text.endsWith("}")) text = text.slice(1, -1);
  for (let index = 0; index < text.length; index++) {
    if (!/[0-9a-fA-F-]/.test(text[index])) {
      return `invalid character: expected an optional prefix of \`urn:uuid:\` followed by [0-9a-fA-F-], found \`${text[index]}\` at ${index + 1}`;
    }
  }
  if (!text.includes("-")) {
    return text.length === 32
      ? null
      : `invalid length: expected length 32 for simple format, found ${text.length}`;
  }
  const groups = text.split("-");
  if (groups.length !== 5) return `invalid group count: expected 5, found ${groups.length}`;
  for (let index = 0; index < 5; index++) {
    if (groups[index].length !== GROUP_LENGTHS[index]) {
      return `invalid group length in group ${index}: expected ${GROUP_LENGTHS[index]}, found ${groups[index].length}`;
    }
  }
  return null;
}

const CANONICAL_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Null when `value` is a UUID of version 4, else pydantic's error. */
export function uuid4Problem(value: string): UuidProblem | null {
  if (CANONICAL_V4.test(value)) return null;
  const error = parseProblem(value);
  if (error !== null)
    return { type: "uuid_parsing", msg: `Input should be a valid UUID, ${error}`, ctx: { error } };
  const hex = value.replace(/^urn:uuid:|[{}-]/g, "");
  if (hex[12] !== "4") {
    return { type: "uuid_version", msg: "UUID version 4 expected", ctx: { expected_version: 4 } };
  }
  return null;
}

/** The canonical spelling of a valid UUID: lower-case hex, hyphenated 8-4-4-4-12. */
export function canonicalUuid(value: string): string {
  const hex = value.replace(/^urn:uuid:|[{}-]/g, "").toLowerCase();
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** Python's `int(text, 16)` of a hex string (sign, `0x` prefix, single underscores), or null. */
const PYTHON_HEX_INT = /^\s*([+-]?)(?:0[xX]_?)?([0-9a-fA-F](?:_?[0-9a-fA-F])*)\s*$/;

/**
 * Python's `uuid.UUID(text)` (not pydantic's parser): `urn:` and `uuid:` removed wherever they
 * are, braces stripped from both ends, hyphens dropped, then 32 characters read by `int(…, 16)`.
 * The canonical spelling, or null where Python raises ValueError.
 */
export function pythonUuid(value: string): string | null {
  const hex = value
    .replaceAll("urn:", "")
    .replaceAll("uuid:", "")
    .replace(/^[{}]+|[{}]+$/g, "")
    .replaceAll("-", "");
  if ([...hex].length !== 32) return null;
  const parsed = PYTHON_HEX_INT.exec(hex);
  if (!parsed) return null;
  const number = BigInt(`0x${parsed[2].replaceAll("_", "")}`);
  if (parsed[1] === "-" && number !== 0n) return null;
  return canonicalUuid(number.toString(16).padStart(32, "0"));
}
