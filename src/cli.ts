#!/usr/bin/env node
/**
 * polar-emulator: flags and POLAR_EMULATOR_* environment → config → start, banner, logs, and a
 * clean stop on SIGTERM/SIGINT. `polar-emulator healthcheck` probes a running emulator.
 */
import { DEFAULT_CONFIG, resolveConfig, UsageError } from "./config.js";
import { createEmulator, VERSION } from "./emulator.js";
import { checkHealth } from "./healthcheck.js";
import { LOG_LEVELS } from "./log.js";
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
