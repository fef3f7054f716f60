/** What handlers need from the running emulator beyond the domain: its engines and defaults. */
import type { DomainEventType } from "../domain/events.js";
import type { ModelWalker } from "../pydantic/walker.js";
import type { WebhookEngine } from "../webhooks/engine.js";

export interface Services {
  /** The webhook engine: endpoints, the delivery log, redelivery. */
  webhooks: WebhookEngine;
  /** Polar's models with every resource's rules: what the API validates bodies with. */
  models: ModelWalker;
  /** The organization a control-plane request means when it names none. */
  defaultOrganizationId(): string;
  /** Emits `type` about the object with this id as it is now (404 when none is held). */
  announce(type: DomainEventType, id: string, organizationId?: string): void;
}
