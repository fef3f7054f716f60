/** The customer meters operations of Polar's API. */
import { listEnvelope, pageOf } from "../../domain/list.js";
import { type Handlers, json, list, organizationIds, organizationOf } from "../operation.js";
import { listCustomerMeters } from "./list.js";
import { serializeCustomerMeter } from "./serialize.js";
import { getCustomerMeter } from "./service.js";

export type CustomerMeterOperation = "customer_meters:list" | "customer_meters:get";

export const customerMeterHandlers = (): Handlers<CustomerMeterOperation> => ({
  "customer_meters:list": (call) => {
    const page = pageOf(call.query);
    const found = listCustomerMeters(
      call.ctx,
      {
        organizationIds: organizationIds(call),
        customerIds: list(call.query.customer_id),
        externalCustomerIds: list(call.query.external_customer_id),
        meterIds: list(call.query.meter_id),
      },
      list(call.query.sorting),
      page,
    );
    const partition = (organizationId: string) => call.ctx.store.partition(organizationId);
    return json(
      200,
      listEnvelope(found, page, (item) => serializeCustomerMeter(partition(item.organization_id), item)),
    );
  },

  "customer_meters:get": (call) => {
    const customerMeter = getCustomerMeter(call.ctx, organizationOf(call), call.params.id);
    return json(
      200,
      serializeCustomerMeter(call.ctx.store.partition(customerMeter.organization_id), customerMeter),
    );
  },
});
