/**
 * pydantic's lax (python-mode) parsing of scalars: int, float and bool as FastAPI reads them from
 * JSON or a query string, and datetimes as pydantic-core's speedate parses them.
 */
import type { Described } from "./messages.js";

type Json = unknown;

/** The lax (python-mode) coercions of pydantic's int, float and bool validators. */
const PY_INT_TEXT = /^\s*[+-]?\d+(_\d+)*(\.0+)?\s*$/;
const PY_FLOAT_TEXT = /^[+-]?(\d+(_\d+)*(\.(\d+(_\d+)*)?)?|\.\d+(_\d+)*)([eE][+-]?\d+(_\d+)*)?$/;
const PY_FLOAT_SPECIAL = /^[+-]?(inf|infinity|nan)$/i;
export const TRUE_TEXT: ReadonlySet<string> = new Set(["1", "on", "t", "true", "y", "yes"]);
export const FALSE_TEXT: ReadonlySet<string> = new Set(["0", "off", "f", "false", "n", "no"]);

export function laxInt(data: Json): { value: number } | Described {
  if (typeof data === "boolean") return { value: data ? 1 : 0 };
  if (typeof data === "number") {
    if (Number.isInteger(data)) return { value: data };
    return {
      type: "int_from_float",
      msg: "Input should be a valid integer, got a number with a fractional part",
    };
  }
  if (typeof data === "string") {
    if (PY_INT_TEXT.test(data))
      return { value: Number(data.trim().replaceAll("_", "").replace(/\.0+$/, "")) };
    return {
      type: "int_parsing",
      msg: "Input should be a valid integer, unable to parse string as an integer",
    };
  }
  return { type: "int_type", msg: "Input should be a valid integer" };
}

export function laxFloat(data: Json): { value: number } | Described {
  if (typeof data === "boolean") return { value: data ? 1 : 0 };
  if (typeof data === "number") return { value: data };
  if (typeof data === "string") {
    const text = data.trim();
    if (PY_FLOAT_TEXT.test(text)) return { value: Number(text.replaceAll("_", "")) };
    if (PY_FLOAT_SPECIAL.test(text)) {
      const lower = text.toLowerCase();
      return { value: lower.includes("nan") ? Number.NaN : lower.startsWith("-") ? -Infinity : Infinity };
    }
    return {
      type: "float_parsing",
      msg: "Input should be a valid number, unable to parse string as a number",
    };
  }
  return { type: "float_type", msg: "Input should be a valid number" };
}

export function laxBool(data: Json): { value: boolean } | Described {
  if (typeof data === "boolean") return { value: data };
  const parsing = { type: "bool_parsing", msg: "Input should be a valid boolean, unable to interpret input" };
  if (typeof data === "number") {
    if (data === 0 || data === 1) return { value: data === 1 };
    return Number.isInteger(data) ? parsing : { type: "bool_type", msg: "Input should be a valid boolean" };
  }
  if (typeof data === "string") {
    const text = data.toLowerCase();
    if (TRUE_TEXT.has(text)) return { value: true };
    if (FALSE_TEXT.has(text)) return { value: false };
    return parsing;
  }
  return { type: "bool_type", msg: "Input should be a valid boolean" };
}

// --- datetimes, parsed like pydantic-core's speedate -----------------------------------------

export interface ParsedDatetime {
  /** Milliseconds since the epoch, reading a naive datetime as UTC. */
  epochMs: number;
  aware: boolean;
  /** The UTC offset written, in minutes (0 for a naive datetime or a unix timestamp). */
  offsetMinutes?: number;
  /** The microseconds below the millisecond (pydantic keeps six fraction digits). */
  micros?: number;
}

const SPEEDATE_NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)$/;
const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt _](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?(?:([Zz])|([+-])(\d{2}):?(\d{2}))?$/;

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
}

function utcMs(year: number, month: number, day: number, hour = 0, minute = 0, second = 0, ms = 0): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, ms);
  return date.getTime();
}

