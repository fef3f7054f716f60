/** The control plane under /_emulator: health, reset, isolated organizations and the specs. */
import type { DomainContext } from "../domain/context.js";
import { type Handlers, json } from "../http/handler.js";
import type { Organization } from "../store/store.js";
import { iso } from "../util/time.js";

/** What the control plane needs from the running emulator. */
export interface ControlTarget {
  ready(): boolean;
  health(): Record<string, unknown>;
  reset(): void;
  createOrganization(input: { name?: string; slug?: string; scopes?: string[] }): {
    organization: Organization;
    token: string;
    scopes: string[];
  };
  specs: { polar: string; emulator: string };
}

function organizationWire(ctx: DomainContext, organization: Organization) {
  let customers = 0;
  for (const customer of ctx.store.partition(organization.id).customers.values()) {
    if (customer.deleted_at === null) customers++;
  }
  return {
    id: organization.id,
    name: organization.name,
    slug: organization.slug,
    created_at: iso(organization.created_at),
    customers,
  };
}

export function controlHandlers(target: ControlTarget): Handlers {
  return {
    "emulator:health": () => json(target.ready() ? 200 : 503, target.health()),
    "emulator:reset": () => {
      target.reset();
      return json(200, target.health());
    },
    "emulator:organizations:list": ({ ctx }) =>
      json(200, {
        items: [...ctx.store.partitions.values()].map((partition) =>
          organizationWire(ctx, partition.organization),
        ),
      }),
    "emulator:organizations:create": ({ ctx, body }) => {
      const created = target.createOrganization(
        (body ?? {}) as { name?: string; slug?: string; scopes?: string[] },
      );
      return json(201, {
        organization: organizationWire(ctx, created.organization),
        token: created.token,
        scopes: created.scopes,
      });
    },
    "emulator:openapi:polar": () => ({
      status: 200,
      text: target.specs.polar,
      contentType: "application/yaml",
    }),
    "emulator:openapi:emulator": () => ({
      status: 200,
      text: target.specs.emulator,
      contentType: "application/yaml",
    }),
  };
}
