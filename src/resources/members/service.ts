/**
 * Members of customers, with Polar's rules (server/polar/member/service.py, repository.py,
 * models/member.py): the organization's member model feature, one owner per customer (made with
 * the customer), an individual customer's single member, members unique per customer by email
 * (without case) and by external id, ownership transfer, the only owner kept, soft deletion. Each
 * change sends its `member.*` webhook; none moves the customer's state.
 */
import { emit } from "../../domain/events.js";
import type { Schemas } from "../../domain/wire.js";
import { NotPermitted, PolarRequestValidationError, ResourceNotFound } from "../../errors.js";
import { normalizeEmail } from "../../pydantic/email.js";
import { pythonStrip } from "../../pydantic/scalars.js";
import type { Ctx, Partition } from "../context.js";
import type { CustomerRecord } from "../customers/table.js";
import { serializeMember } from "./serialize.js";
import type { MemberRecord, MemberRole } from "./table.js";

export type MemberCreateBody = Schemas["MemberCreateFromCustomer"];
export type MemberUpdateBody = Schemas["MemberUpdate"];
export type MemberOwnerBody = Schemas["MemberOwnerCreate"];

type Detail = PolarRequestValidationError["details"][number];

/** Polar's `EmptyStrToNone` (name, external id): stripped, and nothing left is None. */
function emptyToNull(value: string | null | undefined): string | null {
  if (value === undefined || value === null) return null;
  const stripped = pythonStrip(value);
  return stripped === "" ? null : stripped;
}

/** An email as the schema hands it on (`EmailStr`: the domain lower-cased), then `strip()`ped. */
function memberEmail(value: string): string {
  return pythonStrip(normalizeEmail(value));
}

/** Whether the organization has Polar's member model (`feature_settings.member_model_enabled`). */
export function memberModelEnabled(partition: Partition): boolean {
  return partition.organization.member_model_enabled === true;
}

function publish(
  ctx: Ctx,
  member: MemberRecord,
  type: "member.created" | "member.updated" | "member.deleted",
) {
  emit(
    ctx,
    type,
    { organizationId: member.organization_id, customerId: member.customer_id, subjectId: member.id },
    () => serializeMember(member),
  );
}

function insert(
  ctx: Ctx,
  customer: CustomerRecord,
  fields: Pick<MemberRecord, "email" | "name" | "external_id" | "role"> & { created_at?: Date },
): MemberRecord {
  const member: MemberRecord = {
    id: ctx.random.uuid(),
    organization_id: customer.organization_id,
    customer_id: customer.id,
    email: fields.email,
    name: fields.name,
    external_id: fields.external_id,
    role: fields.role,
    created_at: fields.created_at ?? ctx.clock.now(),
    modified_at: null,
    deleted_at: null,
  };
  ctx.store.partition(customer.organization_id).members.insert(member);
  return member;
}

/** What the owner made with a customer will be, checked before the customer is created. */
export interface OwnerPlan {
  email: string;
  name: string | null;
  external_id: string | null;
}

/**
 * `create_owner_member`, its checks: with the member model, a new customer gets an owner from
 * `owner` (falling back to the customer's email, name and external id). Null without the model.
 * Run before the customer is stored, so a refusal changes nothing.
 */
export function planOwner(
  partition: Partition,
  customer: { email: string | null; name: string | null; external_id: string | null },
  owner: MemberOwnerBody | null | undefined,
): OwnerPlan | null {
  if (!memberModelEnabled(partition)) return null;
  const email = owner?.email ? normalizeEmail(owner.email) : customer.email;
  if (email === null) {
    throw new PolarRequestValidationError([
      {
        type: "value_error",
        loc: ["body", "email"],
        msg: "An email is required to create an owner member.",
        input: null,
      },
    ]);
  }
  return {
    email: pythonStrip(email),
    name: emptyToNull(owner?.name) ?? customer.name,
    external_id: emptyToNull(owner?.external_id) ?? customer.external_id,
  };
}

/** The owner of a customer just created, dated with it; sends `member.created`. */
export function createOwner(ctx: Ctx, customer: CustomerRecord, plan: OwnerPlan): MemberRecord {
  const member = insert(ctx, customer, { ...plan, role: "owner", created_at: customer.created_at });
  publish(ctx, member, "member.created");
  return member;
}

/**
 * Adds a member to a customer (`MemberService.create`): 403 without the member model, 403 for an
 * individual customer that has a member already; a member with this email is answered as it is.
 */
export function addMember(ctx: Ctx, customer: CustomerRecord, body: MemberCreateBody): MemberRecord {
  const partition = ctx.store.partition(customer.organization_id);
  if (!memberModelEnabled(partition)) {
    throw new NotPermitted("Member management is not enabled for this organization");
  }
  const email = memberEmail(body.email);
  if (customer.type === "individual" && partition.members.liveOf(customer.id).length >= 1) {
    throw new NotPermitted(
      "Individual customers can only have one member (the owner). Upgrade to a team customer to add more members.",
    );
  }
  const existing = partition.members.byEmail(customer.id, email);
  if (existing) return existing;
  const externalId = emptyToNull(body.external_id);
  if (externalId !== null && partition.members.byExternalId(customer.id, externalId)) {
    // Polar's unique index refuses it with a 500; the emulator answers in the words of its email check.
    throw new PolarRequestValidationError([
      {
        type: "value_error",
        loc: ["body", "external_id"],
        msg: "A member with this external ID already exists for this customer.",
        input: body.external_id,
      },
    ]);
  }
  const member = insert(ctx, customer, {
    email,
    name: emptyToNull(body.name),
    external_id: externalId,
    role: body.role ?? "member",
  });
  publish(ctx, member, "member.created");
  return member;
}

