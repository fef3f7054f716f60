/** How a snapshot document holds subscriptions. */
import {
  array,
  boolean,
  type Decoder,
  date,
  id,
  integer,
  interval,
  jsonObject,
  literal,
  metadata,
  nullable,
  nullableDate,
  nullableInteger,
  nullableString,
  problem,
  record,
  string,
} from "../../domain/decode.js";
import type { SubscriptionMeterRecord, SubscriptionRecord } from "./table.js";

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

export const subscriptionDecoder = record<SubscriptionRecord>({
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

declare module "../context.js" {
  interface DecodedSections {
    subscriptions: SubscriptionRecord[];
  }
}
