import type { Logger } from "pino";
import type { DomainEvent, EventBus } from "../domain/events.js";
import type { ApiVersion } from "../domain/versions.js";

import { ResourceNotFound } from "../errors.js";
import type { Clock } from "../util/clock.js";
import { Random } from "../util/random.js";
import { Debouncer } from "./debounce.js";
import {
  type EndpointInput,
  type EndpointPatch,
  type EndpointRecord,
  newEndpoint,
  newSecret,
  patchEndpoint,
  usesStandardSignature,
} from "./endpoints.js";
import {
  dropEvent,
  type Job,
  type Lane,
  laneBusy,
  laneTrimStep,
  laneView,
  latestAllFailed,
  logRetry,
  newLane,
  pendingOf,
  skipPending,
  stopLane,
  trimLaneEvents,
} from "./lanes.js";
import {
  type DeliveryFilter,
  DeliveryLog,
  type DeliveryRecord,
  type EventFilter,
  type WebhookEventRecord,
} from "./log.js";
import { chatPayload, externalCustomerIdOf, rawPayloads, statusErrorText } from "./payload.js";
import { type DeliverySettings, type Faults, retryDelay } from "./settings.js";
import { type SigningKeyRule, signedHeaders } from "./signing.js";
import { AgentPool, post } from "./transport.js";

export class WebhookEngine {
  readonly log: DeliveryLog;
  private readonly lanes = new Map<string, Lane>();
  readonly agents = new AgentPool(); // per endpoint: a hanging receiver never holds another's sockets
  private readonly debounced = new Debouncer((event) => this.fanOut(event));
  private random: Random;
  private unsubscribe: (() => void) | undefined;
  private pausedState = false;
  private closed = false;
  faults: Faults = { duplicate: false, outOfOrder: false };
  /**
   * An event's data as a version answers it (the resources say how versions differ); payloads
   * are rendered in their endpoint's version.
   */
  renderInVersion: (data: unknown, version: ApiVersion) => unknown = (data) => data;

  constructor(
    readonly settings: DeliverySettings,
    private readonly seed: number,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly organizationName: (organizationId: string) => string,
    /** The version an endpoint created without one renders its payloads in (Polar's current). */
    private readonly currentVersion: ApiVersion,
  ) {
    this.log = new DeliveryLog(settings.logSize);
    this.random = new Random(WebhookEngine.seedOf(seed));
  }

  /** The engine's own random sequence (endpoints and secrets do not shift the domain's ids). */
  private static seedOf(seed: number, epoch = 0): number {
    return (seed ^ 0x77686b73 ^ Math.imul(epoch, 0x9e3779b1)) >>> 0;
  }

  /** After full reset n ≥ 1, once the boot endpoints exist: ids from a sequence of that reset's own. */
  epoch(n: number): void {
    if (n > 0) this.random = new Random(WebhookEngine.seedOf(this.seed, n));
  }

  /** Listens to a domain's event bus (a full reset brings a new one). */
  attach(bus: EventBus): void {
    this.unsubscribe?.();
    this.unsubscribe = bus.subscribe((event) => this.intake(event));
  }

  get paused(): boolean {
    return this.pausedState;
  }

  // Endpoints ---------------------------------------------------------------------------------

  createEndpoint(organizationId: string, input: EndpointInput): EndpointRecord {
    const endpoint = newEndpoint(organizationId, input, {
      random: this.random,
      now: this.clock.now(),
      currentVersion: this.currentVersion,
    });
    this.lanes.set(endpoint.id, newLane(endpoint, laneTrimStep(this.settings.logSize)));
    this.logger.info(
      { endpointId: endpoint.id, url: endpoint.url, events: endpoint.events.length },
      "webhook endpoint created",
    );
    return endpoint;
  }

  /** The organization's endpoints, newest first. */
  listEndpoints(organizationId: string): EndpointRecord[] {
    return [...this.lanes.values()]
      .map((lane) => lane.endpoint)
      .filter((endpoint) => endpoint.organization_id === organizationId)
      .reverse();
  }

  getEndpoint(organizationId: string, id: string): EndpointRecord {
    const endpoint = this.lanes.get(id)?.endpoint;
    if (!endpoint || endpoint.organization_id !== organizationId) throw new ResourceNotFound();
    return endpoint;
  }

