/**
 * The in-memory store: one declaration of everything the emulator holds, partitioned by
 * organization (architecture principle 4). Only domain/ writes to it.
 */

export type MetadataValue = string | number | boolean;
export type Metadata = Record<string, MetadataValue>;

import type { AddressWire } from "../domain/wire.js";

/** The same shape as the wire's Address, country code included. */
export interface Address {
  line1: string | null;
  line2: string | null;
  postal_code: string | null;
  city: string | null;
  state: string | null;
  country: AddressWire["country"];
}

export interface Organization {
  id: string;
  name: string;
  slug: string;
  created_at: Date;
}

export interface AccessToken {
  token: string;
  organizationId: string;
  scopes: ReadonlySet<string>;
  /** A label for logs and the control plane. */
  comment: string;
}

export type CustomerType = "individual" | "team";

export interface CustomerRecord {
  id: string;
  organization_id: string;
  type: CustomerType;
  email: string | null;
  email_verified: boolean;
  name: string | null;
  /** Set only when it differs from `name`; the wire `billing_name` falls back to `name`. */
  billing_name: string | null;
  billing_address: Address | null;
  tax_id: [string, string] | null;
  locale: string | null;
  external_id: string | null;
  metadata: Metadata;
  default_payment_method_id: string | null;
  created_at: Date;
  modified_at: Date | null;
  deleted_at: Date | null;
  first_user_event_at: Date | null;
}

/** What one organization owns, with the indices Polar's unique constraints need. */
export class OrganizationPartition {
  /** Every customer ever created here, deleted ones included, in creation order. */
  readonly customers = new Map<string, CustomerRecord>();
  /** Live (not deleted) customers by external_id, case-sensitive. */
  readonly customerByExternalId = new Map<string, CustomerRecord>();
  /** Live customers by lower-cased email. */
  readonly customerByEmail = new Map<string, CustomerRecord>();

  constructor(readonly organization: Organization) {}

  liveCustomer(id: string): CustomerRecord | undefined {
    const customer = this.customers.get(id);
    return customer && customer.deleted_at === null ? customer : undefined;
  }

  /** Adds a new customer and indexes it. The caller has checked uniqueness. */
  insertCustomer(customer: CustomerRecord): void {
    this.customers.set(customer.id, customer);
    this.index(customer);
  }

  /** Re-indexes a customer after its email, external_id or deletion changed. */
  reindexCustomer(
    customer: CustomerRecord,
    before: { email: string | null; external_id: string | null },
  ): void {
    if (before.email !== null && this.customerByEmail.get(before.email.toLowerCase()) === customer) {
      this.customerByEmail.delete(before.email.toLowerCase());
    }
    if (before.external_id !== null && this.customerByExternalId.get(before.external_id) === customer) {
      this.customerByExternalId.delete(before.external_id);
    }
    this.index(customer);
  }

  private index(customer: CustomerRecord): void {
    if (customer.deleted_at !== null) return;
    if (customer.email !== null) this.customerByEmail.set(customer.email.toLowerCase(), customer);
    if (customer.external_id !== null) this.customerByExternalId.set(customer.external_id, customer);
  }
}

export class Store {
  readonly partitions = new Map<string, OrganizationPartition>();
  readonly tokens = new Map<string, AccessToken>();

  addOrganization(organization: Organization): OrganizationPartition {
    const partition = new OrganizationPartition(organization);
    this.partitions.set(organization.id, partition);
    return partition;
  }

  partition(organizationId: string): OrganizationPartition {
    const partition = this.partitions.get(organizationId);
    if (!partition) throw new Error(`[polar-emulator] unknown organization ${organizationId}`);
    return partition;
  }

  addToken(token: AccessToken): void {
    this.tokens.set(token.token, token);
  }

  customerCount(): number {
    let count = 0;
    for (const partition of this.partitions.values()) count += partition.customers.size;
    return count;
  }
}
