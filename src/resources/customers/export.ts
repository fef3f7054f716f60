/** The customers CSV export (`GET /v1/customers/export`), byte for byte as Polar writes it. */

import { pythonJsonDumps } from "../../domain/python-json.js";
import { pythonIsoformat } from "../../util/time.js";
import type { Ctx } from "../context.js";
import { liveCustomers } from "./list.js";

const EXPORT_HEADER = [
  "ID",
  "External ID",
  "Created At",
  "Email",
  "Name",
  "Tax ID",
  "Billing Address Line 1",
  "Billing Address Line 2",
  "Billing Address City",
  "Billing Address State",
  "Billing Address Zip",
  "Billing Address Country",
  "Metadata",
];

/** Python's csv module, QUOTE_MINIMAL. */
function csvField(value: string | null): string {
  if (value === null) return "";
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** The CSV Polar's export endpoint returns: `\r\n` line ends, empty fields for null. */
export function exportCustomersCsv(ctx: Ctx, organizationIds: string[]): string {
  const rows = [EXPORT_HEADER.join(",")];
  const customers = liveCustomers(ctx, organizationIds).sort(
    (a, b) => a.created_at.getTime() - b.created_at.getTime(),
  );
  for (const customer of customers) {
    const address = customer.billing_address;
    const fields = [
      customer.id,
      customer.external_id,
      pythonIsoformat(customer.created_at),
      customer.email,
      customer.name,
      customer.tax_id?.[0] ?? null,
      address?.line1 ?? null,
      address?.line2 ?? null,
      address?.city ?? null,
      address?.state ?? null,
      address?.postal_code ?? null,
      address?.country ?? null,
      Object.keys(customer.metadata).length === 0 ? null : pythonJsonDumps(customer.metadata),
    ];
    rows.push(fields.map(csvField).join(","));
  }
  return `${rows.join("\r\n")}\r\n`;
}
