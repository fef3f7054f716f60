/**
 * What the emulator keeps per organization for scenarios: its fixture keys, its state right after
 * it was created (for a reset of that organization alone), and how many fixtures were loaded into
 * it (each load draws from its own random source, so a refused load changes nothing, not even the
 * ids the next one gets). The control plane and `startEmulator()` both go through here.
 */
import { serializeGrant, serializeSubscription } from "../domain/billing-serialize.js";
import { serializeBenefit, serializeProduct } from "../domain/catalog-serialize.js";
import type { DomainContext } from "../domain/context.js";
import { serializeCustomer } from "../domain/customer-serialize.js";
import { serializeCustomerMeter, serializeMeter } from "../domain/meter-serialize.js";
import type { AccessToken, OrganizationPartition, Store } from "../store/store.js";
import { isObject } from "../util/is-object.js";
import { Random } from "../util/random.js";
import { problem } from "./decode.js";
import { checkFixtureShape, type Fixture, FixtureError } from "./fixture.js";
import { copyRegistry, emptyRegistry, type KeyRegistry, type Kind } from "./plan.js";
import { loadScenario } from "./scenario.js";
import {
  type DecodedSnapshot,
  readSnapshot,
  restoreCheckpoint,
  restoreSnapshot,
  type SnapshotDocument,
  takeSnapshot,
} from "./snapshot.js";

/** Every object a load created or changed, as the API returns it. */
export interface ChangedObjects {
  meters: unknown[];
  benefits: unknown[];
  products: unknown[];
  customers: unknown[];
  subscriptions: unknown[];
  benefit_grants: unknown[];
  customer_meters: unknown[];
  /** Usage events ingested. */
  events: number;
}

export interface FixtureLoaded {
  organizationId: string;
  tokens: AccessToken[];
  keys: Record<Kind, Record<string, string>>;
  changed: ChangedObjects;
}

/** An organization the emulator does not hold. */
export class UnknownOrganization extends Error {
  constructor(readonly organizationId: string) {
    super(`[polar-emulator] no organization ${organizationId}`);
  }
}

const COLLECTIONS = [
  "meters",
  "benefits",
  "products",
  "customers",
  "subscriptions",
  "benefit_grants",
  "customer_meters",
] as const;

type Collection = (typeof COLLECTIONS)[number];

function serializers(partition: OrganizationPartition): Record<Collection, (id: string) => unknown> {
  const found = <T>(record: T | undefined, id: string): T => {
    if (record === undefined) throw new Error(`[polar-emulator] ${id} vanished while loading a fixture`);
    return record;
  };
  return {
    meters: (id) => serializeMeter(found(partition.meters.get(id), id)),
    benefits: (id) => serializeBenefit(found(partition.benefits.get(id), id)),
    products: (id) => serializeProduct(partition, found(partition.products.get(id), id)),
    customers: (id) => serializeCustomer(found(partition.customers.get(id), id)),
    subscriptions: (id) => serializeSubscription(partition, found(partition.subscriptions.get(id), id)),
    benefit_grants: (id) => serializeGrant(partition, found(partition.grants.get(id), id)),
    customer_meters: (id) => serializeCustomerMeter(partition, found(partition.customerMeters.get(id), id)),
  };
}

/** What differs between two snapshots of one organization, as the API's objects. */
function changedObjects(partition: OrganizationPartition, before: SnapshotDocument, after: SnapshotDocument) {
  const serialize = serializers(partition);
  const records = (document: SnapshotDocument, name: Collection) => document[name] as { id: string }[];
  const changed = {} as ChangedObjects;
  for (const name of COLLECTIONS) {
    const previous = new Map(records(before, name).map((record) => [record.id, JSON.stringify(record)]));
    changed[name] = records(after, name)
      .filter((record) => previous.get(record.id) !== JSON.stringify(record))
      .map((record) => serialize[name](record.id));
  }
  changed.events = (after.events as unknown[]).length - (before.events as unknown[]).length;
  return changed;
}

/** FNV-1a, to derive a load's own seed from the emulator's seed, the organization and the load. */
function hash(text: string): number {
  let value = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    value ^= text.charCodeAt(index);
    value = Math.imul(value, 0x01000193) >>> 0;
  }
  return value;
}

/** The boot state built again from the seed and the boot fixtures, in a store of its own. */
export type Rebuild = () => { store: Store; registries: Map<string, KeyRegistry> };

export class OrganizationStates {
  private registries = new Map<string, KeyRegistry>();
  /** What a reset of each organization goes back to: its boot state (built again), or a snapshot. */
  private initial = new Map<string, SnapshotDocument | "boot">();
  private loads = new Map<string, number>();
  private rebuild: Rebuild | undefined;

  constructor(
    private readonly seed: number,
    private readonly context: () => DomainContext,
  ) {}

  private get store(): Store {
    return this.context().store;
  }

  private partition(organizationId: string): OrganizationPartition {
    const partition = this.store.partitions.get(organizationId);
    if (!partition) throw new UnknownOrganization(organizationId);
    return partition;
  }

