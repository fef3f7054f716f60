/**
 * Emitting an event on demand about an object as it is now, with nothing else changing: what the
 * control plane's "send this webhook" does. The event carries the same payload the domain would
 * have emitted for a real change of that type; each resource says how to find its objects
 * (`events.subject` in its definition).
 */
import { type DomainEventType, emit } from "../domain/events.js";
import { ResourceNotFound } from "../errors.js";
import type { Ctx } from "../resources/context.js";
import { RESOURCES } from "../resources/index.js";

/**
 * Emits `type` about the object with this id (in the given organization, or any), as it is now.
 * 404 when no such object is held.
 */
export function announce(ctx: Ctx, type: DomainEventType, id: string, organizationId?: string): void {
  const prefix = type.slice(0, type.indexOf(".") + 1);
  const resource = RESOURCES.find((candidate) => candidate.events?.prefix === prefix);
  if (resource?.events) {
    for (const partition of ctx.store.partitions.values()) {
      if (organizationId !== undefined && partition.organization.id !== organizationId) continue;
      const subject = resource.events.subject(partition, type, id, ctx);
      if (!subject) continue;
      emit(
        ctx,
        type,
        { organizationId: partition.organization.id, customerId: subject.customerId, subjectId: id },
        subject.data,
      );
      return;
    }
  }
  throw new ResourceNotFound();
}
