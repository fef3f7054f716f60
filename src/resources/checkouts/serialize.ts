/**
 * The Checkout objects (checkout/schemas.py): `Checkout` for the merchant's API and webhooks,
 * `CheckoutPublic` for the client API by secret (no metadata, with the organization), and
 * `CheckoutPublicConfirmed` for a confirmation. Keys in the spec's order.
 */

import { FALLBACK_PUBLIC_URL } from "../../domain/public-url.js";
import type { Schemas } from "../../domain/wire.js";
import { iso, isoOrNull } from "../../util/time.js";
import { serializeBenefit } from "../benefits/serialize.js";
import type { Partition } from "../context.js";
import { legacyAmount } from "../discounts/serialize.js";
import type { DiscountRecord } from "../discounts/table.js";
import { productBaseWire, serializePrice, visiblePrices } from "../products/serialize.js";
import type { ProductRecord } from "../products/table.js";
import { amountsOf, pricedOf, seatPrice } from "./pricing.js";
import type { CheckoutRecord } from "./table.js";

export type CheckoutWire = Schemas["Checkout"];
export type CheckoutPublicWire = Schemas["CheckoutPublic"];
export type CheckoutPublicConfirmedWire = Schemas["CheckoutPublicConfirmed"];

/** What a test publishable key looks like; the emulator has no Stripe account. */
const PUBLISHABLE_KEY = "pk_test_polar_emulator";
/** The checkout page of a session: the emulator's `/checkout/{client_secret}`. */
export function checkoutUrl(base: string, checkout: CheckoutRecord): string {
  return `${base.replace(/\/+$/, "")}/checkout/${checkout.client_secret}`;
}

/** `Checkout.success_url`: the one given with `{CHECKOUT_ID}` filled in, else the confirmation page. */
export function successUrl(base: string, checkout: CheckoutRecord): string {
  if (checkout.success_url === null) return `${checkoutUrl(base, checkout)}/confirmation`;
  return checkout.success_url.replaceAll("{CHECKOUT_ID}", checkout.id);
}

function checkoutProduct(partition: Partition, product: ProductRecord): Schemas["CheckoutProduct"] {
  const benefits: Schemas["BenefitPublic"][] = [];
  for (const id of product.benefit_ids) {
    const benefit = partition.benefits.get(id);
    if (!benefit || benefit.is_deleted) continue;
    const {
      id: benefitId,
      created_at,
      modified_at,
      type,
      description,
      selectable,
      deletable,
      is_deleted,
      organization_id,
    } = serializeBenefit(benefit);
    benefits.push({
      id: benefitId,
      created_at,
      modified_at,
      type,
      description,
      selectable,
      deletable,
      is_deleted,
      organization_id,
    });
  }
  // The product's prices (models/product.py `Product.prices`): every currency's.
  return {
    ...productBaseWire(product),
    prices: visiblePrices(product).map((price) => serializePrice(partition, price)),
    benefits,
    medias: [],
  };
}

function checkoutDiscount(discount: DiscountRecord): NonNullable<CheckoutWire["discount"]> {
  const head = { id: discount.id, name: discount.name, code: discount.code };
  const months = discount.duration_in_months ?? 0;
  if (discount.type === "fixed") {
    const { amount, currency } = legacyAmount(discount.amounts);
    const fixed = { type: discount.type, amount, currency, amounts: { ...discount.amounts } };
    return discount.duration === "repeating"
      ? { duration: discount.duration, duration_in_months: months, ...fixed, ...head }
      : { duration: discount.duration, ...fixed, ...head };
  }
  const percentage = { type: discount.type, basis_points: discount.basis_points };
  return discount.duration === "repeating"
    ? { duration: discount.duration, duration_in_months: months, ...percentage, ...head }
    : { duration: discount.duration, ...percentage, ...head };
}

type Mode = Schemas["BillingAddressFieldMode"];

