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
import { meterQuantities, quantitiesJson } from "./quantities.js";
import { serializeMeter } from "./serialize.js";
import { createMeter, getMeter, listMeters, updateMeter } from "./service.js";

export type MeterOperation =
  | "meters:list"
  | "meters:create"
  | "meters:get"
  | "meters:update"
  | "meters:quantities";

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

  "meters:update": (call) => {
    const { answer } = updateMeter(
      call.ctx,
      getMeter(call.ctx, organizationOf(call), call.params.id),
      call.body,
    );
    return json(200, serializeMeter(answer));
  },

  // Floats as pydantic writes them (`3.0`), which JSON.stringify cannot: the JSON is written here.
  "meters:quantities": (call) => {
    const organizationId = organizationOf(call);
    const meter = getMeter(call.ctx, organizationId, call.params.id);
    const result = meterQuantities(call.ctx.store.partition(organizationId), meter, {
      start: call.query.start_timestamp,
      end: call.query.end_timestamp,
      interval: call.query.interval,
      timezone: call.query.timezone ?? "UTC",
      customerIds: list(call.query.customer_id),
      externalCustomerIds: list(call.query.external_customer_id),
      metadata: metadataFilter(call.query.metadata),
      customerAggregation: optional(call.query.customer_aggregation_function),
    });
    return { status: 200, text: quantitiesJson(result), contentType: "application/json" };
  },
});
