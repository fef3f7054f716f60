/**
 * Orders with Polar's rules (order/service.py): placing one (what a successful checkout and a
 * subscription renewal do), its payment and dunning, the PATCH of its billing details, and its
 * invoice and receipt. Each change sends its webhook with the order as `data`.
 */

import { emit } from "../../domain/events.js";
import type { Schemas } from "../../domain/wire.js";
import { PolarHttpError, PolarRequestValidationError, ResourceNotFound } from "../../errors.js";
import { canonicalUuid } from "../../pydantic/uuid.js";
import type { Metadata } from "../../store/store.js";
import type { Ctx, Partition } from "../context.js";
import { type AddressInput, normalizeAddress } from "../customers/address.js";
import type { CustomerRecord } from "../customers/table.js";
import type { DiscountRecord } from "../discounts/table.js";
import { recordSystemEvent } from "../events/system.js";
import type { PriceRecord, ProductRecord } from "../products/table.js";
import type { SubscriptionRecord } from "../subscriptions/table.js";
import { itemsOf, orderDiscountAmount, shortId } from "./amounts.js";
import { serializeOrder, totalAmount } from "./serialize.js";
import type { CustomFieldData, OrderBillingReason, OrderRecord, OrderStatus } from "./table.js";

export type OrderUpdateBody = Schemas["OrderUpdate"];

/** Polar's first dunning retry: two days after the renewal's payment failed. */
const FIRST_RETRY_MS = 2 * 24 * 60 * 60 * 1000;

export interface PlaceOrderInput {
  customer: CustomerRecord;
  product: ProductRecord;
  /** The prices paid (default: the subscription's, else the product's live ones in `currency`). */
  prices?: readonly PriceRecord[];
  /** The amount chosen for a custom (pay-what-you-want) price. */
  amount?: number | null;
  seats?: number | null;
  currency?: string;
  discount?: DiscountRecord | null;
  billingReason: OrderBillingReason;
  subscription?: SubscriptionRecord | null;
  checkoutId?: string | null;
  /** Whether the payment succeeded (a free order is paid whatever this says). */
  paid: boolean;
  metadata?: Metadata;
  customFieldData?: CustomFieldData;
  /** A fixed id (fixtures). */
  id?: string;
}

function subject(order: OrderRecord) {
  return { organizationId: order.organization_id, customerId: order.customer_id, subjectId: order.id };
}

/** Sends `order.created`, `order.updated`, `order.paid` or `order.refunded` with the order as it is now. */
export function publishOrder(
  ctx: Ctx,
  order: OrderRecord,
  type: "order.created" | "order.updated" | "order.paid" | "order.refunded",
): void {
  const partition = ctx.store.partition(order.organization_id);
  emit(ctx, type, subject(order), () => serializeOrder(partition, order));
}

function customerOf(partition: Partition, order: OrderRecord): CustomerRecord {
  const customer = partition.customers.get(order.customer_id);
  if (!customer) throw new Error(`[polar-emulator] order ${order.id} has no customer`);
  return customer;
}

/**
 * `get_next_invoice_number` with the default numbering (per customer):
 * `<ORGANIZATION SLUG>-<customer short id>-<NNNN>`.
 */
function nextInvoiceNumber(partition: Partition, customer: CustomerRecord): string {
  const issued = partition.orders.ofCustomer(customer.id).filter((order) => order.invoice_number !== null);
  const number = String(issued.length + 1).padStart(4, "0");
  return `${partition.organization.slug.toUpperCase()}-${shortId(customer.id)}-${number}`;
}

/** `receipt_service.allocate`: `RCPT-<customer short id>-<NNNN>`, only once a payment settled the order. */
function allocateReceipt(partition: Partition, order: OrderRecord): void {
  if (order.receipt_number !== null || totalAmount(order) <= 0) return;
  const issued = partition.orders
    .ofCustomer(order.customer_id)
    .filter((other) => other.receipt_number !== null);
  order.receipt_number = `RCPT-${shortId(order.customer_id)}-${String(issued.length + 1).padStart(4, "0")}`;
}

/** `_on_order_paid`: the receipt number, `order.paid`, and the `order.paid` system event. */
function onPaid(ctx: Ctx, order: OrderRecord): void {
  const partition = ctx.store.partition(order.organization_id);
  allocateReceipt(partition, order);
  publishOrder(ctx, order, "order.paid");
  const product = order.product_id === null ? undefined : partition.products.get(order.product_id);
  const subscription =
    order.subscription_id === null ? undefined : partition.subscriptions.get(order.subscription_id);
  recordSystemEvent(ctx, customerOf(partition, order), "order.paid", {
    order_id: order.id,
    product_id: String(order.product_id),
    billing_type: product?.recurring_interval ? "recurring" : "one_time",
    amount: totalAmount(order),
    currency: order.currency,
    net_amount: order.net_amount,
    tax_amount: order.tax_amount,
    applied_balance_amount: order.applied_balance_amount,
    discount_amount: order.discount_amount,
    platform_fee: order.platform_fee_amount,
    ...(order.discount_id === null ? {} : { discount_id: order.discount_id }),
    ...(subscription
      ? {
          subscription_id: subscription.id,
          recurring_interval: subscription.recurring_interval,
          recurring_interval_count: subscription.recurring_interval_count,
        }
      : {}),
  });
}

