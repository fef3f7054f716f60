/**
 * The webhook flags and their POLAR_EMULATOR_* variables: how they resolve (flags over environment
 * over defaults, clear usage errors), and the real CLI booting endpoints from --webhook-url that
 * get signed deliveries, show in the banner and the API, and survive POST /_emulator/reset.
 */
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { validateEvent } from "@polar-sh/sdk/webhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveConfig, UsageError } from "../../src/config.js";
import { DEFAULT_DELIVERY_SETTINGS } from "../../src/webhooks/settings.js";
import { type Booted, boot, stop } from "../cli-process.js";
import { type Received, type Receiver, startReceiver } from "./receiver.js";

const tsx = ["--import", "tsx", "src/cli.ts"];

/** resolveConfig's webhook part for these flags and this environment. */
function resolved(argv: string[], env: NodeJS.ProcessEnv = {}) {
  const { config } = resolveConfig(argv, env);
  return { urls: config.webhookUrls, secret: config.webhookSecret, settings: config.webhooks };
}

function usageError(argv: string[], env: NodeJS.ProcessEnv = {}): UsageError {
  try {
    resolveConfig(argv, env);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return error as UsageError;
  }
  throw new Error(`expected a UsageError for ${JSON.stringify(argv)} ${JSON.stringify(env)}`);
}

