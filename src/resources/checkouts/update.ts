/**
 * Updating a checkout session (checkout/service.py `_update_checkout`): by the merchant, or by
 * the checkout page with its client secret. Every check comes before any change.
 */
import { canonicalUuid } from "../../pydantic/uuid.js";
import type { Ctx, Partition } from "../context.js";
import { normalizeAddress } from "../customers/address.js";
import { visiblePrices } from "../products/serialize.js";
import { isBillable } from "../subscriptions/service.js";
import { AlreadyActiveSubscriptionError, NotOpenCheckout } from "./errors.js";
import {
  currencyFor,
  defaultPrice,
  discountApplies,
  pricedOf,
  pricesIn,
  seatPrice,
  upfrontAmount,
  validateCustomAmount,
  validateSeats,
} from "./pricing.js";
import {
  assertRenderableCustomerMetadata,
  type CheckoutUpdateBody,
  type CheckoutUpdatePublicBody,
  publishCheckout,
  refuse,
  successUrlOf,
  taxIdOf,
  updateTax,
  updateTrialEnd,
  validatedDiscount,
} from "./service.js";
import type { CheckoutRecord } from "./table.js";

/**
 * `_update_checkout`: the merchant's update (CheckoutUpdate) or the checkout page's
 * (CheckoutUpdatePublic, with a discount code instead of an id). Only an open session changes.
 */
export function applyUpdate(
  ctx: Ctx,
  checkout: CheckoutRecord,
  body: CheckoutUpdateBody | CheckoutUpdatePublicBody,
  kind: "merchant" | "public",
): void {
  if (checkout.status !== "open") throw new NotOpenCheckout(checkout);
  const partition = ctx.store.partition(checkout.organization_id);
  const sent = (field: string): boolean => Object.hasOwn(body, field);
  const merchant = kind === "merchant" ? (body as CheckoutUpdateBody) : undefined;
  const page = kind === "public" ? (body as CheckoutUpdatePublicBody) : undefined;
  const next: CheckoutRecord = { ...checkout };

  assertRenderableCustomerMetadata(merchant?.customer_metadata);
  const newCurrency = merchant?.currency ?? null;
  if (body.product_id) {
    const id = canonicalUuid(body.product_id);
    const product = partition.products.get(id);
    if (!product || !next.product_ids.includes(id))
      refuse({
        type: "value_error",
        loc: ["body", "product_id"],
        msg: "Product is not available in this checkout.",
        input: id,
      });
    if (product.is_archived)
      refuse({ type: "value_error", loc: ["body", "product_id"], msg: "Product is archived.", input: id });
    // An explicit price: the checkout's currency follows it (as creation by price does).
    const explicit = body.product_price_id
      ? visiblePrices(product).find((price) => price.id === canonicalUuid(body.product_price_id ?? ""))
      : undefined;
    if (body.product_price_id && !explicit)
      refuse({
        type: "value_error",
        loc: ["body", "product_price_id"],
        msg: "Price is not available in this checkout.",
        input: body.product_price_id,
      });
    let currency = explicit?.price_currency ?? newCurrency ?? next.currency;
    if (!explicit && pricesIn(product, currency).length === 0) {
      if (newCurrency !== null)
        refuse({
          type: "value_error",
          loc: ["body", "currency"],
          msg: "Product is not available in the specified currency.",
          input: newCurrency,
        });
      currency = currencyFor(product, null) ?? currency;
    }
    const prices = pricesIn(product, currency);
    const chosen = explicit ?? defaultPrice(prices);
    if (!chosen)
      refuse({
        type: "value_error",
        loc: ["body", "product_id"],
        msg: "Product is not available in the specified currency.",
        input: id,
      });
    Object.assign(next, { product_id: id, price_id: chosen.id, currency });
    next.seats = seatPrice(prices) ? (next.seats ?? seatPrice(prices)?.seat_tiers.minimum_seats ?? 1) : null;
    next.amount = upfrontAmount(prices, null, next.seats);
  } else if (newCurrency !== null) {
    const product = pricedOf(partition, next).product;
    const prices = pricesIn(product, newCurrency);
    const chosen = defaultPrice(prices);
    if (!chosen)
      refuse({
        type: "value_error",
        loc: ["body", "currency"],
        msg: "Product is not available in the specified currency.",
        input: newCurrency,
      });
    Object.assign(next, { currency: newCurrency, price_id: chosen.id });
    next.amount = upfrontAmount(prices, null, next.seats);
  }
  const priced = pricedOf(partition, next);
  if (next.discount_id !== null) {
    const current = partition.discounts.get(next.discount_id);
    if (!current || !discountApplies(current, priced.product, next.currency)) next.discount_id = null;
  }
  const custom = priced.prices.find((price) => price.amount_type === "custom");
  if (custom && body.amount !== undefined && body.amount !== null) {
    validateCustomAmount(custom, body.amount, next.currency);
    next.amount = body.amount;
  }
  const seats = seatPrice(priced.prices);
  if (body.seats !== undefined && body.seats !== null) {
    if (!seats)
      refuse({
        type: "value_error",
        loc: ["body", "seats"],
        msg: "Seats can only be set for seat-based pricing.",
        input: body.seats,
      });
    validateSeats(seats, body.seats, next.min_seats, next.max_seats);
    next.seats = body.seats;
    next.amount = upfrontAmount(priced.prices, null, body.seats);
  }
  if (merchant) {
    if (merchant.discount_id)
      next.discount_id = validatedDiscount(ctx, partition, priced, next.currency, {
        id: merchant.discount_id,
      }).id;
    else if (sent("discount_id")) next.discount_id = null;
  } else if (page && next.allow_discount_codes) {
    if (page.discount_code)
      next.discount_id = validatedDiscount(ctx, partition, priced, next.currency, {
        code: page.discount_code,
      }).id;
    else if (sent("discount_code")) next.discount_id = null;
  }
  if (body.customer_billing_address)
    next.customer_billing_address = normalizeAddress(body.customer_billing_address, [
      "body",
      "customer_billing_address",
    ]);
  const disablingBusiness = body.is_business_customer === false;
  if (disablingBusiness || (sent("customer_tax_id") && body.customer_tax_id === null))
    next.customer_tax_id = null;
  else if (body.customer_tax_id)
    next.customer_tax_id = taxIdOf(
      body.customer_tax_id,
      next.customer_billing_address?.country,
      "customer_tax_id",
    );

  const plain = [
    "customer_name",
    "customer_billing_name",
    "locale",
    "payment_method_type",
    "is_business_customer",
    "allow_trial",
    "trial_interval",
    "trial_interval_count",
    "require_billing_address",
    "allow_discount_codes",
    "customer_ip_address",
    "success_url",
    "return_url",
    "embed_origin",
  ] as const;
  const record = next as unknown as Record<string, unknown>;
  const values = body as Record<string, unknown>;
  // Columns that cannot be NULL keep their value when sent null (Polar fails on those, a 500).
  const notNull = new Set<string>([
    "is_business_customer",
    "require_billing_address",
    "allow_discount_codes",
  ]);
  for (const field of plain) {
    if (!sent(field) || values[field] === undefined) continue;
    if (values[field] === null && notNull.has(field)) continue;
    record[field] = values[field] ?? null;
  }
  if (merchant && sent("success_url")) next.success_url = successUrlOf(merchant.success_url);
  if (sent("customer_email") && next.customer_id === null) next.customer_email = body.customer_email ?? null;
  if (merchant?.metadata !== undefined) next.metadata = { ...merchant.metadata };
  if (merchant?.customer_metadata) next.customer_metadata = { ...merchant.customer_metadata };
  if (body.custom_field_data)
    next.custom_field_data = { ...next.custom_field_data, ...body.custom_field_data };
  if (disablingBusiness) next.customer_billing_name = null;
  next.locale = "en";
  const now = ctx.clock.now();
  updateTrialEnd(now, next, priced.product);
  assertSubscriptionUniqueness(partition, next);
  Object.assign(checkout, next, { modified_at: now });
  updateTax(partition, checkout);
}

