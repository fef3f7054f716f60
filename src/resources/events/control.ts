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

/**
 * Events one usage call may ingest once `count` is expanded: 1,000 × `count: 10000` would be ten
 * million (minutes of a blocked event loop, then out of memory). The loop is held while they are
 * ingested (all or nothing): 10,000 held it 0.25–0.5 s, 2,500 stay near the ~100 ms a request may
 * take (issue 13, `npm run bench:amplifiers`). More: several calls, or a boot fixture.
 */
export const MAX_USAGE_EVENTS = 2_500;

export const eventControl = (services: Services): Handlers<EventControl> => ({
  "emulator:usage:record": ({ ctx, body }) => {
    const customer = customerOf(ctx, services, body);
    const partition = ctx.store.partition(customer.organization_id);
    const total = body.events.reduce((sum, event) => sum + (event.count ?? 1), 0);
    if (total > MAX_USAGE_EVENTS)
      throw new RequestValidationError([
        {
          type: "too_long",
          loc: ["body", "events"],
          msg: `List should have at most ${MAX_USAGE_EVENTS} items after validation, not ${total}`,
          input: body.events,
          ctx: { field_type: "List", max_length: MAX_USAGE_EVENTS, actual_length: total },
        },
      ]);
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