describe("resolveConfig: webhook flags", () => {
  it("takes --webhook-url several times, or several URLs separated by commas in the environment", () => {
    expect(
      resolved(["--webhook-url", "http://127.0.0.1:3000/hook", "--webhook-url", "https://example.com/polar"])
        .urls,
    ).toEqual(["http://127.0.0.1:3000/hook", "https://example.com/polar"]);
    expect(
      resolved([], { POLAR_EMULATOR_WEBHOOK_URL: "http://localhost:3000/a, https://example.com/b,," }).urls,
    ).toEqual(["http://localhost:3000/a", "https://example.com/b"]);
    // The flag replaces the environment's list, it does not add to it.
    expect(
      resolved(["--webhook-url", "http://flag.example.com/"], {
        POLAR_EMULATOR_WEBHOOK_URL: "http://env.example.com/",
      }).urls,
    ).toEqual(["http://flag.example.com/"]);
    expect(resolved([], { POLAR_EMULATOR_WEBHOOK_URL: "" }).urls).toBeUndefined();
  });

  it("refuses a --webhook-url that is not an http(s) URL, from the flag or the environment", () => {
    expect(usageError(["--webhook-url", "not a url"]).message).toMatch(
      /--webhook-url must be an http:\/\/ or https:\/\/ URL, got "not a url"/,
    );
    expect(usageError(["--webhook-url", "ftp://example.com/hook"]).message).toContain(
      "ftp://example.com/hook",
    );
    expect(
      usageError([], { POLAR_EMULATOR_WEBHOOK_URL: "http://ok.example.com/,localhost:3000" }).message,
    ).toContain('"localhost:3000"');
    expect(usageError(["--webhook-url", ""]).message).toMatch(/--webhook-url needs a URL/);
  });

  it("takes --webhook-secret or POLAR_EMULATOR_WEBHOOK_SECRET, the flag winning", () => {
    expect(resolved(["--webhook-secret", "whsec_from_flag"]).secret).toBe("whsec_from_flag");
    expect(resolved([], { POLAR_EMULATOR_WEBHOOK_SECRET: "whsec_from_env" }).secret).toBe("whsec_from_env");
    expect(
      resolved(["--webhook-secret", "whsec_from_flag"], { POLAR_EMULATOR_WEBHOOK_SECRET: "whsec_from_env" })
        .secret,
    ).toBe("whsec_from_flag");
  });

  it("reads --webhook-retry-delays as a list of durations, or polar", () => {
    expect(resolved(["--webhook-retry-delays", "0,100ms,1s"]).settings.retryDelays).toEqual([0, 100, 1000]);
    expect(resolved(["--webhook-retry-delays", "250, 1.5s, 2m"]).settings.retryDelays).toEqual([
      250, 1500, 120_000,
    ]);
    expect(resolved(["--webhook-retry-delays", "polar"]).settings.retryDelays).toBe("polar");
    expect(resolved([]).settings.retryDelays).toBe("polar");
    expect(resolved([], { POLAR_EMULATOR_WEBHOOK_RETRY_DELAYS: "5ms,10ms" }).settings.retryDelays).toEqual([
      5, 10,
    ]);
    expect(usageError(["--webhook-retry-delays", "0,soon"]).message).toMatch(
      /--webhook-retry-delays must be a duration .*got "soon"/,
    );
    expect(usageError(["--webhook-retry-delays", "1h"]).message).toContain("--webhook-retry-delays");
    expect(usageError(["--webhook-retry-delays=-1s"]).message).toContain("--webhook-retry-delays");
  });

  it("reads attempts, timeout, log size and the state_changed debounce", () => {
    const { settings } = resolved([
      "--webhook-max-attempts",
      "3",
      "--webhook-timeout",
      "500ms",
      "--webhook-log-size",
      "50",
      "--state-changed-debounce",
      "1s",
    ]);
    expect(settings).toMatchObject({
      maxAttempts: 3,
      timeoutMs: 500,
      logSize: 50,
      stateChangedDebounceMs: 1000,
    });
    expect(resolved(["--state-changed-debounce", "250"]).settings.stateChangedDebounceMs).toBe(250);
    expect(usageError(["--webhook-max-pending", "0"]).message).toMatch(/--webhook-max-pending must be/);
    expect(resolved(["--webhook-timeout", "2s"]).settings.timeoutMs).toBe(2000);
    expect(usageError(["--webhook-max-attempts", "0"]).message).toMatch(/--webhook-max-attempts must be/);
    expect(usageError(["--webhook-max-attempts", "many"]).message).toMatch(/--webhook-max-attempts/);
    expect(usageError(["--webhook-timeout", "forever"]).message).toMatch(
      /--webhook-timeout must be a duration/,
    );
    expect(usageError(["--webhook-log-size", "0"]).message).toMatch(/--webhook-log-size must be/);
    expect(usageError(["--state-changed-debounce", "a while"]).message).toMatch(
      /--state-changed-debounce must be a duration/,
    );
  });

  it("offers auto|legacy|standard signing (polar for legacy) and polar|strict ordering, nothing else", () => {
    expect(resolved(["--webhook-signing", "standard"]).settings.signing).toBe("standard");
    expect(resolved(["--webhook-signing", "legacy"]).settings.signing).toBe("legacy");
    expect(resolved(["--webhook-signing", "polar"]).settings.signing).toBe("legacy");
    expect(resolved(["--webhook-signing", "auto"]).settings.signing).toBe("auto");
    expect(resolved(["--webhook-ordering", "polar"]).settings.ordering).toBe("polar");
    expect(resolved(["--webhook-ordering", "strict"]).settings.ordering).toBe("strict");
    expect(usageError(["--webhook-signing", "hmac"]).message).toMatch(
      /--webhook-signing must be one of auto, legacy, standard, polar, got "hmac"/,
    );
    expect(usageError(["--webhook-ordering", "random"]).message).toMatch(
      /--webhook-ordering must be one of strict, polar, got "random"/,
    );
    expect(usageError([], { POLAR_EMULATOR_WEBHOOK_SIGNING: "Standard" }).message).toMatch(
      /--webhook-signing/,
    );
  });

  it("reads every POLAR_EMULATOR_* equivalent, and flags beat the environment", () => {
    const env = {
      POLAR_EMULATOR_WEBHOOK_URL: "http://127.0.0.1:9999/env",
      POLAR_EMULATOR_WEBHOOK_SECRET: "whsec_env",
      POLAR_EMULATOR_WEBHOOK_RETRY_DELAYS: "0,50ms",
      POLAR_EMULATOR_WEBHOOK_MAX_ATTEMPTS: "4",
      POLAR_EMULATOR_WEBHOOK_TIMEOUT: "750ms",
      POLAR_EMULATOR_WEBHOOK_SIGNING: "standard",
      POLAR_EMULATOR_WEBHOOK_ORDERING: "polar",
      POLAR_EMULATOR_WEBHOOK_LOG_SIZE: "200",
      POLAR_EMULATOR_WEBHOOK_MAX_PENDING: "500",
      POLAR_EMULATOR_STATE_CHANGED_DEBOUNCE: "2s",
    };
    expect(resolved([], env)).toEqual({
      urls: ["http://127.0.0.1:9999/env"],
      secret: "whsec_env",
      settings: {
        maxAttempts: 4,
        retryDelays: [0, 50],
        timeoutMs: 750,
        signing: "standard",
        ordering: "polar",
        stateChangedDebounceMs: 2000,
        logSize: 200,
        failureThreshold: 10,
        maxPending: 500,
      },
    });
    const flags = [
      "--webhook-url",
      "http://127.0.0.1:9999/flag",
      "--webhook-secret",
      "whsec_flag",
      "--webhook-retry-delays",
      "polar",
      "--webhook-max-attempts",
      "7",
      "--webhook-timeout",
      "3s",
      "--webhook-signing",
      "polar",
      "--webhook-ordering",
      "strict",
      "--webhook-log-size",
      "300",
      "--webhook-max-pending",
      "2000",
      "--state-changed-debounce",
      "0",
    ];
    expect(resolved(flags, env)).toEqual({
      urls: ["http://127.0.0.1:9999/flag"],
      secret: "whsec_flag",
      settings: {
        maxAttempts: 7,
        retryDelays: "polar",
        timeoutMs: 3000,
        signing: "legacy",
        ordering: "strict",
        stateChangedDebounceMs: 0,
        logSize: 300,
        failureThreshold: 10,
        maxPending: 2000,
      },
    });
    // An empty variable counts as unset.
    expect(
      resolved([], { POLAR_EMULATOR_WEBHOOK_SIGNING: "", POLAR_EMULATOR_WEBHOOK_TIMEOUT: "" }).settings,
    ).toEqual(DEFAULT_DELIVERY_SETTINGS);
    // Resolving never changes the shared defaults.
    expect(DEFAULT_DELIVERY_SETTINGS).toMatchObject({
      maxAttempts: 10,
      retryDelays: "polar",
      signing: "auto",
      ordering: "polar",
    });
    expect(resolved([]).settings).toEqual(DEFAULT_DELIVERY_SETTINGS);
  });
});

