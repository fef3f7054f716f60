/** Checkout sessions, their client API, their completion, and the webhook events about them. */

import { publicBase } from "../../domain/public-url.js";
import { collection, defineResource } from "../resource.js";
import { checkoutControl } from "./control.js";
import { checkoutFixture } from "./fixture.js";
import { checkoutHandlers } from "./handlers.js";
import { serializeCheckout } from "./serialize.js";
import { checkoutDecoder } from "./snapshot.js";
import { CheckoutTable } from "./table.js";

export const checkouts = defineResource({
  name: "checkouts",
  scopes: ["checkouts:read", "checkouts:write"],
  tables: () => ({ checkouts: new CheckoutTable() }),
  handlers: checkoutHandlers,
  control: checkoutControl,
  validation: {
    walked: ["checkouts:create", "checkouts:update", "checkouts:client_update", "checkouts:client_confirm"],
  },
  fixture: checkoutFixture,
  snapshot: {
    sections: {
      checkouts: collection({
        table: (partition) => partition.checkouts,
        decode: checkoutDecoder,
        serialize: (partition, checkout) => serializeCheckout(partition, checkout),
      }),
    },
    references: (decoded, ids, _problems, missing) => {
      decoded.checkouts.forEach((item, index) => {
        const path = ["checkouts", index];
        item.product_ids.forEach((productId, at) => {
          if (!ids("products").has(productId)) missing([...path, "product_ids", at], "product", productId);
        });
        if (!item.product_ids.includes(item.product_id))
          missing([...path, "product_id"], "product of the checkout", item.product_id);
        if (item.customer_id !== null && !ids("customers").has(item.customer_id))
          missing([...path, "customer_id"], "customer", item.customer_id);
        if (item.discount_id !== null && !ids("discounts").has(item.discount_id))
          missing([...path, "discount_id"], "discount", item.discount_id);
      });
    },
  },
  events: {
    prefix: "checkout.",
    subject: (partition, _type, id, ctx) => {
      const checkout = partition.checkouts.get(id);
      return (
        checkout && {
          customerId: checkout.customer_id,
          data: () => serializeCheckout(partition, checkout, publicBase(ctx)),
        }
      );
    },
  },
});
