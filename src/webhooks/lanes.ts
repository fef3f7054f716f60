/** One endpoint's outbox (a lane) and the jobs in it. */
import type { EndpointRecord } from "./endpoints.js";
import type { DeliveryKind, WebhookEventRecord } from "./log.js";
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
}

export function pendingOf(lane: Lane): number {
  return lane.queue.length + lane.parked.length + lane.retries.size;
}

export function newLane(endpoint: EndpointRecord): Lane {
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
