type RecurringInterval = "day" | "week" | "month" | "year";

const DAY = 24 * 60 * 60 * 1000;

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
}

/**
 * The end of a period that starts at `start`, like Polar's `RecurringInterval.get_next_period`:
 * days and weeks add exactly; months and years land on `anchorDay`, clamped to the month's
 * length (an anchor of 31 gives Feb 28, then Mar 31). The time of day is kept.
 */
export function nextPeriod(start: Date, interval: RecurringInterval, count: number, anchorDay: number): Date {
  if (interval === "day") return new Date(start.getTime() + count * DAY);
  if (interval === "week") return new Date(start.getTime() + count * 7 * DAY);
  const months = interval === "month" ? count : count * 12;
  const total = start.getUTCMonth() + months;
  const year = start.getUTCFullYear() + Math.floor(total / 12);
  const month = ((total % 12) + 12) % 12;
  const day = Math.min(anchorDay, daysInMonth(year, month));
  return new Date(
    Date.UTC(
      year,
      month,
      day,
      start.getUTCHours(),
      start.getUTCMinutes(),
      start.getUTCSeconds(),
      start.getUTCMilliseconds(),
    ),
  );
}
