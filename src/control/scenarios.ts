/**
 * The control plane's scenario operations: load a fixture into an organization, reset one
 * organization, take a snapshot of one and restore it. Bad input is a 422 with the path inside
 * the document in `loc` (`["body","customers",3,"subscriptions",0,"product"]`), and nothing changes.
 */
import { type Problem, problem } from "../domain/decode.js";
import { RequestValidationError, ResourceNotFound, type ValidationDetail } from "../errors.js";
import type { Ctx } from "../resources/context.js";
import { REQUEST_MAX_EVENTS, REQUEST_MAX_GENERATED, REQUEST_MAX_RENEWALS } from "../resources/fixture.js";
import { SNAPSHOT_SECTIONS } from "../resources/index.js";
import { type Call, type Handlers, json, type Reply } from "../resources/operation.js";
import { organizationWire } from "../resources/organizations/service.js";
import { FixtureError } from "../scenarios/fixture.js";
import { type FixtureLoaded, UnknownOrganization } from "../scenarios/organizations.js";
import type { AccessToken } from "../store/store.js";
import { isObject } from "../util/is-object.js";

/** What these operations need from the running emulator. */
export interface ScenarioTarget {
  /** A load in slices of the event loop, holding the store (src/util/steps.ts). */
  loadFixture(
    organizationId: string,
    data: unknown,
    source: string,
    limits: { renewals: number },
  ): Promise<FixtureLoaded>;
  resetOrganization(organizationId: string): void;
  /** The snapshot as text in pieces, written in slices of the event loop, holding the store. */
  snapshotText(organizationId: string, format: "json" | "yaml"): Promise<string[]>;
  /** A restore in slices of the event loop, holding the store. */
  restore(document: unknown, organizationId?: string): Promise<{ organizationId: string; created: boolean }>;
}

function details(problems: Problem[]): ValidationDetail[] {
  return problems.map((entry) => {
    const detail: ValidationDetail = {
      type: entry.type,
      loc: ["body", ...entry.path],
      msg: entry.msg,
      input: entry.input,
    };
    if (entry.ctx !== undefined) detail.ctx = entry.ctx;
    return detail;
  });
}

const BIG_SEEDS =
  "seed more at boot (--customers, or a fixture given to --fixtures: 10,000 generated customers and 100,000 events each), " +
  "in-process with loadFixture(), or load several smaller fixtures";

/**
 * What one request may load (REQUEST_MAX_GENERATED, REQUEST_MAX_EVENTS): the loop is held for the
 * whole load, so a bigger one is refused before anything is read further, with what to do instead.
 * Counted from the body as it is: entries of the wrong shape are left to the fixture's checks.
 */
function requestBudget(body: unknown): Problem[] {
  if (!isObject(body)) return [];
  const problems: Problem[] = [];
  const generate = isObject(body.generate) ? body.generate : undefined;
  const generated = typeof generate?.customers === "number" ? generate.customers : 0;
  if (generated > REQUEST_MAX_GENERATED)
    problems.push({
      ...problem(
        ["generate", "customers"],
        "less_than_equal",
        `Input should be less than or equal to ${REQUEST_MAX_GENERATED} in a fixture loaded through the control plane (one request holds the server while it loads); ${BIG_SEEDS}`,
        generated,
      ),
      ctx: { le: REQUEST_MAX_GENERATED },
    });
  let events = 0;
  for (const customer of Array.isArray(body.customers) ? body.customers : [])
    for (const event of isObject(customer) && Array.isArray(customer.events) ? customer.events : [])
      events += isObject(event) && typeof event.count === "number" ? event.count : 1;
  const perCustomer = isObject(generate?.events) ? generate.events.max : undefined;
  if (typeof perCustomer === "number") events += Math.min(generated, REQUEST_MAX_GENERATED) * perCustomer;
  if (events > REQUEST_MAX_EVENTS)
    problems.push(
      problem(
        ["customers"],
        "value_error",
        `The fixture's events add up to ${events} at most (customers' events, and generate.events.max for each generated customer); a fixture loaded through the control plane ingests at most ${REQUEST_MAX_EVENTS}; ${BIG_SEEDS}`,
        events,
      ),
    );
  return problems;
}

/** Runs an operation; a refused fixture or snapshot is a 422, an unknown organization a 404. */
async function guarded(run: () => Reply | Promise<Reply>): Promise<Reply> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof FixtureError) {
      throw new RequestValidationError(details(error.problems));
    }
    if (error instanceof UnknownOrganization) throw new ResourceNotFound();
    throw error;
  }
}

function tokenWire(token: AccessToken) {
  return { token: token.token, scopes: [...token.scopes], comment: token.comment };
}

/** The organization, its tokens and how many records of each kind it holds. */
function organizationState(ctx: Ctx, organizationId: string) {
  const partition = ctx.store.partition(organizationId);
  const counts: Record<string, number> = {};
  for (const { name, section } of SNAPSHOT_SECTIONS)
    if ("kind" in section) counts[name] = section.count(partition);
  return {
    organization: organizationWire(partition),
    tokens: ctx.store.tokensOf(organizationId).map(tokenWire),
    counts,
  };
}

/** YAML when the query says so or the Accept header prefers it. */
function wantsYaml(call: Call<"emulator:organizations:snapshot">): boolean {
  if (call.query.format === "yaml") return true;
  if (call.query.format === "json") return false;
  const accept = String(call.headers.accept ?? "").toLowerCase();
  return /(application\/(x-)?yaml|text\/yaml)/.test(accept) && !accept.includes("application/json");
}

export type ScenarioControl =
  | "emulator:organizations:load-fixture"
  | "emulator:organizations:reset"
  | "emulator:organizations:snapshot"
  | "emulator:organizations:restore";

export function scenarioHandlers(target: ScenarioTarget): Handlers<ScenarioControl> {
  return {
    "emulator:organizations:load-fixture": ({ ctx, params, body }) =>
      guarded(async () => {
        if (!ctx.store.partitions.has(params.organization_id)) throw new ResourceNotFound();
        const tooBig = requestBudget(body);
        if (tooBig.length > 0) throw new FixtureError("request body", tooBig);
        const loaded = await target.loadFixture(params.organization_id, body, "request body", {
          renewals: REQUEST_MAX_RENEWALS,
        });
        return json(200, {
          organization: organizationWire(ctx.store.partition(loaded.organizationId)),
          tokens: loaded.tokens.map(tokenWire),
          keys: loaded.keys,
          changed: loaded.changed,
        });
      }),
    "emulator:organizations:reset": ({ ctx, params }) =>
      guarded(() => {
        target.resetOrganization(params.organization_id);
        return json(200, organizationState(ctx, params.organization_id));
      }),
    "emulator:organizations:snapshot": (call) =>
      guarded(async () => {
        const yaml = wantsYaml(call);
        const chunks = await target.snapshotText(call.params.organization_id, yaml ? "yaml" : "json");
        return { status: 200, chunks, contentType: yaml ? "application/yaml" : "application/json" };
      }),
    "emulator:organizations:restore": ({ ctx, params, body }) =>
      guarded(async () => {
        const restored = await target.restore(body, params.organization_id);
        return json(restored.created ? 201 : 200, organizationState(ctx, restored.organizationId));
      }),
  };
}
