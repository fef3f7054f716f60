/** The public Meter and CustomerMeter objects, key for key in the spec's order. */
import type { CustomerMeterRecord, MeterRecord, OrganizationPartition } from "../store/store.js";
import { iso, isoOrNull } from "../util/time.js";
import { serializeCustomer } from "./customer-serialize.js";
import type { CustomerMeterWire, CustomerStateMeterWire, MeterWire } from "./wire.js";

export function serializeMeter(meter: MeterRecord): MeterWire {
  return {
    metadata: { ...meter.metadata },
    created_at: iso(meter.created_at),
    modified_at: isoOrNull(meter.modified_at),
    id: meter.id,
    name: meter.name,
    unit: meter.unit,
    custom_label: meter.custom_label,
    custom_multiplier: meter.custom_multiplier,
    filter: structuredClone(meter.filter),
    aggregation: { ...meter.aggregation },
    organization_id: meter.organization_id,
    archived_at: isoOrNull(meter.archived_at),
  } as MeterWire;
}

/** `balance = credited − consumed`, which may go negative. */
export function balanceOf(customerMeter: CustomerMeterRecord): number {
  return customerMeter.credited_units - customerMeter.consumed_units;
}

export function serializeCustomerStateMeter(customerMeter: CustomerMeterRecord): CustomerStateMeterWire {
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
  partition: OrganizationPartition,
  customerMeter: CustomerMeterRecord,
): CustomerMeterWire {
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
