/** Event types: one per event name an organization ingested, each with a label of its own. */
import { collection, defineResource } from "../resource.js";
import { eventTypeHandlers } from "./handlers.js";
import { eventTypeRules } from "./rules.js";
import { serializeEventType } from "./serialize.js";
import { eventTypeDecoder } from "./snapshot.js";
import { EventTypeTable } from "./table.js";

export const eventTypes = defineResource({
  name: "event-types",
  tables: () => ({ eventTypes: new EventTypeTable() }),
  handlers: eventTypeHandlers,
  validation: { rules: eventTypeRules, walked: ["event-types:update"] },
  snapshot: {
    sections: {
      event_types: collection({
        table: (partition) => partition.eventTypes,
        decode: eventTypeDecoder,
        serialize: (_partition, eventType) => serializeEventType(eventType),
      }),
    },
  },
});
