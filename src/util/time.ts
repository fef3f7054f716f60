/** ISO 8601 in UTC with a `Z`, as Polar's JSON carries dates: `2026-08-22T10:00:00.123Z`. */
export function iso(date: Date): string {
  return date.toISOString();
}

export function isoOrNull(date: Date | null): string | null {
  return date === null ? null : date.toISOString();
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
