/**
 * A date as Polar's JSON carries it: pydantic's serialization of an aware UTC datetime, ISO 8601
 * with a `Z`, microseconds when they are not zero and no fraction when they are:
 * `2026-08-22T10:00:00.123000Z`, `2026-08-22T10:00:00Z`.
 */
export function iso(date: Date): string {
  const ms = date.getUTCMilliseconds();
  return `${date.toISOString().slice(0, 19)}${ms === 0 ? "" : `.${String(ms).padStart(3, "0")}000`}Z`;
}

export function isoOrNull(date: Date | null): string | null {
  return date === null ? null : iso(date);
}

/**
 * Python's `datetime.isoformat()` for an aware UTC datetime: `2026-08-22T10:00:00.123000+00:00`,
 * without the fraction when it is zero. Polar hashes this form when it anonymizes a customer and
 * writes it into `metadata.__anonymized_at`, so the emulator must produce it to the byte.
 */
export function pythonIsoformat(date: Date): string {
  const base = date.toISOString().slice(0, 19);
  const ms = date.getUTCMilliseconds();
  const fraction = ms === 0 ? "" : `.${String(ms).padStart(3, "0")}000`;
  return `${base}${fraction}+00:00`;
}
