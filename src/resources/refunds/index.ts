/** Refunds of paid orders, and their webhook events. */
import { collection, defineResource } from "../resource.js";
import { refundHandlers } from "./handlers.js";
import { serializeRefund } from "./serialize.js";
import { refundDecoder } from "./snapshot.js";
import { RefundTable } from "./table.js";

export const refunds = defineResource({
  name: "refunds",
  scopes: ["refunds:read", "refunds:write"],
  tables: () => ({ refunds: new RefundTable() }),
  handlers: refundHandlers,
  snapshot: {
    sections: {
      refunds: collection({
        table: (partition) => partition.refunds,
        decode: refundDecoder,
        serialize: (_partition, refund) => serializeRefund(refund),
      }),
    },
    references: (decoded, ids, _problems, missing) => {
      decoded.refunds.forEach((item, index) => {
        if (!ids("orders").has(item.order_id))
          missing(["refunds", index, "order_id"], "order", item.order_id);
        if (!ids("customers").has(item.customer_id))
          missing(["refunds", index, "customer_id"], "customer", item.customer_id);
      });
    },
  },
  events: {
    prefix: "refund.",
    subject: (partition, _type, id) => {
      const refund = partition.refunds.get(id);
      return refund && { customerId: refund.customer_id, data: () => serializeRefund(refund) };
    },
  },
});
