/** Refunds as each organization holds them (models/refund.py), each customer's in creation order. */
import type { Schemas } from "../../domain/wire.js";
import type { Metadata } from "../../store/store.js";
import { CustomerRowsTable } from "../../store/table.js";

export type RefundStatus = Schemas["RefundStatus"];
export type RefundReason = Schemas["RefundReason"];

export interface RefundRecord {
  id: string;
  organization_id: string;
  customer_id: string;
  order_id: string;
  subscription_id: string | null;
  created_at: Date;
  modified_at: Date | null;
  status: RefundStatus;
  reason: RefundReason;
  amount: number;
  tax_amount: number;
  currency: string;
  revoke_benefits: boolean;
  /** The internal comment (not shown by the API). */
  comment: string | null;
  metadata: Metadata;
}

export class RefundTable extends CustomerRowsTable<RefundRecord> {}

declare module "../context.js" {
  interface PartitionTables {
    refunds: RefundTable;
  }
}
