/**
 * The portal's members and wallets (customer_portal/endpoints/member.py, wallet.py): a team
 * customer's owner or billing manager manages its members, through the members' service; the
 * emulator keeps no wallets.
 */
import { listEnvelope, pageOf, paginate } from "../../domain/list.js";
import type { Schemas } from "../../domain/wire.js";
import { NotPermitted, PolarRequestValidationError, ResourceNotFound } from "../../errors.js";
import { iso, isoOrNull } from "../../util/time.js";
import type { PortalSubject } from "../customer-sessions/service.js";
import { addMember, deleteMember, updateMember } from "../members/service.js";
import type { MemberRecord } from "../members/table.js";
import { type Handlers, json, NO_CONTENT } from "../operation.js";
import { billingSubject, portalSubject } from "./subject.js";

export type PortalMemberOperation =
  | "customer_portal:members:list_members"
  | "customer_portal:members:add_member"
  | "customer_portal:members:update_member"
  | "customer_portal:members:remove_member"
  | "customer_portal:wallets:list"
  | "customer_portal:wallets:get";

function serializePortalMember(member: MemberRecord): Schemas["CustomerPortalMember"] {
  return {
    created_at: iso(member.created_at),
    modified_at: isoOrNull(member.modified_at),
    id: member.id,
    email: member.email,
    name: member.name,
    role: member.role,
  };
}

/** `CustomerPortalBillingManager` and `_require_team_customer`: an owner or billing manager of a team. */
function teamManager(call: Parameters<typeof portalSubject>[0]): PortalSubject & { member: MemberRecord } {
  const subject = portalSubject(call);
  const { member } = subject;
  if (!member || (member.role !== "owner" && member.role !== "billing_manager"))
    throw new NotPermitted("Insufficient role for this operation");
  if (subject.customer.type !== "team")
    throw new NotPermitted(
      "Member management is only available for team customers. Purchase a seat-based product to enable team features.",
    );
  return { ...subject, member };
}

function pathRefusal(msg: string, id: string): PolarRequestValidationError {
  return new PolarRequestValidationError([{ type: "value_error", loc: ["path", "id"], msg, input: id }]);
}

function memberOf(
  subject: PortalSubject,
  partition: { members: { live(id: string): MemberRecord | undefined } },
  id: string,
) {
  const member = partition.members.live(id);
  if (!member || member.customer_id !== subject.customer.id) throw new ResourceNotFound("Member not found");
  return member;
}

export const portalMemberHandlers = (): Handlers<PortalMemberOperation> => ({
  "customer_portal:members:list_members": (call) => {
    const subject = teamManager(call);
    const partition = call.ctx.store.partition(subject.organizationId);
    const page = pageOf(call.query);
    const found = paginate(partition.members.liveOf(subject.customer.id), page);
    return json(200, listEnvelope(found, page, serializePortalMember));
  },

  "customer_portal:members:add_member": (call) => {
    const subject = teamManager(call);
    if (call.body.role === "owner")
      throw new PolarRequestValidationError([
        {
          type: "value_error",
          loc: ["body", "role"],
          msg: "Cannot add a member as owner. There must be exactly one owner.",
          input: call.body.role,
        },
      ]);
    const member = addMember(call.ctx, subject.customer, {
      email: call.body.email,
      name: call.body.name ?? null,
      role: call.body.role ?? "member",
    });
    return json(201, serializePortalMember(member));
  },

  "customer_portal:members:update_member": (call) => {
    const subject = teamManager(call);
    const partition = call.ctx.store.partition(subject.organizationId);
    const member = memberOf(subject, partition, call.params.id);
    const role = call.body.role ?? null;
    if (role !== null && role !== member.role && member.id === subject.member.id)
      throw pathRefusal("You cannot modify your own role.", call.params.id);
    if (role === "owner" && member.role !== "owner" && subject.member.role !== "owner")
      throw new PolarRequestValidationError([
        {
          type: "value_error",
          loc: ["body", "role"],
          msg: "Only the owner can transfer ownership.",
          input: role,
        },
      ]);
    return json(200, serializePortalMember(updateMember(call.ctx, member, { name: call.body.name, role })));
  },

  "customer_portal:members:remove_member": (call) => {
    const subject = teamManager(call);
    const partition = call.ctx.store.partition(subject.organizationId);
    const member = memberOf(subject, partition, call.params.id);
    if (member.id === subject.member.id)
      throw pathRefusal("You cannot remove yourself from the team.", call.params.id);
    deleteMember(call.ctx, member);
    return NO_CONTENT;
  },

  "customer_portal:wallets:list": (call) => {
    billingSubject(call);
    const none: never[] = [];
    return json(
      200,
      listEnvelope({ items: none, total: 0 }, pageOf(call.query), (item) => item),
    );
  },

  "customer_portal:wallets:get": (call) => {
    billingSubject(call);
    throw new ResourceNotFound();
  },
});
