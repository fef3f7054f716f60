/** How a snapshot document holds benefits. */
import {
  boolean,
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

export const benefitDecoder = record<BenefitRecord>({
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

declare module "../context.js" {
  interface DecodedSections {
    benefits: BenefitRecord[];
  }
}
