/** How a snapshot document holds refunds (every field of RefundRecord, checked). */
import {
  boolean,
  date,
  id,
  integer,
  literal,
  metadata,
  nullableDate,
  nullableString,
  record,
  string,
} from "../../domain/decode.js";
import type { RefundRecord } from "./table.js";

export const refundDecoder = record<RefundRecord>({
  id,
  organization_id: id,
  customer_id: id,
  order_id: id,
  subscription_id: nullableString,
  created_at: date,
  modified_at: nullableDate,
  status: literal(["pending", "succeeded", "failed", "canceled"]),
  reason: literal([
    "duplicate",
    "fraudulent",
    "customer_request",
    "service_disruption",
    "satisfaction_guarantee",
    "dispute_prevention",
    "other",
  ]),
  amount: integer,
  tax_amount: integer,
  currency: string,
  revoke_benefits: boolean,
  comment: nullableString,
  metadata,
});

declare module "../context.js" {
  interface DecodedSections {
    refunds: RefundRecord[];
  }
}
