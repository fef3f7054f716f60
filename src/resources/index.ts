/**
 * RESOURCES: the registry. Every "for each resource" of the emulator is read from here: handler
 * registration (API and control plane), the scopes a token can hold, the tables of a partition,
 * the model rules the validator applies, the sections of a snapshot document and the webhook
 * event subjects. The order is the order of a snapshot's sections and of the counts the control
 * plane shows: a resource comes after those its records refer to.
 */

import { type ApiVersion, isAtLeast } from "../domain/versions.js";
import { type ModelRules, mergeRules } from "../pydantic/walker.js";
import type { Organization } from "../store/store.js";
import { isObject } from "../util/is-object.js";
import { benefits } from "./benefits/index.js";
import { checkoutLinks } from "./checkout-links/index.js";
import { checkouts } from "./checkouts/index.js";
import type { Partition, PartitionTables } from "./context.js";
import { customerMeters } from "./customer-meters/index.js";
import { customerPortal } from "./customer-portal/index.js";
import { customerSeats } from "./customer-seats/index.js";
import { customerSessions } from "./customer-sessions/index.js";
import { customers } from "./customers/index.js";
import { discounts } from "./discounts/index.js";
import { eventTypes } from "./event-types/index.js";
import { events } from "./events/index.js";
import { grants } from "./grants/index.js";
import { licenseKeys } from "./license-keys/index.js";
import { members } from "./members/index.js";
import { meters } from "./meters/index.js";
import type { AnyHandler, ApiOperationId, ControlOperationId, HiddenRoute } from "./operation.js";
import { orders } from "./orders/index.js";
import { organizations } from "./organizations/index.js";
import { paymentMethods } from "./payment-methods/index.js";
import { products } from "./products/index.js";
import { refunds } from "./refunds/index.js";
import type { AnySection, ReferenceCheck, Validation } from "./resource.js";
import type { Services } from "./services.js";
import { subscriptions } from "./subscriptions/index.js";
import { webhooks } from "./webhooks/index.js";

export const RESOURCES = [
  meters,
  benefits,
  products,
  discounts,
  customers,
  members,
  paymentMethods,
  customerSessions,
  subscriptions,
  grants,
  orders,
  customerSeats,
  refunds,
  checkouts,
  checkoutLinks,
  licenseKeys,
  customerMeters,
  eventTypes,
  events,
  webhooks,
  organizations,
  customerPortal,
] as const;

type Registry = (typeof RESOURCES)[number];
type ApiOf<R> = R extends { handlers?: (services: Services) => infer H } ? keyof H : never;
type ControlOf<R> = R extends { control?: (services: Services) => infer H } ? keyof H : never;

/** A served operation with no handler, or a handler for no served operation: a type error here. */
type MissingApi = Exclude<ApiOperationId, ApiOf<Registry>>;
type MissingControl = Exclude<ControlOperationId, ControlOf<Registry> | ControlOperationOutsideResources>;
const everyOperationHasAHandler: [MissingApi, MissingControl] extends [never, never] ? true : false = true;
void everyOperationHasAHandler;

/** Control-plane operations of the emulator itself (health, reset, organizations, scenarios, specs). */
export type ControlOperationOutsideResources =
  | "emulator:health"
  | "emulator:reset"
  | "emulator:organizations:list"
  | "emulator:organizations:create"
  | "emulator:organizations:load-fixture"
  | "emulator:organizations:reset"
  | "emulator:organizations:snapshot"
  | "emulator:organizations:restore"
  | "emulator:openapi:polar"
  | "emulator:openapi:emulator"
  | "emulator:events:list";

/** Every scope an organization access token can hold; the default token has them all. */
export const ALL_SCOPES: readonly string[] = RESOURCES.flatMap((resource) => resource.scopes ?? []);

/** A new organization's partition: the tables of every resource. */
export function newPartition(organization: Organization): Partition {
  const tables: Partial<PartitionTables>[] = RESOURCES.map((resource) => resource.tables?.() ?? {});
  // Every table of PartitionTables is made by its resource's `tables` (a test checks each is there).
  return Object.assign({ organization }, ...tables) as Partition;
}

