/**
 * The decoder of a snapshot document: one table per record type of the store, each naming every
 * field of the record's type (a field added to the store without a decoder is a type error), so a
 * snapshot reads back into exactly the records it was written from.
 */
import type {
  Address,
  BenefitRecord,
  CustomerMeterRecord,
  CustomerRecord,
  FilterRecord,
  GrantRecord,
  MeterRecord,
  Organization,
  OrganizationPartition,
  PriceRecord,
  ProductRecord,
  SubscriptionMeterRecord,
  SubscriptionRecord,
  UsageEventRecord,
} from "../store/store.js";
import { isObject } from "../util/is-object.js";
import {
  array,
  boolean,
  type Decoder,
  date,
  dictionary,
  extendedNumber,
  type Fields,
  integer,
  jsonObject,
  literal,
  metadata,
  nullable,
  number,
  type Path,
  problem,
  record,
  set,
  string,
  variants,
} from "./decode.js";
import type { KeyRegistry } from "./plan.js";

/** The format marker and version of a snapshot document. */
export const SNAPSHOT_FORMAT = "polar_emulator_snapshot";
export const SNAPSHOT_VERSION = 1;

const id = string;
const nullableString = nullable(string);
const nullableDate = nullable(date);
const nullableInteger = nullable(integer);
const interval = literal(["day", "week", "month", "year"]);
const visibility = literal(["draft", "private", "public"]);

const country: Decoder<Address["country"]> = (value, path, problems) => {
  if (typeof value === "string" && /^[A-Z]{2}$/.test(value)) return value as Address["country"];
  problems.push(problem(path, "value_error", "Input should be a two-letter country code", value));
  return value as Address["country"];
};

const address = record<Address>({
  line1: nullableString,
  line2: nullableString,
  postal_code: nullableString,
  city: nullableString,
  state: nullableString,
  country,
});

const taxId: Decoder<[string, string]> = (value, path, problems) => {
  if (Array.isArray(value) && value.length === 2 && value.every((part) => typeof part === "string")) {
    return [value[0], value[1]];
  }
  problems.push(problem(path, "value_error", "Input should be [number, format]", value));
  return ["", ""];
};

