/**
 * What a checkout charges (product/price_set.py, product/custom_price.py, models/checkout.py): the
 * product's prices in the checkout's currency, the default one (a static price first), the upfront
 * amount, the discount on it, the tax, and the flags the checkout page reads.
 */
import { PolarRequestValidationError, ResourceNotFound } from "../../errors.js";
import type { Partition } from "../context.js";
import type { DiscountRecord } from "../discounts/table.js";
import { currencyBounds } from "../products/currency.js";
import { DEFAULT_PRESENTMENT_CURRENCY } from "../products/prices.js";
import { visiblePrices } from "../products/serialize.js";
import type { PriceRecord, ProductRecord, SeatBasedPriceRecord } from "../products/table.js";
import type { CheckoutRecord } from "./table.js";

function refuse(loc: (string | number)[], msg: string, input: unknown, type = "value_error"): never {
  throw new PolarRequestValidationError([{ type, loc, msg, input }]);
}

/** Fixed, custom and seat prices are charged upfront; metered ones at the period's end. */
function isStatic(price: PriceRecord): boolean {
  return price.amount_type !== "metered_unit";
}

/** The product's prices in `currency` (those a checkout offers), or none. */
export function pricesIn(product: ProductRecord, currency: string): PriceRecord[] {
  return visiblePrices(product).filter((price) => price.price_currency === currency);
}

/** The checkout's currency: the one asked for, else the organization's default when the product has it. */
export function currencyFor(product: ProductRecord, asked: string | null | undefined): string | null {
  const wanted = asked ?? DEFAULT_PRESENTMENT_CURRENCY;
  if (pricesIn(product, wanted).length > 0) return wanted;
  if (asked !== null && asked !== undefined) return null;
  return visiblePrices(product)[0]?.price_currency ?? null;
}

/** `PriceSet.get_default_price`: the first static price, else the first. */
export function defaultPrice(prices: readonly PriceRecord[]): PriceRecord | undefined {
  return prices.find(isStatic) ?? prices[0];
}

export function seatPrice(prices: readonly PriceRecord[]): SeatBasedPriceRecord | undefined {
  return prices.find((price): price is SeatBasedPriceRecord => price.amount_type === "seat_based");
}

/** A seat price's amount for `seats` seats: the tier they fall in, per seat. */
function seatAmount(price: SeatBasedPriceRecord, seats: number): number {
  const tier =
    price.seat_tiers.tiers.find(
      (candidate) => seats >= candidate.min_seats && (candidate.max_seats ?? seats) >= seats,
    ) ?? price.seat_tiers.tiers[price.seat_tiers.tiers.length - 1];
  if (price.seat_tiers.seat_tier_type === "graduated") {
    let total = 0;
    for (const step of price.seat_tiers.tiers) {
      if (seats < step.min_seats) break;
      const upper = Math.min(seats, step.max_seats ?? seats);
      total += (upper - step.min_seats + 1) * step.price_per_seat;
    }
    return total;
  }
  return (tier?.price_per_seat ?? 0) * seats;
}

/** `calculate_upfront_amount`: what the static prices charge now. */
export function upfrontAmount(
  prices: readonly PriceRecord[],
  customAmount: number | null,
  seats: number | null,
): number {
  let amount = 0;
  for (const price of prices) {
    if (price.amount_type === "fixed") amount += price.price_amount;
    else if (price.amount_type === "custom")
      amount += customAmount ?? price.preset_amount ?? price.minimum_amount;
    else if (price.amount_type === "seat_based") amount += seatAmount(price, seats ?? 1);
  }
  return amount;
}

/** `validate_custom_price_amount`: a pay-what-you-want amount within the price's and the currency's bounds. */
export function validateCustomAmount(
  price: PriceRecord,
  amount: number,
  currency: string,
  loc: (string | number)[] = ["body", "amount"],
): void {
  if (price.amount_type !== "custom") return;
  if (amount < price.minimum_amount) refuse(loc, "Amount is below minimum.", amount, "greater_than_equal");
  const bounds = currencyBounds(currency);
  if (amount > 0 && amount < bounds.minimum)
    refuse(loc, `Amount must be 0 or at least ${bounds.minimumText}.`, amount, "invalid_amount");
  if (price.maximum_amount !== null && amount > price.maximum_amount)
    refuse(loc, "Amount is above maximum.", amount, "less_than_equal");
  if (amount > bounds.maximum)
    refuse(loc, `Amount must be at most ${bounds.maximumText}.`, amount, "less_than_equal");
}

