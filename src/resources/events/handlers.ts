/** Events: ingestion (`POST /v1/events/ingest`), the lists and one event. */
import { listEnvelope, pageOf, paginate } from "../../domain/list.js";
import { ResourceNotFound } from "../../errors.js";
import { canonicalUuid, uuid4Problem } from "../../pydantic/uuid.js";
import { iso } from "../../util/time.js";
import {
  dateParam,
  type Handlers,
  json,
  list,
  metadataFilter,
  optional,
  organizationIds,
  organizationOf,
} from "../operation.js";
import { findEvent, listEvents, nameStats } from "./list.js";
import { eventNameLabel, serializeEvent } from "./serialize.js";
import { type EventsIngestBody, eventFilters, ingestEvents } from "./service.js";

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
    parent_id: event.parent_id ?? null,
    metadata: event.metadata ?? {},
  };
  if (customerId !== null) {
    return { ...common, customer_id: customerId, member_id: uuidOrNull(raw.member_id) };
  }
  const externalMemberId = raw.external_member_id;
  return {
    ...common,
    external_customer_id: String(raw.external_customer_id),
    external_member_id: typeof externalMemberId === "string" ? externalMemberId : null,
  };
}

export type EventOperation = "events:ingest" | "events:list" | "events:get" | "events:list_names";

export const eventHandlers = (): Handlers<EventOperation> => ({
  "events:ingest": (call) => {
    const result = ingestEvents(call.ctx, organizationOf(call), call.body.events.map(eventInput));
    return json(200, { inserted: result.inserted, duplicates: result.duplicates });
  },

  "events:list": (call) => {
    const { query } = call;
    const page = pageOf(query);
    const filters = eventFilters(call.ctx, {
      filter: optional(query.filter),
      startTimestamp: dateParam(query.start_timestamp),
      endTimestamp: dateParam(query.end_timestamp),
      organizationIdFilter: list(query.organization_id),
      organizationIds: organizationIds(call),
      customerIds: list(query.customer_id),
      externalCustomerIds: list(query.external_customer_id),
      meterId: optional(query.meter_id),
      names: list(query.name),
      sources: list(query.source),
      query: optional(query.query),
      parentId: optional(query.parent_id),
      depth: optional(query.depth),
      metadata: metadataFilter(query.metadata),
    });
    // Only the first criterion's direction counts: events sort by timestamp alone.
    const first = list(query.sorting)?.[0] ?? "-timestamp";
    const found = listEvents(call.ctx, filters, first.startsWith("-"), page);
    return json(
      200,
      listEnvelope(found, page, ({ listed, childCount }) =>
        serializeEvent(call.ctx.store.partition(listed.event.organization_id), listed.event, childCount),
      ),
    );
  },

  "events:get": (call) => {
    const listed = findEvent(call.ctx, [organizationOf(call)], call.params.id);
    if (listed === undefined) throw new ResourceNotFound();
    // Polar counts children only when asked for aggregated fields, which the API never is.
    return json(200, serializeEvent(call.ctx.store.partition(listed.event.organization_id), listed.event, 0));
  },

  "events:list_names": (call) => {
    const { query } = call;
    const page = pageOf(query);
    const ids = organizationIds(call);
    const stats = nameStats(
      call.ctx,
      {
        organizationIds: ids,
        customerIds: list(query.customer_id),
        externalCustomerIds: list(query.external_customer_id),
        sources: list(query.source),
        nameQuery: optional(query.query),
      },
      list(query.sorting) ?? [],
    );
    const found = paginate(stats, page);
    const label = eventNameLabel(call.ctx, ids, found.items);
    return json(
      200,
      listEnvelope(found, page, (item) => ({
        name: item.name,
        label: label(item),
        source: item.source,
        occurrences: item.occurrences,
        first_seen: iso(item.firstSeen),
        last_seen: iso(item.lastSeen),
      })),
    );
  },
});
