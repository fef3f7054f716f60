/**
 * Listing products and benefits: Polar's filters and sorting (product/service.py `list`,
 * product/repository.py `get_sorting_clause`, benefit/service.py `list`,
 * benefit/repository.py), over the organizations the token may read.
 */
import type { BenefitRecord, BenefitType, PriceRecord, ProductRecord, Visibility } from "../store/store.js";
import type { DomainContext } from "./context.js";
import { ilikeContains, matchesMetadata } from "./filters.js";
import type { BenefitSortProperty, ProductSortProperty } from "./wire.js";

/** One sort key: Postgres puts NULLs last in ascending order and first in descending order. */
function compareKeys(a: number | string | null, b: number | string | null, descending: boolean): number {
  if (a === b) return 0;
  if (a === null) return descending ? -1 : 1;
  if (b === null) return descending ? 1 : -1;
  const order = a < b ? -1 : 1;
  return descending ? -order : order;
}

interface Ranked<T> {
  item: T;
  /** Creation order in the organization, for ties between equal timestamps. */
  position: number;
}

function byCreation<T extends { created_at: Date }>(a: Ranked<T>, b: Ranked<T>, descending: boolean): number {
  const order = a.item.created_at.getTime() - b.item.created_at.getTime() || a.position - b.position;
  return descending ? -order : order;
}

function sortBy<T>(items: Ranked<T>[], criteria: ((a: Ranked<T>, b: Ranked<T>) => number)[]): Ranked<T>[] {
  return [...items].sort((a, b) => {
    for (const criterion of criteria) {
      const result = criterion(a, b);
      if (result !== 0) return result;
    }
    return a.position - b.position;
  });
}

function parseSorting<P extends string>(sorting: P[], fallback: P): { field: string; descending: boolean }[] {
  return (sorting.length > 0 ? sorting : [fallback]).map((criterion) => ({
    field: criterion.startsWith("-") ? criterion.slice(1) : criterion,
    descending: criterion.startsWith("-"),
  }));
}

// ---------------------------------------------------------------------------------------------
// Products
// ---------------------------------------------------------------------------------------------

export interface ProductFilters {
  organizationIds: string[];
  ids?: string[];
  query?: string;
  isArchived?: boolean;
  isRecurring?: boolean;
  benefitIds?: string[];
  visibility?: Visibility[];
  metadata?: Record<string, string[]>;
}

/** The price Polar joins for sorting: the product's oldest price that is not archived. */
function firstPrice(product: ProductRecord): PriceRecord | null {
  let first: PriceRecord | null = null;
  for (const price of product.prices) {
    if (price.is_archived) continue;
    if (first === null || price.created_at.getTime() < first.created_at.getTime()) first = price;
  }
  return first;
}

function priceAmountTypeKey(product: ProductRecord): number | null {
  const price = firstPrice(product);
  return price?.amount_type === "custom" ? 1 : price?.amount_type === "fixed" ? 2 : null;
}

function priceAmountKey(product: ProductRecord): number | null {
  const price = firstPrice(product);
  if (price?.amount_type === "custom") return price.minimum_amount;
  if (price?.amount_type === "fixed") return price.price_amount;
  return null;
}

function productCriterion(field: string, descending: boolean) {
  return (a: Ranked<ProductRecord>, b: Ranked<ProductRecord>): number => {
    switch (field) {
      case "created_at":
        return byCreation(a, b, descending);
      case "name":
        // `name` is a CITEXT column: compared without case.
        return compareKeys(a.item.name.toLowerCase(), b.item.name.toLowerCase(), descending);
      case "price_amount_type":
        return compareKeys(priceAmountTypeKey(a.item), priceAmountTypeKey(b.item), descending);
      default:
        return compareKeys(priceAmountKey(a.item), priceAmountKey(b.item), descending);
    }
  };
}

function productMatches(product: ProductRecord, filters: ProductFilters): boolean {
  if (filters.ids !== undefined && !filters.ids.includes(product.id)) return false;
  if (filters.query !== undefined && !ilikeContains(product.name, filters.query)) return false;
  if (filters.isArchived !== undefined && product.is_archived !== filters.isArchived) return false;
  if (filters.isRecurring !== undefined && (product.recurring_interval !== null) !== filters.isRecurring)
    return false;
  if (filters.visibility !== undefined && !filters.visibility.includes(product.visibility)) return false;
  return matchesMetadata(product.metadata, filters.metadata);
}

/**
 * Products, sorted and paginated. With a `benefit_id` filter Polar joins the product-benefit
 * association: the count and the page are over (product, matching benefit) rows, each product
 * appears once in its page, and its `benefits` are the matching ones loaded by that join
 * (`contains_eager`). The items returned here carry exactly the benefits to show.
 */
