/** How a snapshot document holds benefits. */
import {
  boolean,
  type Decoder,
  date,
  id,
  jsonObject,
  literal,
  metadata,
  nullableDate,
  record,
  string,
  visibility,
} from "../../domain/decode.js";
import type { BenefitRecord } from "./table.js";

/** A benefit as a snapshot holds it: its properties are those its type's wire shape has. */
type StoredBenefit = Omit<BenefitRecord, "type" | "properties"> & {
  type: BenefitRecord["type"];
  properties: Record<string, unknown>;
};

const storedBenefit = record<StoredBenefit>({
  id,
  organization_id: id,
  created_at: date,
  modified_at: nullableDate,
  type: literal([
    "custom",
    "discord",
    "github_repository",
    "downloadables",
    "license_keys",
    "meter_credit",
    "feature_flag",
    "slack_shared_channel",
  ]),
  description: string,
  selectable: boolean,
  deletable: boolean,
  is_deleted: boolean,
  visibility,
  metadata,
  properties: jsonObject,
});

/** The properties are kept as the emulator wrote them (JSON of its own records), not checked field by field. */
export const benefitDecoder: Decoder<BenefitRecord> = (value, path, problems) =>
  storedBenefit(value, path, problems) as BenefitRecord;

declare module "../context.js" {
  interface DecodedSections {
    benefits: BenefitRecord[];
  }
}
