/**
 * `npm run bench:webhooks`: the webhook engine's delivery rate, and the API's latency while a burst
 * of deliveries is in flight. Machines are shared and noisy: only the side-by-side figures of one
 * run mean something.
 *
 *   1. Deliveries per second. A receiver (a plain node:http server in a child process: this file
 *      with --receiver) answers 200 at once, counts, and verifies the signature of every
 *      BENCH_WEBHOOK_VERIFY_EVERY-th delivery (and each endpoint's first) with standardwebhooks.
 *      For 0, 1 and 10 endpoints (a fresh emulator each, --webhook-retry-delays 0), endpoints are
 *      registered with POST /v1/webhooks/endpoints (customer.state_changed only), then
 *      BENCH_WEBHOOK_EVENTS events (default 1000) are generated with POST
 *      /_emulator/customers/{id}/state-changed over BENCH_WEBHOOK_CONNECTIONS keep-alive
 *      connections (default 4), and the receiver's clock says when the last of events × endpoints
 *      deliveries arrived. Reported: events/s generated and deliveries/s, side by side (0 endpoints
 *      is the API's own rate for that call, without fan-out).
 *   2. API latency under a delivery burst. autocannon GET /v1/customers/{id}/state (10 connections,
 *      BENCH_DURATION s, default 5, after BENCH_WARMUP s of warm-up, default 1) against an emulator
 *      started with --customers BENCH_WEBHOOK_CUSTOMERS (default 10000):
 *        (a) idle, no endpoints;
 *        (b) while BENCH_WEBHOOK_BURST deliveries (default 20000) to 10 endpoints are in flight, the
 *            receiver holding each response BENCH_WEBHOOK_DELAY_MS (default 50 ms);
 *        (c) idle again, after deleting the endpoints (a check on drift and on what the burst left).
 *      Reported: req/s, p50/p99/max, and the ratios b/a (and b/c). Also the enqueuing of the burst
 *      itself: the state-changed calls' rate and latency with the burst's 10 endpoints against the
 *      same calls with no endpoint (after as many to warm up), and the rate per quarter of the calls
 *      (a rate that falls as the backlog grows means a per-event cost that grows with the backlog).
 *
 * Other knobs: BENCH_WEBHOOK_ENDPOINTS (the rows of 1., default "0,1,10"), BENCH_WEBHOOK_TIMEOUT
 * (seconds to wait for all deliveries of a row, default 60), BENCH_ROUNDS (autocannon slices per
 * phase, default min(BENCH_DURATION, 5)).
 *
 * Progress goes to stderr; stdout gets the report and, as its last line, one JSON object.
 * Exits 1 when anything went wrong (missing or extra deliveries, a bad signature, unexpected
 * statuses, socket errors, a crash, warn/error lines from the emulator).
 */
import { execFileSync } from "node:child_process";
import { Agent, createServer, type IncomingHttpHeaders, request } from "node:http";
import { arch, cpus, platform } from "node:os";
import { Webhook } from "standardwebhooks";
import {
  freePort,
  installCleanupHooks,
  killAllChildren,
  memoryOf,
  round,
  type Spawned,
  spawnTs,
  stop,
} from "./children.js";
import { fmt, loud, printReport, ratio, table } from "./format.js";
import { waitFor200 } from "./http.js";
import { type LoadResult, type LoadSpec, runInterleaved } from "./load.js";
import { type RunningEmulator, startEmulatorProcess } from "./targets.js";

// ---------------------------------------------------------------------------------------------
// The receiver (child process mode)
// ---------------------------------------------------------------------------------------------

interface ReceiverConfig {
  /** How long each webhook response is held back, in ms. */
  delayMs: number;
  /** Verify the signature of every n-th delivery (and of each path's first). */
  sampleEvery: number;
  /** Path (`/hook/3`) → the endpoint's secret. */
  secrets: Record<string, string>;
}

interface ReceiverStats {
  /** Webhook requests received (bodies complete). */
  count: number;
  bytes: number;
  perPath: Record<string, number>;
  /** performance.timeOrigin + performance.now() of the first and last delivery (comparable across processes). */
  firstAt: number | null;
  lastAt: number | null;
  verified: number;
  badSignatures: number;
  badSamples: string[];
  /** The same webhook-id twice on the same path. */
  duplicates: number;
  /** Requests on a path with no secret configured. */
  unknownPath: number;
  inFlight: number;
  maxInFlight: number;
}

const wallNow = () => performance.timeOrigin + performance.now();

function freshStats(): ReceiverStats {
  return {
    count: 0,
    bytes: 0,
    perPath: {},
    firstAt: null,
    lastAt: null,
    verified: 0,
    badSignatures: 0,
    badSamples: [],
    duplicates: 0,
    unknownPath: 0,
    inFlight: 0,
    maxInFlight: 0,
  };
}

