/** Listing discounts: Polar's filters and sorting (discount/service.py `list`, discount/sorting.py). */
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
} from "../../domain/list.js";
import type { Schemas } from "../../domain/wire.js";
import { type Ctx, partitionsOf } from "../context.js";
import type { DiscountRecord } from "./table.js";

export interface DiscountFilters {
  /** The organizations to read from: the token's, intersected with any `organization_id` filter. */
  organizationIds: string[];
  /**
   * `name LIKE '%q%' OR code ILIKE '%q%'`. `name` is a CITEXT column, whose LIKE ignores case
   * too; `%` and `_` are wildcards in both.
   */
  query?: string;
}

function discountMatches(discount: DiscountRecord, filters: DiscountFilters): boolean {
  if (discount.deleted_at !== null) return false;
  const query = filters.query;
  if (query === undefined) return true;
  return (
    ilikeContains(discount.name, query) || (discount.code !== null && ilikeContains(discount.code, query))
  );
}

function discountCriterion(field: string): Criterion<Ranked<DiscountRecord>> {
  switch (field) {
    case "name":
      // A CITEXT column: compared without case.
      return byKey(({ item }) => item.name.toLowerCase());
    case "code":
      return byKey(({ item }) => item.code);
    case "redemptions_count":
      return byKey(({ item }) => item.redemptions_count);
    case "ends_at":
      return byKey(({ item }) => item.ends_at?.getTime() ?? null);
    default:
      return byCreation;
  }
}

/** Discounts that are not deleted, sorted (default `-created_at`, NULLs as Postgres puts them) and paginated. */
export function listDiscounts(
  ctx: Ctx,
  filters: DiscountFilters,
  sorting: readonly Schemas["DiscountSortProperty"][] | undefined,
  page: Page,
): Paginated<DiscountRecord> {
  const ranked = partitionsOf(ctx, filters.organizationIds).flatMap((partition) =>
    rankMatching(partition.discounts.values(), (discount) => discountMatches(discount, filters)),
  );
  const sorted = sortBy(ranked, sortingOr(sorting, ["-created_at"]), discountCriterion, byPosition);
  return paginate(
    sorted.map(({ item }) => item),
    page,
  );
}
