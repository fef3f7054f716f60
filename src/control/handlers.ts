/** The control plane of the emulator itself under /_emulator: health, reset, organizations and the specs. */
import { type Handlers, json } from "../resources/operation.js";
import { organizationWire } from "../resources/organizations/service.js";
import type { Organization } from "../store/store.js";

/** What these operations need from the running emulator. */
export interface ControlTarget {
  ready(): boolean;
  /** The health answer; `full` false: only status and version (a caller without the control token). */
  health(full: boolean): Record<string, unknown>;
  /** Whether a request's Authorization header carries the control token (always, when none is set). */
  authorized(authorization: unknown): boolean;
  reset(): void;
  createOrganization(input: {
    name?: string;
    slug?: string;
    scopes?: readonly string[];
    member_model_enabled?: boolean;
  }): {
    organization: Organization;
    token: string;
    scopes: string[];
  };
  specs: { polar: string; emulator: string };
}

export type EmulatorControl =
  | "emulator:health"
  | "emulator:reset"
  | "emulator:organizations:list"
  | "emulator:organizations:create"
  | "emulator:openapi:polar"
  | "emulator:openapi:emulator";

export const controlHandlers = (target: ControlTarget): Handlers<EmulatorControl> => ({
  "emulator:health": ({ headers }) =>
    json(target.ready() ? 200 : 503, target.health(target.authorized(headers.authorization))),
  "emulator:reset": () => {
    target.reset();
    return json(200, target.health(true));
  },
  "emulator:organizations:list": ({ ctx }) =>
    json(200, { items: [...ctx.store.partitions.values()].map(organizationWire) }),
  "emulator:organizations:create": ({ ctx, body }) => {
    const created = target.createOrganization(body ?? {});
    return json(201, {
      organization: organizationWire(ctx.store.partition(created.organization.id)),
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
});