// The command ------------------------------------------------------------------------------------

const SECRET = "whsec_test_secret_0123456789abcdefghijKLMN";

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI to completion, without blocking the event loop (the receiver must keep answering). */
function run(args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [...tsx, ...args],
      { encoding: "utf8", timeout: 60_000 },
      (error, stdout, stderr) => {
        const status = error ? (typeof error.code === "number" ? error.code : null) : 0;
        resolve({ status, stdout, stderr });
      },
    );
  });
}

/** Every WebhookEventType of the spec the emulator serves (read from the text: parsing it all is slow). */
function specEventTypes(): string[] {
  const text = readFileSync("spec/polar.yaml", "utf8");
  const block = /\n {4}WebhookEventType:\n {6}type: string\n {6}enum:\n((?: {8}- .+\n)+)/.exec(text)?.[1];
  if (!block) throw new Error("spec/polar.yaml has no WebhookEventType enum");
  return block
    .trimEnd()
    .split("\n")
    .map((line) => line.replace(/^ {8}- /, "").replace(/^"(.*)"$/, "$1"));
}

describe("the command", () => {
  let receiver: Receiver;
  let booted: Booted | undefined;
  let help: Run;
  let badUrl: Run;
  let hookUrl: string;
  let otherUrl: string;

  beforeAll(async () => {
    receiver = await startReceiver();
    hookUrl = `http://127.0.0.1:${receiver.port}/hook`;
    otherUrl = `http://127.0.0.1:${receiver.port}/other`;
    // Three processes at once: each pays for loading TypeScript, so in parallel they take about one's time.
    const started = boot([
      "--port",
      "0",
      "--host",
      "127.0.0.1",
      "--log-level",
      "warn",
      "--webhook-url",
      hookUrl,
      "--webhook-url",
      otherUrl,
      "--webhook-secret",
      SECRET,
      "--webhook-retry-delays",
      "0,50ms",
    ]);
    [booted, help, badUrl] = await Promise.all([
      started,
      run(["--help"]),
      run(["--port", "0", "--webhook-url", "ftp://example.com/hook"]),
    ]);
  });

  afterAll(async () => {
    if (booted) await stop(booted.child);
    await receiver?.close();
  });

  const api = async (path: string, init: RequestInit = {}) => {
    const { url, token } = booted as Booted;
    const response = await fetch(`${url}${path}`, {
      ...init,
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    });
    const text = await response.text();
    return { status: response.status, body: text === "" ? undefined : JSON.parse(text) };
  };

  const createdFor = (email: string) =>
    receiver.received.filter(
      (request) =>
        request.json.type === "customer.created" && (request.json.data as { email?: string }).email === email,
    );

  async function waitFor(condition: () => boolean, what: string): Promise<void> {
    const deadline = Date.now() + 15_000;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  it("prints each boot endpoint and its secret in the banner", () => {
    const { banner } = booted as Booted;
    expect(banner).toContain(`webhooks       POST ${hookUrl}  secret ${SECRET}`);
    expect(banner).toContain(`webhooks       POST ${otherUrl}  secret ${SECRET}`);
  });

  it("delivers a signed customer.created to each boot endpoint, verifiable with --webhook-secret", async () => {
    const created = await api("/v1/customers/", {
      method: "POST",
      body: JSON.stringify({ email: "cli-webhook@example.com", external_id: "cli_user" }),
    });
    expect(created.status).toBe(201);
    await waitFor(() => createdFor("cli-webhook@example.com").length === 2, "two customer.created");
    const deliveries = createdFor("cli-webhook@example.com");
    expect(new Set(deliveries.map((request) => request.webhookId)).size).toBe(2);
    for (const request of deliveries) {
      expect(request.headers["user-agent"]).toBe("polar.sh webhooks");
      const event = validateEvent(request.body, request.headers, SECRET);
      expect(event.type).toBe("customer.created");
      expect((event.data as { id: string }).id).toBe(created.body.id);
      expect(() => validateEvent(request.body, request.headers, `${SECRET}x`)).toThrow();
    }
  });

  it("lists the boot endpoints in the API, subscribed to every WebhookEventType", async () => {
    const listed = await api("/v1/webhooks/endpoints");
    expect(listed.status).toBe(200);
    expect(listed.body.pagination.total_count).toBe(2);
    const types = specEventTypes();
    expect(types).toEqual(
      expect.arrayContaining(["customer.created", "customer.state_changed", "subscription.active"]),
    );
    expect(types.length).toBeGreaterThanOrEqual(40);
    const byUrl = new Map(
      (listed.body.items as { url: string }[]).map((endpoint) => [endpoint.url, endpoint] as const),
    );
    for (const url of [hookUrl, otherUrl]) {
      expect(byUrl.get(url)).toMatchObject({
        url,
        format: "raw",
        secret: SECRET,
        enabled: true,
        events: types,
      });
    }
  });

  it("keeps the boot endpoints across POST /_emulator/reset, still delivering", async () => {
    const before = await api("/v1/webhooks/endpoints");
    const reset = await fetch(`${(booted as Booted).url}/_emulator/reset`, { method: "POST" });
    expect(reset.status).toBeLessThan(300);
    const after = await api("/v1/webhooks/endpoints");
    expect(after.status).toBe(200);
    const summary = (items: { id: string; url: string; secret: string; events: string[] }[]) =>
      items
        .map(({ id, url, secret, events }) => ({ id, url, secret, events }))
        .sort((a, b) => (a.url < b.url ? -1 : 1));
    expect(summary(after.body.items)).toEqual(summary(before.body.items));

    const created = await api("/v1/customers/", {
      method: "POST",
      body: JSON.stringify({ email: "after-reset@example.com" }),
    });
    expect(created.status).toBe(201);
    await waitFor(() => createdFor("after-reset@example.com").length === 2, "deliveries after the reset");
    for (const request of createdFor("after-reset@example.com") as Received[]) {
      expect(validateEvent(request.body, request.headers, SECRET).type).toBe("customer.created");
    }
  });

  it("--help mentions every webhook flag and its environment variable", () => {
    expect(help.status).toBe(0);
    for (const word of [
      "--webhook-url",
      "--webhook-secret",
      "--webhook-retry-delays",
      "--webhook-max-attempts",
      "--webhook-timeout",
      "--webhook-signing",
      "--webhook-ordering",
      "--webhook-log-size",
      "--state-changed-debounce",
      "POLAR_EMULATOR_WEBHOOK_URL",
      "POLAR_EMULATOR_WEBHOOK_SECRET",
      "POLAR_EMULATOR_WEBHOOK_RETRY_DELAYS",
      "POLAR_EMULATOR_WEBHOOK_MAX_ATTEMPTS",
      "POLAR_EMULATOR_WEBHOOK_TIMEOUT",
      "POLAR_EMULATOR_WEBHOOK_SIGNING",
      "POLAR_EMULATOR_WEBHOOK_ORDERING",
      "POLAR_EMULATOR_WEBHOOK_LOG_SIZE",
      "POLAR_EMULATOR_STATE_CHANGED_DEBOUNCE",
      "/v1/webhooks/endpoints",
    ]) {
      expect(help.stdout).toContain(word);
    }
  });

  it("exits 2 with a message naming the flag for a bad value", () => {
    expect(badUrl.status).toBe(2);
    expect(badUrl.stderr).toContain(
      '--webhook-url must be an http:// or https:// URL, got "ftp://example.com/hook"',
    );
    expect(badUrl.stderr).toContain("--help");
    expect(badUrl.stdout).toBe("");
  });
});
