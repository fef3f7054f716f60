/**
 * Checkout sessions with Polar's rules (checkout/service.py): create, update (by the merchant or,
 * by client secret, by the checkout page), lookups, and expiry. Each change sends its webhook
 * (`checkout.created`, `checkout.updated`, `checkout.expired`) with the Checkout as `data`.
 * Confirmation and what a successful payment does are in complete.ts.
 */
import { emit } from "../../domain/events.js";
import { publicBase } from "../../domain/public-url.js";
import type { Schemas } from "../../domain/wire.js";
import { PolarRequestValidationError, ResourceNotFound, type ValidationDetail } from "../../errors.js";
import { canonicalUuid } from "../../pydantic/uuid.js";
import { nextPeriod } from "../../util/period.js";
import type { Ctx, Partition } from "../context.js";
import { normalizeAddress } from "../customers/address.js";
import type { CustomerRecord } from "../customers/table.js";
import { validateTaxId } from "../customers/tax-id.js";
import { codeKey, type DiscountRecord } from "../discounts/table.js";
import type { ProductRecord } from "../products/table.js";
import { ExpiredCheckoutError } from "./errors.js";
import {
  amountsOf,
  currencyFor,
  defaultPrice,
  discountApplies,
  type Priced,
  pricedOf,
  pricesIn,
  seatPrice,
  upfrontAmount,
  validateCustomAmount,
  validateSeats,
} from "./pricing.js";
import { serializeCheckout } from "./serialize.js";
import { CHECKOUT_CLIENT_SECRET_PREFIX, CHECKOUT_TTL_MS, type CheckoutRecord } from "./table.js";

export type CheckoutCreateBody = Schemas["CheckoutProductsCreate"];
export type CheckoutUpdateBody = Schemas["CheckoutUpdate"];
export type CheckoutUpdatePublicBody = Schemas["CheckoutUpdatePublic"] | Schemas["CheckoutConfirmStripe"];

export function refuse(detail: Omit<ValidationDetail, "ctx">): never {
  throw new PolarRequestValidationError([detail]);
}

/**
 * `SuccessUrl` (kit/http.py): the URL as pydantic's HttpUrl normalized it (the walker did), with
 * the `{CHECKOUT_ID}` placeholder it percent-encoded put back.
 */
export function successUrlOf(value: string | null | undefined): string | null {
  return value === undefined || value === null
    ? null
    : value.replaceAll("%7BCHECKOUT_ID%7D", "{CHECKOUT_ID}");
}

/** Sends a checkout webhook with the checkout as it is now. */
export function publishCheckout(
  ctx: Ctx,
  checkout: CheckoutRecord,
  type: "checkout.created" | "checkout.updated" | "checkout.expired",
): void {
  const partition = ctx.store.partition(checkout.organization_id);
  emit(
    ctx,
    type,
    { organizationId: checkout.organization_id, customerId: checkout.customer_id, subjectId: checkout.id },
    () => serializeCheckout(partition, checkout, publicBase(ctx)),
  );
}

/** `_get_validated_products`: every product the organization's, none archived. */
function validatedProducts(partition: Partition, ids: readonly string[]): ProductRecord[] {
  const errors: Omit<ValidationDetail, "ctx">[] = [];
  const products: ProductRecord[] = [];
  ids.forEach((raw, index) => {
    const id = canonicalUuid(raw);
    const product = partition.products.get(id);
    const loc = ["body", "products", index];
    if (!product) errors.push({ type: "value_error", loc, msg: "Product does not exist.", input: id });
    else if (product.is_archived)
      errors.push({ type: "value_error", loc, msg: "Product is archived.", input: id });
    else if (!products.includes(product)) products.push(product);
  });
  if (errors.length > 0) throw new PolarRequestValidationError(errors);
  return products;
}

/** Whether a discount can be redeemed now (`is_redeemable_discount`). */
export function isRedeemable(discount: DiscountRecord, now: Date): boolean {
  if (discount.deleted_at !== null) return false;
  if (discount.starts_at !== null && discount.starts_at > now) return false;
  if (discount.ends_at !== null && discount.ends_at < now) return false;
  return discount.max_redemptions === null || discount.redemptions_count < discount.max_redemptions;
}