export function listProducts(
  ctx: DomainContext,
  filters: ProductFilters,
  sorting: ProductSortProperty[],
  page: number,
  limit: number,
): { items: ProductRecord[]; total: number } {
  const ranked: Ranked<ProductRecord>[] = [];
  for (const organizationId of filters.organizationIds) {
    const partition = ctx.store.partitions.get(organizationId);
    if (!partition) continue;
    let position = 0;
    for (const product of partition.products.values()) {
      if (productMatches(product, filters)) ranked.push({ item: product, position });
      position += 1;
    }
  }
  const criteria = parseSorting(sorting, "-created_at").map(({ field, descending }) =>
    productCriterion(field, descending),
  );
  const sorted = sortBy(ranked, criteria).map(({ item }) => item);
  const start = (page - 1) * limit;

  const benefitIds = filters.benefitIds;
  if (benefitIds === undefined) {
    return { items: sorted.slice(start, start + limit), total: sorted.length };
  }
  const rows = sorted.flatMap((product) =>
    product.benefit_ids.filter((id) => benefitIds.includes(id)).map((benefitId) => ({ product, benefitId })),
  );
  const items: ProductRecord[] = [];
  const shown = new Map<string, ProductRecord>();
  for (const { product, benefitId } of rows.slice(start, start + limit)) {
    const existing = shown.get(product.id);
    if (existing) existing.benefit_ids.push(benefitId);
    else {
      const view = { ...product, benefit_ids: [benefitId] };
      shown.set(product.id, view);
      items.push(view);
    }
  }
  return { items, total: rows.length };
}

// ---------------------------------------------------------------------------------------------
// Benefits
// ---------------------------------------------------------------------------------------------

export interface BenefitFilters {
  organizationIds: string[];
  types?: BenefitType[];
  ids?: string[];
  excludeIds?: string[];
  query?: string;
  metadata?: Record<string, string[]>;
}

function benefitMatches(benefit: BenefitRecord, filters: BenefitFilters): boolean {
  if (benefit.is_deleted) return false;
  if (filters.types !== undefined && !filters.types.includes(benefit.type)) return false;
  if (filters.ids !== undefined && !filters.ids.includes(benefit.id)) return false;
  if (filters.excludeIds?.includes(benefit.id)) return false;
  if (filters.query !== undefined && !ilikeContains(benefit.description, filters.query)) return false;
  return matchesMetadata(benefit.metadata, filters.metadata);
}

function benefitCriterion(field: string, descending: boolean) {
  return (a: Ranked<BenefitRecord>, b: Ranked<BenefitRecord>): number => {
    switch (field) {
      case "description":
        return compareKeys(a.item.description, b.item.description, descending);
      case "type":
        return compareKeys(a.item.type, b.item.type, descending);
      default:
        // `created_at`, and `user_order` when it sorts by creation (benefit/repository.py).
        return byCreation(a, b, descending);
    }
  };
}

/**
 * Benefits, sorted and paginated. `user_order` with an `id` filter orders by the position in
 * that filter, before any other criterion; without one it orders nothing, and when it is the
 * only criterion the default `-created_at` does not apply either (the order is creation order).
 */
export function listBenefits(
  ctx: DomainContext,
  filters: BenefitFilters,
  sorting: BenefitSortProperty[],
  page: number,
  limit: number,
): { items: BenefitRecord[]; total: number } {
  const ranked: Ranked<BenefitRecord>[] = [];
  for (const organizationId of filters.organizationIds) {
    const partition = ctx.store.partitions.get(organizationId);
    if (!partition) continue;
    let position = 0;
    for (const benefit of partition.benefits.values()) {
      if (benefitMatches(benefit, filters)) ranked.push({ item: benefit, position });
      position += 1;
    }
  }
  const parsed = parseSorting(sorting, "-created_at");
  const userOrder = parsed.filter(({ field }) => field === "user_order");
  const others = parsed.filter(({ field }) => field !== "user_order");
  const criteria: ((a: Ranked<BenefitRecord>, b: Ranked<BenefitRecord>) => number)[] = [];
  const ids = filters.ids;
  if (userOrder.length > 0 && ids !== undefined && ids.length > 0) {
    const descending = userOrder[0].descending;
    criteria.push((a, b) => compareKeys(ids.indexOf(a.item.id), ids.indexOf(b.item.id), descending));
  }
  for (const { field, descending } of others) criteria.push(benefitCriterion(field, descending));
  const sorted = sortBy(ranked, criteria).map(({ item }) => item);
  const start = (page - 1) * limit;
  return { items: sorted.slice(start, start + limit), total: sorted.length };
}
