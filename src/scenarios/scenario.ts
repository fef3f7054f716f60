/**
 * Loading a scenario into an organization: checked whole first (plan.ts), then applied through
 * the services the API uses, on a clock that walks through the fixture's dates, with a throwaway
 * event bus (loading emits nothing). Each kind of entry is applied by its resource's fixture
 * section, in the registry's order.
 */
import { type Path, type Problem, problem } from "../domain/decode.js";
import { EventBus } from "../domain/events.js";
import { PolarHttpError, PolarRequestValidationError, RequestValidationError } from "../errors.js";
import type { Ctx, Partition } from "../resources/context.js";
import { createCustomer } from "../resources/customers/service.js";
import { applyEvents } from "../resources/events/fixture.js";
import { DAY, type FixtureApplier, type FixtureKind, periodDays, SECOND } from "../resources/fixture.js";
import { issueToken } from "../resources/organizations/service.js";
import { applySubscription } from "../resources/subscriptions/fixture.js";
import type { AccessToken, Store } from "../store/store.js";
import { type FixedClock, SteppingClock } from "../util/clock.js";
import { isObject } from "../util/is-object.js";
import type { Random } from "../util/random.js";
import { DATE_HELP, parseFixtureDate } from "./dates.js";
import { FixtureError, type FixtureScenario } from "./fixture.js";
import { assignShares, fakeCustomer } from "./generate.js";
import { FIXTURE_SECTIONS, type KeyRegistry } from "./keys.js";
import { checkScenario, entriesOf } from "./plan.js";
import { polarSchemas, withoutTags } from "./schemas.js";

/** Fixtures date relative times from here unless they say otherwise, so bytes never depend on the day. */
export const SEED_REFERENCE_TIME = new Date("2026-01-01T00:00:00.000Z");

export interface LoadOptions {
  store: Store<Partition>;
  /** Where ids, tokens and fake data come from. */
  random: Random;
  organizationId: string;
  /** The organization's keys: read, and extended with the fixture's. */
  registry: KeyRegistry;
  /** What `reference_time: now` means: the emulator's clock. */
  now: Date;
  /** For messages: the file, or "request body". */
  source: string;
  /** Where this scenario sits in its document (`["organizations", 1]` for a boot tenant). */
  base?: Path;
  /** A boot load: `organizations:` is allowed. */
  boot?: boolean;
  /** Replaces `generate.customers` (the `--customers` flag). */
  customers?: number;
  /** The fixture's `reference_time`, if any. */
  referenceTime?: string;
  /** The embedded default fixture: its bodies are not checked against Polar's schemas again. */
  trusted?: boolean;
  /** Renewals the whole scenario may take (a control-plane request's budget); none when unset. */
  maxRenewals?: number;
}

export interface Loaded {
  /** The id of every key the fixture defined, by kind. */
  keys: Record<FixtureKind, Record<string, string>>;
  /** The tokens it added. */
  tokens: AccessToken[];
}

/** The reference time a fixture's relative dates count from. */
export function referenceTime(text: string | undefined, now: Date, source: string, base: Path = []): Date {
  if (text === undefined) return new Date(SEED_REFERENCE_TIME.getTime());
  const parsed = parseFixtureDate(text, now);
  if (parsed === null) {
    throw new FixtureError(source, [
      problem([...base, "reference_time"], "date_parsing", `Input should be ${DATE_HELP}`, text),
    ]);
  }
  return parsed;
}

/** What a refusal from a service means in the fixture: its details, at the entry's path. */
function problemsOf(error: PolarHttpError, path: Path, body: unknown): Problem[] {
  if (error instanceof RequestValidationError || error instanceof PolarRequestValidationError) {
    return error.details.map((detail) =>
      problem(
        [...path, ...(detail.loc[0] === "body" ? withoutTags(detail.loc.slice(1), body) : [])],
        detail.type,
        detail.msg,
        detail.input,
      ),
    );
  }
  const payload = isObject(error.body) ? error.body : {};
  const name = typeof payload.error === "string" ? payload.error : `HTTP ${error.status}`;
  return [problem(path, "value_error", `${name}: ${String(payload.detail ?? error.message)}`, body)];
}

/** Applies a checked scenario. Throws FixtureError when a service refuses something. */
class Applier implements FixtureApplier {
  readonly clock: FixedClock;
  readonly ctx: Ctx;
  readonly keys = Object.fromEntries(FIXTURE_SECTIONS.map((section) => [section.kind, {}])) as Loaded["keys"];
  readonly tokens: AccessToken[] = [];
  /** The catalog is dated a little after the organization (400 days before the reference), a minute apart. */
  private catalogTime: number;

  constructor(
    private readonly options: LoadOptions,
    readonly reference: Date,
  ) {
    this.clock = new SteppingClock(reference);
    this.ctx = {
      store: options.store,
      clock: this.clock,
      random: options.random,
      events: new EventBus(1, false),
    };
    this.catalogTime = this.at(-399 * DAY).getTime();
  }

  get organizationId(): string {
    return this.options.organizationId;
  }

  get partition(): Partition {
    return this.options.store.partition(this.options.organizationId);
  }

  at(offset: number): Date {
    return new Date(this.reference.getTime() + offset);
  }

  date(text: string | undefined): Date | undefined {
    return text === undefined ? undefined : (parseFixtureDate(text, this.reference) ?? undefined);
  }

