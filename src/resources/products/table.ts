/** Products and their prices as each organization holds them. */
import type { Schemas } from "../../domain/wire.js";
import type { Metadata } from "../../store/store.js";
import { Table } from "../../store/table.js";
import type { RecurringInterval } from "../subscriptions/table.js";

export type Visibility = Schemas["ProductVisibility"];

interface PriceCommon {
  id: string;
  product_id: string;
  created_at: Date;
  modified_at: Date | null;
  source: Schemas["ProductPriceSource"];
  price_currency: string;
  tax_behavior: Schemas["TaxBehaviorOption"] | null;
  is_archived: boolean;
}

export interface FixedPriceRecord extends PriceCommon {
  amount_type: "fixed";
  price_amount: number;
}

export interface CustomPriceRecord extends PriceCommon {
  amount_type: "custom";
  minimum_amount: number;
  maximum_amount: number | null;
  preset_amount: number | null;
}

export interface SeatTierRecord {
  min_seats: number;
  max_seats: number | null;
  price_per_seat: number;
}

export interface SeatBasedPriceRecord extends PriceCommon {
  amount_type: "seat_based";
  seat_tiers: {
    seat_tier_type: Schemas["SeatTierType"];
    tiers: SeatTierRecord[];
    minimum_seats: number;
    maximum_seats: number | null;
  };
}

export interface MeteredUnitPriceRecord extends PriceCommon {
  amount_type: "metered_unit";
  /** A decimal as text, as Polar sends it (`"0.5"`). */
  unit_amount: string;
  cap_amount: number | null;
  meter_id: string;
}

export type PriceRecord =
  | FixedPriceRecord
  | CustomPriceRecord
  | SeatBasedPriceRecord
  | MeteredUnitPriceRecord;

export interface ProductRecord {
  id: string;
  organization_id: string;
  created_at: Date;
  modified_at: Date | null;
  name: string;
  description: string | null;
  visibility: Visibility;
  /** Null for a one-time product. */
  recurring_interval: RecurringInterval | null;
  recurring_interval_count: number | null;
  trial_interval: RecurringInterval | null;
  trial_interval_count: number | null;
  meter_interval: RecurringInterval | null;
  meter_interval_count: number | null;
  is_archived: boolean;
  metadata: Metadata;
  prices: PriceRecord[];
  /** Attached benefits, in order. */
  benefit_ids: string[];
}

export class ProductTable extends Table<ProductRecord> {}

declare module "../context.js" {
  interface PartitionTables {
    products: ProductTable;
  }
}
