/** The emulator's configuration: defaults, then environment, then flags. */
import { delimiter } from "node:path";
import { parseArgs } from "node:util";
import { API_VERSIONS, type ApiVersion, DEFAULT_API_VERSION } from "./domain/versions.js";
import { LOG_LEVELS, type LogLevel } from "./log.js";
import { DEFAULT_DELIVERY_SETTINGS, type DeliverySettings, parseDuration } from "./webhooks/settings.js";

export interface Config {
  port: number;
  /**
   * The address to listen on: 127.0.0.1 (this machine only) unless told otherwise; the Docker
   * image sets 0.0.0.0 so a published port reaches it.
   */
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
  /**
   * When set, every `/_emulator/*` request but the health check must carry
   * `Authorization: Bearer <controlToken>` (401 otherwise); the control plane is open when undefined.
   */
  controlToken?: string;
  /** Requests per minute and organization before 429, as Polar's sandbox (100); off when undefined or 0. */
  rateLimit?: number;
  /**
   * The base URL a browser reaches the emulator at (`--public-url`), what a checkout's `url` and a
   * checkout link's `url` start with; the address it listens on when undefined.
   */
  publicUrl?: string;
  /** The API version a request without `Polar-Version` is answered in (Polar's current version). */
  apiVersion: ApiVersion;
  /** Endpoints registered for the default organization at boot, subscribed to every event type. */
  webhookUrls?: string[];
  /** Their secret; generated from the seed when undefined. */
  webhookSecret?: string;
  /** How webhooks are delivered (retries, timeout, signing key rule, ordering, debounce, log size). */
  webhooks: DeliverySettings;
}

export const DEFAULT_SEED = 1337;

export const DEFAULT_CONFIG: Config = {
  port: 8000,
  host: "127.0.0.1",
  seed: DEFAULT_SEED,
  logLevel: "info",
  apiVersion: DEFAULT_API_VERSION,
  webhooks: DEFAULT_DELIVERY_SETTINGS,
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
/** Every flag, with how parseArgs reads it. */
const OPTIONS = {
  port: { type: "string" },
  host: { type: "string" },
  "control-token": { type: "string" },
  seed: { type: "string" },
  customers: { type: "string" },
  fixtures: { type: "string", multiple: true },
  token: { type: "string" },
  "organization-id": { type: "string" },
  "log-level": { type: "string" },
  "rate-limit": { type: "string" },
  "api-version": { type: "string" },
  "public-url": { type: "string" },
  "webhook-url": { type: "string", multiple: true },
  "webhook-secret": { type: "string" },
  "webhook-retry-delays": { type: "string" },
  "webhook-max-attempts": { type: "string" },
  "webhook-timeout": { type: "string" },
  "webhook-signing": { type: "string" },
  "webhook-ordering": { type: "string" },
  "webhook-log-size": { type: "string" },
  "webhook-max-pending": { type: "string" },
  "state-changed-debounce": { type: "string" },
  help: { type: "boolean", short: "h" },
  version: { type: "boolean", short: "v" },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; strict: true }>>["values"];

export function resolveConfig(
  argv: string[],
  env: NodeJS.ProcessEnv,
): { config: Config; help: boolean; version: boolean } {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: OPTIONS,
  });
  const pick = (flag: string | undefined, ...names: string[]) =>
    flag ?? names.map((name) => env[name]).find((v) => v !== undefined && v !== "");
  const config: Config = { ...DEFAULT_CONFIG, webhooks: { ...DEFAULT_DELIVERY_SETTINGS } };
  const port = pick(values.port, "POLAR_EMULATOR_PORT", "PORT");
  if (port !== undefined) config.port = integer("--port", port, 0, 65535);
  config.host = pick(values.host, "POLAR_EMULATOR_HOST") ?? config.host;
  const controlToken = pick(values["control-token"], "POLAR_EMULATOR_CONTROL_TOKEN");
  if (controlToken !== undefined) {
    // What a Bearer credential may hold (RFC 6750's b64token), so any HTTP client can send it.
    if (!/^[A-Za-z0-9\-._~+/]{16,}=*$/.test(controlToken))
      throw new UsageError(
        "--control-token must be at least 16 letters, digits or -._~+/ (e.g. openssl rand -hex 32)",
      );
    config.controlToken = controlToken;
  }
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
  const apiVersion = pick(values["api-version"], "POLAR_EMULATOR_API_VERSION");
  if (apiVersion !== undefined) config.apiVersion = oneOf("--api-version", apiVersion, API_VERSIONS);
  const publicUrl = pick(values["public-url"], "POLAR_EMULATOR_PUBLIC_URL");
  if (publicUrl !== undefined) config.publicUrl = publicUrlOf(publicUrl);
  webhookConfig(config, values, env, pick);
  const level = pick(values["log-level"], "POLAR_EMULATOR_LOG_LEVEL");
  if (level !== undefined) {
    config.logLevel = oneOf("--log-level", level, LOG_LEVELS);
  }
  return { config, help: values.help === true, version: values.version === true };
}

