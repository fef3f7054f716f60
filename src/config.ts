/** The emulator's configuration: defaults, then environment, then flags. */
import { delimiter } from "node:path";
import { parseArgs } from "node:util";
import { LOG_LEVELS, type LogLevel } from "./log.js";

export interface Config {
  port: number;
  host: string;
  seed: number;
  /** How many faker-made customers to generate; the fixture's own count when undefined. */
  customers?: number;
  /**
   * Fixture files (or directories of them) to load instead of the embedded default, in order:
   * a directory stands for its *.yaml, *.yml and *.json files, sorted by name.
   */
  fixtures?: string[];
  logLevel: LogLevel;
  /** The default organization's token; derived from the seed when undefined. */
  token?: string;
  /** The default organization's id; derived from the seed when undefined. */
  organizationId?: string;
  /** Requests per minute and organization before 429, as Polar's sandbox (100); off when undefined or 0. */
  rateLimit?: number;
}

export const DEFAULT_SEED = 1337;

export const DEFAULT_CONFIG: Config = {
  port: 8000,
  host: "0.0.0.0",
  seed: DEFAULT_SEED,
  logLevel: "info",
};

/** A flag or environment value that is not usable; the CLI prints it and exits 2. */
export class UsageError extends Error {}

function integer(name: string, value: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const parsed = Number(value);
  if (!/^\d+$/.test(value.trim()) || parsed < min || parsed > max) {
    throw new UsageError(`${name} must be a whole number from ${min} to ${max}, got "${value}"`);
  }
  return parsed;
}

/** Flags over environment over defaults. Exported for tests. */
export function resolveConfig(
  argv: string[],
  env: NodeJS.ProcessEnv,
): { config: Config; help: boolean; version: boolean } {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      port: { type: "string" },
      host: { type: "string" },
      seed: { type: "string" },
      customers: { type: "string" },
      fixtures: { type: "string", multiple: true },
      token: { type: "string" },
      "organization-id": { type: "string" },
      "log-level": { type: "string" },
      "rate-limit": { type: "string" },
      help: { type: "boolean", short: "h" },
      version: { type: "boolean", short: "v" },
    },
  });
  const pick = (flag: string | undefined, ...names: string[]) =>
    flag ?? names.map((name) => env[name]).find((v) => v !== undefined && v !== "");
  const config: Config = { ...DEFAULT_CONFIG };
  const port = pick(values.port, "POLAR_EMULATOR_PORT", "PORT");
  if (port !== undefined) config.port = integer("--port", port, 0, 65535);
  config.host = pick(values.host, "POLAR_EMULATOR_HOST") ?? config.host;
  const seed = pick(values.seed, "POLAR_EMULATOR_SEED");
  if (seed !== undefined) config.seed = integer("--seed", seed, 0, 2 ** 32 - 1);
  const customers = pick(values.customers, "POLAR_EMULATOR_CUSTOMERS");
  if (customers !== undefined) config.customers = integer("--customers", customers, 0, 1_000_000);
  // Repeatable flag; the environment variable takes several, separated by commas (or the path delimiter).
  const fromEnv = env.POLAR_EMULATOR_FIXTURES?.split(new RegExp(`[,${delimiter}]`));
  const fixtures = (values.fixtures ?? fromEnv ?? [])
    .map((path) => path.trim())
    .filter((path) => path !== "");
  if (values.fixtures?.some((path) => path.trim() === ""))
    throw new UsageError("--fixtures needs a file or directory");
  if (fixtures.length > 0) config.fixtures = fixtures;
  const token = pick(values.token, "POLAR_EMULATOR_TOKEN");
  if (token !== undefined) {
    if (!/^polar_oat_[A-Za-z0-9]{43}$/.test(token))
      throw new UsageError(`--token must be polar_oat_ followed by 43 letters or digits, got "${token}"`);
    config.token = token;
  }
  const organizationId = pick(values["organization-id"], "POLAR_EMULATOR_ORGANIZATION_ID");
  if (organizationId !== undefined) {
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i.test(organizationId)) {
      throw new UsageError(`--organization-id must be a UUID version 4, got "${organizationId}"`);
    }
    config.organizationId = organizationId.toLowerCase();
  }
  const rateLimit = pick(values["rate-limit"], "POLAR_EMULATOR_RATE_LIMIT");
  if (rateLimit !== undefined) config.rateLimit = integer("--rate-limit", rateLimit, 0, 1_000_000);
  const level = pick(values["log-level"], "POLAR_EMULATOR_LOG_LEVEL");
  if (level !== undefined) {
    if (!(LOG_LEVELS as readonly string[]).includes(level))
      throw new UsageError(`--log-level must be one of ${LOG_LEVELS.join(", ")}, got "${level}"`);
    config.logLevel = level as LogLevel;
  }
  return { config, help: values.help === true, version: values.version === true };
}
