/** How a snapshot document holds customers. */
import {
  boolean,
  type Decoder,
  date,
  id,
  literal,
  metadata,
  nullable,
  nullableDate,
  nullableString,
  problem,
  record,
  string,
} from "../../domain/decode.js";
import type { Address, CustomerRecord } from "./table.js";
import { TAX_ID_FORMATS, type TaxIdFormat } from "./tax-id.js";

const country: Decoder<Address["country"]> = (value, path, problems) => {
  if (typeof value === "string" && /^[A-Z]{2}$/.test(value)) return value as Address["country"];
  problems.push(problem(path, "value_error", "Input should be a two-letter country code", value));
  return value as Address["country"];
};

export const address = record<Address>({
  line1: nullableString,
  line2: nullableString,
  postal_code: nullableString,
  city: nullableString,
  state: nullableString,
  country,
});

const taxIdFormat = literal(TAX_ID_FORMATS);

export const taxId: Decoder<[string, TaxIdFormat]> = (value, path, problems) => {
  if (Array.isArray(value) && value.length === 2) {
    return [string(value[0], [...path, 0], problems), taxIdFormat(value[1], [...path, 1], problems)];
  }
  problems.push(problem(path, "value_error", "Input should be [number, format]", value));
  return ["", "us_ein"];
};

export const customerDecoder = record<CustomerRecord>({
  id,
  organization_id: id,
  type: literal(["individual", "team"]),
  email: nullableString,
  email_verified: boolean,
  name: nullableString,
  billing_name: nullableString,
  billing_address: nullable(address),
  tax_id: nullable(taxId),
  locale: nullableString,
  external_id: nullableString,
  metadata,
  default_payment_method_id: nullableString,
  created_at: date,
  modified_at: nullableDate,
  deleted_at: nullableDate,
  first_user_event_at: nullableDate,
});

declare module "../context.js" {
  interface DecodedSections {
    customers: CustomerRecord[];
  }
}
