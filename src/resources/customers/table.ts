/** Customers as each organization holds them, with the indices Polar's unique constraints need. */
import type { Schemas } from "../../domain/wire.js";
import type { Metadata } from "../../store/store.js";
import { Table } from "../../store/table.js";

/** The same shape as the wire's Address, country code included. */
export type Address = Schemas["Address"];

export interface CustomerRecord {
  id: string;
  organization_id: string;
  type: Schemas["CustomerType"];
  email: string | null;
  email_verified: boolean;
  name: string | null;
  /** Set only when it differs from `name`; the wire `billing_name` falls back to `name`. */
  billing_name: string | null;
  billing_address: Address | null;
  tax_id: [string, Schemas["TaxIDFormat"]] | null;
  locale: string | null;
  external_id: string | null;
  metadata: Metadata;
  default_payment_method_id: string | null;
  created_at: Date;
  modified_at: Date | null;
  deleted_at: Date | null;
  first_user_event_at: Date | null;
}

/** Every customer ever created, deleted ones included, in creation order. */
export class CustomerTable extends Table<CustomerRecord> {
  /** Live (not deleted) customers by external_id, case-sensitive. */
  readonly byExternalId = new Map<string, CustomerRecord>();
  /** Live customers by lower-cased email. */
  readonly byEmail = new Map<string, CustomerRecord>();

  /** A customer that is not deleted. */
  live(id: string): CustomerRecord | undefined {
    const customer = this.get(id);
    return customer && customer.deleted_at === null ? customer : undefined;
  }

  /** Re-indexes a customer after its email, external_id or deletion changed. */
  reindex(customer: CustomerRecord, before: { email: string | null; external_id: string | null }): void {
    if (before.email !== null && this.byEmail.get(before.email.toLowerCase()) === customer) {
      this.byEmail.delete(before.email.toLowerCase());
    }
    if (before.external_id !== null && this.byExternalId.get(before.external_id) === customer) {
      this.byExternalId.delete(before.external_id);
    }
    this.indexed(customer);
  }

  protected override indexed(customer: CustomerRecord): void {
    if (customer.deleted_at !== null) return;
    if (customer.email !== null) this.byEmail.set(customer.email.toLowerCase(), customer);
    if (customer.external_id !== null) this.byExternalId.set(customer.external_id, customer);
  }
}

declare module "../context.js" {
  interface PartitionTables {
    customers: CustomerTable;
  }
}
