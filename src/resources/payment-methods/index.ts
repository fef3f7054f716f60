/** Customers' saved payment methods: cards added through the customer portal. */
import { collection, defineResource } from "../resource.js";
import { serializePortalPaymentMethod } from "./serialize.js";
import { paymentMethodDecoder, setupIntentDecoder } from "./snapshot.js";
import { PaymentMethodTable, SetupIntentTable } from "./table.js";

export const paymentMethods = defineResource({
  name: "payment-methods",
  tables: () => ({ paymentMethods: new PaymentMethodTable(), setupIntents: new SetupIntentTable() }),
  snapshot: {
    sections: {
      payment_methods: collection({
        table: (partition) => partition.paymentMethods,
        decode: paymentMethodDecoder,
        serialize: (_partition, method) => serializePortalPaymentMethod(method),
      }),
      setup_intents: collection({
        table: (partition) => partition.setupIntents,
        decode: setupIntentDecoder,
        serialize: (_partition, intent) => ({ id: intent.id, customer_id: intent.customer_id }),
      }),
    },
    references: (decoded, ids, _problems, missing) => {
      decoded.payment_methods.forEach((item, index) => {
        if (!ids("customers").has(item.customer_id))
          missing(["payment_methods", index, "customer_id"], "customer", item.customer_id);
      });
      decoded.setup_intents.forEach((item, index) => {
        if (!ids("customers").has(item.customer_id))
          missing(["setup_intents", index, "customer_id"], "customer", item.customer_id);
      });
    },
  },
});
