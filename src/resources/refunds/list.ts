/** Listing refunds: Polar's filters and sorting (refund/service.py `list`, refund/sorting.py). */
import {
  byCreation,
  byKey,
  byPosition,
  type Criterion,
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
import type { RefundRecord } from "./table.js";

export interface RefundFilters {
  organizationIds: string[];
  ids?: string[];
  orderIds?: string[];
  subscriptionIds?: string[];
  customerIds?: string[];
  externalCustomerIds?: string[];
  succeeded?: boolean;
}

function refundMatches(partition: Partition, refund: RefundRecord, filters: RefundFilters): boolean {
  if (!within(filters.ids, refund.id)) return false;
  if (!within(filters.orderIds, refund.order_id)) return false;
  if (!within(filters.subscriptionIds, refund.subscription_id)) return false;
  if (!within(filters.customerIds, refund.customer_id)) return false;
  if (filters.externalCustomerIds !== undefined) {
    const customer = partition.customers.get(refund.customer_id);
    if (!within(filters.externalCustomerIds, customer?.external_id ?? null)) return false;
  }
  if (filters.succeeded === true && refund.status !== "succeeded") return false;
  if (filters.succeeded === false && refund.status === "succeeded") return false;
  return true;
}

function refundCriterion(field: string): Criterion<Ranked<RefundRecord>> {
  return field === "amount" ? byKey(({ item }) => item.amount) : byCreation;
}

export function listRefunds(
  ctx: Ctx,
  filters: RefundFilters,
  sorting: readonly Schemas["RefundSortProperty"][] | undefined,
  page: Page,
): Paginated<RefundRecord> {
  const ranked = partitionsOf(ctx, filters.organizationIds).flatMap((partition) =>
    rankMatching(partition.refunds.values(), (refund) => refundMatches(partition, refund, filters)),
  );
  const sorted = sortBy(ranked, sortingOr(sorting, ["-created_at"]), refundCriterion, byPosition);
  return paginate(
    sorted.map(({ item }) => item),
    page,
  );
}
