/**
 * Emitting an event on demand about an object as it is now, with nothing else changing: what the
 * control plane's "send this webhook" does. The event carries the same payload the domain would
 * have emitted for a real change of that type.
 */
import { ResourceNotFound } from "../errors.js";
import type { OrganizationPartition } from "../store/store.js";
import { serializeCustomerState, serializeGrant, serializeSubscription } from "./billing-serialize.js";
import { serializeBenefit, serializeProduct } from "./catalog-serialize.js";
import type { DomainContext } from "./context.js";
import { serializeCustomer } from "./customer-serialize.js";
import { type DomainEventType, emit } from "./events.js";

interface Subject {
  organizationId: string;
  customerId: string | null;
  subjectId: string;
  data: () => unknown;
}

function subjectOf(partition: OrganizationPartition, type: DomainEventType, id: string): Subject | undefined {
  const organizationId = partition.organization.id;
  const family = type.slice(0, type.indexOf("."));
  switch (family) {
    case "customer": {
      const customer = partition.customers.get(id);
      // customer.deleted also takes a deleted customer; the others need a live one.
      if (!customer || (customer.deleted_at !== null && type !== "customer.deleted")) return undefined;
      return {
        organizationId,
        customerId: customer.id,
        subjectId: customer.id,
        data:
          type === "customer.state_changed"
            ? () => serializeCustomerState(partition, customer)
            : () => serializeCustomer(customer),
      };
    }
    case "subscription": {
      const subscription = partition.subscriptions.get(id);
      if (!subscription) return undefined;
      return {
        organizationId,
        customerId: subscription.customer_id,
        subjectId: subscription.id,
        data: () => serializeSubscription(partition, subscription),
      };
    }
    case "benefit_grant": {
      const grant = partition.grants.get(id);
      if (!grant) return undefined;
      return {
        organizationId,
        customerId: grant.customer_id,
        subjectId: grant.id,
        data: () => ({ ...serializeGrant(partition, grant), previous_properties: null }),
      };
    }
    case "product": {
      const product = partition.products.get(id);
      if (!product) return undefined;
      return {
        organizationId,
        customerId: null,
        subjectId: id,
        data: () => serializeProduct(partition, product),
      };
    }
    case "benefit": {
      const benefit = partition.benefits.get(id);
      if (!benefit || benefit.is_deleted) return undefined;
      return { organizationId, customerId: null, subjectId: id, data: () => serializeBenefit(benefit) };
    }
    default:
      return undefined;
  }
}

/**
 * Emits `type` about the object with this id (in the given organization, or any), as it is now.
 * 404 when no such object is held.
 */
export function announce(
  ctx: DomainContext,
  type: DomainEventType,
  id: string,
  organizationId?: string,
): void {
  for (const partition of ctx.store.partitions.values()) {
    if (organizationId !== undefined && partition.organization.id !== organizationId) continue;
    const subject = subjectOf(partition, type, id);
    if (!subject) continue;
    const { data, ...rest } = subject;
    emit(ctx, type, rest, data);
    return;
  }
  throw new ResourceNotFound();
}
