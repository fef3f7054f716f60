/** The public Member object, in the spec's key order. */
import type { Schemas } from "../../domain/wire.js";
import { iso, isoOrNull } from "../../util/time.js";
import type { MemberRecord } from "./table.js";

export function serializeMember(member: MemberRecord): Schemas["Member"] {
  return {
    id: member.id,
    created_at: iso(member.created_at),
    modified_at: isoOrNull(member.modified_at),
    customer_id: member.customer_id,
    email: member.email,
    name: member.name,
    external_id: member.external_id,
    role: member.role,
  };
}
