#!/usr/bin/env node
/**
 * polar-emulator: flags and POLAR_EMULATOR_* environment → config → start, banner, logs, and a
 * clean stop on SIGTERM/SIGINT. `polar-emulator healthcheck` probes a running emulator.
 */
import { setFlagsFromString } from "node:v8";
import { compileCache } from "./compile-cache.js";
import { DEFAULT_CONFIG, resolveConfig, UsageError } from "./config.js";
import { createEmulator, isWildcardHost, localUrl, VERSION } from "./emulator.js";
import { checkHealth } from "./healthcheck.js";
import { drainLogs, LOG_LEVELS } from "./log.js";
import { FixtureError } from "./scenarios/fixture.js";

/** How much above the live heap V8 may let its heap grow between full collections, in percent. */
const HEAP_GROWING_PERCENT = 30;

const HELP = `polar-emulator ${VERSION}: a local, stateful emulator of the Polar billing API (polar.sh)

Usage:
  polar-emulator [options]              start the emulator
  polar-emulator healthcheck [--port] [--host]
                                        exit 0 if the emulator answers /_emulator/health

Options (each can also be set by the environment variable below it; a flag wins):
  --port <n>                port to listen on; 0 picks a free one (default 8000)
                            POLAR_EMULATOR_PORT, or PORT
  --host <addr>             address to listen on (default 127.0.0.1: this machine only; the
                            Docker image sets 0.0.0.0). 0.0.0.0 opens it to the network: set
                            --control-token too (README: Security)
                            POLAR_EMULATOR_HOST
  --control-token <token>   require Authorization: Bearer <token> on /_emulator/* (health
                            excepted: it then answers only status and version); default: none
                            POLAR_EMULATOR_CONTROL_TOKEN
  --seed <n>                seed for ids, tokens and fake data (default ${DEFAULT_CONFIG.seed});
                            the same seed and the same calls give the same bytes
                            POLAR_EMULATOR_SEED
  --customers <n>           faker-made customers in the default organization (default: the
                            fixture's, 32); e.g. 10000 for load tests
                            POLAR_EMULATOR_CUSTOMERS
  --fixtures <path>         a fixture (YAML or JSON) or a snapshot to load instead of the
                            embedded default; repeat it to load several, in order; a
                            directory loads its *.yaml, *.yml and *.json files, sorted by name
                            (format: docs/fixtures.md)
                            POLAR_EMULATOR_FIXTURES (several separated by commas)
  --token <token>           the default organization's access token (default: from the seed)
                            POLAR_EMULATOR_TOKEN
  --organization-id <uuid>  the default organization's id (default: from the seed)
                            POLAR_EMULATOR_ORGANIZATION_ID
  --rate-limit <n>          requests per minute per organization before 429 (default: off;
                            Polar's sandbox allows 100)
                            POLAR_EMULATOR_RATE_LIMIT
  --api-version <v>         the API version of requests without a Polar-Version header, and of
                            webhook endpoints created without one: 2026-04 (default, Polar's
                            current), 2026-10 or 2027-01
                            POLAR_EMULATOR_API_VERSION
  --public-url <url>        the base URL a browser reaches the emulator at, which the checkout,
                            checkout link and customer portal URLs it hands out start with,
                            e.g. http://localhost:8000 when it runs in Docker (default: the
                            address it listens on)
                            POLAR_EMULATOR_PUBLIC_URL
  --webhook-url <url>       register a webhook endpoint for the default organization,
                            subscribed to every event type; repeat for several; http:// and
                            localhost are fine. More endpoints: POST /v1/webhooks/endpoints
                            POLAR_EMULATOR_WEBHOOK_URL (several separated by commas)
  --webhook-secret <s>      those endpoints' signing secret, one you chose: signed with Polar's
                            legacy key, as Polar signs chosen secrets (default: generated from
                            the seed, printed in the banner, signed the Standard Webhooks way)
                            POLAR_EMULATOR_WEBHOOK_SECRET
  --webhook-retry-delays <list>
                            waits after failed attempts 1, 2, …, the last repeating, e.g.
                            0,100ms,1s (a bare number is ms); default polar: a random time in
                            [2^n, 2^(n+1)) seconds after attempt n
                            POLAR_EMULATOR_WEBHOOK_RETRY_DELAYS
  --webhook-max-attempts <n>  attempts per event before it fails (default 10)
                            POLAR_EMULATOR_WEBHOOK_MAX_ATTEMPTS
  --webhook-timeout <d>     per attempt, e.g. 500ms or 10s (default 10s)
                            POLAR_EMULATOR_WEBHOOK_TIMEOUT
  --webhook-signing <rule>  auto (default): as Polar, by the endpoint's secret: generated on or
                            after 2026-09-08 signs the Standard Webhooks way (key = base64 after
                            whsec_; only 1.x clients verify it), older or user-chosen secrets
                            keep the legacy key (UTF-8 bytes of the whole secret; every client);
                            legacy (or polar) / standard: that key for every endpoint
                            POLAR_EMULATOR_WEBHOOK_SIGNING
  --webhook-ordering <mode> polar (default): Polar's FIFO guard, only events not yet tried
                            wait, retries go on their own schedule; strict: a failing event holds
                            back the endpoint's later events until it succeeds or runs out
                            POLAR_EMULATOR_WEBHOOK_ORDERING
  --webhook-log-size <n>    webhook events and delivery attempts kept (default 10000)
                            POLAR_EMULATOR_WEBHOOK_LOG_SIZE
  --webhook-max-pending <n> events one endpoint may have waiting (queued or for a retry); past it
                            new events are skipped, logged and counted (default 10000)
                            POLAR_EMULATOR_WEBHOOK_MAX_PENDING
  --state-changed-debounce <d>
                            debounce a customer's customer.state_changed like Polar (1s): each
                            change restarts the wait, the latest state goes out, none waits
                            past five windows; default 0: one per change
                            POLAR_EMULATOR_STATE_CHANGED_DEBOUNCE
  --log-level <level>       ${LOG_LEVELS.join(", ")} (default info: one line per request)
                            POLAR_EMULATOR_LOG_LEVEL
  -h, --help                this help
  -v, --version             the version

Point the official SDK at it:
  @polar-sh/sdk 0.x   new Polar({ accessToken, serverURL: "http://127.0.0.1:8000" })
  @polar-sh/sdk 1.x   createPolar({ accessToken, baseUrl: "http://127.0.0.1:8000" })
                      (1.x ignores serverURL and would talk to production)

Control plane (no auth unless --control-token):
  GET /_emulator/health   POST /_emulator/reset   GET|POST /_emulator/organizations
  POST /_emulator/organizations/{id}/fixtures   load a fixture (YAML or JSON) into an organization
  POST /_emulator/organizations/{id}/reset      one organization back to its boot state
  GET|PUT /_emulator/organizations/{id}/snapshot  export its whole state, or restore it
  POST /_emulator/subscriptions                 start a subscription (active or trialing)
  POST /_emulator/subscriptions/{id}/{action}   activate, renew, end_period, cancel, uncancel,
                                                revoke, past_due, recover, dunning_over
  POST /_emulator/benefit-grants[/revoke]       grant or revoke a benefit directly
  POST /_emulator/meters/{id}/credit            credit meter units to a customer
  POST /_emulator/usage                         record usage events for a customer
  POST /_emulator/customers/{id}/state-changed  emit customer.state_changed now
  GET /_emulator/events                         the events emitted (what webhooks will carry)
  GET /_emulator/webhooks                       delivery status, settings, every endpoint
  POST /_emulator/webhooks/pause | /resume      hold deliveries back, then let them go in order
  PUT /_emulator/webhooks/faults                opt-in duplicate and out-of-order delivery
  GET /_emulator/webhooks/events                webhook events: pending, succeeded, failed, skipped
  GET|DELETE /_emulator/webhooks/deliveries     every attempt: request, response, error, timing
  GET /_emulator/webhooks/wait                  long-poll until matching deliveries happened (408)
  POST /_emulator/webhooks/events/{id}/redeliver  send a webhook event again
  POST /_emulator/webhooks/replay               redeliver a customer's webhook events in order
  POST /_emulator/webhooks/send                 send any event type about an object, as it is now
  GET /_emulator/openapi/polar.yaml   GET /_emulator/openapi/emulator.yaml

Docs: README.md`;

