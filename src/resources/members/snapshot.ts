/** How a snapshot document holds members. */
import { date, id, literal, nullableDate, nullableString, record, string } from "../../domain/decode.js";
import type { MemberRecord } from "./table.js";

export const memberDecoder = record<MemberRecord>({
  id,
  organization_id: id,
  customer_id: id,
  email: string,
  name: nullableString,
  external_id: nullableString,
  role: literal(["owner", "billing_manager", "member"]),
  created_at: date,
  modified_at: nullableDate,
  deleted_at: nullableDate,
});

declare module "../context.js" {
  interface DecodedSections {
    members: MemberRecord[];
  }
}
