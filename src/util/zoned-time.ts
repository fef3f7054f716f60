/**
 * Postgres' `timestamptz` arithmetic in a session time zone (`SET TIME ZONE 'Europe/Paris'`), for
 * what `generate_series(start, end, '1 day')` and `date_trunc('day', ts)` give there:
 *
 * - adding `1 hour` adds 3,600 s; adding days, weeks, months or years moves the local date and
 *   keeps the local time of day (a month's day is clamped to its last day), then reads the local
 *   time back as an instant;
 * - truncating to a day, week (Monday), month or year zeroes the local fields below it and reads
 *   the local time back; truncating to an hour keeps the instant's own offset;
 * - a local time read back that does not exist (a spring-forward gap) or exists twice (a
 *   fall-back overlap) gets the later of its two possible instants, as Postgres'
 *   `DetermineTimeZoneOffset` gives it.
 *
 * Instants are epoch milliseconds; the time zones are ICU's (Node's `Intl`). A zone ICU does not
 * know (Postgres' `Factory`) is UTC, which is what `Factory` is.
 */

export type TruncUnit = "year" | "month" | "week" | "day" | "hour";

/** Local wall-clock fields; `month` is 1–12. */
interface Local {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  ms: number;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let format = formatters.get(zone);
  if (!format) {
    const options: Intl.DateTimeFormatOptions = {
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    };
    try {
      format = new Intl.DateTimeFormat("en-US", { ...options, timeZone: zone });
    } catch {
      format = new Intl.DateTimeFormat("en-US", { ...options, timeZone: "UTC" });
    }
    formatters.set(zone, format);
  }
  return format;
}

/** Whether ICU knows the zone (else it is read as UTC). */
export function knownTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function localAsUtc(local: Local): number {
  const date = new Date(0);
  date.setUTCFullYear(local.year, local.month - 1, local.day);
  date.setUTCHours(local.hour, local.minute, local.second, local.ms);
  return date.getTime();
}

function toLocal(zone: string, epochMs: number): Local {
  const fields: Record<string, number> = {};
  for (const part of formatter(zone).formatToParts(new Date(epochMs))) {
    if (part.type !== "literal") fields[part.type] = Number(part.value);
  }
  return {
    year: fields.year,
    month: fields.month,
    day: fields.day,
    hour: fields.hour,
    minute: fields.minute,
    second: fields.second,
    ms: epochMs - Math.floor(epochMs / 1000) * 1000,
  };
}

/** The zone's offset from UTC at an instant (local − UTC), in milliseconds. */
function offsetAt(zone: string, epochMs: number): number {
  return localAsUtc(toLocal(zone, epochMs)) - epochMs;
}

/** A local time read back as an instant, with Postgres' rule for gaps and overlaps. */
function fromLocal(zone: string, local: Local): number {
  const t = localAsUtc(local);
  const before = offsetAt(zone, t - DAY);
  const after = offsetAt(zone, t + DAY);
  if (before === after) return t - before;
  // The transition between the two: the first second at which `after` holds.
  let low = Math.floor((t - DAY) / 1000);
  let high = Math.ceil((t + DAY) / 1000);
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (offsetAt(zone, middle * 1000) === before) low = middle;
    else high = middle;
  }
  const boundary = high * 1000;
  const beforeTime = t - before;
  const afterTime = t - after;
  if (beforeTime < boundary && afterTime < boundary) return beforeTime;
  if (beforeTime >= boundary && afterTime >= boundary) return afterTime;
  // A gap keeps the offset before it, an overlap takes the one after it: the later instant.
  return Math.max(beforeTime, afterTime);
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** `ts + interval '1 <unit>'` (`1 week` is 7 days, `1 year` 12 months). */
export function addOne(zone: string, epochMs: number, unit: TruncUnit): number {
  if (unit === "hour") return epochMs + HOUR;
  const local = toLocal(zone, epochMs);
  if (unit === "day" || unit === "week") {
    const date = new Date(Date.UTC(local.year, local.month - 1, local.day + (unit === "day" ? 1 : 7)));
    return fromLocal(zone, {
      ...local,
      year: date.getUTCFullYear(),
      month: date.getUTCMonth() + 1,
      day: date.getUTCDate(),
    });
  }
  const months = local.year * 12 + (local.month - 1) + (unit === "month" ? 1 : 12);
  const year = Math.floor(months / 12);
  const month = (months % 12) + 1;
  return fromLocal(zone, { ...local, year, month, day: Math.min(local.day, daysInMonth(year, month)) });
}

/** `date_trunc('<unit>', ts)` in the zone. */
export function truncate(zone: string, epochMs: number, unit: TruncUnit): number {
  const local = toLocal(zone, epochMs);
  if (unit === "hour") {
    return epochMs - (local.minute * 60_000 + local.second * 1000 + local.ms);
  }
  let { year, month, day } = local;
  if (unit === "week") {
    // ISO weeks start on Monday.
    const date = new Date(Date.UTC(year, month - 1, day));
    date.setUTCDate(date.getUTCDate() - ((date.getUTCDay() + 6) % 7));
    year = date.getUTCFullYear();
    month = date.getUTCMonth() + 1;
    day = date.getUTCDate();
  } else if (unit === "month") {
    day = 1;
  } else if (unit === "year") {
    month = 1;
    day = 1;
  }
  return fromLocal(zone, { year, month, day, hour: 0, minute: 0, second: 0, ms: 0 });
}