  /** Every organization's endpoints, oldest first, with what each has waiting. */
  allEndpoints(): { endpoint: EndpointRecord; pending: number; dropped: number }[] {
    return [...this.lanes.values()].map(laneView);
  }

  updateEndpoint(organizationId: string, id: string, patch: EndpointPatch): EndpointRecord {
    const endpoint = this.getEndpoint(organizationId, id);
    const enabling = patch.enabled === true && !endpoint.enabled;
    patchEndpoint(endpoint, patch, this.clock.now());
    if (enabling) this.logger.info({ endpointId: id }, "webhook endpoint enabled again");
    return endpoint;
  }

  resetSecret(organizationId: string, id: string): EndpointRecord {
    const endpoint = this.getEndpoint(organizationId, id);
    newSecret(endpoint, this.random, this.clock.now());
    return endpoint;
  }

  deleteEndpoint(organizationId: string, id: string): void {
    this.getEndpoint(organizationId, id);
    const lane = this.lanes.get(id);
    if (lane) {
      // What was still waiting for it will not go out.
      for (const job of [...lane.queue, ...lane.parked, ...lane.retries.values()]) {
        if (job.event.succeeded === null) job.event.skipped = true;
      }
      stopLane(lane);
    }
    this.lanes.delete(id);
    this.agents.release(id);
    this.logger.info({ endpointId: id }, "webhook endpoint deleted");
  }

  // Intake and fan-out ------------------------------------------------------------------------

  private intake(event: DomainEvent): void {
    if (this.closed) return;
    const window = this.settings.stateChangedDebounceMs;
    if (window > 0 && event.type === "customer.state_changed") this.debounced.push(event, window);
    else this.fanOut(event);
  }

  /** One webhook event per subscribed enabled endpoint of the organization; the list created. */
  fanOut(event: DomainEvent): WebhookEventRecord[] {
    const created: WebhookEventRecord[] = [];
    const rawIn = rawPayloads(event, this.renderInVersion);
    for (const lane of this.lanes.values()) {
      const { endpoint } = lane;
      if (endpoint.organization_id !== event.organizationId) continue;
      if (!endpoint.enabled || !endpoint.events.includes(event.type)) continue;
      const record: WebhookEventRecord = {
        id: this.random.uuid(),
        seq: this.log.nextSeq(),
        endpointId: endpoint.id,
        organizationId: event.organizationId,
        domainEventId: event.id,
        type: event.type,
        customerId: event.customerId,
        externalCustomerId: externalCustomerIdOf(event),
        created_at: event.timestamp,
        modified_at: null,
        api_version: endpoint.api_version,
        payload:
          endpoint.format === "raw"
            ? rawIn(endpoint.api_version)
            : chatPayload(endpoint.format, event, this.organizationName(event.organizationId)),
        succeeded: null,
        skipped: false,
        last_http_code: null,
        attempts: 0,
      };
      if (pendingOf(lane) >= this.settings.maxPending) {
        dropEvent(lane, record, this.logger, this.settings.maxPending);
        continue;
      }
      this.log.addEvent(record);
      lane.events.push(record);
      if (lane.events.length > lane.eventsTrimAt) trimLaneEvents(lane, this.log, this.settings.logSize);
      this.enqueue(lane, { event: record, kind: "attempt" });
      created.push(record);
    }
    return created;
  }

  private enqueue(lane: Lane, job: Job): void {
    if (this.faults.outOfOrder && job.kind === "attempt") {
      if (!lane.burst) {
        lane.burst = [];
        setImmediate(() => {
          const burst = lane.burst ?? [];
          lane.burst = undefined;
          lane.queue.push(...burst.reverse());
          void this.pump(lane);
        });
      }
      lane.burst.push(job);
      return;
    }
    lane.queue.push(job);
    void this.pump(lane);
  }

  // Delivery ----------------------------------------------------------------------------------

