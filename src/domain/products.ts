/** Products and their prices, with Polar's creation rules. */
import type { ProductRecord } from "../store/store.js";
import type { DomainContext } from "./context.js";
import type { ProductCreateBody } from "./wire.js";

/** Creates a product (with `options.id` when a fixture fixes it) and emits `product.created`. */
export function createProduct(
  _ctx: DomainContext,
  _organizationId: string,
  _body: ProductCreateBody,
  _options: { id?: string } = {},
): ProductRecord {
  throw new Error("not implemented yet");
}

/** Replaces the benefits attached to a product (ids of the same organization) and emits `product.updated`. */
export function setProductBenefits(
  _ctx: DomainContext,
  _product: ProductRecord,
  _benefitIds: string[],
): ProductRecord {
  throw new Error("not implemented yet");
}

/** A product of the organization by id, or 404. */
export function getProduct(_ctx: DomainContext, _organizationId: string, _id: string): ProductRecord {
  throw new Error("not implemented yet");
}
