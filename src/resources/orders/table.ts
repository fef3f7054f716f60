/**
 * Orders as each organization holds them (models/order.py), each customer's in creation order,
 * and the line items they are made of. Polar's invoice and receipt files are the emulator's own
 * small PDFs: only whether they exist is kept.
 */
import type { Schemas } from "../../domain/wire.js";
import type { Metadata } from "../../store/store.js";
import { CustomerRowsTable } from "../../store/table.js";
import type { Address } from "../customers/table.js";

export type OrderStatus = Schemas["OrderStatus"];
export type OrderBillingReason = Schemas["OrderBillingReason"];
export type CustomFieldData = Schemas["Order"]["custom_field_data"];

export interface OrderItemRecord {
  id: string;
  created_at: Date;
  modified_at: Date | null;
  label: string;
  amount: number;
  tax_amount: number;
  proration: boolean;
  product_price_id: string | null;
  /** The period the item covers (a renewal's, a trial's), if any. */
  start_timestamp: Date | null;
  end_timestamp: Date | null;
}

export interface OrderRecord {
  id: string;
  organization_id: string;
  customer_id: string;
  created_at: Date;
  modified_at: Date | null;
  status: OrderStatus;
  subtotal_amount: number;
  discount_amount: number;
  net_amount: number;
  tax_amount: number;
  applied_balance_amount: number;
  refunded_amount: number;
  refunded_tax_amount: number;
  currency: string;
  billing_reason: OrderBillingReason;
  billing_name: string | null;
  billing_address: Address | null;
  /** Null for a draft; `<ORG SLUG>-<customer short id>-<NNNN>` otherwise. */
  invoice_number: string | null;
  /** Polar's `invoice_path is not None`. */
  invoice_generated: boolean;
  /** `RCPT-<customer short id>-<NNNN>`, allocated when a payment settles the order. */
  receipt_number: string | null;
  /** Polar's `receipt_path is not None`: rendered on the first request for it. */
  receipt_rendered: boolean;
  seats: number | null;
  product_id: string | null;
  discount_id: string | null;
  subscription_id: string | null;
  checkout_id: string | null;
  next_payment_attempt_at: Date | null;
  metadata: Metadata;
  custom_field_data: CustomFieldData;
  platform_fee_amount: number;
  platform_fee_currency: string | null;
  items: OrderItemRecord[];
}

/** What was paid, not fully refunded: a payment succeeded (`paid`). */
export const PAID: ReadonlySet<OrderStatus> = new Set(["paid", "refunded", "partially_refunded"]);

export class OrderTable extends CustomerRowsTable<OrderRecord> {}

declare module "../context.js" {
  interface PartitionTables {
    orders: OrderTable;
  }
}
