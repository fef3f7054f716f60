/** Listing benefits: Polar's filters and sorting (benefit/service.py `list`, benefit/repository.py). */
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
import type { BenefitRecord, BenefitType } from "./table.js";

export interface BenefitFilters {
  organizationIds: string[];
  types?: BenefitType[];
  ids?: string[];
  excludeIds?: string[];
  query?: string;
  metadata?: MetadataFilter;
}

function benefitMatches(benefit: BenefitRecord, filters: BenefitFilters): boolean {
  if (benefit.is_deleted) return false;
  if (filters.types !== undefined && !filters.types.includes(benefit.type)) return false;
  if (filters.ids !== undefined && !filters.ids.includes(benefit.id)) return false;
  if (filters.excludeIds?.includes(benefit.id)) return false;
  if (filters.query !== undefined && !ilikeContains(benefit.description, filters.query)) return false;
  return matchesMetadata(benefit.metadata, filters.metadata);
}

function benefitCriterion(field: string): Criterion<Ranked<BenefitRecord>> {
  switch (field) {
    case "description":
      return byKey(({ item }) => item.description);
    case "type":
      return byKey(({ item }) => item.type);
    default:
      // `created_at`, and `user_order` when it sorts by creation (benefit/repository.py).
      return byCreation;
  }
}

/**
 * Benefits, sorted and paginated. `user_order` with an `id` filter orders by the position in
 * that filter, before any other criterion; without one it orders nothing, and when it is the
 * only criterion the default `-created_at` does not apply either (the order is creation order).
 */
export function listBenefits(
  ctx: Ctx,
  filters: BenefitFilters,
  sorting: readonly Schemas["BenefitSortProperty"][] | undefined,
  page: Page,
): Paginated<BenefitRecord> {
  const ranked = partitionsOf(ctx, filters.organizationIds).flatMap((partition) =>
    rankMatching(partition.benefits.values(), (benefit) => benefitMatches(benefit, filters)),
  );
  const criteria = sortingOr(sorting, ["-created_at"]);
  const userOrder = criteria.find((text) => text.replace(/^-/, "") === "user_order");
  const ids = filters.ids;
  const ordered = [
    ...(userOrder !== undefined && ids !== undefined && ids.length > 0 ? [userOrder] : []),
    ...criteria.filter((text) => text.replace(/^-/, "") !== "user_order"),
  ];
  const criterion = (field: string): Criterion<Ranked<BenefitRecord>> =>
    field === "user_order" && ids !== undefined
      ? byKey(({ item }) => ids.indexOf(item.id))
      : benefitCriterion(field);
  const sorted = sortBy(ranked, ordered, criterion, byPosition).map(({ item }) => item);
  return paginate(sorted, page);
}
