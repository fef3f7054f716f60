/**
 * Subscriptions and every transition of facts section 7, with their events in Polar's order.
 */
import type { CustomerRecord, Metadata, ProductRecord, SubscriptionRecord } from "../store/store.js";
import type { DomainContext } from "./context.js";

export interface StartSubscriptionInput {
  product: ProductRecord;
  /** `active` (default) or `trialing`. */
  status?: "active" | "trialing";
  /** When the (first) period starts; now by default. */
  startsAt?: Date;
  /** For a trialing subscription: when the trial ends (default: the product's trial, else 7 days). */
  trialEnd?: Date;
  metadata?: Metadata;
  /** A fixed id (fixtures). */
  id?: string;
}

/** Starts a subscription, grants the product's benefits and emits Polar's events. */
export function startSubscription(
  _ctx: DomainContext,
  _customer: CustomerRecord,
  _input: StartSubscriptionInput,
): SubscriptionRecord {
  throw new Error("not implemented yet");
}

export type SubscriptionAction =
  | "activate"
  | "renew"
  | "cancel"
  | "uncancel"
  | "end_period"
  | "revoke"
  | "past_due"
  | "recover"
  | "dunning_over";

/** Applies one transition (the control plane's verbs; the public API's PATCH maps onto them). */
export function changeSubscription(
  _ctx: DomainContext,
  _subscription: SubscriptionRecord,
  _action: SubscriptionAction,
): SubscriptionRecord {
  throw new Error("not implemented yet");
}
