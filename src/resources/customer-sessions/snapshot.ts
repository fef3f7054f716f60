/** How a snapshot document holds customer sessions (their tokens keep working after a restore). */
import { date, id, nullableDate, nullableString, record, string } from "../../domain/decode.js";
import type { CustomerSessionRecord } from "./table.js";

export const customerSessionDecoder = record<CustomerSessionRecord>({
  id,
  organization_id: id,
  customer_id: id,
  member_id: nullableString,
  token: string,
  return_url: nullableString,
  expires_at: date,
  created_at: date,
  modified_at: nullableDate,
});

declare module "../context.js" {
  interface DecodedSections {
    customer_sessions: CustomerSessionRecord[];
  }
}