const customer = record<CustomerRecord>({
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

const priceCommon: Fields<
  Pick<
    PriceRecord,
    | "id"
    | "product_id"
    | "created_at"
    | "modified_at"
    | "source"
    | "price_currency"
    | "tax_behavior"
    | "is_archived"
  >
> = {
  id,
  product_id: id,
  created_at: date,
  modified_at: nullableDate,
  source: literal(["catalog", "ad_hoc"]),
  price_currency: string,
  tax_behavior: nullable(literal(["location", "inclusive", "exclusive"])),
  is_archived: boolean,
};

type PriceOf<T extends PriceRecord["amount_type"]> = Extract<PriceRecord, { amount_type: T }>;

const price = variants<PriceRecord>("amount_type", {
  fixed: record<PriceOf<"fixed">>({ ...priceCommon, amount_type: literal(["fixed"]), price_amount: integer }),
  custom: record<PriceOf<"custom">>({
    ...priceCommon,
    amount_type: literal(["custom"]),
    minimum_amount: integer,
    maximum_amount: nullableInteger,
    preset_amount: nullableInteger,
  }),
  seat_based: record<PriceOf<"seat_based">>({
    ...priceCommon,
    amount_type: literal(["seat_based"]),
    seat_tiers: record<PriceOf<"seat_based">["seat_tiers"]>({
      seat_tier_type: literal(["volume", "graduated"]),
      tiers: array(
        record<PriceOf<"seat_based">["seat_tiers"]["tiers"][number]>({
          min_seats: integer,
          max_seats: nullableInteger,
          price_per_seat: integer,
        }),
      ),
      minimum_seats: integer,
      maximum_seats: nullableInteger,
    }),
  }),
  metered_unit: record<PriceOf<"metered_unit">>({
    ...priceCommon,
    amount_type: literal(["metered_unit"]),
    unit_amount: string,
    cap_amount: nullableInteger,
    meter_id: id,
  }),
});

const product = record<ProductRecord>({
  id,
  organization_id: id,
  created_at: date,
  modified_at: nullableDate,
  name: string,
  description: nullableString,
  visibility,
  recurring_interval: nullable(interval),
  recurring_interval_count: nullableInteger,
  trial_interval: nullable(interval),
  trial_interval_count: nullableInteger,
  meter_interval: nullable(interval),
  meter_interval_count: nullableInteger,
  is_archived: boolean,
  metadata,
  prices: array(price),
  benefit_ids: array(id),
});

const benefit = record<BenefitRecord>({
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

const subscriptionMeter = record<SubscriptionMeterRecord>({
  id,
  meter_id: id,
  created_at: date,
  modified_at: nullableDate,
});

const customFieldData: Decoder<SubscriptionRecord["custom_field_data"]> = (value, path, problems) => {
  const decoded = jsonObject(value, path, problems) ?? {};
  for (const [key, item] of Object.entries(decoded)) {
    if (item !== null && !["string", "number", "boolean"].includes(typeof item)) {
      problems.push(
        problem([...path, key], "value_error", "Input should be a string, number, boolean or null", item),
      );
    }
  }
  return decoded as SubscriptionRecord["custom_field_data"];
};

const subscription = record<SubscriptionRecord>({
  id,
  organization_id: id,
  customer_id: id,
  product_id: id,
  price_ids: array(id),
  created_at: date,
  modified_at: nullableDate,
  amount: integer,
  currency: string,
  recurring_interval: interval,
  recurring_interval_count: integer,
  anchor_day: integer,
  status: literal([
    "incomplete",
    "incomplete_expired",
    "trialing",
    "active",
    "past_due",
    "canceled",
    "unpaid",
    "paused",
  ]),
  current_period_start: date,
  current_period_end: date,
  current_meter_period_start: nullableDate,
  current_meter_period_end: nullableDate,
  trial_start: nullableDate,
  trial_end: nullableDate,
  cancel_at_period_end: boolean,
  canceled_at: nullableDate,
  started_at: nullableDate,
  ends_at: nullableDate,
  ended_at: nullableDate,
  past_due_at: nullableDate,
  pause_at_period_end: boolean,
  paused_at: nullableDate,
  resumes_at: nullableDate,
  discount_id: nullableString,
  checkout_id: nullableString,
  seats: nullableInteger,
  customer_cancellation_reason: nullable(
    literal([
      "customer_service",
      "low_quality",
      "missing_features",
      "switched_service",
      "too_complex",
      "too_expensive",
      "unused",
      "other",
    ]),
  ),
  customer_cancellation_comment: nullableString,
  metadata,
  custom_field_data: customFieldData,
  meters: array(subscriptionMeter),
});

const grant = record<GrantRecord>({
  id,
  organization_id: id,
  customer_id: id,
  benefit_id: id,
  subscription_id: nullableString,
  order_id: nullableString,
  member_id: nullableString,
  created_at: date,
  modified_at: nullableDate,
  granted_at: nullableDate,
  revoked_at: nullableDate,
  properties: jsonObject,
});

const OPERATORS = ["eq", "ne", "gt", "gte", "lt", "lte", "like", "not_like"];

/** A meter filter: clauses and nested filters, checked all the way down. */
const filter: Decoder<FilterRecord> = (value, path, problems) => {
  const bad = (at: Path, msg: string, input: unknown): void => {
    problems.push(problem(at, "value_error", msg, input));
  };
  const check = (node: unknown, at: Path, depth: number): void => {
    if (depth > 32) {
      bad(at, "Filters nest at most 32 levels", node);
      return;
    }
    if (!isObject(node)) {
      bad(at, "Input should be a filter or a clause", node);
      return;
    }
    if ("clauses" in node) {
      if (node.conjunction !== "and" && node.conjunction !== "or")
        bad([...at, "conjunction"], "Input should be 'and' or 'or'", node.conjunction);
      if (!Array.isArray(node.clauses)) {
        bad([...at, "clauses"], "Input should be a valid list", node.clauses);
        return;
      }
      node.clauses.forEach((clause, index) => {
        check(clause, [...at, "clauses", index], depth + 1);
      });
      return;
    }
    if (typeof node.property !== "string")
      bad([...at, "property"], "Input should be a valid string", node.property);
    if (typeof node.operator !== "string" || !OPERATORS.includes(node.operator))
      bad([...at, "operator"], `Input should be one of ${OPERATORS.join(", ")}`, node.operator);
    if (!["string", "number", "boolean"].includes(typeof node.value))
      bad([...at, "value"], "Input should be a string, number or boolean", node.value);
  };
  check(value, path, 0);
  if (isObject(value) && !("clauses" in value))
    bad(path, "Input should be a filter (conjunction and clauses)", value);
  return structuredClone(value) as FilterRecord;
};

const aggregation: Decoder<MeterRecord["aggregation"]> = (value, path, problems) => {
  const func = isObject(value) ? value.func : undefined;
  if (func === "count") return { func: "count" };
  if (func === "sum" || func === "max" || func === "min" || func === "avg" || func === "unique") {
    const property = string(isObject(value) ? value.property : undefined, [...path, "property"], problems);
    return { func, property };
  }
  problems.push(
    problem(
      [...path, "func"],
      "enum",
      "Input should be 'count', 'sum', 'max', 'min', 'avg' or 'unique'",
      func,
    ),
  );
  return { func: "count" };
};

const meter = record<MeterRecord>({
  id,
  organization_id: id,
  created_at: date,
  modified_at: nullableDate,
  name: string,
  unit: literal(["scalar", "token", "custom"]),
  custom_label: nullableString,
  custom_multiplier: nullable(number),
  filter,
  aggregation,
  metadata,
  archived_at: nullableDate,
});

const customerMeter = record<CustomerMeterRecord>({
  id,
  organization_id: id,
  customer_id: id,
  meter_id: id,
  created_at: date,
  modified_at: nullableDate,
  consumed_units: number,
  credited_units: number,
  consumed_since: integer,
});

const usageEvent = record<UsageEventRecord>({
  id,
  organization_id: id,
  name: string,
  timestamp: date,
  customer_id: nullableString,
  external_customer_id: nullableString,
  external_id: nullableString,
  metadata: jsonObject,
  ingested_at: date,
});

type Aggregate = OrganizationPartition["customerMeterAggregates"] extends Map<string, infer V> ? V : never;

const aggregate = record<Aggregate>({
  matched: number,
  sum: extendedNumber,
  max: extendedNumber,
  min: extendedNumber,
  distinct: set(string),
});

const organization = record<Organization>({ id, name: string, slug: string, created_at: date });

export interface TokenDocument {
  token: string;
  scopes: string[];
  comment: string;
}

const token = record<TokenDocument>({
  token: (value, path, problems) => {
    if (typeof value === "string" && /^polar_oat_[A-Za-z0-9]{43}$/.test(value)) return value;
    problems.push(
      problem(path, "value_error", "Input should be polar_oat_ followed by 43 letters or digits", value),
    );
    return "";
  },
  scopes: array(string),
  comment: string,
});

interface UsageIndex {
  events_by_customer: Map<string, number[]>;
  events_by_external_customer_id: Map<string, number[]>;
  customer_meter_aggregates: Map<string, Aggregate>;
}

/** A snapshot read back: every record, typed, ready to insert. */
export interface DecodedSnapshot {
  organization: Organization;
  tokens: TokenDocument[];
  meters: MeterRecord[];
  benefits: BenefitRecord[];
  products: ProductRecord[];
  customers: CustomerRecord[];
  subscriptions: SubscriptionRecord[];
  benefit_grants: GrantRecord[];
  customer_meters: CustomerMeterRecord[];
  events: UsageEventRecord[];
  usage_index: UsageIndex;
  /** The fixture keys of the organization (`pro` → the product's id). */
  keys: KeyRegistry;
}

/** A whole snapshot document. */
export const snapshotDocument = record<DecodedSnapshot & { [SNAPSHOT_FORMAT]: number }>({
  [SNAPSHOT_FORMAT]: literal([SNAPSHOT_VERSION]),
  organization,
  tokens: array(token),
  meters: array(meter),
  benefits: array(benefit),
  products: array(product),
  customers: array(customer),
  subscriptions: array(subscription),
  benefit_grants: array(grant),
  customer_meters: array(customerMeter),
  events: array(usageEvent),
  usage_index: record<UsageIndex>({
    events_by_customer: dictionary(array(integer)),
    events_by_external_customer_id: dictionary(array(integer)),
    customer_meter_aggregates: dictionary(aggregate),
  }),
  keys: record<KeyRegistry>({
    meters: dictionary(string),
    benefits: dictionary(string),
    products: dictionary(string),
    customers: dictionary(string),
  }),
});
