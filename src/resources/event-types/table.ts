/** Event types: one per event name in each organization (Polar's `event_types`, unique by name). */
import { Table } from "../../store/table.js";

export interface EventTypeRecord {
  id: string;
  organization_id: string;
  name: string;
  label: string;
  /** A metadata path whose value, when an event has it, is the event's label. */
  label_property_selector: string | null;
  created_at: Date;
  modified_at: Date | null;
}

export class EventTypeTable extends Table<EventTypeRecord> {
  readonly byName = new Map<string, EventTypeRecord>();

  protected override indexed(eventType: EventTypeRecord): void {
    this.byName.set(eventType.name, eventType);
  }
}

declare module "../context.js" {
  interface PartitionTables {
    eventTypes: EventTypeTable;
  }
}
