/**
 * Schemathesis (pinned in contract/fuzz/requirements.txt) against the emulator: property-based
 * requests generated from spec/polar.yaml and spec/emulator.yaml, checked against the same specs,
 * for every operation of both (counted from the specs). A fixed seed and a fixed number of
 * examples make the run reproducible; a failure prints schemathesis' report, with a curl command
 * per finding.
 *
 * Before each run the default organization gets objects of every kind on top of its seed (see
 * seedEverything), and the hooks (contract/fuzz/hooks.py) get their ids by kind, so that a path
 * such as /v1/subscriptions/{id} reaches a subscription. Neither the kinds nor which parameter
 * takes which are lists kept here or in the hooks: the kinds are the registry's snapshot sections
 * (SNAPSHOT_SECTIONS) plus a few of heldIds' own, and the kind each operation's `id` takes is read
 * from its path in the specs (resourcePaths); a path that names no kind held fails the test.
 *
 * The two runs go side by side, each against an emulator of its own (with a clock that stands
 * still, so that the answers, and so the requests schemathesis derives from them, are the same
 * every run): about 100 s on 2 otherwise idle cores before the purchase flow's checkout, session,
 * invoice and portal operations joined the run (more with them), and 11 minutes when four other
 * runs shared the 2 cores.
 *
 * The venv lives in node_modules/.cache/schemathesis/venv and is rebuilt when the requirements,
 * the interpreter or the platform change; test/python-venv.ts builds it (atomically).
 *
 * Reproduce a run by hand against `npm start` (without POLAR_FUZZ_IDS and the other variables the
 * test sets, see contract/fuzz/hooks.py, the hooks fall back to random ids):
 *   cat contract/fuzz/schemathesis.toml contract/fuzz/polar.toml > /tmp/schemathesis.toml
 *   SCHEMATHESIS_HOOKS=contract/fuzz/hooks.py node_modules/.cache/schemathesis/venv/bin/python \
 *     -m schemathesis.cli --config-file /tmp/schemathesis.toml run spec/polar.yaml \
 *     --url http://127.0.0.1:8000 --header "Authorization: Bearer <token>" <the FLAGS below>
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { FixedClock, type RunningEmulator, startEmulator } from "../src/index.js";
import { SNAPSHOT_SECTIONS } from "../src/resources/index.js";
import { describeRun, ensureVenv, ROOT, run } from "./python-venv.js";

const FUZZ = path.join(ROOT, "contract", "fuzz");

// The checks that run, and why those and no others: [checks] in contract/fuzz/schemathesis.toml
// (not --checks, which would override the one check the file turns off for one operation).
const FLAGS = [
  // The same requests every run, for the same emulator, pinned versions and Python version:
  // one worker, a fixed seed, and no example database carried over from an earlier run.
  "--seed",
  "1",
  "--workers",
  "1",
  "--generation-database",
  "none",
  "--request-timeout",
  "10",
  "--no-color",
];

// Examples per operation in the fuzzing and stateful phases (the coverage phase, where most of
// the time goes, is not bounded by it): about 6,700 requests for spec/polar.yaml (60 to 95 s
// alone) and 2,900 for spec/emulator.yaml (about 60 s).
const POLAR_FLAGS = ["--max-examples", "30"];
const CONTROL_FLAGS = ["--max-examples", "25"];

interface Summary {
  selected: number;
  total: number;
  tested: number;
  generated: number;
  passed: number;
  phases: Record<string, string>;
}

/** What schemathesis' SUMMARY section says: operations, test cases and the phases' outcomes. */
function schemathesisSummary(stdout: string): Summary | null {
  const summary = stdout.slice(stdout.lastIndexOf("SUMMARY"));
  const operations = /Selected: (\d+)\/(\d+)\s+Tested: (\d+)/.exec(summary);
  const cases = /Test cases:\s+(\d+) generated(?:, (\d+) passed)?/.exec(summary);
  if (!operations || !cases) return null;
  const phases: Record<string, string> = {};
  const block = /Test Phases:\n((?:[ \t]+\S.*\n)+)/.exec(summary)?.[1] ?? "";
  for (const line of block.split("\n")) {
    const match = /^\s*(\S+)\s+(Examples|Coverage|Fuzzing|Stateful)\b/u.exec(line);
    if (match) phases[match[2]] = match[1];
  }
  return {
    selected: Number(operations[1]),
    total: Number(operations[2]),
    tested: Number(operations[3]),
    generated: Number(cases[1]),
    passed: Number(cases[2] ?? 0),
    phases,
  };
}

interface SpecOperation {
  operationId?: string;
  parameters?: { name: string; in: string }[];
}

const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/** A spec's operations, as `METHOD /path` (schemathesis' label) with their parameters. */
function operationsOf(spec: string): [label: string, path: string, operation: SpecOperation][] {
  const document = parseYaml(readFileSync(path.join(ROOT, "spec", spec), "utf8")) as {
    paths: Record<string, Record<string, SpecOperation>>;
  };
  return Object.entries(document.paths).flatMap(([route, item]) =>
    METHODS.filter((method) => method in item).map(
      (method) =>
        [`${method.toUpperCase()} ${route}`, route, item[method]] as [string, string, SpecOperation],
    ),
  );
}

/**
 * The operations the spec's own toml (contract/fuzz/<spec>.toml) leaves out of the run: its
 * `[[operations]]` entries with `enabled = false`, each with its reason there.
 */
function leftOut(spec: string): Set<string> {
  const own = path.join(FUZZ, spec.replace(/\.yaml$/, ".toml"));
  if (!existsSync(own)) return new Set();
  const entries = readFileSync(own, "utf8").split("[[operations]]").slice(1);
  return new Set(
    entries
      .filter((entry) => /^enabled = false$/m.test(entry))
      .flatMap((entry) => /^include-operation-id = "([^"]+)"$/m.exec(entry)?.[1] ?? []),
  );
}

