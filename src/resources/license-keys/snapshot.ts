/** How a snapshot document holds license keys and their activations. */
import {
  date,
  id,
  integer,
  literal,
  metadata,
  nullableDate,
  nullableInteger,
  nullableString,
  record,
  string,
} from "../../domain/decode.js";
import type { ActivationRecord, LicenseKeyRecord } from "./table.js";

export const licenseKeyDecoder = record<LicenseKeyRecord>({
  id,
  organization_id: id,
  customer_id: id,
  member_id: nullableString,
  benefit_id: id,
  key: string,
  status: literal(["granted", "revoked", "disabled"]),
  limit_activations: nullableInteger,
  usage: integer,
  limit_usage: nullableInteger,
  validations: integer,
  last_validated_at: nullableDate,
  expires_at: nullableDate,
  created_at: date,
  modified_at: nullableDate,
});

export const activationDecoder = record<ActivationRecord>({
  id,
  organization_id: id,
  license_key_id: id,
  label: string,
  conditions: metadata,
  meta: metadata,
  created_at: date,
  modified_at: nullableDate,
  deleted_at: nullableDate,
});

declare module "../context.js" {
  interface DecodedSections {
    license_keys: LicenseKeyRecord[];
    license_key_activations: ActivationRecord[];
  }
}
