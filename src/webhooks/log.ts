/**
 * The delivery log: every webhook event (one per endpoint and domain event, as Polar's
 * WebhookEvent) and every attempt to deliver it, bounded in size, with the filters the deliveries
 * API and the control plane use, and waiters for "tell me when this has been delivered".
 */
import type { ApiVersion } from "../domain/versions.js";
import type { Schemas } from "../domain/wire.js";

import { iso, isoOrNull } from "../util/time.js";

type WebhookDeliveryWire = Schemas["WebhookDelivery"];
type WebhookEventType = Schemas["WebhookEventType"];
type WebhookEventWire = Schemas["WebhookEvent"];

export interface WebhookEventRecord {
  /** The `webhook-id` header: stable across retries and redeliveries. */
  id: string;
  /** Creation order, for sorting ties (a fixed clock gives many events the same time). */
  seq: number;
  endpointId: string;
  organizationId: string;
  /** The domain event it carries. */
  domainEventId: string;
  type: WebhookEventType;
  customerId: string | null;
  externalCustomerId: string | null;
  created_at: Date;
  modified_at: Date | null;
  /** The API version of its payload: its endpoint's when it was created. */
  api_version: ApiVersion;
  /** The exact bytes sent, every attempt. */
  payload: string;
  /** null until an attempt completed it, as Polar's `succeeded`. */
  succeeded: boolean | null;
  skipped: boolean;
  last_http_code: number | null;
  /** Attempts made so far, redeliveries included (Polar counts them all against the limit). */
  attempts: number;
}

export type DeliveryKind = "attempt" | "redelivery" | "duplicate";

export interface DeliveryRecord {
  id: string;
  seq: number;
  /** Wall-clock time the attempt completed (when Polar writes its delivery row). */
  created_at: Date;
  event: WebhookEventRecord;
  /** 1 for the first attempt of the event, counting every attempt since. */
  attempt: number;
  kind: DeliveryKind;
  url: string;
  requestHeaders: Record<string, string>;
  succeeded: boolean;
  http_code: number | null;
  /** The response body (first 2048 characters), or the error text when there was no response. */
  response: string | null;
  error: string | null;
  duration_ms: number;
}

export interface DeliveryFilter {
  organizationId?: string;
  endpointIds?: string[];
  types?: string[];
  customerId?: string;
  externalCustomerId?: string;
  succeeded?: boolean;
  webhookEventId?: string;
  /** Only deliveries logged after the delivery with this seq. */
  afterSeq?: number;
  since?: Date;
  until?: Date;
  httpCodeClass?: "2xx" | "3xx" | "4xx" | "5xx";
  /** Polar's `query`: a substring of the delivery id, the event id or the HTTP code. */
  query?: string;
}

/** Which deliveries a wait or a listing means, as callers name them; every field given must match. */
export interface DeliveryQuery {
  type?: string;
  customerId?: string;
  externalCustomerId?: string;
  endpointId?: string;
  organizationId?: string;
  succeeded?: boolean;
  /** The webhook event id (the `webhook-id` header). */
  webhookEventId?: string;
  /**
   * Only deliveries made after this one (a delivery id from an earlier answer); one no longer in
   * the log (cleared, or trimmed) is older than all it holds.
   */
  after?: string;
}

export type EventStatus = "pending" | "succeeded" | "failed" | "skipped";

export interface EventFilter {
  organizationId?: string;
  endpointId?: string;
  type?: string;
  customerId?: string;
  externalCustomerId?: string;
  status?: EventStatus;
}

/** Where a webhook event stands. */
export function eventStatus(event: WebhookEventRecord): EventStatus {
  if (event.succeeded !== null) return event.succeeded ? "succeeded" : "failed";
  return event.skipped ? "skipped" : "pending";
}

interface Waiter {
  filter: DeliveryFilter;
  count: number;
  resolve: (deliveries: DeliveryRecord[]) => void;
}

function matchesEvent(event: WebhookEventRecord, filter: EventFilter): boolean {
  return (
    (filter.organizationId === undefined || event.organizationId === filter.organizationId) &&
    (filter.endpointId === undefined || event.endpointId === filter.endpointId) &&
    (filter.type === undefined || event.type === filter.type) &&
    (filter.customerId === undefined || event.customerId === filter.customerId) &&
    (filter.externalCustomerId === undefined || event.externalCustomerId === filter.externalCustomerId) &&
    (filter.status === undefined || eventStatus(event) === filter.status)
  );
}

