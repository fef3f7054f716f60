/**
 * What an order is made of (order_item.py, billing_entry/service.py, discount.py): its line items
 * and their labels, the discount on its subtotal, and the customer's short id its numbers carry.
 */
import { createHash } from "node:crypto";
import type { Ctx } from "../context.js";
import type { DiscountRecord } from "../discounts/table.js";
import { DEFAULT_PRESENTMENT_CURRENCY } from "../products/prices.js";
import type { PriceRecord, ProductRecord } from "../products/table.js";
import type { SubscriptionRecord } from "../subscriptions/table.js";
import type { PlaceOrderInput } from "./service.js";
import type { OrderItemRecord } from "./table.js";

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** Babel's `format_date(date, locale="en_US")` (medium): `Aug 22, 2026`, in UTC. */
export function formatDate(date: Date): string {
  return `${MONTHS[date.getUTCMonth()]} ${date.getUTCDate()}, ${date.getUTCFullYear()}`;
}

/**
 * The customer's short id as Polar prints it (8 letters, base 26): the emulator draws the number
 * from the customer's id, so it is the same for every order of the customer.
 */
export function shortId(customerId: string): string {
  const digest = createHash("sha256").update(customerId).digest();
  let number = digest.readUInt32BE(0) % 26 ** 6;
  let text = "";
  while (number > 0) {
    text = String.fromCharCode(65 + (number % 26)) + text;
    number = Math.floor(number / 26);
  }
  return text.padStart(8, "A");
}

/** `format_price_label`: the product's name, with the seats of a seat-based price. */
function priceLabel(product: ProductRecord, price: PriceRecord, seats: number | null): string {
  if (price.amount_type === "seat_based" && seats !== null)
    return `${product.name} (${seats} seat${seats === 1 ? "" : "s"})`;
  return product.name;
}

/** A seat-based price's amount for `seats` (the tier the count falls in, per seat). */
function seatAmount(price: Extract<PriceRecord, { amount_type: "seat_based" }>, seats: number): number {
  const tier =
    price.seat_tiers.tiers.find((t) => seats >= t.min_seats && (t.max_seats ?? seats) >= seats) ??
    price.seat_tiers.tiers[0];
  return (tier?.price_per_seat ?? 0) * seats;
}

function staticAmount(price: PriceRecord, amount: number | null, seats: number | null): number | null {
  switch (price.amount_type) {
    case "fixed":
      return price.price_amount;
    case "custom":
      return amount ?? price.preset_amount ?? price.minimum_amount;
    case "seat_based":
      return seatAmount(price, seats ?? Math.max(1, price.seat_tiers.minimum_seats));
    default:
      return null;
  }
}

function pricesOf(input: PlaceOrderInput, subscription: SubscriptionRecord | null | undefined) {
  if (input.prices) return input.prices;
  const live = input.product.prices.filter((price) => !price.is_archived);
  if (subscription) {
    const chosen = input.product.prices.filter((price) => subscription.price_ids.includes(price.id));
    if (chosen.length > 0) return chosen;
  }
  const currency = input.currency ?? DEFAULT_PRESENTMENT_CURRENCY;
  const presented = live.filter((price) => price.price_currency === currency);
  return presented.length > 0 ? presented : live;
}

/** The order's items and currency. */
export function itemsOf(ctx: Ctx, input: PlaceOrderInput): { items: OrderItemRecord[]; currency: string } {
  const { product, subscription } = input;
  const now = ctx.clock.now();
  const prices = pricesOf(input, subscription);
  const currency = input.currency ?? subscription?.currency ?? prices[0]?.price_currency ?? "usd";
  const item = (
    label: string,
    amount: number,
    priceId: string | null,
    period: [Date, Date] | null = null,
  ): OrderItemRecord => ({
    id: ctx.random.uuid(),
    created_at: now,
    modified_at: null,
    label,
    amount,
    tax_amount: 0,
    proration: false,
    product_price_id: priceId,
    start_timestamp: period?.[0] ?? null,
    end_timestamp: period?.[1] ?? null,
  });
  const creation =
    input.billingReason === "subscription_create" || input.billingReason === "subscription_update";
  if (
    subscription &&
    creation &&
    subscription.status === "trialing" &&
    subscription.trial_start &&
    subscription.trial_end
  ) {
    const period = `${formatDate(subscription.trial_start)} - ${formatDate(subscription.trial_end)}`;
    const trial: [Date, Date] = [subscription.trial_start, subscription.trial_end];
    return { items: [item(`Trial period for ${product.name} (${period})`, 0, null, trial)], currency };
  }
  const seats = input.seats ?? subscription?.seats ?? null;
  const items: OrderItemRecord[] = [];
  for (const price of prices) {
    const amount = staticAmount(price, input.amount ?? null, seats);
    if (amount === null) continue;
    let label = priceLabel(product, price, price.amount_type === "seat_based" ? seats : null);
    let period: [Date, Date] | null = null;
    if (input.billingReason === "subscription_cycle" && subscription) {
      period = [subscription.current_period_start, subscription.current_period_end];
      label = `${label} — From ${formatDate(period[0])} to ${formatDate(period[1])}`;
    }
    items.push(item(label, amount, price.id, period));
  }
  return { items, currency };
}

/** `polar_round`: to the nearest integer, .5 away from 0 (amounts here are never negative). */
function polarRound(value: number): number {
  return value - Math.floor(value) >= 0.5 ? Math.ceil(value) : Math.floor(value);
}

/** `Discount.get_discount_amount` on the subtotal: a fixed amount (at most the subtotal), or a percentage. */
export function orderDiscountAmount(discount: DiscountRecord, subtotal: number, currency: string): number {
  if (discount.type === "fixed") return Math.min(discount.amounts[currency] ?? 0, subtotal);
  return polarRound(subtotal * (discount.basis_points / 10_000));
}
