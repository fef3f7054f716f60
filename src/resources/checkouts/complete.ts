/**
 * Confirming a checkout and what its payment's outcome does, in Polar's order
 * (checkout/service.py `confirm`, `handle_success`, `handle_failure`):
 *
 * confirm: the page's last changes → the discount still redeemable → the fields a payment needs
 * → the card (a declined test card is Polar's 400 PaymentError, nothing changed) → the customer
 * found (id, email, external id) or created (`customer.created`) → the discount redeemed →
 * `confirmed` (`checkout.updated`).
 *
 * success: a recurring product starts a subscription (trialing when the checkout has a trial;
 * `subscription.created`, `subscription.active`, its benefits granted), then the order
 * (`orderForCheckout`); a one-time product gets its order and its benefits → `succeeded`
 * (`checkout.updated`).
 *
 * failure: back to `open` (Polar never leaves a checkout `failed`: the buyer may try another
 * card), the discount redemption freed (`checkout.updated`).
 */
import type { Schemas } from "../../domain/wire.js";
import { PolarRequestValidationError, type ValidationDetail } from "../../errors.js";
import type { Ctx, Partition } from "../context.js";
import { createCustomer } from "../customers/service.js";
import { publishCustomerState } from "../customers/state.js";
import type { CustomerRecord } from "../customers/table.js";
import { grantBenefit } from "../grants/service.js";
import { startSubscription } from "../subscriptions/service.js";
import type { SubscriptionRecord } from "../subscriptions/table.js";
import {
  CheckoutCustomerDeleted,
  CheckoutCustomerExternalIdMismatch,
  DiscountRedemptionLimitReached,
  NotOpenCheckout,
  PaymentError,
} from "./errors.js";
import { amountsOf, pricedOf } from "./pricing.js";
import { expireIfDue, isRedeemable, publishCheckout } from "./service.js";
import type { CheckoutRecord } from "./table.js";
import { applyUpdate } from "./update.js";

export type CheckoutConfirmBody = Schemas["CheckoutConfirmStripe"];
export type Outcome = "succeeded" | "failed";

/**
 * Stripe's test cards, as the emulator reads `confirmation_token_id`: the card number (spaces
 * allowed) or Stripe's test token names. 4000 0000 0000 0002 and `tok_chargeDeclined` are
 * declined, 4000 0000 0000 9995 has insufficient funds; any other token pays (4242 4242 4242 4242).
 */
export function cardOutcome(token: string): { declined: string | null } {
  const digits = token.replace(/[\s-]/g, "");
  if (digits.includes("4000000000000002") || /chargeDeclined$/i.test(token))
    return { declined: "Your card was declined." };
  if (digits.includes("4000000000009995") || /InsufficientFunds/i.test(token))
    return { declined: "Your card has insufficient funds." };
  return { declined: null };
}

/** The checkout's discount redemptions by customer: confirmed and succeeded checkouts with it. */
function redemptionsBy(
  partition: Partition,
  discountId: string,
  customer: CustomerRecord,
  self: CheckoutRecord,
): number {
  let count = 0;
  for (const checkout of partition.checkouts.values()) {
    if (checkout === self || checkout.discount_id !== discountId || checkout.customer_id !== customer.id)
      continue;
    if (checkout.status === "confirmed" || checkout.status === "succeeded") count += 1;
  }
  return count;
}

/** `_get_required_confirm_fields` and the billing address checks of `_confirm_inner`. */
function confirmProblems(
  partition: Partition,
  checkout: CheckoutRecord,
  token: string | null | undefined,
  payment: boolean,
): Omit<ValidationDetail, "ctx">[] {
  const priced = pricedOf(partition, checkout);
  const discount = checkout.discount_id ? partition.discounts.get(checkout.discount_id) : undefined;
  const amounts = amountsOf(checkout, priced, discount);
  const problems: Omit<ValidationDetail, "ctx">[] = [];
  const missing = (loc: string[]) =>
    problems.push({ type: "missing", loc: ["body", ...loc], msg: "Field is required.", input: null });
  const address = checkout.customer_billing_address;
  const country = address?.country ?? null;
  const billingRequired = checkout.require_billing_address || checkout.is_business_customer;
  if (checkout.customer_id === null && checkout.customer_email === null) missing(["customer_email"]);
  // Without the page (the control plane), there is no payment form to fill.
  if (!payment) return problems;
  if (amounts.is_payment_form_required) {
    if (address === null) missing(["customer_billing_address"]);
    const lines = billingRequired || country === "US";
    const fields: [string, boolean][] = [
      ["country", true],
      ["state", country === "US" || country === "CA"],
      ["line1", lines],
      ["city", lines],
      ["postal_code", lines],
    ];
    for (const [field, required] of fields)
      if (required && (address === null || address[field as keyof typeof address] === null))
        missing(["customer_billing_address", field]);
  }
  if (checkout.is_business_customer && checkout.customer_billing_name === null)
    missing(["customer_billing_name"]);
  if (
    billingRequired &&
    (address === null || (address.line1 === null && address.city === null && address.postal_code === null))
  )
    problems.push({
      type: "value_error",
      loc: ["body", "customer_billing_address"],
      msg: "Full billing address is required.",
      input: address,
    });
  if (amounts.is_payment_form_required && !token)
    problems.push({
      type: "missing",
      loc: ["body", "confirmation_token_id"],
      msg: "Confirmation token is required.",
      input: null,
    });
  return problems;
}

