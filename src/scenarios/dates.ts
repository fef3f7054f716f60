/**
 * Dates in fixtures: absolute (`2025-06-01`, `2025-06-01T09:30:00Z`, years 1970 to 2099) or
 * relative to the fixture's reference time (`now`, `-30d`, `now-2w3d`, `+1mo`), so the same fixture
 * always gives the same bytes. A date without an offset is UTC. The grammar is `FixtureDate` in
 * spec/emulator.yaml (this pattern, which a test holds equal to the spec's).
 */

export const FIXTURE_DATE_PATTERN =
  "^(?:(?:19[7-9]\\d|20\\d\\d)-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\\d|3[01])" +
  "(?:[T ](?:[01]\\d|2[0-3]):[0-5]\\d(?::[0-5]\\d(?:\\.\\d{1,3})?)?(?:Z|[+-](?:[01]\\d|2[0-3]):?[0-5]\\d)?)?" +
  "|now|(?:now)?[+-](?:\\d{1,3}(?:mo|w|d|h|m|s)|\\d{1,2}y){1,4})$";

const GRAMMAR = new RegExp(FIXTURE_DATE_PATTERN);
const PART = /(\d+)(mo|y|w|d|h|m|s)/g;

const UNITS: Record<string, number> = {
  s: 1000,
  m: 60 * 1000,
  h: 60 * 60 * 1000,
  d: 24 * 60 * 60 * 1000,
  w: 7 * 24 * 60 * 60 * 1000,
};

export const DATE_HELP =
  "a date (2025-06-01, 2025-06-01T09:30:00Z) or a time relative to the reference time (now, -30d, now-2w, +1mo, -1d12h; units s m h d w mo y)";

/** Adds calendar months, keeping the day when the month has it and the last day otherwise. */
function addMonths(date: Date, months: number): Date {
  const day = date.getUTCDate();
  const result = new Date(date.getTime());
  result.setUTCDate(1);
  result.setUTCMonth(result.getUTCMonth() + months);
  const last = new Date(Date.UTC(result.getUTCFullYear(), result.getUTCMonth() + 1, 0)).getUTCDate();
  result.setUTCDate(Math.min(day, last));
  return result;
}

/** The instant a fixture date names, or null when the text is not one. */
export function parseFixtureDate(text: string, reference: Date): Date | null {
  if (!GRAMMAR.test(text)) return null;
  if (/^\d/.test(text)) {
    let iso = text.replace(" ", "T");
    if (iso.length === 10) iso += "T00:00:00Z";
    else if (/[+-]\d{4}$/.test(iso)) iso = `${iso.slice(0, -2)}:${iso.slice(-2)}`;
    else if (!/(Z|[+-]\d{2}:\d{2})$/.test(iso)) iso += "Z";
    const parsed = new Date(iso);
    return Number.isNaN(parsed.getTime()) ? null : parsed;
  }
  const factor = text.includes("-") ? -1 : 1;
  let result = new Date(reference.getTime());
  for (const [, count, unit] of text.matchAll(PART)) {
    const value = Number(count) * factor;
    if (unit === "mo") result = addMonths(result, value);
    else if (unit === "y") result = addMonths(result, value * 12);
    else result = new Date(result.getTime() + value * UNITS[unit]);
  }
  return Number.isNaN(result.getTime()) ? null : result;
}