/**
 * `_validate_subscription_uniqueness`: when the organization allows one subscription per
 * customer, a recurring product's checkout of a buyer (by customer, else by email) who has a
 * billable subscription is refused.
 */
function assertSubscriptionUniqueness(partition: Partition, checkout: CheckoutRecord): void {
  if (partition.organizationProfile.profile.subscription_settings.allow_multiple_subscriptions) return;
  if (partition.products.get(checkout.product_id)?.recurring_interval == null) return;
  if (checkout.customer_id === null && checkout.customer_email === null) return;
  const email = checkout.customer_email?.toLowerCase();
  for (const subscription of partition.subscriptions.values()) {
    if (!isBillable(subscription)) continue;
    const customer = partition.customers.get(subscription.customer_id);
    const same =
      checkout.customer_id !== null
        ? subscription.customer_id === checkout.customer_id
        : customer !== undefined && customer.deleted_at === null && customer.email?.toLowerCase() === email;
    if (same) throw new AlreadyActiveSubscriptionError();
  }
}

/** CheckoutService.update: the change, then `checkout.updated`. */
export function updateCheckout(
  ctx: Ctx,
  checkout: CheckoutRecord,
  body: CheckoutUpdateBody | CheckoutUpdatePublicBody,
  kind: "merchant" | "public",
): CheckoutRecord {
  applyUpdate(ctx, checkout, body, kind);
  publishCheckout(ctx, checkout, "checkout.updated");
  return checkout;
}
