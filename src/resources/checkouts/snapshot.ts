/** How a snapshot document holds checkouts (every field of CheckoutRecord, checked). */
import {
  array,
  boolean,
  type Decoder,
  date,
  id,
  integer,
  interval,
  json,
  literal,
  metadata,
  nullable,
  nullableDate,
  nullableInteger,
  nullableString,
  record,
  string,
} from "../../domain/decode.js";
import { address, taxId } from "../customers/snapshot.js";
import type { CheckoutRecord, CustomFieldData } from "./table.js";

const customFieldData = json as Decoder<CustomFieldData>;

export const checkoutDecoder = record<CheckoutRecord>({
  id,
  organization_id: id,
  created_at: date,
  modified_at: nullableDate,
  status: literal(["open", "expired", "confirmed", "succeeded", "failed"]),
  client_secret: string,
  expires_at: date,
  success_url: nullableString,
  return_url: nullableString,
  embed_origin: nullableString,
  locale: nullableString,
  product_ids: array(id),
  product_id: id,
  price_id: id,
  amount: integer,
  currency: string,
  seats: nullableInteger,
  min_seats: nullableInteger,
  max_seats: nullableInteger,
  tax_amount: nullableInteger,
  tax_behavior: nullable(literal(["inclusive", "exclusive"])),
  discount_id: nullable(id),
  allow_discount_codes: boolean,
  require_billing_address: boolean,
  allow_trial: nullable(boolean),
  trial_interval: nullable(interval),
  trial_interval_count: nullableInteger,
  trial_end: nullableDate,
  customer_id: nullable(id),
  external_customer_id: nullableString,
  is_business_customer: boolean,
  customer_name: nullableString,
  customer_email: nullableString,
  customer_ip_address: nullableString,
  customer_billing_name: nullableString,
  customer_billing_address: nullable(address),
  customer_tax_id: nullable(taxId),
  payment_method_type: nullableString,
  intent_status: nullableString,
  metadata,
  customer_metadata: metadata,
  custom_field_data: customFieldData,
  created_subscription_id: nullable(id),
});

declare module "../context.js" {
  interface DecodedSections {
    checkouts: CheckoutRecord[];
  }
}