function runReceiver(): void {
  const port = Number(process.env.RECEIVER_PORT);
  if (!Number.isInteger(port) || port <= 0) {
    console.error("RECEIVER_PORT is required");
    process.exit(2);
  }
  let config: ReceiverConfig = { delayMs: 0, sampleEvery: 50, secrets: {} };
  let verifiers = new Map<string, Webhook>();
  let stats = freshStats();
  let seen = new Set<string>();

  const verify = (path: string, body: string, headers: IncomingHttpHeaders) => {
    const verifier = verifiers.get(path);
    if (!verifier) {
      stats.unknownPath++;
      return;
    }
    try {
      verifier.verify(body, {
        "webhook-id": String(headers["webhook-id"] ?? ""),
        "webhook-timestamp": String(headers["webhook-timestamp"] ?? ""),
        "webhook-signature": String(headers["webhook-signature"] ?? ""),
      });
      const parsed = JSON.parse(body) as { type?: unknown };
      if (parsed.type !== "customer.state_changed") throw new Error(`unexpected type ${String(parsed.type)}`);
      stats.verified++;
    } catch (error) {
      stats.badSignatures++;
      if (stats.badSamples.length < 5)
        stats.badSamples.push(`${path}: ${error instanceof Error ? error.message : String(error)}`);
    }
  };

  const server = createServer((req, res) => {
    const path = req.url ?? "/";
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      if (path.startsWith("/hook/") && req.method === "POST") {
        const at = wallNow();
        stats.inFlight++;
        if (stats.inFlight > stats.maxInFlight) stats.maxInFlight = stats.inFlight;
        stats.count++;
        const onPath = (stats.perPath[path] ?? 0) + 1;
        stats.perPath[path] = onPath;
        stats.firstAt ??= at;
        stats.lastAt = at;
        const body = Buffer.concat(chunks).toString("utf8");
        stats.bytes += Buffer.byteLength(body);
        const key = `${path} ${String(req.headers["webhook-id"])}`;
        if (seen.has(key)) stats.duplicates++;
        else seen.add(key);
        if (onPath === 1 || stats.count % config.sampleEvery === 0) verify(path, body, req.headers);
        const current = stats;
        const finish = () => {
          current.inFlight--;
          res.writeHead(200, { "content-type": "text/plain" });
          res.end("ok");
        };
        if (config.delayMs > 0) setTimeout(finish, config.delayMs);
        else finish();
        return;
      }
      if (req.method === "GET" && path === "/_receiver/health") {
        res.writeHead(200, { "content-type": "text/plain" });
        res.end("ok");
        return;
      }
      if (req.method === "GET" && path === "/_receiver/stats") {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify(stats));
        return;
      }
      if (req.method === "POST" && path === "/_receiver/config") {
        config = JSON.parse(Buffer.concat(chunks).toString("utf8")) as ReceiverConfig;
        verifiers = new Map(
          Object.entries(config.secrets).map(([hookPath, secret]) => [
            hookPath,
            // The Standard Webhooks key (the emulator runs with --webhook-signing standard): the
            // base64 after `whsec_`, which standardwebhooks reads from the secret itself.
            new Webhook(secret),
          ]),
        );
        stats = freshStats();
        seen = new Set();
        res.writeHead(204);
        res.end();
        return;
      }
      res.writeHead(404);
      res.end();
    });
  });
  server.keepAliveTimeout = 60_000;
  server.listen(port, "127.0.0.1");
  process.once("SIGTERM", () => process.exit(0));
}

// ---------------------------------------------------------------------------------------------
// The benchmark
// ---------------------------------------------------------------------------------------------

