/**
 * Events, in the order they were recorded: the usage events ingested through the API (`user`)
 * and the events the emulator records itself when something happens to a customer (`system`,
 * src/resources/events/system.ts), with the indices ingestion needs so it never scans every
 * event: positions (indices into `events`, ascending) per customer and per external customer id,
 * events by external id (deduplication, parents), events waiting for their parent, and the
 * running aggregation of each customer meter over its usage events. System events never count
 * for a meter's consumed units, so they live in a list of their own.
 */
import type { SystemEventName } from "./system.js";

export interface UsageEventRecord {
  id: string;
  organization_id: string;
  name: string;
  timestamp: Date;
  /** Set when the event named a customer id, or once its external customer id resolved. */
  customer_id: string | null;
  external_customer_id: string | null;
  external_id: string | null;
  metadata: Record<string, unknown>;
  ingested_at: Date;
  /** The member's id in the organization's system (`external_member_id`), as ingested. */
  external_member_id: string | null;
  /** The parent event, once the `parent_id` given at ingestion named one. */
  parent_id: string | null;
  /** The `parent_id` given at ingestion (an event id or an external id) while no event has it. */
  pending_parent: string | null;
}

/** An event the emulator recorded itself (Polar's `build_system_event`): always about a customer. */
export interface SystemEventRecord {
  id: string;
  organization_id: string;
  name: SystemEventName;
  timestamp: Date;
  customer_id: string;
  metadata: Record<string, unknown>;
  ingested_at: Date;
  /** How many usage events the organization had when this was recorded: its place among them. */
  recorded_after: number;
}

export type EventRecord = UsageEventRecord | SystemEventRecord;

export function isSystemEvent(event: EventRecord): event is SystemEventRecord {
  return !("external_customer_id" in event);
}

/** A customer meter's aggregation over its events since `consumed_since`. */
export interface Aggregate {
  matched: number;
  sum: number;
  max: number;
  min: number;
  /** Distinct values, for `unique`. */
  distinct: Set<string>;
}

export class UsageTable {
  readonly events: UsageEventRecord[] = [];
  readonly systemEvents: SystemEventRecord[] = [];
  /** Every event, usage and system, by id. */
  readonly byId = new Map<string, EventRecord>();
  /** Usage events by external id: deduplication, and parents named by their external id. */
  readonly byExternalId = new Map<string, UsageEventRecord>();
  /** Usage events whose `parent_id` named no event yet, by that reference. */
  readonly waitingForParent = new Map<string, UsageEventRecord[]>();
  /** Positions of the events that count for each customer (by customer_id or resolved external id). */
  readonly byCustomer = new Map<string, number[]>();
  /** Positions of the events ingested with each `external_customer_id`, resolved or not. */
  readonly byExternalCustomerId = new Map<string, number[]>();
  /** The running aggregation of each customer meter (by customer meter id). */
  readonly aggregates = new Map<string, Aggregate>();
  /** How many times an event found its parent: what the store lists may have grown in the middle. */
  links = 0;

  /** Appends a usage event and indexes it; returns its position. */
  append(event: UsageEventRecord): number {
    this.byId.set(event.id, event);
    if (event.external_id !== null) this.byExternalId.set(event.external_id, event);
    if (event.pending_parent !== null) this.wait(event);
    return this.events.push(event) - 1;
  }

  appendSystem(event: SystemEventRecord): void {
    this.byId.set(event.id, event);
    this.systemEvents.push(event);
  }

  /** Marks a usage event as waiting for the parent its `pending_parent` names. */
  wait(event: UsageEventRecord): void {
    if (event.pending_parent === null) return;
    const waiting = this.waitingForParent.get(event.pending_parent);
    if (waiting) waiting.push(event);
    else this.waitingForParent.set(event.pending_parent, [event]);
  }
}

declare module "../context.js" {
  interface PartitionTables {
    usage: UsageTable;
  }
}
