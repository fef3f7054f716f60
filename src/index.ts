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
import { createEmulator, type Emulator } from "./emulator.js";
import { parseFixtureText } from "./scenarios/fixture.js";
import type { FixtureLoaded } from "./scenarios/organizations.js";
import type { SnapshotDocument } from "./scenarios/snapshot.js";

export type { Config } from "./config.js";
export type { Emulator } from "./emulator.js";
export { createEmulator, VERSION } from "./emulator.js";
export type { Fixture } from "./scenarios/fixture.js";
export { FixtureError } from "./scenarios/fixture.js";
export type { FixtureLoaded } from "./scenarios/organizations.js";
export type { SnapshotDocument } from "./scenarios/snapshot.js";

export interface RunningEmulator {
  /** Base URL, e.g. `http://127.0.0.1:54321`: the SDK's `serverURL` (0.x) or `baseUrl` (1.x). */
  url: string;
  /** The default organization's access token (all scopes). */
  token: string;
  organizationId: string;
  /** Back to the seeded state without a restart. */
  reset(): void;
  /** An isolated organization and a token for it, for one test file. */
  createOrganization(input?: { name?: string; slug?: string; scopes?: string[] }): {
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
  /** The engine itself, for what the control plane also offers. */
  emulator: Emulator;
}

/** Starts an emulator on 127.0.0.1 and a free port, quiet unless `logLevel` says otherwise. */
export async function startEmulator(
  options: Partial<Omit<Config, "fixtures">> & {
    /** Fixture files or directories to load instead of the embedded default (one path or several). */
    fixtures?: string | string[];
  } = {},
): Promise<RunningEmulator> {
  const { fixtures, ...rest } = options;
  const emulator = await createEmulator({
    ...DEFAULT_CONFIG,
    host: "127.0.0.1",
    port: 0,
    logLevel: "warn",
    ...rest,
    ...(fixtures === undefined ? {} : { fixtures: typeof fixtures === "string" ? [fixtures] : fixtures }),
  });
  const { url } = await emulator.listen();
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
    close: () => emulator.close(),
    emulator,
  };
}
