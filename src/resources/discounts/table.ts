/**
 * Discounts as each organization holds them (models/discount.py), deleted ones included, with
 * the index of Polar's unique constraint: a code is unique per organization, without case, among
 * discounts that are not deleted (`ix_discounts_code_uniqueness`).
 */
import type { Schemas } from "../../domain/wire.js";
import type { Metadata } from "../../store/store.js";
import { Table } from "../../store/table.js";

export type DiscountType = Schemas["DiscountType"];
export type DiscountDuration = Schemas["DiscountDuration"];
/** Currency → amount in its smallest unit, as the wire's `amounts` has it. */
export type DiscountAmounts = Schemas["DiscountFixedOnceForeverDuration"]["amounts"];

interface DiscountFields {
  id: string;
  organization_id: string;
  created_at: Date;
  modified_at: Date | null;
  deleted_at: Date | null;
  name: string;
  /** As given (stripped); compared without case. */
  code: string | null;
  starts_at: Date | null;
  ends_at: Date | null;
  max_redemptions: number | null;
  max_redemptions_per_customer: number | null;
  duration: DiscountDuration;
  /**
   * Months a repeating discount applies. Polar keeps a value an update sets on a once or forever
   * discount too, though the wire shows it only for a repeating one.
   */
  duration_in_months: number | null;
  /** Checkouts redeem discounts; the emulator has none yet, so only a snapshot sets this. */
  redemptions_count: number;
  metadata: Metadata;
  /** The products it applies to (none: every product), in the order given. */
  product_ids: string[];
}

export type FixedDiscountRecord = DiscountFields & {
  type: Extract<DiscountType, "fixed">;
  /** Keys in the order jsonb keeps them (Polar reads them back so): shorter first, then bytewise. */
  amounts: DiscountAmounts;
};

export type PercentageDiscountRecord = DiscountFields & {
  type: Extract<DiscountType, "percentage">;
  basis_points: number;
};

export type DiscountRecord = FixedDiscountRecord | PercentageDiscountRecord;

/** Polar's `upper(code) = upper(:code)` on both sides. */
export function codeKey(code: string): string {
  return code.toUpperCase();
}

export class DiscountTable extends Table<DiscountRecord> {
  /** Live (not deleted) discounts by upper-cased code. */
  readonly byCode = new Map<string, DiscountRecord>();

  /** A discount that is not deleted. */
  live(id: string): DiscountRecord | undefined {
    const discount = this.get(id);
    return discount && discount.deleted_at === null ? discount : undefined;
  }

  /** Re-indexes a discount after its code changed or it was deleted. */
  reindex(discount: DiscountRecord, codeBefore: string | null): void {
    if (codeBefore !== null && this.byCode.get(codeKey(codeBefore)) === discount)
      this.byCode.delete(codeKey(codeBefore));
    this.indexed(discount);
  }

  protected override indexed(discount: DiscountRecord): void {
    if (discount.deleted_at === null && discount.code !== null)
      this.byCode.set(codeKey(discount.code), discount);
  }
}

declare module "../context.js" {
  interface PartitionTables {
    discounts: DiscountTable;
  }
}
