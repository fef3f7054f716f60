/** Customer sessions: the tokens the customer portal API authenticates customers with. */
import { toJson } from "../../domain/decode.js";
import { collection, defineResource } from "../resource.js";
import { customerSessionHandlers } from "./handlers.js";
import { externalIdAlias } from "./service.js";
import { customerSessionDecoder } from "./snapshot.js";
import { CustomerSessionTable } from "./table.js";

export const customerSessions = defineResource({
  name: "customer-sessions",
  scopes: ["customer_sessions:write"],
  tables: () => ({ customerSessions: new CustomerSessionTable() }),
  handlers: customerSessionHandlers,
  validation: { before: { "customer-sessions:create": externalIdAlias } },
  snapshot: {
    sections: {
      customer_sessions: collection({
        table: (partition) => partition.customerSessions,
        decode: customerSessionDecoder,
        serialize: (_partition, session) => toJson({ ...session, token: undefined }),
      }),
    },
    references: (decoded, ids, _problems, missing) => {
      decoded.customer_sessions.forEach((item, index) => {
        if (!ids("customers").has(item.customer_id))
          missing(["customer_sessions", index, "customer_id"], "customer", item.customer_id);
      });
    },
  },
});
