/** The products operations of Polar's API: thin handlers over the service. */
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
import { syncProductSubscriptions } from "../subscriptions/service.js";
import { listProducts } from "./list.js";
import { serializeProduct } from "./serialize.js";
import {
  createProduct,
  getProduct,
  serializeCreatedProduct,
  setProductBenefits,
  updateProduct,
} from "./service.js";
import { productBodyIn } from "./versions.js";

export type ProductOperation =
  | "products:list"
  | "products:create"
  | "products:get"
  | "products:update"
  | "products:update_benefits";

export const productHandlers = (): Handlers<ProductOperation> => ({
  "products:list": (call) => {
    const page = pageOf(call.query);
    const found = listProducts(
      call.ctx,
      {
        organizationIds: organizationIds(call),
        ids: list(call.query.id),
        query: optional(call.query.query),
        isArchived: optional(call.query.is_archived),
        isRecurring: optional(call.query.is_recurring),
        benefitIds: list(call.query.benefit_id),
        visibility: list(call.query.visibility),
        metadata: metadataFilter(call.query.metadata),
      },
      list(call.query.sorting),
      page,
    );
    return json(
      200,
      listEnvelope(found, page, (product) =>
        serializeProduct(call.ctx.store.partition(product.organization_id), product),
      ),
    );
  },

  "products:create": (call) => {
    rejectOrganizationId(call.body.organization_id);
    const product = createProduct(call.ctx, organizationOf(call), productBodyIn(call.body, call.version));
    return json(201, serializeCreatedProduct(call.ctx.store.partition(organizationOf(call)), product));
  },

  "products:get": (call) => {
    const organizationId = organizationOf(call);
    const product = getProduct(call.ctx, organizationId, call.params.id);
    return json(200, serializeProduct(call.ctx.store.partition(organizationId), product));
  },

  "products:update": (call) => {
    const organizationId = organizationOf(call);
    const product = updateProduct(
      call.ctx,
      getProduct(call.ctx, organizationId, call.params.id),
      productBodyIn(call.body, call.version),
    );
    return json(200, serializeProduct(call.ctx.store.partition(organizationId), product));
  },

  // Attaching benefits reaches into billing: subscriptions to the product follow the change.
  "products:update_benefits": (call) => {
    const organizationId = organizationOf(call);
    const product = getProduct(call.ctx, organizationId, call.params.id);
    setProductBenefits(call.ctx, product, call.body.benefits);
    syncProductSubscriptions(call.ctx, product);
    return json(200, serializeProduct(call.ctx.store.partition(organizationId), product));
  },
});