/** `_get_validated_discount`, by id or (on the checkout page) by code. */
export function validatedDiscount(
  ctx: Ctx,
  partition: Partition,
  priced: Priced,
  currency: string,
  by: { id: string } | { code: string },
): DiscountRecord {
  const field = "id" in by ? "discount_id" : "discount_code";
  const input = "id" in by ? by.id : null;
  if (!priced.prices.some((price) => price.amount_type !== "fixed" || price.price_amount > 0))
    refuse({
      type: "value_error",
      loc: ["body", field],
      msg: "Discounts are not applicable to this product.",
      input,
    });
  const discount =
    "id" in by
      ? partition.discounts.live(canonicalUuid(by.id))
      : partition.discounts.byCode.get(codeKey(by.code));
  if (
    !discount ||
    !discountApplies(discount, priced.product, currency) ||
    !isRedeemable(discount, ctx.clock.now())
  )
    refuse({ type: "value_error", loc: ["body", field], msg: "Discount does not exist.", input });
  return discount;
}

/** `_update_trial_end`: a recurring product's trial (the checkout's, else the product's), from now. */
export function updateTrialEnd(now: Date, checkout: CheckoutRecord, product: ProductRecord): void {
  const interval = checkout.allow_trial ? (checkout.trial_interval ?? product.trial_interval) : null;
  const count = checkout.allow_trial ? (checkout.trial_interval_count ?? product.trial_interval_count) : null;
  checkout.trial_end =
    product.recurring_interval !== null && interval !== null && count !== null
      ? nextPeriod(now, interval, count, now.getUTCDate())
      : null;
}

/**
 * `_update_checkout_tax`: nothing to pay, no tax; with a billing address, the emulator's tax
 * (none: 0, exclusive unless the price says inclusive); without one, unknown until confirmation.
 */
export function updateTax(partition: Partition, checkout: CheckoutRecord): void {
  const priced = pricedOf(partition, checkout);
  const discount = checkout.discount_id ? partition.discounts.get(checkout.discount_id) : undefined;
  const amounts = amountsOf({ ...checkout, tax_amount: null }, priced, discount);
  if (!amounts.is_payment_form_required) {
    checkout.tax_amount = 0;
    return;
  }
  if (checkout.customer_billing_address !== null) {
    checkout.tax_amount = 0;
    checkout.tax_behavior = priced.price.tax_behavior === "inclusive" ? "inclusive" : "exclusive";
  }
}

export function taxIdOf(
  number: string,
  country: string | undefined,
  loc: string,
): CheckoutRecord["customer_tax_id"] {
  if (country === undefined)
    refuse({
      type: "missing",
      loc: ["body", "customer_billing_address"],
      msg: "Country is required to validate tax ID.",
      input: null,
    });
  const taxId = validateTaxId(number, country);
  if (taxId === null)
    refuse({ type: "value_error", loc: ["body", loc], msg: "Invalid tax ID.", input: number });
  return taxId;
}

/**
 * Polar takes any number in `customer_metadata` (MetadataField: str, int, float or bool) but renders
 * the checkout with `customer_metadata: dict[str, str | int | bool]` (server/polar/checkout/
 * schemas.py, Checkout), which no number with a fraction passes: Polar answers 500. The emulator
 * refuses such a value instead, with a 422 that says why.
 */
export function assertRenderableCustomerMetadata(
  metadata: Readonly<Record<string, unknown>> | null | undefined,
): void {
  for (const [key, value] of Object.entries(metadata ?? {}))
    if (typeof value === "number" && !Number.isInteger(value))
      refuse({
        type: "value_error",
        loc: ["body", "customer_metadata", key],
        msg: "polar-emulator refuses a number with a fraction here: Polar takes it, then fails to render the checkout (its customer_metadata holds strings, integers and booleans only) and answers 500.",
        input: value,
      });
}

