/**
 * The control plane's order verbs: a one-time purchase completed as a checkout completes it, and
 * the invoice and receipt files the API's URLs point at.
 */
import { ResourceNotFound } from "../../errors.js";
import type { Ctx, Partition } from "../context.js";
import { customerOf, invalid, recording } from "../control.js";
import type { DiscountRecord } from "../discounts/table.js";
import { grantBenefit } from "../grants/service.js";
import type { Handlers } from "../operation.js";
import type { Services } from "../services.js";
import { orderPdf } from "./pdf.js";
import { serializeOrder } from "./serialize.js";
import { assertInvoice, placeOrder } from "./service.js";
import type { OrderRecord } from "./table.js";

function orderById(ctx: Ctx, id: string): { partition: Partition; order: OrderRecord } {
  for (const partition of ctx.store.partitions.values()) {
    const order = partition.orders.get(id);
    if (order) return { partition, order };
  }
  throw new ResourceNotFound();
}

export type OrderControl =
  | "emulator:orders:place"
  | "emulator:orders:invoice-pdf"
  | "emulator:orders:receipt-pdf";

export const orderControl = (services: Services): Handlers<OrderControl> => ({
  "emulator:orders:place": ({ ctx, body }) => {
    const customer = customerOf(ctx, services, body);
    const partition = ctx.store.partition(customer.organization_id);
    const product = partition.products.get(body.product_id);
    if (!product)
      throw invalid(
        ["body", "product_id"],
        "No product with this id in the customer's organization.",
        body.product_id,
      );
    if (product.is_archived)
      throw invalid(["body", "product_id"], "This product is archived.", body.product_id);
    if (product.recurring_interval !== null)
      throw invalid(
        ["body", "product_id"],
        "This product is recurring: start a subscription instead.",
        body.product_id,
      );
    let discount: DiscountRecord | null = null;
    if (body.discount_id !== undefined) {
      discount = partition.discounts.live(body.discount_id) ?? null;
      if (!discount) throw invalid(["body", "discount_id"], "No discount with this id.", body.discount_id);
      if (discount.product_ids.length > 0 && !discount.product_ids.includes(product.id))
        throw invalid(
          ["body", "discount_id"],
          "This discount does not apply to the product.",
          body.discount_id,
        );
    }
    const paid = body.paid ?? true;
    const { result, events } = recording(ctx, () => {
      const order = placeOrder(ctx, {
        customer,
        product,
        discount,
        amount: body.amount,
        billingReason: "purchase",
        paid,
        metadata: body.metadata,
      });
      // Polar's checkout grants a one-time purchase's benefits once its order is paid.
      if (order.status === "paid") {
        for (const benefitId of product.benefit_ids) {
          const benefit = partition.benefits.get(benefitId);
          if (benefit && !benefit.is_deleted) grantBenefit(ctx, customer, benefit);
        }
      }
      return order;
    });
    return { status: 201, json: { order: serializeOrder(partition, result), events } };
  },

  "emulator:orders:invoice-pdf": ({ ctx, params }) => {
    const { partition, order } = orderById(ctx, params.id);
    assertInvoice(order);
    return { status: 200, text: orderPdf(partition, order, "invoice"), contentType: "application/pdf" };
  },
  "emulator:orders:receipt-pdf": ({ ctx, params }) => {
    const { partition, order } = orderById(ctx, params.id);
    if (order.receipt_number === null || !order.receipt_rendered) throw new ResourceNotFound();
    return { status: 200, text: orderPdf(partition, order, "receipt"), contentType: "application/pdf" };
  },
});
