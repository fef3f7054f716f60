/**
 * Customer seats, with Polar's rules (customer_seat/service.py, repository.py): a seat-based
 * subscription's or order's `seats` bound the pending and claimed seats; a seat is assigned to a
 * member of the billing customer (member model) or to a customer of its own (without it), then
 * claimed with its single-use invitation token (valid a day), which grants the product's benefits
 * to the holder; revoking takes them back and frees the seat for the next assignment.
 *
 * Seat-based pricing is on for every organization of the emulator (as for products: Polar turns it
 * on for every organization it creates), so Polar's `FeatureNotEnabled` never answers.
 *
 * The order of events: Polar enqueues the benefit jobs before it sends the seat's webhook, and
 * the jobs' `benefit_grant.*` go out after it, so `customer_seat.claimed` (or `.revoked`) comes
 * first, then each grant's event and `customer.state_changed`.
 */
import { emit } from "../../domain/events.js";
import { PolarHttpError, ResourceNotFound } from "../../errors.js";
import { normalizeEmail } from "../../pydantic/email.js";
import type { Ctx, Partition } from "../context.js";
import { openSession } from "../customer-sessions/service.js";
import { insertBareCustomer } from "../customers/service.js";
import type { CustomerRecord } from "../customers/table.js";
import { grantBenefit, revokeBenefit } from "../grants/service.js";
import { getOrCreateMemberByEmail, memberModelEnabled } from "../members/service.js";
import type { MemberRecord } from "../members/table.js";
import type { OrderRecord } from "../orders/table.js";
import type { SubscriptionRecord } from "../subscriptions/table.js";
import { serializeSeat } from "./serialize.js";
import type { SeatRecord } from "./table.js";

/** How long an invitation token is valid (`timedelta(days=1)`). */
export const INVITATION_TTL_MS = 24 * 60 * 60 * 1000;

const URL_SAFE = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/** A subscription or an order whose seats are assigned. */
export type SeatContainer =
  | { kind: "subscription"; subscription: SubscriptionRecord }
  | { kind: "order"; order: OrderRecord };

/** Polar's `SeatError`s: `{"error": <class name>, "detail": <message>}` with their status. */
function seatError(status: number, name: string, detail: string): PolarHttpError {
  return new PolarHttpError(status, { error: name, detail });
}

export const invalidToken = () =>
  seatError(400, "InvalidInvitationToken", "Invalid or expired invitation token");

function invalidAssignment(
  detail = "Exactly one of email, external_customer_id, or customer_id must be provided",
): PolarHttpError {
  return seatError(400, "InvalidSeatAssignmentRequest", detail);
}

function containerRef(container: SeatContainer) {
  return container.kind === "subscription"
    ? { id: container.subscription.id, subscription_id: container.subscription.id, order_id: null }
    : { id: container.order.id, subscription_id: null, order_id: container.order.id };
}

function containerOf(partition: Partition, seat: SeatRecord): SeatContainer | undefined {
  if (seat.subscription_id !== null) {
    const subscription = partition.subscriptions.get(seat.subscription_id);
    return subscription && { kind: "subscription", subscription };
  }
  const order = seat.order_id === null ? undefined : partition.orders.get(seat.order_id);
  return order && { kind: "order", order };
}

function billingCustomerId(container: SeatContainer): string {
  return container.kind === "subscription" ? container.subscription.customer_id : container.order.customer_id;
}

function productIdOf(container: SeatContainer): string | null {
  return container.kind === "subscription" ? container.subscription.product_id : container.order.product_id;
}

/** The container's `seats` (none: 0). */
export function totalSeats(container: SeatContainer): number {
  return (container.kind === "subscription" ? container.subscription.seats : container.order.seats) ?? 0;
}

/** The container's seats, in creation order. */
export function seatsOf(partition: Partition, container: SeatContainer): SeatRecord[] {
  return partition.customerSeats.ofContainer(containerRef(container));
}

