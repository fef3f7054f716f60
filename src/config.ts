/** The emulator's configuration: defaults, then environment, then flags. */
import type { LogLevel } from "./log.js";

export interface Config {
  port: number;
  host: string;
  seed: number;
  /** How many faker-made customers to generate; the fixture's own count when undefined. */
  customers?: number;
  /** A fixture file to load instead of the embedded default. */
  fixtures?: string;
  logLevel: LogLevel;
  /** The default organization's token; derived from the seed when undefined. */
  token?: string;
  /** The default organization's id; derived from the seed when undefined. */
  organizationId?: string;
}

export const DEFAULT_SEED = 1337;

export const DEFAULT_CONFIG: Config = {
  port: 8000,
  host: "0.0.0.0",
  seed: DEFAULT_SEED,
  logLevel: "info",
};