/** An http(s) URL with no query or fragment, without its trailing slash. */
function publicUrlOf(value: string): string {
  let parsed: URL | undefined;
  try {
    parsed = new URL(value.trim());
  } catch {
    parsed = undefined;
  }
  if (
    !parsed ||
    (parsed.protocol !== "http:" && parsed.protocol !== "https:") ||
    parsed.search ||
    parsed.hash
  )
    throw new UsageError(`--public-url must be an http:// or https:// URL without a query, got "${value}"`);
  return `${parsed.origin}${parsed.pathname.replace(/\/+$/, "")}`;
}

function duration(name: string, value: string, max: number): number {
  const parsed = parseDuration(value);
  if (parsed === undefined || parsed > max) {
    throw new UsageError(
      `${name} must be a duration such as 250ms, 2s or 1m (a bare number is milliseconds), at most ${max / 1000} s, got "${value}"`,
    );
  }
  return parsed;
}

function oneOf<T extends string>(name: string, value: string, allowed: readonly T[]): T {
  const found = allowed.find((item) => item === value);
  if (found === undefined)
    throw new UsageError(`${name} must be one of ${allowed.join(", ")}, got "${value}"`);
  return found;
}

/** The --webhook-* flags and --state-changed-debounce, with their environment variables. */
function webhookConfig(
  config: Config,
  values: Values,
  env: NodeJS.ProcessEnv,
  pick: (flag: string | undefined, ...names: string[]) => string | undefined,
): void {
  const flagUrls = values["webhook-url"];
  const urls = (flagUrls ?? env.POLAR_EMULATOR_WEBHOOK_URL?.split(",") ?? [])
    .map((url) => url.trim())
    .filter((url) => url !== "");
  for (const url of urls) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(url);
    } catch {
      parsed = undefined;
    }
    if (!parsed || (parsed.protocol !== "http:" && parsed.protocol !== "https:"))
      throw new UsageError(`--webhook-url must be an http:// or https:// URL, got "${url}"`);
  }
  if (flagUrls?.some((url) => url.trim() === "")) throw new UsageError("--webhook-url needs a URL");
  if (urls.length > 0) config.webhookUrls = urls;
  const secret = pick(values["webhook-secret"], "POLAR_EMULATOR_WEBHOOK_SECRET");
  if (secret !== undefined) config.webhookSecret = secret;

  const settings = config.webhooks;
  const delays = pick(values["webhook-retry-delays"], "POLAR_EMULATOR_WEBHOOK_RETRY_DELAYS");
  if (delays !== undefined && delays.trim() !== "polar") {
    settings.retryDelays = delays
      .split(",")
      .map((item) => duration("--webhook-retry-delays", item, 3_600_000));
  }
  const attempts = pick(values["webhook-max-attempts"], "POLAR_EMULATOR_WEBHOOK_MAX_ATTEMPTS");
  if (attempts !== undefined) settings.maxAttempts = integer("--webhook-max-attempts", attempts, 1, 100);
  const timeout = pick(values["webhook-timeout"], "POLAR_EMULATOR_WEBHOOK_TIMEOUT");
  if (timeout !== undefined)
    settings.timeoutMs = Math.max(1, duration("--webhook-timeout", timeout, 600_000));
  const signing = pick(values["webhook-signing"], "POLAR_EMULATOR_WEBHOOK_SIGNING");
  if (signing !== undefined) {
    // `polar` was the legacy key's name before Polar signed the Standard Webhooks way.
    const rule = oneOf("--webhook-signing", signing, ["auto", "legacy", "standard", "polar"]);
    settings.signing = rule === "polar" ? "legacy" : rule;
  }
  const ordering = pick(values["webhook-ordering"], "POLAR_EMULATOR_WEBHOOK_ORDERING");
  if (ordering !== undefined) settings.ordering = oneOf("--webhook-ordering", ordering, ["strict", "polar"]);
  const maxPending = pick(values["webhook-max-pending"], "POLAR_EMULATOR_WEBHOOK_MAX_PENDING");
  if (maxPending !== undefined)
    settings.maxPending = integer("--webhook-max-pending", maxPending, 1, 1_000_000);
  const logSize = pick(values["webhook-log-size"], "POLAR_EMULATOR_WEBHOOK_LOG_SIZE");
  if (logSize !== undefined) settings.logSize = integer("--webhook-log-size", logSize, 1, 1_000_000);
  const debounce = pick(values["state-changed-debounce"], "POLAR_EMULATOR_STATE_CHANGED_DEBOUNCE");
  if (debounce !== undefined)
    settings.stateChangedDebounceMs = duration("--state-changed-debounce", debounce, 600_000);
}
