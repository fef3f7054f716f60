/**
 * Customer sessions (server/polar/customer_session/service.py): opened by the organization for
 * one of its customers, by id or external id; with the member model on, the session is a member
 * session of the owner member (or of the member named). Valid for `CUSTOMER_SESSION_TTL`, an hour;
 * an expired session, or one of a deleted customer, no longer authenticates.
 */
import type { Schemas } from "../../domain/wire.js";
import { PolarRequestValidationError, RequestValidationError } from "../../errors.js";
import { httpUrlProblem, normalizedHttpUrl } from "../../pydantic/url.js";
import type { Ctx, Partition } from "../context.js";
import type { CustomerRecord } from "../customers/table.js";
import { createOwner, memberModelEnabled, planOwner } from "../members/service.js";
import type { MemberRecord } from "../members/table.js";
import type { CustomerSessionRecord } from "./table.js";

export type CustomerSessionCreateBody =
  | Schemas["CustomerSessionCustomerIDCreate"]
  | Schemas["CustomerSessionCustomerExternalIDCreate"];

/**
 * `external_customer_id` also reads `customer_external_id` (pydantic's `AliasChoices`, the first
 * one given wins), which the OpenAPI document does not say.
 */
export function externalIdAlias(body: unknown): void {
  if (typeof body !== "object" || body === null || Array.isArray(body)) return;
  const fields = body as Record<string, unknown>;
  if ("external_customer_id" in fields || !("customer_external_id" in fields)) return;
  fields.external_customer_id = fields.customer_external_id;
  delete fields.customer_external_id;
}

/** Polar's `CUSTOMER_SESSION_TTL`. */
export const CUSTOMER_SESSION_TTL_MS = 60 * 60 * 1000;

function invalid(field: string, msg: string, input: unknown): PolarRequestValidationError {
  return new PolarRequestValidationError([{ type: "value_error", loc: ["body", field], msg, input }]);
}

function customerOf(partition: Partition, body: CustomerSessionCreateBody): CustomerRecord {
  if ("customer_id" in body) {
    const customer = partition.customers.live(body.customer_id);
    if (!customer) throw invalid("customer_id", "Customer does not exist.", body.customer_id);
    return customer;
  }
  const customer = partition.customers.byExternalId.get(body.external_customer_id);
  if (!customer) throw invalid("external_customer_id", "Customer does not exist.", body.external_customer_id);
  return customer;
}

/** The member a member session is for (`_resolve_member`). */
function memberOf(
  ctx: Ctx,
  partition: Partition,
  customer: CustomerRecord,
  body: CustomerSessionCreateBody,
): MemberRecord {
  if (body.member_id !== undefined && body.member_id !== null) {
    const member = partition.members.live(body.member_id);
    if (!member || member.customer_id !== customer.id)
      throw invalid("member_id", "Member does not exist for this customer.", body.member_id);
    return member;
  }
  if (body.external_member_id !== undefined && body.external_member_id !== null) {
    const member = partition.members.byExternalId(customer.id, body.external_member_id);
    if (!member)
      throw invalid(
        "external_member_id",
        "Member does not exist for this customer.",
        body.external_member_id,
      );
    return member;
  }
  if (customer.type === "team") throw invalid("member_id", "member_id is required for team customers.", null);
  const owner = partition.members.ownerOf(customer.id);
  if (owner) return owner;
  const plan = planOwner(partition, customer, null);
  if (!plan) throw invalid("customer_id", "No owner member found for this customer.", customer.id);
  return createOwner(ctx, customer, plan);
}

/** `return_url` as pydantic's `HttpUrl` reads it (the spec's JSON Schema says only "a string"). */
function returnUrl(value: string | null | undefined): string | null {
  if (value === undefined || value === null) return null;
  const problem = httpUrlProblem(value);
  if (problem) throw new RequestValidationError([{ ...problem, loc: ["body", "return_url"], input: value }]);
  return normalizedHttpUrl(value);
}

export function createCustomerSession(
  ctx: Ctx,
  organizationId: string,
  body: CustomerSessionCreateBody,
): CustomerSessionRecord {
  const partition = ctx.store.partition(organizationId);
  const returnTo = returnUrl(body.return_url);
  const customer = customerOf(partition, body);
  const member = memberModelEnabled(partition) ? memberOf(ctx, partition, customer, body) : null;
  const now = ctx.clock.now();
  const session: CustomerSessionRecord = {
    id: ctx.random.uuid(),
    organization_id: organizationId,
    customer_id: customer.id,
    member_id: member?.id ?? null,
    token: `${member ? "polar_mst_" : "polar_cst_"}${ctx.random.alphanumeric(43)}`,
    return_url: returnTo,
    expires_at: new Date(now.getTime() + CUSTOMER_SESSION_TTL_MS),
    created_at: now,
    modified_at: null,
  };
  partition.customerSessions.insert(session);
  return session;
}

/**
 * A session opened by the server itself, without a return URL (a claimed seat's,
 * `create_member_session` or `create_customer_session`): a member session when a member is given.
 */
export function openSession(
  ctx: Ctx,
  customer: CustomerRecord,
  member: MemberRecord | null,
): CustomerSessionRecord {
  const now = ctx.clock.now();
  const session: CustomerSessionRecord = {
    id: ctx.random.uuid(),
    organization_id: customer.organization_id,
    customer_id: member?.customer_id ?? customer.id,
    member_id: member?.id ?? null,
    token: `${member ? "polar_mst_" : "polar_cst_"}${ctx.random.alphanumeric(43)}`,
    return_url: null,
    expires_at: new Date(now.getTime() + CUSTOMER_SESSION_TTL_MS),
    created_at: now,
    modified_at: null,
  };
  ctx.store.partition(customer.organization_id).customerSessions.insert(session);
  return session;
}

/** Who a customer session authenticates: the customer, and the member of a member session. */
export interface PortalSubject {
  organizationId: string;
  customer: CustomerRecord;
  member: MemberRecord | null;
  session: CustomerSessionRecord;
}

/**
 * The subject of a session token, or undefined when no session has it, it has expired, or its
 * customer (or member) is deleted: Polar's `get_by_token` with `Customer.can_authenticate`.
 */
export function resolveCustomerSession(ctx: Ctx, token: string): PortalSubject | undefined {
  for (const partition of ctx.store.partitions.values()) {
    const session = partition.customerSessions.byToken.get(token);
    if (!session) continue;
    if (ctx.clock.now().getTime() >= session.expires_at.getTime()) return undefined;
    const customer = partition.customers.live(session.customer_id);
    if (!customer) return undefined;
    const member = session.member_id === null ? null : partition.members.live(session.member_id);
    if (member === undefined) return undefined;
    return { organizationId: partition.organization.id, customer, member, session };
  }
  return undefined;
}
