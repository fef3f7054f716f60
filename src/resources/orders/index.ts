/** Orders: what checkouts and renewals bill, their invoices and receipts, and their webhook events. */
import { upperCaseCountry } from "../customers/rules.js";
import { collection, defineResource } from "../resource.js";
import { exportQueryRules } from "../subscriptions/export.js";
import { orderControl } from "./control.js";
import { orderHandlers } from "./handlers.js";
import { serializeOrder } from "./serialize.js";
import { orderDecoder } from "./snapshot.js";
import { OrderTable } from "./table.js";

export const orders = defineResource({
  name: "orders",
  scopes: ["orders:read", "orders:write"],
  tables: () => ({ orders: new OrderTable() }),
  handlers: orderHandlers,
  control: orderControl,
  validation: {
    awareDatetimeQuery: { "orders:export": ["created_after", "created_before"] },
    queryRules: { "orders:export": exportQueryRules },
    before: { "orders:update": upperCaseCountry },
  },
  snapshot: {
    sections: {
      orders: collection({
        table: (partition) => partition.orders,
        decode: orderDecoder,
        serialize: serializeOrder,
      }),
    },
    references: (decoded, ids, _problems, missing) => {
      decoded.orders.forEach((item, index) => {
        const path = ["orders", index];
        if (!ids("customers").has(item.customer_id))
          missing([...path, "customer_id"], "customer", item.customer_id);
        if (item.product_id !== null && !ids("products").has(item.product_id))
          missing([...path, "product_id"], "product", item.product_id);
        if (item.discount_id !== null && !ids("discounts").has(item.discount_id))
          missing([...path, "discount_id"], "discount", item.discount_id);
        if (item.subscription_id !== null && !ids("subscriptions").has(item.subscription_id))
          missing([...path, "subscription_id"], "subscription", item.subscription_id);
      });
    },
  },
  events: {
    prefix: "order.",
    subject: (partition, _type, id) => {
      const order = partition.orders.get(id);
      return order && { customerId: order.customer_id, data: () => serializeOrder(partition, order) };
    },
  },
});
