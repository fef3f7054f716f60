/**
 * Polar's debounce of `customer.state_changed` (worker/_debounce.py, customer.webhook: min 1 s,
 * max 5 s): each change of a customer restarts the wait, the latest state goes out, and none waits
 * past five windows from the first.
 */
import type { DomainEvent } from "../domain/events.js";

export class Debouncer {
  private readonly pending = new Map<
    string,
    { event: DomainEvent; timer: NodeJS.Timeout; firstAt: number }
  >();

  constructor(private readonly deliver: (event: DomainEvent) => void) {}

  push(event: DomainEvent, window: number): void {
    const key = `${event.organizationId}:${event.customerId}`;
    const pending = this.pending.get(key);
    const firstAt = pending?.firstAt ?? Date.now();
    if (pending) clearTimeout(pending.timer);
    const delay = Math.max(0, Math.min(window, firstAt + 5 * window - Date.now()));
    const timer = setTimeout(() => {
      const latest = this.pending.get(key);
      this.pending.delete(key);
      if (latest) this.deliver(latest.event);
    }, delay);
    this.pending.set(key, { event, timer, firstAt });
  }

  get size(): number {
    return this.pending.size;
  }

  clear(): void {
    for (const { timer } of this.pending.values()) clearTimeout(timer);
    this.pending.clear();
  }
}
