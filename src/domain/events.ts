/**
 * Domain events: every change the domain makes is published here, typed and in order.
 * The webhooks engine (a later issue) subscribes; until then they are recorded in a bounded journal.
 */

export type DomainEventType =
  | "customer.created"
  | "customer.updated"
  | "customer.deleted"
  | "customer.state_changed";

export interface DomainEvent {
  id: string;
  type: DomainEventType;
  organizationId: string;
  customerId: string;
  timestamp: Date;
}

export type EventListener = (event: DomainEvent) => void;

export class EventBus {
  private readonly journal: DomainEvent[] = [];
  private readonly listeners = new Set<EventListener>();

  constructor(private readonly capacity = 10_000) {}

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
  list(filter: { organizationId?: string; customerId?: string } = {}): DomainEvent[] {
    return this.journal
      .slice(-this.capacity)
      .filter(
        (event) =>
          (filter.organizationId === undefined || event.organizationId === filter.organizationId) &&
          (filter.customerId === undefined || event.customerId === filter.customerId),
      );
  }

  clear(): void {
    this.journal.length = 0;
  }
}
