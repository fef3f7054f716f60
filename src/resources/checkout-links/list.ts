/** Listing checkout links: Polar's filters and sorting (checkout_link/service.py `list`). */
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
} from "../../domain/list.js";
import type { Schemas } from "../../domain/wire.js";
import { type Ctx, partitionsOf } from "../context.js";
import type { CheckoutLinkRecord } from "./table.js";

export interface CheckoutLinkFilters {
  organizationIds: string[];
  /** Links with at least one of these products. */
  productIds?: string[];
}

function criterion(field: string): Criterion<Ranked<CheckoutLinkRecord>> {
  switch (field) {
    case "label":
      return byKey(({ item }) => item.label);
    case "success_url":
      return byKey(({ item }) => item.success_url);
    case "allow_discount_codes":
      return byKey(({ item }) => (item.allow_discount_codes ? 1 : 0));
    default:
      return byCreation;
  }
}

/** Links that are not deleted, sorted (default `created_at`, oldest first) and paginated. */
export function listCheckoutLinks(
  ctx: Ctx,
  filters: CheckoutLinkFilters,
  sorting: readonly Schemas["CheckoutLinkSortProperty"][] | undefined,
  page: Page,
): Paginated<CheckoutLinkRecord> {
  const ranked = partitionsOf(ctx, filters.organizationIds).flatMap((partition) =>
    rankMatching(
      partition.checkoutLinks.values(),
      (link) =>
        link.deleted_at === null &&
        (filters.productIds === undefined || link.product_ids.some((id) => filters.productIds?.includes(id))),
    ),
  );
  const sorted = sortBy(ranked, sortingOr(sorting, ["created_at"]), criterion, byPosition);
  return paginate(
    sorted.map(({ item }) => item),
    page,
  );
}
