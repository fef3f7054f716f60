/**
 * Seeding at boot: the default organization and its token, then the boot fixtures in order (each
 * file's scenario into the default organization, its `organizations:` as more organizations, a
 * snapshot file restored as it was). Everything comes from the seeded random source and the
 * fixtures' dates, so the same seed and files give the same bytes.
 */
import { problem } from "../domain/decode.js";
import type { Ctx } from "../resources/context.js";
import { createOrganization, issueToken } from "../resources/organizations/service.js";
import type { Organization } from "../store/store.js";
import { FixtureError, type FixtureScenario, type FixtureSource } from "./fixture.js";
import { emptyRegistry, type KeyRegistry } from "./keys.js";
import { loadScenario, referenceTime, SEED_REFERENCE_TIME } from "./scenario.js";
import { readSnapshot, restoreSnapshot } from "./snapshot.js";

export { SEED_REFERENCE_TIME } from "./scenario.js";

const DAY = 24 * 60 * 60 * 1000;

export interface SeedOptions {
  /** The boot fixtures, in order. */
  sources: FixtureSource[];
  /** Replaces `generate.customers` of the first fixture (the `--customers` flag). */
  customers?: number;
  organizationId?: string;
  token?: string;
  /** The emulator's clock now, for `reference_time: now`. */
  now: Date;
}

export interface Seeded {
  organization: Organization;
  token: string;
  /** Fixture keys of every organization seeded. */
  registries: Map<string, KeyRegistry>;
}

/** Fills a fresh store: the default organization, its all-scopes token, then the boot fixtures. */
export function seed(ctx: Ctx, options: SeedOptions): Seeded {
  const { random, store } = ctx;
  // The first two draws of the seed are the default organization's id and token, whatever the
  // fixtures say, so they stay the same (and match the README) for a seed.
  const drawnId = random.uuid();
  const drawnToken = random.organizationToken();
  const first = options.sources.find((source) => "fixture" in source);
  const firstFixture = first && "fixture" in first ? first.fixture : undefined;
  const declared = firstFixture?.organization;
  const createdAt = new Date(SEED_REFERENCE_TIME.getTime() - 400 * DAY);
  const { organization } = createOrganization(ctx, {
    id: options.organizationId ?? declared?.id ?? drawnId,
    name: declared?.name ?? "Acme Inc.",
    slug: declared?.slug ?? "acme",
    created_at: createdAt,
  });
  const token = issueToken(ctx, organization.id, {
    token: options.token ?? drawnToken,
    comment: "default",
  }).token;
  const registries = new Map<string, KeyRegistry>([[organization.id, emptyRegistry()]]);
  const registryOf = (id: string) => {
    let registry = registries.get(id);
    if (!registry) {
      registry = emptyRegistry();
      registries.set(id, registry);
    }
    return registry;
  };

  options.sources.forEach((source, position) => {
    if ("snapshot" in source) {
      const result = readSnapshot(source.snapshot, store);
      if (!result.ok) throw new FixtureError(source.name, result.problems, "is not a valid snapshot");
      restoreSnapshot(store, result.snapshot);
      registries.set(result.snapshot.organization.id, result.snapshot.keys);
      return;
    }
    const { fixture } = source;
    const common = {
      store,
      random,
      now: options.now,
      source: source.name,
      boot: true,
      trusted: source.trusted,
      referenceTime: fixture.reference_time,
    };
    const { organizations, reference_time: _reference, ...scenario } = fixture;
    loadScenario(scenario, {
      ...common,
      organizationId: organization.id,
      registry: registryOf(organization.id),
      customers: position === 0 ? options.customers : undefined,
    });
    const reference = referenceTime(fixture.reference_time, options.now, source.name);
    organizations?.forEach((tenant: FixtureScenario, index) => {
      const base = ["organizations", index];
      const id = tenant.organization?.id ?? random.uuid();
      if (store.partitions.has(id)) {
        throw new FixtureError(source.name, [
          problem(
            [...base, "organization", "id"],
            "value_error",
            "An organization with this id already exists",
            id,
          ),
        ]);
      }
      createOrganization(ctx, {
        id,
        name: tenant.organization?.name,
        slug: tenant.organization?.slug,
        created_at: new Date(reference.getTime() - 400 * DAY),
      });
      const tokens = tenant.tokens && tenant.tokens.length > 0 ? tenant.tokens : [{ comment: "default" }];
      loadScenario({ ...tenant, tokens }, { ...common, organizationId: id, registry: registryOf(id), base });
    });
  });
  ctx.events.clear();

  // A snapshot may have replaced the default organization, and its tokens with it.
  const current = store.partition(organization.id).organization;
  const defaultToken =
    store.tokens.get(token)?.organizationId === current.id
      ? token
      : ([...store.tokens.values()].find((entry) => entry.organizationId === current.id)?.token ?? token);
  return { organization: current, token: defaultToken, registries };
}
