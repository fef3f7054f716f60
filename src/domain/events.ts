/**
 * Domain events: every change the domain makes is published here, typed and in order, with the
 * public object it concerns as it was at that moment (what a webhook's `data` carries). The
 * webhooks engine subscribes; the bounded journal keeps the latest for tests and the control plane.
 */
import type { components } from "../generated/polar.js";
import type { DomainContext } from "./context.js";

type WebhookEventType = components["schemas"]["WebhookEventType"];

/** Every event the domain emits is one of Polar's webhook event types. */
export type DomainEventType = WebhookEventType;

export interface DomainEvent {
  id: string;
  type: DomainEventType;
  organizationId: string;
  /** The customer the event concerns; null for catalog events (products, benefits). */
  customerId: string | null;
  /** The id of the object in `data`. */
  subjectId: string;
  timestamp: Date;
  /** The public object (Customer, CustomerState, Subscription, BenefitGrant, Product, Benefit). */
  data: unknown;
}

export type EventListener = (event: DomainEvent) => void;

export class EventBus {
  private readonly journal: DomainEvent[] = [];
  private readonly listeners = new Set<EventListener>();

  /**
   * @param recording false for a bus that only absorbs events (loading fixtures): `emit` then
   *   skips building their payloads, the largest cost of loading a big scenario.
   */
  constructor(
    private readonly capacity = 10_000,
    readonly recording = true,
  ) {}

  publish(event: DomainEvent): void {
    this.journal.push(event);
    // Trim in batches so a full journal costs amortized O(1) per event, not a splice each time.
    if (this.journal.length > this.capacity * 1.5)
      this.journal.splice(0, this.journal.length - this.capacity);
    for (const listener of this.listeners) listener(event);
  }

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The recorded events, oldest first (a copy of at most `capacity` of the latest). */
  list(
    filter: { organizationId?: string; customerId?: string; type?: string; after?: string } = {},
  ): DomainEvent[] {
    let events = this.journal.slice(-this.capacity);
    if (filter.after !== undefined) {
      const index = events.findIndex((event) => event.id === filter.after);
      if (index !== -1) events = events.slice(index + 1);
    }
    return events.filter(
      (event) =>
        (filter.organizationId === undefined || event.organizationId === filter.organizationId) &&
        (filter.customerId === undefined || event.customerId === filter.customerId) &&
        (filter.type === undefined || event.type === filter.type),
    );
  }

  /** The id of the latest event, to list only what a call emitted (`list({ after })`). */
  lastId(): string | undefined {
    return this.journal[this.journal.length - 1]?.id;
  }

  clear(): void {
    this.journal.length = 0;
  }
}

/**
 * Publishes one event with a fresh id and the clock's time. `data` builds the payload, as it is
 * now; a bus that does not record never calls it (the id is drawn anyway, so ids stay the same).
 */
export function emit(
  ctx: DomainContext,
  type: DomainEventType,
  subject: { organizationId: string; customerId: string | null; subjectId: string },
  data: () => unknown,
): void {
  const id = ctx.random.uuid();
  if (!ctx.events.recording) return;
  ctx.events.publish({
    id,
    type,
    organizationId: subject.organizationId,
    customerId: subject.customerId,
    subjectId: subject.subjectId,
    timestamp: ctx.clock.now(),
    data: data(),
  });
}
