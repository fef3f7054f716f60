/**
 * `products:update_benefits`: attaching benefits to a product. Kept apart from the product CRUD
 * handlers because it reaches into billing: subscriptions to the product follow the change.
 */
import { serializeProduct } from "../domain/catalog-serialize.js";
import { getProduct, setProductBenefits } from "../domain/products.js";
import { syncProductSubscriptions } from "../domain/subscriptions.js";
import { type Handlers, json, organizationOf } from "../http/handler.js";

export const productBenefitHandlers: Handlers = {
  "products:update_benefits": (call) => {
    const organizationId = organizationOf(call);
    const product = getProduct(call.ctx, organizationId, call.params.id);
    const { benefits } = call.body as { benefits: string[] };
    setProductBenefits(call.ctx, product, benefits);
    syncProductSubscriptions(call.ctx, product);
    return json(200, serializeProduct(call.ctx.store.partition(organizationId), product));
  },
};
