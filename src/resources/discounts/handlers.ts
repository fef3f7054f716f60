/** The discounts operations of Polar's API: thin handlers over the service. */
import { listEnvelope, pageOf } from "../../domain/list.js";
import {
  type Handlers,
  json,
  list,
  NO_CONTENT,
  optional,
  organizationIds,
  organizationOf,
  rejectOrganizationId,
} from "../operation.js";
import { listDiscounts } from "./list.js";
import { serializeDiscount } from "./serialize.js";
import { amountsAsSent, createDiscount, deleteDiscount, getDiscount, updateDiscount } from "./service.js";

export type DiscountOperation =
  | "discounts:list"
  | "discounts:create"
  | "discounts:get"
  | "discounts:update"
  | "discounts:delete";

export const discountHandlers = (): Handlers<DiscountOperation> => ({
  "discounts:list": (call) => {
    const page = pageOf(call.query);
    const found = listDiscounts(
      call.ctx,
      { organizationIds: organizationIds(call), query: optional(call.query.query) },
      list(call.query.sorting),
      page,
    );
    return json(
      200,
      listEnvelope(found, page, (discount) =>
        serializeDiscount(call.ctx.store.partition(discount.organization_id), discount),
      ),
    );
  },

  "discounts:create": (call) => {
    rejectOrganizationId(call.body.organization_id);
    const discount = createDiscount(call.ctx, organizationOf(call), call.body);
    const partition = call.ctx.store.partition(discount.organization_id);
    // Answered with the objects still in memory: amounts in the order sent.
    return json(201, serializeDiscount(partition, discount, { amounts: amountsAsSent(call.body) }));
  },

  "discounts:get": (call) => {
    const discount = getDiscount(call.ctx, organizationOf(call), call.params.id);
    return json(200, serializeDiscount(call.ctx.store.partition(discount.organization_id), discount));
  },

  "discounts:update": (call) => {
    const discount = updateDiscount(
      call.ctx,
      getDiscount(call.ctx, organizationOf(call), call.params.id),
      call.body,
    );
    return json(200, serializeDiscount(call.ctx.store.partition(discount.organization_id), discount));
  },

  "discounts:delete": (call) => {
    deleteDiscount(call.ctx, getDiscount(call.ctx, organizationOf(call), call.params.id));
    return NO_CONTENT;
  },
});
