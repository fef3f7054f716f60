/** The products operations of Polar's API: thin handlers over domain/products. */
import { listProducts } from "../domain/catalog-list.js";
import { serializeProduct } from "../domain/catalog-serialize.js";
import {
  checkProductCreate,
  createProduct,
  getProduct,
  serializeCreatedProduct,
} from "../domain/products.js";
import type { ProductCreateBody, ProductSortProperty } from "../domain/wire.js";
import { type Call, type Handlers, json, organizationOf, rejectOrganizationId } from "../http/handler.js";
import { listResource, pageOf } from "../http/pagination.js";
import type { Visibility } from "../store/store.js";
import { booleanParam, list, metadataFilter, organizationIds, stringParam } from "./query.js";

function partition(call: Call) {
  return call.ctx.store.partition(organizationOf(call));
}

export const productHandlers: Handlers = {
  "products:list": (call) => {
    const page = pageOf(call.query);
    const { items, total } = listProducts(
      call.ctx,
      {
        organizationIds: organizationIds(call),
        ids: list(call.query.id),
        query: stringParam(call.query.query),
        isArchived: booleanParam(call.query.is_archived),
        isRecurring: booleanParam(call.query.is_recurring),
        benefitIds: list(call.query.benefit_id),
        visibility: list(call.query.visibility) as Visibility[] | undefined,
        metadata: metadataFilter(call.query.metadata),
      },
      (list(call.query.sorting) ?? []) as ProductSortProperty[],
      page.page,
      page.limit,
    );
    const serialized = items.map((product) =>
      serializeProduct(call.ctx.store.partition(product.organization_id), product),
    );
    return json(200, listResource(serialized, total, page));
  },

  "products:create": (call) => {
    const body = call.body as ProductCreateBody;
    checkProductCreate(body);
    rejectOrganizationId(body.organization_id);
    const product = createProduct(call.ctx, organizationOf(call), body);
    return json(201, serializeCreatedProduct(partition(call), product));
  },

  "products:get": (call) =>
    json(200, serializeProduct(partition(call), getProduct(call.ctx, organizationOf(call), call.params.id))),
};
