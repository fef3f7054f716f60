/**
 * Usage: ingested events, and the customer meters they move (consumed units), together with
 * credits from meter-credit benefits (credited units). `balance = credited − consumed`.
 */
import type { CustomerMeterRecord, CustomerRecord } from "../store/store.js";
import type { DomainContext } from "./context.js";
import type { EventsIngestBody } from "./wire.js";

/**
 * Ingests a batch: all or nothing. Duplicates (an `external_id` already seen) are skipped and
 * counted. Moves the customer meters of every customer the batch concerns and emits one
 * `customer.state_changed` per customer whose meters changed.
 */
export function ingestEvents(
  _ctx: DomainContext,
  _organizationId: string,
  _events: EventsIngestBody["events"],
): { inserted: number; duplicates: number } {
  throw new Error("not implemented yet");
}

/** The customer's meter for `meterId`, created (zero units) when it does not exist yet. No events. */
export function customerMeterFor(
  _ctx: DomainContext,
  _customer: CustomerRecord,
  _meterId: string,
): CustomerMeterRecord {
  throw new Error("not implemented yet");
}

/** Adds credited units (the running sum never goes below 0). No events: the caller emits them. */
export function creditCustomerMeter(
  _ctx: DomainContext,
  _customer: CustomerRecord,
  _meterId: string,
  _units: number,
): CustomerMeterRecord {
  throw new Error("not implemented yet");
}

/** Starts the meter over: consumed counts only events ingested from now on, credited is 0. No events. */
export function resetCustomerMeter(
  _ctx: DomainContext,
  _customer: CustomerRecord,
  _meterId: string,
): CustomerMeterRecord {
  throw new Error("not implemented yet");
}

/**
 * Events ingested with an `external_customer_id` before a customer had it belong to that
 * customer once it does: called when a customer gets an external id. Moves its meters; no events
 * (the caller's `customer.created`/`updated` and `customer.state_changed` follow).
 */
export function attachPendingEvents(_ctx: DomainContext, _customer: CustomerRecord): void {
  throw new Error("not implemented yet");
}
