/**
 * The seats of a seat-based subscription in a fixture: each assigned as `POST /v1/customer-seats`
 * assigns it, then, when `claimed`, claimed with its invitation token as the holder would, so the
 * seat limit, the holder (a customer of its own, or a member) and the benefits granted are the
 * service's. Seats are applied after every named customer exists (a seat may name one the
 * fixture lists later), at the reference time.
 */
import type { Path } from "../../domain/decode.js";
import { type FixtureApplier, type FixtureChecker, type FixtureSchemas, PLACEHOLDER_ID } from "../fixture.js";
import type { SubscriptionRecord } from "../subscriptions/table.js";
import { assignSeat, claimSeat, type SeatAssignment } from "./service.js";

export type FixtureSeat = FixtureSchemas["FixtureSeat"];

/** The SeatAssign body a fixture seat stands for; `customerId` resolves `customer: <key>`. */
function assignBody(seat: FixtureSeat, subscriptionId: string, customerId: (ref: string) => string) {
  const body: Record<string, unknown> = { subscription_id: subscriptionId };
  if (seat.email !== undefined) body.email = seat.email;
  if (seat.external_customer_id !== undefined) body.external_customer_id = seat.external_customer_id;
  if (seat.customer !== undefined) body.customer_id = customerId(seat.customer);
  if (seat.metadata !== undefined) body.metadata = seat.metadata;
  return body;
}

/** Each seat's body against Polar's `SeatAssign` (one recipient, the metadata's bounds), its customer known. */
export function checkSeats(checker: FixtureChecker, seats: readonly FixtureSeat[], path: Path): void {
  seats.forEach((seat, index) => {
    const at: Path = [...path, index];
    if (seat.customer !== undefined) checker.ref("customers", seat.customer, [...at, "customer"]);
    checker.body(
      "SeatAssign",
      assignBody(seat, PLACEHOLDER_ID, () => PLACEHOLDER_ID),
      at,
      "SeatAssign",
    );
  });
}

/** Assigns the seats in order (then claims the `claimed` ones); a refusal is a problem at the seat. */
export function applySeats(
  applier: FixtureApplier,
  subscription: SubscriptionRecord,
  seats: readonly FixtureSeat[],
  path: Path,
): void {
  applier.clock.set(applier.reference);
  seats.forEach((entry, index) => {
    const at: Path = [...path, index];
    const body = applier.coerce<SeatAssignment>(
      "SeatAssign",
      assignBody(entry, subscription.id, (ref) => applier.id("customers", ref)),
    );
    const seat = applier.domain(at, entry, () =>
      assignSeat(applier.ctx, { kind: "subscription", subscription }, body),
    );
    const token = seat.invitation_token;
    if (entry.claimed === true && token !== null)
      applier.domain([...at, "claimed"], entry.claimed, () => claimSeat(applier.ctx, token));
  });
}
