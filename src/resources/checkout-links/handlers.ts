/** The checkout-links operations of Polar's API: thin handlers over the service. */
import { listEnvelope, pageOf } from "../../domain/list.js";
import { publicBase } from "../../domain/public-url.js";
import { type Handlers, json, list, NO_CONTENT, organizationIds, organizationOf } from "../operation.js";
import { listCheckoutLinks } from "./list.js";
import { serializeCheckoutLink } from "./serialize.js";
import { createCheckoutLink, deleteCheckoutLink, getCheckoutLink, updateCheckoutLink } from "./service.js";

export type CheckoutLinkOperation =
  | "checkout-links:list"
  | "checkout-links:create"
  | "checkout-links:get"
  | "checkout-links:update"
  | "checkout-links:delete";

export const checkoutLinkHandlers = (): Handlers<CheckoutLinkOperation> => ({
  "checkout-links:list": (call) => {
    const page = pageOf(call.query);
    const found = listCheckoutLinks(
      call.ctx,
      { organizationIds: organizationIds(call), productIds: list(call.query.product_id) },
      list(call.query.sorting),
      page,
    );
    const base = publicBase(call.ctx);
    return json(
      200,
      listEnvelope(found, page, (link) =>
        serializeCheckoutLink(call.ctx.store.partition(link.organization_id), link, base),
      ),
    );
  },

  "checkout-links:create": (call) => {
    const link = createCheckoutLink(call.ctx, organizationOf(call), call.body);
    return json(
      201,
      serializeCheckoutLink(call.ctx.store.partition(link.organization_id), link, publicBase(call.ctx)),
    );
  },

  "checkout-links:get": (call) => {
    const link = getCheckoutLink(call.ctx, organizationOf(call), call.params.id);
    return json(
      200,
      serializeCheckoutLink(call.ctx.store.partition(link.organization_id), link, publicBase(call.ctx)),
    );
  },

  "checkout-links:update": (call) => {
    const link = updateCheckoutLink(
      call.ctx,
      getCheckoutLink(call.ctx, organizationOf(call), call.params.id),
      call.body,
    );
    return json(
      200,
      serializeCheckoutLink(call.ctx.store.partition(link.organization_id), link, publicBase(call.ctx)),
    );
  },

  "checkout-links:delete": (call) => {
    deleteCheckoutLink(call.ctx, getCheckoutLink(call.ctx, organizationOf(call), call.params.id));
    return NO_CONTENT;
  },
});
