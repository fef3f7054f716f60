/**
 * Listing products: Polar's filters and sorting (product/service.py `list`,
 * product/repository.py `get_sorting_clause`), over the organizations the token may read.
 */
import {
  byCreation,
  byKey,
  byPosition,
  type Criterion,
  ilikeContains,
  type MetadataFilter,
  matchesMetadata,
  type Page,
  type Paginated,
  paginate,
  type Ranked,
  rankMatching,
  sortBy,
  sortingOr,
} from "../../domain/list.js";
import type { Schemas } from "../../domain/wire.js";
import { type Ctx, partitionsOf } from "../context.js";
import type { PriceRecord, ProductRecord, Visibility } from "./table.js";

export interface ProductFilters {
  organizationIds: string[];
  ids?: string[];
  query?: string;
  isArchived?: boolean;
  isRecurring?: boolean;
  benefitIds?: string[];
  visibility?: Visibility[];
  metadata?: MetadataFilter;
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

function productCriterion(field: string): Criterion<Ranked<ProductRecord>> {
  switch (field) {
    case "created_at":
      return byCreation;
    case "name":
      // `name` is a CITEXT column: compared without case.
      return byKey(({ item }) => item.name.toLowerCase());
    case "price_amount_type":
      return byKey(({ item }) => priceAmountTypeKey(item));
    default:
      return byKey(({ item }) => priceAmountKey(item));
  }
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
  ctx: Ctx,
  filters: ProductFilters,
  sorting: readonly Schemas["ProductSortProperty"][] | undefined,
  page: Page,
): Paginated<ProductRecord> {
  const ranked = partitionsOf(ctx, filters.organizationIds).flatMap((partition) =>
    rankMatching(partition.products.values(), (product) => productMatches(product, filters)),
  );
  const sorted = sortBy(ranked, sortingOr(sorting, ["-created_at"]), productCriterion, byPosition).map(
    ({ item }) => item,
  );
  const benefitIds = filters.benefitIds;
  if (benefitIds === undefined) return paginate(sorted, page);
  const rows = sorted.flatMap((product) =>
    product.benefit_ids.filter((id) => benefitIds.includes(id)).map((benefitId) => ({ product, benefitId })),
  );
  const items: ProductRecord[] = [];
  const shown = new Map<string, ProductRecord>();
  for (const { product, benefitId } of paginate(rows, page).items) {
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
