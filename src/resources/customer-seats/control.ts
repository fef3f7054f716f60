/** The control plane's seat verb: a seat's invitation token, which Polar only sends by email. */
import { ResourceNotFound } from "../../errors.js";
import { iso } from "../../util/time.js";
import type { Handlers } from "../operation.js";

export type SeatControl = "emulator:customer-seats:invitation";

export const seatControl = (): Handlers<SeatControl> => ({
  "emulator:customer-seats:invitation": ({ ctx, params }) => {
    for (const partition of ctx.store.partitions.values()) {
      const seat = partition.customerSeats.get(params.id);
      if (!seat) continue;
      const member = seat.member_id === null ? undefined : partition.members.get(seat.member_id);
      const customer = seat.customer_id === null ? undefined : partition.customers.get(seat.customer_id);
      const expires = seat.invitation_token_expires_at;
      return {
        status: 200,
        json: {
          seat_id: seat.id,
          organization_id: seat.organization_id,
          status: seat.status,
          email: seat.email || member?.email || customer?.email || null,
          invitation_token: seat.invitation_token,
          invitation_token_expires_at: expires === null ? null : iso(expires),
          expired: expires !== null && expires.getTime() < ctx.clock.now().getTime(),
        },
      };
    }
    throw new ResourceNotFound();
  },
});