/** Every resource's API handlers, by operationId. */
export function apiHandlers(services: Services): Record<string, AnyHandler> {
  return Object.assign({}, ...RESOURCES.map((resource) => resource.handlers?.(services) ?? {}));
}

/** Every resource's routes that Polar's document leaves out. */
export const HIDDEN_ROUTES: readonly HiddenRoute[] = RESOURCES.flatMap((resource) =>
  "hidden" in resource && resource.hidden ? resource.hidden : [],
);

/** Every resource's control-plane handlers, by operationId. */
export function resourceControlHandlers(services: Services): Record<string, AnyHandler> {
  return Object.assign({}, ...RESOURCES.map((resource) => resource.control?.(services) ?? {}));
}

/** How the pipeline validates the API: every resource's model rules and per-operation settings. */
export function validation(): Required<Omit<Validation, "rules">> & { rules: ModelRules } {
  const all: Validation[] = RESOURCES.flatMap((resource) =>
    resource.validation ? [resource.validation] : [],
  );
  return {
    rules: mergeRules(all.flatMap((entry) => (entry.rules ? [entry.rules] : []))),
    walked: all.flatMap((entry) => entry.walked ?? []),
    tagFunctions: Object.assign({}, ...all.map((entry) => entry.tagFunctions ?? {})),
    before: Object.assign({}, ...all.map((entry) => entry.before ?? {})),
    awareDatetimeQuery: Object.assign({}, ...all.map((entry) => entry.awareDatetimeQuery ?? {})),
    queryRules: Object.assign({}, ...all.map((entry) => entry.queryRules ?? {})),
    guards: Object.assign({}, ...all.map((entry) => entry.guards ?? {})),
  };
}

/** A snapshot's sections, in document order, with the reference check of each resource. */
export const SNAPSHOT_SECTIONS: readonly { name: string; section: AnySection }[] = RESOURCES.flatMap(
  (resource) =>
    Object.entries(resource.snapshot?.sections ?? {}).flatMap(
      ([name, section]: [string, AnySection | undefined]) => (section ? [{ name, section }] : []),
    ),
);

export const REFERENCE_CHECKS: readonly ReferenceCheck[] = RESOURCES.flatMap((resource) =>
  resource.snapshot?.references ? [resource.snapshot.references] : [],
);

const VERSIONED = RESOURCES.flatMap((resource) =>
  "versioned" in resource && resource.versioned ? [resource.versioned] : [],
);

type Render = (node: Record<string, unknown>, version: ApiVersion) => Record<string, unknown> | undefined;

/** The renderers that apply in each version (none in the versions before the first change). */
const renderersIn = new Map<ApiVersion, Render[]>();

function renderers(version: ApiVersion) {
  let found = renderersIn.get(version);
  if (found === undefined) {
    found = VERSIONED.filter((entry) => isAtLeast(version, entry.since)).map((entry) => entry.render);
    renderersIn.set(version, found);
  }
  return found;
}

/**
 * A JSON answer (or a webhook payload's data) as `version` has it: every object in it that a
 * resource answers differently in that version, rewritten. The same value when nothing differs.
 */
export function renderInVersion(value: unknown, version: ApiVersion): unknown {
  const active = renderers(version);
  return active.length === 0 ? value : renderWith(value, version, active);
}

function renderWith(value: unknown, version: ApiVersion, active: readonly Render[]): unknown {
  if (Array.isArray(value)) {
    let changed = false;
    const items = value.map((item) => {
      const rendered = renderWith(item, version, active);
      if (rendered !== item) changed = true;
      return rendered;
    });
    return changed ? items : value;
  }
  if (!isObject(value)) return value;
  let node: Record<string, unknown> = value;
  for (const render of active) node = render(node, version) ?? node;
  let copy: Record<string, unknown> | undefined;
  for (const [key, item] of Object.entries(node)) {
    const rendered = renderWith(item, version, active);
    if (rendered !== item) {
      copy ??= { ...node };
      copy[key] = rendered;
    }
  }
  return copy ?? node;
}
