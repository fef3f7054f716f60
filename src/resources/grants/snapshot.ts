/** How a snapshot document holds benefit grants. */
import { date, id, jsonObject, nullableDate, nullableString, record } from "../../domain/decode.js";
import type { GrantRecord } from "./table.js";

export const grantDecoder = record<GrantRecord>({
  id,
  organization_id: id,
  customer_id: id,
  benefit_id: id,
  subscription_id: nullableString,
  order_id: nullableString,
  member_id: nullableString,
  created_at: date,
  modified_at: nullableDate,
  granted_at: nullableDate,
  revoked_at: nullableDate,
  properties: jsonObject,
});

declare module "../context.js" {
  interface DecodedSections {
    benefit_grants: GrantRecord[];
  }
}
