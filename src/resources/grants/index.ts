/** Benefit grants, and the webhook events about them. */
import { collection, defineResource } from "../resource.js";
import { grantControl } from "./control.js";
import { grantHandlers } from "./handlers.js";
import { serializeGrant, serializeGrantWebhook } from "./serialize.js";
import { grantDecoder } from "./snapshot.js";
import { GrantTable } from "./table.js";

export const grants = defineResource({
  name: "grants",
  tables: () => ({ grants: new GrantTable() }),
  handlers: grantHandlers,
  control: grantControl,
  snapshot: {
    sections: {
      benefit_grants: collection({
        table: (partition) => partition.grants,
        decode: grantDecoder,
        serialize: serializeGrant,
      }),
    },
    references: (decoded, ids, _problems, missing) => {
      decoded.benefit_grants.forEach((item, index) => {
        if (!ids("customers").has(item.customer_id))
          missing(["benefit_grants", index, "customer_id"], "customer", item.customer_id);
        if (!ids("benefits").has(item.benefit_id))
          missing(["benefit_grants", index, "benefit_id"], "benefit", item.benefit_id);
        if (item.subscription_id !== null && !ids("subscriptions").has(item.subscription_id))
          missing(["benefit_grants", index, "subscription_id"], "subscription", item.subscription_id);
      });
    },
  },
  events: {
    prefix: "benefit_grant.",
    subject: (partition, _type, id) => {
      const grant = partition.grants.get(id);
      return (
        grant && {
          customerId: grant.customer_id,
          data: () => serializeGrantWebhook(partition, grant, null),
        }
      );
    },
  },
});
