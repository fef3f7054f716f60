/** How a snapshot document holds event types. */
import { date, id, nullableDate, nullableString, record, string } from "../../domain/decode.js";
import type { EventTypeRecord } from "./table.js";

export const eventTypeDecoder = record<EventTypeRecord>({
  id,
  organization_id: id,
  name: string,
  label: string,
  label_property_selector: nullableString,
  created_at: date,
  modified_at: nullableDate,
});

declare module "../context.js" {
  interface DecodedSections {
    event_types: EventTypeRecord[];
  }
}
