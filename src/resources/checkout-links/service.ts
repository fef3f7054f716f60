/**
 * Checkout links with Polar's rules (checkout_link/service.py) and the redirect that opens a new
 * checkout session from one (checkout_link/endpoints.py `redirect`, checkout/service.py
 * `checkout_link_create`). Polar sends no webhook about links.
 */
import type { Schemas } from "../../domain/wire.js";
import { PolarRequestValidationError, ResourceNotFound, type ValidationDetail } from "../../errors.js";
import { canonicalUuid } from "../../pydantic/uuid.js";
import { currencyFor, discountApplies, pricesIn, validateCustomAmount } from "../checkouts/pricing.js";
import type { CheckoutCreateBody } from "../checkouts/service.js";
import { createCheckout, isRedeemable } from "../checkouts/service.js";
import type { CheckoutRecord } from "../checkouts/table.js";
import type { Ctx, Partition } from "../context.js";
import { codeKey, type DiscountRecord } from "../discounts/table.js";
import { visiblePrices } from "../products/serialize.js";
import type { ProductRecord } from "../products/table.js";
import { CHECKOUT_LINK_CLIENT_SECRET_PREFIX, type CheckoutLinkRecord } from "./table.js";

export type CheckoutLinkCreateBody = Schemas["CheckoutLinkCreate"];
export type CheckoutLinkUpdateBody = Schemas["CheckoutLinkUpdate"];

function refuse(detail: Omit<ValidationDetail, "ctx">): never {
  throw new PolarRequestValidationError([detail]);
}

/** `_get_validated_products`: the organization's, neither archived nor drafts. */
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
    else if (product.visibility === "draft")
      errors.push({ type: "value_error", loc, msg: "Product is a draft.", input: id });
    else products.push(product);
  });
  if (errors.length > 0) throw new PolarRequestValidationError(errors);
  return products;
}

/** `_get_validated_price`: the product of a (deprecated) `product_price_id`. */
function productOfPrice(partition: Partition, raw: string): ProductRecord {
  const id = canonicalUuid(raw);
  const loc = ["body", "product_price_id"];
  for (const product of partition.products.values()) {
    const price = product.prices.find((candidate) => candidate.id === id);
    if (!price) continue;
    if (price.is_archived) refuse({ type: "value_error", loc, msg: "Price is archived.", input: id });
    if (product.is_archived) refuse({ type: "value_error", loc, msg: "Product is archived.", input: id });
    if (product.visibility === "draft")
      refuse({ type: "value_error", loc, msg: "Product is a draft.", input: id });
    return product;
  }
  refuse({ type: "value_error", loc, msg: "Price does not exist.", input: id });
}

/** `_get_validated_discount`: the organization's, applicable to one of the products (redeemable or not). */
function validatedDiscount(
  partition: Partition,
  raw: string,
  products: readonly ProductRecord[],
): DiscountRecord {
  const id = canonicalUuid(raw);
  const discount = partition.discounts.live(id);
  const applies =
    discount !== undefined &&
    (discount.product_ids.length === 0 ||
      products.some((product) => discount.product_ids.includes(product.id)));
  if (!discount || !applies)
    refuse({
      type: "value_error",
      loc: ["body", "discount_id"],
      msg: "Discount does not exist or is not applicable to this product.",
      input: id,
    });
  return discount;
}

function seatBounds(product: ProductRecord): { minimum: number; maximum: number | null } | null {
  const price = visiblePrices(product).find((candidate) => candidate.amount_type === "seat_based");
  return price?.amount_type === "seat_based"
    ? { minimum: price.seat_tiers.minimum_seats, maximum: price.seat_tiers.maximum_seats }
    : null;
}

/** `_validate_seats_for_products`: a seat lock every product's seat price allows. */
function validateSeats(seats: number, products: readonly ProductRecord[]): void {
  for (const product of products) {
    const bounds = seatBounds(product);
    if (bounds === null)
      refuse({
        type: "value_error",
        loc: ["body", "seats"],
        msg: "Seats can only be preconfigured when all products use seat-based pricing.",
        input: seats,
      });
    if (seats < bounds.minimum || (bounds.maximum !== null && seats > bounds.maximum))
      refuse({
        type: "value_error",
        loc: ["body", "seats"],
        msg: `Product '${product.name}' allows between ${bounds.minimum} and ${bounds.maximum ?? "unlimited"} seats.`,
        input: seats,
      });
  }
}

