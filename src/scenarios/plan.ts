/**
 * Checks a fixture whole before anything is applied: each body against Polar's model (as the API
 * validates it), every reference (`product: pro`), fixed ids and tokens, dates, and what a service
 * would refuse that can be seen beforehand (duplicate emails and external ids). Every problem comes
 * with its path inside the fixture and says what is known, e.g. `unknown product "pr0"; known: free, pro`.
 * What each kind of entry needs checked is its resource's fixture section (src/resources/<name>/fixture.ts).
 */
import { type Path, type Problem, problem } from "../domain/decode.js";
import type { Partition } from "../resources/context.js";
import type { FixtureChecker, FixtureKind, RefInfo } from "../resources/fixture.js";
import type { Store } from "../store/store.js";
import { isObject } from "../util/is-object.js";
import { DATE_HELP, parseFixtureDate } from "./dates.js";
import type { FixtureScenario } from "./fixture.js";
import { FIXTURE_SECTIONS, type KeyRegistry, sectionOf } from "./keys.js";
import { polarSchemas } from "./schemas.js";

/** Where a fixture is loaded: the organization, its keys so far and the reference time. */
export interface Target {
  store: Store<Partition>;
  organizationId: string;
  registry: KeyRegistry;
  reference: Date;
}

/** Collects the problems of one scenario (one organization's part of a fixture). */
class Checker implements FixtureChecker {
  readonly problems: Problem[] = [];
  /** Renewals the subscriptions will take, in all. */
  renewalsTotal = 0;
  /** Keys the fixture defines, by kind, with the entry's path and what a reference to them says. */
  private readonly keys = new Map<FixtureKind, Map<string, { path: Path; info: RefInfo }>>();
  /** Fixed ids the fixture gives, by kind. */
  private readonly ids = new Map<string, Set<string>>();

  constructor(
    private readonly target: Target,
    private readonly base: Path,
    /** Whether bodies are checked against Polar's models (not for the embedded default). */
    private readonly schemas: boolean,
  ) {
    for (const section of FIXTURE_SECTIONS) this.keys.set(section.kind, new Map());
  }

  get partition(): Partition {
    return this.target.store.partition(this.target.organizationId);
  }

  get reference(): Date {
    return this.target.reference;
  }

  private keysOf(kind: FixtureKind): Map<string, { path: Path; info: RefInfo }> {
    const keys = this.keys.get(kind);
    if (!keys) throw new Error(`[polar-emulator] no fixture section for ${kind}`);
    return keys;
  }

  add(path: Path, type: string, msg: string, input: unknown): void {
    this.problems.push(problem([...this.base, ...path], type, msg, input));
  }

  date(value: string | undefined, path: Path): Date | undefined {
    if (value === undefined) return undefined;
    const parsed = parseFixtureDate(value, this.target.reference);
    if (parsed === null) this.add(path, "date_parsing", `Input should be ${DATE_HELP}`, value);
    return parsed ?? undefined;
  }

  defineKey(kind: FixtureKind, key: string | undefined, path: Path, strict = true, info: RefInfo = {}): void {
    if (key === undefined) return;
    const section = sectionOf(kind);
    const earlier = this.keysOf(kind).get(key);
    const existing = this.target.registry[kind].get(key);
    const taken = existing !== undefined && section.lookup(this.partition, existing) !== undefined;
    if (!strict && (earlier || taken)) return;
    if (earlier) {
      this.add(
        path,
        "value_error",
        `${section.singular} key "${key}" is already used by /${earlier.path.join("/")}`,
        key,
      );
    } else if (taken) {
      this.add(
        path,
        "value_error",
        `${section.singular} key "${key}" is already defined in this organization`,
        key,
      );
    } else {
      this.keysOf(kind).set(key, { path: [...this.base, ...path], info });
    }
  }

  fixedId(kind: FixtureKind | "subscriptions", id: unknown, path: Path): void {
    if (typeof id !== "string") return;
    // Ids are global in Polar: one held by any organization is taken, not only this one's.
    const holds = (partition: Partition) =>
      kind === "subscriptions" ? partition.subscriptions.has(id) : sectionOf(kind).holds(partition, id);
    const held = [...this.target.store.partitions.values()].some(holds);
    const given = this.ids.get(kind) ?? new Set<string>();
    if (held || given.has(id))
      this.add(path, "value_error", `A ${kind.replace(/s$/, "")} with this id already exists`, id);
    given.add(id);
    this.ids.set(kind, given);
  }

  ref(kind: FixtureKind, ref: string, path: Path): RefInfo | undefined {
    const section = sectionOf(kind);
    const defined = this.keysOf(kind).get(ref);
    if (defined) return defined.info;
    const found = section.lookup(this.partition, this.target.registry[kind].get(ref) ?? ref);
    if (found) return found;
    const known = [...new Set([...this.keysOf(kind).keys(), ...this.target.registry[kind].keys()])];
    const hint =
      known.length > 0
        ? `known: ${known.slice(0, 20).join(", ")}${known.length > 20 ? ", …" : ""}`
        : `no ${section.singular} key is defined; give one a key, or use the id of one of the organization's ${kind}`;
    this.add(path, "reference_error", `unknown ${section.singular} "${ref}"; ${hint}`, ref);
    return undefined;
  }

