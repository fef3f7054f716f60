/**
 * The control plane's usage verb: events for one customer, each `count` times, ingested like
 * `POST /v1/events/ingest` (the same model validation, the same service).
 */
import { RequestValidationError } from "../../errors.js";
import { customerOf, recording } from "../control.js";
import { serializeCustomerMeter } from "../customer-meters/serialize.js";
import { type Handlers, json } from "../operation.js";
import type { Services } from "../services.js";
import { type EventsIngestBody, ingestEvents } from "./service.js";

export type EventControl = "emulator:usage:record";

export const eventControl = (services: Services): Handlers<EventControl> => ({
  "emulator:usage:record": ({ ctx, body }) => {
    const customer = customerOf(ctx, services, body);
    const partition = ctx.store.partition(customer.organization_id);
    const batch = body.events.flatMap((event) =>
      Array.from({ length: event.count ?? 1 }, (_, index) => ({
        name: event.name,
        customer_id: customer.id,
        ...(event.metadata === undefined ? {} : { metadata: event.metadata }),
        ...(event.timestamp === undefined ? {} : { timestamp: event.timestamp }),
        ...(event.external_id === undefined
          ? {}
          : { external_id: (event.count ?? 1) > 1 ? `${event.external_id}-${index}` : event.external_id }),
      })),
    );
    const checked = services.models.validateModel("EventsIngest", { events: batch }, ctx.clock.now());
    if (checked.details.length > 0) throw new RequestValidationError(checked.details);
    const { events: ingest } = checked.value as EventsIngestBody;
    const { result, events } = recording(ctx, () => ingestEvents(ctx, customer.organization_id, ingest));
    return json(200, {
      ...result,
      customer_meters: partition.customerMeters
        .ofCustomer(customer.id)
        .map((customerMeter) => serializeCustomerMeter(partition, customerMeter)),
      events,
    });
  },
});