/** Fills what the checkout leaves empty from a known customer (Polar's prefill on create). */
function prefillFromCustomer(checkout: CheckoutRecord, customer: CustomerRecord): void {
  checkout.customer_email ??= customer.email;
  checkout.customer_billing_name ??= customer.billing_name;
  checkout.customer_billing_address ??= customer.billing_address;
  checkout.customer_tax_id ??= customer.tax_id;
  if (customer.type !== "team") checkout.customer_name ??= customer.name;
}

/** Creates a checkout session and sends `checkout.created`. */
export function createCheckout(
  ctx: Ctx,
  organizationId: string,
  body: CheckoutCreateBody,
  options: { id?: string } = {},
): CheckoutRecord {
  const partition = ctx.store.partition(organizationId);
  const products = validatedProducts(partition, body.products);
  assertRenderableCustomerMetadata(body.customer_metadata);
  const product = products[0] as ProductRecord;
  const currency = currencyFor(product, body.currency);
  if (currency === null)
    refuse({
      type: "value_error",
      loc: ["body", "products", 0],
      msg: "Product is not available in the specified currency.",
      input: product.id,
    });
  const prices = pricesIn(product, currency);
  const price = defaultPrice(prices);
  if (!price)
    refuse({
      type: "value_error",
      loc: ["body", "products", 0],
      msg: "Product is not available in the specified currency.",
      input: product.id,
    });
  const priced: Priced = { product, price, prices };
  const amount = body.amount ?? null;
  if (amount !== null) validateCustomAmount(price, amount, currency);
  const discount = body.discount_id
    ? validatedDiscount(ctx, partition, priced, currency, { id: body.discount_id })
    : undefined;

  const address = body.customer_billing_address
    ? normalizeAddress(body.customer_billing_address, ["body", "customer_billing_address"])
    : null;
  const taxNumber = body.customer_tax_id?.trim() || null;
  const taxId = taxNumber === null ? null : taxIdOf(taxNumber, address?.country, "customer_tax_id");

  const seats = seatPrice(prices);
  const minSeats = body.min_seats ?? null;
  const maxSeats = body.max_seats ?? null;
  if (!seats && (minSeats !== null || maxSeats !== null)) {
    const errors: Omit<ValidationDetail, "ctx">[] = [];
    if (minSeats !== null)
      errors.push({
        type: "value_error",
        loc: ["body", "min_seats"],
        msg: "min_seats can only be set for seat-based pricing.",
        input: minSeats,
      });
    if (maxSeats !== null)
      errors.push({
        type: "value_error",
        loc: ["body", "max_seats"],
        msg: "max_seats can only be set for seat-based pricing.",
        input: maxSeats,
      });
    throw new PolarRequestValidationError(errors);
  }
  let seatCount = body.seats ?? null;
  if (seats) {
    seatCount ??= minSeats ?? seats.seat_tiers.minimum_seats;
    validateSeats(seats, seatCount, minSeats, maxSeats);
  } else if (seatCount !== null) {
    refuse({
      type: "value_error",
      loc: ["body", "seats"],
      msg: "Seats can only be set for seat-based pricing.",
      input: seatCount,
    });
  }

  let customer: CustomerRecord | undefined;
  if (body.subscription_id) {
    refuse({
      type: "value_error",
      loc: ["body", "subscription_id"],
      msg: "Subscription does not exist.",
      input: body.subscription_id,
    });
  } else if (body.customer_id) {
    customer = partition.customers.live(canonicalUuid(body.customer_id));
    if (!customer)
      refuse({
        type: "value_error",
        loc: ["body", "customer_id"],
        msg: "Customer does not exist.",
        input: body.customer_id,
      });
  } else if (body.external_customer_id) {
    customer = partition.customers.byExternalId.get(body.external_customer_id);
  }

  const now = ctx.clock.now();
  const hasAddressLines =
    address !== null &&
    (address.line1 !== null ||
      address.city !== null ||
      address.postal_code !== null ||
      (address.state !== null && address.country !== "US" && address.country !== "CA"));
  const checkout: CheckoutRecord = {
    id: options.id ?? ctx.random.uuid(),
    organization_id: organizationId,
    created_at: now,
    modified_at: null,
    status: "open",
    client_secret: `${CHECKOUT_CLIENT_SECRET_PREFIX}${ctx.random.alphanumeric(43)}`,
    expires_at: new Date(now.getTime() + CHECKOUT_TTL_MS),
    success_url: successUrlOf(body.success_url),
    return_url: body.return_url ?? null,
    embed_origin: body.embed_origin ?? null,
    locale: "en",
    product_ids: products.map((item) => item.id),
    product_id: product.id,
    price_id: price.id,
    amount: upfrontAmount(prices, amount, seatCount),
    currency,
    seats: seatCount,
    min_seats: minSeats,
    max_seats: maxSeats,
    tax_amount: null,
    tax_behavior: null,
    discount_id: discount?.id ?? null,
    allow_discount_codes: body.allow_discount_codes ?? true,
    require_billing_address: (body.require_billing_address ?? false) || hasAddressLines,
    allow_trial: body.allow_trial ?? true,
    trial_interval: body.trial_interval ?? null,
    trial_interval_count: body.trial_interval_count ?? null,
    trial_end: null,
    customer_id: customer?.id ?? null,
    external_customer_id: body.external_customer_id ?? null,
    is_business_customer: body.is_business_customer ?? false,
    customer_name: body.customer_name ?? null,
    customer_email: body.customer_email ?? null,
    customer_ip_address: body.customer_ip_address ?? null,
    customer_billing_name: body.customer_billing_name ?? null,
    customer_billing_address: address,
    customer_tax_id: taxId,
    payment_method_type: null,
    intent_status: null,
    metadata: { ...(body.metadata ?? {}) },
    customer_metadata: { ...(body.customer_metadata ?? {}) },
    custom_field_data: { ...(body.custom_field_data ?? {}) },
    created_subscription_id: null,
  };
  if (customer) {
    prefillFromCustomer(checkout, customer);
  }
  updateTrialEnd(now, checkout, product);
  updateTax(partition, checkout);
  partition.checkouts.insert(checkout);
  publishCheckout(ctx, checkout, "checkout.created");
  return checkout;
}