/** speedate's `Date::parse_bytes`: the error pydantic reports when a datetime does not parse. */
function dateProblem(text: string): string | null {
  if (text.length < 10) return "input is too short";
  if (!/^\d{4}$/.test(text.slice(0, 4))) return "invalid character in year";
  if (text[4] !== "-") return "invalid date separator, expected `-`";
  if (!/^\d{2}$/.test(text.slice(5, 7))) return "invalid character in month";
  if (text[7] !== "-") return "invalid date separator, expected `-`";
  if (!/^\d{2}$/.test(text.slice(8, 10))) return "invalid character in day";
  const month = Number(text.slice(5, 7));
  if (month < 1 || month > 12) return "month value is outside expected range of 1-12";
  const day = Number(text.slice(8, 10));
  if (day < 1 || day > daysInMonth(Number(text.slice(0, 4)), month))
    return "day value is outside expected range";
  if (text.length > 10) return "unexpected extra characters at the end of the input";
  return null;
}

function fromTimestamp(seconds: number): ParsedDatetime | Described {
  // speedate reads values above 2e10 as milliseconds.
  const ms = Math.abs(seconds) > 2e10 ? seconds : seconds * 1000;
  const error =
    ms > utcMs(9999, 12, 31, 23, 59, 59, 999)
      ? "dates after 9999 are not supported as unix timestamps"
      : ms < utcMs(1600, 1, 1)
        ? "dates before 1600 are not supported as unix timestamps"
        : null;
  if (error !== null)
    return { type: "datetime_parsing", msg: `Input should be a valid datetime, ${error}`, ctx: { error } };
  return { epochMs: Math.round(ms), aware: true };
}

/**
 * pydantic's lax datetime: an RFC 3339 datetime (`T`, `t`, `_` or a space between date and time,
 * optional seconds, fraction and offset), a date (midnight, naive), or a unix timestamp as a
 * number or a numeric string. Errors are speedate's, worded by pydantic-core.
 */
export function laxDatetime(data: Json): ParsedDatetime | Described {
  if (typeof data === "number") return fromTimestamp(data);
  if (typeof data !== "string") return { type: "datetime_type", msg: "Input should be a valid datetime" };
  if (SPEEDATE_NUMBER.test(data) && Math.abs(Number(data)) < 2 ** 63) return fromTimestamp(Number(data));
  const match = RFC3339.exec(data);
  if (match) {
    const [, y, mo, d, h, mi, s = "0", fraction = "", zulu, sign, oh, om] = match;
    const year = Number(y);
    const month = Number(mo);
    const day = Number(d);
    const valid =
      month >= 1 &&
      month <= 12 &&
      day >= 1 &&
      day <= daysInMonth(year, month) &&
      Number(h) <= 23 &&
      Number(mi) <= 59 &&
      Number(s) <= 59 &&
      (sign === undefined || (Number(oh) <= 23 && Number(om) <= 59));
    if (valid) {
      if (year === 0) {
        return {
          type: "datetime_parsing",
          msg: "Input should be a valid datetime, year 0 is out of range",
          ctx: { error: "year 0 is out of range" },
        };
      }
      const offset = sign === undefined ? 0 : (Number(oh) * 60 + Number(om)) * (sign === "-" ? -1 : 1);
      const ms = Number(fraction.slice(0, 3).padEnd(3, "0"));
      const local = utcMs(year, month, day, Number(h), Number(mi), Number(s), ms);
      return {
        epochMs: local - offset * 60_000,
        aware: zulu !== undefined || sign !== undefined,
        offsetMinutes: offset,
        micros: Number(fraction.slice(3, 6).padEnd(3, "0")),
      };
    }
  }
  const problem = dateProblem(data);
  if (problem === null) {
    if (Number(data.slice(0, 4)) === 0) {
      return {
        type: "datetime_parsing",
        msg: "Input should be a valid datetime, year 0 is out of range",
        ctx: { error: "year 0 is out of range" },
      };
    }
    return {
      epochMs: utcMs(Number(data.slice(0, 4)), Number(data.slice(5, 7)), Number(data.slice(8, 10))),
      aware: false,
    };
  }
  return {
    type: "datetime_from_date_parsing",
    msg: `Input should be a valid datetime or date, ${problem}`,
    ctx: { error: problem },
  };
}