/** How many operations a spec declares: the run must test every one of them. */
function operationsIn(spec: string): number {
  return operationsOf(spec).length;
}

/**
 * The kind of id (a key of heldIds) each operation's `id` parameter takes, by label, for the hooks
 * (POLAR_FUZZ_RESOURCE_PATHS, their RESOURCE_PATHS): derived from both specs, so that a resource
 * added to the registry gets its ids without an entry here or in hooks.py. The kind is named by
 * the path segments before `{id}` (all of them for a list's `id` filter), hyphens as underscores,
 * the longest run of them that is a kind held, its leading words singular:
 * `/v1/customer-meters/{id}` → customer_meters, `/_emulator/meters/{id}/credit` → meters,
 * `/v1/webhooks/events/{id}/redeliver` → webhook_events (not events, the usage events).
 * An operation whose kind is none held maps to null, which `prepare` fails on; operations the
 * spec's toml leaves out of the run are not mapped.
 */
function resourcePaths(kinds: readonly string[]): Record<string, string | null> {
  const kindOf = (segments: string[]): string | null => {
    for (let length = segments.length; length > 0; length--) {
      const words = segments.slice(-length).map((word) => word.replaceAll("-", "_"));
      const name = [
        ...words.slice(0, -1).map((word) => word.replace(/s$/, "")),
        words[words.length - 1],
      ].join("_");
      if (kinds.includes(name)) return name;
    }
    return null;
  };
  const paths: Record<string, string | null> = {};
  for (const spec of ["polar.yaml", "emulator.yaml"]) {
    const excluded = leftOut(spec);
    for (const [label, route, operation] of operationsOf(spec)) {
      if (operation.operationId && excluded.has(operation.operationId)) continue;
      const segments = route.split("/").filter(Boolean);
      const parameters = operation.parameters ?? [];
      if (parameters.some((parameter) => parameter.in === "path" && parameter.name === "id")) {
        paths[label] = kindOf(segments.slice(0, segments.indexOf("{id}")));
      } else if (parameters.some((parameter) => parameter.in === "query" && parameter.name === "id")) {
        paths[label] = kindOf(segments); // a list's filter by ids: `GET /v1/products/?id=…`
      }
    }
  }
  return paths;
}

/**
 * A webhook receiver for the fuzzed emulators' endpoints (answers 200), so that deliveries
 * succeed; a second endpoint points at a closed port, so that some fail.
 */
let receiver: Server;
let receiverUrl: string;
const DEAD_URL = "http://127.0.0.1:9/fuzz-dead";

/**
 * An emulator on a free port whose clock stands still: the same requests then get the same bytes
 * back every run (dates included), and schemathesis, which draws values from earlier answers,
 * sends the same requests.
 */
function startFuzzedEmulator(): Promise<RunningEmulator> {
  return startEmulator({
    clock: new FixedClock(new Date("2026-03-01T12:00:00Z")),
    // Not "warn": the endpoints at a closed port fail and get disabled, which is logged as a warning.
    logLevel: "error",
    // Few, quick attempts: the run creates endpoints at closed ports, and every event fans out.
    webhooks: { maxAttempts: 2, retryDelays: [10], timeoutMs: 2000, logSize: 2000 },
  });
}

let python: string;
// One emulator per spec, so that the two runs can go side by side (a run of the control plane
// resets its emulator, which would pull the data from under the other).
let polarEmulator: RunningEmulator;
let controlEmulator: RunningEmulator;

