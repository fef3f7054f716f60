/**
 * `npm run bench:creates`: what sustained creates cost in memory, per customer (issue 14: "RSS
 * after 60 s of sustained creates grows only by what the created objects need; bounded logs stay
 * bounded"). One process, `--expose-gc`, the emulator from the sources (`startEmulator`) with the
 * default seed:
 *
 *   1. what a customer needs: `createCustomer` called directly (the domain: the record, its
 *      indices, its `customer.created` system event, the events it publishes), N at a time;
 *   2. what the API keeps: `POST /v1/customers/` under autocannon (10 connections) for
 *      BENCH_CREATES_DURATION seconds (default 60).
 *
 * Each is measured after a warm-up that fills the bounded logs (the domain event journal keeps
 * the latest 10,000), between two full collections: live heap and RSS per customer created. The
 * two per-customer figures side by side say whether a request keeps anything beyond the objects
 * it created. Progress goes to stderr; the report and one JSON line to stdout.
 */
import autocannon from "autocannon";
import { startEmulator } from "../src/index.js";
import { createCustomer } from "../src/resources/customers/service.js";
import { fmt, table } from "./format.js";

const DURATION_S = Number(process.env.BENCH_CREATES_DURATION ?? 60);
const DIRECT = 100_000;
const WARMUP = 20_000;

const collect = globalThis.gc;
if (collect === undefined) throw new Error("run with node --expose-gc (npm run bench:creates does)");

const log = (message: string) => process.stderr.write(`[creates] ${message}\n`);

/** Live heap and RSS after full collections (a few: weak references and finalizers settle). */
function settled(): { heap: number; rss: number } {
  for (let i = 0; i < 3; i++) collect?.();
  const { heapUsed, rss } = process.memoryUsage();
  return { heap: heapUsed, rss };
}

const emulator = await startEmulator({ logLevel: "warn" });
const { context, organization } = emulator.emulator;
let next = 0;
const direct = (count: number): void => {
  for (let i = 0; i < count; i++) {
    next += 1;
    createCustomer(context, organization.id, { email: `direct-${next}@example.com`, name: `Direct ${next}` });
  }
};

log(`1. ${WARMUP} customers created directly (warm-up), then ${DIRECT} measured`);
direct(WARMUP);
const directBefore = settled();
direct(DIRECT);
const directAfter = settled();
const directPerCustomer = {
  heap: (directAfter.heap - directBefore.heap) / DIRECT,
  rss: (directAfter.rss - directBefore.rss) / DIRECT,
};
emulator.reset();

let created = 0;
let other = 0;
let sent = 0;
async function load(seconds: number): Promise<void> {
  const result = await autocannon({
    url: `${emulator.url}/v1/customers/`,
    method: "POST",
    connections: 10,
    duration: seconds,
    headers: { Authorization: `Bearer ${emulator.token}`, "Content-Type": "application/json" },
    requests: [
      {
        setupRequest: (request) => {
          sent += 1;
          return {
            ...request,
            body: JSON.stringify({ email: `api-${sent}@example.com`, name: `Api ${sent}` }),
          };
        },
      },
    ],
  });
  created += result["2xx"];
  other += result.non2xx + result.errors + result.timeouts;
}

log("2. POST /v1/customers/ for 5 s (warm-up)");
await load(5);
const apiBefore = settled();
const createdBefore = created;
log(`   then for ${DURATION_S} s, measured`);
await load(DURATION_S);
const apiAfter = settled();
const apiCreated = created - createdBefore;
const apiPerCustomer = {
  heap: (apiAfter.heap - apiBefore.heap) / apiCreated,
  rss: (apiAfter.rss - apiBefore.rss) / apiCreated,
};
await emulator.close();

const mib = (bytes: number) => fmt(bytes / 1024 / 1024, 1);
const perCustomer = (value: number) => Math.round(value).toLocaleString("en-US");
const lines = [
  `polar-emulator: memory of sustained creates  ${new Date().toISOString()}  node ${process.version}`,
  "",
  table(
    ["phase", "customers", "live heap MiB", "per customer B", "RSS MiB", "per customer B"],
    [
      [
        "createCustomer, directly (the need)",
        DIRECT.toLocaleString("en-US"),
        `${mib(directBefore.heap)} → ${mib(directAfter.heap)}`,
        perCustomer(directPerCustomer.heap),
        `${mib(directBefore.rss)} → ${mib(directAfter.rss)}`,
        perCustomer(directPerCustomer.rss),
      ],
      [
        `POST /v1/customers/, ${DURATION_S} s`,
        apiCreated.toLocaleString("en-US"),
        `${mib(apiBefore.heap)} → ${mib(apiAfter.heap)}`,
        perCustomer(apiPerCustomer.heap),
        `${mib(apiBefore.rss)} → ${mib(apiAfter.rss)}`,
        perCustomer(apiPerCustomer.rss),
      ],
    ],
  ),
  "",
  `  the API keeps ${(apiPerCustomer.heap / directPerCustomer.heap).toFixed(2)}× what a customer needs (live heap per customer created); ${(apiCreated / DURATION_S).toFixed(0)} creates/s; ${other} other answers or errors`,
];
process.stdout.write(`${lines.join("\n")}\n`);
process.stdout.write(
  `${JSON.stringify({ durationS: DURATION_S, direct: { customers: DIRECT, before: directBefore, after: directAfter, perCustomer: directPerCustomer }, api: { customers: apiCreated, before: apiBefore, after: apiAfter, perCustomer: apiPerCustomer, other } })}\n`,
);
process.exit(other === 0 ? 0 : 1);
