/** Products and their prices, and the webhook events about them. */
import { problem } from "../../domain/decode.js";
import { collection, defineResource } from "../resource.js";
import { productFixture } from "./fixture.js";
import { productHandlers } from "./handlers.js";
import { productRules } from "./rules.js";
import { serializeProduct } from "./serialize.js";
import { productDecoder } from "./snapshot.js";
import { ProductTable } from "./table.js";
import { productObjectIn, TIERS_SINCE } from "./versions.js";

export const products = defineResource({
  name: "products",
  scopes: ["products:read", "products:write"],
  tables: () => ({ products: new ProductTable() }),
  handlers: productHandlers,
  validation: {
    rules: productRules,
    walked: ["products:create", "products:update", "products:update_benefits"],
  },
  fixture: productFixture,
  snapshot: {
    sections: {
      products: collection({
        table: (partition) => partition.products,
        decode: productDecoder,
        serialize: serializeProduct,
      }),
    },
    references: (decoded, ids, problems, missing) => {
      const priceIds = new Set<string>();
      decoded.products.forEach((item, index) => {
        item.prices.forEach((entry, at) => {
          const path = ["products", index, "prices", at];
          if (entry.product_id !== item.id)
            problems.push(
              problem(
                [...path, "product_id"],
                "value_error",
                "Input should be the product's id",
                entry.product_id,
              ),
            );
          if (priceIds.has(entry.id))
            problems.push(problem([...path, "id"], "value_error", "Duplicate price id", entry.id));
          priceIds.add(entry.id);
          if (entry.amount_type === "metered_unit" && !ids("meters").has(entry.meter_id))
            missing([...path, "meter_id"], "meter", entry.meter_id);
        });
        item.benefit_ids.forEach((benefitId, at) => {
          if (!ids("benefits").has(benefitId))
            missing(["products", index, "benefit_ids", at], "benefit", benefitId);
        });
      });
    },
  },
  events: {
    prefix: "product.",
    subject: (partition, _type, id) => {
      const product = partition.products.get(id);
      return product && { customerId: null, data: () => serializeProduct(partition, product) };
    },
  },
  versioned: { since: TIERS_SINCE, render: productObjectIn },
});
