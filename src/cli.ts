#!/usr/bin/env node
/**
 * polar-emulator: flags and POLAR_EMULATOR_* environment → config → start, banner, logs, and a
 * clean stop on SIGTERM/SIGINT. `polar-emulator healthcheck` probes a running emulator.
 */
import { parseArgs } from "node:util";
import { type Config, DEFAULT_CONFIG } from "./config.js";
import { createEmulator, VERSION } from "./emulator.js";
import { checkHealth } from "./healthcheck.js";
import { LOG_LEVELS, type LogLevel } from "./log.js";
import { FixtureError } from "./scenarios/fixture.js";

const HELP = `polar-emulator ${VERSION}: a local, stateful emulator of the Polar billing API (polar.sh)

Usage:
  polar-emulator [options]            start the emulator
  polar-emulator healthcheck [--port] exit 0 if the emulator on this machine answers /_emulator/health

Options (each also read from the environment variable shown; a flag wins over the environment):
  --port <n>             port to listen on; 0 picks a free one        POLAR_EMULATOR_PORT, PORT   (8000)
  --host <addr>          address to listen on                         POLAR_EMULATOR_HOST         (0.0.0.0)
  --seed <n>             seed for ids, tokens and fake data           POLAR_EMULATOR_SEED         (${DEFAULT_CONFIG.seed})
  --customers <n>        faker-made customers in the default org      POLAR_EMULATOR_CUSTOMERS    (fixture's count: 36)
  --fixtures <file>      fixture YAML to load instead of the default  POLAR_EMULATOR_FIXTURES
  --token <token>        the default organization's access token      POLAR_EMULATOR_TOKEN        (from the seed)
  --organization-id <id> the default organization's id (a UUID v4)    POLAR_EMULATOR_ORGANIZATION_ID (from the seed)
  --log-level <level>    ${LOG_LEVELS.join("|")}      POLAR_EMULATOR_LOG_LEVEL    (info)
  -h, --help             this help
  -v, --version          the version

Point the official SDK at it:
  new Polar({ accessToken, serverURL: "http://127.0.0.1:8000" })          @polar-sh/sdk 0.x
  createPolar({ accessToken, baseUrl: "http://127.0.0.1:8000" })         @polar-sh/sdk 1.x

Control plane (no auth): GET /_emulator/health, POST /_emulator/reset,
  GET|POST /_emulator/organizations, GET /_emulator/openapi/{polar,emulator}.yaml
Docs: README.md`;

class UsageError extends Error {}

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
      fixtures: { type: "string" },
      token: { type: "string" },
      "organization-id": { type: "string" },
      "log-level": { type: "string" },
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
  config.fixtures = pick(values.fixtures, "POLAR_EMULATOR_FIXTURES");
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
  const level = pick(values["log-level"], "POLAR_EMULATOR_LOG_LEVEL");
  if (level !== undefined) {
    if (!(LOG_LEVELS as readonly string[]).includes(level))
      throw new UsageError(`--log-level must be one of ${LOG_LEVELS.join(", ")}, got "${level}"`);
    config.logLevel = level as LogLevel;
  }
  return { config, help: values.help === true, version: values.version === true };
}

async function healthcheck(argv: string[]): Promise<number> {
  const { config } = resolveConfig(argv, process.env);
  const result = await checkHealth(`http://127.0.0.1:${config.port}/_emulator/health`);
  if (!result.ok) console.error(`[polar-emulator] unhealthy: ${result.error}`);
  return result.ok ? 0 : 1;
}

function banner(
  url: string,
  organization: { id: string; name: string },
  token: string,
  customers: number,
): string {
  return [
    `polar-emulator ${VERSION} is listening on ${url}`,
    `  organization   ${organization.name} (${organization.id}), ${customers} customers`,
    `  access token   ${token}`,
    "",
    `  curl -H 'Authorization: Bearer <token>' ${url}/v1/customers/`,
    `  @polar-sh/sdk 0.x   new Polar({ accessToken: "<token>", serverURL: "${url}" })`,
    `  @polar-sh/sdk 1.x   createPolar({ accessToken: "<token>", baseUrl: "${url}" })`,
    `  control plane       ${url}/_emulator/health · POST ${url}/_emulator/reset`,
    "",
  ].join("\n");
}

async function main(argv: string[]): Promise<number> {
  if (argv[0] === "healthcheck") return healthcheck(argv.slice(1));
  const { config, help, version } = resolveConfig(argv, process.env);
  if (help) {
    console.log(HELP);
    return 0;
  }
  if (version) {
    console.log(VERSION);
    return 0;
  }
  const started = performance.now();
  const emulator = await createEmulator(config);
  const { url } = await emulator.listen();
  process.stdout.write(
    banner(url, emulator.organization, emulator.token, emulator.context.store.customerCount()),
  );
  emulator.logger.info({ url, ms: Math.round(performance.now() - started) }, "ready");

  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      emulator.logger.info({ signal }, "stopping");
      void emulator.close().then(resolve);
    };
    process.once("SIGTERM", () => stop("SIGTERM"));
    process.once("SIGINT", () => stop("SIGINT"));
  });
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (
      error instanceof UsageError ||
      error instanceof FixtureError ||
      (error instanceof TypeError && "code" in error)
    ) {
      console.error(
        `[polar-emulator] ${error.message.replace(/^\[polar-emulator\] /, "")}\nRun polar-emulator --help for the options.`,
      );
      process.exit(2);
    }
    if (error instanceof Error && "code" in error && error.code === "EADDRINUSE") {
      console.error(
        `[polar-emulator] the port is already in use: ${error.message}. Pick another with --port (0 picks a free one).`,
      );
      process.exit(1);
    }
    console.error("[polar-emulator] failed to start:", error);
    process.exit(1);
  },
);
