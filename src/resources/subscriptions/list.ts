/** Listing subscriptions with Polar's filters and sorting (subscription/service.py `list`, sorting.py). */
import {
  byId,
  byKey,
  type MetadataFilter,
  matchesMetadata,
  type Page,
  type Paginated,
  pageOfTable,
  paginate,
  type SortKey,
  sortBy,
  sortingOr,
  within,
} from "../../domain/list.js";
import type { Ctx, Partition } from "../context.js";
import type { SubscriptionRecord } from "./table.js";

export interface SubscriptionFilters {
  organizationIds: string[];
  productIds?: string[];
  customerIds?: string[];
  externalCustomerIds?: string[];
  discountIds?: string[];
  /** true: active or trialing; false: canceled or unpaid (Polar's `revoked`). */
  active?: boolean;
  statuses?: string[];
  cancelAtPeriodEnd?: boolean;
  cancellationReasons?: string[];
  canceledAtAfter?: Date;
  canceledAtBefore?: Date;
  startedAfter?: Date;
  startedBefore?: Date;
  metadata?: MetadataFilter;
  /** The customer portal's `query`: a substring of the product's name, without case (`icontains` with autoescape: `%` and `_` are plain). */
  productName?: string;
}

/** The partitions of the organizations a list reads. */
export function partitionsOf(ctx: Ctx, organizationIds: string[]): Partition[] {
  return organizationIds.flatMap((id) => {
    const partition = ctx.store.partitions.get(id);
    return partition ? [partition] : [];
  });
}

function subscriptionMatches(
  partition: Partition,
  subscription: SubscriptionRecord,
  filters: SubscriptionFilters,
): boolean {
  if (subscription.started_at === null) return false;
  if (!within(filters.productIds, subscription.product_id)) return false;
  if (filters.productName !== undefined) {
    const product = partition.products.get(subscription.product_id);
    if (!product?.name.toLowerCase().includes(filters.productName.toLowerCase())) return false;
  }
  if (!within(filters.customerIds, subscription.customer_id)) return false;
  // Deleted customers' subscriptions are listed too: Polar's list joins the customer, deleted or
  // not (a partition never drops a customer). Looked up only for this filter: a list checks every
  // subscription, and the lookup was half of that.
  if (
    filters.externalCustomerIds !== undefined &&
    !within(
      filters.externalCustomerIds,
      partition.customers.get(subscription.customer_id)?.external_id ?? null,
    )
  )
    return false;
  if (!within(filters.discountIds, subscription.discount_id)) return false;
  if (filters.active === true && !["active", "trialing"].includes(subscription.status)) return false;
  if (filters.active === false && !["canceled", "unpaid"].includes(subscription.status)) return false;
  if (!within(filters.statuses, subscription.status)) return false;
  if (
    filters.cancelAtPeriodEnd !== undefined &&
    subscription.cancel_at_period_end !== filters.cancelAtPeriodEnd
  )
    return false;
  if (!within(filters.cancellationReasons, subscription.customer_cancellation_reason)) return false;
  // Dates are read only for the filters that need them: a list checks every subscription.
  if (filters.canceledAtAfter || filters.canceledAtBefore) {
    const canceledAt = subscription.canceled_at?.getTime();
    if (
      filters.canceledAtAfter &&
      (canceledAt === undefined || canceledAt < filters.canceledAtAfter.getTime())
    )
      return false;
    if (
      filters.canceledAtBefore &&
      (canceledAt === undefined || canceledAt > filters.canceledAtBefore.getTime())
    )
      return false;
  }
  if (filters.startedAfter || filters.startedBefore) {
    const startedAt = subscription.started_at.getTime();
    if (filters.startedAfter && !(startedAt > filters.startedAfter.getTime())) return false;
    if (filters.startedBefore && !(startedAt < filters.startedBefore.getTime())) return false;
  }
  return matchesMetadata(subscription.metadata, filters.metadata);
}

/**
 * The sort key of a subscription for one of Polar's sort properties, chosen once per list (a
 * list reads the key of every subscription).
 */
function sortKey(partition: Partition, field: string): (subscription: SubscriptionRecord) => SortKey {
  switch (field) {
    case "customer":
      return (subscription) => partition.customers.get(subscription.customer_id)?.email ?? null;
    case "product":
      return (subscription) => partition.products.get(subscription.product_id)?.name ?? null;
    case "status":
      return (subscription) => subscription.status;
    case "amount":
      return (subscription) => subscription.amount;
    case "started_at":
      return (subscription) => subscription.started_at?.getTime() ?? null;
    case "current_period_end":
      return (subscription) => subscription.current_period_end.getTime();
    case "ended_at":
      return (subscription) => subscription.ended_at?.getTime() ?? null;
    case "ends_at":
      return (subscription) => subscription.ends_at?.getTime() ?? null;
    default:
      // `discount`: the emulator has no discounts yet.
      return () => null;
  }
}

/** The Date a date key is computed from (a kept order checks these), for the date properties. */
const SORT_SOURCES: Partial<Record<string, (subscription: SubscriptionRecord) => unknown>> = {
  started_at: (subscription) => subscription.started_at,
  current_period_end: (subscription) => subscription.current_period_end,
  ended_at: (subscription) => subscription.ended_at,
  ends_at: (subscription) => subscription.ends_at,
};

export function listSubscriptions(
  ctx: Ctx,
  filters: SubscriptionFilters,
  sorting: readonly string[] | undefined,
  page: Page,
): Paginated<SubscriptionRecord> {
  const criteria = sortingOr(sorting, ["-started_at"]);
  const partitions = partitionsOf(ctx, filters.organizationIds);
  if (partitions.length === 1) {
    // One organization (a token's): its table's kept order, read up to the page.
    const [partition] = partitions;
    return pageOfTable(
      partition.subscriptions,
      criteria,
      (field) => byKey(sortKey(partition, field), SORT_SOURCES[field]),
      byId,
      (subscription) => subscriptionMatches(partition, subscription, filters),
      page,
    );
  }
  const found: { partition: Partition; subscription: SubscriptionRecord }[] = [];
  for (const partition of partitions) {
    for (const subscription of partition.subscriptions.values()) {
      if (subscriptionMatches(partition, subscription, filters)) found.push({ partition, subscription });
    }
  }
  sortBy(
    found,
    criteria,
    (field) => {
      const keys = new Map(partitions.map((partition) => [partition, sortKey(partition, field)]));
      return byKey(({ partition, subscription }) => keys.get(partition)?.(subscription) ?? null);
    },
    (a, b) => byId(a.subscription, b.subscription),
    page.page * page.limit,
  );
  return paginate(
    found.map(({ subscription }) => subscription),
    page,
  );
}
