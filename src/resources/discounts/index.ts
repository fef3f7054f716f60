/** Discounts: fixed or percentage, once, forever or repeating, and the webhook events about them. */

import { problem } from "../../domain/decode.js";
import { collection, defineResource } from "../resource.js";
import { discountFixture } from "./fixture.js";
import { discountHandlers } from "./handlers.js";
import { discountRules } from "./rules.js";
import { serializeDiscount } from "./serialize.js";
import { discountDecoder } from "./snapshot.js";
import { codeKey, DiscountTable } from "./table.js";

export const discounts = defineResource({
  name: "discounts",
  scopes: ["discounts:read", "discounts:write"],
  tables: () => ({ discounts: new DiscountTable() }),
  handlers: discountHandlers,
  validation: { rules: discountRules, walked: ["discounts:create", "discounts:update"] },
  fixture: discountFixture,
  snapshot: {
    sections: {
      discounts: collection({
        table: (partition) => partition.discounts,
        decode: discountDecoder,
        serialize: serializeDiscount,
      }),
    },
    references: (decoded, ids, problems, missing) => {
      const codes = new Map<string, number>();
      decoded.discounts.forEach((item, index) => {
        const path = ["discounts", index];
        item.product_ids.forEach((productId, at) => {
          if (!ids("products").has(productId)) missing([...path, "product_ids", at], "product", productId);
        });
        if (item.duration === "repeating" && item.duration_in_months === null)
          problems.push(
            problem(
              [...path, "duration_in_months"],
              "value_error",
              "A repeating discount needs duration_in_months",
              null,
            ),
          );
        if (item.deleted_at !== null || item.code === null) return;
        const earlier = codes.get(codeKey(item.code));
        if (earlier !== undefined)
          problems.push(
            problem(
              [...path, "code"],
              "value_error",
              `Discount with this code already exists (discounts/${earlier})`,
              item.code,
            ),
          );
        else codes.set(codeKey(item.code), index);
      });
    },
  },
  events: {
    prefix: "discount.",
    subject: (partition, type, id) => {
      const discount = partition.discounts.get(id);
      // discount.deleted also takes a deleted discount; the others need a live one.
      if (!discount || (discount.deleted_at !== null && type !== "discount.deleted")) return undefined;
      return { customerId: null, data: () => serializeDiscount(partition, discount) };
    },
  },
});
