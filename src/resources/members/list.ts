/** Listing members with Polar's filters and sorting (member/service.py `list`, member/sorting.py). */
import {
  byCreation,
  type Page,
  type Paginated,
  paginate,
  rankMatching,
  sortBy,
  sortingOr,
} from "../../domain/list.js";
import { type Ctx, partitionsOf } from "../context.js";
import type { MemberRecord, MemberRole } from "./table.js";

export interface MemberFilters {
  organizationIds: string[];
  customerId?: string;
  /** Matched against the live customer's external id, exactly. */
  externalCustomerId?: string;
  role?: MemberRole;
}

/** Live members, newest first by default; the only sort property is `created_at`. */
export function listMembers(
  ctx: Ctx,
  filters: MemberFilters,
  sorting: readonly string[] | undefined,
  page: Page,
): Paginated<MemberRecord> {
  const found = partitionsOf(ctx, filters.organizationIds).flatMap((partition) =>
    rankMatching(partition.members.values(), (member) => {
      if (member.deleted_at !== null) return false;
      if (filters.customerId !== undefined && member.customer_id !== filters.customerId) return false;
      if (filters.role !== undefined && member.role !== filters.role) return false;
      if (filters.externalCustomerId !== undefined) {
        const customer = partition.customers.get(member.customer_id);
        if (customer?.external_id !== filters.externalCustomerId) return false;
      }
      return true;
    }),
  );
  sortBy(found, sortingOr(sorting, ["-created_at"]), () => byCreation);
  return paginate(
    found.map((ranked) => ranked.item),
    page,
  );
}