function envInt(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

const log = (message: string) => process.stderr.write(`[bench:webhooks] ${message}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Keep-alive client for the bench's own calls (event generation, endpoints, receiver control). */
const agent = new Agent({ keepAlive: true, maxSockets: 64 });

interface Reply {
  status: number;
  body: string;
}

function call(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: unknown } = {},
): Promise<Reply> {
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
  const headers: Record<string, string> = { ...options.headers };
  if (payload !== undefined) headers["content-type"] = "application/json";
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? "GET", headers, agent, timeout: 30_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }),
      );
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error(`timeout: ${options.method ?? "GET"} ${url}`)));
    req.on("error", reject);
    req.end(payload);
  });
}

async function callJson<T>(
  url: string,
  expected: number,
  options: { method?: string; headers?: Record<string, string>; body?: unknown } = {},
): Promise<T> {
  const reply = await call(url, options);
  if (reply.status !== expected) {
    throw new Error(
      `${options.method ?? "GET"} ${url} → ${reply.status} (expected ${expected}): ${reply.body.slice(0, 500)}`,
    );
  }
  return (reply.body === "" ? undefined : JSON.parse(reply.body)) as T;
}

interface Receiver {
  process: Spawned;
  url: string;
  configure(config: ReceiverConfig): Promise<void>;
  stats(): Promise<ReceiverStats>;
}

async function startReceiver(): Promise<Receiver> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const spawned = spawnTs("bench/webhooks.ts", ["--receiver"], { RECEIVER_PORT: String(port) });
  await waitFor200(`${url}/_receiver/health`, {
    intervalMs: 20,
    timeoutMs: 60_000,
    failed: () => (spawned.hasExited() ? `the receiver exited:\n${spawned.output()}` : null),
  });
  return {
    process: spawned,
    url,
    configure: async (config) => {
      await callJson<void>(`${url}/_receiver/config`, 204, { method: "POST", body: config });
    },
    stats: () => callJson<ReceiverStats>(`${url}/_receiver/stats`, 200),
  };
}

const DURATION_S = envInt("BENCH_DURATION", 5, 1, 600);
const WARMUP_S = envInt("BENCH_WARMUP", 1, 0, 60);
const ROUNDS = envInt("BENCH_ROUNDS", Math.min(DURATION_S, 5), 1, 100);
const EVENTS = envInt("BENCH_WEBHOOK_EVENTS", 1000, 1, 1_000_000);
const GEN_CONNECTIONS = envInt("BENCH_WEBHOOK_CONNECTIONS", 4, 1, 256);
const ENDPOINT_COUNTS = (process.env.BENCH_WEBHOOK_ENDPOINTS ?? "0,1,10").split(",").map((item) => {
  const value = Number(item.trim());
  if (!Number.isInteger(value) || value < 0 || value > 100)
    throw new Error(`BENCH_WEBHOOK_ENDPOINTS must list whole numbers from 0 to 100, got "${item}"`);
  return value;
});
const VERIFY_EVERY = envInt("BENCH_WEBHOOK_VERIFY_EVERY", 50, 1, 1_000_000);
const DELIVERY_TIMEOUT_S = envInt("BENCH_WEBHOOK_TIMEOUT", 60, 1, 3600);
const BURST = envInt("BENCH_WEBHOOK_BURST", 20_000, 10, 10_000_000);
const BURST_ENDPOINTS = 10;
const DELAY_MS = envInt("BENCH_WEBHOOK_DELAY_MS", 50, 0, 10_000);
const CUSTOMERS = envInt("BENCH_WEBHOOK_CUSTOMERS", 10_000, 0, 1_000_000);
const CONNECTIONS = 10;
/**
 * Signing pinned to Standard Webhooks: with `auto`, which key signs depends on the date a secret
 * was generated (Polar switched on 2026-09-08), and the receiver must know which to verify.
 */
const EMULATOR_ARGS = ["--webhook-retry-delays", "0", "--webhook-signing", "standard"];

/** The emulator is measured as shipped: compiled to dist/. */
function build(): void {
  log("npm run build");
  execFileSync("npm", ["run", "build", "--silent"], { stdio: ["ignore", "ignore", "inherit"] });
}

async function customerIds(emulator: RunningEmulator, limit: number): Promise<string[]> {
  const page = await callJson<{ items: { id: string }[] }>(
    `${emulator.url}/v1/customers/?limit=${limit}`,
    200,
    {
      headers: { authorization: `Bearer ${emulator.token}` },
    },
  );
  const ids = page.items.map((item) => item.id);
  if (ids.length === 0) throw new Error("the emulator has no customers");
  return ids;
}

/** The active customer with the largest state, as bench/run.ts picks it. */
async function richestCustomer(emulator: RunningEmulator): Promise<string> {
  const auth = { authorization: `Bearer ${emulator.token}` };
  const active = await callJson<{ items: { id: string }[] }>(
    `${emulator.url}/v1/customers/?limit=100&active=true`,
    200,
    { headers: auth },
  );
  const candidates =
    active.items.length > 0 ? active.items.map((item) => item.id) : await customerIds(emulator, 1);
  let best = candidates[0] as string;
  let size = -1;
  for (const id of candidates) {
    const state = await call(`${emulator.url}/v1/customers/${id}/state`, { headers: auth });
    if (state.status === 200 && state.body.length > size) {
      size = state.body.length;
      best = id;
    }
  }
  return best;
}

interface Endpoint {
  id: string;
  path: string;
  secret: string;
}

async function registerEndpoints(
  emulator: RunningEmulator,
  receiver: Receiver,
  count: number,
): Promise<Endpoint[]> {
  const endpoints: Endpoint[] = [];
  for (let index = 0; index < count; index++) {
    const path = `/hook/${index}`;
    const created = await callJson<{ id: string; secret: string; url: string }>(
      `${emulator.url}/v1/webhooks/endpoints`,
      201,
      {
        method: "POST",
        headers: { authorization: `Bearer ${emulator.token}` },
        body: { url: `${receiver.url}${path}`, format: "raw", events: ["customer.state_changed"] },
      },
    );
    endpoints.push({ id: created.id, path, secret: created.secret });
  }
  return endpoints;
}

async function deleteEndpoints(emulator: RunningEmulator, endpoints: Endpoint[]): Promise<void> {
  for (const endpoint of endpoints) {
    await callJson<void>(`${emulator.url}/v1/webhooks/endpoints/${endpoint.id}`, 204, {
      method: "DELETE",
      headers: { authorization: `Bearer ${emulator.token}` },
    });
  }
}

interface Generation {
  events: number;
  connections: number;
  startedAt: number;
  endedAt: number;
  ms: number;
  eventsPerSec: number;
  /** Per-call latency of the state-changed POSTs (ms). */
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** events/s of each quarter of the calls (by completion): a rate that falls as the backlog grows shows a per-event cost growing with it. */
  quarterEventsPerSec: number[];
  statuses: Record<string, number>;
}

/** `count` POST /_emulator/customers/{id}/state-changed over `connections` keep-alive connections. */
async function generate(
  emulator: RunningEmulator,
  ids: string[],
  count: number,
  connections: number,
): Promise<Generation> {
  let issued = 0;
  const statuses: Record<string, number> = {};
  const latencies: number[] = [];
  const completions: number[] = [];
  const worker = async () => {
    while (issued < count) {
      const id = ids[issued % ids.length] as string;
      issued++;
      const sent = performance.now();
      const reply = await call(`${emulator.url}/_emulator/customers/${id}/state-changed`, { method: "POST" });
      const done = performance.now();
      latencies.push(done - sent);
      completions.push(done);
      statuses[reply.status] = (statuses[reply.status] ?? 0) + 1;
    }
  };
  const startedAt = wallNow();
  const startedPerf = performance.now();
  await Promise.all(Array.from({ length: Math.min(connections, count) }, worker));
  const endedAt = wallNow();
  latencies.sort((a, b) => a - b);
  const pick = (p: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? 0;
  const ms = endedAt - startedAt;
  const quarterEventsPerSec: number[] = [];
  for (let quarter = 1; quarter <= 4; quarter++) {
    const from = Math.floor(((quarter - 1) / 4) * count);
    const to = Math.floor((quarter / 4) * count);
    if (to <= from) continue;
    const begin = from === 0 ? startedPerf : (completions[from - 1] as number);
    const end = completions[to - 1] as number;
    quarterEventsPerSec.push(round(((to - from) / Math.max(end - begin, 0.001)) * 1000, 0));
  }
  return {
    events: count,
    connections,
    startedAt,
    endedAt,
    ms: round(ms, 1),
    eventsPerSec: round((count / ms) * 1000, 1),
    p50Ms: round(pick(50), 3),
    p99Ms: round(pick(99), 3),
    maxMs: round(latencies.at(-1) ?? 0, 3),
    quarterEventsPerSec,
    statuses,
  };
}

/** Polls the receiver until it has `expected` deliveries (or the time is up, or the emulator died). */
async function waitForDeliveries(
  receiver: Receiver,
  emulator: RunningEmulator,
  expected: number,
  timeoutMs: number,
): Promise<{ stats: ReceiverStats; complete: boolean }> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const stats = await receiver.stats();
    if (stats.count >= expected) {
      // A moment more, to catch deliveries beyond the expected number (duplicates).
      await sleep(200);
      return { stats: await receiver.stats(), complete: true };
    }
    if (emulator.process.hasExited())
      throw new Error(`the emulator exited during delivery:\n${emulator.process.output().slice(-4000)}`);
    if (performance.now() > deadline) return { stats, complete: false };
    await sleep(expected > 0 ? 20 : 0);
  }
}

interface ThroughputScenario {
  endpoints: number;
  events: number;
  expected: number;
  delivered: number;
  complete: boolean;
  generation: Generation;
  /** From the first generated event to the last delivery received. */
  totalMs: number | null;
  deliveriesPerSec: number | null;
  /** The last delivery after the last event was generated. */
  tailMs: number | null;
  /** Deliveries/s after the last event was generated (delivery alone, no API load beside it). */
  drainPerSec: number | null;
  deliveredAtGenerationEnd: number;
  firstDeliveryMs: number | null;
  verified: number;
  badSignatures: number;
  duplicates: number;
  avgPayloadBytes: number | null;
  perEndpoint: number[];
  rssMiB: { before: number | null; after: number | null; peak: number | null };
}

function emulatorWarnings(emulator: RunningEmulator): string[] {
  return emulator.process
    .output()
    .split("\n")
    .filter((line) => line.startsWith("{"));
}

async function throughputScenario(
  receiver: Receiver,
  endpointCount: number,
  problems: string[],
): Promise<ThroughputScenario> {
  const emulator = await startEmulatorProcess(EMULATOR_ARGS);
  try {
    const ids = await customerIds(emulator, 100);
    const endpoints = await registerEndpoints(emulator, receiver, endpointCount);
    await receiver.configure({
      delayMs: 0,
      sampleEvery: VERIFY_EVERY,
      secrets: Object.fromEntries(endpoints.map((endpoint) => [endpoint.path, endpoint.secret])),
    });
    // A short warm-up of the call itself, not counted (its deliveries are, separately, awaited).
    const warm = Math.min(200, EVENTS);
    await generate(emulator, ids, warm, GEN_CONNECTIONS);
    await waitForDeliveries(receiver, emulator, warm * endpointCount, DELIVERY_TIMEOUT_S * 1000);
    await receiver.configure({
      delayMs: 0,
      sampleEvery: VERIFY_EVERY,
      secrets: Object.fromEntries(endpoints.map((endpoint) => [endpoint.path, endpoint.secret])),
    });
    const before = memoryOf(emulator.process.pid);

    log(`throughput: ${endpointCount} endpoint(s), ${EVENTS} events over ${GEN_CONNECTIONS} connections`);
    const generation = await generate(emulator, ids, EVENTS, GEN_CONNECTIONS);
    const atGenerationEnd = await receiver.stats();
    const expected = EVENTS * endpointCount;
    const { stats, complete } = await waitForDeliveries(
      receiver,
      emulator,
      expected,
      DELIVERY_TIMEOUT_S * 1000,
    );
    const after = memoryOf(emulator.process.pid);

    const where = `${endpointCount} endpoint(s)`;
    const bad = Object.entries(generation.statuses).filter(([status]) => status !== "200");
    if (bad.length > 0)
      problems.push(`${where}: state-changed answered ${bad.map(([s, n]) => `${s}×${n}`).join(", ")}`);
    if (!complete)
      problems.push(`${where}: ${stats.count} of ${expected} deliveries within ${DELIVERY_TIMEOUT_S} s`);
    if (stats.count > expected) problems.push(`${where}: ${stats.count} deliveries, expected ${expected}`);
    if (stats.duplicates > 0) problems.push(`${where}: ${stats.duplicates} duplicate deliveries`);
    if (stats.badSignatures > 0 || stats.unknownPath > 0)
      problems.push(
        `${where}: ${stats.badSignatures} bad signatures, ${stats.unknownPath} on unknown paths: ${stats.badSamples.join("; ")}`,
      );
    if (endpointCount > 0 && stats.verified < endpointCount)
      problems.push(`${where}: only ${stats.verified} signatures verified`);
    const warnings = emulatorWarnings(emulator);
    if (warnings.length > 0)
      problems.push(
        `${where}: the emulator logged ${warnings.length} warn/error lines, first: ${warnings[0]?.slice(0, 800)}`,
      );

    const totalMs = stats.lastAt === null ? null : stats.lastAt - generation.startedAt;
    return {
      endpoints: endpointCount,
      events: EVENTS,
      expected,
      delivered: stats.count,
      complete,
      generation,
      totalMs: totalMs === null ? null : round(totalMs, 1),
      deliveriesPerSec: totalMs === null || totalMs <= 0 ? null : round((stats.count / totalMs) * 1000, 1),
      tailMs: stats.lastAt === null ? null : round(stats.lastAt - generation.endedAt, 1),
      drainPerSec:
        stats.lastAt === null || stats.lastAt - generation.endedAt < 50
          ? null
          : round(((stats.count - atGenerationEnd.count) / (stats.lastAt - generation.endedAt)) * 1000, 1),
      deliveredAtGenerationEnd: atGenerationEnd.count,
      firstDeliveryMs: stats.firstAt === null ? null : round(stats.firstAt - generation.startedAt, 2),
      verified: stats.verified,
      badSignatures: stats.badSignatures,
      duplicates: stats.duplicates,
      avgPayloadBytes: stats.count === 0 ? null : Math.round(stats.bytes / stats.count),
      perEndpoint: endpoints.map((endpoint) => stats.perPath[endpoint.path] ?? 0),
      rssMiB: { before: before?.rssMiB ?? null, after: after?.rssMiB ?? null, peak: after?.peakMiB ?? null },
    };
  } finally {
    await stop(emulator.process);
  }
}

function loadProblems(result: LoadResult, phase: string): string[] {
  const problems: string[] = [];
  if (result.unexpected > 0) {
    const codes = Object.entries(result.statusCodes)
      .map(([code, count]) => `${code}×${count}`)
      .join(", ");
    problems.push(`${phase}: ${result.unexpected} responses were not 200 (${codes})`);
    for (const sample of result.samples)
      problems.push(`  ${sample.request} → ${sample.status} ${sample.response}`);
  }
  if (result.errors > 0 || result.timeouts > 0)
    problems.push(
      `${phase}: ${result.errors} socket errors, ${result.timeouts} timeouts (${result.reqErrors.join("; ")})`,
    );
  if (result.requests === 0) problems.push(`${phase}: no request completed`);
  return problems;
}

interface LatencyUnderBurst {
  customers: number;
  burst: number;
  endpoints: number;
  delayMs: number;
  /** The same calls with no endpoint, on the same emulator: what the API does without fan-out. */
  referenceGeneration: Generation;
  burstGeneration: Generation;
  idle: LoadResult;
  loaded: LoadResult;
  idleAfter: LoadResult;
  ratios: { reqPerSec: number | null; p50: number | null; p99: number | null; max: number | null };
  /** (b) against (c): the same figures against the idle run after the burst, to see the drift. */
  ratiosAfter: { reqPerSec: number | null; p50: number | null; p99: number | null; max: number | null };
  /** Receiver counts at the start and end of (b). */
  deliveredBeforeLoad: number;
  deliveredDuringLoad: number;
  deliveriesPerSecDuringLoad: number;
  stillPendingAfterLoad: number;
  maxInFlight: number;
  verified: number;
  rssMiB: {
    idle: number | null;
    afterBurst: number | null;
    afterLoad: number | null;
    end: number | null;
    peak: number | null;
  };
}

async function latencyUnderBurst(receiver: Receiver, problems: string[]): Promise<LatencyUnderBurst> {
  const args = CUSTOMERS > 0 ? [...EMULATOR_ARGS, "--customers", String(CUSTOMERS)] : EMULATOR_ARGS;
  log(`latency: starting the emulator with ${args.join(" ")}`);
  const emulator = await startEmulatorProcess(args);
  try {
    const customerId = await richestCustomer(emulator);
    const ids = await customerIds(emulator, 100);
    const spec: LoadSpec = {
      label: "",
      baseUrl: emulator.url,
      method: "GET",
      path: `/v1/customers/${customerId}/state`,
      headers: { authorization: `Bearer ${emulator.token}` },
      expectedStatus: 200,
    };
    const afterSlice = () => {
      if (emulator.process.hasExited())
        throw new Error(`the emulator exited under load:\n${emulator.process.output().slice(-4000)}`);
    };
    const measure = async (label: string, seconds: number, rounds: number) => {
      const [result] = await runInterleaved([{ ...spec, label }], {
        totalS: seconds,
        rounds,
        connections: CONNECTIONS,
        afterSlice,
      });
      problems.push(...loadProblems(result as LoadResult, label));
      return result as LoadResult;
    };

    if (WARMUP_S > 0) {
      log(`warm-up: ${WARMUP_S} s`);
      await measure("warm-up", WARMUP_S, 1);
    }
    log(`(a) idle: ${DURATION_S} s`);
    const idle = await measure("(a) idle, no endpoints", DURATION_S, ROUNDS);
    const idleMemory = memoryOf(emulator.process.pid);
    const events = Math.ceil(BURST / BURST_ENDPOINTS);
    const referenceEvents = Math.min(events, 500);
    log(`reference: ${referenceEvents} state-changed calls with no endpoint (after as many to warm up)`);
    await generate(emulator, ids, referenceEvents, GEN_CONNECTIONS);
    const referenceGeneration = await generate(emulator, ids, referenceEvents, GEN_CONNECTIONS);

    const endpoints = await registerEndpoints(emulator, receiver, BURST_ENDPOINTS);
    await receiver.configure({
      delayMs: DELAY_MS,
      sampleEvery: VERIFY_EVERY,
      secrets: Object.fromEntries(endpoints.map((endpoint) => [endpoint.path, endpoint.secret])),
    });
    log(`burst: ${events} events × ${BURST_ENDPOINTS} endpoints, receiver delay ${DELAY_MS} ms`);
    const burstGeneration = await generate(emulator, ids, events, GEN_CONNECTIONS);
    const bad = Object.entries({ ...referenceGeneration.statuses, ...burstGeneration.statuses }).filter(
      ([status]) => status !== "200",
    );
    if (bad.length > 0)
      problems.push(`burst: state-changed answered ${bad.map(([s, n]) => `${s}×${n}`).join(", ")}`);
    const afterBurst = memoryOf(emulator.process.pid);

    const start = await receiver.stats();
    const startedAt = performance.now();
    log(`(b) ${BURST} deliveries in flight: ${DURATION_S} s`);
    const loaded = await measure(`(b) ${BURST} deliveries in flight`, DURATION_S, ROUNDS);
    const end = await receiver.stats();
    const loadS = (performance.now() - startedAt) / 1000;
    const afterLoad = memoryOf(emulator.process.pid);
    const total = events * BURST_ENDPOINTS;
    if (end.count >= total)
      problems.push(
        `(b): the burst was over before the measurement ended (${end.count} of ${total} delivered): raise BENCH_WEBHOOK_BURST`,
      );
    if (end.badSignatures > 0 || end.duplicates > 0 || end.unknownPath > 0)
      problems.push(
        `(b): ${end.badSignatures} bad signatures, ${end.duplicates} duplicates, ${end.unknownPath} unknown paths`,
      );
    if (end.verified === 0) problems.push("(b): no signature verified");

    // Deleting the endpoints stops their outboxes (in-flight attempts are aborted).
    await deleteEndpoints(emulator, endpoints);
    await sleep(DELAY_MS + 100);
    log(`(c) idle again, endpoints deleted: ${DURATION_S} s`);
    const idleAfter = await measure("(c) idle, endpoints deleted", DURATION_S, ROUNDS);
    const endMemory = memoryOf(emulator.process.pid);

    const warnings = emulatorWarnings(emulator);
    if (warnings.length > 0)
      problems.push(
        `latency: the emulator logged ${warnings.length} warn/error lines, first: ${warnings[0]?.slice(0, 800)}`,
      );

    return {
      customers: CUSTOMERS,
      burst: total,
      endpoints: BURST_ENDPOINTS,
      delayMs: DELAY_MS,
      referenceGeneration,
      burstGeneration,
      idle,
      loaded,
      idleAfter,
      ratios: {
        reqPerSec: ratio(loaded.reqPerSec, idle.reqPerSec),
        p50: ratio(loaded.latencyMs.p50, idle.latencyMs.p50),
        p99: ratio(loaded.latencyMs.p99, idle.latencyMs.p99),
        max: ratio(loaded.latencyMs.max, idle.latencyMs.max),
      },
      ratiosAfter: {
        reqPerSec: ratio(loaded.reqPerSec, idleAfter.reqPerSec),
        p50: ratio(loaded.latencyMs.p50, idleAfter.latencyMs.p50),
        p99: ratio(loaded.latencyMs.p99, idleAfter.latencyMs.p99),
        max: ratio(loaded.latencyMs.max, idleAfter.latencyMs.max),
      },
      deliveredBeforeLoad: start.count,
      deliveredDuringLoad: end.count - start.count,
      deliveriesPerSecDuringLoad: round((end.count - start.count) / loadS, 1),
      stillPendingAfterLoad: total - end.count,
      maxInFlight: end.maxInFlight,
      verified: end.verified,
      rssMiB: {
        idle: idleMemory?.rssMiB ?? null,
        afterBurst: afterBurst?.rssMiB ?? null,
        afterLoad: afterLoad?.rssMiB ?? null,
        end: endMemory?.rssMiB ?? null,
        peak: endMemory?.peakMiB ?? null,
      },
    };
  } finally {
    await stop(emulator.process);
  }
}

async function main(): Promise<number> {
  build();
  installCleanupHooks();
  const budgetS =
    ENDPOINT_COUNTS.length * (DELIVERY_TIMEOUT_S * 2 + 60) + 3 * (DURATION_S + 30) + WARMUP_S + 300;
  const watchdog = setTimeout(() => {
    console.error(loud([`the webhook benchmark did not finish within ${budgetS} s: killing everything`]));
    killAllChildren();
    process.exit(3);
  }, budgetS * 1000);
  watchdog.unref();

  const date = new Date().toISOString();
  const problems: string[] = [];
  const receiver = await startReceiver();
  try {
    const scenarios: ThroughputScenario[] = [];
    for (const count of ENDPOINT_COUNTS) scenarios.push(await throughputScenario(receiver, count, problems));
    const latency = await latencyUnderBurst(receiver, problems);

    // ---- report ----
    const out: string[] = [];
    out.push("");
    out.push(
      `polar-emulator webhook benchmark  ${date}  node ${process.version}  ${cpus().length} CPUs (${cpus()[0]?.model ?? "?"})  ${platform()} ${arch()}`,
    );
    out.push("");
    out.push(
      `1. Delivery rate: ${EVENTS} customer.state_changed events (POST /_emulator/customers/{id}/state-changed over ${GEN_CONNECTIONS} keep-alive connections), each delivered to every endpoint; the receiver answers 200 at once; a fresh emulator per row (${EMULATOR_ARGS.join(" ")})`,
    );
    out.push(
      table(
        [
          "endpoints",
          "events/s generated",
          "gen p50 ms",
          "gen p99 ms",
          "deliveries",
          "deliveries/s",
          "drain/s",
          "first ms",
          "last ms",
          "tail ms",
          "verified sigs",
          "payload B",
          "RSS MiB",
        ],
        scenarios.map((s) => [
          String(s.endpoints),
          fmt(s.generation.eventsPerSec),
          fmt(s.generation.p50Ms, 2),
          fmt(s.generation.p99Ms, 2),
          `${s.delivered}/${s.expected}`,
          s.endpoints === 0 ? "-" : fmt(s.deliveriesPerSec),
          s.endpoints === 0 ? "-" : fmt(s.drainPerSec),
          fmt(s.firstDeliveryMs, 1),
          fmt(s.totalMs, 0),
          fmt(s.tailMs, 0),
          String(s.verified),
          s.avgPayloadBytes === null ? "-" : String(s.avgPayloadBytes),
          `${fmt(s.rssMiB.before)} → ${fmt(s.rssMiB.after)}`,
        ]),
      ),
    );
    out.push(
      "  deliveries/s = all deliveries ÷ (first event sent → last delivery received); drain/s = deliveries after the last event was sent ÷ tail (delivery alone, no API load beside it); first/last ms from the first event sent; tail = last delivery after the last event was sent",
    );
    const noEndpoints = scenarios.find((s) => s.endpoints === 0);
    for (const s of scenarios) {
      if (s.endpoints === 0) continue;
      const parts = [
        `  ${s.endpoints} endpoint(s): deliveries/s ÷ events/s generated = ${fmt(ratio(s.deliveriesPerSec ?? Number.NaN, s.generation.eventsPerSec), 2)}×`,
        `${s.deliveredAtGenerationEnd} of ${s.expected} delivered when the last event was sent`,
      ];
      if (noEndpoints)
        parts.push(
          `events/s generated vs 0 endpoints ${fmt(ratio(s.generation.eventsPerSec, noEndpoints.generation.eventsPerSec), 2)}×`,
        );
      out.push(parts.join("; "));
    }
    out.push("");
    out.push(
      `2. API latency under a delivery burst: autocannon GET /v1/customers/{id}/state, ${CONNECTIONS} connections, ${DURATION_S} s per phase (${ROUNDS} slices), emulator with --customers ${CUSTOMERS}; burst = ${latency.burst} deliveries (${latency.burstGeneration.events} events × ${latency.endpoints} endpoints), the receiver holds each response ${latency.delayMs} ms`,
    );
    const row = (r: LoadResult) => [
      r.label,
      fmt(r.reqPerSec),
      fmt(r.latencyMs.p50, 2),
      fmt(r.latencyMs.p99, 2),
      fmt(r.latencyMs.max, 2),
      String(r.requests),
      String(r.unexpected + r.errors + r.timeouts),
      r.sliceReqPerSec.join(" "),
    ];
    out.push(
      table(
        ["phase", "req/s", "p50 ms", "p99 ms", "max ms", "requests", "errors", "req/s per slice"],
        [
          row(latency.idle),
          row(latency.loaded),
          row(latency.idleAfter),
          ...(
            [
              ["  ratio (b)/(a)", latency.ratios],
              ["  ratio (b)/(c)", latency.ratiosAfter],
            ] as const
          ).map(([label, r]) => [
            label,
            `${fmt(r.reqPerSec, 3)}×`,
            `${fmt(r.p50, 2)}×`,
            `${fmt(r.p99, 2)}×`,
            `${fmt(r.max, 2)}×`,
            "",
            "",
            "",
          ]),
        ],
      ),
    );
    const lanesMax = latency.delayMs > 0 ? (latency.endpoints * 1000) / latency.delayMs : null;
    out.push(
      `  during (b): ${latency.deliveredDuringLoad} deliveries, ${fmt(latency.deliveriesPerSecDuringLoad)}/s (${lanesMax === null ? "" : `${fmt(ratio(latency.deliveriesPerSecDuringLoad, lanesMax), 2)}× the ${fmt(lanesMax, 0)}/s that ${latency.endpoints} one-at-a-time outboxes allow, `}${latency.maxInFlight} at most in flight); ${latency.deliveredBeforeLoad} delivered before (b), ${latency.stillPendingAfterLoad} still pending after; ${latency.verified} signatures verified`,
    );
    out.push("");
    out.push(
      "  Enqueuing the burst: the same POST /_emulator/customers/{id}/state-changed calls, on this emulator, with no endpoint and with the burst's endpoints",
    );
    const genRow = (label: string, g: Generation) => [
      label,
      String(g.events),
      fmt(g.eventsPerSec),
      fmt(g.p50Ms, 2),
      fmt(g.p99Ms, 2),
      fmt(g.maxMs, 2),
      g.quarterEventsPerSec.join(" "),
    ];
    out.push(
      table(
        ["calls", "events", "events/s", "p50 ms", "p99 ms", "max ms", "events/s per quarter"],
        [
          genRow("no endpoint (reference)", latency.referenceGeneration),
          genRow(`burst, ${latency.endpoints} endpoints`, latency.burstGeneration),
          [
            "  ratio burst/reference",
            "",
            `${fmt(ratio(latency.burstGeneration.eventsPerSec, latency.referenceGeneration.eventsPerSec), 3)}×`,
            `${fmt(ratio(latency.burstGeneration.p50Ms, latency.referenceGeneration.p50Ms), 2)}×`,
            `${fmt(ratio(latency.burstGeneration.p99Ms, latency.referenceGeneration.p99Ms), 2)}×`,
            `${fmt(ratio(latency.burstGeneration.maxMs, latency.referenceGeneration.maxMs), 2)}×`,
            "",
          ],
        ],
      ),
    );
    out.push(
      `  emulator RSS MiB: idle ${fmt(latency.rssMiB.idle)}, burst queued ${fmt(latency.rssMiB.afterBurst)}, after (b) ${fmt(latency.rssMiB.afterLoad)}, end ${fmt(latency.rssMiB.end)} (peak ${fmt(latency.rssMiB.peak)})`,
    );
    out.push("");
    printReport(
      out,
      problems,
      "every delivery arrived once, sampled signatures verified, every API response had the expected status, no emulator log lines.",
    );

    const strip = (r: LoadResult) => ({ ...r, samples: r.samples.slice(0, 3) });
    const summary = {
      date,
      node: process.version,
      cpus: cpus().length,
      platform: `${platform()} ${arch()}`,
      ok: problems.length === 0,
      problems,
      throughput: {
        events: EVENTS,
        connections: GEN_CONNECTIONS,
        verifyEvery: VERIFY_EVERY,
        scenarios: scenarios.map((s) => ({
          endpoints: s.endpoints,
          events: s.events,
          expected: s.expected,
          delivered: s.delivered,
          complete: s.complete,
          eventsPerSec: s.generation.eventsPerSec,
          deliveriesPerSec: s.deliveriesPerSec,
          generationMs: s.generation.ms,
          generationLatencyMs: { p50: s.generation.p50Ms, p99: s.generation.p99Ms, max: s.generation.maxMs },
          firstDeliveryMs: s.firstDeliveryMs,
          lastDeliveryMs: s.totalMs,
          tailMs: s.tailMs,
          drainPerSec: s.drainPerSec,
          deliveredAtGenerationEnd: s.deliveredAtGenerationEnd,
          generationQuarterEventsPerSec: s.generation.quarterEventsPerSec,
          verified: s.verified,
          badSignatures: s.badSignatures,
          duplicates: s.duplicates,
          avgPayloadBytes: s.avgPayloadBytes,
          perEndpoint: s.perEndpoint,
          rssMiB: s.rssMiB,
        })),
      },
      latency: {
        customers: latency.customers,
        connections: CONNECTIONS,
        durationS: DURATION_S,
        rounds: ROUNDS,
        warmupS: WARMUP_S,
        burst: latency.burst,
        endpoints: latency.endpoints,
        delayMs: latency.delayMs,
        referenceGeneration: latency.referenceGeneration,
        burstGeneration: latency.burstGeneration,
        ratios: latency.ratios,
        ratiosAfter: latency.ratiosAfter,
        deliveredDuringLoad: latency.deliveredDuringLoad,
        deliveriesPerSecDuringLoad: latency.deliveriesPerSecDuringLoad,
        stillPendingAfterLoad: latency.stillPendingAfterLoad,
        rssMiB: latency.rssMiB,
        idle: strip(latency.idle),
        loaded: strip(latency.loaded),
        idleAfter: strip(latency.idleAfter),
      },
    };
    process.stdout.write(`${JSON.stringify(summary)}\n`);
    return problems.length > 0 ? 1 : 0;
  } finally {
    agent.destroy();
    await stop(receiver.process);
    killAllChildren();
    clearTimeout(watchdog);
  }
}

if (process.argv.includes("--receiver")) {
  runReceiver();
} else {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      console.error(loud(["THE WEBHOOK BENCHMARK FAILED", ...message.split("\n")]));
      killAllChildren();
      agent.destroy();
      process.stdout.write(
        `${JSON.stringify({ date: new Date().toISOString(), ok: false, error: message })}\n`,
      );
      process.exitCode = 1;
    },
  );
}