/** A live member of the organization that belongs to the customer, or 404 `Member not found`. */
export function getMemberOfCustomer(
  ctx: Ctx,
  organizationId: string,
  customerId: string,
  memberId: string,
): MemberRecord {
  const member = ctx.store.partitions.get(organizationId)?.members.live(memberId);
  if (!member || member.customer_id !== customerId) throw new ResourceNotFound("Member not found");
  return member;
}

/** The member with this external id of the live customer with that external id, or 404 `Member not found`. */
export function getMemberByExternalIds(
  ctx: Ctx,
  organizationId: string,
  customerExternalId: string,
  memberExternalId: string,
): MemberRecord {
  const partition = ctx.store.partition(organizationId);
  const customer = partition.customers.byExternalId.get(customerExternalId);
  const member = customer && partition.members.byExternalId(customer.id, memberExternalId);
  if (!member) throw new ResourceNotFound("Member not found");
  return member;
}

function invalid(field: string, msg: string, input: unknown): PolarRequestValidationError {
  const detail: Detail = { type: "value_error", loc: ["body", field], msg, input };
  return new PolarRequestValidationError([detail]);
}

/**
 * `MemberService.update` as the API calls it (ownership transfer allowed): name, email and role,
 * each only when given. Making a member the owner demotes the current owner to billing manager;
 * the last owner cannot step down; an individual customer's member keeps the customer's email.
 * Checked whole, then applied; nothing to change sends nothing.
 */
export function updateMember(ctx: Ctx, member: MemberRecord, body: MemberUpdateBody): MemberRecord {
  const partition = ctx.store.partition(member.organization_id);
  const role: MemberRole | null = body.role ?? null;
  const name = emptyToNull(body.name);
  let demoted: MemberRecord | undefined;
  if (role !== null && role !== member.role) {
    const owners = partition.members.liveOf(member.customer_id).filter((item) => item.role === "owner");
    const isOwner = member.role === "owner";
    if (role === "owner" && !isOwner && owners.length >= 1) demoted = owners[0];
    if (isOwner && role !== "owner" && owners.length <= 1)
      throw invalid("role", "Cannot change role. Customer must have exactly one owner.", role);
  }
  let email: string | null = null;
  if (body.email !== undefined && body.email !== null) {
    const candidate = memberEmail(body.email);
    if (candidate !== member.email) {
      const customer = partition.customers.get(member.customer_id);
      if (customer?.type === "individual") {
        throw invalid(
          "email",
          "Cannot change the email of an individual customer's owner. Update the customer's email instead.",
          candidate,
        );
      }
      const taken = partition.members.byEmail(member.customer_id, candidate);
      if (taken && taken.id !== member.id)
        throw invalid("email", "A member with this email already exists for this customer.", candidate);
      email = candidate;
    }
  }
  const roleChange = role !== null && role !== member.role && demoted === undefined;
  if (name === null && !roleChange && email === null && demoted === undefined) return member;

  const now = ctx.clock.now();
  if (demoted) {
    demoted.role = "billing_manager";
    demoted.modified_at = now;
    member.role = "owner";
  }
  if (name !== null) member.name = name;
  if (roleChange && role !== null) member.role = role;
  if (email !== null) member.email = email;
  member.modified_at = now;
  publish(ctx, member, "member.updated");
  return member;
}

/** Deletes a member (softly), unless it is the customer's only owner; sends `member.deleted`. */
export function deleteMember(ctx: Ctx, member: MemberRecord): void {
  const partition = ctx.store.partition(member.organization_id);
  if (member.role === "owner") {
    const owners = partition.members.liveOf(member.customer_id).filter((item) => item.role === "owner");
    if (owners.length <= 1) {
      throw new PolarRequestValidationError([
        {
          type: "value_error",
          loc: ["body"],
          msg: "Cannot delete the only owner. Transfer ownership first.",
          input: member.id,
        },
      ]);
    }
  }
  remove(ctx, member);
}

function remove(ctx: Ctx, member: MemberRecord): void {
  const now = ctx.clock.now();
  member.deleted_at = now;
  member.modified_at = now;
  publish(ctx, member, "member.deleted");
}

/** When a customer is deleted: every member goes, the owner too (`delete_by_customer`). */
export function deleteCustomerMembers(ctx: Ctx, customer: CustomerRecord): void {
  const partition = ctx.store.partition(customer.organization_id);
  for (const member of partition.members.liveOf(customer.id)) remove(ctx, member);
}

/**
 * An individual customer's owner follows the customer's email (`sync_owner_email`), without a
 * webhook; a team's members keep theirs.
 */
export function syncOwnerEmail(ctx: Ctx, customer: CustomerRecord): void {
  if (customer.type !== "individual" || customer.email === null) return;
  const owner = ctx.store.partition(customer.organization_id).members.ownerOf(customer.id);
  if (!owner || owner.email.toLowerCase() === customer.email.toLowerCase()) return;
  owner.email = customer.email;
  // The same change as the customer's: one moment for both.
  owner.modified_at = customer.modified_at ?? ctx.clock.now();
}

/**
 * `get_or_create_by_email`: the customer's live member with this email (stripped, compared
 * without case), else a new plain member, without a webhook (seats make their members this way).
 */
export function getOrCreateMemberByEmail(ctx: Ctx, customer: CustomerRecord, email: string): MemberRecord {
  const stripped = pythonStrip(email);
  const partition = ctx.store.partition(customer.organization_id);
  const existing = partition.members.byEmail(customer.id, stripped);
  if (existing) return existing;
  return insert(ctx, customer, { email: stripped, name: null, external_id: null, role: "member" });
}
