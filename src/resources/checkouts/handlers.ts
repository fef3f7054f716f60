/** The checkouts operations of Polar's API: the merchant's (token) and the checkout page's (client secret). */
import { listEnvelope, pageOf } from "../../domain/list.js";
import { publicBase } from "../../domain/public-url.js";
import { type Handlers, json, list, optional, organizationIds, organizationOf } from "../operation.js";
import { confirmCheckout, succeedCheckout } from "./complete.js";
import { listCheckouts } from "./list.js";
import { serializeCheckout, serializeCheckoutConfirmed, serializeCheckoutPublic } from "./serialize.js";
import { checkoutBySecret, createCheckout, getCheckout } from "./service.js";
import { updateCheckout } from "./update.js";

export type CheckoutOperation =
  | "checkouts:list"
  | "checkouts:create"
  | "checkouts:get"
  | "checkouts:update"
  | "checkouts:client_get"
  | "checkouts:client_update"
  | "checkouts:client_confirm";

export const checkoutHandlers = (): Handlers<CheckoutOperation> => ({
  "checkouts:list": (call) => {
    const page = pageOf(call.query);
    const found = listCheckouts(
      call.ctx,
      {
        organizationIds: organizationIds(call),
        productIds: list(call.query.product_id),
        customerIds: list(call.query.customer_id),
        externalCustomerIds: list(call.query.external_customer_id),
        statuses: list(call.query.status),
        query: optional(call.query.query),
      },
      list(call.query.sorting),
      page,
    );
    const base = publicBase(call.ctx);
    return json(
      200,
      listEnvelope(found, page, (checkout) =>
        serializeCheckout(call.ctx.store.partition(checkout.organization_id), checkout, base),
      ),
    );
  },

  "checkouts:create": (call) => {
    const checkout = createCheckout(call.ctx, organizationOf(call), call.body);
    const partition = call.ctx.store.partition(checkout.organization_id);
    return json(201, serializeCheckout(partition, checkout, publicBase(call.ctx)));
  },

  "checkouts:get": (call) => {
    const checkout = getCheckout(call.ctx, organizationOf(call), call.params.id);
    const partition = call.ctx.store.partition(checkout.organization_id);
    return json(200, serializeCheckout(partition, checkout, publicBase(call.ctx)));
  },

  "checkouts:update": (call) => {
    const checkout = getCheckout(call.ctx, organizationOf(call), call.params.id);
    updateCheckout(call.ctx, checkout, call.body, "merchant");
    const partition = call.ctx.store.partition(checkout.organization_id);
    return json(200, serializeCheckout(partition, checkout, publicBase(call.ctx)));
  },

  "checkouts:client_get": (call) => {
    const checkout = checkoutBySecret(call.ctx, call.params.client_secret);
    const partition = call.ctx.store.partition(checkout.organization_id);
    return json(200, serializeCheckoutPublic(partition, checkout, publicBase(call.ctx)));
  },

  "checkouts:client_update": (call) => {
    const checkout = checkoutBySecret(call.ctx, call.params.client_secret);
    updateCheckout(call.ctx, checkout, call.body, "public");
    const partition = call.ctx.store.partition(checkout.organization_id);
    return json(200, serializeCheckoutPublic(partition, checkout, publicBase(call.ctx)));
  },

  "checkouts:client_confirm": (call) => {
    const checkout = checkoutBySecret(call.ctx, call.params.client_secret);
    const customer = confirmCheckout(call.ctx, checkout, call.body);
    const partition = call.ctx.store.partition(checkout.organization_id);
    // Answered as confirmed; the payment's success follows at once, as Stripe's webhook would.
    const answer = serializeCheckoutConfirmed(partition, checkout, publicBase(call.ctx), null);
    succeedCheckout(call.ctx, checkout, customer);
    return json(200, answer);
  },
});
