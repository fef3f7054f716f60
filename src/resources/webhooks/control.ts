/**
 * The control plane's webhook verbs: status, pause and resume, fault injection, the event and
 * delivery logs, the long-poll wait, redelivery, replay and sending an event on demand.
 */
import type { WebhookEngine } from "../../webhooks/engine.js";
import { type DeliveryFilter, describeDelivery, describeEvent } from "../../webhooks/log.js";
import { recording } from "../control.js";
import { type Handlers, json, NO_CONTENT } from "../operation.js";
import type { Services } from "../services.js";

function text(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

function limitOf(query: Record<string, unknown>): number {
  return typeof query.limit === "number" ? query.limit : 1000;
}

/** The filters shared by the deliveries list and the wait. */
function deliveryFilter(engine: WebhookEngine, query: Record<string, unknown>): DeliveryFilter {
  return engine.log.filterOf({
    organizationId: text(query.organization_id),
    endpointId: text(query.endpoint_id),
    type: text(query.type),
    customerId: text(query.customer_id),
    externalCustomerId: text(query.external_customer_id),
    succeeded: typeof query.succeeded === "boolean" ? query.succeeded : undefined,
    webhookEventId: text(query.webhook_event_id),
    after: text(query.after),
  });
}

function status(engine: WebhookEngine) {
  const { settings } = engine;
  return {
    paused: engine.paused,
    pending: engine.pendingCount(),
    faults: { duplicate: engine.faults.duplicate, out_of_order: engine.faults.outOfOrder },
    settings: {
      max_attempts: settings.maxAttempts,
      retry_delays_ms: settings.retryDelays,
      timeout_ms: settings.timeoutMs,
      signing: settings.signing,
      ordering: settings.ordering,
      state_changed_debounce_ms: settings.stateChangedDebounceMs,
      log_size: settings.logSize,
      max_pending: settings.maxPending,
    },
    endpoints: engine.allEndpoints().map(({ endpoint, pending, dropped }) => ({
      id: endpoint.id,
      organization_id: endpoint.organization_id,
      url: endpoint.url,
      name: endpoint.name,
      format: endpoint.format,
      secret: endpoint.secret,
      events: [...endpoint.events],
      enabled: endpoint.enabled,
      pending,
      dropped,
    })),
  };
}

export type WebhookControl =
  | "emulator:webhooks:status"
  | "emulator:webhooks:pause"
  | "emulator:webhooks:resume"
  | "emulator:webhooks:faults"
  | "emulator:webhooks:events"
  | "emulator:webhooks:redeliver"
  | "emulator:webhooks:replay"
  | "emulator:webhooks:send"
  | "emulator:webhooks:deliveries"
  | "emulator:webhooks:clear"
  | "emulator:webhooks:wait";

export const webhookControl = (services: Services): Handlers<WebhookControl> => {
  const engine = services.webhooks;
  return {
    "emulator:webhooks:status": () => json(200, status(engine)),

    "emulator:webhooks:pause": () => {
      engine.pause();
      return json(200, status(engine));
    },

    "emulator:webhooks:resume": () => {
      engine.resume();
      return json(200, status(engine));
    },

    "emulator:webhooks:faults": ({ body }) => {
      engine.faults = {
        duplicate: body.duplicate ?? engine.faults.duplicate,
        outOfOrder: body.out_of_order ?? engine.faults.outOfOrder,
      };
      return json(200, { duplicate: engine.faults.duplicate, out_of_order: engine.faults.outOfOrder });
    },

    "emulator:webhooks:events": ({ query }) => {
      const events = engine.log.listEvents({
        organizationId: text(query.organization_id),
        endpointId: text(query.endpoint_id),
        type: text(query.type),
        customerId: text(query.customer_id),
        externalCustomerId: text(query.external_customer_id),
        status: query.status,
      });
      return json(200, { items: events.slice(0, limitOf(query)).map(describeEvent) });
    },

    "emulator:webhooks:redeliver": ({ params }) => json(202, describeEvent(engine.redeliver(params.id))),

    "emulator:webhooks:replay": ({ body }) => {
      const input = body ?? {};
      const events = engine.replay({
        customerId: input.customer_id,
        externalCustomerId: input.external_customer_id,
        organizationId: input.organization_id,
        endpointId: input.endpoint_id,
        type: input.type,
      });
      return json(202, { items: events.map(describeEvent) });
    },

    "emulator:webhooks:send": ({ ctx, body }) => {
      const { events } = recording(ctx, () => services.announce(body.type, body.id));
      return json(200, { events });
    },

    "emulator:webhooks:deliveries": ({ query }) => {
      const deliveries = engine.log.listDeliveries(deliveryFilter(engine, query));
      return json(200, { items: deliveries.slice(0, limitOf(query)).map(describeDelivery) });
    },

    "emulator:webhooks:clear": () => {
      engine.log.clear();
      return NO_CONTENT;
    },

    "emulator:webhooks:wait": async ({ query }) => {
      const filter = deliveryFilter(engine, query);
      const count = typeof query.count === "number" ? query.count : 1;
      const timeoutMs = typeof query.timeout_ms === "number" ? query.timeout_ms : 10_000;
      const found = await engine.waitFor(filter, { count, timeoutMs });
      const items = found.map(describeDelivery);
      if (found.length >= count) return json(200, { items });
      return json(408, {
        error: "Timeout",
        detail: `${found.length} of ${count} matching deliveries within ${timeoutMs} ms.`,
        items,
      });
    },
  };
};
