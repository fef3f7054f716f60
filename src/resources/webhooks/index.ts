/**
 * Webhook endpoints, deliveries and redelivery (Polar's API), and the control plane's webhook
 * verbs. Endpoints are configuration, held by the webhook engine (src/webhooks), not billing state:
 * no table, no snapshot section.
 */
import { defineResource } from "../resource.js";
import { webhookControl } from "./control.js";
import { webhookHandlers } from "./handlers.js";
import { webhookRules } from "./rules.js";

export const webhooks = defineResource({
  name: "webhooks",
  scopes: ["webhooks:read", "webhooks:write"],
  handlers: webhookHandlers,
  control: webhookControl,
  validation: {
    rules: webhookRules,
    walked: ["webhooks:create_webhook_endpoint", "webhooks:update_webhook_endpoint"],
    awareDatetimeQuery: { "webhooks:list_webhook_deliveries": ["start_timestamp", "end_timestamp"] },
  },
});
