/**
 * License keys and their activations as each organization holds them (models/license_key.py,
 * license_key_activation.py): a key is unique per organization; deactivated activations are kept,
 * marked deleted.
 */
import type { Schemas } from "../../domain/wire.js";
import type { Metadata } from "../../store/store.js";
import { CustomerRowsTable, Groups, Table } from "../../store/table.js";

export type LicenseKeyStatus = Schemas["LicenseKeyStatus"];

export interface LicenseKeyRecord {
  id: string;
  organization_id: string;
  customer_id: string;
  member_id: string | null;
  benefit_id: string;
  key: string;
  status: LicenseKeyStatus;
  limit_activations: number | null;
  usage: number;
  limit_usage: number | null;
  validations: number;
  last_validated_at: Date | null;
  expires_at: Date | null;
  created_at: Date;
  modified_at: Date | null;
}

export interface ActivationRecord {
  id: string;
  organization_id: string;
  license_key_id: string;
  label: string;
  conditions: Metadata;
  meta: Metadata;
  created_at: Date;
  modified_at: Date | null;
  deleted_at: Date | null;
}

export class LicenseKeyTable extends CustomerRowsTable<LicenseKeyRecord> {
  /** Keys by their text (`UniqueConstraint("organization_id", "key")`). */
  readonly byKey = new Map<string, LicenseKeyRecord>();

  /** Gives a key another text (a fixture's own key). */
  rekey(row: LicenseKeyRecord, key: string): void {
    if (this.byKey.get(row.key) === row) this.byKey.delete(row.key);
    row.key = key;
    this.byKey.set(key, row);
  }

  protected override indexed(row: LicenseKeyRecord): void {
    super.indexed(row);
    this.byKey.set(row.key, row);
  }
}

export class ActivationTable extends Table<ActivationRecord> {
  private readonly byKey = new Groups<ActivationRecord>();

  /** A license key's activations that are not deactivated, in creation order. */
  liveOf(licenseKeyId: string): ActivationRecord[] {
    return this.byKey.of(licenseKeyId).filter((activation) => activation.deleted_at === null);
  }

  protected override indexed(row: ActivationRecord): void {
    this.byKey.add(row.license_key_id, row);
  }
}

declare module "../context.js" {
  interface PartitionTables {
    licenseKeys: LicenseKeyTable;
    licenseKeyActivations: ActivationTable;
  }
}