  private async pump(lane: Lane): Promise<void> {
    while (!lane.busy && !this.pausedState && !this.closed && lane.backoff === undefined) {
      const job = lane.queue[0];
      if (!job) return;
      if (!this.lanes.has(lane.endpoint.id)) return;
      if (!lane.endpoint.enabled) {
        skipPending(lane);
        return;
      }
      if (job.kind === "attempt" && job.event.succeeded === true) {
        lane.queue.shift();
        continue;
      }
      lane.busy = true;
      const delivery = await this.attempt(lane, job);
      const succeeded = delivery?.succeeded === true;
      lane.busy = false;
      if (!this.lanes.has(lane.endpoint.id) || lane.queue[0] !== job) return;
      if (succeeded || this.exhausted(job.event)) {
        lane.queue.shift();
        if (!succeeded) this.failed(lane, job.event);
        continue;
      }
      const delay = retryDelay(this.settings, job.event.attempts);
      logRetry(this.logger, lane, job, delivery, delay);
      if (this.settings.ordering === "strict") {
        lane.backoff = setTimeout(() => {
          lane.backoff = undefined;
          void this.pump(lane);
        }, delay);
        return;
      }
      lane.queue.shift();
      this.retryLater(lane, job, delay);
    }
  }

  /** polar ordering: a tried event retries on its own, not holding back the ones after it. */
  private retryLater(lane: Lane, job: Job, delay: number): void {
    const timer = setTimeout(async () => {
      lane.retries.delete(timer);
      if (this.closed || !this.lanes.has(lane.endpoint.id)) return;
      if (!lane.endpoint.enabled) {
        job.event.skipped = true;
        return;
      }
      if (this.pausedState) {
        lane.parked.push(job);
        return;
      }
      const delivery = await this.attempt(lane, job);
      if (delivery?.succeeded === true) return;
      if (this.exhausted(job.event)) {
        this.failed(lane, job.event);
        return;
      }
      const next = retryDelay(this.settings, job.event.attempts);
      logRetry(this.logger, lane, job, delivery, next);
      this.retryLater(lane, job, next);
    }, delay);
    lane.retries.set(timer, job);
  }

  /** Whether an endpoint's deliveries are signed the Standard Webhooks way. */
  signsStandard(endpoint: EndpointRecord): boolean {
    return this.signingRule(endpoint) === "standard";
  }

  /** The key an endpoint's deliveries are signed with: by its secret's age, unless a setting forces one. */
  private signingRule(endpoint: EndpointRecord): SigningKeyRule {
    const forced = this.settings.signing;
    if (forced !== "auto") return forced;
    return usesStandardSignature(endpoint) ? "standard" : "legacy";
  }

  private exhausted(event: WebhookEventRecord): boolean {
    return event.attempts >= this.settings.maxAttempts;
  }

  /** One HTTP attempt, logged (undefined when it was cancelled: a reset, a deleted endpoint). */
  private async attempt(lane: Lane, job: Job): Promise<DeliveryRecord | undefined> {
    const { endpoint } = lane;
    const { event } = job;
    const started = new Date();
    const headers = signedHeaders({
      secret: endpoint.secret,
      rule: this.signingRule(endpoint),
      webhookId: event.id,
      body: event.payload,
      at: started,
      apiVersion: event.api_version,
    });
    const clock = performance.now();
    const agents = this.agents.of(endpoint.id);
    const inFlight = post(endpoint.url, { ...headers }, event.payload, this.settings.timeoutMs, agents);
    lane.inflight.add(inFlight);
    const outcome = await inFlight.result;
    lane.inflight.delete(inFlight);
    if (this.closed || outcome.error === "cancelled") return undefined;
    const status = outcome.timedOut ? null : outcome.status;
    const error = outcome.error;
    const body =
      outcome.body === null || outcome.body === ""
        ? null
        : outcome.body.replaceAll("\u0000", "").slice(0, 2048);
    const succeeded = error === null && status !== null && status >= 200 && status < 300;
    if (job.kind !== "duplicate") {
      event.attempts += 1;
      event.last_http_code = status;
      event.modified_at = this.clock.now();
      if (succeeded) {
        event.succeeded = true;
        event.skipped = false;
      }
    }
    const delivery: DeliveryRecord = {
      id: this.random.uuid(),
      seq: this.log.nextSeq(),
      created_at: new Date(),
      event,
      attempt: event.attempts,
      kind: job.kind,
      url: endpoint.url,
      requestHeaders: { ...headers },
      succeeded,
      http_code: status,
      response:
        body ??
        (error === null && status !== null && !succeeded ? statusErrorText(status, endpoint.url) : error),
      error: error ?? (succeeded || status === null ? null : statusErrorText(status, endpoint.url)),
      duration_ms: Math.round((performance.now() - clock) * 100) / 100,
    };
    this.log.addDelivery(delivery);
    this.logger.debug(
      {
        webhookEventId: event.id,
        type: event.type,
        url: endpoint.url,
        status,
        ms: delivery.duration_ms,
        attempt: delivery.attempt,
      },
      succeeded ? "webhook delivered" : "webhook attempt failed",
    );
    if (succeeded && this.faults.duplicate && job.kind !== "duplicate") {
      await this.attempt(lane, { event, kind: "duplicate" });
    }
    return delivery;
  }

