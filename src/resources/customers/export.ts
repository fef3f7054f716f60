/** The customers CSV export (`GET /v1/customers/export`), byte for byte as Polar writes it. */

import { csvRow } from "../../domain/csv.js";
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

/** The CSV Polar's export endpoint returns: `\r\n` line ends, empty fields for null. */
export function exportCustomersCsv(ctx: Ctx, organizationIds: string[]): string {
  let csv = csvRow(EXPORT_HEADER);
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
    csv += csvRow(fields);
  }
  return csv;
}