export function createCheckoutLink(
  ctx: Ctx,
  organizationId: string,
  body: CheckoutLinkCreateBody,
  options: { id?: string } = {},
): CheckoutLinkRecord {
  const partition = ctx.store.partition(organizationId);
  let products: ProductRecord[];
  if ("products" in body && Array.isArray(body.products))
    products = validatedProducts(partition, body.products);
  else if ("product_id" in body && typeof body.product_id === "string")
    products = validatedProducts(partition, [body.product_id]);
  else products = [productOfPrice(partition, (body as { product_price_id: string }).product_price_id)];
  const discount = body.discount_id ? validatedDiscount(partition, body.discount_id, products) : undefined;
  if (body.seats !== undefined && body.seats !== null) validateSeats(body.seats, products);
  const link: CheckoutLinkRecord = {
    id: options.id ?? ctx.random.uuid(),
    organization_id: organizationId,
    created_at: ctx.clock.now(),
    modified_at: null,
    deleted_at: null,
    client_secret: `${CHECKOUT_LINK_CLIENT_SECRET_PREFIX}${ctx.random.alphanumeric(43)}`,
    success_url: body.success_url ?? null,
    return_url: body.return_url ?? null,
    label: body.label ?? null,
    allow_discount_codes: body.allow_discount_codes ?? true,
    require_billing_address: body.require_billing_address ?? false,
    discount_id: discount?.id ?? null,
    seats: body.seats ?? null,
    trial_interval: body.trial_interval ?? null,
    trial_interval_count: body.trial_interval_count ?? null,
    metadata: { ...(body.metadata ?? {}) },
    product_ids: products.map((product) => product.id),
  };
  partition.checkoutLinks.insert(link);
  return link;
}

/** A (not deleted) checkout link of the organization by id, or 404. */
export function getCheckoutLink(ctx: Ctx, organizationId: string, id: string): CheckoutLinkRecord {
  const link = ctx.store.partitions.get(organizationId)?.checkoutLinks.live(canonicalUuid(id));
  if (!link) throw new ResourceNotFound();
  return link;
}

/** CheckoutLinkService.update: products, discount and seat lock checked, then the fields sent. */
export function updateCheckoutLink(
  ctx: Ctx,
  link: CheckoutLinkRecord,
  body: CheckoutLinkUpdateBody,
): CheckoutLinkRecord {
  const partition = ctx.store.partition(link.organization_id);
  const sent = (field: string): boolean => Object.hasOwn(body, field);
  const next: CheckoutLinkRecord = { ...link };
  let products = link.product_ids.flatMap((id) => partition.products.get(id) ?? []);
  if (body.products !== undefined && body.products !== null) {
    products = validatedProducts(partition, body.products);
    next.product_ids = products.map((product) => product.id);
    if (!products.some((product) => product.recurring_interval !== null)) {
      next.trial_interval = null;
      next.trial_interval_count = null;
    }
  }
  if (sent("discount_id"))
    next.discount_id = body.discount_id ? validatedDiscount(partition, body.discount_id, products).id : null;
  if (sent("seats")) {
    if (body.seats !== undefined && body.seats !== null) validateSeats(body.seats, products);
    next.seats = body.seats ?? null;
  } else if (body.products && next.seats !== null) {
    const seats = next.seats;
    const fits = products.every((product) => {
      const bounds = seatBounds(product);
      return (
        bounds !== null && seats >= bounds.minimum && (bounds.maximum === null || seats <= bounds.maximum)
      );
    });
    if (!fits) next.seats = null;
  }
  const plain = [
    "trial_interval",
    "trial_interval_count",
    "label",
    "allow_discount_codes",
    "require_billing_address",
    "success_url",
    "return_url",
  ] as const;
  const record = next as unknown as Record<string, unknown>;
  const values = body as Record<string, unknown>;
  for (const field of plain) if (sent(field)) record[field] = values[field] ?? null;
  // Non-nullable columns keep their value when sent null.
  next.allow_discount_codes = next.allow_discount_codes ?? link.allow_discount_codes;
  next.require_billing_address = next.require_billing_address ?? link.require_billing_address;
  if (body.metadata !== undefined) next.metadata = { ...body.metadata };
  Object.assign(link, next, { modified_at: ctx.clock.now() });
  return link;
}

/** Soft delete: the link answers 404 and its URL opens nothing from then on. */
export function deleteCheckoutLink(ctx: Ctx, link: CheckoutLinkRecord): void {
  const now = ctx.clock.now();
  link.deleted_at = now;
  link.modified_at = now;
}

