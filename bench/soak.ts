/**
 * `npm run bench:soak`: the emulator under a long mixed load, watched for memory that keeps
 * growing. Loopback only (the emulator and every receiver listen on 127.0.0.1) and bounded: it
 * stops after BENCH_SOAK_DURATION (default 10m; `90s`, `3m`, or seconds) and kills what it started.
 *
 * The emulator runs as the real CLI (`src/cli.ts`, --log-level warn, default delivery settings).
 * BENCH_SOAK_CONCURRENCY workers (default 16) each use an organization of their own and loop over
 * a mix of calls (create, get, list, update a customer, ingest an event, read its state, a
 * control-plane usage call), resetting their organization every BENCH_SOAK_RESET (default 60s), as
 * a test suite does between files (staggered: worker n first after (n + 1)/BENCH_SOAK_CONCURRENCY
 * of that). One more organization carries the webhook traffic (reset on
 * the same schedule: its endpoints stay): customers created and updated, delivered to a healthy
 * receiver, to one that answers 500 and to a port where nothing listens (retried on Polar's
 * schedule, held by --webhook-max-pending).
 *
 * Every 10 s: the emulator's RSS. Warm-up lasts BENCH_SOAK_WARMUP (default 120s) and until the
 * bounded stores are full: the failing endpoints' backlogs at --webhook-max-pending (they drop
 * events from then on), the logs at their sizes long before. At the end: a table and a small chart of the samples, the
 * requests and their latency, errors (unexpected statuses, socket errors) and lost events (events
 * for the healthy receiver that never reached it). The goal: RSS flat within ±10% after warm-up,
 * 0 errors, 0 lost events. Exits 1 when anything went wrong.
 *
 * RSS alone does not tell a leak from V8 sizing its heap for the load (it lets the old generation
 * grow to a few times what is live before a full collection): the emulator runs with --trace-gc,
 * and each sample also shows the heap live after the latest full collection (mark-compact).
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { freePort, installCleanupHooks, memoryOf, round, spawnTs, stop } from "./children.js";
import { fmt, printReport, table } from "./format.js";

function seconds(text: string | undefined, fallback: number): number {
  if (!text) return fallback;
  const match = /^(\d+(?:\.\d+)?)(s|m)?$/.exec(text.trim());
  if (!match) throw new Error(`not a duration: ${text} (e.g. 90s, 3m, 600)`);
  return Number(match[1]) * (match[2] === "m" ? 60 : 1);
}

const DURATION = seconds(process.env.BENCH_SOAK_DURATION, 600);
const CONCURRENCY = Number(process.env.BENCH_SOAK_CONCURRENCY ?? 16);
const RESET_EVERY = seconds(process.env.BENCH_SOAK_RESET, 60);
const SAMPLE_EVERY = 10;
/** Samples before this are warm-up: the bounded logs (10,000 events, deliveries) fill up first. */
const WARMUP = seconds(process.env.BENCH_SOAK_WARMUP, 120);
/** More flags for the emulator's node (V8's heap sizing, say: `--heap-growing-percent=30`). */
const NODE_FLAGS = (process.env.BENCH_SOAK_NODE_FLAGS ?? "").split(" ").filter((flag) => flag !== "");

interface Counters {
  requests: number;
  errors: number;
  latencies: number[];
  errorSamples: string[];
}
const counters: Counters = { requests: 0, errors: 0, latencies: [], errorSamples: [] };

