/** Listing subscriptions and benefit grants with Polar's filters and sorting. */
import type { GrantRecord, OrganizationPartition, SubscriptionRecord } from "../store/store.js";
import type { DomainContext } from "./context.js";
import { matchesMetadata } from "./filters.js";
import { pageSlice, sortRecords } from "./sorting.js";

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
  metadata?: Record<string, string[]>;
}

function partitions(ctx: DomainContext, organizationIds: string[]): OrganizationPartition[] {
  return organizationIds.flatMap((id) => {
    const partition = ctx.store.partitions.get(id);
    return partition ? [partition] : [];
  });
}

function subscriptionMatches(
  partition: OrganizationPartition,
  subscription: SubscriptionRecord,
  filters: SubscriptionFilters,
): boolean {
  if (subscription.started_at === null) return false;
  const customer = partition.customers.get(subscription.customer_id);
  if (!customer || customer.deleted_at !== null) return false;
  if (filters.productIds && !filters.productIds.includes(subscription.product_id)) return false;
  if (filters.customerIds && !filters.customerIds.includes(subscription.customer_id)) return false;
  if (
    filters.externalCustomerIds &&
    (customer.external_id === null || !filters.externalCustomerIds.includes(customer.external_id))
  ) {
    return false;
  }
  if (
    filters.discountIds &&
    (subscription.discount_id === null || !filters.discountIds.includes(subscription.discount_id))
  )
    return false;
  if (filters.active === true && !["active", "trialing"].includes(subscription.status)) return false;
  if (filters.active === false && !["canceled", "unpaid"].includes(subscription.status)) return false;
  if (filters.statuses && !filters.statuses.includes(subscription.status)) return false;
  if (
    filters.cancelAtPeriodEnd !== undefined &&
    subscription.cancel_at_period_end !== filters.cancelAtPeriodEnd
  )
    return false;
  if (
    filters.cancellationReasons &&
    (subscription.customer_cancellation_reason === null ||
      !filters.cancellationReasons.includes(subscription.customer_cancellation_reason))
  ) {
    return false;
  }
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

export function listSubscriptions(
  ctx: DomainContext,
  filters: SubscriptionFilters,
  sorting: string[],
  page: number,
  limit: number,
): { items: SubscriptionRecord[]; total: number } {
  const found: { partition: OrganizationPartition; subscription: SubscriptionRecord }[] = [];
  for (const partition of partitions(ctx, filters.organizationIds)) {
    for (const subscription of partition.subscriptions.values()) {
      if (subscriptionMatches(partition, subscription, filters)) found.push({ partition, subscription });
    }
  }
  const byId = new Map(found.map((entry) => [entry.subscription.id, entry.partition]));
  const items = sortRecords(
    found.map((entry) => entry.subscription),
    sorting.length > 0 ? sorting : ["-started_at"],
    (subscription, field) => {
      const partition = byId.get(subscription.id);
      switch (field) {
        case "customer":
          return partition?.customers.get(subscription.customer_id)?.email ?? null;
        case "product":
          return partition?.products.get(subscription.product_id)?.name ?? null;
        case "status":
          return subscription.status;
        case "amount":
          return subscription.amount;
        case "discount":
          return null;
        case "started_at":
          return subscription.started_at?.getTime() ?? null;
        case "current_period_end":
          return subscription.current_period_end.getTime();
        case "ended_at":
          return subscription.ended_at?.getTime() ?? null;
        case "ends_at":
          return subscription.ends_at?.getTime() ?? null;
        default:
          return null;
      }
    },
  );
  return pageSlice(items, page, limit);
}

export interface GrantFilters {
  organizationIds: string[];
  benefitId?: string;
  customerIds?: string[];
  externalCustomerIds?: string[];
  memberIds?: string[];
  isGranted?: boolean;
}

export function listGrants(
  ctx: DomainContext,
  filters: GrantFilters,
  sorting: string[],
  page: number,
  limit: number,
): { items: GrantRecord[]; total: number } {
  const found: GrantRecord[] = [];
  for (const partition of partitions(ctx, filters.organizationIds)) {
    for (const grant of partition.grants.values()) {
      const customer = partition.customers.get(grant.customer_id);
      if (!customer || customer.deleted_at !== null) continue;
      const benefit = partition.benefits.get(grant.benefit_id);
      if (!benefit || benefit.is_deleted) continue;
      if (filters.benefitId !== undefined && grant.benefit_id !== filters.benefitId) continue;
      if (filters.customerIds && !filters.customerIds.includes(grant.customer_id)) continue;
      if (
        filters.externalCustomerIds &&
        (customer.external_id === null || !filters.externalCustomerIds.includes(customer.external_id))
      )
        continue;
      if (filters.memberIds && (grant.member_id === null || !filters.memberIds.includes(grant.member_id)))
        continue;
      if (filters.isGranted !== undefined && (grant.granted_at !== null) !== filters.isGranted) continue;
      found.push(grant);
    }
  }
  const items = sortRecords(found, sorting.length > 0 ? sorting : ["-created_at"], (grant, field) => {
    switch (field) {
      case "created_at":
        return grant.created_at.getTime();
      case "granted_at":
        return grant.granted_at?.getTime() ?? null;
      case "revoked_at":
        return grant.revoked_at?.getTime() ?? null;
      default:
        return null;
    }
  });
  return pageSlice(items, page, limit);
}
