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
import { runSteps, type Steps } from "../util/steps.js";
import {
  type Checkpoint,
  changedSteps,
  checkpointSteps,
  restoreCheckpoint,
  restoreCheckpointSteps,
  takeCheckpoint,
} from "./checkpoint.js";
import { checkFixtureShape, type Fixture, FixtureError } from "./fixture.js";
import { copyRegistry, emptyRegistry, type KeyRegistry } from "./keys.js";
import { type Loaded, prepareScenario } from "./scenario.js";
import {
  type DecodedSnapshot,
  readSnapshotSteps,
  restoreSnapshot,
  type SnapshotDocument,
  snapshotParts,
  takeSnapshot,
} from "./snapshot.js";
import { snapshotJsonSteps, snapshotYamlSteps } from "./snapshot-text.js";

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

/** What a load created or changed since the checkpoint taken before it, as the API's objects. */
function changedObjects(
  partition: Partition,
  before: Checkpoint,
  ids: ReadonlyMap<string, string[]>,
): ChangedObjects {
  const changed: ChangedObjects = {};
  for (const { name, section } of SNAPSHOT_SECTIONS) {
    if (!("kind" in section)) continue;
    const serialize = section.serialize;
    if (!serialize) {
      const held = before.sections.get(name);
      changed[name] = section.count(partition) - (Array.isArray(held) ? held.length : 0);
      continue;
    }
    changed[name] = (ids.get(name) ?? []).map((id) => serialize(partition, id));
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
  /** What a reset of each organization goes back to: its boot state (built again), or a checkpoint. */
  private initial = new Map<string, { checkpoint: Checkpoint; keys: KeyRegistry } | "boot">();
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
    this.initial.set(organizationId, {
      checkpoint: takeCheckpoint(this.store, organizationId),
      keys: copyRegistry(this.registry(organizationId)),
    });
  }

  /** Loads a fixture (already parsed) into an organization: all or nothing. */
  load(organizationId: string, data: unknown, source: string): FixtureLoaded {
    return runSteps(this.loadSteps(organizationId, data, source));
  }

  /**
   * The load in steps: checked whole first; then a checkpoint of the organization (to put back
   * when a service refuses an entry halfway, and to tell what changed), the load itself, and what
   * it changed. The copying and comparing, which grow with the organization, yield as they go.
   */
  *loadSteps(
    organizationId: string,
    data: unknown,
    source: string,
    /** A control-plane request's budget (renewals in all); none in process. */
    limits: { renewals?: number } = {},
  ): Steps<FixtureLoaded> {
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
    const apply = prepareScenario(scenario, {
      store,
      random: new Random(hash(`${this.seed}:${organizationId}:${count}`)),
      organizationId,
      registry,
      now: this.context().clock.now(),
      source,
      referenceTime,
      maxRenewals: limits.renewals,
    });
    const before = yield* checkpointSteps(store, organizationId);
    const keysBefore = copyRegistry(registry);
    let loaded: Loaded;
    try {
      loaded = apply();
    } catch (error) {
      yield* restoreCheckpointSteps(store, before);
      this.registries.set(organizationId, keysBefore);
      throw error;
    }
    this.loads.set(organizationId, count + 1);
    const changed = yield* changedSteps(this.partition(organizationId), before);
    return {
      organizationId,
      tokens: loaded.tokens,
      keys: loaded.keys,
      changed: changedObjects(this.partition(organizationId), before, changed),
    };
  }

  /** Back to the state right after the organization was created (or seeded). */
  reset(organizationId: string): void {
    this.partition(organizationId);
    const initial = this.initial.get(organizationId);
    if (!initial) throw new UnknownOrganization(organizationId);
    this.loads.delete(organizationId);
    if (initial !== "boot") {
      restoreCheckpoint(this.store, initial.checkpoint);
      this.registries.set(organizationId, copyRegistry(initial.keys));
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

  /** The snapshot as the control plane answers it, written in steps, in pieces. */
  *snapshotTextSteps(organizationId: string, format: "json" | "yaml"): Steps<string[]> {
    this.partition(organizationId);
    const parts = snapshotParts(this.store, organizationId, this.registry(organizationId));
    return yield* format === "yaml" ? snapshotYamlSteps(parts) : snapshotJsonSteps(parts);
  }

  /**
   * Replaces the organization's state with a snapshot, or adds the organization, in steps. `organizationId`,
   * when given, must be the snapshot's. Nothing changes when the snapshot is refused.
   */
  *restoreSteps(
    document: unknown,
    organizationId?: string,
  ): Steps<{ organizationId: string; created: boolean }> {
    const result = yield* readSnapshotSteps(document, this.store);
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
    if (created) {
      this.initial.set(id, {
        checkpoint: yield* checkpointSteps(this.store, id),
        keys: copyRegistry(decoded.keys),
      });
    }
    return { organizationId: id, created };
  }
}