/** `seats` less the pending and claimed seats, never below 0; 0 without `seats`. */
export function availableSeats(partition: Partition, container: SeatContainer): number {
  const seats = container.kind === "subscription" ? container.subscription.seats : container.order.seats;
  if (seats === null) return 0;
  const taken = seatsOf(partition, container).filter((seat) => seat.status !== "revoked").length;
  return Math.max(0, seats - taken);
}

function publish(
  ctx: Ctx,
  partition: Partition,
  seat: SeatRecord,
  type: "customer_seat.assigned" | "customer_seat.claimed" | "customer_seat.revoked",
  customerId: string | null,
): void {
  emit(ctx, type, { organizationId: seat.organization_id, customerId, subjectId: seat.id }, () =>
    serializeSeat(partition, seat),
  );
}

/** `enqueue_benefits_grants`: the product's benefits granted to (or revoked from) the seat's holder. */
function syncSeatBenefits(
  ctx: Ctx,
  partition: Partition,
  container: SeatContainer,
  customerId: string,
  memberId: string | null,
  granted: boolean,
): void {
  const customer = partition.customers.get(customerId);
  const productId = productIdOf(container);
  const product = productId === null ? undefined : partition.products.get(productId);
  if (!customer || customer.deleted_at !== null || !product) return;
  const member = memberId === null ? null : (partition.members.get(memberId) ?? null);
  const scope =
    container.kind === "subscription"
      ? { subscription: container.subscription, member }
      : { order: container.order, member };
  if (granted) {
    for (const benefitId of product.benefit_ids) {
      const benefit = partition.benefits.get(benefitId);
      if (benefit && !benefit.is_deleted) grantBenefit(ctx, customer, benefit, scope);
    }
    return;
  }
  // Revoking takes back every grant of the scope, the product's current benefits or not.
  for (const grant of [...partition.grants.ofCustomer(customer.id)]) {
    const sameScope =
      grant.member_id === (member?.id ?? null) &&
      (container.kind === "subscription"
        ? grant.subscription_id === container.subscription.id
        : grant.order_id === container.order.id);
    if (!sameScope || grant.granted_at === null) continue;
    const benefit = partition.benefits.get(grant.benefit_id);
    if (benefit) revokeBenefit(ctx, customer, benefit, scope);
  }
}

export interface SeatAssignment {
  email?: string | null;
  external_customer_id?: string | null;
  customer_id?: string | null;
  external_member_id?: string | null;
  member_id?: string | null;
  metadata?: Record<string, unknown> | null;
  immediate_claim?: boolean;
}

/** Who a seat goes to, resolved before anything is written (Polar's transaction rolls back on refusal). */
interface Target {
  /** The customer stored on the seat: the billing customer (member model) or the holder's own. */
  customer: () => CustomerRecord;
  member: () => MemberRecord | null;
  email: string | null;
}

/** A member of the billing customer by email: the existing one, or one made on commit. */
function memberByEmail(ctx: Ctx, billing: CustomerRecord, email: string): () => MemberRecord {
  const existing = ctx.store.partition(billing.organization_id).members.byEmail(billing.id, email.trim());
  return () => existing ?? getOrCreateMemberByEmail(ctx, billing, email);
}

