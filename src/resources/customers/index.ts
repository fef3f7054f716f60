/** Customers, their state, and the webhook events about them. */
import { uniqueValues } from "../../domain/decode.js";
import { collection, defineResource } from "../resource.js";
import { customerControl } from "./control.js";
import { customerFixture } from "./fixture.js";
import { customerHandlers } from "./handlers.js";
import { CUSTOMER_CREATE_TAG_FUNCTION, upperCaseCountry } from "./rules.js";
import { serializeCustomer } from "./serialize.js";
import { customerDecoder } from "./snapshot.js";
import { serializeCustomerState } from "./state.js";
import { CustomerTable } from "./table.js";

export const customers = defineResource({
  name: "customers",
  scopes: ["customers:read", "customers:write"],
  tables: () => ({ customers: new CustomerTable() }),
  handlers: customerHandlers,
  control: customerControl,
  validation: {
    tagFunctions: { "customers:create": CUSTOMER_CREATE_TAG_FUNCTION },
    before: {
      "customers:create": upperCaseCountry,
      "customers:update": upperCaseCountry,
      "customers:update_external": upperCaseCountry,
    },
  },
  fixture: customerFixture,
  snapshot: {
    sections: {
      customers: collection({
        table: (partition) => partition.customers,
        decode: customerDecoder,
        serialize: (_, customer) => serializeCustomer(customer),
      }),
    },
    references: (decoded, _ids, problems) => {
      const sameEmail = uniqueValues(problems, "Two live customers share this email");
      const sameExternalId = uniqueValues(problems, "Two live customers share this external id");
      decoded.customers.forEach((item, index) => {
        if (item.deleted_at !== null) return;
        if (item.email !== null)
          sameEmail(["customers", index, "email"], item.email.toLowerCase(), item.email);
        if (item.external_id !== null) sameExternalId(["customers", index, "external_id"], item.external_id);
      });
    },
  },
  events: {
    prefix: "customer.",
    subject: (partition, type, id) => {
      const customer = partition.customers.get(id);
      // customer.deleted also takes a deleted customer; the others need a live one.
      if (!customer || (customer.deleted_at !== null && type !== "customer.deleted")) return undefined;
      return {
        customerId: customer.id,
        data:
          type === "customer.state_changed"
            ? () => serializeCustomerState(partition, customer)
            : () => serializeCustomer(customer),
      };
    },
  },
});
