/**
 * createEmulator(config): wires the store, clock, random source, events and the HTTP app.
 * The CLI, the Docker image and `startEmulator()` in test suites are thin shells around it.
 */
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Express } from "express";
import type { Logger } from "pino";
import { benefitHandlers } from "./api/benefits.js";
import { customerHandlers } from "./api/customers.js";
import { grantHandlers } from "./api/grants.js";
import { meterHandlers } from "./api/meters.js";
import { productHandlers } from "./api/products.js";
import { subscriptionHandlers } from "./api/subscriptions.js";
import type { Config } from "./config.js";
import { controlHandlers } from "./control/handlers.js";
import type { DomainContext } from "./domain/context.js";
import { EventBus } from "./domain/events.js";
import { createApp } from "./http/app.js";
import { ALL_SCOPES } from "./http/auth.js";
import { buildRouter, loadOperations, readSpec, warmUp } from "./http/openapi.js";
import { RateLimiter } from "./http/rate-limit.js";
import { createLogger } from "./log.js";
import { DEFAULT_FIXTURE, type Fixture, loadFixture } from "./scenarios/fixture.js";
import { seed } from "./scenarios/seed.js";
import { type Organization, Store } from "./store/store.js";
import { type Clock, systemClock } from "./util/clock.js";
import { Random } from "./util/random.js";

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
  /** Back to the seeded state: same ids, tokens and customers as at startup. */
  reset(): void;
  createOrganization(input?: { name?: string; slug?: string; scopes?: string[] }): {
    organization: Organization;
    token: string;
    scopes: string[];
  };
  listen(): Promise<{ url: string; server: Server }>;
  close(): Promise<void>;
}

export async function createEmulator(
  config: Config,
  options: { clock?: Clock; logger?: Logger } = {},
): Promise<Emulator> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const clock = options.clock ?? systemClock;
  const fixtureFile = config.fixtures ?? DEFAULT_FIXTURE;
  const fixture: Fixture = loadFixture(fixtureFile);
  const fixtureName = config.fixtures ?? "fixtures/default.yaml";

  const specs = {
    polar: readFileSync(new URL("polar.yaml", SPEC_DIR), "utf8"),
    emulator: readFileSync(new URL("emulator.yaml", SPEC_DIR), "utf8"),
  };
  const [apiOperations, controlOperations] = await Promise.all([
    loadOperations(readSpec(new URL("polar.yaml", SPEC_DIR).pathname)),
    loadOperations(readSpec(new URL("emulator.yaml", SPEC_DIR).pathname)),
  ]);

  let ready = false;
  let context!: DomainContext;
  let organization!: Organization;
  let token!: string;

  function build(): void {
    ready = false;
    const started = performance.now();
    const fresh: DomainContext = {
      store: new Store(),
      clock,
      random: new Random(config.seed),
      events: new EventBus(),
    };
    const seeded = seed(fresh, {
      fixture,
      fixtureName,
      customers: config.customers,
      organizationId: config.organizationId,
      token: config.token,
    });
    context = fresh;
    organization = seeded.organization;
    token = seeded.token;
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

  const app = createApp({
    api: {
      router: buildRouter(apiOperations),
      handlers: {
        ...customerHandlers,
        ...productHandlers,
        ...benefitHandlers,
        ...meterHandlers,
        ...subscriptionHandlers,
        ...grantHandlers,
      },
    },
    control: {
      router: buildRouter(controlOperations),
      handlers: controlHandlers({ ready: () => ready, health, reset: build, createOrganization, specs }),
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
      return organization;
    },
    get token() {
      return token;
    },
    reset: () => {
      build();
      logger.info("reset to the seeded state");
    },
    createOrganization,
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
        if (!server) return resolve();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