function memberModelTarget(
  ctx: Ctx,
  partition: Partition,
  container: SeatContainer,
  billing: CustomerRecord,
  input: SeatAssignment,
): Target {
  let email = input.email ?? null;
  if (input.customer_id || input.external_customer_id) {
    const customer = input.customer_id
      ? partition.customers.live(input.customer_id)
      : partition.customers.byExternalId.get(input.external_customer_id ?? "");
    if (!customer)
      throw invalidAssignment("Customer not found for the provided customer_id or external_customer_id.");
    if (!email) email = customer.email;
  }

  let member: () => MemberRecord;
  let memberEmail: string;
  let linkExternalId: string | null = null;
  if (input.member_id) {
    const found = partition.members.live(input.member_id);
    if (!found || found.customer_id !== billing.id)
      throw seatError(404, "MemberNotFound", `Member not found: ${input.member_id}`);
    member = () => found;
    memberEmail = found.email;
  } else if (input.external_member_id) {
    const externalId = input.external_member_id;
    const mismatch = () =>
      seatError(
        400,
        "MemberEmailMismatch",
        `Member with external_member_id '${externalId}' exists but has a different email than '${email}'`,
      );
    const found = partition.members.byExternalId(billing.id, externalId);
    if (found) {
      if (email && found.email.toLowerCase() !== email.toLowerCase()) throw mismatch();
      member = () => found;
      memberEmail = found.email;
    } else {
      if (!email) throw seatError(404, "MemberNotFound", `Member not found: ${externalId}`);
      const byEmail = partition.members.byEmail(billing.id, email.trim());
      if (byEmail && byEmail.external_id !== null && byEmail.external_id !== externalId) throw mismatch();
      if (!byEmail || byEmail.external_id === null) linkExternalId = externalId;
      member = memberByEmail(ctx, billing, email);
      memberEmail = byEmail?.email ?? email.trim();
    }
  } else if (email) {
    member = memberByEmail(ctx, billing, email);
    memberEmail = partition.members.byEmail(billing.id, email.trim())?.email ?? email.trim();
  } else {
    throw invalidAssignment(
      "At least one of email, external_member_id, or member_id must be provided when member_model_enabled is true.",
    );
  }

  const existing = seatsOf(partition, container).find(
    (seat) => seat.email !== null && seat.email.toLowerCase() === memberEmail.toLowerCase(),
  );
  if (existing && existing.status !== "revoked")
    throw seatError(400, "SeatAlreadyAssigned", `Seat already assigned to customer ${memberEmail}`);

  return {
    customer: () => billing,
    member: () => {
      const made = member();
      if (linkExternalId !== null && made.external_id === null) made.external_id = linkExternalId;
      return made;
    },
    email: memberEmail,
  };
}

function legacyTarget(
  ctx: Ctx,
  partition: Partition,
  container: SeatContainer,
  billing: CustomerRecord,
  input: SeatAssignment,
): Target {
  const given = [input.email, input.external_customer_id, input.customer_id].filter(
    (value) => value !== undefined && value !== null,
  );
  if (given.length !== 1) throw invalidAssignment();
  let customer: CustomerRecord | undefined;
  if (input.email) customer = partition.customers.byEmail.get(input.email.toLowerCase());
  else if (input.external_customer_id)
    customer = partition.customers.byExternalId.get(input.external_customer_id);
  else if (input.customer_id) customer = partition.customers.live(input.customer_id);
  const email = input.email ? normalizeEmail(input.email) : null;
  if (!customer && email === null)
    throw seatError(
      404,
      "CustomerNotFound",
      `Customer not found: ${input.external_customer_id || String(input.customer_id)}`,
    );

  if (customer) {
    const held = customer.id;
    const existing = seatsOf(partition, container).find((seat) => seat.customer_id === held);
    if (existing && existing.status !== "revoked") {
      const identifier = input.email || input.external_customer_id || String(input.customer_id);
      throw seatError(400, "SeatAlreadyAssigned", `Seat already assigned to customer ${identifier}`);
    }
  }
  const found = customer;
  let made: CustomerRecord | undefined;
  const holder = () => {
    made ??= found ?? insertBareCustomer(ctx, partition.organization.id, email ?? "");
    return made;
  };
  return {
    customer: holder,
    member: () => {
      const holderEmail = holder().email;
      return holderEmail === null ? null : getOrCreateMemberByEmail(ctx, billing, holderEmail);
    },
    email: found ? found.email : email,
  };
}

