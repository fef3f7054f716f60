/** Benefits as each organization holds them. */
import type { Schemas } from "../../domain/wire.js";
import type { Metadata } from "../../store/store.js";
import { Table } from "../../store/table.js";

export type BenefitType = Schemas["BenefitType"];

export interface BenefitRecord {
  id: string;
  organization_id: string;
  created_at: Date;
  modified_at: Date | null;
  type: BenefitType;
  description: string;
  selectable: boolean;
  deletable: boolean;
  is_deleted: boolean;
  visibility: Schemas["BenefitVisibility"];
  metadata: Metadata;
  /** The benefit's public properties, exactly as its wire type has them. */
  properties: Record<string, unknown>;
}

export class BenefitTable extends Table<BenefitRecord> {
  /** A benefit that is not deleted. */
  live(id: string): BenefitRecord | undefined {
    const benefit = this.get(id);
    return benefit && !benefit.is_deleted ? benefit : undefined;
  }
}

declare module "../context.js" {
  interface PartitionTables {
    benefits: BenefitTable;
  }
}