  body(model: string, body: Record<string, unknown>, path: Path, keys?: string): void {
    const keysModel = keys ?? polarSchemas.branchOf(model, body);
    const properties = keysModel === undefined ? undefined : polarSchemas.properties(keysModel);
    for (const name of Object.keys(body)) {
      if (name === "organization_id") {
        this.add(
          [...path, name],
          "extra_forbidden",
          "Leave organization_id out: a fixture is loaded into one organization",
          body[name],
        );
      } else if (properties && !Object.hasOwn(properties, name)) {
        const allowed = Object.keys(properties).filter((key) => key !== "organization_id");
        this.add(
          [...path, name],
          "extra_forbidden",
          `Extra inputs are not permitted; ${keysModel} takes ${allowed.join(", ")}`,
          body[name],
        );
      }
    }
    if (!this.schemas) return;
    const { organization_id: _ignored, ...checked } = body;
    for (const found of polarSchemas.check(model, checked, [...this.base, ...path]))
      this.problems.push(found);
  }

  renewals(count: number): void {
    this.renewalsTotal += Math.max(0, count);
  }

  meterRef(item: unknown, path: Path): void {
    if (!isObject(item) || item.meter === undefined) return;
    if (item.meter_id !== undefined)
      this.add([...path, "meter"], "value_error", "Give meter (a key) or meter_id, not both", item.meter);
    if (typeof item.meter === "string") this.ref("meters", item.meter, [...path, "meter"]);
    else this.add([...path, "meter"], "string_type", "Input should be a valid string", item.meter);
  }

  check(scenario: FixtureScenario, boot: boolean): void {
    const { store, organizationId } = this.target;
    if (!boot && scenario.organization?.id !== undefined && scenario.organization.id !== organizationId) {
      this.add(
        ["organization", "id"],
        "value_error",
        `The fixture is loaded into ${organizationId}; leave id out or give that one`,
        scenario.organization.id,
      );
    }
    const tokens = new Set<string>();
    scenario.tokens?.forEach((entry, index) => {
      if (entry.token === undefined) return;
      if (store.tokens.has(entry.token) || tokens.has(entry.token))
        this.add(["tokens", index, "token"], "value_error", "This token is already in use", entry.token);
      tokens.add(entry.token);
    });
    // Keys first, so references do not depend on the order of the sections.
    for (const section of FIXTURE_SECTIONS) {
      entriesOf(scenario, section.kind).forEach((entry, index) => {
        const { key, explicit } = section.keyOf(entry);
        this.defineKey(section.kind, key, [section.kind, index, "key"], explicit, section.info?.(entry));
      });
    }
    for (const section of FIXTURE_SECTIONS) section.check(this, entriesOf(scenario, section.kind));
    this.checkGenerate(scenario);
  }

  private checkGenerate(scenario: FixtureScenario): void {
    const generate = scenario.generate;
    if (!generate) return;
    let total = 0;
    generate.subscriptions?.forEach((entry, index) => {
      const path = ["generate", "subscriptions", index, "product"];
      const product = this.ref("products", entry.product, path);
      if (product?.periodDays === null)
        this.add(
          path,
          "value_error",
          `Product "${entry.product}" is a one-time product; a subscription needs a recurring product`,
          entry.product,
        );
      total += entry.share;
    });
    if (total > 1 + 1e-9) {
      this.add(
        ["generate", "subscriptions"],
        "value_error",
        `The shares add up to ${Math.round(total * 1000) / 1000}; at most 1`,
        generate.subscriptions,
      );
    }
  }
}

/** The entries of one kind in a scenario (checked against `Fixture`: a list of objects, or absent). */
export function entriesOf(scenario: FixtureScenario, kind: FixtureKind): readonly object[] {
  return scenario[kind] ?? [];
}

/** Every problem of a scenario loaded into `target`; empty when it can be applied. */
export function checkScenario(
  scenario: FixtureScenario,
  target: Target,
  base: Path,
  options: { boot: boolean; schemas?: boolean; maxRenewals?: number },
): Problem[] {
  const checker = new Checker(target, base, options.schemas ?? true);
  checker.check(scenario, options.boot);
  // The budget of a fixture that is otherwise valid (a subscription past MAX_RENEWALS says so itself).
  if (
    options.maxRenewals !== undefined &&
    checker.problems.length === 0 &&
    checker.renewalsTotal > options.maxRenewals
  )
    checker.add(
      ["customers"],
      "value_error",
      `The subscriptions take about ${checker.renewalsTotal} renewals in all to come up to the reference time; a fixture loaded through the control plane takes at most ${options.maxRenewals} (one request holds the server while it loads): start them later, load them in several requests, or give the fixture at boot (--fixtures)`,
      checker.renewalsTotal,
    );
  return checker.problems;
}
