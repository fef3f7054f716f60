/**
 * createEmulator(config): wires the store, clock, random source, events, the webhook engine and
 * the HTTP app from the resource registry. The CLI, the Docker image and `startEmulator()` in
 * test suites are thin shells around it.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Express } from "express";
import type { Logger } from "pino";
import type { Config } from "./config.js";
import { announce } from "./control/announce.js";
import { eventJournalHandlers } from "./control/events.js";
import { controlHandlers } from "./control/handlers.js";
import { scenarioHandlers } from "./control/scenarios.js";
import { EventBus } from "./domain/events.js";
import type { ApiVersion } from "./domain/versions.js";
import { createApp, createHandler, type Surface } from "./http/app.js";
import { controlAuthorized } from "./http/control-auth.js";
import { buildRouter, loadOperations, walkedModels, warmUp } from "./http/operations.js";
import { RateLimiter } from "./http/rate-limit.js";
import { createLogger } from "./log.js";
import { PAGE_ROUTES } from "./pages/index.js";
import { ModelWalker } from "./pydantic/walker.js";
import type { Ctx } from "./resources/context.js";
import {
  apiHandlers,
  HIDDEN_ROUTES,
  newPartition,
  renderInVersion,
  resourceControlHandlers,
  validation,
} from "./resources/index.js";
import { createOrganization, issueToken } from "./resources/organizations/service.js";
import type { Services } from "./resources/services.js";
import { readBootFixtures } from "./scenarios/fixture.js";
import { type FixtureLoaded, OrganizationStates } from "./scenarios/organizations.js";
import { emulatorSchemas, polarSchemas } from "./scenarios/schemas.js";
import { seed } from "./scenarios/seed.js";
import type { SnapshotDocument } from "./scenarios/snapshot.js";
import { applyChanges, readSpecChanges, versionChanges } from "./spec-changes.js";
import { specs, type WebhookEventType, webhookEventTypes } from "./specs.js";
import { type Organization, Store } from "./store/store.js";
import { type Clock, systemClock } from "./util/clock.js";
import { packageFile } from "./util/package-root.js";
import { Random } from "./util/random.js";
import { Exclusive, runSteps } from "./util/steps.js";
import type { EndpointRecord } from "./webhooks/endpoints.js";
import { WebhookEngine } from "./webhooks/engine.js";
import { DEFAULT_DELIVERY_SETTINGS } from "./webhooks/settings.js";

/** The random sequence after the nth full reset of a seed (n ≥ 1): never the boot one's. */
export function epochSeed(seed: number, epoch: number): number {
  return createHash("sha256").update(`polar-emulator reset ${seed} ${epoch}`).digest().readUInt32BE(0);
}

/** Whether a listening address is every network interface rather than one. */
export function isWildcardHost(host: string): boolean {
  return host === "0.0.0.0" || host === "::" || host === "";
}

/** The URL this machine reaches a server bound to `host` at (a wildcard: the loopback address). */
export function localUrl(host: string, port: number): string {
  const reachable = isWildcardHost(host) ? "127.0.0.1" : host;
  return `http://${reachable.includes(":") ? `[${reachable}]` : reachable}:${port}`;
}

export const VERSION: string = (
  JSON.parse(readFileSync(packageFile("package.json"), "utf8")) as { version: string }
).version;

/** What the control plane's `POST /_emulator/organizations` and `createOrganization()` take. */
export interface OrganizationCreateInput {
  name?: string;
  slug?: string;
  scopes?: readonly string[];
  /** Polar's member model feature (off unless set). */
  member_model_enabled?: boolean;
}

