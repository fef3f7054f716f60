/** The meters, customer meters and event ingestion operations of Polar's API. */
import { serializeCustomerMeter, serializeMeter } from "../domain/meter-serialize.js";
import { createMeter, getMeter, listMeters, validateMeterCreate } from "../domain/meters.js";
import {
  getCustomerMeter,
  ingestEvents,
  listCustomerMeters,
  validateEventTimestamps,
} from "../domain/usage.js";
import type {
  CustomerMeterSortProperty,
  EventsIngestBody,
  MeterCreateBody,
  MeterSortProperty,
} from "../domain/wire.js";
import { type Handlers, json, organizationOf, rejectOrganizationId } from "../http/handler.js";
import { listResource, pageOf } from "../http/pagination.js";
import { canonicalUuid, uuid4Problem } from "../http/uuid.js";
import { booleanParam, list, metadataFilter, organizationIds, stringParam } from "./query.js";

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
  const raw = event as Record<string, unknown>;
  const organizationId = uuidOrNull(raw.organization_id) ?? raw.organization_id;
  const customerId = uuidOrNull(raw.customer_id);
  const common = {
    ...(typeof raw.timestamp === "string" ? { timestamp: raw.timestamp } : {}),
    name: event.name,
    organization_id: (organizationId ?? null) as string | null,
    external_id: event.external_id ?? null,
    metadata: event.metadata ?? {},
  };
  if (customerId !== null) {
    return { ...common, customer_id: customerId, member_id: uuidOrNull(raw.member_id) };
  }
  return { ...common, external_customer_id: String(raw.external_customer_id) };
}

export const meterHandlers: Handlers = {
  "meters:list": (call) => {
    const page = pageOf(call.query);
    const { items, total } = listMeters(
      call.ctx,
      {
        organizationIds: organizationIds(call),
        query: stringParam(call.query.query),
        isArchived: booleanParam(call.query.is_archived),
        metadata: metadataFilter(call.query.metadata),
      },
      (list(call.query.sorting) ?? []) as MeterSortProperty[],
      page.page,
      page.limit,
    );
    return json(200, listResource(items.map(serializeMeter), total, page));
  },

  "meters:create": (call) => {
    const body = call.body as MeterCreateBody;
    const organizationId = organizationOf(call);
    // pydantic's model validator runs first (createMeter checks it before anything else).
    if (body.organization_id !== undefined && body.organization_id !== null) {
      validateMeterCreate(body);
      rejectOrganizationId(canonicalUuid(body.organization_id));
    }
    return json(201, serializeMeter(createMeter(call.ctx, organizationId, body)));
  },

  "meters:get": (call) => json(200, serializeMeter(getMeter(call.ctx, organizationOf(call), call.params.id))),

  "customer_meters:list": (call) => {
    const page = pageOf(call.query);
    const { items, total } = listCustomerMeters(
      call.ctx,
      {
        organizationIds: organizationIds(call),
        customerIds: list(call.query.customer_id),
        externalCustomerIds: list(call.query.external_customer_id),
        meterIds: list(call.query.meter_id),
      },
      (list(call.query.sorting) ?? []) as CustomerMeterSortProperty[],
      page.page,
      page.limit,
    );
    const partition = (organizationId: string) => call.ctx.store.partition(organizationId);
    return json(
      200,
      listResource(
        items.map((item) => serializeCustomerMeter(partition(item.organization_id), item)),
        total,
        page,
      ),
    );
  },

  "customer_meters:get": (call) => {
    const customerMeter = getCustomerMeter(call.ctx, organizationOf(call), call.params.id);
    return json(
      200,
      serializeCustomerMeter(call.ctx.store.partition(customerMeter.organization_id), customerMeter),
    );
  },

  "events:ingest": (call) => {
    const body = call.body as EventsIngestBody;
    validateEventTimestamps(body.events, call.ctx.clock.now());
    const result = ingestEvents(call.ctx, organizationOf(call), body.events.map(eventInput));
    return json(200, { inserted: result.inserted, duplicates: result.duplicates });
  },
};
