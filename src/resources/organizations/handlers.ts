/** The organizations operations of Polar's API, for the organization of the token. */
import { listEnvelope, pageOf } from "../../domain/list.js";
import { Unauthorized } from "../../errors.js";
import { type Handlers, json, list, optional, organizationOf } from "../operation.js";
import { serializeOrganization } from "./serialize.js";
import { getOrganization, listOrganizations, updateOrganization } from "./service.js";

export type OrganizationOperation =
  | "organizations:list"
  | "organizations:create"
  | "organizations:get"
  | "organizations:update";

export const organizationHandlers = (): Handlers<OrganizationOperation> => ({
  "organizations:list": (call) => {
    const page = pageOf(call.query);
    const found = listOrganizations(
      call.ctx,
      organizationOf(call),
      { slug: optional(call.query.slug) },
      list(call.query.sorting),
      page,
    );
    return json(
      200,
      listEnvelope(found, page, (partition) => serializeOrganization(partition)),
    );
  },

  // Only a user may create an organization: the pipeline refuses organization tokens (401) first.
  "organizations:create": () => {
    throw new Unauthorized();
  },

  "organizations:get": (call) => {
    const partition = getOrganization(call.ctx, organizationOf(call), call.params.id);
    return json(200, serializeOrganization(partition));
  },

  "organizations:update": (call) => {
    const partition = getOrganization(call.ctx, organizationOf(call), call.params.id);
    updateOrganization(call.ctx, partition, call.body);
    return json(200, serializeOrganization(partition));
  },
});
