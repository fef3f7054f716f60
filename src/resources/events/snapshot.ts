/** How a snapshot document holds usage events and their indices. */
import {
  array,
  type Decoder,
  date,
  dictionary,
  extendedNumber,
  id,
  integer,
  jsonObject,
  literal,
  nullableString,
  number,
  record,
  set,
  string,
} from "../../domain/decode.js";
import { isObject } from "../../util/is-object.js";
import { SYSTEM_EVENT_NAMES } from "./system.js";
import type { Aggregate, SystemEventRecord, UsageEventRecord } from "./table.js";

/** The usage indices as a snapshot holds them. */
export interface UsageIndex {
  events_by_customer: Map<string, number[]>;
  events_by_external_customer_id: Map<string, number[]>;
  customer_meter_aggregates: Map<string, Aggregate>;
}

const strictUsageEventDecoder = record<UsageEventRecord>({
  id,
  organization_id: id,
  name: string,
  timestamp: date,
  customer_id: nullableString,
  external_customer_id: nullableString,
  external_id: nullableString,
  metadata: jsonObject,
  ingested_at: date,
  external_member_id: nullableString,
  parent_id: nullableString,
  pending_parent: nullableString,
});

/** Fields a usage event gained later: a snapshot taken before has none of them (all null). */
const LATER_FIELDS = ["external_member_id", "parent_id", "pending_parent"] as const;

export const usageEventDecoder: Decoder<UsageEventRecord> = (value, path, problems) => {
  if (!isObject(value)) return strictUsageEventDecoder(value, path, problems);
  const filled: Record<string, unknown> = { ...value };
  for (const key of LATER_FIELDS) if (!Object.hasOwn(filled, key)) filled[key] = null;
  return strictUsageEventDecoder(filled, path, problems);
};

export const systemEventDecoder = record<SystemEventRecord>({
  id,
  organization_id: id,
  name: literal(SYSTEM_EVENT_NAMES),
  timestamp: date,
  customer_id: id,
  metadata: jsonObject,
  ingested_at: date,
  recorded_after: integer,
});

export const aggregateDecoder = record<Aggregate>({
  matched: number,
  sum: extendedNumber,
  max: extendedNumber,
  min: extendedNumber,
  distinct: set(string),
});

export const usageIndexDecoder = record<UsageIndex>({
  events_by_customer: dictionary(array(integer)),
  events_by_external_customer_id: dictionary(array(integer)),
  customer_meter_aggregates: dictionary(aggregateDecoder),
});

declare module "../context.js" {
  interface DecodedSections {
    events: UsageEventRecord[];
    system_events: SystemEventRecord[];
    usage_index: UsageIndex;
  }
}
