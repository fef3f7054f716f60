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

const zoneFormats = new Map<string, Intl.DateTimeFormat>();

function zoneFormat(timeZone: string): Intl.DateTimeFormat {
  let format = zoneFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    zoneFormats.set(timeZone, format);
  }
  return format;
}

/**
 * Whether Python's `ZoneInfo(name)` knows the time zone: an IANA name, spelled with its case
 * (`Europe/Paris`, `US/Eastern`, `UTC`; not `utc`, `Z` or `+01:00`).
 */
export function isTimeZone(name: string): boolean {
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat("en-US", { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return false;
  }
  if (resolved === name) return true;
  // ICU names aliases by their canonical zone (`US/Eastern` is `America/New_York`): the case of
  // an alias is then checked the way tzdata spells its names, each part capitalized.
  if (resolved.toLowerCase() === name.toLowerCase()) return false;
  return name.split("/").every((part) => /^[A-Z0-9]/.test(part));
}

/**
 * Python's `datetime.astimezone(ZoneInfo(timeZone)).isoformat()`: the wall time there with its
 * offset, `2026-08-22T12:00:00.123000+02:00` (no fraction when it is zero).
 */
export function pythonIsoformatIn(date: Date, timeZone: string): string {
  const parts: Record<string, number> = {};
  for (const part of zoneFormat(timeZone).formatToParts(date)) {
    if (part.type !== "literal") parts[part.type] = Number(part.value);
  }
  const ms = date.getUTCMilliseconds();
  const wall = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second, ms);
  const offsetSeconds = Math.round((wall - date.getTime()) / 1000);
  const local = new Date(wall).toISOString().slice(0, 19);
  const fraction = ms === 0 ? "" : `.${String(ms).padStart(3, "0")}000`;
  const sign = offsetSeconds < 0 ? "-" : "+";
  const magnitude = Math.abs(offsetSeconds);
  const pad = (value: number) => String(value).padStart(2, "0");
  const seconds = magnitude % 60 === 0 ? "" : `:${pad(magnitude % 60)}`;
  return `${local}${fraction}${sign}${pad(Math.floor(magnitude / 3600))}:${pad(Math.floor(magnitude / 60) % 60)}${seconds}`;
}
