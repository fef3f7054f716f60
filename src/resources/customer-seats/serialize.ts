/** The public CustomerSeat object (customer_seat/schemas.py), in the spec's key order. */
import type { Schemas } from "../../domain/wire.js";
import { iso, isoOrNull } from "../../util/time.js";
import type { Partition } from "../context.js";
import { serializeMember } from "../members/serialize.js";
import type { SeatRecord } from "./table.js";

/**
 * `customer_email` is the model's property: the seat's email, else its member's, else its
 * customer's (a deleted member or customer still answers, as the relationship loads it).
 */
export function serializeSeat(partition: Partition, seat: SeatRecord): Schemas["CustomerSeat"] {
  const member = seat.member_id === null ? undefined : partition.members.get(seat.member_id);
  const customer = seat.customer_id === null ? undefined : partition.customers.get(seat.customer_id);
  const customerEmail = seat.email || member?.email || customer?.email || null;
  return {
    created_at: iso(seat.created_at),
    modified_at: isoOrNull(seat.modified_at),
    id: seat.id,
    subscription_id: seat.subscription_id,
    order_id: seat.order_id,
    status: seat.status,
    customer_id: seat.customer_id,
    member_id: seat.member_id,
    member: member ? serializeMember(member) : null,
    email: seat.email,
    customer_email: customerEmail,
    invitation_token_expires_at: isoOrNull(seat.invitation_token_expires_at),
    claimed_at: isoOrNull(seat.claimed_at),
    revoked_at: isoOrNull(seat.revoked_at),
    seat_metadata: { ...seat.seat_metadata },
  };
}
