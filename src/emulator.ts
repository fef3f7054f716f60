/**
 * createEmulator(config): wires the store, clock, random source, events and the HTTP app.
 * The CLI, the Docker image and `startEmulator()` in test suites are thin shells around it.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Express } from "express";
import type { Logger } from "pino";
import { benefitHandlers } from "./api/benefits.js";
import { customerHandlers } from "./api/customers.js";
import { grantHandlers } from "./api/grants.js";
import { meterHandlers } from "./api/meters.js";
import { productBenefitHandlers } from "./api/product-benefits.js";
import { productHandlers } from "./api/products.js";
import { subscriptionHandlers } from "./api/subscriptions.js";
import { webhookHandlers } from "./api/webhooks.js";
import type { Config } from "./config.js";
import { billingControlHandlers } from "./control/billing.js";
import { controlHandlers } from "./control/handlers.js";
import { scenarioHandlers } from "./control/scenarios.js";
import { webhookControlHandlers } from "./control/webhooks.js";
import type { DomainContext } from "./domain/context.js";
import { EventBus } from "./domain/events.js";
import type { WebhookEventType } from "./domain/wire.js";
import { createApp } from "./http/app.js";
import { ALL_SCOPES } from "./http/auth.js";
import { buildRouter, loadOperations, readSpec, warmUp } from "./http/openapi.js";
import { RateLimiter } from "./http/rate-limit.js";
import { createLogger } from "./log.js";
import { readBootFixtures } from "./scenarios/fixture.js";
import { type FixtureLoaded, OrganizationStates } from "./scenarios/organizations.js";
import { emulatorSchemas, polarSchemas } from "./scenarios/schemas.js";
import { seed } from "./scenarios/seed.js";
import type { SnapshotDocument } from "./scenarios/snapshot.js";
import { type Organization, Store } from "./store/store.js";
import { type Clock, systemClock } from "./util/clock.js";
import { Random } from "./util/random.js";
import type { EndpointRecord } from "./webhooks/endpoints.js";
import { WebhookEngine } from "./webhooks/engine.js";
import { DEFAULT_DELIVERY_SETTINGS } from "./webhooks/settings.js";

export const VERSION: string = (
  JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }
).version;

const SPEC_DIR = new URL("../spec/", import.meta.url);

export interface Emulator {
  app: Express;
  config: Config;
  logger: Logger;
  /** The current domain (replaced by a reset). */
  readonly context: DomainContext;
  readonly organization: Organization;
  readonly token: string;
  /** The webhook engine: endpoints, the delivery log, waits, pause and resume, faults. */
  readonly webhooks: WebhookEngine;
  /** Every webhook event type of Polar's document. */
  readonly webhookEventTypes: readonly WebhookEventType[];
  /** The endpoints `--webhook-url` registered at boot (again after a full reset). */
  readonly bootEndpoints: readonly EndpointRecord[];
  /** Back to the seeded state: same ids, tokens and customers as at startup. */
  reset(): void;
  createOrganization(input?: { name?: string; slug?: string; scopes?: string[] }): {
    organization: Organization;
    token: string;
    scopes: string[];
  };
  /**
   * Loads a scenario fixture (parsed YAML or JSON) into an organization, all or nothing; throws a
   * FixtureError listing every problem, with its path inside the fixture.
   */
  loadFixture(organizationId: string, fixture: unknown, source?: string): FixtureLoaded;
  /** Puts one organization back to its state right after boot (or creation); others are untouched. */
  resetOrganization(organizationId: string): void;
  /** The whole state of one organization, as a JSON document `restore()` takes back. */
  snapshot(organizationId: string): SnapshotDocument;
  /** Replaces an organization's state with a snapshot (or adds it); refused whole when invalid. */
  restore(snapshot: unknown, organizationId?: string): { organizationId: string; created: boolean };
  listen(): Promise<{ url: string; server: Server }>;
  close(): Promise<void>;
}

