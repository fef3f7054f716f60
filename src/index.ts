/**
 * What test suites import: `startEmulator()` runs the same engine in-process on a free port.
 *
 * @example
 * const emulator = await startEmulator();
 * const polar = new Polar({ accessToken: emulator.token, serverURL: emulator.url });
 * // …
 * await emulator.close();
 */
import type { Config } from "./config.js";
import { DEFAULT_CONFIG } from "./config.js";
import type { ApiVersion } from "./domain/versions.js";
import { createEmulator, type Emulator } from "./emulator.js";
import { interceptPolar } from "./intercept.js";
import { completeById } from "./resources/checkouts/control.js";
import type { WireEvent } from "./resources/control.js";
import { parseFixtureText } from "./scenarios/fixture.js";
import type { FixtureLoaded } from "./scenarios/organizations.js";
import type { SnapshotDocument } from "./scenarios/snapshot.js";
import type { WebhookEventType } from "./specs.js";
import type { Clock } from "./util/clock.js";
import { STANDARD_SIGNATURE_CUTOFF } from "./webhooks/endpoints.js";
import { type DeliveryQuery, describeDelivery, describeEvent } from "./webhooks/log.js";
import { DEFAULT_DELIVERY_SETTINGS, type DeliverySettings } from "./webhooks/settings.js";

export type { Config } from "./config.js";
export type { Emulator } from "./emulator.js";
export { createEmulator, VERSION } from "./emulator.js";
export { interceptPolar, POLAR_API_HOSTS, uninterceptPolar } from "./intercept.js";
export type { Fixture } from "./scenarios/fixture.js";
export { FixtureError } from "./scenarios/fixture.js";
export type { FixtureLoaded } from "./scenarios/organizations.js";
export type { SnapshotDocument } from "./scenarios/snapshot.js";
export type { WebhookEventType } from "./specs.js";
export { type Clock, FixedClock } from "./util/clock.js";
export type { DeliveryQuery } from "./webhooks/log.js";
export type { DeliverySettings } from "./webhooks/settings.js";

/** A delivery attempt as the control plane shows it (`GET /_emulator/webhooks/deliveries`). */
export type DeliveryView = ReturnType<typeof describeDelivery>;
/** A webhook event and where it stands (`GET /_emulator/webhooks/events`). */
export type WebhookEventView = ReturnType<typeof describeEvent>;

export interface RunningWebhooks {
  /**
   * Resolves with the first `count` (default 1) matching deliveries, oldest first, as soon as the
   * log has them (deliveries already made count); rejects after `timeoutMs` (default 10 s) with an
   * error saying what did match.
   */
  waitFor(query: DeliveryQuery & { count?: number; timeoutMs?: number }): Promise<DeliveryView[]>;
  /** The deliveries in the log, oldest first. */
  deliveries(query?: DeliveryQuery): DeliveryView[];
  /** The webhook events in the log, oldest first. */
  events(query?: Omit<DeliveryQuery, "succeeded" | "after" | "webhookEventId">): WebhookEventView[];
  /**
   * Registers an endpoint (the default organization's unless told otherwise), subscribed to every
   * event type unless `events` says which. Its secret is generated as Polar generates one at the
   * emulator's time (since 2026-09-08: signed the Standard Webhooks way), unless `secret` gives
   * one (a secret the user chose: Polar's legacy key) or `signing: "legacy"` makes it as old as
   * the endpoints created before 2026-09-08, which keep the legacy key.
   */
  createEndpoint(input: {
    url: string;
    events?: WebhookEventType[];
    secret?: string;
    organizationId?: string;
    signing?: "legacy" | "standard";
    apiVersion?: ApiVersion;
  }): {
    id: string;
    secret: string;
  };
  /** Resolves when nothing is queued, in flight or waiting for a retry (false after `timeoutMs`). */
  idle(timeoutMs?: number): Promise<boolean>;
  pause(): void;
  resume(): void;
  /** Forgets the delivery log (pending events still go out). */
  clear(): void;
}

export interface RunningEmulator {
  /** Base URL, e.g. `http://127.0.0.1:54321`: the SDK's `serverURL` (0.x) or `baseUrl` (1.x). */
  url: string;
  /** The default organization's access token (all scopes). */
  token: string;
  organizationId: string;
  /** Back to the seeded state without a restart. */
  reset(): void;
  /** An isolated organization and a token for it, for one test file. */
  createOrganization(input?: {
    name?: string;
    slug?: string;
    scopes?: string[];
    /** Polar's member model feature: customers have members (off unless set). */
    member_model_enabled?: boolean;
  }): {
    organizationId: string;
    token: string;
  };
  /**
   * Loads a scenario fixture (an object, or YAML or JSON text; format: docs/fixtures.md) into an
   * organization, the default one unless told otherwise. All or nothing: a FixtureError lists every
   * problem with its path. Answers with the keys it defined (`keys.products.pro`) and the objects
   * it created, as the API returns them.
   */
  loadFixture(fixture: unknown, organizationId?: string): FixtureLoaded;
  /** One organization (the default one unless told otherwise) back to its state after boot or creation. */
  resetOrganization(organizationId?: string): void;
  /** The whole state of an organization (the default one unless told otherwise), for `restore()`. */
  snapshot(organizationId?: string): SnapshotDocument;
  /** Replaces the state of the snapshot's organization with it (or adds the organization). */
  restore(snapshot: SnapshotDocument): { organizationId: string; created: boolean };
  close(): Promise<void>;
  /** Webhook endpoints, the delivery log and `waitFor`. */
  webhooks: RunningWebhooks;
  /** Checkout sessions, finished without a browser. */
  checkouts: {
    /**
     * What `POST /_emulator/checkouts/{id}/complete` does: the session confirmed, then its payment
     * succeeds (the default) or fails. Answers with the Checkout as the API returns it and the events
     * emitted, in order; throws Polar's error (e.g. a 403 NotOpenCheckout) like the API answers it.
     */
    complete(
      id: string,
      input?: { outcome?: "succeeded" | "failed"; customer_email?: string; customer_name?: string },
    ): { checkout: Record<string, unknown>; events: WireEvent[] };
  };
  /** The engine itself, for what the control plane also offers. */
  emulator: Emulator;
}

