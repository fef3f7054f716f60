/** The CustomerSession object, with the URL of the emulator's customer portal page. */
import type { Schemas } from "../../domain/wire.js";
import { iso, isoOrNull } from "../../util/time.js";
import type { Partition } from "../context.js";
import { serializeCustomer } from "../customers/serialize.js";
import type { CustomerSessionRecord } from "./table.js";

/**
 * `customer_portal_url` as Polar's frontend has it, `/<organization slug>/portal?…`, on the
 * emulator's own base URL, with `customer_session_token`. A member session answers with
 * MemberSession.customer_portal_url (models/member_session.py): the same parameter, for API
 * compatibility, and the member's email (its `member_portal_url`, with `member_session_token`, is
 * not what the API returns). The portal page reads either parameter.
 */
export function customerPortalUrl(
  partition: Partition,
  session: CustomerSessionRecord,
  baseUrl: string,
): string {
  const customer = partition.customers.get(session.customer_id);
  const member = session.member_id === null ? undefined : partition.members.get(session.member_id);
  const query = new URLSearchParams({
    customer_session_token: session.token,
    email: member?.email ?? customer?.email ?? "",
  });
  return `${baseUrl}/${encodeURIComponent(partition.organization.slug)}/portal?${query.toString()}`;
}

export function serializeCustomerSession(
  partition: Partition,
  session: CustomerSessionRecord,
  baseUrl: string,
): Schemas["CustomerSession"] {
  const customer = partition.customers.get(session.customer_id);
  if (!customer) throw new Error(`[polar-emulator] customer ${session.customer_id} vanished`);
  return {
    created_at: iso(session.created_at),
    modified_at: isoOrNull(session.modified_at),
    id: session.id,
    token: session.token,
    expires_at: iso(session.expires_at),
    return_url: session.return_url,
    customer_portal_url: customerPortalUrl(partition, session, baseUrl),
    customer_id: session.customer_id,
    customer: serializeCustomer(customer),
  };
}
