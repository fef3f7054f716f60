/**
 * Events: usage events (ingestion and the indices that keep customer meters current), the system
 * events the emulator records about customers, and the lists of both.
 */
import { array, problem } from "../../domain/decode.js";
import { defineResource, type SnapshotSection } from "../resource.js";
import { eventControl } from "./control.js";
import { eventHandlers } from "./handlers.js";
import { eventRules } from "./rules.js";
import { systemEventDecoder, type UsageIndex, usageEventDecoder, usageIndexDecoder } from "./snapshot.js";
import { type SystemEventRecord, type UsageEventRecord, UsageTable } from "./table.js";

const usageIndex: SnapshotSection<UsageIndex> = {
  decode: usageIndexDecoder,
  capture: ({ usage }) => ({
    events_by_customer: usage.byCustomer,
    events_by_external_customer_id: usage.byExternalCustomerId,
    customer_meter_aggregates: usage.aggregates,
  }),
  restore: ({ usage }, index) => {
    for (const [key, list] of index.events_by_customer) usage.byCustomer.set(key, list);
    for (const [key, list] of index.events_by_external_customer_id) usage.byExternalCustomerId.set(key, list);
    for (const [key, value] of index.customer_meter_aggregates) usage.aggregates.set(key, value);
  },
};

export const events = defineResource({
  name: "events",
  scopes: ["events:read", "events:write"],
  tables: () => ({ usage: new UsageTable() }),
  handlers: eventHandlers,
  control: eventControl,
  validation: {
    rules: eventRules,
    walked: ["events:ingest"],
    awareDatetimeQuery: { "events:list": ["start_timestamp", "end_timestamp"] },
  },
  snapshot: {
    sections: {
      events: {
        kind: "collection" as const,
        decode: array(usageEventDecoder),
        capture: ({ usage }) => usage.events,
        restore: ({ usage }, records: UsageEventRecord[]) => {
          for (const event of records) usage.append(event);
        },
        count: ({ usage }) => usage.events.length,
        holds: ({ usage }, id) => usage.byId.has(id),
      },
      system_events: {
        kind: "collection" as const,
        decode: array(systemEventDecoder),
        capture: ({ usage }) => usage.systemEvents,
        restore: ({ usage }, records: SystemEventRecord[]) => {
          for (const event of records) usage.appendSystem(event);
        },
        count: ({ usage }) => usage.systemEvents.length,
        holds: ({ usage }, id) => usage.byId.has(id),
      },
      usage_index: usageIndex,
    },
    references: (decoded, ids, problems, missing) => {
      decoded.events.forEach((item, index) => {
        if (item.customer_id !== null && !ids("customers").has(item.customer_id))
          missing(["events", index, "customer_id"], "customer", item.customer_id);
      });
      decoded.system_events.forEach((item, index) => {
        if (!ids("customers").has(item.customer_id))
          missing(["system_events", index, "customer_id"], "customer", item.customer_id);
      });
      const positions = (map: Map<string, number[]>, name: string) => {
        for (const [key, list] of map) {
          list.forEach((position, at) => {
            if (position < 0 || position >= decoded.events.length || (at > 0 && position <= list[at - 1])) {
              problems.push(
                problem(
                  ["usage_index", name, key, at],
                  "value_error",
                  "Input should be ascending positions in events",
                  position,
                ),
              );
            }
          });
        }
      };
      positions(decoded.usage_index.events_by_customer, "events_by_customer");
      positions(decoded.usage_index.events_by_external_customer_id, "events_by_external_customer_id");
      for (const key of decoded.usage_index.customer_meter_aggregates.keys()) {
        if (!ids("customer_meters").has(key))
          missing(["usage_index", "customer_meter_aggregates", key], "customer meter", key);
      }
    },
  },
});
