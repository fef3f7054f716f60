/** The control plane's journal of domain events (`GET /_emulator/events`). */
import { wireEvent } from "../resources/control.js";
import { type Handlers, json } from "../resources/operation.js";

export const eventJournalHandlers = (): Handlers<"emulator:events:list"> => ({
  "emulator:events:list": ({ ctx, query }) => {
    const limit = query.limit ?? 1000;
    const events = ctx.events.list({
      organizationId: query.organization_id,
      customerId: query.customer_id,
      type: query.type,
      after: query.after,
    });
    return json(200, { items: events.slice(0, limit).map(wireEvent) });
  },
});
