/** The refunds operations of Polar's API: thin handlers over the service. */
import { listEnvelope, pageOf } from "../../domain/list.js";
import { type Handlers, json, list, optional, organizationIds, organizationOf } from "../operation.js";
import { listRefunds } from "./list.js";
import { serializeRefund } from "./serialize.js";
import { createRefund } from "./service.js";

export type RefundOperation = "refunds:list" | "refunds:create";

export const refundHandlers = (): Handlers<RefundOperation> => ({
  "refunds:list": (call) => {
    const { query } = call;
    const page = pageOf(query);
    const found = listRefunds(
      call.ctx,
      {
        organizationIds: organizationIds(call),
        ids: list(query.id),
        orderIds: list(query.order_id),
        subscriptionIds: list(query.subscription_id),
        customerIds: list(query.customer_id),
        externalCustomerIds: list(query.external_customer_id),
        succeeded: optional(query.succeeded),
      },
      list(query.sorting),
      page,
    );
    return json(200, listEnvelope(found, page, serializeRefund));
  },

  "refunds:create": (call) => json(201, createRefund(call.ctx, organizationOf(call), call.body).answer),
});
