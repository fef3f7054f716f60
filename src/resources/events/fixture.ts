/** A customer's usage events in a fixture: ingested in one batch, a second apart from their timestamp on. */
import type { Path } from "../../domain/decode.js";
import type { CustomerRecord } from "../customers/table.js";
import { type FixtureApplier, type FixtureSchemas, HOUR, SECOND } from "../fixture.js";
import { type EventsIngestBody, ingestEvents } from "./service.js";

export type FixtureEvent = FixtureSchemas["FixtureEvent"];

export function applyEvents(
  applier: FixtureApplier,
  customer: CustomerRecord,
  events: readonly FixtureEvent[],
  path: Path,
): void {
  const batch: EventsIngestBody["events"] = [];
  let latest = 0;
  for (const event of events) {
    const start = (applier.date(event.timestamp) ?? applier.at(-HOUR)).getTime();
    const count = event.count ?? 1;
    for (let i = 0; i < count; i++) {
      const time = start + i * SECOND;
      latest = Math.max(latest, time);
      const item: EventsIngestBody["events"][number] = {
        name: event.name,
        customer_id: customer.id,
        timestamp: new Date(time).toISOString(),
      };
      if (event.metadata) item.metadata = { ...event.metadata };
      if (event.external_id !== undefined)
        item.external_id = count === 1 ? event.external_id : `${event.external_id}-${i + 1}`;
      batch.push(item);
    }
  }
  applier.clock.set(new Date(latest));
  applier.domain(path, events, () => ingestEvents(applier.ctx, applier.organizationId, batch));
}
