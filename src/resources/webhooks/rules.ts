/**
 * Polar's webhook endpoint models beyond their JSON Schema (webhook/schemas.py): the endpoint URL
 * (http and local hosts allowed, receivers under test run on the developer's machine), and the
 * deliveries list's `AwareDatetime` query parameters.
 */
import type { ModelRules } from "../../pydantic/walker.js";
import { endpointUrlProblem } from "../../webhooks/endpoints.js";

export const webhookRules: ModelRules = {
  fieldValidators: {
    "WebhookEndpointCreate.url": endpointUrlProblem,
    "WebhookEndpointUpdate.url": endpointUrlProblem,
  },
};
