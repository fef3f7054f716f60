/**
 * Ingested usage events, in ingestion order, with the indices ingestion needs so it never scans
 * every event: positions (indices into `events`, ascending) per customer and per external
 * customer id, the external ids seen (deduplication), and the running aggregation of each
 * customer meter over its events.
 */

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
  /** External ids of ingested events, for deduplication. */
  readonly externalIds = new Set<string>();
  /** Positions of the events that count for each customer (by customer_id or resolved external id). */
  readonly byCustomer = new Map<string, number[]>();
  /** Positions of the events ingested with each `external_customer_id`, resolved or not. */
  readonly byExternalCustomerId = new Map<string, number[]>();
  /** The running aggregation of each customer meter (by customer meter id). */
  readonly aggregates = new Map<string, Aggregate>();

  /** Appends an event and indexes its external id; returns its position. */
  append(event: UsageEventRecord): number {
    if (event.external_id !== null) this.externalIds.add(event.external_id);
    return this.events.push(event) - 1;
  }
}

declare module "../context.js" {
  interface PartitionTables {
    usage: UsageTable;
  }
}