async function call(
  base: string,
  method: string,
  path: string,
  token: string | undefined,
  body: unknown,
  expected: number[],
): Promise<{ status: number; json: unknown }> {
  const started = performance.now();
  try {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: {
        ...(token ? { Authorization: `Bearer ${token}` } : {}),
        ...(body === undefined ? {} : { "Content-Type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    counters.requests++;
    if (counters.latencies.length < 2_000_000) counters.latencies.push(performance.now() - started);
    if (!expected.includes(res.status)) {
      counters.errors++;
      if (counters.errorSamples.length < 10)
        counters.errorSamples.push(`${method} ${path} → ${res.status} ${text.slice(0, 200)}`);
    }
    return { status: res.status, json: text ? JSON.parse(text) : null };
  } catch (error) {
    counters.requests++;
    counters.errors++;
    if (counters.errorSamples.length < 10) counters.errorSamples.push(`${method} ${path} → ${String(error)}`);
    return { status: 0, json: null };
  }
}

/** A receiver on 127.0.0.1: counts distinct webhook-ids, answers `status`. */
async function receiver(status: number): Promise<{ server: Server; url: string; ids: Set<string> }> {
  const ids = new Set<string>();
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      const id = req.headers["webhook-id"];
      if (typeof id === "string") ids.add(id);
      res.writeHead(status).end(status === 200 ? "ok" : "nope");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, ids };
}

function chart(samples: { t: number; rss: number }[]): string[] {
  const max = Math.max(...samples.map((s) => s.rss));
  const min = Math.min(...samples.map((s) => s.rss));
  return samples.map(
    (s) =>
      `  ${String(s.t).padStart(5)} s ${"#".repeat(Math.max(1, Math.round((s.rss / max) * 50)))} ${fmt(s.rss, 0)}${s.rss === min ? " (min)" : s.rss === max ? " (max)" : ""}`,
  );
}

async function main(): Promise<void> {
  installCleanupHooks();
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const emulator = spawnTs(
    "src/cli.ts",
    ["--port", String(port), "--host", "127.0.0.1", "--log-level", "warn"],
    {
      POLAR_EMULATOR_WEBHOOK_URL: "",
      POLAR_EMULATOR_WEBHOOK_SECRET: "",
    },
    ["--trace-gc", ...NODE_FLAGS],
  );
  // "Mark-Compact 287.4 (322.2) -> 84.4 (322.0) MB": the heap live after the latest full collection.
  let liveAfterGc: number | undefined;
  /** The heap V8 holds from the system (used or not), after the latest collection of any kind. */
  let heapCommitted: number | undefined;
  let partial = "";
  emulator.child.stdout?.on("data", (chunk: Buffer) => {
    const lines = (partial + chunk.toString("utf8")).split("\n");
    partial = lines.pop() ?? "";
    for (const line of lines) {
      const found = /(Scavenge|Mark-Compact)(?: \(reduce\))? [\d.]+ \([\d.]+\) -> ([\d.]+) \(([\d.]+)\)/.exec(
        line,
      );
      // The main isolate's (tsx's loader thread has a small heap of its own).
      if (!found || Number(found[3]) < 40) continue;
      heapCommitted = Number(found[3]);
      if (found[1] === "Mark-Compact") liveAfterGc = Number(found[2]);
    }
  });
  for (let i = 0; ; i++) {
    if (emulator.hasExited()) throw new Error(`the emulator exited:\n${emulator.output()}`);
    const ok = await fetch(`${base}/_emulator/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (i > 600) throw new Error("the emulator did not start within 60 s");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  console.error(`[soak] emulator pid ${emulator.pid} on ${base}; ${DURATION} s, ${CONCURRENCY} workers`);

  const healthy = await receiver(200);
  const failing = await receiver(500);
  const refused = `http://127.0.0.1:${await freePort()}/hook`;
  const hooks = (await call(base, "POST", "/_emulator/organizations", undefined, { name: "hooks" }, [201]))
    .json as {
    organization: { id: string };
    token: string;
  };
  for (const url of [healthy.url, failing.url, refused])
    await call(
      base,
      "POST",
      "/v1/webhooks/endpoints",
      hooks.token,
      { url, format: "raw", events: ["customer.created", "customer.updated"] },
      [201],
    );
  let hookWrites = 0;

  const deadline = Date.now() + DURATION * 1000;
  const samples: { t: number; rss: number; live?: number; heap?: number }[] = [];
  const started = Date.now();
  /** When the failing endpoints' backlogs were first seen full (each has dropped an event). */
  let backlogsFullAt: number | undefined;
  const sampler = setInterval(async () => {
    const memory = memoryOf(emulator.pid);
    const t = Math.round((Date.now() - started) / 1000);
    if (memory) samples.push({ t, rss: memory.rssMiB, live: liveAfterGc, heap: heapCommitted });
    if (backlogsFullAt === undefined) {
      const webhooks = (await call(base, "GET", "/_emulator/webhooks", undefined, undefined, [200])).json as {
        endpoints: { url: string; dropped: number }[];
      } | null;
      const failingEndpoints = (webhooks?.endpoints ?? []).filter((e) => e.url !== healthy.url);
      if (failingEndpoints.length === 2 && failingEndpoints.every((e) => e.dropped > 0)) backlogsFullAt = t;
    }
    console.error(
      `[soak] ${Math.round((Date.now() - started) / 1000)} s: RSS ${memory?.rssMiB} MiB, V8 heap ${heapCommitted ?? "?"} MB, live heap after the last full GC ${liveAfterGc ?? "?"} MB, ${counters.requests} requests, ${counters.errors} errors`,
    );
  }, SAMPLE_EVERY * 1000);

  const worker = async (n: number) => {
    const org = (
      await call(base, "POST", "/_emulator/organizations", undefined, { name: `soak ${n}` }, [201])
    ).json as {
      organization: { id: string };
      token: string;
    };
    const customers: string[] = [];
    // Staggered: worker n first resets after (n + 1)/CONCURRENCY of the period, as parallel test
    // files do not all reset at the same moment (in lockstep, every organization's objects would
    // pile up and go together: a sawtooth of the load's making, not of the emulator's).
    let nextReset = Date.now() + (RESET_EVERY * 1000 * (n + 1)) / CONCURRENCY;
    for (let i = 0; Date.now() < deadline; i++) {
      if (Date.now() > nextReset) {
        // The first worker also resets the webhook organization (its endpoints stay).
        for (const id of n === 0 ? [org.organization.id, hooks.organization.id] : [org.organization.id])
          await call(base, "POST", `/_emulator/organizations/${id}/reset`, undefined, undefined, [200]);
        customers.length = 0;
        nextReset = Date.now() + RESET_EVERY * 1000;
      }
      const pick = i % 10;
      const id = customers[Math.floor(Math.random() * customers.length)];
      if (pick === 0 || id === undefined) {
        const res = await call(
          base,
          "POST",
          "/v1/customers/",
          org.token,
          { email: `w${n}-${i}@example.com`, metadata: { i } },
          [201],
        );
        if (res.status === 201) customers.push((res.json as { id: string }).id);
      } else if (pick <= 3) await call(base, "GET", `/v1/customers/${id}`, org.token, undefined, [200]);
      else if (pick === 4)
        await call(base, "GET", "/v1/customers/?limit=10&sorting=-created_at", org.token, undefined, [200]);
      else if (pick === 5)
        await call(base, "PATCH", `/v1/customers/${id}`, org.token, { metadata: { i } }, [200]);
      else if (pick === 6)
        await call(
          base,
          "POST",
          "/v1/events/ingest",
          org.token,
          { events: [{ name: "api_call", customer_id: id, metadata: { i } }] },
          [200],
        );
      else if (pick === 7) await call(base, "GET", `/v1/customers/${id}/state`, org.token, undefined, [200]);
      else if (pick === 8)
        await call(
          base,
          "POST",
          "/_emulator/usage",
          undefined,
          { customer_id: id, events: [{ name: "api_call", count: 5 }] },
          [200],
        );
      else if (n === 0) {
        // The webhook organization: a create or an update, each one event per endpoint.
        const res = await call(
          base,
          "POST",
          "/v1/customers/",
          hooks.token,
          { email: `h-${i}@example.com` },
          [201],
        );
        if (res.status === 201) hookWrites++;
        const patched = await call(
          base,
          "PATCH",
          `/v1/customers/${(res.json as { id: string }).id}`,
          hooks.token,
          { name: "x" },
          [200],
        );
        if (patched.status === 200) hookWrites++;
      } else await call(base, "GET", "/v1/customers/?limit=1", org.token, undefined, [200]);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, (_, n) => worker(n)));
  clearInterval(sampler);
  const loadSeconds = (Date.now() - started) / 1000;

  // Wait for the healthy receiver to get everything (up to 30 s).
  for (let i = 0; i < 300 && healthy.ids.size < hookWrites; i++) await new Promise((r) => setTimeout(r, 100));
  const status = (await call(base, "GET", "/_emulator/webhooks", undefined, undefined, [200])).json as {
    endpoints: { url: string; pending: number; dropped: number }[];
  };
  const final = memoryOf(emulator.pid);
  await stop(emulator);
  healthy.server.close();
  failing.server.close();

  const sorted = counters.latencies.sort((a, b) => a - b);
  const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;
  const warmedAt = Math.max(WARMUP, backlogsFullAt ?? Number.POSITIVE_INFINITY);
  const afterWarmup = samples.filter((s) => s.t >= warmedAt);
  const flat = afterWarmup.length > 1 ? afterWarmup : samples;
  const spread =
    flat.length > 0
      ? (Math.max(...flat.map((s) => s.rss)) / Math.min(...flat.map((s) => s.rss)) - 1) * 100
      : Number.NaN;
  const byRss = flat.map((s) => s.rss).sort((x, y) => x - y);
  const median = byRss[Math.floor(byRss.length / 2)] ?? Number.NaN;
  const deviation = Math.max(...byRss.map((rss) => (Math.abs(rss - median) / median) * 100));
  const lost = hookWrites - healthy.ids.size;
  const liveRange = (list: { live?: number }[]) => {
    const values = list.flatMap((s) => (s.live === undefined ? [] : [s.live]));
    return values.length > 0 ? `${fmt(Math.min(...values))} to ${fmt(Math.max(...values))} MB` : "not seen";
  };
  const out = [
    `polar-emulator soak: ${round(loadSeconds, 0)} s, ${CONCURRENCY} workers, organizations reset every ${RESET_EVERY} s`,
    "",
    table(
      ["t (s)", "RSS (MiB)", "V8 heap held (MB)", "live heap after the last full GC (MB)"],
      samples.map((s) => [
        String(s.t),
        fmt(s.rss, 1),
        s.heap === undefined ? "–" : fmt(s.heap, 1),
        s.live === undefined ? "–" : fmt(s.live, 1),
      ]),
    ),
    "",
    ...chart(samples),
    "",
    `  requests ${counters.requests} (${fmt(counters.requests / loadSeconds, 0)}/s), latency p50 ${fmt(q(0.5))} ms, p99 ${fmt(q(0.99))} ms, max ${fmt(sorted.at(-1))} ms`,
    `  failing endpoints' backlogs full at ${backlogsFullAt === undefined ? "(never)" : `${backlogsFullAt} s`}; warm-up until ${Number.isFinite(warmedAt) ? `${warmedAt} s` : "(never: the spread is over every sample)"}`,
    `  RSS after warm-up: within ±${fmt(deviation)}% of its median ${fmt(median, 0)} MiB (goal ±10%: ${deviation <= 10 ? "✓" : "✗"}); spread ${fmt(spread)}% min to max; final ${fmt(final?.rssMiB)} MiB, peak ${fmt(final?.peakMiB)} MiB`,
    `  live heap after full GCs, after warm-up: ${liveRange(flat)}`,
    `  webhooks: ${hookWrites} events for the healthy receiver, ${healthy.ids.size} received (lost ${lost}); ${failing.ids.size} attempts reached the 500 receiver`,
    ...status.endpoints.map((e) => `    ${e.url}: pending ${e.pending}, dropped ${e.dropped}`),
    `  errors ${counters.errors}`,
    ...counters.errorSamples.map((s) => `    ${s}`),
    JSON.stringify({
      seconds: round(loadSeconds, 0),
      requests: counters.requests,
      errors: counters.errors,
      lost,
      spreadPct: round(spread, 1),
      deviationPct: round(deviation, 1),
      warmedAt: Number.isFinite(warmedAt) ? warmedAt : null,
      samples,
    }),
  ];
  const problems = [
    ...(counters.errors > 0 ? [`${counters.errors} errors`] : []),
    ...(lost !== 0 ? [`${lost} events lost for the healthy receiver`] : []),
  ];
  printReport(out, problems, `0 errors, 0 lost events; RSS spread after warm-up ${fmt(spread)}%`);
  process.exit(problems.length > 0 ? 1 : 0);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
