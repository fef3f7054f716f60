/**
 * The customer state (CustomerState: the customer, its active and trialing subscriptions with
 * their meters, its granted benefits and every customer meter), and `customer.state_changed`,
 * which every change of any of these publishes through `publishCustomerState`, here and nowhere else.
 */

import { type DomainEventType, emit } from "../../domain/events.js";
import type { Schemas } from "../../domain/wire.js";
import type { Ctx, Partition } from "../context.js";
import { serializeCustomerStateMeter } from "../customer-meters/serialize.js";
import { serializeStateGrant } from "../grants/serialize.js";
import { serializeStateSubscription } from "../subscriptions/serialize.js";
import { inState } from "../subscriptions/service.js";
import { serializeCustomer } from "./serialize.js";
import type { CustomerRecord } from "./table.js";

export type CustomerStateWire = Schemas["CustomerStateIndividual"] | Schemas["CustomerStateTeam"];

export function serializeCustomerState(partition: Partition, customer: CustomerRecord): CustomerStateWire {
  const customerWire = serializeCustomer(customer);
  const state = {
    active_subscriptions: partition.subscriptions
      .ofCustomer(customer.id)
      .filter(inState)
      .map((subscription) => serializeStateSubscription(partition, subscription)),
    granted_benefits: partition.grants
      .ofCustomer(customer.id)
      .filter((grant) => grant.granted_at !== null)
      .map((grant) => serializeStateGrant(partition, grant)),
    active_meters: partition.customerMeters.ofCustomer(customer.id).map(serializeCustomerStateMeter),
  };
  return customerWire.type === "team" ? { ...customerWire, ...state } : { ...customerWire, ...state };
}

/** `customer.state_changed` with the customer's state as it is now. */
export function publishCustomerState(ctx: Ctx, customer: CustomerRecord): void {
  publishAboutCustomer(ctx, customer, "customer.state_changed");
}

/** A customer event (`customer.created`, …) or its state, with the payload as it is now. */
export function publishAboutCustomer(ctx: Ctx, customer: CustomerRecord, type: DomainEventType): void {
  const partition = ctx.store.partition(customer.organization_id);
  emit(
    ctx,
    type,
    { organizationId: customer.organization_id, customerId: customer.id, subjectId: customer.id },
    type === "customer.state_changed"
      ? () => serializeCustomerState(partition, customer)
      : () => serializeCustomer(customer),
  );
}
