/** How a snapshot document holds orders (every field of OrderRecord, checked). */
import {
  array,
  boolean,
  type Decoder,
  date,
  id,
  integer,
  jsonObject,
  literal,
  metadata,
  nullable,
  nullableDate,
  nullableInteger,
  nullableString,
  record,
  string,
} from "../../domain/decode.js";
import { address } from "../customers/snapshot.js";
import type { CustomFieldData, OrderItemRecord, OrderRecord } from "./table.js";

const item = record<OrderItemRecord>({
  id,
  created_at: date,
  modified_at: nullableDate,
  label: string,
  amount: integer,
  tax_amount: integer,
  proration: boolean,
  product_price_id: nullableString,
  start_timestamp: nullableDate,
  end_timestamp: nullableDate,
});

const customFieldData = jsonObject as Decoder<CustomFieldData>;

export const orderDecoder = record<OrderRecord>({
  id,
  organization_id: id,
  customer_id: id,
  created_at: date,
  modified_at: nullableDate,
  status: literal(["draft", "pending", "paid", "refunded", "partially_refunded", "void"]),
  subtotal_amount: integer,
  discount_amount: integer,
  net_amount: integer,
  tax_amount: integer,
  applied_balance_amount: integer,
  refunded_amount: integer,
  refunded_tax_amount: integer,
  currency: string,
  billing_reason: literal([
    "purchase",
    "subscription_create",
    "subscription_cycle",
    "subscription_update",
    "subscription_meter_cycle",
  ]),
  billing_name: nullableString,
  billing_address: nullable(address),
  invoice_number: nullableString,
  invoice_generated: boolean,
  receipt_number: nullableString,
  receipt_rendered: boolean,
  seats: nullableInteger,
  product_id: nullableString,
  discount_id: nullableString,
  subscription_id: nullableString,
  checkout_id: nullableString,
  next_payment_attempt_at: nullableDate,
  metadata,
  custom_field_data: customFieldData,
  platform_fee_amount: integer,
  platform_fee_currency: nullableString,
  items: array(item),
});

declare module "../context.js" {
  interface DecodedSections {
    orders: OrderRecord[];
  }
}
