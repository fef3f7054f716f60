/** Listing and exporting customers: Polar's filters, sorting and CSV export (facts sections 4 and 5). */
import type { CustomerRecord, Metadata } from "../store/store.js";
import { pythonIsoformat } from "../util/time.js";
import type { DomainContext } from "./context.js";
import { isBillable } from "./subscriptions.js";
import type { CustomerSortProperty } from "./wire.js";

export interface CustomerFilters {
  /** The organizations to read from: the token's, intersected with any `organization_id` filter. */
  organizationIds: string[];
  email?: string;
  query?: string;
  active?: boolean;
  /** `metadata[key]=v1&metadata[key]=v2`: values of one key OR'd, keys AND'd, compared as text. */
  metadata?: Record<string, string[]>;
}

function liveCustomers(ctx: DomainContext, organizationIds: string[]): CustomerRecord[] {
  const result: CustomerRecord[] = [];
  for (const organizationId of organizationIds) {
    const partition = ctx.store.partitions.get(organizationId);
    if (!partition) continue;
    for (const customer of partition.customers.values()) {
      if (customer.deleted_at === null) result.push(customer);
    }
  }
  return result;
}

function metadataText(value: Metadata[string] | undefined): string | undefined {
  return value === undefined ? undefined : String(value);
}

function matches(ctx: DomainContext, customer: CustomerRecord, filters: CustomerFilters): boolean {
  if (filters.email !== undefined && customer.email?.toLowerCase() !== filters.email.toLowerCase())
    return false;
  if (filters.query !== undefined) {
    const needle = filters.query.toLowerCase();
    const contains = (text: string | null) => text?.toLowerCase().includes(needle) === true;
    const prefix = customer.external_id?.toLowerCase().startsWith(needle) ?? false;
    if (
      !contains(customer.email) &&
      !contains(customer.name) &&
      !contains(customer.billing_name) &&
      !prefix
    ) {
      return false;
    }
  }
  if (filters.active !== undefined) {
    const partition = ctx.store.partition(customer.organization_id);
    const active = partition.subscriptionsOf(customer.id).some(isBillable);
    if (active !== filters.active) return false;
  }
  if (filters.metadata) {
    for (const [key, values] of Object.entries(filters.metadata)) {
      const text = metadataText(customer.metadata[key]);
      if (text === undefined || !values.includes(text)) return false;
    }
  }
  return true;
}

/** Postgres order: ascending puts nulls last, descending puts them first. */
function compareNullable(a: string | null, b: string | null, descending: boolean): number {
  if (a === b) return 0;
  if (a === null) return descending ? -1 : 1;
  if (b === null) return descending ? 1 : -1;
  const order = a < b ? -1 : 1;
  return descending ? -order : order;
}

function comparator(sorting: CustomerSortProperty[]): (a: CustomerRecord, b: CustomerRecord) => number {
  return (a, b) => {
    for (const criterion of sorting) {
      const descending = criterion.startsWith("-");
      const field = descending ? criterion.slice(1) : criterion;
      let result = 0;
      if (field === "created_at") {
        result = a.created_at.getTime() - b.created_at.getTime();
        if (descending) result = -result;
      } else if (field === "email") {
        result = compareNullable(a.email, b.email, descending);
      } else {
        result = compareNullable(a.name, b.name, descending);
      }
      if (result !== 0) return result;
    }
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  };
}

export function listCustomers(
  ctx: DomainContext,
  filters: CustomerFilters,
  sorting: CustomerSortProperty[],
  page: number,
  limit: number,
): { items: CustomerRecord[]; total: number } {
  const all = liveCustomers(ctx, filters.organizationIds).filter((customer) =>
    matches(ctx, customer, filters),
  );
  all.sort(comparator(sorting.length > 0 ? sorting : ["-created_at"]));
  const start = (page - 1) * limit;
  return { items: all.slice(start, start + limit), total: all.length };
}

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

/** Python's `json.dumps` with its default separators and `ensure_ascii`. */
export function pythonJsonDumps(value: Metadata): string {
  const ascii = (text: string) =>
    JSON.stringify(text).replace(
      /[\u0080-\uffff]/g,
      (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
    );
  const entries = Object.entries(value).map(([key, item]) => {
    const rendered =
      typeof item === "string"
        ? ascii(item)
        : typeof item === "boolean"
          ? String(item)
          : JSON.stringify(item);
    return `${ascii(key)}: ${rendered}`;
  });
  return `{${entries.join(", ")}}`;
}

/** The CSV Polar's export endpoint returns: `\r\n` line ends, empty fields for null. */
export function exportCustomersCsv(ctx: DomainContext, organizationIds: string[]): string {
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