export async function createEmulator(
  config: Config,
  options: { clock?: Clock; logger?: Logger } = {},
): Promise<Emulator> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const clock = options.clock ?? systemClock;

  const specs = {
    polar: readFileSync(new URL("polar.yaml", SPEC_DIR), "utf8"),
    emulator: readFileSync(new URL("emulator.yaml", SPEC_DIR), "utf8"),
  };
  const documents = {
    polar: readSpec(new URL("polar.yaml", SPEC_DIR).pathname),
    emulator: readSpec(new URL("emulator.yaml", SPEC_DIR).pathname),
  };
  // Fixtures are checked against the same documents (parsed once).
  polarSchemas.use(documents.polar);
  emulatorSchemas.use(documents.emulator);
  const [apiOperations, controlOperations] = await Promise.all([
    loadOperations(documents.polar),
    loadOperations(documents.emulator),
  ]);
  const sources = readBootFixtures(config.fixtures);

  let ready = false;
  let context!: DomainContext;
  let organization!: Organization;
  let token!: string;
  const states = new OrganizationStates(config.seed, () => context);
  const webhooks = new WebhookEngine(
    { ...DEFAULT_DELIVERY_SETTINGS, ...config.webhooks },
    config.seed,
    clock,
    logger,
    (id) => context.store.partitions.get(id)?.organization.name ?? "",
  );
  const eventTypes = webhookEventTypes(documents.polar);
  let bootEndpoints: EndpointRecord[] = [];

  // `reference_time: now` in a fixture means the boot time, also when a reset builds it again.
  const bootTime = clock.now();
  function seeded() {
    const fresh: DomainContext = {
      store: new Store(),
      clock,
      random: new Random(config.seed),
      events: new EventBus(),
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

  function build(): void {
    ready = false;
    const started = performance.now();
    const { fresh, ...result } = seeded();
    context = fresh;
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
    ready = true;
    logger.debug(
      { ms: Math.round(performance.now() - started), customers: fresh.store.customerCount() },
      "seeded",
    );
  }
  build();

  function createOrganization(input: { name?: string; slug?: string; scopes?: string[] } = {}) {
    const { random, store } = context;
    const id = random.uuid();
    const created: Organization = {
      id,
      name: input.name ?? `Test organization ${store.partitions.size}`,
      slug: input.slug ?? `test-${id.slice(0, 8)}`,
      created_at: context.clock.now(),
    };
    store.addOrganization(created);
    const scopes = input.scopes ?? ALL_SCOPES;
    const value = random.organizationToken();
    store.addToken({ token: value, organizationId: id, scopes: new Set(scopes), comment: "control plane" });
    states.remember(id);
    logger.info({ organizationId: id }, "organization created");
    return { organization: created, token: value, scopes: [...scopes] };
  }

  const health = () => ({
    status: ready ? "ready" : "starting",
    version: VERSION,
    seed: config.seed,
    organizations: context.store.partitions.size,
    customers: context.store.customerCount(),
  });

  const scenarios = {
    loadFixture: (organizationId: string, fixture: unknown, source = "fixture") => {
      const loaded = states.load(organizationId, fixture, source);
      logger.info({ organizationId, changed: loaded.changed.customers.length }, "fixture loaded");
      return loaded;
    },
    resetOrganization: (organizationId: string) => {
      states.reset(organizationId);
      logger.info({ organizationId }, "organization reset");
    },
    snapshot: (organizationId: string) => states.snapshot(organizationId),
    restore: (snapshot: unknown, organizationId?: string) => {
      const restored = states.restore(snapshot, organizationId);
      // The ids in a snapshot came from this seed's random sequence, which a reset rewinds: move
      // to a sequence of its own (the same for the same snapshot), or the next object created
      // would get a restored object's id and silently replace it.
      const digest = createHash("sha256").update(JSON.stringify(snapshot)).digest();
      context.random.reseed(config.seed ^ digest.readUInt32BE(0));
      logger.info(restored, "organization restored");
      return restored;
    },
  };

  const app = createApp({
    api: {
      router: buildRouter(apiOperations),
      handlers: {
        ...customerHandlers,
        ...productHandlers,
        ...productBenefitHandlers,
        ...benefitHandlers,
        ...meterHandlers,
        ...subscriptionHandlers,
        ...grantHandlers,
        ...webhookHandlers(webhooks),
      },
    },
    control: {
      router: buildRouter(controlOperations),
      handlers: {
        ...controlHandlers({ ready: () => ready, health, reset: build, createOrganization, specs }),
        ...billingControlHandlers({ defaultOrganizationId: () => organization.id }),
        ...scenarioHandlers(scenarios),
        ...webhookControlHandlers(webhooks),
      },
    },
    context: () => context,
    logger,
    version: VERSION,
    rateLimiter: new RateLimiter(config.rateLimit ?? 0),
  });

  let server: Server | undefined;
  return {
    app,
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
    get bootEndpoints() {
      return bootEndpoints;
    },
    reset: () => {
      build();
      logger.info("reset to the seeded state");
    },
    createOrganization,
    ...scenarios,
    listen: () =>
      new Promise((resolve, reject) => {
        const listening = createServer(app);
        listening.keepAliveTimeout = 65_000;
        listening.once("error", reject);
        listening.listen(config.port, config.host, () => {
          server = listening;
          void warmUp([...apiOperations, ...controlOperations]);
          const { port } = listening.address() as AddressInfo;
          const host = config.host === "0.0.0.0" || config.host === "::" ? "127.0.0.1" : config.host;
          resolve({ url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`, server: listening });
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

/** Every webhook event type Polar's document lists (what a `--webhook-url` endpoint subscribes to). */
function webhookEventTypes(document: Record<string, unknown>): WebhookEventType[] {
  const schemas = (document.components as { schemas?: Record<string, { enum?: unknown }> } | undefined)
    ?.schemas;
  const values = schemas?.WebhookEventType?.enum;
  if (!Array.isArray(values)) throw new Error("[polar-emulator] spec/polar.yaml lacks WebhookEventType");
  return values.map((value) => String(value) as WebhookEventType);
}
