/**
 * Customer seats as each organization holds them (models/customer_seat.py): a seat of a
 * seat-based subscription or order, pending until its holder claims it with the invitation
 * token, then claimed, until revoked. A revoked seat is reused by the container's next assignment.
 */
import type { Schemas } from "../../domain/wire.js";
import { Table } from "../../store/table.js";

export type SeatStatus = Schemas["SeatStatus"];

export interface SeatRecord {
  id: string;
  organization_id: string;
  /** Exactly one of `subscription_id` and `order_id` is set (Polar's `seat_source_check`). */
  subscription_id: string | null;
  order_id: string | null;
  status: SeatStatus;
  /**
   * With the member model, the billing customer (the purchaser); without it, the seat holder's
   * own customer. Cleared when the seat is revoked.
   */
  customer_id: string | null;
  /** The seat holder's member (under the billing customer). */
  member_id: string | null;
  email: string | null;
  /** Single use: cleared when the seat is claimed or revoked. The emulator sends no email. */
  invitation_token: string | null;
  invitation_token_expires_at: Date | null;
  claimed_at: Date | null;
  revoked_at: Date | null;
  seat_metadata: Record<string, unknown>;
  created_at: Date;
  modified_at: Date | null;
}

export class SeatTable extends Table<SeatRecord> {
  /** The seats of a subscription or an order, in creation order. */
  ofContainer(container: { subscription_id: string | null; order_id: string | null }): SeatRecord[] {
    return [...this.values()].filter((seat) =>
      container.subscription_id !== null
        ? seat.subscription_id === container.subscription_id
        : seat.order_id === container.order_id,
    );
  }

  /** The seat holding this invitation token (pending, revoked or claimed seats have none). */
  byToken(token: string): SeatRecord | undefined {
    for (const seat of this.values()) if (seat.invitation_token === token) return seat;
    return undefined;
  }
}

declare module "../context.js" {
  interface PartitionTables {
    customerSeats: SeatTable;
  }
}
