/** The control plane's customer verb: send `customer.state_changed` with the state as it is. */
import { ResourceNotFound } from "../../errors.js";
import { recording } from "../control.js";
import { type Handlers, json } from "../operation.js";
import { publishCustomerState, serializeCustomerState } from "./state.js";

export type CustomerControl = "emulator:customers:state-changed";

export const customerControl = (): Handlers<CustomerControl> => ({
  "emulator:customers:state-changed": ({ ctx, params }) => {
    for (const partition of ctx.store.partitions.values()) {
      const customer = partition.customers.live(params.id);
      if (!customer) continue;
      const { events } = recording(ctx, () => publishCustomerState(ctx, customer));
      return json(200, { state: serializeCustomerState(partition, customer), events });
    }
    throw new ResourceNotFound();
  },
});
