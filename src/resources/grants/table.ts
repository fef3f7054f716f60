/** Benefit grants as each organization holds them, with each customer's in creation order. */
import { CustomerRowsTable } from "../../store/table.js";

export interface GrantRecord {
  id: string;
  organization_id: string;
  customer_id: string;
  benefit_id: string;
  /** The subscription that grants it; null for a grant made directly. */
  subscription_id: string | null;
  order_id: string | null;
  member_id: string | null;
  created_at: Date;
  modified_at: Date | null;
  granted_at: Date | null;
  revoked_at: Date | null;
  /** The grant's properties, exactly as its wire type has them. */
  properties: Record<string, unknown>;
}

export class GrantTable extends CustomerRowsTable<GrantRecord> {}

declare module "../context.js" {
  interface PartitionTables {
    grants: GrantTable;
  }
}
