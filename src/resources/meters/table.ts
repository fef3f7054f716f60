/** Meters (an event filter and an aggregation) as each organization holds them. */
import type { Schemas } from "../../domain/wire.js";
import type { Metadata } from "../../store/store.js";
import { Table } from "../../store/table.js";

export type FilterOperator = Schemas["FilterOperator"];

export interface FilterClauseRecord {
  property: string;
  operator: FilterOperator;
  value: string | number | boolean;
}

export interface FilterRecord {
  conjunction: Schemas["FilterConjunction"];
  clauses: (FilterClauseRecord | FilterRecord)[];
}

export type AggregationRecord =
  | { func: "count" }
  | { func: "sum" | "max" | "min" | "avg"; property: string }
  | { func: "unique"; property: string };

export interface MeterRecord {
  id: string;
  organization_id: string;
  created_at: Date;
  modified_at: Date | null;
  name: string;
  unit: Schemas["MeterUnit"];
  custom_label: string | null;
  custom_multiplier: number | null;
  filter: FilterRecord;
  aggregation: AggregationRecord;
  metadata: Metadata;
  archived_at: Date | null;
}

export class MeterTable extends Table<MeterRecord> {
  /** Meters that are not archived, in creation order. */
  live(): MeterRecord[] {
    return [...this.values()].filter((meter) => meter.archived_at === null);
  }
}

declare module "../context.js" {
  interface PartitionTables {
    meters: MeterTable;
  }
}
