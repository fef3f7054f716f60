/** How a snapshot document holds an organization's settings. */
import {
  array,
  boolean,
  type Decoder,
  jsonObject,
  literal,
  nullable,
  nullableDate,
  nullableString,
  record,
  string,
} from "../../domain/decode.js";
import type { OrganizationProfile } from "./table.js";

const PLATFORMS = [
  "x",
  "github",
  "facebook",
  "instagram",
  "youtube",
  "tiktok",
  "linkedin",
  "threads",
  "discord",
  "other",
] as const;

/** A settings object as the API validated it: kept as the JSON it is. */
function settings<T>(): Decoder<T> {
  return (value, path, problems) => jsonObject(value, path, problems) as T;
}

export const organizationProfileDecoder = record<OrganizationProfile>({
  modified_at: nullableDate,
  onboarded_at: nullableDate,
  avatar_url: nullableString,
  email: nullableString,
  website: nullableString,
  socials: array(record({ platform: literal(PLATFORMS), url: string })),
  details: jsonObject,
  country: nullableString,
  feature_settings: jsonObject,
  subscription_settings: settings(),
  customer_email_settings: settings(),
  customer_portal_settings: settings(),
  dispute_settings: record({
    auto_accept_below_amount: nullable((value, path, problems) => {
      if (typeof value === "number" && Number.isSafeInteger(value)) return value;
      problems.push({ path, type: "int_type", msg: "Input should be a valid integer", input: value });
      return 0;
    }),
  }),
  embed_hosts: array(string),
  default_presentment_currency: string,
  default_tax_behavior: literal(["location", "inclusive", "exclusive"] as const),
  sso_enforced: boolean,
});

declare module "../context.js" {
  interface DecodedSections {
    organization_profile: OrganizationProfile;
  }
}