export function matchesDelivery(delivery: DeliveryRecord, filter: DeliveryFilter): boolean {
  const { event } = delivery;
  if (filter.organizationId !== undefined && event.organizationId !== filter.organizationId) return false;
  if (filter.endpointIds !== undefined && !filter.endpointIds.includes(event.endpointId)) return false;
  if (filter.types !== undefined && !filter.types.includes(event.type)) return false;
  if (filter.customerId !== undefined && event.customerId !== filter.customerId) return false;
  if (filter.externalCustomerId !== undefined && event.externalCustomerId !== filter.externalCustomerId)
    return false;
  if (filter.succeeded !== undefined && delivery.succeeded !== filter.succeeded) return false;
  if (filter.webhookEventId !== undefined && event.id !== filter.webhookEventId) return false;
  if (filter.afterSeq !== undefined && delivery.seq <= filter.afterSeq) return false;
  if (filter.since !== undefined && delivery.created_at <= filter.since) return false;
  if (filter.until !== undefined && delivery.created_at >= filter.until) return false;
  if (filter.httpCodeClass !== undefined) {
    const low = Number(filter.httpCodeClass[0]) * 100;
    if (delivery.http_code === null || delivery.http_code < low || delivery.http_code >= low + 100)
      return false;
  }
  if (filter.query !== undefined) {
    const needle = filter.query.toLowerCase();
    if (
      !delivery.id.includes(needle) &&
      !event.id.includes(needle) &&
      !String(delivery.http_code ?? "").includes(needle)
    )
      return false;
  }
  return true;
}

/**
 * Drops the oldest items beyond `capacity`, except those `keep` says to keep; returns the dropped.
 * Callers trim in batches (when half a capacity has piled up), so each add is O(1) amortized.
 */
function dropOldest<T>(items: T[], capacity: number, keep: (item: T) => boolean = () => false): T[] {
  const excess = items.length - capacity;
  const dropped: T[] = [];
  const kept: T[] = [];
  for (let index = 0; index < items.length; index++) {
    const item = items[index] as T;
    if (index < excess && !keep(item)) dropped.push(item);
    else kept.push(item);
  }
  items.length = 0;
  items.push(...kept);
  return dropped;
}

export class DeliveryLog {
  private events: WebhookEventRecord[] = [];
  private readonly eventsById = new Map<string, WebhookEventRecord>();
  private deliveries: DeliveryRecord[] = [];
  private readonly deliveriesById = new Map<string, DeliveryRecord>();
  private waiters = new Set<Waiter>();
  private seq = 0;
  /** The length at which the events are trimmed next: pending ones stay, so it can move up. */
  private eventsTrimAt: number;

  constructor(private readonly capacity: number) {
    this.eventsTrimAt = capacity * 1.5;
  }

  nextSeq(): number {
    this.seq += 1;
    return this.seq;
  }

  addEvent(event: WebhookEventRecord): void {
    this.events.push(event);
    this.eventsById.set(event.id, event);
    if (this.events.length <= this.eventsTrimAt) return;
    const pending = (item: WebhookEventRecord) => item.succeeded === null && !item.skipped;
    for (const dropped of dropOldest(this.events, this.capacity, pending)) this.eventsById.delete(dropped.id);
    // With many pending, the next trim waits until another half capacity has come.
    this.eventsTrimAt = Math.max(this.capacity * 1.5, this.events.length + this.capacity * 0.5);
  }

  addDelivery(delivery: DeliveryRecord): void {
    this.deliveries.push(delivery);
    this.deliveriesById.set(delivery.id, delivery);
    if (this.deliveries.length > this.capacity * 1.5) {
      for (const dropped of dropOldest(this.deliveries, this.capacity))
        this.deliveriesById.delete(dropped.id);
    }
    for (const waiter of this.waiters) {
      const found = this.matching(waiter.filter, waiter.count);
      if (found.length >= waiter.count) {
        this.waiters.delete(waiter);
        waiter.resolve(found);
      }
    }
  }

  /** The filter a caller's query stands for. */
  filterOf(query: DeliveryQuery): DeliveryFilter {
    const { after, endpointId, type, ...rest } = query;
    return {
      ...rest,
      // A cursor no longer in the log (cleared, or trimmed) is older than everything it holds.
      afterSeq: after === undefined ? undefined : this.deliveriesById.get(after)?.seq,
      endpointIds: endpointId === undefined ? undefined : [endpointId],
      types: type === undefined ? undefined : [type],
    };
  }

