/** Customer seats of seat-based subscriptions and orders, and the webhook events about them. */
import { problem, uniqueValues } from "../../domain/decode.js";
import { collection, defineResource } from "../resource.js";
import { seatControl } from "./control.js";
import { seatHandlers } from "./handlers.js";
import { seatRules } from "./rules.js";
import { serializeSeat } from "./serialize.js";
import { seatDecoder } from "./snapshot.js";
import { SeatTable } from "./table.js";

export const customerSeats = defineResource({
  name: "customer-seats",
  scopes: ["customer_seats:read", "customer_seats:write"],
  tables: () => ({ customerSeats: new SeatTable() }),
  handlers: seatHandlers,
  control: seatControl,
  validation: {
    rules: seatRules,
    walked: ["customer-seats:assign_seat", "customer_portal:seats:assign_seat"],
  },
  snapshot: {
    sections: {
      customer_seats: collection({
        table: (partition) => partition.customerSeats,
        decode: seatDecoder,
        serialize: (partition, seat) => serializeSeat(partition, seat),
      }),
    },
    references: (decoded, ids, problems, missing) => {
      const sameToken = uniqueValues(problems, "Two seats share an invitation token");
      decoded.customer_seats.forEach((seat, index) => {
        if ((seat.subscription_id === null) === (seat.order_id === null))
          problems.push(
            problem(
              ["customer_seats", index],
              "value_error",
              "A seat belongs to exactly one subscription or order",
              seat.id,
            ),
          );
        if (seat.subscription_id !== null && !ids("subscriptions").has(seat.subscription_id))
          missing(["customer_seats", index, "subscription_id"], "subscription", seat.subscription_id);
        if (seat.order_id !== null && !ids("orders").has(seat.order_id))
          missing(["customer_seats", index, "order_id"], "order", seat.order_id);
        if (seat.customer_id !== null && !ids("customers").has(seat.customer_id))
          missing(["customer_seats", index, "customer_id"], "customer", seat.customer_id);
        if (seat.member_id !== null && !ids("members").has(seat.member_id))
          missing(["customer_seats", index, "member_id"], "member", seat.member_id);
        if (seat.invitation_token !== null)
          sameToken(["customer_seats", index, "invitation_token"], seat.invitation_token);
      });
    },
  },
  events: {
    prefix: "customer_seat.",
    subject: (partition, _type, id) => {
      const seat = partition.customerSeats.get(id);
      if (!seat) return undefined;
      return { customerId: seat.customer_id, data: () => serializeSeat(partition, seat) };
    },
  },
});
