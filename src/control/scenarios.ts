/**
 * The control plane's scenario operations: load a fixture into an organization, reset one
 * organization, take a snapshot of one and restore it. Bad input is a 422 with the path inside
 * the document in `loc` (`["body","customers",3,"subscriptions",0,"product"]`), and nothing changes.
 */
import { Document, visit } from "yaml";
import { type Problem, problem } from "../domain/decode.js";
import { RequestValidationError, ResourceNotFound, type ValidationDetail } from "../errors.js";
import type { Ctx } from "../resources/context.js";
import { REQUEST_MAX_EVENTS, REQUEST_MAX_GENERATED, REQUEST_MAX_RENEWALS } from "../resources/fixture.js";
import { SNAPSHOT_SECTIONS } from "../resources/index.js";
import { type Call, type Handlers, json, type Reply } from "../resources/operation.js";
import { organizationWire } from "../resources/organizations/service.js";
import { FixtureError } from "../scenarios/fixture.js";
import { type FixtureLoaded, UnknownOrganization } from "../scenarios/organizations.js";
import type { SnapshotDocument } from "../scenarios/snapshot.js";
import type { AccessToken } from "../store/store.js";
import { isObject } from "../util/is-object.js";

/** What these operations need from the running emulator. */
export interface ScenarioTarget {
  loadFixture(
    organizationId: string,
    data: unknown,
    source: string,
    limits?: { renewals?: number },
  ): FixtureLoaded;
  resetOrganization(organizationId: string): void;
  snapshot(organizationId: string): SnapshotDocument;
  restore(document: unknown, organizationId?: string): { organizationId: string; created: boolean };
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
function guarded(run: () => Reply): Reply {
  try {
    return run();
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

/**
 * Characters YAML does not allow unescaped (outside its printable set, lone surrogates), the BOM,
 * and the ones YAML 1.1 parsers (PyYAML) take for line breaks (NEL, U+2028, U+2029).
 */
const NOT_PRINTABLE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]/gu;

/**
 * A snapshot as YAML any parser reads back: strings holding characters YAML does not allow raw
 * (C1 controls, say) are double-quoted with those characters escaped, which is the only style
 * where escapes mean anything. The yaml library escapes C0 controls itself, but not the others.
 */
function snapshotYaml(snapshot: SnapshotDocument): string {
  const document = new Document(snapshot);
  visit(document, {
    Scalar(_key, node) {
      if (typeof node.value === "string" && node.value.search(NOT_PRINTABLE) !== -1)
        node.type = "QUOTE_DOUBLE";
    },
  });
  return document.toString({ lineWidth: 0 }).replace(NOT_PRINTABLE, (char) => {
    const code = char.codePointAt(0) ?? 0;
    return code < 0x100
      ? `\\x${code.toString(16).padStart(2, "0")}`
      : `\\u${code.toString(16).padStart(4, "0")}`;
  });
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
      guarded(() => {
        if (!ctx.store.partitions.has(params.organization_id)) throw new ResourceNotFound();
        const tooBig = requestBudget(body);
        if (tooBig.length > 0) throw new FixtureError("request body", tooBig);
        const loaded = target.loadFixture(params.organization_id, body, "request body", {
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
      guarded(() => {
        const document = target.snapshot(call.params.organization_id);
        if (wantsYaml(call)) {
          return { status: 200, text: snapshotYaml(document), contentType: "application/yaml" };
        }
        return json(200, document);
      }),
    "emulator:organizations:restore": ({ ctx, params, body }) =>
      guarded(() => {
        const restored = target.restore(body, params.organization_id);
        return json(restored.created ? 201 : 200, organizationState(ctx, restored.organizationId));
      }),
  };
}
