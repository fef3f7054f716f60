/** The license key lists: oldest first, by organization, benefit and status (and customer, in the portal). */
import { type Page, type Paginated, paginate, within } from "../../domain/list.js";
import { type Ctx, partitionsOf } from "../context.js";
import type { LicenseKeyRecord, LicenseKeyStatus } from "./table.js";

export interface LicenseKeyFilter {
  organizationIds: string[];
  benefitIds?: string[];
  statuses?: LicenseKeyStatus[];
  customerId?: string;
  /** Which of the customer's keys the caller may see (the customer portal's member sessions). */
  visible?: (key: LicenseKeyRecord) => boolean;
}

export function listLicenseKeys(ctx: Ctx, filter: LicenseKeyFilter, page: Page): Paginated<LicenseKeyRecord> {
  const rows: LicenseKeyRecord[] = [];
  for (const partition of partitionsOf(ctx, filter.organizationIds)) {
    const source =
      filter.customerId === undefined
        ? partition.licenseKeys.values()
        : partition.licenseKeys.ofCustomer(filter.customerId);
    for (const key of source) {
      if (!within(filter.benefitIds, key.benefit_id) || !within(filter.statuses, key.status)) continue;
      if (filter.visible && !filter.visible(key)) continue;
      rows.push(key);
    }
  }
  rows.sort((a, b) => a.created_at.getTime() - b.created_at.getTime());
  return paginate(rows, page);
}
