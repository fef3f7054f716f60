/** How a snapshot document holds customer seats (their invitation tokens keep working after a restore). */
import { date, id, jsonObject, literal, nullableDate, nullableString, record } from "../../domain/decode.js";
import type { SeatRecord } from "./table.js";

export const seatDecoder = record<SeatRecord>({
  id,
  organization_id: id,
  subscription_id: nullableString,
  order_id: nullableString,
  status: literal(["pending", "claimed", "revoked"]),
  customer_id: nullableString,
  member_id: nullableString,
  email: nullableString,
  invitation_token: nullableString,
  invitation_token_expires_at: nullableDate,
  claimed_at: nullableDate,
  revoked_at: nullableDate,
  seat_metadata: jsonObject,
  created_at: date,
  modified_at: nullableDate,
});

declare module "../context.js" {
  interface DecodedSections {
    customer_seats: SeatRecord[];
  }
}
