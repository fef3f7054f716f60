/** A saved card as the customer portal shows it, and as the organization API lists it. */
import type { Schemas } from "../../domain/wire.js";
import { iso, isoOrNull } from "../../util/time.js";
import type { CustomerRecord } from "../customers/table.js";
import type { PaymentMethodRecord } from "./table.js";

export function serializePortalPaymentMethod(method: PaymentMethodRecord): Schemas["PaymentMethodCard"] {
  return {
    id: method.id,
    created_at: iso(method.created_at),
    modified_at: isoOrNull(method.modified_at),
    processor: "stripe",
    customer_id: method.customer_id,
    type: "card",
    method_metadata: { ...method.method_metadata },
  };
}

/** The organization API's `CustomerPaymentMethodCard`: the same, and whether it is the default. */
export function serializeCustomerPaymentMethod(
  customer: CustomerRecord,
  method: PaymentMethodRecord,
): Schemas["CustomerPaymentMethodCard"] {
  return {
    ...serializePortalPaymentMethod(method),
    is_default: customer.default_payment_method_id === method.id,
  };
}