export interface Emulator {
  /** The HTTP pipeline as an express app (made on first use; the server runs the pipeline directly). */
  readonly app: Express;
  config: Config;
  logger: Logger;
  /** The current domain (replaced by a reset). */
  readonly context: Ctx;
  readonly organization: Organization;
  readonly token: string;
  /** The webhook engine: endpoints, the delivery log, waits, pause and resume, faults. */
  readonly webhooks: WebhookEngine;
  /** Every webhook event type of Polar's document. */
  readonly webhookEventTypes: readonly WebhookEventType[];
  /** The endpoints `--webhook-url` registered at boot (again after a full reset). */
  readonly bootEndpoints: readonly EndpointRecord[];
  /** How many customers every organization holds, deleted ones included. */
  customerCount(): number;
  /** Back to the seeded state: same ids, tokens and customers as at startup. */
  reset(): void;
  createOrganization(input?: OrganizationCreateInput): {
    organization: Organization;
    token: string;
    scopes: string[];
  };
  /**
   * Loads a scenario fixture (parsed YAML or JSON) into an organization, all or nothing; throws a
   * FixtureError listing every problem, with its path inside the fixture.
   */
  loadFixture(
    organizationId: string,
    fixture: unknown,
    source?: string,
    /** A control-plane request's budget (renewals in all); none when unset. */
    limits?: { renewals?: number },
  ): FixtureLoaded;
  /** Puts one organization back to its state right after boot (or creation); others are untouched. */
  resetOrganization(organizationId: string): void;
  /** The whole state of one organization, as a JSON document `restore()` takes back. */
  snapshot(organizationId: string): SnapshotDocument;
  /** Replaces an organization's state with a snapshot (or adds it); refused whole when invalid. */
  restore(snapshot: unknown, organizationId?: string): { organizationId: string; created: boolean };
  /**
   * Starts serving. `url` is how this machine reaches it; `address` is what the socket is bound
   * to (`0.0.0.0` or `::`: every network interface).
   */
  listen(): Promise<{ url: string; address: { host: string; port: number }; server: Server }>;
  close(): Promise<void>;
}

