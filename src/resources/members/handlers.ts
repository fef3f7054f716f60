/** The members operations of Polar's API (member/endpoints.py): thin handlers over the service. */
import { listEnvelope, pageOf } from "../../domain/list.js";
import { ResourceNotFound } from "../../errors.js";
import { pythonUuid } from "../../pydantic/uuid.js";
import type { CustomerRecord } from "../customers/table.js";
import { type Call, type Handlers, json, list, NO_CONTENT, optional, organizationOf } from "../operation.js";
import { listMembers } from "./list.js";
import { serializeMember } from "./serialize.js";
import {
  addMember,
  deleteMember,
  getMemberByExternalIds,
  getMemberOfCustomer,
  updateMember,
} from "./service.js";
import type { MemberRecord } from "./table.js";

export type MemberOperation =
  | "members:list_members"
  | "customers:members:create"
  | "customers:members:create_external"
  | "customers:members:get"
  | "customers:members:get_external"
  | "customers:members:update"
  | "customers:members:update_external"
  | "customers:members:delete"
  | "customers:members:delete_external";

/** The live customer a member is added to, or 404 `Customer not found`. */
function customerOf(
  call: Call<"customers:members:create" | "customers:members:create_external">,
): CustomerRecord {
  const partition = call.ctx.store.partition(organizationOf(call));
  const customer =
    "id" in call.params
      ? partition.customers.live(call.params.id)
      : partition.customers.byExternalId.get(call.params.external_id);
  if (!customer) throw new ResourceNotFound("Customer not found");
  return customer;
}

function byId(
  call: Call<"customers:members:get" | "customers:members:update" | "customers:members:delete">,
): MemberRecord {
  return getMemberOfCustomer(call.ctx, organizationOf(call), call.params.id, call.params.member_id);
}

function byExternalIds(
  call: Call<
    | "customers:members:get_external"
    | "customers:members:update_external"
    | "customers:members:delete_external"
  >,
): MemberRecord {
  return getMemberByExternalIds(
    call.ctx,
    organizationOf(call),
    call.params.external_id,
    call.params.member_external_id,
  );
}

export const memberHandlers = (): Handlers<MemberOperation> => ({
  "members:list_members": (call) => {
    const { query } = call;
    // A plain string in the schema: Polar parses it with Python's `UUID()` and answers 404 when it cannot.
    let customerId: string | undefined;
    if (typeof query.customer_id === "string") {
      const parsed = pythonUuid(query.customer_id);
      if (parsed === null) throw new ResourceNotFound("Invalid customer ID format");
      customerId = parsed;
    }
    const page = pageOf(query);
    const found = listMembers(
      call.ctx,
      {
        organizationIds: [organizationOf(call)],
        customerId,
        externalCustomerId: optional(query.external_customer_id),
        role: optional(query.role),
      },
      list(query.sorting),
      page,
    );
    return json(200, listEnvelope(found, page, serializeMember));
  },

  "customers:members:create": (call) =>
    json(201, serializeMember(addMember(call.ctx, customerOf(call), call.body))),
  "customers:members:create_external": (call) =>
    json(201, serializeMember(addMember(call.ctx, customerOf(call), call.body))),

  "customers:members:get": (call) => json(200, serializeMember(byId(call))),
  "customers:members:get_external": (call) => json(200, serializeMember(byExternalIds(call))),

  "customers:members:update": (call) =>
    json(200, serializeMember(updateMember(call.ctx, byId(call), call.body))),
  "customers:members:update_external": (call) =>
    json(200, serializeMember(updateMember(call.ctx, byExternalIds(call), call.body))),

  "customers:members:delete": (call) => {
    deleteMember(call.ctx, byId(call));
    return NO_CONTENT;
  },
  "customers:members:delete_external": (call) => {
    deleteMember(call.ctx, byExternalIds(call));
    return NO_CONTENT;
  },
});
