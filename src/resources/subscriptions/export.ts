/**
 * The subscriptions CSV export (`GET /v1/subscriptions/export`), byte for byte as Polar writes
 * it (subscription/export.py): the chosen columns in order (seven by default), the rows of the
 * subscriptions list with its default order, dates in the chosen IANA time zone.
 */

import { csvRow } from "../../domain/csv.js";
import type { Schemas } from "../../domain/wire.js";
import { pythonFloatRepr, pythonRepr } from "../../pydantic/messages.js";
import type { QueryRule } from "../../pydantic/rules.js";
import { isTimeZone, pythonIsoformatIn } from "../../util/time.js";
import type { Ctx, Partition } from "../context.js";
import { listSubscriptions, type SubscriptionFilters } from "./list.js";
import type { SubscriptionRecord } from "./table.js";

export type ExportColumn = Schemas["SubscriptionExportColumn"];

const HEADERS: Record<ExportColumn, string> = {
  email: "Email",
  started_at: "Started At",
  product: "Product",
  amount: "Amount",
  currency: "Currency",
  status: "Status",
  recurring_interval: "Billing Interval",
  customer_name: "Customer Name",
  billing_name: "Billing Name",
  billing_country: "Billing Country",
  net_amount: "Net Amount",
  discount: "Discount",
  seats: "Seats",
  current_period_start: "Current Period Start",
  current_period_end: "Current Period End",
  cancel_at_period_end: "Cancels At Period End",
  canceled_at: "Canceled At",
  ends_at: "Ends At",
  ended_at: "Ended At",
  cancellation_reason: "Cancellation Reason",
  trial_start: "Trial Start",
  trial_end: "Trial End",
};

const DEFAULT_COLUMNS: readonly ExportColumn[] = [
  "email",
  "started_at",
  "product",
  "amount",
  "currency",
  "status",
  "recurring_interval",
];

/**
 * The export's `timezone` (an `AfterValidator` of Polar's: an IANA name `ZoneInfo` can load),
 * checked once the schema accepted the string.
 */
export const exportQueryRules: Record<string, QueryRule> = {
  timezone: {
    check: (value) =>
      isTimeZone(value)
        ? null
        : {
            type: "value_error",
            msg: `Value error, ${pythonRepr(value)} is not a valid IANA time zone`,
            ctx: { error: {} },
          },
  },
};

/** Python's `str()` of the float `cents / 100`: `20.0`, `19.99`. */
function money(cents: number): string {
  const value = cents / 100;
  return Number.isInteger(value) && Math.abs(value) < 1e16 ? `${value}.0` : pythonFloatRepr(value);
}

function row(
  partition: Partition,
  subscription: SubscriptionRecord,
  timeZone: string,
): Record<ExportColumn, string | null> {
  const customer = partition.customers.get(subscription.customer_id);
  const product = partition.products.get(subscription.product_id);
  const discount =
    subscription.discount_id === null ? undefined : partition.discounts.get(subscription.discount_id);
  const date = (value: Date | null) => (value === null ? null : pythonIsoformatIn(value, timeZone));
  const count = subscription.recurring_interval_count;
  return {
    email: customer?.email ?? null,
    started_at: date(subscription.started_at),
    product: product?.name ?? null,
    amount: money(subscription.amount),
    currency: subscription.currency,
    status: subscription.status,
    recurring_interval:
      count === 1 ? subscription.recurring_interval : `${count} ${subscription.recurring_interval}s`,
    customer_name: customer?.name ?? null,
    billing_name: customer ? (customer.billing_name ?? customer.name) : null,
    billing_country: customer?.billing_address?.country ?? null,
    // No taxes and no redeemed discounts in the emulator: the net amount is the amount.
    net_amount: money(subscription.amount),
    discount: discount ? (discount.code ?? discount.name) : null,
    seats: subscription.seats === null ? null : String(subscription.seats),
    current_period_start: date(subscription.current_period_start),
    current_period_end: date(subscription.current_period_end),
    cancel_at_period_end: subscription.cancel_at_period_end ? "true" : "false",
    canceled_at: date(subscription.canceled_at),
    ends_at: date(subscription.ends_at),
    ended_at: date(subscription.ended_at),
    cancellation_reason: subscription.customer_cancellation_reason,
    trial_start: date(subscription.trial_start),
    trial_end: date(subscription.trial_end),
  };
}

/** `polar-subscriptions[-<started_after>][-<started_before>].csv`, the dates in the time zone. */
export function exportFilename(filters: SubscriptionFilters, timeZone: string): string {
  let name = "polar-subscriptions";
  for (const bound of [filters.startedAfter, filters.startedBefore]) {
    if (bound !== undefined) name += `-${pythonIsoformatIn(bound, timeZone).slice(0, 10)}`;
  }
  return `${name}.csv`;
}

/** The CSV: a header row, then every subscription the list's filters keep, newest start first. */
export function exportSubscriptionsCsv(
  ctx: Ctx,
  filters: SubscriptionFilters,
  timeZone: string,
  columns: readonly ExportColumn[] | undefined,
): string {
  const chosen = columns !== undefined && columns.length > 0 ? columns : DEFAULT_COLUMNS;
  let csv = csvRow(chosen.map((column) => HEADERS[column]));
  const found = listSubscriptions(ctx, filters, undefined, { page: 1, limit: Number.MAX_SAFE_INTEGER });
  for (const subscription of found.items) {
    const values = row(ctx.store.partition(subscription.organization_id), subscription, timeZone);
    csv += csvRow(chosen.map((column) => values[column]));
  }
  return csv;
}
