/**
 * How pydantic writes values into JSON (`model_dump_json`, which FastAPI uses for a response
 * model since 0.130) where JavaScript's `JSON.stringify` writes them otherwise, and Python's
 * `datetime.isoformat()`, which FastAPI's `jsonable_encoder` uses for an error's `input`.
 */

/**
 * A `float`: the shortest digits that read back the same, `.0` on an integral value, positional
 * from 1e-5 up to 1e16 and `1e+16`, `1.5e-7` outside; infinities and NaN are `null`.
 */
export function floatJson(value: number): string {
  if (!Number.isFinite(value)) return "null";
  if (Object.is(value, -0)) return "-0.0";
  const magnitude = Math.abs(value);
  if (magnitude !== 0 && (magnitude >= 1e16 || magnitude < 1e-5)) return value.toExponential();
  const text = String(value);
  return Number.isInteger(value) ? `${text}.0` : text;
}

function pad(value: number, width = 2): string {
  return String(value).padStart(width, "0");
}

/** The fraction of a datetime with microseconds: none when they are zero, else six digits. */
function fraction(epochMs: number, micros: number): string {
  const ms = ((epochMs % 1000) + 1000) % 1000;
  return ms === 0 && micros === 0 ? "" : `.${pad(ms, 3)}${pad(micros, 3)}`;
}

/** An aware UTC datetime as pydantic serializes it: `2026-01-01T00:00:00.123456Z`. */
export function datetimeJson(epochMs: number, micros = 0): string {
  return `${new Date(epochMs).toISOString().slice(0, 19)}${fraction(epochMs, micros)}Z`;
}

/** `datetime.isoformat()` of an aware datetime at its own offset: `2026-01-01T05:30:00+05:30`. */
export function isoformatAt(epochMs: number, micros: number, offsetMinutes: number): string {
  const local = new Date(epochMs + offsetMinutes * 60_000).toISOString().slice(0, 19);
  const sign = offsetMinutes < 0 ? "-" : "+";
  const minutes = Math.abs(offsetMinutes);
  return `${local}${fraction(epochMs, micros)}${sign}${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`;
}