/** `_on_order_updated`: `order.updated`, then what becoming paid means. */
function onUpdated(ctx: Ctx, order: OrderRecord, previous: OrderStatus): void {
  publishOrder(ctx, order, "order.updated");
  if (order.status === "paid" && previous !== "paid") onPaid(ctx, order);
}

/**
 * Places an order, as a successful checkout or a subscription's billing does, and returns it.
 *
 * The contract (for checkouts and renewals):
 * - items: one per static price (fixed, custom with `amount`, seat-based with `seats`; metered
 *   prices are billed by usage), labelled as Polar does; a trialing subscription's
 *   `subscription_create`/`subscription_update` order is Polar's $0 trial order instead;
 *   a `subscription_cycle` item says the period (`Pro — From Aug 22, 2026 to Sep 22, 2026`);
 * - `discount` (already checked as applicable by the caller) gives `discount_amount` on the
 *   subtotal; no tax; `net = subtotal − discount`; an invoice number is allocated;
 * - a checkout order (`purchase`, `subscription_create`, `subscription_update`) is stored paid
 *   and sends `order.created`, `order.updated`, `order.paid` (Polar's `_create_order_from_checkout`);
 *   a `subscription_cycle` order is stored pending, sends `order.created`, and when `paid` (or
 *   nothing is due) becomes paid with `order.updated`, `order.paid`;
 * - a cycle order that is not paid stays pending: the caller marks the subscription past due
 *   (`failRenewalPayment`). Benefits are not granted here (the checkout or subscription does).
 */
export function placeOrder(ctx: Ctx, input: PlaceOrderInput): OrderRecord {
  const { customer, product, subscription } = input;
  const partition = ctx.store.partition(customer.organization_id);
  const now = ctx.clock.now();
  const { items, currency } = itemsOf(ctx, input);
  const subtotal = items.reduce((sum, item) => sum + item.amount, 0);
  const trial = items.length === 1 && items[0]?.product_price_id === null && subtotal === 0;
  const discount = trial ? null : (input.discount ?? null);
  const discountAmount = discount === null ? 0 : orderDiscountAmount(discount, subtotal, currency);
  const fromCheckout = input.billingReason !== "subscription_cycle";
  const order: OrderRecord = {
    id: input.id ?? ctx.random.uuid(),
    organization_id: customer.organization_id,
    customer_id: customer.id,
    created_at: now,
    modified_at: null,
    status: fromCheckout && input.paid ? "paid" : "pending",
    subtotal_amount: subtotal,
    discount_amount: discountAmount,
    net_amount: subtotal - discountAmount,
    tax_amount: 0,
    applied_balance_amount: 0,
    refunded_amount: 0,
    refunded_tax_amount: 0,
    currency,
    billing_reason: input.billingReason,
    billing_name: customer.billing_name ?? customer.name,
    billing_address: customer.billing_address === null ? null : { ...customer.billing_address },
    invoice_number: nextInvoiceNumber(partition, customer),
    invoice_generated: false,
    receipt_number: null,
    receipt_rendered: false,
    // A checkout's order carries its seats; a renewal's none (`build_subscription_order`).
    seats: input.billingReason === "subscription_cycle" ? null : (input.seats ?? null),
    product_id: product.id,
    discount_id: discount?.id ?? null,
    subscription_id: subscription?.id ?? null,
    checkout_id: input.checkoutId ?? null,
    next_payment_attempt_at: null,
    metadata: { ...(input.metadata ?? subscription?.metadata ?? {}) },
    custom_field_data: { ...(input.customFieldData ?? subscription?.custom_field_data ?? {}) },
    platform_fee_amount: 0,
    platform_fee_currency: null,
    items,
  };
  partition.orders.insert(order);
  publishOrder(ctx, order, "order.created");
  if (order.status === "paid") onUpdated(ctx, order, "pending");
  else if (input.paid || totalAmount(order) <= 0) payOrder(ctx, order);
  return order;
}

/** A pending order's payment succeeded (`handle_payment`): paid, `order.updated`, `order.paid`. */
export function payOrder(ctx: Ctx, order: OrderRecord): void {
  if (order.status !== "pending") return;
  order.status = "paid";
  order.next_payment_attempt_at = null;
  order.modified_at = ctx.clock.now();
  onUpdated(ctx, order, "pending");
}

/**
 * The first failed payment of a renewal order (`_handle_first_dunning_attempt`), once the
 * subscription is past due: the next attempt is scheduled, and `order.updated` is sent.
 */
export function scheduleRetry(ctx: Ctx, order: OrderRecord): void {
  order.next_payment_attempt_at = new Date(ctx.clock.now().getTime() + FIRST_RETRY_MS);
  order.modified_at = ctx.clock.now();
  onUpdated(ctx, order, order.status);
}

