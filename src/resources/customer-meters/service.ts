/**
 * Customer meters: a customer's consumed units on a meter (the meter's aggregation over the
 * customer's usage events since the last reset, src/resources/events) and credited units (from
 * meter-credit benefits and the control plane), `balance = credited − consumed`
 * (customer_meter/service.py). A customer meter starts the first time one of the customer's events
 * matches its meter (or when asked for); Polar's `update_customer` then makes a row for every
 * non-archived meter of the organization, zeros included.
 */
import { ResourceNotFound } from "../../errors.js";
import type { Ctx, Partition } from "../context.js";
import type { CustomerRecord } from "../customers/table.js";
import { meterCreditedMetadata, meterResetMetadata, recordSystemEvent } from "../events/system.js";
import type { Aggregate } from "../events/table.js";
import { aggregateEvent, aggregateValue, emptyAggregate } from "../meters/filter.js";
import type { MeterRecord } from "../meters/table.js";
import type { CustomerMeterRecord } from "./table.js";

/** The first position in the ascending `list` that is ≥ `value`. */
function lowerBound(list: readonly number[], value: number): number {
  let low = 0;
  let high = list.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (list[middle] < value) low = middle + 1;
    else high = middle;
  }
  return low;
}

function meterOf(partition: Partition, meterId: string): MeterRecord {
  const meter = partition.meters.get(meterId);
  if (!meter) throw new Error(`[polar-emulator] unknown meter ${meterId} in ${partition.organization.id}`);
  return meter;
}

/** Aggregates the customer's events from `consumed_since` on, from scratch. */
export function recompute(
  partition: Partition,
  customerMeter: CustomerMeterRecord,
  meter: MeterRecord,
): Aggregate {
  const state = emptyAggregate();
  const positions = partition.usage.byCustomer.get(customerMeter.customer_id) ?? [];
  for (let i = lowerBound(positions, customerMeter.consumed_since); i < positions.length; i++) {
    aggregateEvent(meter, state, partition.usage.events[positions[i]]);
  }
  partition.usage.aggregates.set(customerMeter.id, state);
  customerMeter.consumed_units = aggregateValue(meter.aggregation, state);
  return state;
}

/**
 * A new customer meter, its consumed units computed over the customer's events. Polar inserts it,
 * then writes the units when the customer has a matching event: that write stamps `modified_at`.
 */
export function createCustomerMeter(
  ctx: Ctx,
  partition: Partition,
  customer: CustomerRecord,
  meter: MeterRecord,
): CustomerMeterRecord {
  const now = ctx.clock.now();
  const customerMeter: CustomerMeterRecord = {
    id: ctx.random.uuid(),
    organization_id: partition.organization.id,
    customer_id: customer.id,
    meter_id: meter.id,
    created_at: now,
    modified_at: null,
    consumed_units: 0,
    credited_units: 0,
    consumed_since: 0,
  };
  const state = recompute(partition, customerMeter, meter);
  if (state.matched > 0) customerMeter.modified_at = now;
  partition.customerMeters.insert(customerMeter);
  return customerMeter;
}

/**
 * Polar's `update_customer` walks every live meter of the organization and gives the customer a
 * row for each (zero units when no event matches), in the meters' creation order: a customer who
 * has usage or credits sees all the organization's meters in its state.
 */
export function materializeMeters(
  ctx: Ctx,
  partition: Partition,
  customer: CustomerRecord,
  meters: readonly MeterRecord[] = partition.meters.live(),
): (CustomerMeterRecord | undefined)[] {
  return meters.map(
    (meter) =>
      partition.customerMeters.find(customer.id, meter.id) ??
      createCustomerMeter(ctx, partition, customer, meter),
  );
}

/**
 * The customer's meter for `meterId`, created (zero units) when it does not exist yet, together
 * with the customer's rows for every other live meter, as Polar's `update_customer` does. No events.
 */
export function customerMeterFor(ctx: Ctx, customer: CustomerRecord, meterId: string): CustomerMeterRecord {
  const partition = ctx.store.partition(customer.organization_id);
  const existing = partition.customerMeters.find(customer.id, meterId);
  if (existing) return existing;
  materializeMeters(ctx, partition, customer);
  return (
    partition.customerMeters.find(customer.id, meterId) ??
    createCustomerMeter(ctx, partition, customer, meterOf(partition, meterId))
  );
}

/**
 * Adds credited units (the running sum never goes below 0), recorded as Polar's `meter.credited`
 * system event (`rollover`: units carried over from the last period). No webhooks: the caller
 * emits them.
 */
export function creditCustomerMeter(
  ctx: Ctx,
  customer: CustomerRecord,
  meterId: string,
  units: number,
  rollover = false,
): CustomerMeterRecord {
  const credited = Math.trunc(units);
  recordSystemEvent(ctx, customer, "meter.credited", meterCreditedMetadata(meterId, credited, rollover));
  const customerMeter = customerMeterFor(ctx, customer, meterId);
  customerMeter.credited_units = Math.max(0, customerMeter.credited_units + credited);
  customerMeter.modified_at = ctx.clock.now();
  return customerMeter;
}

/**
 * Starts the meter over: consumed counts only events ingested from now on, credited is 0; recorded
 * as Polar's `meter.reset` system event. No webhooks.
 */
export function resetCustomerMeter(ctx: Ctx, customer: CustomerRecord, meterId: string): CustomerMeterRecord {
  recordSystemEvent(ctx, customer, "meter.reset", meterResetMetadata(meterId));
  const partition = ctx.store.partition(customer.organization_id);
  const customerMeter = customerMeterFor(ctx, customer, meterId);
  customerMeter.consumed_since = partition.usage.events.length;
  customerMeter.consumed_units = 0;
  customerMeter.credited_units = 0;
  customerMeter.modified_at = ctx.clock.now();
  partition.usage.aggregates.set(customerMeter.id, emptyAggregate());
  return customerMeter;
}

/** A customer meter of the organization by id, or 404. */
export function getCustomerMeter(ctx: Ctx, organizationId: string, id: string): CustomerMeterRecord {
  const customerMeter = ctx.store.partitions.get(organizationId)?.customerMeters.get(id);
  if (!customerMeter) throw new ResourceNotFound();
  return customerMeter;
}