/** `SeatService.assign_seat`. */
export function assignSeat(ctx: Ctx, container: SeatContainer, input: SeatAssignment): SeatRecord {
  const partition = ctx.store.partition(
    container.kind === "subscription"
      ? container.subscription.organization_id
      : container.order.organization_id,
  );
  const ref = containerRef(container);
  if (productIdOf(container) === null)
    throw seatError(400, "SeatNotAvailable", "Container has no associated product");
  if (container.kind === "order" && container.order.status === "pending")
    throw seatError(400, "SeatNotAvailable", "Order must be paid before assigning seats");
  if (availableSeats(partition, container) <= 0)
    throw seatError(400, "SeatNotAvailable", `No available seats for ${ref.id}`);
  const billing = partition.customers.get(billingCustomerId(container));
  if (!billing) throw new ResourceNotFound();

  const target =
    memberModelEnabled(partition) || input.external_member_id || input.member_id
      ? memberModelTarget(ctx, partition, container, billing, input)
      : legacyTarget(ctx, partition, container, billing, input);

  // Every check passed: write.
  const customer = target.customer();
  const member = target.member();
  const now = ctx.clock.now();
  const immediate = input.immediate_claim === true;
  const token = immediate ? null : ctx.random.fromCharacters(URL_SAFE, 43);
  const fields = {
    status: immediate ? ("claimed" as const) : ("pending" as const),
    invitation_token: token,
    invitation_token_expires_at: immediate ? null : new Date(now.getTime() + INVITATION_TTL_MS),
    customer_id: customer.id,
    member_id: member?.id ?? null,
    email: target.email,
    seat_metadata: { ...(input.metadata ?? {}) },
    revoked_at: null,
    claimed_at: immediate ? now : null,
  };
  const revoked = seatsOf(partition, container).find((seat) => seat.status === "revoked");
  let seat: SeatRecord;
  if (revoked) {
    seat = Object.assign(revoked, fields, { modified_at: now });
  } else {
    seat = {
      id: ctx.random.uuid(),
      organization_id: partition.organization.id,
      subscription_id: ref.subscription_id,
      order_id: ref.order_id,
      ...fields,
      created_at: now,
      modified_at: null,
    };
    partition.customerSeats.insert(seat);
  }

  if (immediate) {
    publish(ctx, partition, seat, "customer_seat.claimed", seat.customer_id);
    syncSeatBenefits(ctx, partition, container, customer.id, seat.member_id, true);
  } else {
    publish(ctx, partition, seat, "customer_seat.assigned", seat.customer_id);
  }
  return seat;
}

/** The seat an invitation token names, pending and unexpired (`get_seat_by_token`), or undefined. */
export function seatByToken(ctx: Ctx, token: string): { partition: Partition; seat: SeatRecord } | undefined {
  for (const partition of ctx.store.partitions.values()) {
    const seat = partition.customerSeats.byToken(token);
    if (!seat) continue;
    if (seat.status !== "pending") return undefined;
    const expires = seat.invitation_token_expires_at;
    if (expires && expires.getTime() < ctx.clock.now().getTime()) return undefined;
    return { partition, seat };
  }
  return undefined;
}

/** `get_claim_info`: what the invitation is for. */
export function claimInfo(ctx: Ctx, token: string) {
  const found = seatByToken(ctx, token);
  if (!found) throw new ResourceNotFound("Invalid or expired invitation token");
  const { partition, seat } = found;
  const container = containerOf(partition, seat);
  const productId = container ? productIdOf(container) : null;
  const product = productId === null ? undefined : partition.products.get(productId);
  if (!product) throw new ResourceNotFound("Seat has no subscription or order");
  const member = seat.member_id === null ? undefined : partition.members.get(seat.member_id);
  const customer = seat.customer_id === null ? undefined : partition.customers.get(seat.customer_id);
  return {
    product_name: product.name,
    product_id: product.id,
    organization_name: partition.organization.name,
    organization_slug: partition.organization.slug,
    customer_email: seat.email || member?.email || customer?.email || "",
    can_claim: seat.status === "pending",
  };
}