  private registry(organizationId: string): KeyRegistry {
    let registry = this.registries.get(organizationId);
    if (!registry) {
      registry = emptyRegistry();
      this.registries.set(organizationId, registry);
    }
    return registry;
  }

  /**
   * After a (re)build: the seeded keys. A reset of a seeded organization builds the boot state
   * again (deterministic, and free until it is asked for) and takes that organization from it.
   */
  booted(registries: Map<string, KeyRegistry>, rebuild: Rebuild): void {
    this.registries = new Map(registries);
    this.rebuild = rebuild;
    this.initial = new Map();
    this.loads = new Map();
    for (const organizationId of this.store.partitions.keys()) this.initial.set(organizationId, "boot");
  }

  /** Records the organization's state now as the one a reset of it goes back to. */
  remember(organizationId: string): void {
    this.initial.set(organizationId, takeSnapshot(this.store, organizationId, this.registry(organizationId)));
  }

  /** Loads a fixture (already parsed) into an organization: all or nothing. */
  load(organizationId: string, data: unknown, source: string): FixtureLoaded {
    this.partition(organizationId);
    if (isObject(data) && data.organizations !== undefined) {
      throw new FixtureError(source, [
        problem(
          ["organizations"],
          "extra_forbidden",
          "organizations: belongs in a boot fixture; create one with POST /_emulator/organizations and load into it",
          data.organizations,
        ),
      ]);
    }
    const shape = checkFixtureShape(data, "load");
    if (shape.length > 0) throw new FixtureError(source, shape);
    const { reference_time: referenceTime, ...scenario } = data as Fixture;
    const store = this.store;
    const registry = this.registry(organizationId);
    const count = this.loads.get(organizationId) ?? 0;
    const before = takeSnapshot(store, organizationId, registry);
    const loaded = loadScenario(scenario, {
      store,
      random: new Random(hash(`${this.seed}:${organizationId}:${count}`)),
      organizationId,
      registry,
      now: this.context().clock.now(),
      source,
      referenceTime,
      checkpoint: before,
    });
    this.loads.set(organizationId, count + 1);
    const after = takeSnapshot(store, organizationId, registry);
    return {
      organizationId,
      tokens: loaded.tokens,
      keys: loaded.keys,
      changed: changedObjects(this.partition(organizationId), before, after),
    };
  }

  /** Back to the state right after the organization was created (or seeded). */
  reset(organizationId: string): void {
    this.partition(organizationId);
    const initial = this.initial.get(organizationId);
    if (!initial) throw new UnknownOrganization(organizationId);
    this.loads.delete(organizationId);
    if (initial !== "boot") {
      restoreCheckpoint(this.store, initial);
      this.registries.set(organizationId, this.keysOf(initial));
      return;
    }
    if (!this.rebuild) throw new Error("[polar-emulator] no boot state to reset to");
    const boot = this.rebuild();
    const partition = boot.store.partition(organizationId);
    const store = this.store;
    for (const [value, token] of store.tokens) {
      if (token.organizationId === organizationId) store.tokens.delete(value);
    }
    store.partitions.set(organizationId, partition);
    for (const token of boot.store.tokens.values()) {
      const owner = store.tokens.get(token.token)?.organizationId;
      if (token.organizationId === organizationId && owner === undefined) store.addToken(token);
    }
    this.registries.set(organizationId, boot.registries.get(organizationId) ?? emptyRegistry());
  }

  snapshot(organizationId: string): SnapshotDocument {
    this.partition(organizationId);
    return takeSnapshot(this.store, organizationId, this.registry(organizationId));
  }

  /**
   * Replaces the organization's state with a snapshot, or adds the organization. `organizationId`,
   * when given, must be the snapshot's. Nothing changes when the snapshot is refused.
   */
  restore(document: unknown, organizationId?: string): { organizationId: string; created: boolean } {
    const result = readSnapshot(document, this.store);
    if (!result.ok) throw new FixtureError("snapshot", result.problems, "is not a valid snapshot");
    const decoded: DecodedSnapshot = result.snapshot;
    const id = decoded.organization.id;
    if (organizationId !== undefined && id !== organizationId) {
      throw new FixtureError(
        "snapshot",
        [
          problem(
            ["organization", "id"],
            "value_error",
            `This snapshot is of ${id}, not of ${organizationId}`,
            id,
          ),
        ],
        "is not a snapshot of this organization",
      );
    }
    const created = !this.store.partitions.has(id);
    restoreSnapshot(this.store, decoded);
    this.registries.set(id, copyRegistry(decoded.keys));
    this.loads.delete(id);
    if (created) this.remember(id);
    return { organizationId: id, created };
  }

  private keysOf(document: SnapshotDocument): KeyRegistry {
    const keys = document.keys as Record<Kind, Record<string, string>>;
    return {
      meters: new Map(Object.entries(keys.meters)),
      benefits: new Map(Object.entries(keys.benefits)),
      products: new Map(Object.entries(keys.products)),
      customers: new Map(Object.entries(keys.customers)),
    };
  }
}
