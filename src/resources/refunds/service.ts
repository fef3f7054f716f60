/**
 * Refunds with Polar's rules (refund/service.py, models/order.py): the order must be the
 * organization's and paid by a payment, not already fully refunded; benefits can be revoked
 * only for a one-time purchase; the amount (net, before taxes) at most what is still
 * refundable. The emulator's card refunds succeed at once, so a refund sends, in Polar's order:
 * `refund.created`, `order.updated` and `order.refunded` (the order's refunded amounts and
 * status), the benefit revocations when asked, then `refund.updated` (Stripe's confirmation).
 */

import { emit } from "../../domain/events.js";
import type { Schemas } from "../../domain/wire.js";
import { PolarHttpError, PolarRequestValidationError } from "../../errors.js";
import { canonicalUuid } from "../../pydantic/uuid.js";
import type { Ctx } from "../context.js";
import { recordSystemEvent } from "../events/system.js";
import { revokeBenefit } from "../grants/service.js";
import { refundableAmount, refundableTaxAmount, totalAmount } from "../orders/serialize.js";
import { publishOrder } from "../orders/service.js";
import type { OrderRecord } from "../orders/table.js";
import { type RefundWire, serializeRefund } from "./serialize.js";
import type { RefundRecord } from "./table.js";

export type RefundCreateBody = Schemas["RefundCreate"];

function publishRefund(ctx: Ctx, refund: RefundRecord, type: "refund.created" | "refund.updated"): void {
  emit(
    ctx,
    type,
    { organizationId: refund.organization_id, customerId: refund.customer_id, subjectId: refund.id },
    () => serializeRefund(refund),
  );
}

/** `Order.calculate_refunded_tax_from_subtotal`: the tax refunded with `amount`. */
function refundedTax(order: OrderRecord, amount: number): number {
  if (amount === refundableAmount(order)) return refundableTaxAmount(order);
  if (order.tax_amount <= 0) return 0;
  const ratio = order.tax_amount / order.net_amount;
  return Math.min(Math.round(amount * ratio), refundableTaxAmount(order));
}

/** `Order.update_refunds`: the refunded amounts, and the status they mean. */
function applyRefund(order: OrderRecord, amount: number, taxAmount: number): void {
  const refunded = order.refunded_amount + amount;
  order.status =
    refunded === 0
      ? "paid"
      : refunded >= order.net_amount + order.applied_balance_amount
        ? "refunded"
        : "partially_refunded";
  order.refunded_amount = refunded;
  order.refunded_tax_amount += taxAmount;
}

/**
 * `POST /v1/refunds/` for an order of the organization: the refund, and the object the API
 * answers (as created: Stripe's confirmation comes after the answer).
 */
export function createRefund(
  ctx: Ctx,
  organizationId: string,
  body: RefundCreateBody,
): { refund: RefundRecord; answer: RefundWire } {
  const partition = ctx.store.partition(organizationId);
  const orderId = canonicalUuid(body.order_id);
  const order = partition.orders.get(orderId);
  if (!order)
    throw new PolarRequestValidationError([
      { type: "value_error", loc: ["body", "order_id"], msg: "Order not found", input: orderId },
    ]);
  if (order.status === "refunded")
    throw new PolarHttpError(403, {
      error: "RefundedAlready",
      detail: `Order is already fully refunded: ${order.id}`,
    });
  const revokeBenefits = body.revoke_benefits ?? false;
  if (revokeBenefits && order.subscription_id !== null)
    throw new PolarHttpError(400, {
      error: "RevokeSubscriptionBenefitsProhibited",
      detail: "Subscription benefits can only be revoked upon cancellation",
    });
  if (body.amount > refundableAmount(order))
    throw new PolarRequestValidationError([
      {
        type: "value_error",
        loc: ["body", "amount"],
        msg: "Refund amount exceeds refundable amount",
        input: body.amount,
      },
    ]);
  // Only a payment can be refunded: not a pending order, nor one that cost nothing.
  if (
    order.status === "pending" ||
    order.status === "draft" ||
    order.status === "void" ||
    totalAmount(order) <= 0
  )
    throw new PolarHttpError(404, {
      error: "RefundUnknownPayment",
      detail: `Refund issued for unknown order: ${order.id}`,
    });

  const now = ctx.clock.now();
  const taxAmount = refundedTax(order, body.amount);
  const refund: RefundRecord = {
    id: ctx.random.uuid(),
    organization_id: organizationId,
    customer_id: order.customer_id,
    order_id: order.id,
    subscription_id: order.subscription_id,
    created_at: now,
    modified_at: null,
    status: "succeeded",
    reason: body.reason,
    amount: body.amount,
    tax_amount: taxAmount,
    currency: order.currency,
    revoke_benefits: revokeBenefits,
    comment: body.comment ?? null,
    metadata: { ...(body.metadata ?? {}) },
  };
  partition.refunds.insert(refund);
  const answer = serializeRefund(refund);
  publishRefund(ctx, refund, "refund.created");

  // `_on_succeeded`: the order's refunds, the system event, `order.refunded`.
  applyRefund(order, refund.amount, refund.tax_amount);
  order.modified_at = now;
  publishOrder(ctx, order, "order.updated");
  const customer = partition.customers.get(order.customer_id);
  if (customer) {
    recordSystemEvent(ctx, customer, "order.refunded", {
      order_id: order.id,
      refunded_amount: order.refunded_amount,
      currency: order.currency,
    });
  }
  publishOrder(ctx, order, "order.refunded");

  // A one-time purchase's benefits, revoked when asked.
  const product = order.product_id === null ? undefined : partition.products.get(order.product_id);
  if (revokeBenefits && product && customer && customer.deleted_at === null) {
    for (const benefitId of product.benefit_ids) {
      const benefit = partition.benefits.get(benefitId);
      const granted = partition.grants
        .ofCustomer(customer.id)
        .some(
          (grant) =>
            grant.benefit_id === benefitId && grant.subscription_id === null && grant.revoked_at === null,
        );
      if (benefit && granted) revokeBenefit(ctx, customer, benefit);
    }
  }

  // Stripe's `refund.created` event comes back: Polar updates the refund and says so.
  refund.modified_at = ctx.clock.now();
  publishRefund(ctx, refund, "refund.updated");
  return { refund, answer };
}
