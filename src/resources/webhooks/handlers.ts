/** The webhooks operations of Polar's API: endpoints, deliveries and redelivery, over the engine. */
import { listEnvelope, pageOf, paginate } from "../../domain/list.js";
import type { ApiVersion } from "../../domain/versions.js";
import { RequestValidationError } from "../../errors.js";
import { type EndpointRecord, serializeEndpoint } from "../../webhooks/endpoints.js";
import { serializeDelivery } from "../../webhooks/log.js";
import {
  dateParam,
  type Handlers,
  json,
  list,
  NO_CONTENT,
  optional,
  organizationIds,
  organizationOf,
  rejectOrganizationId,
} from "../operation.js";
import type { Services } from "../services.js";

/**
 * In 2026-04, Polar's create and update still take the deprecated `secret` (at least 32
 * characters), a field its published schema leaves out, so the request pipeline cannot check it.
 * Later versions have no such field: like any field a model does not know, it is ignored.
 */
function checkSecret(secret: unknown, version: ApiVersion): string | undefined {
  if (secret === undefined || secret === null || version !== "2026-04") return undefined;
  if (typeof secret === "string" && secret.length >= 32) return secret;
  throw new RequestValidationError([
    {
      type: typeof secret === "string" ? "string_too_short" : "string_type",
      loc: ["body", "secret"],
      msg:
        typeof secret === "string"
          ? "String should have at least 32 characters"
          : "Input should be a valid string",
      input: secret,
      ...(typeof secret === "string" ? { ctx: { min_length: 32 } } : {}),
    },
  ]);
}

export type WebhookOperation =
  | "webhooks:list_webhook_endpoints"
  | "webhooks:create_webhook_endpoint"
  | "webhooks:get_webhook_endpoint"
  | "webhooks:update_webhook_endpoint"
  | "webhooks:delete_webhook_endpoint"
  | "webhooks:reset_webhook_endpoint_secret"
  | "webhooks:list_webhook_deliveries"
  | "webhooks:redeliver_webhook_event";

export const webhookHandlers = ({ webhooks: engine }: Services): Handlers<WebhookOperation> => {
  const wire = (endpoint: EndpointRecord) => serializeEndpoint(endpoint, engine.signsStandard(endpoint));
  return {
    "webhooks:list_webhook_endpoints": (call) => {
      const page = pageOf(call.query);
      const endpoints = organizationIds(call).flatMap((id) => engine.listEndpoints(id));
      return json(200, listEnvelope(paginate(endpoints, page), page, wire));
    },

    "webhooks:create_webhook_endpoint": (call) => {
      const { secret, ...body } = call.body as typeof call.body & { secret?: unknown };
      rejectOrganizationId(body.organization_id);
      const endpoint = engine.createEndpoint(organizationOf(call), {
        ...body,
        secret: checkSecret(secret, call.version),
      });
      return json(201, wire(endpoint));
    },

    "webhooks:get_webhook_endpoint": (call) =>
      json(200, wire(engine.getEndpoint(organizationOf(call), call.params.id))),

    "webhooks:update_webhook_endpoint": (call) => {
      const { secret, ...body } = call.body as typeof call.body & { secret?: unknown };
      const patch = { ...body, secret: checkSecret(secret, call.version) };
      return json(200, wire(engine.updateEndpoint(organizationOf(call), call.params.id, patch)));
    },

    "webhooks:delete_webhook_endpoint": (call) => {
      engine.deleteEndpoint(organizationOf(call), call.params.id);
      return NO_CONTENT;
    },

    "webhooks:reset_webhook_endpoint_secret": (call) =>
      json(200, wire(engine.resetSecret(organizationOf(call), call.params.id))),

    "webhooks:list_webhook_deliveries": (call) => {
      const page = pageOf(call.query);
      const { query } = call;
      // Polar lists a deleted endpoint's deliveries, but an `endpoint_id` filter keeps only the
      // endpoints it can read, deleted ones not among them (webhook/service.py `list_deliveries`).
      const requested = list(query.endpoint_id);
      const live = new Set(engine.listEndpoints(organizationOf(call)).map((endpoint) => endpoint.id));
      const deliveries = engine.log
        .listDeliveries({
          organizationId: organizationOf(call),
          endpointIds: requested?.filter((id) => live.has(id)),
          types: list(query.event_type),
          succeeded: optional(query.succeeded),
          since: dateParam(query.start_timestamp),
          until: dateParam(query.end_timestamp),
          httpCodeClass: optional(query.http_code_class),
          query: optional(query.query),
        })
        .reverse();
      return json(200, listEnvelope(paginate(deliveries, page), page, serializeDelivery));
    },

    "webhooks:redeliver_webhook_event": (call) => {
      engine.redeliver(call.params.id, organizationOf(call));
      return json(202, null);
    },
  };
};
