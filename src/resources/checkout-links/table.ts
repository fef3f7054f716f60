/**
 * Checkout links as each organization holds them (models/checkout_link.py), deleted ones included,
 * with the index of their unique `client_secret`, which the link's URL carries.
 */
import type { Schemas } from "../../domain/wire.js";
import type { Metadata } from "../../store/store.js";
import { Table } from "../../store/table.js";

/** `CHECKOUT_LINK_CLIENT_SECRET_PREFIX`. */
export const CHECKOUT_LINK_CLIENT_SECRET_PREFIX = "polar_cl_";

export interface CheckoutLinkRecord {
  id: string;
  organization_id: string;
  created_at: Date;
  modified_at: Date | null;
  deleted_at: Date | null;
  client_secret: string;
  success_url: string | null;
  return_url: string | null;
  label: string | null;
  allow_discount_codes: boolean;
  require_billing_address: boolean;
  discount_id: string | null;
  seats: number | null;
  trial_interval: Schemas["TrialInterval"] | null;
  trial_interval_count: number | null;
  metadata: Metadata;
  /** Its products, in order. */
  product_ids: string[];
}

export class CheckoutLinkTable extends Table<CheckoutLinkRecord> {
  readonly bySecret = new Map<string, CheckoutLinkRecord>();

  /** A link that is not deleted. */
  live(id: string): CheckoutLinkRecord | undefined {
    const link = this.get(id);
    return link && link.deleted_at === null ? link : undefined;
  }

  protected override indexed(link: CheckoutLinkRecord): void {
    this.bySecret.set(link.client_secret, link);
  }
}

declare module "../context.js" {
  interface PartitionTables {
    checkoutLinks: CheckoutLinkTable;
  }
}
