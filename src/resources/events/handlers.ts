/** Event ingestion (`POST /v1/events/ingest`). */
import { canonicalUuid, uuid4Problem } from "../../pydantic/uuid.js";
import { type Handlers, json, organizationOf } from "../operation.js";
import { type EventsIngestBody, ingestEvents } from "./service.js";

type EventInput = EventsIngestBody["events"][number];

function uuidOrNull(value: unknown): string | null {
  return typeof value === "string" && uuid4Problem(value) === null ? canonicalUuid(value) : null;
}

/**
 * An ingested event as pydantic hands it over: the union member it validated as (a valid
 * `customer_id` makes it EventCreateCustomer, whose model ignores `external_customer_id`), UUIDs
 * in their canonical spelling.
 */
function eventInput(event: EventInput): EventInput {
  const raw: Record<string, unknown> = event;
  const organizationId = uuidOrNull(raw.organization_id) ?? raw.organization_id;
  const customerId = uuidOrNull(raw.customer_id);
  const common = {
    ...(typeof raw.timestamp === "string" ? { timestamp: raw.timestamp } : {}),
    name: event.name,
    organization_id: typeof organizationId === "string" ? organizationId : null,
    external_id: event.external_id ?? null,
    metadata: event.metadata ?? {},
  };
  if (customerId !== null) {
    return { ...common, customer_id: customerId, member_id: uuidOrNull(raw.member_id) };
  }
  return { ...common, external_customer_id: String(raw.external_customer_id) };
}

export type EventOperation = "events:ingest";

export const eventHandlers = (): Handlers<EventOperation> => ({
  "events:ingest": (call) => {
    const result = ingestEvents(call.ctx, organizationOf(call), call.body.events.map(eventInput));
    return json(200, { inserted: result.inserted, duplicates: result.duplicates });
  },
});
