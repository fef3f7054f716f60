/** Subscriptions and their lifecycle, and the webhook events about them. */
import { collection, defineResource } from "../resource.js";
import { subscriptionControl } from "./control.js";
import { exportQueryRules } from "./export.js";
import { subscriptionHandlers } from "./handlers.js";
import { subscriptionRules } from "./rules.js";
import { serializeSubscription } from "./serialize.js";
import { subscriptionDecoder } from "./snapshot.js";
import { SubscriptionTable } from "./table.js";

export const subscriptions = defineResource({
  name: "subscriptions",
  scopes: ["subscriptions:read", "subscriptions:write"],
  tables: () => ({ subscriptions: new SubscriptionTable() }),
  handlers: subscriptionHandlers,
  control: subscriptionControl,
  validation: {
    rules: subscriptionRules,
    walked: ["subscriptions:update", "subscriptions:create"],
    awareDatetimeQuery: { "subscriptions:export": ["started_after", "started_before"] },
    queryRules: { "subscriptions:export": exportQueryRules },
  },
  snapshot: {
    sections: {
      subscriptions: collection({
        table: (partition) => partition.subscriptions,
        decode: subscriptionDecoder,
        serialize: serializeSubscription,
      }),
    },
    references: (decoded, ids, _problems, missing) => {
      const productOfPrice = new Map<string, string>();
      for (const product of decoded.products)
        for (const price of product.prices) productOfPrice.set(price.id, product.id);
      decoded.subscriptions.forEach((item, index) => {
        if (!ids("customers").has(item.customer_id))
          missing(["subscriptions", index, "customer_id"], "customer", item.customer_id);
        if (!ids("products").has(item.product_id))
          missing(["subscriptions", index, "product_id"], "product", item.product_id);
        item.price_ids.forEach((priceId, at) => {
          if (productOfPrice.get(priceId) !== item.product_id)
            missing(
              ["subscriptions", index, "price_ids", at],
              "price of the subscription's product",
              priceId,
            );
        });
        item.meters.forEach((entry, at) => {
          if (!ids("meters").has(entry.meter_id))
            missing(["subscriptions", index, "meters", at, "meter_id"], "meter", entry.meter_id);
        });
      });
    },
  },
  events: {
    prefix: "subscription.",
    subject: (partition, _type, id) => {
      const subscription = partition.subscriptions.get(id);
      return (
        subscription && {
          customerId: subscription.customer_id,
          data: () => serializeSubscription(partition, subscription),
        }
      );
    },
  },
});