async function healthcheck(argv: string[]): Promise<number> {
  const { config } = resolveConfig(argv, process.env);
  const result = await checkHealth(`${localUrl(config.host, config.port)}/_emulator/health`);
  if (!result.ok) console.error(`[polar-emulator] unhealthy: ${result.error}`);
  return result.ok ? 0 : 1;
}

function banner(
  url: string,
  address: { host: string; port: number },
  organization: { id: string; name: string },
  token: string,
  customers: number,
  endpoints: readonly { url: string; secret: string }[],
  controlToken: boolean,
): string {
  const wildcard = isWildcardHost(address.host);
  const bound = `${address.host.includes(":") ? `[${address.host}]` : address.host}:${address.port}`;
  return [
    `polar-emulator ${VERSION} is listening on ${url}`,
    `  address        ${bound} (${wildcard ? "every network interface: other machines can reach it" : "this address only"})`,
    ...(wildcard && !controlToken
      ? [
          "  warning        the control plane (/_emulator) is open to the network: anyone who reaches",
          "                 the port can read every token and reset the state; set --control-token",
        ]
      : []),
    `  organization   ${organization.name} (${organization.id}), ${customers} customers`,
    `  access token   ${token}`,
    ...endpoints.map((endpoint) => `  webhooks       POST ${endpoint.url}  secret ${endpoint.secret}`),
    "",
    `  curl -H 'Authorization: Bearer <token>' ${url}/v1/customers/`,
    `  @polar-sh/sdk 0.x   new Polar({ accessToken: "<token>", serverURL: "${url}" })`,
    `  @polar-sh/sdk 1.x   createPolar({ accessToken: "<token>", baseUrl: "${url}" })`,
    `  control plane       ${url}/_emulator/health · POST ${url}/_emulator/reset${
      controlToken ? " (Authorization: Bearer <control token>)" : ""
    }`,
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
  const { url, address } = await emulator.listen();
  process.stdout.write(
    banner(
      url,
      address,
      emulator.organization,
      emulator.token,
      emulator.customerCount(),
      emulator.bootEndpoints,
      config.controlToken !== undefined,
    ),
  );
  const codeCache = compileCache();
  emulator.logger.info(
    { url, address, ms: Math.round(performance.now() - started), codeCache: codeCache?.state },
    "ready",
  );
  // Serving, V8 lets its heap grow to 1.3× what is live before a full collection, where it would
  // let it reach ~3× (its default for a machine with memory to spare): a long run's RSS stays
  // flat and about half, at no cost in requests per second (bench:soak). After the seed, whose
  // start it would slow by ~12% at 100,000 customers. docs/decisions.md, "V8's heap, serving".
  // The launcher's code cache is written first: V8 takes one back only under the flags it was made with.
  codeCache?.started();
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);

  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      emulator.logger.info({ signal }, "stopping");
      void emulator.close().then(async () => {
        emulator.logger.info({ signal }, "stopped");
        // Every line written before exit, unless stdout is a pipe nobody reads (then bounded).
        await drainLogs();
        resolve();
      });
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