  /** Out of attempts: the event failed; the endpoint is disabled when its latest completed events all did. */
  private failed(lane: Lane, event: WebhookEventRecord): void {
    if (event.succeeded !== true) event.succeeded = false;
    const last = this.log.listDeliveries({ webhookEventId: event.id }).at(-1);
    this.logger.warn(
      {
        webhookEventId: event.id,
        type: event.type,
        attempts: event.attempts,
        url: lane.endpoint.url,
        status: last?.http_code ?? null,
        error: last?.error ?? null,
      },
      "webhook event failed: out of attempts",
    );
    const { endpoint } = lane;
    if (!endpoint.enabled) return;
    const threshold = this.settings.failureThreshold;
    if (!latestAllFailed(lane, threshold)) return;
    endpoint.enabled = false;
    endpoint.modified_at = this.clock.now();
    const skipped = skipPending(lane);
    this.logger.warn(
      { endpointId: endpoint.id, url: endpoint.url, failedEvents: threshold, skipped },
      "webhook endpoint disabled: its latest events all failed; PATCH enabled=true to turn it back on",
    );
  }

  // Controls ----------------------------------------------------------------------------------

  /**
   * Sends a logged webhook event again (same webhook-id, signed anew), behind what is already
   * queued for its endpoint. 404 when the event is unknown (or another organization's).
   */
  redeliver(webhookEventId: string, organizationId?: string): WebhookEventRecord {
    const event = this.log.event(webhookEventId);
    if (!event || (organizationId !== undefined && event.organizationId !== organizationId)) {
      throw new ResourceNotFound();
    }
    const lane = this.lanes.get(event.endpointId);
    if (!lane) throw new ResourceNotFound();
    if (!lane.endpoint.enabled) {
      event.skipped = true;
      return event;
    }
    lane.queue.push({ event, kind: "redelivery" });
    void this.pump(lane);
    return event;
  }

  /** Redelivers every logged event matching the filter, in the order they were first created. */
  replay(filter: EventFilter): WebhookEventRecord[] {
    const events = this.log.listEvents(filter).filter((event) => this.lanes.has(event.endpointId));
    for (const event of events) this.redeliver(event.id);
    return events;
  }

  pause(): void {
    this.pausedState = true;
    this.logger.info("webhook delivery paused");
  }

  resume(): void {
    this.pausedState = false;
    for (const lane of this.lanes.values()) {
      const parked = lane.parked;
      lane.parked = [];
      for (const job of parked) this.retryLater(lane, job, 0);
      void this.pump(lane);
    }
    this.logger.info("webhook delivery resumed");
  }

  /** Events queued or waiting for a retry, per endpoint. */
  pendingCount(): number {
    let count = 0;
    for (const lane of this.lanes.values()) count += pendingOf(lane);
    return count;
  }

  /**
   * Resolves when every endpoint's outbox is empty and nothing is in flight (or after `timeoutMs`,
   * with false). Useful before asserting that something was not sent.
   */
  async idle(timeoutMs = 10_000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const busy = [...this.lanes.values()].some(laneBusy);
      if (!busy && this.debounced.size === 0) return true;
      if (Date.now() >= deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  waitFor(filter: DeliveryFilter, options: { count?: number; timeoutMs?: number } = {}) {
    return this.log.waitFor(filter, options.count ?? 1, options.timeoutMs ?? 10_000);
  }

  /** Back to no endpoints, an empty log and a rewound random sequence (a full reset). */
  reset(): void {
    for (const lane of this.lanes.values()) stopLane(lane);
    this.lanes.clear();
    this.agents.releaseAll();
    this.debounced.clear();
    this.log.reset();
    this.random = new Random(WebhookEngine.seedOf(this.seed));
    this.pausedState = false;
    this.faults = { duplicate: false, outOfOrder: false };
  }

  close(): void {
    this.closed = true;
    this.unsubscribe?.();
    this.reset();
  }
}

/** Events queued, or waiting for a retry, for one endpoint. */