export async function createEmulator(
  config: Config,
  options: { clock?: Clock; logger?: Logger } = {},
): Promise<Emulator> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const clock = options.clock ?? systemClock;
  const { polar, emulator } = specs();
  const settings = validation();
  const models = new ModelWalker(polar.document, settings.rules);
  const [apiOperations, controlOperations] = await Promise.all([
    loadOperations(polar.document, { ...settings, walker: models }),
    loadOperations(emulator.document, {
      walked: [],
      tagFunctions: {},
      before: {},
      awareDatetimeQuery: {},
      queryRules: {},
    }),
  ]);
  // A later API version validates requests against its own document (spec/changes.yaml), built
  // the first time a request names it.
  const specChanges = readSpecChanges();
  const versionSurfaces = new Map<ApiVersion, Promise<Surface>>();
  const apiSurface = (version: ApiVersion): Surface | Promise<Surface> => {
    const changes = versionChanges(specChanges, version);
    if (changes.length === 0) return baseSurface;
    let surface = versionSurfaces.get(version);
    if (surface === undefined) {
      const document = applyChanges(structuredClone(polar.document), changes);
      const walker = new ModelWalker(document, settings.rules);
      surface = loadOperations(document, { ...settings, walker }).then((operations) => ({
        router: buildRouter(operations),
        handlers: baseSurface.handlers,
      }));
      versionSurfaces.set(version, surface);
    }
    return surface;
  };
  // Fixtures are checked against the same documents, with the same walker for the same models.
  polarSchemas.use(polar.document);
  polarSchemas.useWalker(models, walkedModels(apiOperations));
  emulatorSchemas.use(emulator.document);
  const sources = readBootFixtures(config.fixtures);

  let ready = false;
  let context!: Ctx;
  let organization!: Organization;
  let token!: string;
  const states = new OrganizationStates(config.seed, () => context);
  const webhooks = new WebhookEngine(
    { ...DEFAULT_DELIVERY_SETTINGS, ...config.webhooks },
    config.seed,
    clock,
    logger,
    (id) => context.store.partitions.get(id)?.organization.name ?? "",
    config.apiVersion,
  );
  webhooks.renderInVersion = renderInVersion;
  const eventTypes = webhookEventTypes(polar.document);
  let bootEndpoints: EndpointRecord[] = [];

  // `reference_time: now` in a fixture means the boot time, also when a reset builds it again.
  const bootTime = clock.now();
  // Until the server listens, links point at the configured port on this machine.
  let listenUrl = localUrl(config.host, config.port);
  const publicUrl = () => config.publicUrl ?? listenUrl;
  function seeded() {
    const fresh: Ctx = {
      store: new Store(newPartition),
      clock,
      random: new Random(config.seed),
      events: new EventBus(),
      publicUrl,
    };
    const result = seed(fresh, {
      sources,
      customers: config.customers,
      organizationId: config.organizationId,
      token: config.token,
      now: bootTime,
    });
    return { fresh, ...result };
  }

  /** Full resets so far: each one moves new ids to a sequence of its own (below). */
  let resets = -1;
  function build(): void {
    ready = false;
    resets++;
    const started = performance.now();
    const { fresh, ...result } = seeded();
    context = fresh;
    // The seed's own objects get the same ids after a reset; what is created afterwards must not
    // get an id handed out before it (a test holding a stale id would read someone else instead
    // of a 404): after reset n, ids come from the seed's nth sequence, the same on every run.
    if (resets > 0) context.random.reseed(epochSeed(config.seed, resets));
    organization = result.organization;
    token = result.token;
    states.booted(result.registries, () => {
      const again = seeded();
      return { store: again.fresh.store, registries: again.registries };
    });
    webhooks.reset();
    webhooks.attach(context.events);
    bootEndpoints = (config.webhookUrls ?? []).map((url) =>
      webhooks.createEndpoint(organization.id, {
        url,
        format: "raw",
        events: eventTypes,
        secret: config.webhookSecret,
      }),
    );
    webhooks.epoch(resets);
    ready = true;
    logger.debug({ ms: Math.round(performance.now() - started), customers: customerCount() }, "seeded");
  }

  function customerCount(): number {
    let count = 0;
    for (const partition of context.store.partitions.values()) count += partition.customers.size;
    return count;
  }
  build();

  function newOrganization(input: OrganizationCreateInput = {}) {
    const name = input.name ?? `Test organization ${context.store.partitions.size}`;
    const created = createOrganization(context, {
      name,
      slug: input.slug,
      member_model_enabled: input.member_model_enabled,
    }).organization;
    const issued = issueToken(context, created.id, { scopes: input.scopes, comment: "control plane" });
    states.remember(created.id);
    logger.info({ organizationId: created.id }, "organization created");
    return { organization: created, token: issued.token, scopes: [...issued.scopes] };
  }

  // Without the control token (when one is set), health says only whether it is up: the seed
  // would tell which tokens the emulator made.
  const health = (full: boolean) => ({
    status: ready ? "ready" : "starting",
    version: VERSION,
    ...(full
      ? { seed: config.seed, organizations: context.store.partitions.size, customers: customerCount() }
      : {}),
  });

  // The control plane's big requests hold the store alone, in slices of the event loop.
  const exclusive = new Exclusive();
  const fixtureLoaded = (loaded: FixtureLoaded): FixtureLoaded => {
    const customers = loaded.changed.customers;
    logger.info(
      { organizationId: loaded.organizationId, changed: Array.isArray(customers) ? customers.length : 0 },
      "fixture loaded",
    );
    return loaded;
  };
  const scenarios = {
    loadFixture: (organizationId: string, fixture: unknown, source = "fixture") =>
      fixtureLoaded(states.load(organizationId, fixture, source)),
    resetOrganization: (organizationId: string) => {
      states.reset(organizationId);
      logger.info({ organizationId }, "organization reset");
    },
    snapshot: (organizationId: string) => states.snapshot(organizationId),
    restore: (snapshot: unknown, organizationId?: string) => runSteps(restoreSteps(snapshot, organizationId)),
  };
  function* restoreSteps(snapshot: unknown, organizationId?: string) {
    const restored = yield* states.restoreSteps(snapshot, organizationId);
    yield;
    // The ids in a snapshot came from this seed's random sequence, which a reset rewinds: move
    // to a sequence of its own (the same for the same snapshot), or the next object created
    // would get a restored object's id and silently replace it.
    const digest = createHash("sha256").update(JSON.stringify(snapshot)).digest();
    context.random.reseed(config.seed ^ digest.readUInt32BE(0));
    logger.info(restored, "organization restored");
    return restored;
  }

  const services: Services = {
    webhooks,
    models,
    defaultOrganizationId: () => organization.id,
    announce: (type, id, organizationId) => announce(context, type, id, organizationId),
  };
  const baseSurface: Surface = { router: buildRouter(apiOperations), handlers: apiHandlers(services) };
  const handler = createHandler({
    api: apiSurface,
    control: {
      router: buildRouter(controlOperations),
      handlers: {
        ...controlHandlers({
          ready: () => ready,
          health,
          authorized: (authorization) => controlAuthorized(config.controlToken, authorization),
          reset: build,
          createOrganization: newOrganization,
          specs: { polar: polar.text, emulator: emulator.text },
        }),
        ...scenarioHandlers({
          ...scenarios,
          loadFixture: async (organizationId, fixture, source, limits) =>
            fixtureLoaded(await exclusive.run(states.loadSteps(organizationId, fixture, source, limits))),
          snapshotText: (organizationId, format) =>
            exclusive.run(states.snapshotTextSteps(organizationId, format)),
          restore: (snapshot, organizationId) => exclusive.run(restoreSteps(snapshot, organizationId)),
        }),
        ...eventJournalHandlers(),
        ...resourceControlHandlers(services),
      },
    },
    context: () => context,
    logger,
    version: VERSION,
    rateLimiter: new RateLimiter(config.rateLimit ?? 0),
    hidden: HIDDEN_ROUTES,
    pages: PAGE_ROUTES,
    defaultApiVersion: config.apiVersion,
    renderInVersion,
    controlToken: config.controlToken,
    exclusive,
  });

  let server: Server | undefined;
  let app: Express | undefined;
  return {
    get app() {
      app ??= createApp(handler, logger);
      return app;
    },
    config,
    logger,
    get context() {
      return context;
    },
    get organization() {
      // A reset or restore of the default organization replaces its record with an equal one.
      return context.store.partitions.get(organization.id)?.organization ?? organization;
    },
    get token() {
      return token;
    },
    webhooks,
    webhookEventTypes: eventTypes,
    customerCount,
    get bootEndpoints() {
      return bootEndpoints;
    },
    reset: () => {
      build();
      logger.info("reset to the seeded state");
    },
    createOrganization: newOrganization,
    ...scenarios,
    listen: () =>
      new Promise((resolve, reject) => {
        const listening = createServer(handler);
        listening.keepAliveTimeout = 65_000;
        listening.once("error", reject);
        listening.listen(config.port, config.host, () => {
          server = listening;
          // Validators are compiled while nobody is waiting for an answer, starting 50 ms after
          // listen: the first health check of a wait loop comes sooner, and is not kept waiting.
          let lastRequest = performance.now();
          listening.on("request", () => {
            lastRequest = performance.now();
          });
          void warmUp([...apiOperations, ...controlOperations], () => performance.now() - lastRequest > 50);
          const { address, port } = listening.address() as AddressInfo;
          listenUrl = localUrl(address, port);
          resolve({ url: listenUrl, address: { host: address, port }, server: listening });
        });
      }),
    close: () =>
      new Promise((resolve) => {
        webhooks.close();
        if (!server) return resolve();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
