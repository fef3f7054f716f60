/**
 * Customer sessions (models/customer_session.py, member_session.py): a token a customer, or a
 * member of one with the member model, authenticates the customer portal API with. Polar keeps a
 * hash of the token; the emulator keeps the token, indexed for the pipeline's lookup.
 */
import { Table } from "../../store/table.js";

export interface CustomerSessionRecord {
  id: string;
  organization_id: string;
  customer_id: string;
  /** The member of a member session (`polar_mst_`); null for a customer session (`polar_cst_`). */
  member_id: string | null;
  token: string;
  return_url: string | null;
  expires_at: Date;
  created_at: Date;
  modified_at: Date | null;
}

export class CustomerSessionTable extends Table<CustomerSessionRecord> {
  readonly byToken = new Map<string, CustomerSessionRecord>();

  protected override indexed(session: CustomerSessionRecord): void {
    this.byToken.set(session.token, session);
  }
}

declare module "../context.js" {
  interface PartitionTables {
    customerSessions: CustomerSessionTable;
  }
}
