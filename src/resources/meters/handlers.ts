/** The meters operations of Polar's API: thin handlers over the service. */
import { listEnvelope, pageOf } from "../../domain/list.js";
import { canonicalUuid } from "../../pydantic/uuid.js";
import {
  type Handlers,
  json,
  list,
  metadataFilter,
  optional,
  organizationIds,
  organizationOf,
  rejectOrganizationId,
} from "../operation.js";
import { serializeMeter } from "./serialize.js";
import { createMeter, getMeter, listMeters } from "./service.js";

export type MeterOperation = "meters:list" | "meters:create" | "meters:get";

export const meterHandlers = (): Handlers<MeterOperation> => ({
  "meters:list": (call) => {
    const page = pageOf(call.query);
    const found = listMeters(
      call.ctx,
      {
        organizationIds: organizationIds(call),
        query: optional(call.query.query),
        isArchived: optional(call.query.is_archived),
        metadata: metadataFilter(call.query.metadata),
      },
      list(call.query.sorting),
      page,
    );
    return json(200, listEnvelope(found, page, serializeMeter));
  },

  "meters:create": (call) => {
    const organizationId = call.body.organization_id;
    if (organizationId !== undefined && organizationId !== null)
      rejectOrganizationId(canonicalUuid(organizationId));
    return json(201, serializeMeter(createMeter(call.ctx, organizationOf(call), call.body)));
  },

  "meters:get": (call) => json(200, serializeMeter(getMeter(call.ctx, organizationOf(call), call.params.id))),
});
