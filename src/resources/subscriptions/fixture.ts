/**
 * A customer's subscriptions in a fixture: started on a date, renewed period after period up to
 * the reference time, then brought to their status (past due, canceling, canceled) on
 * `changed_at`, each step through the service as it would have happened.
 */
import type { Path } from "../../domain/decode.js";
import { checkSeats } from "../customer-seats/fixture.js";
import type { CustomerRecord } from "../customers/table.js";
import {
  DAY,
  type FixtureApplier,
  type FixtureChecker,
  type FixtureSchemas,
  MAX_RENEWALS,
} from "../fixture.js";
import { billSubscriptionStart } from "../orders/renewal.js";
import { changeSubscription, type SubscriptionAction } from "./actions.js";
import { trialEndProblem } from "./rules.js";
import { startSubscription } from "./service.js";
import type { SubscriptionRecord } from "./table.js";

export type FixtureSubscription = FixtureSchemas["FixtureSubscription"];
type State = NonNullable<FixtureSubscription["status"]>;

/** The change each status needs after the subscription started. */
const CHANGES: Record<Exclude<State, "active" | "trialing">, SubscriptionAction> = {
  past_due: "past_due",
  canceling: "cancel",
  canceled: "revoke",
};

/** When the subscription starts: `started_at`, else with the customer (a trial: at most 3 days ago). */
function startOf(
  entry: FixtureSubscription,
  started: Date | undefined,
  customerCreated: Date,
  reference: Date,
): Date {
  if (started) return started;
  return entry.status === "trialing"
    ? new Date(Math.max(customerCreated.getTime(), reference.getTime() - 3 * DAY))
    : customerCreated;
}

export function checkSubscription(
  checker: FixtureChecker,
  entry: FixtureSubscription,
  path: Path,
  customerCreated: Date | undefined,
): void {
  const status = entry.status ?? "active";
  const product = checker.ref("products", entry.product, [...path, "product"]);
  if (product?.periodDays === null) {
    checker.add(
      [...path, "product"],
      "value_error",
      `Product "${entry.product}" is a one-time product; a subscription needs a recurring product`,
      entry.product,
    );
  }
  checker.fixedId("subscriptions", entry.id, [...path, "id"]);
  const started = checker.date(entry.started_at, [...path, "started_at"]);
  const trialEnd = checker.date(entry.trial_end, [...path, "trial_end"]);
  const changed = checker.date(entry.changed_at, [...path, "changed_at"]);
  const start = customerCreated && startOf(entry, started, customerCreated, checker.reference);
  if (product?.periodDays && start && status !== "trialing") {
    const until = (changed ?? checker.reference).getTime();
    const renewals = Math.floor((until - start.getTime()) / (product.periodDays * DAY));
    checker.renewals(renewals);
    if (renewals > MAX_RENEWALS) {
      checker.add(
        [...path, entry.started_at === undefined ? "product" : "started_at"],
        "value_error",
        `About ${renewals} renewals from the start to the reference time (at most ${MAX_RENEWALS}): start it later`,
        entry.started_at ?? entry.product,
      );
    }
  }
  if (started && customerCreated && started < customerCreated)
    checker.add(
      [...path, "started_at"],
      "value_error",
      "started_at should not be before the customer's created_at",
      entry.started_at,
    );
  if (trialEnd && start) {
    const problem = trialEndProblem(status, trialEnd, start);
    if (problem !== null) checker.add([...path, "trial_end"], "value_error", problem, entry.trial_end);
  }
  if (entry.changed_at !== undefined && (status === "active" || status === "trialing"))
    checker.add(
      [...path, "changed_at"],
      "value_error",
      "changed_at applies to past_due, canceling and canceled subscriptions",
      entry.changed_at,
    );
  if (changed && start && changed < start)
    checker.add(
      [...path, "changed_at"],
      "value_error",
      "changed_at should not be before started_at",
      entry.changed_at,
    );
  if (entry.seats) checkSeats(checker, entry.seats, [...path, "seats"]);
}

/** Renews an active subscription period after period until `until`. */
function catchUp(
  applier: FixtureApplier,
  subscription: SubscriptionRecord,
  until: Date,
  path: Path,
  entry: FixtureSubscription,
): void {
  let renewals = 0;
  while (
    subscription.status === "active" &&
    !subscription.cancel_at_period_end &&
    subscription.current_period_end.getTime() <= until.getTime()
  ) {
    if (++renewals > MAX_RENEWALS) {
      applier.refuse(
        [...path, "started_at"],
        `More than ${MAX_RENEWALS} periods between started_at and the reference time`,
        entry.started_at,
      );
    }
    applier.clock.set(subscription.current_period_end);
    applier.domain(path, entry, () => changeSubscription(applier.ctx, subscription, "renew"));
  }
}

/**
 * Starts the subscription, renews it period after period up to the reference time (or to
 * `changed_at`), then makes the change its status needs: past due, canceled at period end, or
 * revoked.
 */
export function applySubscription(
  applier: FixtureApplier,
  customer: CustomerRecord,
  entry: FixtureSubscription,
  path: Path,
  customerCreated: Date,
): SubscriptionRecord {
  const status = entry.status ?? "active";
  const trialing = status === "trialing";
  const started = startOf(entry, applier.date(entry.started_at), customerCreated, applier.reference);
  applier.clock.set(started);
  const product = applier.partition.products.get(applier.id("products", entry.product));
  if (!product) throw new Error(`[polar-emulator] product ${entry.product} vanished while loading a fixture`);
  const subscription = applier.domain(path, entry, () =>
    startSubscription(applier.ctx, customer, {
      product,
      status: trialing ? "trialing" : "active",
      startsAt: started,
      trialEnd: applier.date(entry.trial_end),
      metadata: entry.metadata,
      id: entry.id,
      onCreated: (started) => billSubscriptionStart(applier.ctx, customer, started),
    }),
  );
  if (status === "active" || status === "trialing") {
    if (!trialing) catchUp(applier, subscription, applier.reference, path, entry);
    return subscription;
  }
  const explicit = applier.date(entry.changed_at);
  catchUp(applier, subscription, explicit ?? applier.reference, path, entry);
  const changed =
    explicit ??
    new Date(Math.max(subscription.current_period_start.getTime(), applier.reference.getTime() - DAY));
  applier.clock.set(changed);
  return applier.domain(path, entry, () => changeSubscription(applier.ctx, subscription, CHANGES[status]));
}
