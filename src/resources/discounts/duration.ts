/**
 * How long a discount applies to a subscription's periods (models/discount.py
 * `is_repetition_expired`): a once discount the first period only, a forever one always, a
 * repeating one for `duration_in_months` calendar months from when it was first applied.
 */
import type { DiscountRecord } from "./table.js";

/** Adds calendar months (Python's `relativedelta(months=n)`: the day clamped to the month's end). */
function addMonths(date: Date, months: number): Date {
  const result = new Date(date.getTime());
  const day = result.getUTCDate();
  result.setUTCDate(1);
  result.setUTCMonth(result.getUTCMonth() + months);
  const last = new Date(Date.UTC(result.getUTCFullYear(), result.getUTCMonth() + 1, 0)).getUTCDate();
  result.setUTCDate(Math.min(day, last));
  return result;
}

/**
 * `Discount.is_repetition_expired`: a once discount applies to the first period only, a forever
 * one always, a repeating one for `duration_in_months` calendar months from when it was applied.
 */
export function isRepetitionExpired(discount: DiscountRecord, appliedAt: Date, periodStart: Date): boolean {
  if (discount.duration === "once") return periodStart.getTime() > appliedAt.getTime();
  if (discount.duration === "forever" || discount.duration_in_months === null) return false;
  const endAt = addMonths(appliedAt, discount.duration_in_months - 1);
  return periodStart.getTime() > endAt.getTime();
}