/** Retries are over (`_handle_consecutive_dunning_attempts`): no next attempt; the order stays pending. */
export function stopRetries(ctx: Ctx, order: OrderRecord): void {
  if (order.next_payment_attempt_at === null) return;
  order.next_payment_attempt_at = null;
  order.modified_at = ctx.clock.now();
}

/** The subscription's orders still waiting for a payment (its dunning orders). */
export function pendingOrdersOf(partition: Partition, subscription: SubscriptionRecord): OrderRecord[] {
  return partition.orders
    .ofCustomer(subscription.customer_id)
    .filter((order) => order.subscription_id === subscription.id && order.status === "pending");
}

/** An order of the organization by id, or 404. */
export function getOrder(ctx: Ctx, organizationId: string, id: string): OrderRecord {
  const order = ctx.store.partitions.get(organizationId)?.orders.get(canonicalUuid(id));
  if (!order) throw new ResourceNotFound();
  return order;
}

/**
 * `PATCH /v1/orders/{id}` (OrderService.update): the billing name and address as sent; an
 * address's country and state cannot change once the order has one. Always `order.updated`.
 */
export function updateOrder(ctx: Ctx, order: OrderRecord, body: OrderUpdateBody): OrderRecord {
  const address =
    body.billing_address === undefined || body.billing_address === null
      ? body.billing_address
      : normalizeAddress(body.billing_address as AddressInput, ["body", "billing_address"]);
  if (address && order.billing_address !== null) {
    const errors = [];
    if (address.country !== order.billing_address.country)
      errors.push({
        type: "value_error",
        loc: ["body", "billing_address", "country"],
        msg: "Country cannot be changed",
        input: address.country,
      });
    if (address.state !== order.billing_address.state)
      errors.push({
        type: "value_error",
        loc: ["body", "billing_address", "state"],
        msg: "State cannot be changed",
        input: address.state,
      });
    if (errors.length > 0) throw new PolarRequestValidationError(errors);
  }
  let changed = false;
  if (Object.hasOwn(body, "billing_name") && body.billing_name !== order.billing_name) {
    order.billing_name = body.billing_name ?? null;
    changed = true;
  }
  if (address !== undefined) {
    order.billing_address = address;
    changed = true;
  }
  if (changed) order.modified_at = ctx.clock.now();
  publishOrder(ctx, order, "order.updated");
  return order;
}

function orderError(status: number, error: string, detail: string): PolarHttpError {
  return new PolarHttpError(status, { error, detail });
}

/**
 * `POST /v1/orders/{id}/invoice`: refused for a draft or void order (409) and without a billing
 * name and address (422); otherwise the invoice is made (Polar's job takes seconds; the
 * emulator's is done at once) and `order.updated` says `is_invoice_generated`. Generating it
 * again with the same details changes nothing.
 */
export function generateInvoice(ctx: Ctx, order: OrderRecord): void {
  if (order.status === "draft" || order.status === "void")
    throw orderError(
      409,
      "OrderNotEligibleForInvoice",
      `Order ${order.id} is not eligible for invoice generation (current status: ${order.status}).`,
    );
  if (order.billing_name === null || order.billing_address === null)
    throw orderError(
      422,
      "MissingInvoiceBillingDetails",
      "Billing name and address are required to generate an invoice for this order.",
    );
  if (order.invoice_generated) return;
  order.invoice_generated = true;
  order.modified_at = ctx.clock.now();
  publishOrder(ctx, order, "order.updated");
}

/** `GET /v1/orders/{id}/invoice` before one was generated: 404 InvoiceDoesNotExist. */
export function assertInvoice(order: OrderRecord): void {
  if (!order.invoice_generated)
    throw orderError(404, "InvoiceDoesNotExist", `No invoice exists for order ${order.id}.`);
}

/**
 * `GET /v1/orders/{id}/receipt`: 404 without a receipt number (nothing was paid); the first
 * request renders it (202), later ones have its URL (true).
 */
export function receiptReady(order: OrderRecord): boolean {
  if (order.receipt_number === null)
    throw orderError(404, "ReceiptNotAllocated", `No receipt allocated for order ${order.id}.`);
  if (order.receipt_rendered) return true;
  order.receipt_rendered = true;
  return false;
}

/** `POST /v1/orders/`: the emulator's organizations do not have off-session charges. */
export function refuseDraftOrder(organizationId: string): never {
  throw orderError(
    403,
    "OffSessionChargesNotEnabled",
    `Off-session charges are not enabled for this organization (${organizationId}). Contact Polar support to opt in.`,
  );
}

/** `POST /v1/orders/{id}/finalize`: no order of the emulator is a draft. */
export function finalizeOrder(order: OrderRecord): never {
  if (order.status !== "draft")
    throw orderError(
      412,
      "OrderNotDraft",
      `Order ${order.id} is not in draft status (current: ${order.status}). Only draft orders can be modified or finalized.`,
    );
  refuseDraftOrder(order.organization_id);
}
