/** The customer seats operations of Polar's API (customer_seat/endpoints.py): thin handlers over the service. */
import { PolarHttpError, ResourceNotFound } from "../../errors.js";
import type { Partition } from "../context.js";
import { type Handlers, json, organizationOf } from "../operation.js";
import { serializeSeat } from "./serialize.js";
import {
  assignSeat,
  availableSeats,
  claimInfo,
  claimSeat,
  resendInvitation,
  revokeSeat,
  type SeatContainer,
  seatsOf,
  totalSeats,
} from "./service.js";
import type { SeatRecord } from "./table.js";

export type SeatOperation =
  | "customer-seats:assign_seat"
  | "customer-seats:list_seats"
  | "customer-seats:revoke_seat"
  | "customer-seats:resend_invitation"
  | "customer-seats:get_claim_info"
  | "customer-seats:claim_seat";

/** Polar's `BadRequest` with its own message. */
export function badRequest(detail: string): PolarHttpError {
  return new PolarHttpError(400, { error: "BadRequest", detail });
}

/**
 * The subscription or order a seat call names, among those `readable` (the organization's, or the
 * portal customer's), or 404 `Subscription not found` / `Order not found`; neither named: 400.
 */
export function containerFrom(
  partition: Partition,
  ids: { subscription_id?: string | null; order_id?: string | null },
  readable: (row: { customer_id: string }) => boolean = () => true,
): SeatContainer {
  if (ids.subscription_id) {
    const subscription = partition.subscriptions.get(ids.subscription_id);
    if (!subscription || !readable(subscription)) throw new ResourceNotFound("Subscription not found");
    return { kind: "subscription", subscription };
  }
  if (ids.order_id) {
    const order = partition.orders.get(ids.order_id);
    if (!order || !readable(order)) throw new ResourceNotFound("Order not found");
    return { kind: "order", order };
  }
  throw badRequest("Either subscription_id or order_id must be provided");
}

/** The seats of a container with the counts (`SeatsList`). */
export function seatsList(partition: Partition, container: SeatContainer) {
  return {
    seats: seatsOf(partition, container).map((seat) => serializeSeat(partition, seat)),
    available_seats: availableSeats(partition, container),
    total_seats: totalSeats(container),
  };
}

function seatOf(partition: Partition, id: string): SeatRecord {
  const seat = partition.customerSeats.get(id);
  if (!seat) throw new ResourceNotFound("Seat not found");
  return seat;
}

export const seatHandlers = (): Handlers<SeatOperation> => ({
  "customer-seats:assign_seat": (call) => {
    const partition = call.ctx.store.partition(organizationOf(call));
    const container = containerFrom(partition, call.body);
    const seat = assignSeat(call.ctx, container, call.body);
    return json(200, serializeSeat(partition, seat));
  },

  "customer-seats:list_seats": (call) => {
    const partition = call.ctx.store.partition(organizationOf(call));
    return json(200, seatsList(partition, containerFrom(partition, call.query)));
  },

  "customer-seats:revoke_seat": (call) => {
    const partition = call.ctx.store.partition(organizationOf(call));
    const seat = revokeSeat(call.ctx, partition, seatOf(partition, call.params.seat_id));
    return json(200, serializeSeat(partition, seat));
  },

  "customer-seats:resend_invitation": (call) => {
    const partition = call.ctx.store.partition(organizationOf(call));
    const seat = resendInvitation(partition, seatOf(partition, call.params.seat_id));
    return json(200, serializeSeat(partition, seat));
  },

  "customer-seats:get_claim_info": (call) => json(200, claimInfo(call.ctx, call.params.invitation_token)),

  "customer-seats:claim_seat": (call) => {
    const { partition, seat, sessionToken } = claimSeat(call.ctx, call.body.invitation_token);
    return json(200, { seat: serializeSeat(partition, seat), customer_session_token: sessionToken });
  },
});