  event(id: string): WebhookEventRecord | undefined {
    return this.eventsById.get(id);
  }

  delivery(id: string): DeliveryRecord | undefined {
    return this.deliveriesById.get(id);
  }

  /** Webhook events, oldest first. */
  listEvents(filter: EventFilter = {}): WebhookEventRecord[] {
    return this.events.filter((event) => matchesEvent(event, filter));
  }

  /** Deliveries, oldest first. */
  listDeliveries(filter: DeliveryFilter = {}): DeliveryRecord[] {
    return this.deliveries.filter((delivery) => matchesDelivery(delivery, filter));
  }

  /** The first `count` deliveries that match, oldest first. */
  matching(filter: DeliveryFilter, count: number): DeliveryRecord[] {
    const found: DeliveryRecord[] = [];
    for (const delivery of this.deliveries) {
      if (!matchesDelivery(delivery, filter)) continue;
      found.push(delivery);
      if (found.length >= count) break;
    }
    return found;
  }

  /**
   * Resolves with the first `count` matching deliveries, at once when the log has them already,
   * or with what matched so far (fewer than `count`) when `timeoutMs` passes first.
   */
  waitFor(filter: DeliveryFilter, count: number, timeoutMs: number): Promise<DeliveryRecord[]> {
    const found = this.matching(filter, count);
    if (found.length >= count) return Promise.resolve(found);
    return new Promise((resolve) => {
      const waiter: Waiter = {
        filter,
        count,
        resolve: (deliveries) => {
          clearTimeout(timer);
          resolve(deliveries);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        resolve(this.matching(filter, count));
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  /** Forgets completed events and every delivery; pending events stay (they are still going out). */
  clear(): void {
    this.deliveries = [];
    this.deliveriesById.clear();
    this.events = this.events.filter((event) => event.succeeded === null && !event.skipped);
    this.eventsById.clear();
    for (const event of this.events) this.eventsById.set(event.id, event);
  }

  /** Everything, waiters included (they resolve with nothing). */
  reset(): void {
    for (const waiter of this.waiters) waiter.resolve([]);
    this.waiters.clear();
    this.events = [];
    this.eventsById.clear();
    this.deliveries = [];
    this.deliveriesById.clear();
  }
}

/** Polar's WebhookEvent object. */
export function serializeWebhookEvent(event: WebhookEventRecord): WebhookEventWire {
  return {
    created_at: iso(event.created_at),
    modified_at: isoOrNull(event.modified_at),
    id: event.id,
    last_http_code: event.last_http_code,
    succeeded: event.succeeded,
    skipped: event.skipped,
    api_version: event.api_version,
    payload: event.payload,
    type: event.type,
    is_archived: false,
  };
}

/** Polar's WebhookDelivery object. */
export function serializeDelivery(delivery: DeliveryRecord): WebhookDeliveryWire {
  return {
    created_at: iso(delivery.created_at),
    modified_at: null,
    id: delivery.id,
    succeeded: delivery.succeeded,
    http_code: delivery.http_code,
    response: delivery.response,
    webhook_event: serializeWebhookEvent(delivery.event),
  };
}

/** What the control plane says of the event a webhook event carries and where it goes. */
function eventFields(event: WebhookEventRecord) {
  return {
    event_id: event.domainEventId,
    endpoint_id: event.endpointId,
    organization_id: event.organizationId,
    type: event.type,
    customer_id: event.customerId,
    external_customer_id: event.externalCustomerId,
  };
}

/** The control plane's fuller view of an attempt: the request as sent and how it went. */
export function describeDelivery(delivery: DeliveryRecord) {
  const { event } = delivery;
  return {
    id: delivery.id,
    created_at: iso(delivery.created_at),
    webhook_event_id: event.id,
    ...eventFields(event),
    attempt: delivery.attempt,
    kind: delivery.kind,
    succeeded: delivery.succeeded,
    http_code: delivery.http_code,
    response: delivery.response,
    error: delivery.error,
    duration_ms: delivery.duration_ms,
    request: { method: "POST", url: delivery.url, headers: delivery.requestHeaders, body: event.payload },
  };
}

/** The control plane's view of a webhook event and where it stands. */
export function describeEvent(event: WebhookEventRecord) {
  return {
    id: event.id,
    created_at: iso(event.created_at),
    ...eventFields(event),
    status: eventStatus(event),
    attempts: event.attempts,
    last_http_code: event.last_http_code,
    payload: event.payload,
  };
}
