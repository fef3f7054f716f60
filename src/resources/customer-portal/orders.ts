/**
 * The portal's orders (customer_portal/endpoints/order.py, service/order.py): the customer's own,
 * as `CustomerOrder`; another customer's is 404. Updating one, its invoice and its receipt follow
 * the orders resource's rules (order/service.py, as Polar's portal calls them). A customer
 * retries a past-due renewal's payment with a test card or a saved card (`process_retry_payment`):
 * a paid retry pays the order and the subscription recovers, with the webhooks Polar's payment
 * handling sends; every retry counts towards Polar's limit of 5.
 */
import { listEnvelope, pageOf } from "../../domain/list.js";
import type { Schemas } from "../../domain/wire.js";
import { PolarHttpError, ResourceNotFound } from "../../errors.js";
import { canonicalUuid } from "../../pydantic/uuid.js";
import { cardOutcome } from "../checkouts/complete.js";
import type { Ctx, Partition } from "../context.js";
import type { PortalSubject } from "../customer-sessions/service.js";
import { type Handlers, json, list, optional } from "../operation.js";
import { fileUrl } from "../orders/handlers.js";
import { listOrders } from "../orders/list.js";
import { serializeOrder } from "../orders/serialize.js";
import { assertInvoice, generateInvoice, payOrder, receiptReady, updateOrder } from "../orders/service.js";
import type { OrderRecord } from "../orders/table.js";
import { changeSubscription } from "../subscriptions/actions.js";
import { subscriptionBase } from "../subscriptions/serialize.js";
import { serializeCustomerOrganization, serializeCustomerProduct } from "./serialize.js";
import { billingSubject } from "./subject.js";
import type { PaymentStatus, RetryPaymentRecord } from "./table.js";

export type PortalOrderOperation =
  | "customer_portal:orders:list"
  | "customer_portal:orders:get"
  | "customer_portal:orders:update"
  | "customer_portal:orders:generate_invoice"
  | "customer_portal:orders:invoice"
  | "customer_portal:orders:receipt"
  | "customer_portal:orders:get_payment_status"
  | "customer_portal:orders:confirm_retry_payment";

/** Polar's `CUSTOMER_RETRY_MAX_ATTEMPTS`. */
export const CUSTOMER_RETRY_MAX_ATTEMPTS = 5;

/** The decline message the emulator gives a renewal whose charge failed (it has no card to ask). */
const RENEWAL_DECLINED = "Your card was declined.";

/**
 * `CustomerOrder`: the order's fields as the organization sees them, without its metadata, custom
 * fields, platform fee and embedded customer; the product with its organization, the subscription
 * without metadata. Polar still sends the hidden legacy fields (`user_id`, `product_price`, …).
 * Keys in Polar's field order (OrderBase, then CustomerOrder's, then the computed ones).
 */
export function serializeCustomerOrder(partition: Partition, order: OrderRecord) {
  const wire = serializeOrder(partition, order);
  const product = order.product_id === null ? undefined : partition.products.get(order.product_id);
  const subscription =
    order.subscription_id === null ? undefined : partition.subscriptions.get(order.subscription_id);
  const customerOrder: Schemas["CustomerOrder"] & {
    units: number | null;
    product_price_id: string | null;
    user_id: string;
    product_price: typeof wire.product_price;
    amount: number;
    from_balance_amount: number;
  } = {
    id: wire.id,
    created_at: wire.created_at,
    modified_at: wire.modified_at,
    status: wire.status,
    paid: wire.paid,
    subtotal_amount: wire.subtotal_amount,
    discount_amount: wire.discount_amount,
    net_amount: wire.net_amount,
    tax_amount: wire.tax_amount,
    total_amount: wire.total_amount,
    applied_balance_amount: wire.applied_balance_amount,
    due_amount: wire.due_amount,
    refunded_amount: wire.refunded_amount,
    refunded_tax_amount: wire.refunded_tax_amount,
    currency: wire.currency,
    billing_reason: wire.billing_reason,
    billing_name: wire.billing_name,
    billing_address: wire.billing_address,
    invoice_number: wire.invoice_number,
    is_invoice_generated: wire.is_invoice_generated,
    receipt_number: wire.receipt_number,
    seats: wire.seats,
    // Polar's server sends `units` (OrderBase) though this document's CustomerOrder has none yet;
    // the 1.x clients require it, as the organization's Order has it.
    units: wire.units,
    customer_id: wire.customer_id,
    product_id: wire.product_id,
    product_price_id: wire.product_price_id,
    discount_id: wire.discount_id,
    subscription_id: wire.subscription_id,
    checkout_id: wire.checkout_id,
    next_payment_attempt_at: wire.next_payment_attempt_at,
    user_id: wire.user_id,
    product: product
      ? {
          ...serializeCustomerProduct(partition, product),
          organization: serializeCustomerOrganization(partition),
        }
      : null,
    product_price: wire.product_price,
    subscription: subscription ? subscriptionBase(subscription) : null,
    items: wire.items,
    description: wire.description,
    amount: wire.amount,
    from_balance_amount: wire.from_balance_amount,
    refundable_amount: wire.refundable_amount,
    refundable_tax_amount: wire.refundable_tax_amount,
  };
  return customerOrder;
}

/** One of the subject's customer's orders (`get_readable_statement`), or 404. */
function orderOf(ctx: Ctx, subject: PortalSubject, id: string): OrderRecord {
  const order = ctx.store.partition(subject.organizationId).orders.get(canonicalUuid(id));
  if (!order || order.customer_id !== subject.customer.id) throw new ResourceNotFound();
  return order;
}

function orderError(status: number, error: string, detail: string): PolarHttpError {
  return new PolarHttpError(status, { error, detail });
}

