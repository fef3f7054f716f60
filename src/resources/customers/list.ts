/** Listing customers: Polar's filters and sorting (customer/service.py `list`, customer/sorting.py). */
import {
  byId,
  byKey,
  type MetadataFilter,
  matchesMetadata,
  type Page,
  type Paginated,
  pageOfTable,
  paginate,
  sortBy,
  sortingOr,
} from "../../domain/list.js";
import type { Schemas } from "../../domain/wire.js";
import { type Ctx, partitionsOf } from "../context.js";
import { isBillable } from "../subscriptions/service.js";
import type { CustomerRecord } from "./table.js";

export interface CustomerFilters {
  /** The organizations to read from: the token's, intersected with any `organization_id` filter. */
  organizationIds: string[];
  email?: string;
  query?: string;
  active?: boolean;
  metadata?: MetadataFilter;
}

/** The organizations' live customers, in creation order. */
export function liveCustomers(ctx: Ctx, organizationIds: string[]): CustomerRecord[] {
  const result: CustomerRecord[] = [];
  for (const partition of partitionsOf(ctx, organizationIds)) {
    for (const customer of partition.customers.values()) {
      if (customer.deleted_at === null) result.push(customer);
    }
  }
  return result;
}

function matches(ctx: Ctx, customer: CustomerRecord, filters: CustomerFilters): boolean {
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
    const active = partition.subscriptions.ofCustomer(customer.id).some(isBillable);
    if (active !== filters.active) return false;
  }
  return matchesMetadata(customer.metadata, filters.metadata);
}

const SORT_KEYS: Record<string, (customer: CustomerRecord) => string | number | null> = {
  created_at: (customer) => customer.created_at.getTime(),
  email: (customer) => customer.email,
  name: (customer) => customer.name,
};

/** What each key is computed from (a kept order checks these): the creation Date, not its time. */
const SORT_SOURCES: Record<string, (customer: CustomerRecord) => unknown> = {
  created_at: (customer) => customer.created_at,
};

export function listCustomers(
  ctx: Ctx,
  filters: CustomerFilters,
  sorting: readonly Schemas["CustomerSortProperty"][] | undefined,
  page: Page,
): Paginated<CustomerRecord> {
  const criteria = sortingOr(sorting, ["-created_at"]);
  const criterion = (field: string) => byKey(SORT_KEYS[field], SORT_SOURCES[field]);
  const partitions = partitionsOf(ctx, filters.organizationIds);
  if (partitions.length === 1) {
    // One organization (a token's): its table's kept order, read up to the page.
    return pageOfTable(
      partitions[0].customers,
      criteria,
      criterion,
      byId,
      (customer) => customer.deleted_at === null && matches(ctx, customer, filters),
      page,
    );
  }
  const found = liveCustomers(ctx, filters.organizationIds).filter((customer) =>
    matches(ctx, customer, filters),
  );
  sortBy(found, criteria, criterion, byId, page.page * page.limit);
  return paginate(found, page);
}