/** `_create_or_update_customer`: the checkout's customer, by id, email or external id, or a new one. */
function customerFor(ctx: Ctx, partition: Partition, checkout: CheckoutRecord): CustomerRecord {
  let customer = checkout.customer_id ? partition.customers.get(checkout.customer_id) : undefined;
  if (customer && customer.deleted_at !== null) throw new CheckoutCustomerDeleted();
  const billingName = checkout.customer_billing_name ?? checkout.customer_name;
  if (!customer) {
    const email = checkout.customer_email ?? "";
    customer = partition.customers.byEmail.get(email.toLowerCase());
    if (
      !customer &&
      checkout.external_customer_id !== null &&
      partition.customers.byExternalId.has(checkout.external_customer_id)
    )
      throw new CheckoutCustomerExternalIdMismatch();
    if (!customer) {
      const address = checkout.customer_billing_address;
      return createCustomer(ctx, checkout.organization_id, {
        email,
        name: billingName,
        external_id: checkout.external_customer_id,
        // Validated as an AddressInput when the checkout took it: never a refused country.
        billing_address: address ? ({ ...address } as Schemas["AddressInput"]) : null,
        tax_id: checkout.customer_tax_id?.[0] ?? null,
        locale: checkout.locale,
        metadata: { ...checkout.customer_metadata },
      });
    }
  }
  if (customer.name === null && billingName !== null) customer.name = billingName;
  if (checkout.customer_billing_name !== null) customer.billing_name = checkout.customer_billing_name;
  if (checkout.customer_billing_address !== null)
    customer.billing_address = { ...checkout.customer_billing_address };
  if (checkout.customer_tax_id !== null) customer.tax_id = [...checkout.customer_tax_id];
  if (checkout.locale !== null) customer.locale = checkout.locale;
  customer.metadata = { ...customer.metadata, ...checkout.customer_metadata };
  return customer;
}

/**
 * Confirms an open checkout (the client API's confirm, or the control plane's completion with
 * `payment: false`: no card to read, no payment form to check). All or nothing: a refusal leaves
 * the checkout as it was.
 */
export function confirmCheckout(
  ctx: Ctx,
  checkout: CheckoutRecord,
  body: CheckoutConfirmBody,
  options: { payment: boolean } = { payment: true },
): CustomerRecord {
  expireIfDue(ctx, checkout);
  if (checkout.status !== "open") throw new NotOpenCheckout(checkout);
  const partition = ctx.store.partition(checkout.organization_id);
  const before = { ...checkout };
  let customer: CustomerRecord;
  try {
    applyUpdate(ctx, checkout, body, "public");
    const discount = checkout.discount_id ? partition.discounts.get(checkout.discount_id) : undefined;
    if (discount && !isRedeemable(discount, ctx.clock.now()))
      throw new PolarRequestValidationError([
        {
          type: "value_error",
          loc: ["body", "discount_id"],
          msg: "Discount is no longer redeemable.",
          input: discount.id,
        },
      ]);
    const problems = confirmProblems(partition, checkout, body.confirmation_token_id, options.payment);
    if (problems.length > 0) throw new PolarRequestValidationError(problems);
    const token = body.confirmation_token_id;
    if (options.payment && token) {
      const { declined } = cardOutcome(token);
      if (declined !== null) throw new PaymentError(declined);
    }
    if (discount && discount.max_redemptions_per_customer !== null) {
      const known = checkout.customer_id
        ? partition.customers.get(checkout.customer_id)
        : partition.customers.byEmail.get((checkout.customer_email ?? "").toLowerCase());
      if (
        known &&
        redemptionsBy(partition, discount.id, known, checkout) >= discount.max_redemptions_per_customer
      )
        throw new DiscountRedemptionLimitReached();
    }
    // A customer that cannot be made (its rules refuse it) refuses the confirmation whole.
    customer = customerFor(ctx, partition, checkout);
  } catch (failure) {
    Object.assign(checkout, before);
    throw failure;
  }
  checkout.customer_id = customer.id;
  const discount = checkout.discount_id ? partition.discounts.get(checkout.discount_id) : undefined;
  if (discount) discount.redemptions_count += 1;
  const amounts = amountsOf(checkout, pricedOf(partition, checkout), discount);
  checkout.status = "confirmed";
  checkout.intent_status = amounts.is_payment_form_required ? "succeeded" : null;
  checkout.modified_at = ctx.clock.now();
  publishCheckout(ctx, checkout, "checkout.updated");
  return customer;
}

