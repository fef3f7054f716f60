/** The public CustomerMeter object and a customer state's meter, key for key in the spec's order. */
import type { Schemas } from "../../domain/wire.js";
import { iso, isoOrNull } from "../../util/time.js";
import type { Partition } from "../context.js";
import { serializeCustomer } from "../customers/serialize.js";
import { serializeMeter } from "../meters/serialize.js";
import type { CustomerMeterRecord } from "./table.js";

/** `balance = credited − consumed`, which may go negative. */
export function balanceOf(customerMeter: CustomerMeterRecord): number {
  return customerMeter.credited_units - customerMeter.consumed_units;
}

export function serializeCustomerStateMeter(
  customerMeter: CustomerMeterRecord,
): Schemas["CustomerStateMeter"] {
  return {
    id: customerMeter.id,
    created_at: iso(customerMeter.created_at),
    modified_at: isoOrNull(customerMeter.modified_at),
    meter_id: customerMeter.meter_id,
    consumed_units: customerMeter.consumed_units,
    credited_units: customerMeter.credited_units,
    balance: balanceOf(customerMeter),
  };
}

export function serializeCustomerMeter(
  partition: Partition,
  customerMeter: CustomerMeterRecord,
): Schemas["CustomerMeter"] {
  const customer = partition.customers.get(customerMeter.customer_id);
  const meter = partition.meters.get(customerMeter.meter_id);
  if (!customer || !meter) {
    throw new Error(`[polar-emulator] customer meter ${customerMeter.id} points at a missing object`);
  }
  return {
    id: customerMeter.id,
    created_at: iso(customerMeter.created_at),
    modified_at: isoOrNull(customerMeter.modified_at),
    customer_id: customerMeter.customer_id,
    meter_id: customerMeter.meter_id,
    consumed_units: customerMeter.consumed_units,
    credited_units: customerMeter.credited_units,
    balance: balanceOf(customerMeter),
    customer: serializeCustomer(customer),
    meter: serializeMeter(meter),
  };
}
