/**
 * What the emulator keeps per organization for scenarios: its fixture keys, its state right after
 * it was created (for a reset of that organization alone), and how many fixtures were loaded into
 * it (each load draws from its own random source, so a refused load changes nothing, not even the
 * ids the next one gets). The control plane and `startEmulator()` both go through here.
 */
import { problem } from "../domain/decode.js";
import type { Ctx, Partition } from "../resources/context.js";
import type { FixtureKind } from "../resources/fixture.js";
import { SNAPSHOT_SECTIONS } from "../resources/index.js";
import type { AccessToken, Store } from "../store/store.js";
import { isObject } from "../util/is-object.js";
import { Random } from "../util/random.js";
import { checkFixtureShape, type Fixture, FixtureError } from "./fixture.js";
import { copyRegistry, emptyRegistry, FIXTURE_SECTIONS, type KeyRegistry } from "./keys.js";
import { loadScenario } from "./scenario.js";
import {
  type DecodedSnapshot,
  readSnapshot,
  restoreCheckpoint,
  restoreSnapshot,
  type SnapshotDocument,
  takeSnapshot,
} from "./snapshot.js";

/**
 * Every object a load created or changed, as the API returns it, by collection section
 * (`customers`, `benefit_grants`, …); a section without a serializer counts (`events`: how many).
 */
export type ChangedObjects = Record<string, unknown[] | number>;

export interface FixtureLoaded {
  organizationId: string;
  tokens: AccessToken[];
  keys: Record<FixtureKind, Record<string, string>>;
  changed: ChangedObjects;
}

/** An organization the emulator does not hold. */
export class UnknownOrganization extends Error {
  constructor(readonly organizationId: string) {
    super(`[polar-emulator] no organization ${organizationId}`);
  }
}

/** What differs between two snapshots of one organization, as the API's objects. */
function changedObjects(
  partition: Partition,
  before: SnapshotDocument,
  after: SnapshotDocument,
): ChangedObjects {
  const changed: ChangedObjects = {};
  for (const { name, section } of SNAPSHOT_SECTIONS) {
    if (!("kind" in section)) continue;
    const records = (document: SnapshotDocument): unknown[] => {
      const value = document[name];
      return Array.isArray(value) ? value : [];
    };
    if (!section.serialize) {
      changed[name] = records(after).length - records(before).length;
      continue;
    }
    const serialize = section.serialize;
    const idOf = (record: unknown) => (isObject(record) ? String(record.id) : "");
    const previous = new Map(records(before).map((record) => [idOf(record), JSON.stringify(record)]));
    changed[name] = records(after)
      .filter((record) => previous.get(idOf(record)) !== JSON.stringify(record))
      .map((record) => serialize(partition, idOf(record)));
  }
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
export type Rebuild = () => { store: Store<Partition>; registries: Map<string, KeyRegistry> };

export class OrganizationStates {
  private registries = new Map<string, KeyRegistry>();
  /** What a reset of each organization goes back to: its boot state (built again), or a snapshot. */
  private initial = new Map<string, SnapshotDocument | "boot">();
  private loads = new Map<string, number>();
  private rebuild: Rebuild | undefined;

  constructor(
    private readonly seed: number,
    private readonly context: () => Ctx,
  ) {}

  private get store(): Store<Partition> {
    return this.context().store;
  }

  private partition(organizationId: string): Partition {
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
  load(
    organizationId: string,
    data: unknown,
    source: string,
    /** A control-plane request's budget (renewals in all); none in process. */
    limits: { renewals?: number } = {},
  ): FixtureLoaded {
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
      maxRenewals: limits.renewals,
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
    const store = this.store;
    // The boot tokens of the organization, unless another organization holds one of them now.
    const tokens = boot.store
      .tokensOf(organizationId)
      .filter((token) => [undefined, organizationId].includes(store.tokens.get(token.token)?.organizationId));
    store.replace(boot.store.partition(organizationId), tokens);
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
    const keys = isObject(document.keys) ? document.keys : {};
    const registry = emptyRegistry();
    for (const section of FIXTURE_SECTIONS) {
      const entries = keys[section.kind];
      if (isObject(entries))
        for (const [key, id] of Object.entries(entries)) registry[section.kind].set(key, String(id));
    }
    return registry;
  }
}