/** The query parameters the redirect reads (the others are passed on to the checkout's URL). */
export const PREFILL_PARAMETERS = [
  "embed_origin",
  "product_id",
  "amount",
  "customer_email",
  "customer_name",
  "discount_code",
  "locale",
] as const;
const METADATA_PARAMETERS = [
  "reference_id",
  "utm_source",
  "utm_medium",
  "utm_campaign",
  "utm_term",
  "utm_content",
];

/**
 * `checkout_link_create`: a new checkout session for the link's products that are neither
 * archived nor drafts (the one `product_id` names first, when it is one of them), with the link's
 * settings and the query's prefill (an invalid prefill is ignored, as Polar ignores it).
 */
export function checkoutFromLink(ctx: Ctx, secret: string, query: URLSearchParams): CheckoutRecord {
  for (const partition of ctx.store.partitions.values()) {
    const link = partition.checkoutLinks.bySecret.get(secret);
    if (!link || link.deleted_at !== null) continue;
    const products = link.product_ids.flatMap((id) => {
      const product = partition.products.get(id);
      return product && !product.is_archived && product.visibility !== "draft" ? [product] : [];
    });
    if (products.length === 0)
      refuse({
        type: "value_error",
        loc: ["body", "products"],
        msg: "No valid products.",
        input: link.product_ids,
      });
    const selected = products.find((product) => product.id === query.get("product_id")) ?? products[0];
    const ordered = selected ? [selected, ...products.filter((product) => product !== selected)] : products;
    const metadata = { ...link.metadata };
    for (const key of METADATA_PARAMETERS) {
      const value = query.get(key);
      if (value) metadata[key] = value;
    }
    const body: CheckoutCreateBody = {
      products: ordered.map((product) => product.id),
      allow_discount_codes: link.allow_discount_codes,
      require_billing_address: link.require_billing_address,
      trial_interval: link.trial_interval,
      trial_interval_count: link.trial_interval_count,
      success_url: link.success_url,
      return_url: link.return_url,
      embed_origin: query.get("embed_origin") || null,
      metadata,
    };
    const email = query.get("customer_email");
    if (email && /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) body.customer_email = email;
    const name = query.get("customer_name");
    if (name) body.customer_name = name;
    const extra = optionalParts(ctx, link, selected, query);
    const checkout = createCheckout(ctx, partition.organization.id, { ...body, ...extra });
    return checkout;
  }
  throw new ResourceNotFound();
}

/**
 * The parts of a link's checkout Polar keeps only when they fit: the link's discount (ignored when
 * no longer valid), the `amount` prefill of a pay-what-you-want price, the link's seat lock.
 */
function optionalParts(
  ctx: Ctx,
  link: CheckoutLinkRecord,
  product: ProductRecord | undefined,
  query: URLSearchParams,
): Partial<CheckoutCreateBody> {
  const extra: Partial<CheckoutCreateBody> = {};
  if (!product) return extra;
  const partition = ctx.store.partition(link.organization_id);
  const currency = currencyFor(product, null);
  if (currency === null) return extra;
  const prices = pricesIn(product, currency);
  const discount = link.discount_id ? partition.discounts.live(link.discount_id) : undefined;
  const discountable = prices.some((price) => price.amount_type !== "fixed" || price.price_amount > 0);
  if (
    discountable &&
    discount &&
    discountApplies(discount, product, currency) &&
    isRedeemable(discount, ctx.clock.now())
  )
    extra.discount_id = discount.id;
  const code = query.get("discount_code");
  const byCode = code ? partition.discounts.byCode.get(codeKey(code)) : undefined;
  if (
    discountable &&
    byCode &&
    discountApplies(byCode, product, currency) &&
    isRedeemable(byCode, ctx.clock.now())
  )
    extra.discount_id = byCode.id;
  const custom = prices.find((price) => price.amount_type === "custom");
  const amount = Math.trunc(Number.parseFloat(query.get("amount") ?? ""));
  if (custom && Number.isFinite(amount)) {
    try {
      validateCustomAmount(custom, amount, currency);
      extra.amount = amount;
    } catch {
      // An amount out of bounds is ignored.
    }
  }
  const bounds = seatBounds(product);
  const seats = link.seats;
  if (
    seats !== null &&
    bounds !== null &&
    seats >= bounds.minimum &&
    (bounds.maximum === null || seats <= bounds.maximum)
  )
    Object.assign(extra, { seats, min_seats: seats, max_seats: seats });
  return extra;
}
