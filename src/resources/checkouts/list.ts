/** Listing checkouts: Polar's filters and sorting (checkout/service.py `list`, checkout/sorting.py). */
import {
  byCreation,
  byKey,
  byPosition,
  type Criterion,
  ilikeContains,
  type Page,
  type Paginated,
  paginate,
  type Ranked,
  rankMatching,
  sortBy,
  sortingOr,
  within,
} from "../../domain/list.js";
import type { Schemas } from "../../domain/wire.js";
import { type Ctx, type Partition, partitionsOf } from "../context.js";
import { expireDue } from "./service.js";
import type { CheckoutRecord, CheckoutStatus } from "./table.js";

export interface CheckoutFilters {
  organizationIds: string[];
  productIds?: string[];
  customerIds?: string[];
  externalCustomerIds?: string[];
  statuses?: CheckoutStatus[];
  /** `customer_email ILIKE '%q%'`. */
  query?: string;
}

function matches(partition: Partition, checkout: CheckoutRecord, filters: CheckoutFilters): boolean {
  if (!within(filters.productIds, checkout.product_id)) return false;
  if (!within(filters.customerIds, checkout.customer_id)) return false;
  if (filters.externalCustomerIds !== undefined) {
    // A join on the checkout's customer: its external id.
    const customer = checkout.customer_id ? partition.customers.get(checkout.customer_id) : undefined;
    if (!customer || !within(filters.externalCustomerIds, customer.external_id)) return false;
  }
  if (!within(filters.statuses, checkout.status)) return false;
  if (filters.query !== undefined)
    return checkout.customer_email !== null && ilikeContains(checkout.customer_email, filters.query);
  return true;
}

function criterion(field: string): Criterion<Ranked<CheckoutRecord>> {
  switch (field) {
    case "expires_at":
      return byKey(({ item }) => item.expires_at.getTime());
    case "status":
      return byKey(({ item }) => item.status);
    default:
      return byCreation;
  }
}

/** Checkouts (expired ones marked so first), sorted (default `-created_at`) and paginated. */
export function listCheckouts(
  ctx: Ctx,
  filters: CheckoutFilters,
  sorting: readonly Schemas["CheckoutSortProperty"][] | undefined,
  page: Page,
): Paginated<CheckoutRecord> {
  const partitions = partitionsOf(ctx, filters.organizationIds);
  expireDue(ctx, partitions);
  const ranked = partitions.flatMap((partition) =>
    rankMatching(partition.checkouts.values(), (checkout) => matches(partition, checkout, filters)),
  );
  const sorted = sortBy(ranked, sortingOr(sorting, ["-created_at"]), criterion, byPosition);
  return paginate(
    sorted.map(({ item }) => item),
    page,
  );
}