/**
 * The order a successful checkout makes (billing reason `purchase` for a one-time product,
 * `subscription_create` for a subscription's first). Orders are not part of the emulator yet:
 * this is where one will be placed, so no order exists and no `order.*` webhook is sent.
 */
export function orderForCheckout(
  _ctx: Ctx,
  _checkout: CheckoutRecord,
  _customer: CustomerRecord,
  _subscription: SubscriptionRecord | null,
  _billingReason: "purchase" | "subscription_create",
): void {}

/** `handle_success`: the subscription or the purchase, its order and benefits, then `succeeded`. */
export function succeedCheckout(
  ctx: Ctx,
  checkout: CheckoutRecord,
  customer: CustomerRecord,
): CheckoutRecord {
  const partition = ctx.store.partition(checkout.organization_id);
  const { product } = pricedOf(partition, checkout);
  if (product.recurring_interval !== null) {
    const subscription = startSubscription(ctx, customer, {
      product,
      status: checkout.trial_end !== null ? "trialing" : "active",
      trialEnd: checkout.trial_end ?? undefined,
      metadata: checkout.metadata,
      fromCheckout: {
        checkoutId: checkout.id,
        discountId: checkout.discount_id,
        seats: checkout.seats,
        amount: checkout.amount,
      },
    });
    checkout.created_subscription_id = subscription.id;
    orderForCheckout(ctx, checkout, customer, subscription, "subscription_create");
  } else {
    orderForCheckout(ctx, checkout, customer, null, "purchase");
    let granted = false;
    for (const id of product.benefit_ids) {
      const benefit = partition.benefits.get(id);
      if (!benefit || benefit.is_deleted) continue;
      grantBenefit(ctx, customer, benefit);
      granted = true;
    }
    if (!granted) publishCustomerState(ctx, customer);
  }
  checkout.status = "succeeded";
  checkout.intent_status = checkout.intent_status === null ? null : "succeeded";
  checkout.modified_at = ctx.clock.now();
  publishCheckout(ctx, checkout, "checkout.updated");
  return checkout;
}

/** `handle_failure`: a confirmed checkout whose payment failed goes back to `open`. */
export function failCheckout(ctx: Ctx, checkout: CheckoutRecord): CheckoutRecord {
  if (checkout.status !== "confirmed") return checkout;
  const partition = ctx.store.partition(checkout.organization_id);
  const discount = checkout.discount_id ? partition.discounts.get(checkout.discount_id) : undefined;
  if (discount && discount.redemptions_count > 0) discount.redemptions_count -= 1;
  checkout.status = "open";
  checkout.intent_status = null;
  checkout.modified_at = ctx.clock.now();
  publishCheckout(ctx, checkout, "checkout.updated");
  return checkout;
}

/**
 * The control plane's completion: an open checkout is confirmed (without a card), then its
 * payment succeeds or fails; a confirmed one (the page confirmed it) gets its outcome.
 */
export function completeCheckout(
  ctx: Ctx,
  checkout: CheckoutRecord,
  input: { outcome?: Outcome; customer_email?: string; customer_name?: string },
): CheckoutRecord {
  expireIfDue(ctx, checkout);
  const partition = ctx.store.partition(checkout.organization_id);
  let customer: CustomerRecord | undefined;
  if (checkout.status === "open") {
    const body: CheckoutConfirmBody = {};
    if (input.customer_email !== undefined) body.customer_email = input.customer_email;
    if (input.customer_name !== undefined) body.customer_name = input.customer_name;
    customer = confirmCheckout(ctx, checkout, body, { payment: false });
  } else if (checkout.status === "confirmed" && checkout.customer_id !== null) {
    customer = partition.customers.get(checkout.customer_id);
  }
  if (!customer || checkout.status !== "confirmed") throw new NotOpenCheckout(checkout);
  return input.outcome === "failed" ? failCheckout(ctx, checkout) : succeedCheckout(ctx, checkout, customer);
}
