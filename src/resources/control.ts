/**
 * What the resources' control-plane verbs share: naming a customer (by id or external id, in the
 * default organization unless told otherwise), refusing with a 422 that says what is wrong, and
 * answering with the domain events a verb emitted.
 */
import type { DomainEvent } from "../domain/events.js";
import { PolarRequestValidationError } from "../errors.js";
import { iso } from "../util/time.js";
import type { Ctx, Partition } from "./context.js";
import type { CustomerRecord } from "./customers/table.js";
import type { Services } from "./services.js";

/** How a control-plane body names a customer. */
export interface CustomerRef {
  customer_id?: string;
  external_customer_id?: string;
  organization_id?: string;
}

/** A domain event as the control plane shows it (`GET /_emulator/events`, a verb's `events`). */
export function wireEvent(event: DomainEvent) {
  return {
    id: event.id,
    type: event.type,
    timestamp: iso(event.timestamp),
    organization_id: event.organizationId,
    customer_id: event.customerId,
    data: event.data,
  };
}

export type WireEvent = ReturnType<typeof wireEvent>;

/** Runs `change` and returns the events it emitted, in order. */
export function recording<T>(ctx: Ctx, change: () => T): { result: T; events: WireEvent[] } {
  const events: DomainEvent[] = [];
  const unsubscribe = ctx.events.subscribe((event) => events.push(event));
  try {
    return { result: change(), events: events.map(wireEvent) };
  } finally {
    unsubscribe();
  }
}

export function invalid(loc: (string | number)[], msg: string, input: unknown): PolarRequestValidationError {
  return new PolarRequestValidationError([{ type: "value_error", loc, msg, input }]);
}

/** The organization a control request names, or the default one. */
export function partitionOf(ctx: Ctx, services: Services, ref: CustomerRef): Partition {
  const organizationId = ref.organization_id ?? services.defaultOrganizationId();
  const partition = ctx.store.partitions.get(organizationId);
  if (!partition) throw invalid(["body", "organization_id"], "No organization with this id.", organizationId);
  return partition;
}

/** The live customer a control request names, or a 422 that says what is missing. */
export function customerOf(ctx: Ctx, services: Services, ref: CustomerRef): CustomerRecord {
  if (ref.customer_id !== undefined) {
    for (const partition of ctx.store.partitions.values()) {
      if (ref.organization_id !== undefined && partition.organization.id !== ref.organization_id) continue;
      const customer = partition.customers.live(ref.customer_id);
      if (customer) return customer;
    }
    throw invalid(["body", "customer_id"], "No live customer with this id.", ref.customer_id);
  }
  if (ref.external_customer_id !== undefined) {
    const partition = partitionOf(ctx, services, ref);
    const customer = partition.customers.byExternalId.get(ref.external_customer_id);
    if (!customer) {
      throw invalid(
        ["body", "external_customer_id"],
        `No live customer with this external id in organization ${partition.organization.id}.`,
        ref.external_customer_id,
      );
    }
    return customer;
  }
  throw new PolarRequestValidationError([
    {
      type: "missing",
      loc: ["body", "customer_id"],
      msg: "Name the customer with customer_id or external_customer_id.",
      input: ref,
    },
  ]);
}