/** `claim_seat`: the seat claimed, its benefits granted, and a portal session for its holder. */
export function claimSeat(
  ctx: Ctx,
  token: string,
): { partition: Partition; seat: SeatRecord; sessionToken: string } {
  let found: { partition: Partition; seat: SeatRecord } | undefined;
  for (const partition of ctx.store.partitions.values()) {
    const seat = partition.customerSeats.byToken(token);
    if (seat) found = { partition, seat };
  }
  if (found?.seat.status !== "pending") throw invalidToken();
  const { partition, seat } = found;
  const expires = seat.invitation_token_expires_at;
  if (expires && expires.getTime() < ctx.clock.now().getTime()) throw invalidToken();
  const container = containerOf(partition, seat);
  if (!container || productIdOf(container) === null || seat.customer_id === null) throw invalidToken();

  let sessionCustomer: CustomerRecord | undefined;
  let member: MemberRecord | null =
    seat.member_id === null ? null : (partition.members.get(seat.member_id) ?? null);
  if (memberModelEnabled(partition)) {
    sessionCustomer = partition.customers.live(seat.customer_id);
    if (!sessionCustomer) throw invalidToken();
    if (seat.member_id === null) {
      if (!seat.email) throw invalidToken();
      member = getOrCreateMemberByEmail(ctx, sessionCustomer, seat.email);
      seat.member_id = member.id;
    }
  } else {
    sessionCustomer = partition.customers.get(seat.customer_id);
    if (!sessionCustomer) throw invalidToken();
    const billing = partition.customers.get(billingCustomerId(container));
    if (billing && seat.member_id === null && sessionCustomer.email) {
      member = getOrCreateMemberByEmail(ctx, billing, sessionCustomer.email);
      seat.member_id = member.id;
      seat.email = sessionCustomer.email;
    }
  }
  const now = ctx.clock.now();
  seat.status = "claimed";
  seat.claimed_at = now;
  seat.invitation_token = null;
  seat.modified_at = now;

  const session =
    member !== null && member.deleted_at === null
      ? openSession(ctx, sessionCustomer, member)
      : openSession(ctx, sessionCustomer, null);
  publish(ctx, partition, seat, "customer_seat.claimed", seat.customer_id);
  syncSeatBenefits(ctx, partition, container, seat.customer_id, seat.member_id, true);
  return { partition, seat, sessionToken: session.token };
}

/** `revoke_seat`: a revoked seat is answered as it is; else benefits go and the seat is freed. */
export function revokeSeat(ctx: Ctx, partition: Partition, seat: SeatRecord): SeatRecord {
  if (seat.status === "revoked") return seat;
  const container = containerOf(partition, seat);
  const customerId = seat.customer_id;
  const memberId = seat.member_id;
  const now = ctx.clock.now();
  seat.status = "revoked";
  seat.revoked_at = now;
  seat.invitation_token = null;
  seat.customer_id = null;
  seat.member_id = null;
  seat.email = null;
  seat.modified_at = now;
  publish(ctx, partition, seat, "customer_seat.revoked", customerId);
  if (container && customerId !== null)
    syncSeatBenefits(ctx, partition, container, customerId, memberId, false);
  return seat;
}

/** `resend_invitation`: only a pending seat with a token and an email to send it to. */
export function resendInvitation(partition: Partition, seat: SeatRecord): SeatRecord {
  if (seat.status !== "pending") throw seatError(400, "SeatNotPending", "Seat is not in pending status");
  if (!seat.invitation_token) throw invalidToken();
  const member = seat.member_id === null ? undefined : partition.members.get(seat.member_id);
  const customer = seat.customer_id === null ? undefined : partition.customers.get(seat.customer_id);
  if (!(seat.email || member?.email || customer?.email)) throw invalidToken();
  return seat;
}

/** Revokes every seat of a subscription that ended (`revoke_all_seats_for_subscription`). */
export function revokeSubscriptionSeats(ctx: Ctx, subscription: SubscriptionRecord): void {
  const partition = ctx.store.partition(subscription.organization_id);
  for (const seat of seatsOf(partition, { kind: "subscription", subscription }))
    if (seat.status !== "revoked") revokeSeat(ctx, partition, seat);
}
