/** How a snapshot document holds customer meters. */
import { date, id, integer, nullableDate, number, record } from "../../domain/decode.js";
import type { CustomerMeterRecord } from "./table.js";

export const customerMeterDecoder = record<CustomerMeterRecord>({
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

declare module "../context.js" {
  interface DecodedSections {
    customer_meters: CustomerMeterRecord[];
  }
}
