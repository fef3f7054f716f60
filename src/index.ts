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

export type { Config } from "./config.js";
export type { Emulator } from "./emulator.js";
export { createEmulator, VERSION } from "./emulator.js";

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
  close(): Promise<void>;
  /** The engine itself, for what the control plane also offers. */
  emulator: Emulator;
}

/** Starts an emulator on 127.0.0.1 and a free port, quiet unless `logLevel` says otherwise. */
export async function startEmulator(options: Partial<Config> = {}): Promise<RunningEmulator> {
  const emulator = await createEmulator({
    ...DEFAULT_CONFIG,
    host: "127.0.0.1",
    port: 0,
    logLevel: "warn",
    ...options,
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
    close: () => emulator.close(),
    emulator,
  };
}
