/** How a snapshot document holds usage events and their indices. */
import {
  array,
  date,
  dictionary,
  extendedNumber,
  id,
  integer,
  jsonObject,
  nullableString,
  number,
  record,
  set,
  string,
} from "../../domain/decode.js";
import type { Aggregate, UsageEventRecord } from "./table.js";

/** The usage indices as a snapshot holds them. */
export interface UsageIndex {
  events_by_customer: Map<string, number[]>;
  events_by_external_customer_id: Map<string, number[]>;
  customer_meter_aggregates: Map<string, Aggregate>;
}

export const usageEventDecoder = record<UsageEventRecord>({
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
    usage_index: UsageIndex;
  }
}