/** `_validate_seat_limits`: the seats a seat price (and the checkout's own bounds) allow. */
export function validateSeats(
  price: SeatBasedPriceRecord,
  seats: number,
  checkoutMin: number | null,
  checkoutMax: number | null,
  loc: (string | number)[] = ["body", "seats"],
): void {
  const minimum = checkoutMin ?? price.seat_tiers.minimum_seats;
  const maximum = checkoutMax ?? price.seat_tiers.maximum_seats;
  if (seats < minimum) refuse(loc, `Minimum ${minimum} seats required.`, seats);
  if (maximum !== null && seats > maximum) refuse(loc, `Maximum ${maximum} seats allowed.`, seats);
}

/** Whether a discount applies to this product in this currency (`Discount.is_applicable`). */
export function discountApplies(discount: DiscountRecord, product: ProductRecord, currency: string): boolean {
  if (discount.product_ids.length > 0 && !discount.product_ids.includes(product.id)) return false;
  return discount.type === "percentage" || discount.amounts[currency] !== undefined;
}

/** `Discount.get_discount_amount`: a fixed amount (at most the amount) or the rounded percentage. */
export function discountAmount(
  discount: DiscountRecord | undefined,
  amount: number,
  currency: string,
): number {
  if (!discount) return 0;
  if (discount.type === "fixed") return Math.min(discount.amounts[currency] ?? 0, amount);
  return Math.round(amount * (discount.basis_points / 10_000));
}

/** The prices a checkout's selected product offers (in its currency). */
export interface Priced {
  product: ProductRecord;
  price: PriceRecord;
  prices: PriceRecord[];
}

/** The selected product, its price and its prices in the checkout's currency. */
export function pricedOf(partition: Partition, checkout: CheckoutRecord): Priced {
  const product = partition.products.get(checkout.product_id);
  const prices = product ? pricesIn(product, checkout.currency) : [];
  const price =
    product?.prices.find((candidate) => candidate.id === checkout.price_id) ?? defaultPrice(prices);
  if (!product || !price) throw new ResourceNotFound();
  return { product, price, prices: prices.length > 0 ? prices : [price] };
}

/** Whether every price is free (`is_free_product_price`). */
export function isFree(prices: readonly PriceRecord[]): boolean {
  return prices.every((price) => price.amount_type === "fixed" && price.price_amount === 0);
}

/** The amounts and flags of models/checkout.py, computed from the record and its discount. */
export interface Amounts {
  discount_amount: number;
  net_amount: number;
  tax_amount: number | null;
  total_amount: number;
  is_free_product_price: boolean;
  is_payment_required: boolean;
  is_payment_setup_required: boolean;
  is_payment_form_required: boolean;
  is_discount_applicable: boolean;
}

export function amountsOf(
  checkout: CheckoutRecord,
  priced: Priced,
  discount: DiscountRecord | undefined,
): Amounts {
  const discountValue = discountAmount(discount, checkout.amount, checkout.currency);
  const net = checkout.amount - discountValue;
  const tax = checkout.tax_amount;
  const total = net + (tax ?? 0);
  const free = isFree(priced.prices);
  const metered = priced.prices.some((price) => price.amount_type === "metered_unit");
  const fullyDiscounted =
    discount?.type === "percentage" && discount.duration === "forever" && discount.basis_points === 10_000;
  const setup =
    !free &&
    !(checkout.amount === 0 && !metered) &&
    !fullyDiscounted &&
    priced.product.recurring_interval !== null;
  const required = total > 0 && checkout.trial_end === null;
  return {
    discount_amount: discountValue,
    net_amount: net,
    tax_amount: tax,
    total_amount: total,
    is_free_product_price: free,
    is_payment_required: required,
    is_payment_setup_required: setup,
    is_payment_form_required: required || setup,
    is_discount_applicable: priced.prices.some(
      (price) => price.amount_type !== "fixed" || price.price_amount > 0,
    ),
  };
}
