/**
 * The orders CSV export (`GET /v1/orders/export`, order/export.py): the chosen columns in order
 * (seven by default), the rows of the orders list in its default order (newest first), dates
 * in the chosen IANA time zone, amounts as Python prints `cents / 100`.
 */
import { csvRow } from "../../domain/csv.js";
import type { Schemas } from "../../domain/wire.js";
import { pythonFloatRepr } from "../../pydantic/messages.js";
import { pythonIsoformatIn } from "../../util/time.js";
import type { Ctx, Partition } from "../context.js";
import { listOrders, type OrderFilters } from "./list.js";
import { orderDescription, totalAmount } from "./serialize.js";
import type { OrderRecord } from "./table.js";

export type OrderExportColumn = Schemas["OrderExportColumn"];

const HEADERS: Record<OrderExportColumn, string> = {
  email: "Email",
  created_at: "Created At",
  product: "Product",
  net_amount: "Net Amount",
  currency: "Currency",
  status: "Status",
  invoice_number: "Invoice number",
  customer_name: "Customer Name",
  billing_name: "Billing Name",
  billing_country: "Billing Country",
  subtotal_amount: "Subtotal",
  discount_amount: "Discount",
  tax_amount: "Tax",
  total_amount: "Total",
  refunded_amount: "Refunded Amount",
  billing_reason: "Billing Reason",
};

const DEFAULT_COLUMNS: readonly OrderExportColumn[] = [
  "email",
  "created_at",
  "product",
  "net_amount",
  "currency",
  "status",
  "invoice_number",
];

/** Python's `str()` of the float `cents / 100`: `20.0`, `19.99`. */
function money(cents: number): string {
  const value = cents / 100;
  return Number.isInteger(value) && Math.abs(value) < 1e16 ? `${value}.0` : pythonFloatRepr(value);
}

function row(
  partition: Partition,
  order: OrderRecord,
  timeZone: string,
): Record<OrderExportColumn, string | null> {
  const customer = partition.customers.get(order.customer_id);
  return {
    email: customer?.email ?? null,
    created_at: pythonIsoformatIn(order.created_at, timeZone),
    product: orderDescription(partition, order),
    net_amount: money(order.net_amount),
    currency: order.currency,
    status: order.status,
    invoice_number: order.invoice_number,
    customer_name: customer?.name ?? null,
    billing_name: order.billing_name,
    billing_country: order.billing_address?.country ?? null,
    subtotal_amount: money(order.subtotal_amount),
    discount_amount: money(order.discount_amount),
    tax_amount: money(order.tax_amount),
    total_amount: money(totalAmount(order)),
    refunded_amount: money(order.refunded_amount),
    billing_reason: order.billing_reason,
  };
}

/** `polar-orders[-<created_after>][-<created_before>].csv`, the dates in the time zone. */
export function exportFilename(filters: OrderFilters, timeZone: string): string {
  let name = "polar-orders";
  for (const bound of [filters.createdAfter, filters.createdBefore]) {
    if (bound !== undefined) name += `-${pythonIsoformatIn(bound, timeZone).slice(0, 10)}`;
  }
  return `${name}.csv`;
}

export function exportOrdersCsv(
  ctx: Ctx,
  filters: OrderFilters,
  timeZone: string,
  columns: readonly OrderExportColumn[] | undefined,
): string {
  const chosen = columns !== undefined && columns.length > 0 ? columns : DEFAULT_COLUMNS;
  let csv = csvRow(chosen.map((column) => HEADERS[column]));
  const found = listOrders(ctx, filters, undefined, { page: 1, limit: Number.MAX_SAFE_INTEGER });
  for (const order of found.items) {
    const values = row(ctx.store.partition(order.organization_id), order, timeZone);
    csv += csvRow(chosen.map((column) => values[column]));
  }
  return csv;
}
