/** Listing customer meters with Polar's filters and sorting (customer_meter/service.py, sorting.py). */
import {
  byKey,
  type Page,
  type Paginated,
  paginate,
  type SortKey,
  sortBy,
  sortingOr,
} from "../../domain/list.js";
import type { Schemas } from "../../domain/wire.js";
import { type Ctx, partitionsOf } from "../context.js";
import type { CustomerRecord } from "../customers/table.js";
import type { MeterRecord } from "../meters/table.js";
import { balanceOf } from "./serialize.js";
import type { CustomerMeterRecord } from "./table.js";

export interface CustomerMeterFilters {
  /** The organizations to read from: the token's, intersected with any `organization_id` filter. */
  organizationIds: string[];
  customerIds?: string[];
  /** Matched against the customer's current external id, exactly. */
  externalCustomerIds?: string[];
  /** Without it, meters that are archived are left out (customer_meter/service.py `list`). */
  meterIds?: string[];
  /** The customer portal's `query`: a substring of the meter's name, without case (`icontains` with autoescape: `%` and `_` are plain). */
  meterName?: string;
}

type Row = { customerMeter: CustomerMeterRecord; customer: CustomerRecord; meter: MeterRecord };

function sortKey(row: Row, field: string): SortKey {
  switch (field) {
    case "created_at":
      return row.customerMeter.created_at.getTime();
    case "modified_at":
      return row.customerMeter.modified_at?.getTime() ?? null;
    case "customer_id":
      return row.customerMeter.customer_id;
    case "customer_name":
      return row.customer.name;
    case "meter_id":
      return row.customerMeter.meter_id;
    case "meter_name":
      return row.meter.name;
    case "consumed_units":
      return row.customerMeter.consumed_units;
    case "credited_units":
      return row.customerMeter.credited_units;
    default:
      return balanceOf(row.customerMeter);
  }
}

/**
 * Polar lists the customer meters of every customer, deleted ones included (it only joins the
 * customer for its organization). Default order `-modified_at`, where Postgres puts never-modified
 * ones (null) first; ties keep creation order.
 */
export function listCustomerMeters(
  ctx: Ctx,
  filters: CustomerMeterFilters,
  sorting: readonly Schemas["CustomerMeterSortProperty"][] | undefined,
  page: Page,
): Paginated<CustomerMeterRecord> {
  const customerIds = filters.customerIds && new Set(filters.customerIds);
  const externalIds = filters.externalCustomerIds && new Set(filters.externalCustomerIds);
  const meterIds = filters.meterIds && new Set(filters.meterIds);
  const rows: Row[] = [];
  for (const partition of partitionsOf(ctx, filters.organizationIds)) {
    for (const customerMeter of partition.customerMeters.values()) {
      const customer = partition.customers.get(customerMeter.customer_id);
      const meter = partition.meters.get(customerMeter.meter_id);
      if (!customer || !meter) continue;
      if (customerIds && !customerIds.has(customer.id)) continue;
      if (externalIds && (customer.external_id === null || !externalIds.has(customer.external_id))) continue;
      if (meterIds ? !meterIds.has(meter.id) : meter.archived_at !== null) continue;
      if (
        filters.meterName !== undefined &&
        !meter.name.toLowerCase().includes(filters.meterName.toLowerCase())
      )
        continue;
      rows.push({ customerMeter, customer, meter });
    }
  }
  sortBy(
    rows,
    sortingOr(sorting, ["-modified_at"]),
    (field) => byKey((row) => sortKey(row, field)),
    undefined,
    page.page * page.limit,
  );
  return paginate(
    rows.map((row) => row.customerMeter),
    page,
  );
}
