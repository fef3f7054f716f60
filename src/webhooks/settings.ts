/** How the webhook engine delivers: attempts, backoff, timeout, key rule, ordering, debounce. */
import type { SigningKeyRule } from "./signing.js";

export type Ordering = "strict" | "polar";

export interface DeliverySettings {
  /** Attempts per event, the first included (Polar: 10). */
  maxAttempts: number;
  /**
   * The wait after failed attempt n is `retryDelays[n - 1]` (the last one repeats), in ms; or
   * "polar": a random time in [2^n, 2^(n+1)) seconds.
   */
  retryDelays: number[] | "polar";
  /** Per attempt, connection to response body (Polar: 10 s). */
  timeoutMs: number;
  /**
   * auto: as Polar, by the endpoint's secret (generated on or after 2026-09-08: Standard Webhooks;
   * older or chosen by the user: the legacy key); or one key for every endpoint.
   */
  signing: "auto" | SigningKeyRule;
  /**
   * strict: a failing event holds back the endpoint's later events until it succeeds or runs out
   * of attempts. polar: as Polar's FIFO guard, an event waits only for earlier events that have
   * not been tried yet; retries go out on their own schedule.
   */
  ordering: Ordering;
  /**
   * Debounce a customer's `customer.state_changed`: each one restarts this wait, the latest goes
   * out, none waits past five windows from the first (Polar: 1 s, 5 s). 0 sends each one.
   */
  stateChangedDebounceMs: number;
  /** Webhook events and deliveries each kept in the log (pending events are never dropped). */
  logSize: number;
  /** Completed events in a row that, all failed, disable an endpoint (Polar: 10). */
  failureThreshold: number;
  /**
   * Events one endpoint may have pending (queued or waiting for a retry); a new event past it is
   * skipped, counted in `dropped` and logged. Polar has no such cap (its queue is a database):
   * this one keeps memory bounded while a dead receiver waits to be disabled (~17 min and more).
   */
  maxPending: number;
}

export const DEFAULT_DELIVERY_SETTINGS: DeliverySettings = {
  maxAttempts: 10,
  retryDelays: "polar",
  timeoutMs: 10_000,
  signing: "auto",
  ordering: "polar",
  stateChangedDebounceMs: 0,
  logSize: 10_000,
  failureThreshold: 10,
  maxPending: 10_000,
};

/** The wait before attempt n + 1, after failed attempt n (1-based). */
export function retryDelay(settings: DeliverySettings, failedAttempt: number): number {
  if (settings.retryDelays === "polar") {
    const base = 2 ** failedAttempt * 1000;
    return base + Math.floor(Math.random() * base);
  }
  const delays = settings.retryDelays;
  return delays[Math.min(failedAttempt, delays.length) - 1] ?? 0;
}

/**
 * A duration as flags take it: `250ms`, `2s`, `1.5s`, `1m`, or a bare number of milliseconds.
 * Returns undefined when the text is not one.
 */
export function parseDuration(text: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m)?\s*$/.exec(text);
  if (!match) return undefined;
  const value = Number(match[1]);
  const factor = match[2] === "s" ? 1000 : match[2] === "m" ? 60_000 : 1;
  return Math.round(value * factor);
}

/** Faults the control plane can turn on, to test receivers against what delivery may do. */
export interface Faults {
  /** Send every successfully delivered event a second time (same webhook-id), as at-least-once delivery may. */
  duplicate: boolean;
  /** Hold each burst of events (what one call emits) and send it newest first. */
  outOfOrder: boolean;
}