  catalogDate(text: string | undefined): Date {
    this.catalogTime += 60 * SECOND;
    return this.date(text) ?? new Date(this.catalogTime);
  }

  refuse(path: Path, msg: string, input: unknown): never {
    throw new FixtureError(this.options.source, [
      problem([...(this.options.base ?? []), ...path], "value_error", msg, input),
    ]);
  }

  domain<T>(path: Path, body: unknown, call: () => T): T {
    try {
      return call();
    } catch (error) {
      if (error instanceof PolarHttpError) {
        throw new FixtureError(
          this.options.source,
          problemsOf(error, [...(this.options.base ?? []), ...path], body),
        );
      }
      throw error;
    }
  }

  coerce<T>(model: string, body: Record<string, unknown>): T {
    return polarSchemas.coerce(model, body) as T;
  }

  id(kind: FixtureKind, ref: string): string {
    return this.keys[kind][ref] ?? this.options.registry[kind].get(ref) ?? ref;
  }

  define(kind: FixtureKind, key: string | undefined, id: string): void {
    if (key === undefined || Object.hasOwn(this.keys[kind], key)) return;
    this.keys[kind][key] = id;
    this.options.registry[kind].set(key, id);
  }

  apply(scenario: FixtureScenario): Loaded {
    const organization = this.partition.organization;
    if (scenario.organization?.name !== undefined) organization.name = scenario.organization.name;
    if (scenario.organization?.slug !== undefined) organization.slug = scenario.organization.slug;
    if (scenario.organization?.member_model_enabled !== undefined)
      organization.member_model_enabled = scenario.organization.member_model_enabled;
    for (const entry of scenario.tokens ?? []) {
      this.tokens.push(
        issueToken(this.ctx, this.organizationId, {
          token: entry.token,
          scopes: entry.scopes,
          comment: entry.comment ?? "fixture",
        }),
      );
    }
    for (const section of FIXTURE_SECTIONS) section.apply(this, entriesOf(scenario, section.kind));
    this.generate(scenario);
    return { keys: this.keys, tokens: this.tokens };
  }

  /** `generate:` faker-made customers, dated over the year before the reference time. */
  private generate(scenario: FixtureScenario): void {
    const generate = scenario.generate ?? {};
    const count = this.options.customers ?? generate.customers ?? 0;
    if (count === 0) return;
    const random = this.options.random;
    const teams = Math.min(generate.teams ?? 0, count);
    const share = generate.external_id_share ?? 0.5;
    const bodies = Array.from({ length: count }, (_, index) =>
      fakeCustomer(random, index, index < teams, random.boolean(share)),
    );
    const from = this.at(-365 * DAY).getTime();
    const to = this.reference.getTime();
    // `faker.date.between({ from, to })`, drawn the same way.
    const dates = bodies.map(() => random.int(from, to)).sort((a, b) => a - b);
    const plans = generate.subscriptions ?? [];
    const assigned = assignShares(
      random,
      count,
      plans.map((plan) => plan.share),
    );
    bodies.forEach((body, index) => {
      const created = new Date(dates[index]);
      this.clock.set(created);
      const customer = this.domain(["generate", "customers", index], body, () =>
        createCustomer(this.ctx, this.organizationId, body),
      );
      const plan = plans[assigned[index]];
      if (!plan) return;
      // Started within the current period, so no renewal is needed to bring it up to date.
      const product = this.partition.products.get(this.id("products", plan.product));
      if (!product)
        throw new Error(`[polar-emulator] product ${plan.product} vanished while loading a fixture`);
      const period = periodDays(product.recurring_interval, product.recurring_interval_count) ?? 28;
      const back = random.int(1, Math.max(1, period - 1)) * DAY;
      const started = new Date(Math.max(created.getTime(), this.reference.getTime() - back));
      applySubscription(
        this,
        customer,
        { product: product.id, status: plan.status, started_at: started.toISOString() },
        ["generate", "subscriptions", assigned[index]],
        created,
      );
      if (generate.events && generate.events.max > 0) {
        const events = random.int(0, generate.events.max);
        if (events > 0) {
          applyEvents(
            this,
            customer,
            [{ name: generate.events.name, count: events, metadata: generate.events.metadata }],
            ["generate", "events"],
          );
        }
      }
    });
  }
}

/**
 * Checks a scenario whole against the organization (a FixtureError with every problem and its
 * path, before anything changes) and answers how to apply it: that throws a FixtureError when a
 * service refuses an entry halfway, and the caller puts the organization back (OrganizationStates,
 * from the checkpoint it takes in between).
 */
export function prepareScenario(scenario: FixtureScenario, options: LoadOptions): () => Loaded {
  const base = options.base ?? [];
  const reference = referenceTime(options.referenceTime, options.now, options.source, base);
  const target = {
    store: options.store,
    organizationId: options.organizationId,
    registry: options.registry,
    reference,
  };
  const problems = checkScenario(scenario, target, base, {
    boot: options.boot === true,
    schemas: options.trusted !== true,
    maxRenewals: options.maxRenewals,
  });
  if (problems.length > 0) throw new FixtureError(options.source, problems);
  return () => new Applier(options, reference).apply(scenario);
}

/** Checks a boot scenario and applies it (a boot that fails stops: nothing to roll back). */
export function loadScenario(scenario: FixtureScenario, options: LoadOptions): Loaded {
  return prepareScenario(scenario, options)();
}
