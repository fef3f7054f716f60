/** The control plane's meter verb: credit (or, with negative units, debit) a customer's meter. */
import { ResourceNotFound } from "../../errors.js";
import { customerOf, recording } from "../control.js";
import { publishCustomerState } from "../customers/state.js";
import { type Handlers, json } from "../operation.js";
import type { Services } from "../services.js";
import { serializeCustomerMeter } from "./serialize.js";
import { creditCustomerMeter } from "./service.js";

export type CustomerMeterControl = "emulator:meters:credit";

export const customerMeterControl = (services: Services): Handlers<CustomerMeterControl> => ({
  "emulator:meters:credit": ({ ctx, params, body }) => {
    const customer = customerOf(ctx, services, body);
    const partition = ctx.store.partition(customer.organization_id);
    if (!partition.meters.has(params.id)) throw new ResourceNotFound();
    const { result, events } = recording(ctx, () => {
      const customerMeter = creditCustomerMeter(ctx, customer, params.id, body.units);
      publishCustomerState(ctx, customer);
      return customerMeter;
    });
    return json(200, { customer_meter: serializeCustomerMeter(partition, result), events });
  },
});
