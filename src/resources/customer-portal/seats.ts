/**
 * The portal's seats (customer_portal/endpoints/customer_seat.py): a customer session, or any
 * member session, reads the seats of the customer's subscriptions and orders and the
 * subscriptions it holds a claimed seat in; the customer, an owner or a billing manager assigns,
 * revokes and re-sends, through the seats' service.
 */
import { listEnvelope, pageOf, paginate } from "../../domain/list.js";
import { ResourceNotFound } from "../../errors.js";
import type { Partition } from "../context.js";
import { badRequest, containerFrom, seatsList } from "../customer-seats/handlers.js";
import { serializeSeat } from "../customer-seats/serialize.js";
import { assignSeat, resendInvitation, revokeSeat, type SeatContainer } from "../customer-seats/service.js";
import type { SeatRecord } from "../customer-seats/table.js";
import type { PortalSubject } from "../customer-sessions/service.js";
import { type Handlers, json } from "../operation.js";
import type { SubscriptionRecord } from "../subscriptions/table.js";
import { serializeCustomerSubscription } from "./serialize.js";
import { billingSubject, portalSubject } from "./subject.js";

export type PortalSeatOperation =
  | "customer_portal:seats:list_seats"
  | "customer_portal:seats:assign_seat"
  | "customer_portal:seats:revoke_seat"
  | "customer_portal:seats:resend_invitation"
  | "customer_portal:seats:list_claimed_subscriptions";

const ofCustomer = (subject: PortalSubject) => (row: { customer_id: string }) =>
  row.customer_id === subject.customer.id;

/** `get_seat_for_customer`: a seat of a subscription or order of the customer, or 404 `Seat not found`. */
function customerSeat(partition: Partition, subject: PortalSubject, id: string): SeatRecord {
  const seat = partition.customerSeats.get(id);
  const container =
    seat?.subscription_id != null
      ? partition.subscriptions.get(seat.subscription_id)
      : seat?.order_id != null
        ? partition.orders.get(seat.order_id)
        : undefined;
  if (!seat || !container || container.customer_id !== subject.customer.id)
    throw new ResourceNotFound("Seat not found");
  return seat;
}

/** `resolve_assign_container`: by subscription, order, or the checkout that made one. */
function assignContainer(
  partition: Partition,
  subject: PortalSubject,
  body: { subscription_id?: string | null; order_id?: string | null; checkout_id?: string | null },
): SeatContainer {
  if (body.subscription_id || body.order_id) return containerFrom(partition, body, ofCustomer(subject));
  if (body.checkout_id) {
    const mine = ofCustomer(subject);
    for (const subscription of partition.subscriptions.values())
      if (subscription.checkout_id === body.checkout_id && mine(subscription))
        return { kind: "subscription", subscription };
    const orders = [...partition.orders.values()]
      .filter((order) => order.checkout_id === body.checkout_id && mine(order))
      .sort((a, b) => a.created_at.getTime() - b.created_at.getTime());
    const order = orders[0];
    if (order) return { kind: "order", order };
    throw new ResourceNotFound("No subscription or order found for this checkout");
  }
  throw badRequest("Either subscription_id, order_id, or checkout_id is required");
}

export const portalSeatHandlers = (): Handlers<PortalSeatOperation> => ({
  "customer_portal:seats:list_seats": (call) => {
    const subject = portalSubject(call);
    const partition = call.ctx.store.partition(subject.organizationId);
    return json(200, seatsList(partition, containerFrom(partition, call.query, ofCustomer(subject))));
  },

  "customer_portal:seats:assign_seat": (call) => {
    const subject = billingSubject(call);
    const partition = call.ctx.store.partition(subject.organizationId);
    const seat = assignSeat(call.ctx, assignContainer(partition, subject, call.body), call.body);
    return json(200, serializeSeat(partition, seat));
  },

  "customer_portal:seats:revoke_seat": (call) => {
    const subject = billingSubject(call);
    const partition = call.ctx.store.partition(subject.organizationId);
    const seat = revokeSeat(call.ctx, partition, customerSeat(partition, subject, call.params.seat_id));
    return json(200, serializeSeat(partition, seat));
  },

  "customer_portal:seats:resend_invitation": (call) => {
    const subject = billingSubject(call);
    const partition = call.ctx.store.partition(subject.organizationId);
    const seat = resendInvitation(partition, customerSeat(partition, subject, call.params.seat_id));
    return json(200, serializeSeat(partition, seat));
  },

  "customer_portal:seats:list_claimed_subscriptions": (call) => {
    const subject = portalSubject(call);
    const partition = call.ctx.store.partition(subject.organizationId);
    const claimed: SubscriptionRecord[] = [];
    for (const seat of partition.customerSeats.values()) {
      if (seat.status !== "claimed" || seat.subscription_id === null) continue;
      const holder = subject.member
        ? seat.member_id === subject.member.id
        : seat.customer_id === subject.customer.id;
      const subscription = partition.subscriptions.get(seat.subscription_id);
      if (holder && subscription) claimed.push(subscription);
    }
    const page = pageOf(call.query);
    return json(
      200,
      listEnvelope(paginate(claimed, page), page, (subscription) =>
        serializeCustomerSubscription(partition, subscription),
      ),
    );
  },
});
