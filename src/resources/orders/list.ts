/** Listing orders: Polar's filters and sorting (order/service.py `list`, order/repository.py sorting). */
import {
  byCreation,
  byKey,
  byPosition,
  type Criterion,
  type MetadataFilter,
  matchesMetadata,
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
import type { OrderRecord, OrderStatus } from "./table.js";

export interface OrderFilters {
  organizationIds: string[];
  productIds?: string[];
  productBillingTypes?: Schemas["ProductBillingType"][];
  discountIds?: string[];
  customerIds?: string[];
  externalCustomerIds?: string[];
  checkoutIds?: string[];
  subscriptionIds?: string[];
  statuses?: OrderStatus[];
  createdAfter?: Date;
  createdBefore?: Date;
  metadata?: MetadataFilter;
  /** The product's name contains this, case-insensitively (the customer portal's `query`). */
  productName?: string;
}

/** The order of `sorting=status`: draft, pending, paid, partially refunded, refunded, void. */
const STATUS_RANK: Record<OrderStatus, number> = {
  draft: 1,
  pending: 2,
  paid: 3,
  partially_refunded: 4,
  refunded: 5,
  void: 6,
};

function orderMatches(partition: Partition, order: OrderRecord, filters: OrderFilters): boolean {
  const customer = partition.customers.get(order.customer_id);
  if (!customer) return false;
  if (!within(filters.productIds, order.product_id)) return false;
  if (filters.productBillingTypes !== undefined) {
    const product = order.product_id === null ? undefined : partition.products.get(order.product_id);
    if (!product) return false;
    const billingType = product.recurring_interval === null ? "one_time" : "recurring";
    if (!filters.productBillingTypes.includes(billingType)) return false;
  }
  if (filters.productName !== undefined) {
    const product = order.product_id === null ? undefined : partition.products.get(order.product_id);
    if (!product?.name.toLowerCase().includes(filters.productName.toLowerCase())) return false;
  }
  if (!within(filters.discountIds, order.discount_id)) return false;
  if (!within(filters.customerIds, order.customer_id)) return false;
  if (filters.externalCustomerIds !== undefined) {
    if (customer.deleted_at !== null || !within(filters.externalCustomerIds, customer.external_id))
      return false;
  }
  if (!within(filters.checkoutIds, order.checkout_id)) return false;
  if (!within(filters.subscriptionIds, order.subscription_id)) return false;
  if (!within(filters.statuses, order.status)) return false;
  const created = order.created_at.getTime();
  if (filters.createdAfter !== undefined && !(created > filters.createdAfter.getTime())) return false;
  if (filters.createdBefore !== undefined && !(created < filters.createdBefore.getTime())) return false;
  return matchesMetadata(order.metadata, filters.metadata);
}

function orderCriterion(partition: Partition, field: string): Criterion<Ranked<OrderRecord>> {
  switch (field) {
    case "status":
      return byKey(({ item }) => STATUS_RANK[item.status]);
    case "invoice_number":
      return byKey(({ item }) => item.invoice_number);
    case "amount":
    case "net_amount":
      return byKey(({ item }) => item.net_amount);
    case "customer":
      return byKey(({ item }) => partition.customers.get(item.customer_id)?.email ?? null);
    case "product":
      return byKey(({ item }) =>
        item.product_id === null ? null : (partition.products.get(item.product_id)?.name ?? null),
      );
    case "discount":
      return byKey(({ item }) =>
        item.discount_id === null ? null : (partition.discounts.get(item.discount_id)?.name ?? null),
      );
    case "subscription":
      return byKey(({ item }) => item.subscription_id);
    default:
      return byCreation;
  }
}

/** The orders that match, sorted (default `-created_at`) and paginated. */
export function listOrders(
  ctx: Ctx,
  filters: OrderFilters,
  sorting: readonly Schemas["OrderSortProperty"][] | undefined,
  page: Page,
): Paginated<OrderRecord> {
  const [partition, ...others] = partitionsOf(ctx, filters.organizationIds);
  if (!partition) return { items: [], total: 0 };
  const ranked = [partition, ...others].flatMap((each) =>
    rankMatching(each.orders.values(), (order) => orderMatches(each, order, filters)),
  );
  const sorted = sortBy(
    ranked,
    sortingOr(sorting, ["-created_at"]),
    (field) => orderCriterion(partition, field),
    byPosition,
  );
  return paginate(
    sorted.map(({ item }) => item),
    page,
  );
}
