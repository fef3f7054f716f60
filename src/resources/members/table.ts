/**
 * Members of customers as each organization holds them (models/member.py), deleted ones included,
 * with each customer's members in creation order. Polar's partial unique indices, among members
 * that are not deleted: one per customer and lower-cased email, one per customer and external id,
 * one owner per customer.
 */
import type { Schemas } from "../../domain/wire.js";
import { CustomerRowsTable } from "../../store/table.js";

export type MemberRole = Schemas["MemberRole"];

export interface MemberRecord {
  id: string;
  organization_id: string;
  customer_id: string;
  email: string;
  name: string | null;
  external_id: string | null;
  role: MemberRole;
  created_at: Date;
  modified_at: Date | null;
  deleted_at: Date | null;
}

export class MemberTable extends CustomerRowsTable<MemberRecord> {
  /** A member that is not deleted. */
  live(id: string): MemberRecord | undefined {
    const member = this.get(id);
    return member && member.deleted_at === null ? member : undefined;
  }

  /** The customer's members that are not deleted, in creation order. */
  liveOf(customerId: string): MemberRecord[] {
    return this.ofCustomer(customerId).filter((member) => member.deleted_at === null);
  }

  /** The customer's live member with this email, compared without case (`lower(email)`). */
  byEmail(customerId: string, email: string): MemberRecord | undefined {
    const key = email.toLowerCase();
    return this.liveOf(customerId).find((member) => member.email.toLowerCase() === key);
  }

  /** The customer's live member with this external id, compared exactly. */
  byExternalId(customerId: string, externalId: string): MemberRecord | undefined {
    return this.liveOf(customerId).find((member) => member.external_id === externalId);
  }

  /** The customer's live owner, if it has one. */
  ownerOf(customerId: string): MemberRecord | undefined {
    return this.liveOf(customerId).find((member) => member.role === "owner");
  }
}

declare module "../context.js" {
  interface PartitionTables {
    members: MemberTable;
  }
}