/** A checkout of the organization by id (expired ones too), or 404. */
export function getCheckout(ctx: Ctx, organizationId: string, id: string): CheckoutRecord {
  const partition = ctx.store.partitions.get(organizationId);
  const checkout = partition?.checkouts.get(canonicalUuid(id));
  if (!partition || !checkout) throw new ResourceNotFound();
  expireIfDue(ctx, checkout);
  return checkout;
}

/** A checkout by its client secret (the page and the client API), 404 when none, 410 once expired. */
export function checkoutBySecret(ctx: Ctx, secret: string): CheckoutRecord {
  for (const partition of ctx.store.partitions.values()) {
    const checkout = partition.checkouts.bySecret.get(secret);
    if (!checkout) continue;
    expireIfDue(ctx, checkout);
    if (checkout.expires_at < ctx.clock.now()) throw new ExpiredCheckoutError();
    return checkout;
  }
  throw new ResourceNotFound();
}

/**
 * Polar's expiry (checkout/tasks.py): an open session past `expires_at` becomes `expired` and
 * sends `checkout.expired`. The emulator does it when the clock has passed it and the session is
 * read, listed or completed.
 */
export function expireIfDue(ctx: Ctx, checkout: CheckoutRecord): void {
  if (checkout.status !== "open" || checkout.expires_at > ctx.clock.now()) return;
  checkout.status = "expired";
  checkout.modified_at = ctx.clock.now();
  publishCheckout(ctx, checkout, "checkout.expired");
}

/** Expires every due session of these partitions (before a list). */
export function expireDue(ctx: Ctx, partitions: readonly Partition[]): void {
  for (const partition of partitions)
    for (const checkout of partition.checkouts.values()) expireIfDue(ctx, checkout);
}