/** Starts an emulator on 127.0.0.1 and a free port, quiet unless `logLevel` says otherwise. */
export async function startEmulator(
  options: Partial<Omit<Config, "fixtures" | "webhooks">> & {
    /** Fixture files or directories to load instead of the embedded default (one path or several). */
    fixtures?: string | string[];
    /** Delivery settings; e.g. `{ retryDelays: [0, 100] }` for fast retries in tests. */
    webhooks?: Partial<DeliverySettings>;
    /** The clock every timestamp the domain writes comes from (e.g. a FixedClock); the system's by default. */
    clock?: Clock;
    /**
     * Send this process's requests to Polar's API (`api.polar.sh`, `sandbox-api.polar.sh`, through
     * `fetch` or `node:https`) to this emulator until `close()`: code that only knows
     * `server: "sandbox"` runs against it unmodified (what `polar-emulator/register` does).
     */
    intercept?: boolean;
  } = {},
): Promise<RunningEmulator> {
  const { fixtures, webhooks, clock, intercept, ...rest } = options;
  const emulator = await createEmulator(
    {
      ...DEFAULT_CONFIG,
      host: "127.0.0.1",
      port: 0,
      logLevel: "warn",
      ...rest,
      webhooks: { ...DEFAULT_DELIVERY_SETTINGS, ...webhooks },
      ...(fixtures === undefined ? {} : { fixtures: typeof fixtures === "string" ? [fixtures] : fixtures }),
    },
    { clock },
  );
  const { url } = await emulator.listen();
  const uninstall = intercept ? interceptPolar(url) : undefined;
  return {
    url,
    get token() {
      return emulator.token;
    },
    get organizationId() {
      return emulator.organization.id;
    },
    reset: () => emulator.reset(),
    createOrganization: (input) => {
      const created = emulator.createOrganization(input);
      return { organizationId: created.organization.id, token: created.token };
    },
    loadFixture: (fixture, organizationId = emulator.organization.id) =>
      emulator.loadFixture(
        organizationId,
        typeof fixture === "string" ? parseFixtureText(fixture, "fixture") : fixture,
      ),
    resetOrganization: (organizationId = emulator.organization.id) =>
      emulator.resetOrganization(organizationId),
    snapshot: (organizationId = emulator.organization.id) => emulator.snapshot(organizationId),
    restore: (snapshot) => emulator.restore(snapshot),
    close: () => {
      uninstall?.();
      return emulator.close();
    },
    webhooks: runningWebhooks(emulator),
    checkouts: {
      complete: (id, input) =>
        completeById(emulator.context, id, input) as ReturnType<RunningEmulator["checkouts"]["complete"]>,
    },
    emulator,
  };
}

function runningWebhooks(emulator: Emulator): RunningWebhooks {
  const engine = () => emulator.webhooks;
  return {
    async waitFor({ count = 1, timeoutMs = 10_000, ...query }) {
      const found = await engine().waitFor(engine().log.filterOf(query), { count, timeoutMs });
      if (found.length >= count) return found.map(describeDelivery);
      const seen = engine()
        .log.listDeliveries()
        .slice(-10)
        .map((delivery) => `${delivery.event.type} ${delivery.succeeded ? "ok" : "failed"}`);
      throw new Error(
        `[polar-emulator] waited ${timeoutMs} ms for ${count} deliveries matching ${JSON.stringify(query)}; ` +
          `${found.length} matched. Latest deliveries: ${seen.join(", ") || "none"}`,
      );
    },
    deliveries: (query = {}) =>
      engine().log.listDeliveries(engine().log.filterOf(query)).map(describeDelivery),
    events: ({ endpointId, type, ...rest } = {}) =>
      engine()
        .log.listEvents({ ...rest, endpointId, type })
        .map(describeEvent),
    createEndpoint: ({
      url,
      events,
      secret,
      organizationId = emulator.organization.id,
      signing,
      apiVersion,
    }) => {
      const endpoint = engine().createEndpoint(organizationId, {
        url,
        format: "raw",
        events: events ?? [...emulator.webhookEventTypes],
        secret,
        api_version: apiVersion,
        // A day before the cutoff: what endpoints made before Polar signed the standard way have.
        secretGeneratedAt:
          signing === "legacy" ? new Date(STANDARD_SIGNATURE_CUTOFF.getTime() - 86_400_000) : undefined,
      });
      return { id: endpoint.id, secret: endpoint.secret };
    },
    idle: (timeoutMs) => engine().idle(timeoutMs),
    pause: () => engine().pause(),
    resume: () => engine().resume(),
    clear: () => engine().log.clear(),
  };
}