/**
 * The order's latest payment (`get_latest_for_order`): a retry the customer made, else what the
 * order's own charge did: paid orders were charged (nothing is charged for a free one), a
 * renewal left pending was declined, and nothing was charged for any other pending order.
 */
function latestPayment(
  partition: Partition,
  order: OrderRecord,
): { status: PaymentStatus | "no_payment"; error: string | null } {
  const retry = partition.retryPayments.ofOrder(order.id).at(-1);
  if (retry) return { status: retry.status, error: retry.decline_message };
  const charged = order.net_amount + order.tax_amount > 0;
  if (!charged) return { status: "no_payment", error: null };
  if (order.status === "pending")
    return order.billing_reason === "subscription_cycle"
      ? { status: "failed", error: RENEWAL_DECLINED }
      : { status: "no_payment", error: null };
  if (order.status === "draft" || order.status === "void") return { status: "no_payment", error: null };
  return { status: "succeeded", error: null };
}

interface ConfirmBody {
  confirmation_token_id?: string | null;
  payment_method_id?: string | null;
}

/** `OrderService.process_retry_payment`, with the emulator as Stripe. */
function confirmRetryPayment(ctx: Ctx, order: OrderRecord, body: ConfirmBody) {
  const partition = ctx.store.partition(order.organization_id);
  const notEligible = () =>
    orderError(422, "OrderNotEligibleForRetry", `Order ${order.id} is not eligible for payment retry.`);
  if (order.status !== "pending" || order.next_payment_attempt_at === null) throw notEligible();
  const subscription =
    order.subscription_id === null ? undefined : partition.subscriptions.get(order.subscription_id);
  if (!subscription) throw notEligible();
  if (partition.retryPayments.ofOrder(order.id).length >= CUSTOMER_RETRY_MAX_ATTEMPTS)
    throw orderError(
      429,
      "ManualRetryLimitExceeded",
      `Maximum number of manual payment retry attempts has been reached for order ${order.id}.`,
    );
  let declined: string | null = null;
  if (body.payment_method_id !== undefined && body.payment_method_id !== null) {
    const method = partition.paymentMethods.get(canonicalUuid(body.payment_method_id));
    if (!method || method.customer_id !== order.customer_id || method.deleted_at !== null)
      throw orderError(422, "PaymentRetryValidationError", "Payment method does not belong to customer");
    // A saved card is one Stripe accepted when it was saved: it pays.
  } else {
    declined = cardOutcome(body.confirmation_token_id ?? "").declined;
  }
  const payment: RetryPaymentRecord = {
    id: ctx.random.uuid(),
    organization_id: order.organization_id,
    order_id: order.id,
    status: declined === null ? "succeeded" : "failed",
    decline_message: declined,
    created_at: ctx.clock.now(),
  };
  partition.retryPayments.insert(payment);
  if (declined !== null) return { status: "failed", client_secret: null, error: declined };
  // Stripe's `payment_intent.succeeded` → `handle_payment`: the subscription is active again and
  // its pending orders are paid (a subscription no longer past due has only this order to pay).
  if (subscription.status === "past_due") changeSubscription(ctx, subscription, "recover");
  else payOrder(ctx, order);
  return { status: "succeeded", client_secret: null, error: null };
}

export const portalOrderHandlers = (): Handlers<PortalOrderOperation> => ({
  "customer_portal:orders:list": (call) => {
    const subject = billingSubject(call);
    const partition = call.ctx.store.partition(subject.organizationId);
    const page = pageOf(call.query);
    const found = listOrders(
      call.ctx,
      {
        organizationIds: [subject.organizationId],
        customerIds: [subject.customer.id],
        productIds: list(call.query.product_id),
        productBillingTypes: list(call.query.product_billing_type),
        subscriptionIds: list(call.query.subscription_id),
        productName: optional(call.query.query),
      },
      list(call.query.sorting),
      page,
    );
    return json(
      200,
      listEnvelope(found, page, (order) => serializeCustomerOrder(partition, order)),
    );
  },

  "customer_portal:orders:get": (call) => {
    const subject = billingSubject(call);
    const order = orderOf(call.ctx, subject, call.params.id);
    return json(200, serializeCustomerOrder(call.ctx.store.partition(subject.organizationId), order));
  },

  "customer_portal:orders:update": (call) => {
    const subject = billingSubject(call);
    const order = updateOrder(call.ctx, orderOf(call.ctx, subject, call.params.id), call.body);
    return json(200, serializeCustomerOrder(call.ctx.store.partition(subject.organizationId), order));
  },

  "customer_portal:orders:generate_invoice": (call) => {
    const subject = billingSubject(call);
    generateInvoice(call.ctx, orderOf(call.ctx, subject, call.params.id));
    return json(202, null);
  },

  "customer_portal:orders:invoice": (call) => {
    const order = orderOf(call.ctx, billingSubject(call), call.params.id);
    assertInvoice(order);
    return json(200, { url: fileUrl(call.headers, order, "invoice.pdf") });
  },

  "customer_portal:orders:receipt": (call) => {
    const order = orderOf(call.ctx, billingSubject(call), call.params.id);
    // Polar's `Response(status_code=202)`: no body, no content type.
    if (!receiptReady(order)) return { status: 202, json: undefined };
    return json(200, { url: fileUrl(call.headers, order, "receipt.pdf") });
  },

  "customer_portal:orders:get_payment_status": (call) => {
    const subject = billingSubject(call);
    const order = orderOf(call.ctx, subject, call.params.id);
    return json(200, latestPayment(call.ctx.store.partition(subject.organizationId), order));
  },

  "customer_portal:orders:confirm_retry_payment": (call) => {
    const order = orderOf(call.ctx, billingSubject(call), call.params.id);
    return json(200, confirmRetryPayment(call.ctx, order, call.body));
  },
});
