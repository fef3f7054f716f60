/**
 * Checkout sessions as each organization holds them (models/checkout.py), with the index of
 * Polar's unique `client_secret`, by which the checkout page and the client API find a session.
 */
import type { Schemas } from "../../domain/wire.js";
import type { Metadata } from "../../store/store.js";
import { Table } from "../../store/table.js";
import type { Address } from "../customers/table.js";

export type CheckoutStatus = Schemas["CheckoutStatus"];
export type TrialInterval = Schemas["TrialInterval"];
export type CustomFieldData = Schemas["Checkout"]["custom_field_data"];

/** Polar's prefix of a checkout's client secret (`CHECKOUT_CLIENT_SECRET_PREFIX`). */
export const CHECKOUT_CLIENT_SECRET_PREFIX = "polar_c_";
/** `CHECKOUT_TTL_SECONDS`: a checkout expires a day after it is created. */
export const CHECKOUT_TTL_MS = 24 * 60 * 60 * 1000;

export interface CheckoutRecord {
  id: string;
  organization_id: string;
  created_at: Date;
  modified_at: Date | null;
  status: CheckoutStatus;
  client_secret: string;
  expires_at: Date;
  /** As given (`{CHECKOUT_ID}` still in it), or null for Polar's own confirmation page. */
  success_url: string | null;
  return_url: string | null;
  embed_origin: string | null;
  locale: string | null;
  /** The products offered, in order; `product_id` is the one selected. */
  product_ids: string[];
  product_id: string;
  /** The selected price (`product_price_id`). */
  price_id: string;
  /** Before discount and tax, in the smallest unit of `currency`. */
  amount: number;
  currency: string;
  seats: number | null;
  min_seats: number | null;
  max_seats: number | null;
  tax_amount: number | null;
  tax_behavior: Schemas["TaxBehavior"] | null;
  discount_id: string | null;
  allow_discount_codes: boolean;
  require_billing_address: boolean;
  allow_trial: boolean | null;
  trial_interval: TrialInterval | null;
  trial_interval_count: number | null;
  trial_end: Date | null;
  customer_id: string | null;
  external_customer_id: string | null;
  is_business_customer: boolean;
  customer_name: string | null;
  customer_email: string | null;
  customer_ip_address: string | null;
  customer_billing_name: string | null;
  customer_billing_address: Address | null;
  customer_tax_id: [string, Schemas["TaxIDFormat"]] | null;
  payment_method_type: string | null;
  /** Stripe's intent status once confirmed (`payment_processor_metadata.intent_status`). */
  intent_status: string | null;
  metadata: Metadata;
  customer_metadata: Metadata;
  custom_field_data: CustomFieldData;
  /** The subscription a successful checkout started, and its order (once orders exist). */
  created_subscription_id: string | null;
}

export class CheckoutTable extends Table<CheckoutRecord> {
  readonly bySecret = new Map<string, CheckoutRecord>();

  protected override indexed(checkout: CheckoutRecord): void {
    this.bySecret.set(checkout.client_secret, checkout);
  }
}

declare module "../context.js" {
  interface PartitionTables {
    checkouts: CheckoutTable;
  }
}