function billingAddressFields(checkout: CheckoutRecord): Schemas["CheckoutBillingAddressFields"] {
  const country = checkout.customer_billing_address?.country ?? null;
  const required = checkout.require_billing_address || checkout.is_business_customer || country === "US";
  const lines: Mode = required ? "required" : "disabled";
  return {
    country: "required",
    state: country === "US" || country === "CA" ? "required" : required ? "optional" : "disabled",
    city: lines,
    postal_code: lines,
    line1: lines,
    line2: required ? "optional" : "disabled",
  };
}

/** The fields every checkout shape shares, up to `billing_address_fields`. */
function checkoutHead(partition: Partition, checkout: CheckoutRecord, base: string) {
  const priced = pricedOf(partition, checkout);
  const { product, prices } = priced;
  const discount = checkout.discount_id ? partition.discounts.get(checkout.discount_id) : undefined;
  const amounts = amountsOf(checkout, priced, discount);
  const recurring = product.recurring_interval !== null;
  const seats = seatPrice(prices);
  const fields = billingAddressFields(checkout);
  return {
    id: checkout.id,
    created_at: iso(checkout.created_at),
    modified_at: isoOrNull(checkout.modified_at),
    custom_field_data: { ...checkout.custom_field_data },
    payment_processor: "stripe" as const,
    status: checkout.status,
    client_secret: checkout.client_secret,
    url: checkoutUrl(base, checkout),
    expires_at: iso(checkout.expires_at),
    success_url: successUrl(base, checkout),
    return_url: checkout.return_url,
    embed_origin: checkout.embed_origin,
    amount: checkout.amount,
    seats: checkout.seats,
    min_seats: seats ? (checkout.min_seats ?? seats.seat_tiers.minimum_seats) : checkout.min_seats,
    max_seats: seats ? (checkout.max_seats ?? seats.seat_tiers.maximum_seats) : checkout.max_seats,
    units: null,
    min_units: null,
    max_units: null,
    discount_amount: amounts.discount_amount,
    net_amount: amounts.net_amount,
    tax_amount: amounts.tax_amount,
    tax_behavior: checkout.tax_behavior,
    total_amount: amounts.total_amount,
    currency: checkout.currency,
    allow_trial: checkout.allow_trial,
    active_trial_interval:
      checkout.allow_trial && recurring ? (checkout.trial_interval ?? product.trial_interval) : null,
    active_trial_interval_count:
      checkout.allow_trial && recurring
        ? (checkout.trial_interval_count ?? product.trial_interval_count)
        : null,
    trial_end: isoOrNull(checkout.trial_end),
    organization_id: checkout.organization_id,
    product_id: checkout.product_id,
    product_price_id: checkout.price_id,
    discount_id: checkout.discount_id,
    allow_discount_codes: checkout.allow_discount_codes,
    require_billing_address: checkout.require_billing_address,
    is_discount_applicable: amounts.is_discount_applicable,
    is_free_product_price: amounts.is_free_product_price,
    is_payment_required: amounts.is_payment_required,
    is_payment_setup_required: amounts.is_payment_setup_required,
    is_payment_form_required: amounts.is_payment_form_required,
    customer_id: checkout.customer_id,
    is_business_customer: checkout.is_business_customer,
    customer_name: checkout.customer_name,
    customer_email: checkout.customer_email,
    customer_ip_address: checkout.customer_ip_address,
    customer_billing_name: checkout.customer_billing_name,
    customer_billing_address: checkout.customer_billing_address
      ? { ...checkout.customer_billing_address }
      : null,
    customer_tax_id: checkout.customer_tax_id?.[0] ?? null,
    locale: checkout.locale,
    payment_method_type: checkout.payment_method_type,
    payment_processor_metadata: {
      publishable_key: PUBLISHABLE_KEY,
      ...(checkout.intent_status ? { intent_status: checkout.intent_status } : {}),
    },
    // Deprecated, hidden from Polar's document (SkipJsonSchema) and sent all the same
    // (server/polar/checkout/schemas.py CheckoutBase, models/checkout.py): what the fields below
    // say, as booleans. Clients generated before (the SDK 0.32 inside @polar-sh/express 0.3) require it.
    ...{ customer_billing_address_fields: legacyAddressFields(fields) },
    billing_address_fields: fields,
  };
}

