/**
 * The customer portal API (`/v1/customer-portal/...`): what a customer session may read and do
 * as its customer. It holds nothing of its own; its operations read and change the other
 * resources' objects through their services.
 */
import { defineResource } from "../resource.js";
import { portalBenefitHandlers } from "./benefits.js";
import { portalCustomerHandlers } from "./customer.js";
import { portalLicenseKeyHandlers } from "./license-keys.js";
import { portalMemberHandlers } from "./members.js";
import { portalSeatHandlers } from "./seats.js";
import { portalSubscriptionHandlers } from "./subscriptions.js";

export const customerPortal = defineResource({
  name: "customer-portal",
  handlers: () => ({
    ...portalCustomerHandlers(),
    ...portalBenefitHandlers(),
    ...portalSubscriptionHandlers(),
    ...portalLicenseKeyHandlers(),
    ...portalMemberHandlers(),
    ...portalSeatHandlers(),
  }),
});
