/** The webhooks operations of Polar's API: endpoints, deliveries and redelivery, over the engine. */

import { pageSlice } from "../domain/sorting.js";
import type { WebhookEndpointCreateBody } from "../domain/wire.js";
import { RequestValidationError } from "../errors.js";
import { type Call, type Handlers, json, organizationOf, rejectOrganizationId } from "../http/handler.js";
import { listResource, pageOf } from "../http/pagination.js";
import { serializeEndpoint } from "../webhooks/endpoints.js";
import type { EndpointInput, EndpointPatch, WebhookEngine } from "../webhooks/engine.js";
import { serializeDelivery } from "../webhooks/log.js";
import { list, organizationIds, stringParam } from "./query.js";

/**
 * Polar's create and update still take the deprecated `secret` (at least 32 characters), a field
 * its published schema leaves out, so the request pipeline cannot check it.
 */
function checkSecret(secret: unknown): void {
  if (typeof secret !== "string" || secret.length >= 32) return;
  throw new RequestValidationError([
    {
      type: "string_too_short",
      loc: ["body", "secret"],
      msg: "String should have at least 32 characters",
      input: secret,
      ctx: { min_length: 32 },
    },
  ]);
}

export function webhookHandlers(engine: WebhookEngine): Handlers {
  const endpointOf = (call: Call) => engine.getEndpoint(organizationOf(call), call.params.id as string);

  return {
    "webhooks:list_webhook_endpoints": (call) => {
      const page = pageOf(call.query);
      const endpoints = organizationIds(call).flatMap((id) => engine.listEndpoints(id));
      const { items, total } = pageSlice(endpoints, page.page, page.limit);
      return json(200, listResource(items.map(serializeEndpoint), total, page));
    },

    "webhooks:create_webhook_endpoint": (call) => {
      const body = call.body as WebhookEndpointCreateBody & EndpointInput;
      rejectOrganizationId(body.organization_id);
      checkSecret(body.secret);
      const endpoint = engine.createEndpoint(organizationOf(call), body);
      return json(201, serializeEndpoint(endpoint));
    },

    "webhooks:get_webhook_endpoint": (call) => json(200, serializeEndpoint(endpointOf(call))),

    "webhooks:update_webhook_endpoint": (call) => {
      const body = call.body as EndpointPatch;
      checkSecret(body.secret);
      const endpoint = engine.updateEndpoint(organizationOf(call), call.params.id as string, body);
      return json(200, serializeEndpoint(endpoint));
    },

    "webhooks:delete_webhook_endpoint": (call) => {
      engine.deleteEndpoint(organizationOf(call), call.params.id as string);
      return { status: 204 };
    },

    "webhooks:reset_webhook_endpoint_secret": (call) =>
      json(200, serializeEndpoint(engine.resetSecret(organizationOf(call), call.params.id as string))),

    "webhooks:list_webhook_deliveries": (call) => {
      const page = pageOf(call.query);
      const organizationId = organizationOf(call);
      const { query } = call;
      const since = typeof query.start_timestamp === "string" ? new Date(query.start_timestamp) : undefined;
      const until = typeof query.end_timestamp === "string" ? new Date(query.end_timestamp) : undefined;
      const deliveries = engine.log
        .listDeliveries({
          organizationId,
          endpointIds: list(query.endpoint_id),
          types: list(query.event_type),
          succeeded: typeof query.succeeded === "boolean" ? query.succeeded : undefined,
          since,
          until,
          httpCodeClass: stringParam(query.http_code_class) as "2xx" | "3xx" | "4xx" | "5xx" | undefined,
          query: stringParam(query.query),
        })
        .reverse();
      const { items, total } = pageSlice(deliveries, page.page, page.limit);
      return json(200, listResource(items.map(serializeDelivery), total, page));
    },

    "webhooks:redeliver_webhook_event": (call) => {
      engine.redeliver(call.params.id as string, organizationOf(call));
      return json(202, null);
    },
  };
}
