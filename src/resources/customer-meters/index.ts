/** Customer meters: each customer's consumed and credited units on each meter. */
import { problem } from "../../domain/decode.js";
import { collection, defineResource } from "../resource.js";
import { customerMeterControl } from "./control.js";
import { customerMeterHandlers } from "./handlers.js";
import { serializeCustomerMeter } from "./serialize.js";
import { customerMeterDecoder } from "./snapshot.js";
import { CustomerMeterTable } from "./table.js";

export const customerMeters = defineResource({
  name: "customer-meters",
  scopes: ["customer_meters:read"],
  tables: () => ({ customerMeters: new CustomerMeterTable() }),
  handlers: customerMeterHandlers,
  control: customerMeterControl,
  snapshot: {
    sections: {
      customer_meters: collection({
        table: (partition) => partition.customerMeters,
        decode: customerMeterDecoder,
        serialize: serializeCustomerMeter,
      }),
    },
    references: (decoded, ids, problems, missing) => {
      const pairs = new Set<string>();
      decoded.customer_meters.forEach((item, index) => {
        if (!ids("customers").has(item.customer_id))
          missing(["customer_meters", index, "customer_id"], "customer", item.customer_id);
        if (!ids("meters").has(item.meter_id))
          missing(["customer_meters", index, "meter_id"], "meter", item.meter_id);
        const pair = `${item.customer_id}:${item.meter_id}`;
        if (pairs.has(pair))
          problems.push(
            problem(
              ["customer_meters", index],
              "value_error",
              "Two customer meters for one customer and meter",
              pair,
            ),
          );
        pairs.add(pair);
        if (item.consumed_since < 0 || item.consumed_since > decoded.events.length) {
          problems.push(
            problem(
              ["customer_meters", index, "consumed_since"],
              "value_error",
              "Input should be a position in events",
              item.consumed_since,
            ),
          );
        }
      });
    },
  },
});
