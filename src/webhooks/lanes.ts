/** One endpoint's outbox (a lane) and the jobs in it. */

import type { Logger } from "pino";
import type { EndpointRecord } from "./endpoints.js";
import type { DeliveryKind, DeliveryRecord, WebhookEventRecord } from "./log.js";
import type { InFlight } from "./transport.js";

export interface Job {
  event: WebhookEventRecord;
  kind: DeliveryKind;
}

/** One endpoint's outbox and what is under way for it. */
export interface Lane {
  endpoint: EndpointRecord;
  queue: Job[];
  busy: boolean;
  /** strict ordering: the head waits out its backoff here. */
  backoff: NodeJS.Timeout | undefined;
  /** polar ordering: retries on their own schedule. */
  retries: Map<NodeJS.Timeout, Job>;
  /** Retries that came due while delivery was paused. */
  parked: Job[];
  inflight: Set<InFlight>;
  /** Out-of-order fault: the burst being collected. */
  burst: Job[] | undefined;
  /** Every webhook event of this endpoint still in the log, oldest first (for the disable rule). */
  events: WebhookEventRecord[];
  /** The length at which `events` drops what the log no longer holds. */
  eventsTrimAt: number;
  /** New events skipped because the endpoint had `maxPending` events waiting. */
  dropped: number;
}

/** How many events a lane takes between two trims: a tenth of the log (at least 16). */
export function laneTrimStep(logSize: number): number {
  return Math.max(16, Math.ceil(logSize / 10));
}

/**
 * A lane keeps the events the log still holds, and its pending ones: trimmed on its own (at
 * `logSize` per lane) it held up to 1.5 × `logSize` events and their payloads for every
 * endpoint, past the log's cap (the soak's three endpoints: 45,000 where the log keeps 10,000).
 * Trimmed when another tenth of the log has come, so each event costs O(1) amortized.
 */
export function trimLaneEvents(lane: Lane, log: { event(id: string): unknown }, logSize: number): void {
  lane.events = lane.events.filter(
    (event) => log.event(event.id) !== undefined || (event.succeeded === null && !event.skipped),
  );
  lane.eventsTrimAt = lane.events.length + laneTrimStep(logSize);
}

/** What the control plane shows of an endpoint's lane. */
export function laneView(lane: Lane): { endpoint: EndpointRecord; pending: number; dropped: number } {
  return { endpoint: lane.endpoint, pending: pendingOf(lane), dropped: lane.dropped };
}

export function pendingOf(lane: Lane): number {
  return lane.queue.length + lane.parked.length + lane.retries.size;
}

export function newLane(endpoint: EndpointRecord, eventsTrimAt: number): Lane {
  return {
    endpoint,
    queue: [],
    busy: false,
    backoff: undefined,
    retries: new Map(),
    parked: [],
    inflight: new Set(),
    burst: undefined,
    events: [],
    eventsTrimAt,
    dropped: 0,
  };
}

export function stopLane(lane: Lane): void {
  for (const request of lane.inflight) request.cancel();
  for (const timer of lane.retries.keys()) clearTimeout(timer);
  if (lane.backoff) clearTimeout(lane.backoff);
  lane.queue = [];
  lane.parked = [];
  lane.retries.clear();
  lane.backoff = undefined;
}

/** A disabled endpoint's pending events are skipped, as Polar marks them; how many. */
export function skipPending(lane: Lane): number {
  const pending = [...lane.queue, ...lane.parked, ...lane.retries.values()];
  for (const job of pending) {
    if (job.event.succeeded === null) job.event.skipped = true;
  }
  lane.queue = [];
  lane.parked = [];
  for (const timer of lane.retries.keys()) clearTimeout(timer);
  lane.retries.clear();
  if (lane.backoff) clearTimeout(lane.backoff);
  lane.backoff = undefined;
  return pending.length;
}

/** Whether the endpoint's `threshold` latest completed events all failed (Polar then disables it). */
export function latestAllFailed(lane: Lane, threshold: number): boolean {
  const recent: WebhookEventRecord[] = [];
  for (let index = lane.events.length - 1; index >= 0 && recent.length < threshold; index--) {
    const candidate = lane.events[index];
    if (candidate.succeeded !== null) recent.push(candidate);
  }
  return recent.length >= threshold && recent.every((candidate) => candidate.succeeded === false);
}

/** Whether the lane has anything queued, in flight, waiting for a retry or collecting a burst. */
export function laneBusy(lane: Lane): boolean {
  // `inflight` covers a polar-ordering retry, whose timer has left `retries` while it is attempted.
  return (
    lane.busy ||
    lane.queue.length > 0 ||
    lane.retries.size > 0 ||
    lane.inflight.size > 0 ||
    lane.burst !== undefined
  );
}

/**
 * The endpoint has `maxPending` events waiting: a new one is not kept (nor logged as an event,
 * which would hold its payload); a warning on the first and every 1,000th after.
 */
export function dropEvent(lane: Lane, record: WebhookEventRecord, logger: Logger, maxPending: number): void {
  lane.dropped++;
  if (lane.dropped % 1000 === 1 || maxPending < 1000)
    logger.warn(
      {
        endpointId: lane.endpoint.id,
        url: lane.endpoint.url,
        type: record.type,
        pending: pendingOf(lane),
        dropped: lane.dropped,
      },
      "webhook backlog full: event skipped (the endpoint has --webhook-max-pending events waiting)",
    );
}

export function logRetry(
  logger: Logger,
  lane: Lane,
  job: Job,
  delivery: DeliveryRecord | undefined,
  delay: number,
): void {
  logger.info(
    {
      webhookEventId: job.event.id,
      type: job.event.type,
      url: lane.endpoint.url,
      attempt: job.event.attempts,
      status: delivery?.http_code ?? null,
      error: delivery?.error ?? null,
      retryInMs: delay,
    },
    "webhook attempt failed, will retry",
  );
}
