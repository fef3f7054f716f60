/** The event-types operations of Polar's API: thin handlers over the service. */
import { listEnvelope, pageOf } from "../../domain/list.js";
import { canonicalUuid } from "../../pydantic/uuid.js";
import { type Handlers, json, list, optional, organizationIds, organizationOf } from "../operation.js";
import { listEventTypes } from "./list.js";
import { serializeEventType, serializeEventTypeWithStats } from "./serialize.js";
import { getEventType, updateEventType } from "./service.js";

export type EventTypeOperation = "event-types:list" | "event-types:update";

export const eventTypeHandlers = (): Handlers<EventTypeOperation> => ({
  "event-types:list": (call) => {
    const { query } = call;
    const page = pageOf(query);
    const parentId = optional(query.parent_id);
    const found = listEventTypes(
      call.ctx,
      {
        organizationIds: organizationIds(call),
        customerIds: list(query.customer_id),
        externalCustomerIds: list(query.external_customer_id),
        query: optional(query.query),
        rootEvents: query.root_events === true,
        parentId: parentId === undefined ? undefined : canonicalUuid(parentId),
        source: optional(query.source),
      },
      list(query.sorting),
      page,
    );
    return json(200, listEnvelope(found, page, serializeEventTypeWithStats));
  },

  "event-types:update": (call) => {
    const eventType = getEventType(call.ctx, organizationOf(call), call.params.id);
    // Polar answers with the row before it is written: `modified_at` as it was.
    const modifiedAt = eventType.modified_at;
    return json(200, serializeEventType(updateEventType(call.ctx, eventType, call.body), modifiedAt));
  },
});
