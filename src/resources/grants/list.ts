/** Listing benefit grants with Polar's filters and sorting (benefit/grant/service.py, sorting.py). */
import {
  byId,
  byKey,
  type Page,
  type Paginated,
  paginate,
  sortBy,
  sortingOr,
  within,
} from "../../domain/list.js";
import { type Ctx, partitionsOf } from "../context.js";
import type { GrantRecord } from "./table.js";

export interface GrantFilters {
  organizationIds: string[];
  benefitId?: string;
  customerIds?: string[];
  externalCustomerIds?: string[];
  memberIds?: string[];
  isGranted?: boolean;
}

const SORT_KEYS: Record<string, (grant: GrantRecord) => number | null> = {
  created_at: (grant) => grant.created_at.getTime(),
  granted_at: (grant) => grant.granted_at?.getTime() ?? null,
  revoked_at: (grant) => grant.revoked_at?.getTime() ?? null,
};

export function listGrants(
  ctx: Ctx,
  filters: GrantFilters,
  sorting: readonly string[] | undefined,
  page: Page,
): Paginated<GrantRecord> {
  const found: GrantRecord[] = [];
  for (const partition of partitionsOf(ctx, filters.organizationIds)) {
    for (const grant of partition.grants.values()) {
      // Polar joins the customer and the benefit without their deletion (benefit/grant/service.py
      // `list`, `list_by_organization`): a deleted customer's revoked grants stay listed.
      const customer = partition.customers.get(grant.customer_id);
      if (!customer || !partition.benefits.has(grant.benefit_id)) continue;
      if (filters.benefitId !== undefined && grant.benefit_id !== filters.benefitId) continue;
      if (!within(filters.customerIds, grant.customer_id)) continue;
      if (!within(filters.externalCustomerIds, customer.external_id)) continue;
      if (!within(filters.memberIds, grant.member_id)) continue;
      if (filters.isGranted !== undefined && (grant.granted_at !== null) !== filters.isGranted) continue;
      found.push(grant);
    }
  }
  sortBy(
    found,
    sortingOr(sorting, ["-created_at"]),
    (field) => byKey(SORT_KEYS[field] ?? (() => null)),
    byId,
    page.page * page.limit,
  );
  return paginate(found, page);
}
