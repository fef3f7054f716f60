/**
 * The customer portal API (`/v1/customer-portal/...`): what a customer session may read and do
 * as its customer. Its operations read and change the other resources' objects through their
 * services; it keeps only pending email changes and the customer's payment retries.
 */
import { valueError } from "../../pydantic/messages.js";
import { upperCaseCountry } from "../customers/rules.js";
import { collection, defineResource } from "../resource.js";
import { portalBenefitHandlers } from "./benefits.js";
import { portalCustomerHandlers } from "./customer.js";
import { emailUpdateControl, portalEmailUpdateHandlers } from "./email-update.js";
import { portalLicenseKeyHandlers } from "./license-keys.js";
import { portalMemberHandlers } from "./members.js";
import { portalOrderHandlers } from "./orders.js";
import { portalSeatHandlers } from "./seats.js";
import { emailVerificationDecoder, retryPaymentDecoder } from "./snapshot.js";
import { portalSubscriptionHandlers } from "./subscriptions.js";
import { EmailVerificationTable, RetryPaymentTable } from "./table.js";

export const customerPortal = defineResource({
  name: "customer-portal",
  tables: () => ({
    emailVerifications: new EmailVerificationTable(),
    retryPayments: new RetryPaymentTable(),
  }),
  handlers: () => ({
    ...portalCustomerHandlers(),
    ...portalEmailUpdateHandlers(),
    ...portalBenefitHandlers(),
    ...portalSubscriptionHandlers(),
    ...portalOrderHandlers(),
    ...portalLicenseKeyHandlers(),
    ...portalMemberHandlers(),
    ...portalSeatHandlers(),
  }),
  control: emailUpdateControl,
  snapshot: {
    sections: {
      email_verifications: collection({
        table: (partition) => partition.emailVerifications,
        decode: emailVerificationDecoder,
        serialize: (_partition, pending) => ({
          id: pending.id,
          customer_id: pending.customer_id,
          email: pending.email,
        }),
      }),
      retry_payments: collection({
        table: (partition) => partition.retryPayments,
        decode: retryPaymentDecoder,
        serialize: (_partition, payment) => ({
          id: payment.id,
          order_id: payment.order_id,
          status: payment.status,
        }),
      }),
    },
    references: (decoded, ids, _problems, missing) => {
      decoded.email_verifications.forEach((item, index) => {
        if (!ids("customers").has(item.customer_id))
          missing(["email_verifications", index, "customer_id"], "customer", item.customer_id);
      });
      decoded.retry_payments.forEach((item, index) => {
        if (!ids("orders").has(item.order_id))
          missing(["retry_payments", index, "order_id"], "order", item.order_id);
      });
    },
  },
  validation: {
    rules: {
      modelValidators: {
        // `CustomerOrderConfirmPayment.validate_payment_method`: exactly one way to pay.
        CustomerOrderConfirmPayment: (value) => {
          const token = value.confirmation_token_id ?? null;
          const method = value.payment_method_id ?? null;
          if (token === null && method === null)
            return valueError("Either confirmation_token_id or payment_method_id must be provided");
          if (token !== null && method !== null)
            return valueError("Only one of confirmation_token_id or payment_method_id can be provided");
          return null;
        },
      },
    },
    walked: ["customer_portal:orders:confirm_retry_payment"],
    before: { "customer_portal:orders:update": upperCaseCountry },
  },
});