beforeAll(async () => {
  const venv = await ensureVenv({
    cacheName: "schemathesis",
    requirements: path.join("contract", "fuzz", "requirements.txt"),
    purpose: "the schemathesis fuzz test",
    minimumPython: [3, 11], // schemathesis 4.32.5 requires it
  });
  python = venv.python;
  receiver = createServer((request, response) => {
    request.resume();
    request.on("end", () => response.writeHead(200).end("ok"));
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/fuzz`;
  if (venv.built) console.info(`schemathesis venv built in ${venv.seconds.toFixed(1)} s (${venv.venv})`);
  [polarEmulator, controlEmulator] = await Promise.all([startFuzzedEmulator(), startFuzzedEmulator()]);
}, 300_000);

afterAll(async () => {
  await Promise.all([polarEmulator?.close(), controlEmulator?.close()]);
  receiver?.closeAllConnections();
  receiver?.close();
});

type Body = Record<string, unknown> & { id: string };

/** One request to an emulator; anything but `status` fails the test with the body. */
async function call(
  emulator: RunningEmulator,
  method: string,
  url: string,
  body: unknown,
  status: number,
  token?: string,
): Promise<Body> {
  const response = await fetch(`${emulator.url}${url}`, {
    method,
    headers: {
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { "Content-Type": "application/json" }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  expect(response.status, `${method} ${url}: ${text}`).toBe(status);
  return (text ? JSON.parse(text) : {}) as Body;
}

/** The public API with the default organization's token, and the control plane. */
function clients(emulator: RunningEmulator) {
  return {
    api: (method: string, url: string, body: unknown, status: number) =>
      call(emulator, method, url, body, status, emulator.token),
    control: (url: string, body: unknown, status = 200) =>
      call(emulator, "POST", `/_emulator${url}`, body, status),
  };
}

/**
 * Gives the default organization objects of every kind on top of its seed, made through the public
 * API and the control plane, so that every operation has something to find: meters (count and
 * sum), benefits of five types, recurring products (fixed + metered, seat-based, free) and
 * one-time ones (fixed, pay what you want) with benefits attached, customers with external ids,
 * subscriptions active, trialing, canceling, past due and canceled, direct grants (one revoked),
 * meter credits and usage events.
 */
async function seedEverything(emulator: RunningEmulator): Promise<void> {
  const { api, control } = clients(emulator);
  // Webhook endpoints first, so that what follows is delivered (or fails to be).
  await api(
    "POST",
    "/v1/webhooks/endpoints",
    {
      url: receiverUrl,
      format: "raw",
      events: ["customer.created", "customer.state_changed", "subscription.created"],
    },
    201,
  );
  await api(
    "POST",
    "/v1/webhooks/endpoints",
    { url: DEAD_URL, format: "raw", events: ["subscription.updated"], name: "closed port" },
    201,
  );
  const countCalls = await api(
    "POST",
    "/v1/meters/",
    {
      name: "Fuzz API calls",
      filter: { conjunction: "and", clauses: [{ property: "name", operator: "eq", value: "fuzz_call" }] },
      aggregation: { func: "count" },
    },
    201,
  );
  const tokens = await api(
    "POST",
    "/v1/meters/",
    {
      name: "Fuzz LLM tokens",
      filter: { conjunction: "and", clauses: [{ property: "name", operator: "eq", value: "fuzz_llm" }] },
      aggregation: { func: "sum", property: "tokens" },
    },
    201,
  );

  const benefits: Body[] = [];
  for (const body of [
    { type: "custom", description: "Fuzz support", properties: { note: "Write to us" } },
    { type: "license_keys", description: "Fuzz license", properties: { prefix: "FUZZ" } },
    { type: "feature_flag", description: "Fuzz beta", properties: {}, metadata: { flag: "fuzz" } },
    {
      type: "meter_credit",
      description: "Fuzz credits",
      properties: { units: 100, rollover: true, meter_id: countCalls.id },
    },
    {
      type: "downloadables",
      description: "Fuzz e-book",
      properties: { files: ["3f2b8c4e-9d1a-4b7e-8f60-2c5d9e1a7b34"] },
    },
    { type: "custom", description: "Fuzz onboarding call", properties: { note: null } },
  ]) {
    benefits.push(await api("POST", "/v1/benefits/", body, 201));
  }

  const products: Record<string, Body> = {};
  for (const [key, body] of Object.entries({
    monthly: {
      name: "Fuzz Pro",
      recurring_interval: "month",
      prices: [
        { amount_type: "fixed", price_amount: 2000 },
        { amount_type: "metered_unit", meter_id: countCalls.id, unit_amount: "5", cap_amount: 10000 },
      ],
      metadata: { plan: "pro" },
    },
    yearly: {
      name: "Fuzz Team",
      recurring_interval: "year",
      prices: [
        {
          amount_type: "seat_based",
          seat_tiers: { tiers: [{ min_seats: 1, max_seats: null, price_per_seat: 9000 }] },
        },
      ],
    },
    free: {
      name: "Fuzz Free",
      recurring_interval: "month",
      prices: [{ amount_type: "fixed", price_amount: 0 }],
    },
    lifetime: { name: "Fuzz Lifetime", prices: [{ amount_type: "fixed", price_amount: 29900 }] },
    tip: { name: "Fuzz Tip jar", prices: [{ amount_type: "custom", minimum_amount: 100 }] },
  })) {
    products[key] = await api("POST", "/v1/products/", body, 201);
  }
  const attach = { monthly: [0, 2, 3], yearly: [0, 1, 2, 3, 4, 5], lifetime: [1], tip: [2] };
  for (const [key, indices] of Object.entries(attach)) {
    await api(
      "POST",
      `/v1/products/${products[key].id}/benefits`,
      {
        benefits: indices.map((index) => benefits[index].id),
      },
      200,
    );
  }

  // Discounts of each shape: fixed once, percentage repeating with a code, fixed forever on two products.
  for (const body of [
    { name: "Fuzz launch", type: "fixed", duration: "once", amount: 500, currency: "usd" },
    {
      name: "Fuzz quarter",
      type: "percentage",
      duration: "repeating",
      duration_in_months: 3,
      basis_points: 2500,
      code: "FUZZ25",
    },
    {
      name: "Fuzz loyal",
      type: "fixed",
      duration: "forever",
      amounts: { usd: 300 },
      products: [products.monthly.id, products.yearly.id],
      max_redemptions: 10,
    },
  ]) {
    await api("POST", "/v1/discounts/", body, 201);
  }

  const customers: Body[] = [];
  for (let index = 1; index <= 8; index++) {
    customers.push(
      await api(
        "POST",
        "/v1/customers/",
        {
          email: `fuzz${index}@example.com`,
          name: `Fuzz Customer ${index}`,
          external_id: `fuzz_user_${index}`,
          metadata: { cohort: index % 2 ? "odd" : "even" },
        },
        201,
      ),
    );
  }

  // Several subscriptions per customer (Polar's default is one): the seeded customers all have
  // one, and the checkouts of recurring products the run makes for them would all be refused.
  const organization = await api("GET", `/v1/organizations/${emulator.organizationId}`, undefined, 200);
  await api(
    "PATCH",
    `/v1/organizations/${emulator.organizationId}`,
    {
      subscription_settings: {
        ...(organization.subscription_settings as Record<string, unknown>),
        allow_multiple_subscriptions: true,
      },
    },
    200,
  );

  // Checkout sessions: one open, one completed (a customer, a subscription), and a checkout link.
  await api("POST", "/v1/checkouts/", { products: [products.monthly.id, products.yearly.id] }, 201);
  const bought = await api(
    "POST",
    "/v1/checkouts/",
    // 500 seats: room for the run's seat assignments (see the seats below).
    { products: [products.yearly.id], customer_id: customers[1]?.id, metadata: { fuzz: true }, seats: 500 },
    201,
  );
  await control(`/checkouts/${String(bought.id)}/complete`, {});
  // Open ones on a custom price (with an amount), on seats (with bounds), and for a known customer.
  await api(
    "POST",
    "/v1/checkouts/",
    { products: [products.tip.id, products.lifetime.id], amount: 500 },
    201,
  );
  await api(
    "POST",
    "/v1/checkouts/",
    { products: [products.yearly.id], seats: 3, min_seats: 2, max_seats: 10 },
    201,
  );
  await api(
    "POST",
    "/v1/checkouts/",
    { products: [products.lifetime.id], customer_id: customers[3]?.id },
    201,
  );
  await api(
    "POST",
    "/v1/checkout-links/",
    { payment_processor: "stripe", products: [products.monthly.id], label: "Fuzz link" },
    201,
  );

  // Team customers with members (the organization has Polar's member model, see `prepare`): an
  // owner each, made with the customer, and members with external ids to name them by.
  for (let index = 1; index <= 2; index++) {
    const team = await api(
      "POST",
      "/v1/customers/",
      {
        type: "team",
        email: `fuzz-team${index}@example.com`,
        name: `Fuzz Team ${index}`,
        external_id: `fuzz_team_${index}`,
        owner: { email: `fuzz-owner${index}@example.com`, name: `Owner ${index}` },
      },
      201,
    );
    for (const [at, role] of ["member", "billing_manager", "member"].entries()) {
      await api(
        "POST",
        `/v1/customers/${team.id}/members`,
        { email: `fuzz-member${index}-${at}@example.com`, external_id: `fuzz_member_${index}_${at}`, role },
        201,
      );
    }
  }

  // Subscriptions in every status, through the control plane: active, trialing, then moved on.
  const start = (customer: Body, product: Body, status = "active") =>
    control("/subscriptions", { customer_id: customer.id, product_id: product.id, status }, 201).then(
      (answer) => answer.subscription as Body,
    );
  const recurring = [products.monthly, products.yearly, products.free];
  const subscriptions: Body[] = [];
  for (const [index, customer] of customers.entries()) {
    subscriptions.push(await start(customer, recurring[index % 3], index % 4 === 1 ? "trialing" : "active"));
  }
  await control(`/subscriptions/${subscriptions[2].id}/cancel`, undefined); // canceling
  await control(`/subscriptions/${subscriptions[3].id}/past_due`, undefined);
  await control(`/subscriptions/${subscriptions[4].id}/revoke`, undefined); // canceled
  await control(`/subscriptions/${subscriptions[6].id}/cancel`, undefined);
  await control(`/subscriptions/${subscriptions[6].id}/end_period`, undefined); // ended at period end
  await control(`/subscriptions/${subscriptions[0].id}/renew`, undefined);
  subscriptions.push(await start(customers[0], products.yearly)); // a second one

  // Direct grants (one revoked again), meter credits and usage.
  await control("/benefit-grants", { customer_id: customers[7].id, benefit_id: benefits[0].id });
  await control("/benefit-grants", { customer_id: customers[7].id, benefit_id: benefits[5].id });
  await control("/benefit-grants/revoke", { customer_id: customers[7].id, benefit_id: benefits[5].id });
  await control(`/meters/${tokens.id}/credit`, { customer_id: customers[1].id, units: 5000 });
  await control(`/meters/${countCalls.id}/credit`, { external_customer_id: "fuzz_user_8", units: 20 });
  const events = customers.flatMap((customer, index) => [
    ...Array.from({ length: index + 1 }, (_, n) => ({
      name: "fuzz_call",
      customer_id: customer.id,
      external_id: `fuzz-call-${index}-${n}`,
    })),
    { name: "fuzz_llm", external_customer_id: customer.external_id, metadata: { tokens: 100 * (index + 1) } },
  ]);
  await api("POST", "/v1/events/ingest", { events }, 200);
  await control("/usage", { customer_id: customers[2].id, events: [{ name: "fuzz_call", count: 3 }] });
  // A partial refund of a paid order, so the refunds list has something to page through.
  const paid = (await listAll(emulator, "orders")).find(
    (order) => order.status === "paid" && typeof order.total_amount === "number" && order.total_amount > 100,
  );
  expect(paid, "a paid order to refund").toBeDefined();
  await api("POST", "/v1/refunds/", { order_id: paid?.id, reason: "customer_request", amount: 100 }, 201);
  // Invoices: three paid orders get the billing details Polar requires, two of them their invoice.
  const invoiceable = (await listAll(emulator, "orders"))
    .filter((order) => order.status === "paid")
    .slice(0, 3);
  for (const [index, order] of invoiceable.entries()) {
    await api(
      "PATCH",
      `/v1/orders/${order.id}`,
      {
        billing_name: `Fuzz Billing ${index}`,
        billing_address: {
          line1: "1 Fuzz Street",
          city: "Austin",
          state: "TX",
          postal_code: "73301",
          country: "US",
        },
      },
      200,
    );
    if (index < 2) await api("POST", `/v1/orders/${order.id}/invoice`, undefined, 202);
  }

  // The customer portal's customer: a customer session of customers[1] (its owner member's, with
  // the member model), with more subscriptions, and an activation of each license key it holds.
  const portalCustomer = customers[1];
  await start(portalCustomer, products.monthly);
  await start(portalCustomer, products.free);
  const session = await api("POST", "/v1/customer-sessions/", { customer_id: portalCustomer.id }, 201);
  // And a team's owner, who manages its members in the portal (a member session of its own).
  const team = (await listAll(emulator, "customers")).find((item) => item.external_id === "fuzz_team_1");
  const members = (await api(
    "GET",
    `/v1/members/?customer_id=${team?.id}&limit=100`,
    undefined,
    200,
  )) as unknown as {
    items: Body[];
  };
  const owner = members.items.find((item) => item.role === "owner");
  const teamSession = await api(
    "POST",
    "/v1/customer-sessions/",
    { customer_id: team?.id, member_id: owner?.id },
    201,
  );
  // Seats of the portal customer's seat-based subscription (bought above with 500 seats): pending
  // (their invitation tokens), one revoked. None claimed: a claim grants the product's benefits
  // (license keys among them) to the portal customer's members, which the portal's runs would read.
  const seated = (await listAll(emulator, "subscriptions")).find((item) => item.seats === 500);
  expect(seated, "a subscription with 500 seats").toBeDefined();
  const seats: Body[] = [];
  for (let index = 1; index <= 12; index++) {
    seats.push(
      await api(
        "POST",
        "/v1/customer-seats",
        {
          subscription_id: seated?.id,
          email: `fuzz-seat${index}@example.com`,
          metadata: { index },
        },
        200,
      ),
    );
  }
  await api("DELETE", `/v1/customer-seats/${String(seats[1]?.id)}`, undefined, 200);
  portal = {
    customerId: portalCustomer.id,
    token: String(session.token),
    teamId: String(team?.id),
    teamToken: String(teamSession.token),
  };
  for (const token of ["tok_visa", "tok_mastercard", "tok_amex"]) {
    await call(
      emulator,
      "POST",
      "/v1/customer-portal/customers/me/payment-methods",
      { confirmation_token_id: token, set_default: token === "tok_visa", return_url: "https://example.com/" },
      201,
      String(session.token),
    );
  }
  const keys = (await listAll(emulator, "license-keys")) as (Body & { key: string; customer_id: string })[];
  for (const key of keys.filter((item) => item.customer_id === portalCustomer.id)) {
    // Room for the activations the run makes (the portal's, and the hooks' own top-ups).
    await api("PATCH", `/v1/license-keys/${key.id}`, { limit_activations: 1000 }, 200);
    await api(
      "POST",
      "/v1/license-keys/activate",
      { key: key.key, organization_id: emulator.organizationId, label: "fuzz laptop", meta: { os: "linux" } },
      200,
    );
  }
}

/** The customer session the customer portal's operations are fuzzed with (POLAR_FUZZ_PORTAL_TOKEN). */
let portal: { customerId: string; token: string; teamId: string; teamToken: string } | undefined;

/** Every item of a public list, page after page. */
async function listAll(emulator: RunningEmulator, resource: string): Promise<Body[]> {
  const { api } = clients(emulator);
  const items: Body[] = [];
  for (let page = 1; ; page++) {
    const answer = (await api(
      "GET",
      // Polar's collection paths end in a slash, except nested ones (`webhooks/endpoints`).
      `/v1/${resource}${resource.includes("/") ? "" : "/"}?limit=100&page=${page}`,
      undefined,
      200,
    )) as unknown as {
      items: Body[];
      pagination: { max_page: number };
    };
    items.push(...answer.items);
    if (page >= answer.pagination.max_page) return items;
  }
}

/**
 * At most this many ids of a snapshot section, the latest: the seed's hundreds of usage events would
 * swamp the held ids the uuid4 strategy draws from (hooks.py), and the environment variable.
 */
const MAX_SECTION_IDS = 100;

/**
 * The ids the emulator holds, by kind, for the hooks (POLAR_FUZZ_IDS, see hooks.py), so that the path
 * `/v1/subscriptions/{id}` gets subscription ids, a `product_id` product ids, and so on.
 *
 * Every collection section of a snapshot (SNAPSHOT_SECTIONS, from the registry) is a kind, named as
 * the section: the ids of the default organization's records (the one the token and the hooks work
 * on), except deleted ones, the latest MAX_SECTION_IDS of them, newest first (the order Polar lists
 * them in by default, and so the hooks' choices among them, as when the ids came from the lists).
 * A resource added to the registry gets its kind here, and resourcePaths maps its `{id}` paths to
 * it. On top, the kinds that are no section, or that the hooks need in another shape: customers
 * with their external ids (live ones), subscriptions with their customer and whether they ended,
 * recurring products (that are not archived), the organization, webhook endpoints, and the latest
 * webhook events, deliveries and events of the domain journal (`GET /_emulator/events`, whose
 * `after` names one).
 */
async function heldIds(
  emulator: RunningEmulator,
): Promise<Record<string, unknown[] | Record<string, unknown>>> {
  await emulator.webhooks.idle();
  const partition = emulator.emulator.context.store.partition(emulator.organizationId);
  const sections: Record<string, string[]> = {};
  for (const { name, section } of SNAPSHOT_SECTIONS) {
    if (!("kind" in section) || section.kind !== "collection") continue;
    const records = section.capture(partition) as {
      id: string;
      deleted_at?: unknown;
      is_deleted?: unknown;
    }[];
    sections[name] = records
      .filter((record) => (record.deleted_at ?? null) === null && record.is_deleted !== true)
      .map((record) => record.id)
      .slice(-MAX_SECTION_IDS)
      .reverse();
  }
  const [customers, products, subscriptions, endpoints, members, checkouts, orders] = await Promise.all(
    ["customers", "products", "subscriptions", "webhooks/endpoints", "members", "checkouts", "orders"].map(
      (resource) => listAll(emulator, resource),
    ),
  );
  const log = async (url: string) =>
    (
      (await call(emulator, "GET", `/_emulator/${url}?limit=10000`, undefined, 200)) as unknown as {
        items: Body[];
      }
    ).items;
  const [webhookEvents, deliveries, journal] = [
    await log("webhooks/events"),
    await log("webhooks/deliveries"),
    await log("events"),
  ];
  const ids = (items: { id: string }[]) => items.map((item) => item.id);
  // The portal customer's objects (what its session reads), and license keys by their text.
  const mine = <T extends { id: string; customer_id: string }>(rows: Iterable<T>) =>
    [...rows].filter((row) => row.customer_id === portal?.customerId).map((row) => row.id);
  const liveKeys = [...partition.licenseKeys.values()].filter((key) => key.status === "granted");
  const portalIds = {
    customer_portal_subscriptions: mine(partition.subscriptions.values()),
    customer_portal_benefit_grants: mine(
      [...partition.grants.values()].filter(
        (grant) =>
          grant.revoked_at === null && partition.benefits.get(grant.benefit_id)?.visibility === "public",
      ),
    ),
    customer_portal_license_keys: mine(partition.licenseKeys.values()),
    customer_portal_meters: mine(partition.customerMeters.values()),
    customer_portal_orders: mine(partition.orders.values()),
    // Seats: the portal customer's seat-based subscriptions and their seats, and pending seats' tokens.
    seat_subscriptions: mine(partition.subscriptions.values()).filter(
      (id) => (partition.subscriptions.get(id)?.seats ?? 0) >= 100,
    ),
    customer_portal_seats: [...partition.customerSeats.values()]
      .filter(
        (seat) =>
          seat.subscription_id !== null &&
          mine([partition.subscriptions.get(seat.subscription_id) ?? { id: "", customer_id: "" }]).length > 0,
      )
      .map((seat) => seat.id),
    seat_invitation_tokens: [...partition.customerSeats.values()].flatMap((seat) =>
      seat.invitation_token === null ? [] : [seat.invitation_token],
    ),
    // The team's members its owner may change (not the owner itself).
    customer_portal_members: [...partition.members.values()]
      .filter((member) => member.customer_id === portal?.teamId && member.deleted_at === null)
      .filter((member) => member.role !== "owner")
      .map((member) => member.id),
    // Not a bare UUID (a key without a prefix): the hooks would take it for an id and respell it.
    license_key_texts: liveKeys.filter((key) => !/^[0-9A-F-]{36}$/.test(key.key)).map((key) => key.key),
    // The portal customer's (what the portal's activation takes).
    portal_license_key_texts: liveKeys
      .filter((key) => key.customer_id === portal?.customerId && !/^[0-9A-F-]{36}$/.test(key.key))
      .map((key) => key.key),
    // `<activation id>|<its key's id>|<its key's text>`: an activation named with its own key.
    license_key_activation_pairs: [...partition.licenseKeyActivations.values()]
      .filter((activation) => activation.deleted_at === null)
      .flatMap((activation) => {
        const key = partition.licenseKeys.get(activation.license_key_id);
        return key ? [`${activation.id}|${key.id}|${key.key}`] : [];
      }),
  };
  return {
    ...sections,
    ...portalIds,
    organizations: [emulator.organizationId],
    // Not the portal's customers: deleting one would end its session, and the portal run with it.
    customers: Object.fromEntries(
      customers
        .filter((item) => item.id !== portal?.customerId && item.id !== portal?.teamId)
        .map((item) => [item.id, item.external_id ?? null]),
    ),
    recurring_products: ids(products.filter((item) => item.is_recurring && !item.is_archived)),
    // What a one-time purchase (`POST /_emulator/orders`) takes.
    one_time_products: ids(products.filter((item) => !item.is_recurring && !item.is_archived)),
    // What `POST /v1/subscriptions/` takes: recurring products whose default (not metered) price is free.
    free_products: ids(
      products.filter((item) => {
        const prices = (item.prices as { amount_type: string; price_amount?: number }[]).filter(
          (price) => price.amount_type !== "metered_unit",
        );
        return (
          item.is_recurring &&
          !item.is_archived &&
          prices[0]?.amount_type === "fixed" &&
          prices[0].price_amount === 0
        );
      }),
    ),
    team_customers: ids(customers.filter((item) => item.type === "team")),
    members: Object.fromEntries(
      members.map((item) => [
        item.id,
        { customer: item.customer_id, external_id: item.external_id, role: item.role },
      ]),
    ),
    subscriptions: Object.fromEntries(
      subscriptions.map((item) => [
        item.id,
        { customer: item.customer_id, ended: item.ended_at !== null || item.status === "canceled" },
      ]),
    ),
    // What the checkout operations need of each session (hooks.py `_checkout_entry`): its client
    // secret and status, its products, the selected price and the seat bounds.
    // Not expired ones (the default seed's, a day old at the seed's reference time): Polar's client
    // API answers 410 for them.
    checkout_sessions: Object.fromEntries(
      checkouts
        .filter(
          (item) => Date.parse(String(item.expires_at)) > emulator.emulator.context.clock.now().getTime(),
        )
        .map((item) => [
          item.id,
          {
            client_secret: item.client_secret,
            status: item.status,
            products: (item.products as { id: string }[]).map((product) => product.id),
            price: item.product_price ?? {},
            min_seats: item.min_seats ?? null,
            max_seats: item.max_seats ?? null,
          },
        ]),
    ),
    // Orders with an invoice (`GET /v1/orders/{id}/invoice`), and those one can be generated for
    // (`POST /v1/orders/{id}/invoice`: not a draft, with a billing name and address).
    invoiced_orders: ids(orders.filter((item) => item.is_invoice_generated === true)),
    invoiceable_orders: ids(
      orders.filter(
        (item) =>
          item.status !== "draft" && item.status !== "void" && item.billing_name && item.billing_address,
      ),
    ),
    webhook_endpoints: ids(endpoints),
    // The latest ones only: `after` one of them leaves something to list.
    webhook_events: ids(webhookEvents.slice(-50)),
    deliveries: ids(deliveries.slice(-50)),
    journal_events: ids(journal.slice(-50)),
  };
}

/**
 * The default organization as the fuzz run starts: its seed (the ids a reset during the run brings
 * back, POLAR_FUZZ_BOOT_IDS), then objects of every kind on top (POLAR_FUZZ_IDS). With
 * `snapshots`, also a small organization for the scenario operations (fixtures, resets,
 * snapshots) to work on five times in six, and whose snapshot the hooks restore: the default
 * organization's snapshot is hundreds of kilobytes long (its seed's usage events), which makes
 * each snapshot or restore of it take a second of schemathesis' time.
 */
async function prepare(
  emulator: RunningEmulator,
  options: { snapshots?: boolean } = {},
): Promise<NodeJS.ProcessEnv> {
  const { control } = clients(emulator);
  emulator.reset();
  const boot = await heldIds(emulator);
  // Polar's member model, as organizations created since February 2026 have it: customers get
  // their owner members, and the member operations can add more.
  emulator.loadFixture({ organization: { member_model_enabled: true } });
  await seedEverything(emulator);
  const held = await heldIds(emulator);
  const count = (ids: object) => Object.keys(ids).length;
  for (const kind of [
    "customers",
    "products",
    "recurring_products",
    "one_time_products",
    "free_products",
    "benefits",
    "meters",
  ] as const) {
    expect(count(held[kind]), `${kind} seeded`).toBeGreaterThan(count(boot[kind]));
  }
  for (const kind of [
    "subscriptions",
    "members",
    "team_customers",
    "benefit_grants",
    "customer_meters",
    "events",
    "webhook_endpoints",
    "webhook_events",
    "deliveries",
    "journal_events",
  ] as const) {
    expect(count(held[kind]), `${kind} seeded`).toBeGreaterThan(0);
  }
  // Every `id` parameter of both specs takes a kind of ids held, and some are: a resource whose
  // path names no snapshot section (nor another kind heldIds gives) fails here, with its path.
  const kinds = Object.keys(held);
  const resources = resourcePaths(kinds);
  for (const [label, kind] of Object.entries(resources)) {
    expect(kind, `${label}: its path names no kind of held ids (${kinds.join(", ")})`).not.toBeNull();
    if (kind)
      expect(count(held[kind]), `${label}: no ${kind} held, seedEverything makes none`).toBeGreaterThan(0);
  }
  const statuses = new Set(
    (await listAll(emulator, "subscriptions")).map(
      (item) => `${item.status}, canceling: ${item.cancel_at_period_end}`,
    ),
  );
  for (const status of ["active", "trialing", "past_due", "canceled"]) {
    expect(statuses, "subscription statuses to fuzz").toContain(`${status}, canceling: false`);
  }
  expect(statuses, "subscription statuses to fuzz").toContain("active, canceling: true");

  const env: NodeJS.ProcessEnv = {
    POLAR_FUZZ_BOOT_IDS: JSON.stringify(boot),
    POLAR_FUZZ_RESOURCE_PATHS: JSON.stringify(resources),
    POLAR_FUZZ_WEBHOOK_URLS: JSON.stringify([receiverUrl, DEAD_URL]),
    POLAR_FUZZ_TOKEN: emulator.token,
    // The customer portal's operations take a customer session, not the organization's token
    // (contract/fuzz/polar.toml sends it on their paths).
    POLAR_FUZZ_PORTAL_TOKEN: portal?.token ?? "",
    POLAR_FUZZ_TEAM_TOKEN: portal?.teamToken ?? "",
    // The team whose owner that member session is (the hooks add members for it to remove).
    POLAR_FUZZ_PORTAL_TEAM: portal?.teamId ?? "",
  };
  let scenarioOrganizations = [emulator.organizationId];
  if (options.snapshots) {
    const small = emulator.createOrganization({ name: "Fuzz snapshots" });
    const meter = await call(
      emulator,
      "POST",
      "/v1/meters/",
      {
        name: "Snapshot calls",
        filter: { conjunction: "and", clauses: [] },
        aggregation: { func: "count" },
      },
      201,
      small.token,
    );
    const product = await call(
      emulator,
      "POST",
      "/v1/products/",
      {
        name: "Snapshot plan",
        recurring_interval: "month",
        prices: [{ amount_type: "metered_unit", meter_id: meter.id, unit_amount: "1.5" }],
      },
      201,
      small.token,
    );
    const customer = await call(
      emulator,
      "POST",
      "/v1/customers/",
      { email: "snapshot@example.com", external_id: "snapshot_user" },
      201,
      small.token,
    );
    await control("/subscriptions", { customer_id: customer.id, product_id: product.id }, 201);
    await call(
      emulator,
      "POST",
      "/v1/events/ingest",
      { events: [{ name: "call", customer_id: customer.id }] },
      200,
      small.token,
    );
    env.POLAR_FUZZ_SNAPSHOT_ORGANIZATION = small.organizationId;
    scenarioOrganizations = [...Array(5).fill(small.organizationId), emulator.organizationId];
  }
  env.POLAR_FUZZ_IDS = JSON.stringify({ ...held, scenario_organizations: scenarioOrganizations });
  return env;
}

/**
 * The spec schemathesis checks answers against: ours, but for Polar's discount unions, whose `oneOf`
 * cannot tell its members apart (each allows every `duration`; Polar tells them apart with a
 * callable discriminator on type and duration that JSON Schema cannot say), so a repeating discount
 * matches two members and any real answer fails `oneOf`: `Discount`, and the one a checkout's
 * `discount` holds (`CheckoutDiscount*`, in Checkout, CheckoutPublic, CheckoutPublicConfirmed).
 * Checked as `anyOf` instead.
 */
function checkedSpec(spec: string, directory: string): string {
  const source = path.join(ROOT, "spec", spec);
  const document = parseYaml(readFileSync(source, "utf8"));
  let changed = 0;
  const discountRef = /^#\/components\/schemas\/(Checkout)?Discount[A-Z]\w*$/;
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const item of node) visit(item);
      return;
    }
    if (typeof node !== "object" || node === null) return;
    const schema = node as Record<string, unknown>;
    const members = schema.oneOf;
    if (
      Array.isArray(members) &&
      members.every((member) => discountRef.test(String((member as { $ref?: unknown }).$ref)))
    ) {
      schema.anyOf = members;
      delete schema.oneOf;
      changed += 1;
    }
    for (const value of Object.values(schema)) visit(value);
  };
  visit(document?.components?.schemas);
  if (changed === 0) return source;
  const copy = path.join(directory, spec.replace(/\.yaml$/, ".json"));
  writeFileSync(copy, JSON.stringify(document));
  return copy;
}

/** Runs schemathesis on `spec` in an empty directory (it writes nothing into the repository). */
async function schemathesis(
  emulator: RunningEmulator,
  spec: string,
  extraArgs: string[],
  env: NodeJS.ProcessEnv,
) {
  const cwd = mkdtempSync(path.join(os.tmpdir(), "polar-fuzz-"));
  try {
    // schemathesis.toml, then what is particular to this spec (contract/fuzz/polar.toml).
    const config = path.join(cwd, "schemathesis.toml");
    const own = path.join(FUZZ, spec.replace(/\.yaml$/, ".toml"));
    writeFileSync(
      config,
      [path.join(FUZZ, "schemathesis.toml"), own]
        .filter((file) => existsSync(file))
        .map((file) => readFileSync(file, "utf8"))
        .join("\n"),
    );
    const noProxy = [process.env.NO_PROXY ?? process.env.no_proxy, "127.0.0.1", "localhost"]
      .filter(Boolean)
      .join(",");
    const args = [
      "-m",
      "schemathesis.cli",
      "--config-file",
      config,
      "run",
      checkedSpec(spec, cwd),
      "--url",
      emulator.url,
      ...extraArgs,
      ...FLAGS,
    ];
    const result = await run(python, args, {
      cwd,
      env: {
        ...process.env,
        ...env,
        SCHEMATHESIS_HOOKS: path.join(FUZZ, "hooks.py"),
        POLAR_FUZZ_URL: emulator.url,
        PYTHONDONTWRITEBYTECODE: "1",
        PYTHONHASHSEED: "0",
        COLUMNS: "120",
        // The emulator is local: a proxy from the environment must not get the requests.
        NO_PROXY: noProxy,
        no_proxy: noProxy,
      },
      // Far above the 2 to 4 minutes a run takes on a quiet machine: the whole suite (or other
      // fuzz runs) may share its 2 cores, which has made a run take over 7 minutes.
      timeoutMs: 840_000,
    });
    const shown = args.map((arg) => (arg.startsWith("Authorization:") ? "Authorization: Bearer …" : arg));
    const report = describeRun(`schemathesis ${shown.slice(2).join(" ")}`, result);
    return { spec, result, report, summary: schemathesisSummary(result.stdout) };
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
}

function expectClean(
  outcome: Awaited<ReturnType<typeof schemathesis>>,
  expected: { operations: number; minCases: number; phases: string[] },
) {
  const { spec, result, report, summary } = outcome;
  // The phases, the cases and the time, also when the run is clean.
  const { stdout } = result;
  if (stdout.includes("Test cases:")) {
    const phases = stdout.slice(stdout.indexOf("Examples ("), stdout.lastIndexOf("SUMMARY")).trim();
    console.info(
      `schemathesis, spec/${spec}:\n${phases}\n${stdout.slice(stdout.indexOf("Test cases:")).trim()}`,
    );
  }
  expect(result.timedOut, report).toBe(false);
  expect(result.code, report).toBe(0);
  expect(summary, `no summary in schemathesis' output\n${report}`).not.toBeNull();
  if (!summary) return;
  expect(summary.total, `operations in the spec\n${report}`).toBe(expected.operations);
  expect(summary.tested, `operations tested\n${report}`).toBe(expected.operations - leftOut(spec).size);
  // So that an empty or truncated run (a spec that no longer loads its operations, generation
  // that gives up) cannot pass.
  expect(summary.generated, `test cases generated\n${report}`).toBeGreaterThanOrEqual(expected.minCases);
  expect(summary.passed, `test cases passed\n${report}`).toBeGreaterThanOrEqual(expected.minCases);
  for (const phase of expected.phases) {
    expect(summary.phases[phase], `${phase} phase\n${report}`).toBe("✅");
  }
}

// The two runs go side by side, each in a process of its own (on 2 cores, 100 s instead of 160).
describe.concurrent("schemathesis against the emulator", () => {
  it("finds nothing in the Polar API (spec/polar.yaml), with an organization token", async () => {
    const env = await prepare(polarEmulator);
    const operations = operationsIn("polar.yaml");
    const fuzz = await schemathesis(
      polarEmulator,
      "polar.yaml",
      ["--header", `Authorization: Bearer ${polarEmulator.token}`, ...POLAR_FLAGS],
      env,
    );
    expectClean(fuzz, {
      operations,
      minCases: 100 * operations,
      phases: ["Coverage", "Fuzzing", "Stateful"],
    });
  }, 900_000);

  it("finds nothing in the control plane (spec/emulator.yaml)", async () => {
    const env = await prepare(controlEmulator, { snapshots: true });
    const operations = operationsIn("emulator.yaml");
    // No token: the control plane has no authentication.
    const fuzz = await schemathesis(controlEmulator, "emulator.yaml", CONTROL_FLAGS, env);
    expectClean(fuzz, { operations, minCases: 40 * operations, phases: ["Coverage", "Fuzzing", "Stateful"] });
  }, 900_000);
});
