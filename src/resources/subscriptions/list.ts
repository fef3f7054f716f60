/** Listing subscriptions with Polar's filters and sorting (subscription/service.py `list`, sorting.py). */
import {
  byId,
  byKey,
  type MetadataFilter,
  matchesMetadata,
  type Page,
  type Paginated,
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
  // Deleted customers' subscriptions are listed too: Polar's list joins the customer, deleted or not.
  const customer = partition.customers.get(subscription.customer_id);
  if (!customer) return false;
  if (!within(filters.productIds, subscription.product_id)) return false;
  if (filters.productName !== undefined) {
    const product = partition.products.get(subscription.product_id);
    if (!product?.name.toLowerCase().includes(filters.productName.toLowerCase())) return false;
  }
  if (!within(filters.customerIds, subscription.customer_id)) return false;
  if (!within(filters.externalCustomerIds, customer.external_id)) return false;
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
  const canceledAt = subscription.canceled_at?.getTime();
  if (filters.canceledAtAfter && (canceledAt === undefined || canceledAt < filters.canceledAtAfter.getTime()))
    return false;
  if (
    filters.canceledAtBefore &&
    (canceledAt === undefined || canceledAt > filters.canceledAtBefore.getTime())
  )
    return false;
  const startedAt = subscription.started_at.getTime();
  if (filters.startedAfter && !(startedAt > filters.startedAfter.getTime())) return false;
  if (filters.startedBefore && !(startedAt < filters.startedBefore.getTime())) return false;
  return matchesMetadata(subscription.metadata, filters.metadata);
}

/** A sort key of a subscription, by Polar's sort property. */
function sortKey(partition: Partition, subscription: SubscriptionRecord, field: string): SortKey {
  switch (field) {
    case "customer":
      return partition.customers.get(subscription.customer_id)?.email ?? null;
    case "product":
      return partition.products.get(subscription.product_id)?.name ?? null;
    case "status":
      return subscription.status;
    case "amount":
      return subscription.amount;
    case "started_at":
      return subscription.started_at?.getTime() ?? null;
    case "current_period_end":
      return subscription.current_period_end.getTime();
    case "ended_at":
      return subscription.ended_at?.getTime() ?? null;
    case "ends_at":
      return subscription.ends_at?.getTime() ?? null;
    default:
      // `discount`: the emulator has no discounts yet.
      return null;
  }
}

export function listSubscriptions(
  ctx: Ctx,
  filters: SubscriptionFilters,
  sorting: readonly string[] | undefined,
  page: Page,
): Paginated<SubscriptionRecord> {
  const found: { partition: Partition; subscription: SubscriptionRecord }[] = [];
  for (const partition of partitionsOf(ctx, filters.organizationIds)) {
    for (const subscription of partition.subscriptions.values()) {
      if (subscriptionMatches(partition, subscription, filters)) found.push({ partition, subscription });
    }
  }
  sortBy(
    found,
    sortingOr(sorting, ["-started_at"]),
    (field) => byKey(({ partition, subscription }) => sortKey(partition, subscription, field)),
    (a, b) => byId(a.subscription, b.subscription),
    page.page * page.limit,
  );
  return paginate(
    found.map(({ subscription }) => subscription),
    page,
  );
}
