/** The orders operations of Polar's API: thin handlers over the service. */
import { listEnvelope, pageOf } from "../../domain/list.js";
import {
  type Handlers,
  json,
  list,
  metadataFilter,
  optional,
  organizationIds,
  organizationOf,
  rejectOrganizationId,
} from "../operation.js";
import { exportFilename, exportOrdersCsv } from "./export.js";
import { listOrders, type OrderFilters } from "./list.js";
import { serializeOrder } from "./serialize.js";
import {
  assertInvoice,
  finalizeOrder,
  generateInvoice,
  getOrder,
  receiptReady,
  refuseDraftOrder,
  updateOrder,
} from "./service.js";
import type { OrderRecord } from "./table.js";

/** A query datetime: one without an offset is UTC, as Postgres reads it. */
function queryDate(value: string | null | undefined): Date | undefined {
  if (typeof value !== "string") return undefined;
  return new Date(/(?:Z|[+-]\d{2}:?\d{2})$/i.test(value) ? value : `${value}Z`);
}

/** Where the emulator serves an order's file, on the host the client called (the portal's URLs too). */
export function fileUrl(
  headers: Record<string, string | string[] | undefined>,
  order: OrderRecord,
  file: string,
) {
  const host = typeof headers.host === "string" ? headers.host : "127.0.0.1:8000";
  return `http://${host}/_emulator/orders/${order.id}/${file}`;
}

export type OrderOperation =
  | "orders:list"
  | "orders:create"
  | "orders:export"
  | "orders:get"
  | "orders:update"
  | "orders:finalize"
  | "orders:generate_invoice"
  | "orders:invoice"
  | "orders:receipt";

export const orderHandlers = (): Handlers<OrderOperation> => ({
  "orders:list": (call) => {
    const { query } = call;
    const page = pageOf(query);
    const found = listOrders(
      call.ctx,
      {
        organizationIds: organizationIds(call),
        productIds: list(query.product_id),
        productBillingTypes: list(query.product_billing_type),
        discountIds: list(query.discount_id),
        customerIds: list(query.customer_id),
        externalCustomerIds: list(query.external_customer_id),
        checkoutIds: list(query.checkout_id),
        subscriptionIds: list(query.subscription_id),
        statuses: list(query.status),
        createdAfter: queryDate(query.created_after),
        createdBefore: queryDate(query.created_before),
        metadata: metadataFilter(query.metadata),
      },
      list(query.sorting),
      page,
    );
    return json(
      200,
      listEnvelope(found, page, (order) =>
        serializeOrder(call.ctx.store.partition(order.organization_id), order),
      ),
    );
  },

  "orders:create": (call) => {
    rejectOrganizationId(call.body.organization_id);
    return refuseDraftOrder(organizationOf(call));
  },

  "orders:export": (call) => {
    const { query } = call;
    const filters: OrderFilters = {
      organizationIds: organizationIds(call),
      productIds: list(query.product_id),
      statuses: list(query.status),
      createdAfter: queryDate(query.created_after),
      createdBefore: queryDate(query.created_before),
    };
    const timeZone = optional(query.timezone) ?? "UTC";
    return {
      status: 200,
      text: exportOrdersCsv(call.ctx, filters, timeZone, list(query.columns)),
      contentType: "text/csv; charset=utf-8",
      headers: { "Content-Disposition": `attachment; filename="${exportFilename(filters, timeZone)}"` },
    };
  },

  "orders:get": (call) => {
    const order = getOrder(call.ctx, organizationOf(call), call.params.id);
    return json(200, serializeOrder(call.ctx.store.partition(order.organization_id), order));
  },

  "orders:update": (call) => {
    const order = updateOrder(call.ctx, getOrder(call.ctx, organizationOf(call), call.params.id), call.body);
    return json(200, serializeOrder(call.ctx.store.partition(order.organization_id), order));
  },

  "orders:finalize": (call) => finalizeOrder(getOrder(call.ctx, organizationOf(call), call.params.id)),

  "orders:generate_invoice": (call) => {
    generateInvoice(call.ctx, getOrder(call.ctx, organizationOf(call), call.params.id));
    return json(202, null);
  },

  "orders:invoice": (call) => {
    const order = getOrder(call.ctx, organizationOf(call), call.params.id);
    assertInvoice(order);
    return json(200, { url: fileUrl(call.headers, order, "invoice.pdf") });
  },

  "orders:receipt": (call) => {
    const order = getOrder(call.ctx, organizationOf(call), call.params.id);
    // Polar's `Response(status_code=202)`: no body, no content type.
    if (!receiptReady(order)) return { status: 202, json: undefined };
    return json(200, { url: fileUrl(call.headers, order, "receipt.pdf") });
  },
});
