/** Benefits as each organization holds them. */
import type { Schemas } from "../../domain/wire.js";
import type { Metadata } from "../../store/store.js";
import { Table } from "../../store/table.js";

export type BenefitType = Schemas["BenefitType"];

interface BenefitFields {
  id: string;
  organization_id: string;
  created_at: Date;
  modified_at: Date | null;
  description: string;
  selectable: boolean;
  deletable: boolean;
  is_deleted: boolean;
  visibility: Schemas["BenefitVisibility"];
  metadata: Metadata;
}

/** The public properties of a benefit of this type, as its wire type has them. */
export type BenefitProperties<T extends BenefitType> = Extract<Schemas["Benefit"], { type: T }>["properties"];

/** A benefit, told apart by its type, with that type's properties. */
export type BenefitRecord = {
  [T in BenefitType]: BenefitFields & { type: T; properties: BenefitProperties<T> };
}[BenefitType];

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