/** `customer_billing_address_fields`: a field is true where `billing_address_fields` requires it. */
function legacyAddressFields(fields: Schemas["CheckoutBillingAddressFields"]): Record<string, boolean> {
  return {
    country: true,
    state: fields.state === "required",
    line1: fields.line1 === "required",
    line2: false,
    city: fields.city === "required",
    postal_code: fields.postal_code === "required",
  };
}

/** Polar's deprecated computed `subtotal_amount` (the net amount), serialized after every field. */
function subtotal(head: { net_amount: number }): { subtotal_amount: number } {
  return { subtotal_amount: head.net_amount };
}

/** The products, the selected one and its price, every product's prices, and the discount. */
function checkoutTail(partition: Partition, checkout: CheckoutRecord) {
  const products = checkout.product_ids.flatMap((id) => {
    const product = partition.products.get(id);
    return product ? [product] : [];
  });
  const wires = products.map((product) => checkoutProduct(partition, product));
  const selected = partition.products.get(checkout.product_id);
  const price = selected?.prices.find((candidate) => candidate.id === checkout.price_id);
  const discount = checkout.discount_id ? partition.discounts.get(checkout.discount_id) : undefined;
  return {
    products: wires,
    product: wires[products.findIndex((product) => product.id === checkout.product_id)] ?? null,
    product_price: price ? serializePrice(partition, price) : null,
    prices: Object.fromEntries(wires.map((wire) => [wire.id, wire.prices])),
    discount: discount ? checkoutDiscount(discount) : null,
  };
}

/** The merchant's Checkout (API answers and `checkout.*` webhooks). */
export function serializeCheckout(
  partition: Partition,
  checkout: CheckoutRecord,
  base = FALLBACK_PUBLIC_URL,
): CheckoutWire {
  const head = checkoutHead(partition, checkout, base);
  return {
    ...head,
    trial_interval: checkout.trial_interval,
    trial_interval_count: checkout.trial_interval_count,
    metadata: { ...checkout.metadata },
    external_customer_id: checkout.external_customer_id,
    // Deprecated alias, hidden from Polar's document and sent all the same (schemas.py Checkout).
    ...{ customer_external_id: checkout.external_customer_id },
    ...checkoutTail(partition, checkout),
    subscription_id: null,
    attached_custom_fields: [],
    customer_metadata: { ...checkout.customer_metadata },
    ...subtotal(head),
  };
}

function checkoutOrganization(partition: Partition): Schemas["CheckoutOrganization"] {
  const { organization } = partition;
  const profile = partition.organizationProfile.profile;
  return {
    created_at: iso(organization.created_at),
    modified_at: isoOrNull(profile.modified_at),
    id: organization.id,
    name: organization.name,
    slug: organization.slug,
    avatar_url: profile.avatar_url,
    proration_behavior: profile.subscription_settings.proration_behavior,
    allow_customer_updates: profile.customer_portal_settings.subscription.update_plan,
  };
}

/** The checkout page's CheckoutPublic (client API by secret). */
export function serializeCheckoutPublic(
  partition: Partition,
  checkout: CheckoutRecord,
  base: string,
): CheckoutPublicWire {
  const head = checkoutHead(partition, checkout, base);
  return {
    ...head,
    ...checkoutTail(partition, checkout),
    organization: checkoutOrganization(partition),
    attached_custom_fields: [],
    ...subtotal(head),
  };
}

/** A confirmation's answer: CheckoutPublic with status `confirmed` and the customer session token. */
export function serializeCheckoutConfirmed(
  partition: Partition,
  checkout: CheckoutRecord,
  base: string,
  customerSessionToken: string | null,
): CheckoutPublicConfirmedWire {
  const head = checkoutHead(partition, checkout, base);
  return {
    ...head,
    status: "confirmed",
    ...checkoutTail(partition, checkout),
    organization: checkoutOrganization(partition),
    attached_custom_fields: [],
    customer_session_token: customerSessionToken,
    ...subtotal(head),
  };
}
