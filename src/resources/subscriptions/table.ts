/** Subscriptions as each organization holds them, with each customer's in creation order. */
import type { Schemas } from "../../domain/wire.js";
import type { Metadata } from "../../store/store.js";
import { CustomerRowsTable } from "../../store/table.js";

export type RecurringInterval = Schemas["RecurringInterval"];
export type SubscriptionStatus = Schemas["SubscriptionStatus"];
export type CancellationReason = Schemas["CustomerCancellationReason"];

export interface SubscriptionMeterRecord {
  id: string;
  meter_id: string;
  created_at: Date;
  modified_at: Date | null;
}

export interface SubscriptionRecord {
  id: string;
  organization_id: string;
  customer_id: string;
  product_id: string;
  /** The product prices the subscription was started with. */
  price_ids: string[];
  created_at: Date;
  modified_at: Date | null;
  amount: number;
  currency: string;
  recurring_interval: RecurringInterval;
  recurring_interval_count: number;
  /** The day of the month periods end on (Polar's `anchor_day`), clamped in shorter months. */
  anchor_day: number;
  status: SubscriptionStatus;
  current_period_start: Date;
  current_period_end: Date;
  current_meter_period_start: Date | null;
  current_meter_period_end: Date | null;
  trial_start: Date | null;
  trial_end: Date | null;
  cancel_at_period_end: boolean;
  canceled_at: Date | null;
  started_at: Date | null;
  ends_at: Date | null;
  ended_at: Date | null;
  past_due_at: Date | null;
  pause_at_period_end: boolean;
  paused_at: Date | null;
  resumes_at: Date | null;
  discount_id: string | null;
  checkout_id: string | null;
  seats: number | null;
  customer_cancellation_reason: CancellationReason | null;
  customer_cancellation_comment: string | null;
  metadata: Metadata;
  custom_field_data: Record<string, string | number | boolean | null>;
  /** One per metered price of the product, created with the subscription. */
  meters: SubscriptionMeterRecord[];
}

export class SubscriptionTable extends CustomerRowsTable<SubscriptionRecord> {
  private readonly products = new Set<string>();

  /**
   * Whether a subscription, past or present, is to this product: its orders refer to the product
   * for good, so Polar will not delete it (`Product.is_deletable`).
   */
  hasProduct(productId: string): boolean {
    return this.products.has(productId);
  }

  protected override indexed(row: SubscriptionRecord): void {
    super.indexed(row);
    this.products.add(row.product_id);
  }
}

declare module "../context.js" {
  interface PartitionTables {
    subscriptions: SubscriptionTable;
  }
}
