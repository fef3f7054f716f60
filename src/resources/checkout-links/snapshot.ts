/** How a snapshot document holds checkout links (every field of CheckoutLinkRecord, checked). */
import {
  array,
  boolean,
  date,
  id,
  interval,
  metadata,
  nullable,
  nullableDate,
  nullableInteger,
  nullableString,
  record,
  string,
} from "../../domain/decode.js";
import type { CheckoutLinkRecord } from "./table.js";

export const checkoutLinkDecoder = record<CheckoutLinkRecord>({
  id,
  organization_id: id,
  created_at: date,
  modified_at: nullableDate,
  deleted_at: nullableDate,
  client_secret: string,
  success_url: nullableString,
  return_url: nullableString,
  label: nullableString,
  allow_discount_codes: boolean,
  require_billing_address: boolean,
  discount_id: nullable(id),
  seats: nullableInteger,
  trial_interval: nullable(interval),
  trial_interval_count: nullableInteger,
  metadata,
  product_ids: array(id),
});

declare module "../context.js" {
  interface DecodedSections {
    checkout_links: CheckoutLinkRecord[];
  }
}
