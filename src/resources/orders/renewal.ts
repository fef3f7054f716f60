/**
 * What a subscription's billing does to orders (order/service.py `create_subscription_order`,
 * `handle_payment`, dunning): the first order of a started subscription, a renewal's
 * `subscription_cycle` order, paid or left pending with the subscription past due, and the
 * pending orders a recovered or abandoned subscription settles.
 */
import type { Ctx } from "../context.js";
import type { CustomerRecord } from "../customers/table.js";
import { markPastDue } from "../subscriptions/service.js";
import type { SubscriptionRecord } from "../subscriptions/table.js";
import { payOrder, pendingOrdersOf, placeOrder, scheduleRetry, stopRetries } from "./service.js";

/** Whether the subscription's prices bill anything up front (metered prices bill usage). */
function hasStaticPrice(ctx: Ctx, subscription: SubscriptionRecord): boolean {
  const product = ctx.store.partition(subscription.organization_id).products.get(subscription.product_id);
  return (
    product?.prices.some(
      (price) => subscription.price_ids.includes(price.id) && price.amount_type !== "metered_unit",
    ) ?? false
  );
}

/**
 * The order of a subscription started as a checkout would (control plane, fixtures): paid
 * `subscription_create`, or Polar's $0 trial order for a trialing one.
 */
export function billSubscriptionStart(
  ctx: Ctx,
  customer: CustomerRecord,
  subscription: SubscriptionRecord,
): void {
  const partition = ctx.store.partition(subscription.organization_id);
  const product = partition.products.get(subscription.product_id);
  if (!product) return;
  const discount =
    subscription.discount_id === null ? null : (partition.discounts.get(subscription.discount_id) ?? null);
  placeOrder(ctx, {
    customer,
    product,
    discount,
    seats: subscription.seats,
    billingReason: "subscription_create",
    subscription,
    paid: true,
  });
}

/**
 * A renewal's `subscription_cycle` order, with the subscription's discount while it lasts.
 * `paid: false` is a failed payment (no payment method answered): the order stays pending, the
 * subscription goes past due, and a retry is scheduled. Returns whether it was paid.
 */
export function billRenewal(ctx: Ctx, subscription: SubscriptionRecord, paid: boolean): boolean {
  if (!hasStaticPrice(ctx, subscription)) return true;
  const partition = ctx.store.partition(subscription.organization_id);
  const customer = partition.customers.get(subscription.customer_id);
  const product = partition.products.get(subscription.product_id);
  if (!customer || !product || customer.deleted_at !== null) return true;
  const discount =
    subscription.discount_id === null ? null : (partition.discounts.get(subscription.discount_id) ?? null);
  const order = placeOrder(ctx, {
    customer,
    product,
    discount,
    billingReason: "subscription_cycle",
    subscription,
    paid,
  });
  if (order.status !== "pending") return true;
  markPastDue(ctx, subscription);
  scheduleRetry(ctx, order);
  return false;
}

/** A past-due subscription's retry succeeded: its pending orders are paid. */
export function settleDunning(ctx: Ctx, subscription: SubscriptionRecord): void {
  for (const order of pendingOrdersOf(ctx.store.partition(subscription.organization_id), subscription))
    payOrder(ctx, order);
}

/** Retries are over: the pending orders stay unpaid, with no next attempt. */
export function abandonDunning(ctx: Ctx, subscription: SubscriptionRecord): void {
  for (const order of pendingOrdersOf(ctx.store.partition(subscription.organization_id), subscription))
    stopRetries(ctx, order);
}
