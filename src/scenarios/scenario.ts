/**
 * Loading a scenario into an organization: checked whole first (plan.ts), then applied through
 * the domain functions the API uses, on a clock that walks through the fixture's dates, with a
 * throwaway event bus (loading emits nothing). All or nothing: when the domain refuses something
 * halfway, the organization is put back exactly as it was.
 */

import { createBenefit } from "../domain/benefits.js";
import type { DomainContext } from "../domain/context.js";
import { createCustomer } from "../domain/customers.js";
import { EventBus } from "../domain/events.js";
import { grantBenefit, revokeBenefit } from "../domain/grants.js";
import { createMeter } from "../domain/meters.js";
import { createProduct, setProductBenefits } from "../domain/products.js";
import { changeSubscription, type SubscriptionAction, startSubscription } from "../domain/subscriptions.js";
import { creditCustomerMeter, ingestEvents } from "../domain/usage.js";
import type {
  BenefitCreateBody,
  CustomerCreateBody,
  EventsIngestBody,
  MeterCreateBody,
  ProductCreateBody,
} from "../domain/wire.js";
import { PolarHttpError } from "../errors.js";
import { ALL_SCOPES } from "../http/auth.js";
import type {
  AccessToken,
  CustomerRecord,
  Metadata,
  ProductRecord,
  Store,
  SubscriptionRecord,
} from "../store/store.js";
import { FixedClock } from "../util/clock.js";
import { isObject } from "../util/is-object.js";
import type { Random } from "../util/random.js";
import { DATE_HELP, parseFixtureDate } from "./dates.js";
import { type Path, type Problem, problem } from "./decode.js";
import type {
  FixtureCustomer,
  FixtureEvent,
  FixtureScenario,
  FixtureSubscription,
  SubscriptionState,
} from "./fixture.js";
import { FixtureError } from "./fixture.js";
import { assignShares, fakeCustomer } from "./generate.js";
import {
  benefitBody,
  checkScenario,
  copyRegistry,
  customerKey,
  type KeyRegistry,
  type Kind,
  MAX_RENEWALS,
  periodDays,
  productBody,
  stripFixtureFields,
} from "./plan.js";
import { withoutTags } from "./schemas.js";
import { restoreCheckpoint, type SnapshotDocument, takeSnapshot } from "./snapshot.js";

/** Fixtures date relative times from here unless they say otherwise, so bytes never depend on the day. */
export const SEED_REFERENCE_TIME = new Date("2026-01-01T00:00:00.000Z");

const SECOND = 1000;
const HOUR = 60 * 60 * SECOND;
const DAY = 24 * HOUR;

const CHANGES: Record<Exclude<SubscriptionState, "active" | "trialing">, SubscriptionAction> = {
  past_due: "past_due",
  canceling: "cancel",
  canceled: "revoke",
};

export interface LoadOptions {
  store: Store;
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
  /** A boot load: nothing to roll back, and `organizations:` is allowed. */
  boot?: boolean;
  /** Replaces `generate.customers` (the `--customers` flag). */
  customers?: number;
  /** The fixture's `reference_time`, if any. */
  referenceTime?: string;
  /** The embedded default fixture: its bodies are not checked against Polar's schemas again. */
  trusted?: boolean;
  /** The organization's state before, if the caller has taken it already (to roll back to). */
  checkpoint?: SnapshotDocument;
}

export interface Loaded {
  /** The id of every key the fixture defined, by kind. */
  keys: Record<Kind, Record<string, string>>;
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

/** What a refusal from the domain means in the fixture: its details, at the entry's path. */
function problemsOf(error: PolarHttpError, path: Path, body: unknown): Problem[] {
  const payload = isObject(error.body) ? error.body : {};
  const details = Array.isArray(payload.detail) ? payload.detail : undefined;
  if (!details) {
    const name = typeof payload.error === "string" ? payload.error : `HTTP ${error.status}`;
    return [problem(path, "value_error", `${name}: ${String(payload.detail ?? error.message)}`, body)];
  }
  return details.map((detail: unknown) => {
    const entry = isObject(detail) ? detail : {};
    const loc = Array.isArray(entry.loc) ? (entry.loc as (string | number)[]) : [];
    const inside = loc[0] === "body" ? withoutTags(loc.slice(1), body) : [];
    return problem(
      [...path, ...inside],
      typeof entry.type === "string" ? entry.type : "value_error",
      typeof entry.msg === "string" ? entry.msg : "Refused",
      entry.input,
    );
  });
}

/** Applies a checked scenario. Throws FixtureError when the domain refuses something. */
class Applier {
  readonly clock: FixedClock;
  readonly ctx: DomainContext;
  readonly keys: Loaded["keys"] = { meters: {}, benefits: {}, products: {}, customers: {} };
  readonly tokens: AccessToken[] = [];

  constructor(
    private readonly options: LoadOptions,
    private readonly reference: Date,
  ) {
    this.clock = new FixedClock(reference);
    this.ctx = {
      store: options.store,
      clock: this.clock,
      random: options.random,
      events: new EventBus(1, false),
    };
  }

  private get partition() {
    return this.options.store.partition(this.options.organizationId);
  }

  private at(offset: number): Date {
    return new Date(this.reference.getTime() + offset);
  }

  private date(text: string | undefined): Date | undefined {
    return text === undefined ? undefined : (parseFixtureDate(text, this.reference) ?? undefined);
  }

  /** Runs a domain call; a refusal becomes a FixtureError at `path`. */
  private domain<T>(path: Path, body: unknown, call: () => T): T {
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

  /** The id a reference names: a key of this fixture or of earlier ones, or an id. */
  private id(kind: Kind, ref: string): string {
    return this.keys[kind][ref] ?? this.options.registry[kind].get(ref) ?? ref;
  }

  private define(kind: Kind, key: string | undefined, id: string): void {
    if (key === undefined || Object.hasOwn(this.keys[kind], key)) return;
    this.keys[kind][key] = id;
    this.options.registry[kind].set(key, id);
  }

  apply(scenario: FixtureScenario): Loaded {
    const { store, organizationId, random } = this.options;
    const organization = this.partition.organization;
    if (scenario.organization?.name !== undefined) organization.name = scenario.organization.name;
    if (scenario.organization?.slug !== undefined) organization.slug = scenario.organization.slug;
    for (const entry of scenario.tokens ?? []) {
      const token: AccessToken = {
        token: entry.token ?? random.organizationToken(),
        organizationId,
        scopes: new Set(entry.scopes ?? ALL_SCOPES),
        comment: entry.comment ?? "fixture",
      };
      store.addToken(token);
      this.tokens.push(token);
    }

    // The catalog is dated a little after the organization (400 days before the reference).
    let catalogTime = this.at(-399 * DAY).getTime();
    const catalogDate = (text: string | undefined) => {
      catalogTime += 60 * SECOND;
      return this.date(text) ?? new Date(catalogTime);
    };
    const meterId = (ref: string) => this.id("meters", ref);

    scenario.meters?.forEach((entry, index) => {
      this.clock.set(catalogDate(entry.created_at));
      const body = stripFixtureFields("meters", entry) as MeterCreateBody;
      const meter = this.domain(["meters", index], body, () =>
        createMeter(this.ctx, organizationId, body, { id: entry.id }),
      );
      this.define("meters", entry.key, meter.id);
    });
    scenario.benefits?.forEach((entry, index) => {
      this.clock.set(catalogDate(entry.created_at));
      const body = benefitBody(stripFixtureFields("benefits", entry), meterId) as BenefitCreateBody;
      const benefit = this.domain(["benefits", index], body, () =>
        createBenefit(this.ctx, organizationId, body, { id: entry.id }),
      );
      this.define("benefits", entry.key, benefit.id);
    });
    scenario.products?.forEach((entry, index) => {
      this.clock.set(catalogDate(entry.created_at));
      const body = productBody(stripFixtureFields("products", entry), meterId) as ProductCreateBody;
      const product = this.domain(["products", index], body, () =>
        createProduct(this.ctx, organizationId, body, { id: entry.id }),
      );
      if (entry.benefits && entry.benefits.length > 0) {
        const ids = entry.benefits.map((ref) => this.id("benefits", ref));
        this.domain(["products", index, "benefits"], entry.benefits, () =>
          setProductBenefits(this.ctx, product, ids),
        );
      }
      this.define("products", entry.key, product.id);
    });

    const customers = scenario.customers ?? [];
    // Named customers are the oldest, a day apart, in file order; generated ones follow.
    const firstDay = this.at(-365 * DAY - customers.length * DAY).getTime();
    customers.forEach((entry, index) => {
      const created = this.date(entry.created_at) ?? new Date(firstDay + index * DAY);
      this.applyCustomer(entry, ["customers", index], created);
    });
    this.generate(scenario);
    return { keys: this.keys, tokens: this.tokens };
  }

  private applyCustomer(entry: FixtureCustomer, path: Path, created: Date): void {
    this.clock.set(created);
    const body = stripFixtureFields("customers", entry) as CustomerCreateBody;
    const customer = this.domain(path, body, () =>
      createCustomer(this.ctx, this.options.organizationId, body, { id: entry.id }),
    );
    this.define("customers", customerKey(entry), customer.id);
    entry.subscriptions?.forEach((subscription, index) => {
      this.applySubscription(customer, subscription, [...path, "subscriptions", index], created);
    });
    entry.grants?.forEach((grant, index) => {
      const { benefit: ref, granted_at, revoked_at } = typeof grant === "string" ? { benefit: grant } : grant;
      const benefit = this.partition.benefits.get(this.id("benefits", ref));
      if (!benefit) return;
      const grantPath = [...path, "grants", index];
      this.clock.set(this.date(granted_at) ?? created);
      this.domain(grantPath, grant, () => grantBenefit(this.ctx, customer, benefit));
      const revoked = this.date(revoked_at);
      if (revoked) {
        this.clock.set(revoked);
        this.domain(grantPath, grant, () => revokeBenefit(this.ctx, customer, benefit));
      }
    });
    if (entry.events && entry.events.length > 0) this.ingest(customer, entry.events, [...path, "events"]);
    entry.credits?.forEach((credit, index) => {
      this.clock.set(this.date(credit.at) ?? this.at(-HOUR));
      const meter = this.id("meters", credit.meter);
      this.domain([...path, "credits", index], credit, () =>
        creditCustomerMeter(this.ctx, customer, meter, credit.units),
      );
    });
  }

  private product(ref: string): ProductRecord {
    const product = this.partition.products.get(this.id("products", ref));
    if (!product) throw new Error(`[polar-emulator] product ${ref} vanished while loading a fixture`);
    return product;
  }

  /**
   * Starts the subscription, renews it period after period up to the reference time (or to
   * `changed_at`), then makes the change its status needs: past due, canceled at period end, or
   * revoked.
   */
  private applySubscription(
    customer: CustomerRecord,
    entry: FixtureSubscription,
    path: Path,
    customerCreated: Date,
  ): SubscriptionRecord {
    const status = entry.status ?? "active";
    const trialing = status === "trialing";
    const recentStart = new Date(Math.max(customerCreated.getTime(), this.reference.getTime() - 3 * DAY));
    const started = this.date(entry.started_at) ?? (trialing ? recentStart : customerCreated);
    this.clock.set(started);
    const subscription = this.domain(path, entry, () =>
      startSubscription(this.ctx, customer, {
        product: this.product(entry.product),
        status: trialing ? "trialing" : "active",
        startsAt: started,
        trialEnd: this.date(entry.trial_end),
        metadata: entry.metadata as Metadata | undefined,
        id: entry.id,
      }),
    );
    if (status === "active" || trialing) {
      this.catchUp(subscription, this.reference, path, entry);
      return subscription;
    }
    const explicit = this.date(entry.changed_at);
    this.catchUp(subscription, explicit ?? this.reference, path, entry);
    const changed =
      explicit ??
      new Date(Math.max(subscription.current_period_start.getTime(), this.reference.getTime() - DAY));
    this.clock.set(changed);
    return this.domain(path, entry, () => changeSubscription(this.ctx, subscription, CHANGES[status]));
  }

  private catchUp(
    subscription: SubscriptionRecord,
    until: Date,
    path: Path,
    entry: FixtureSubscription,
  ): void {
    if (subscription.status === "trialing") return;
    let renewals = 0;
    while (
      subscription.status === "active" &&
      !subscription.cancel_at_period_end &&
      subscription.current_period_end.getTime() <= until.getTime()
    ) {
      if (++renewals > MAX_RENEWALS) {
        throw new FixtureError(this.options.source, [
          problem(
            [...(this.options.base ?? []), ...path, "started_at"],
            "value_error",
            `More than ${MAX_RENEWALS} periods between started_at and the reference time`,
            entry.started_at,
          ),
        ]);
      }
      this.clock.set(subscription.current_period_end);
      this.domain(path, entry, () => changeSubscription(this.ctx, subscription, "renew"));
    }
  }

  /** Usage events of one customer, in one batch, a second apart from their timestamp on. */
  private ingest(customer: CustomerRecord, events: FixtureEvent[], path: Path): void {
    const batch: EventsIngestBody["events"] = [];
    let latest = 0;
    for (const event of events) {
      const start = (this.date(event.timestamp) ?? this.at(-HOUR)).getTime();
      const count = event.count ?? 1;
      for (let i = 0; i < count; i++) {
        const time = start + i * SECOND;
        latest = Math.max(latest, time);
        const item: EventsIngestBody["events"][number] = {
          name: event.name,
          customer_id: customer.id,
          timestamp: new Date(time).toISOString(),
        };
        if (event.metadata) item.metadata = { ...event.metadata };
        if (event.external_id !== undefined)
          item.external_id = count === 1 ? event.external_id : `${event.external_id}-${i + 1}`;
        batch.push(item);
      }
    }
    this.clock.set(new Date(latest));
    this.domain(path, events, () => ingestEvents(this.ctx, this.options.organizationId, batch));
  }

  /** `generate:` faker-made customers, dated over the year before the reference time. */
  private generate(scenario: FixtureScenario): void {
    const generate = scenario.generate ?? {};
    const count = this.options.customers ?? generate.customers ?? 0;
    if (count === 0) return;
    const faker = this.options.random.faker;
    const teams = Math.min(generate.teams ?? 0, count);
    const share = generate.external_id_share ?? 0.5;
    const bodies = Array.from({ length: count }, (_, index) =>
      fakeCustomer(faker, index, index < teams, faker.datatype.boolean(share)),
    );
    const from = this.at(-365 * DAY).getTime();
    const dates = bodies
      .map(() => faker.date.between({ from, to: this.reference }).getTime())
      .sort((a, b) => a - b);
    const plans = generate.subscriptions ?? [];
    const assigned = assignShares(
      faker,
      count,
      plans.map((plan) => plan.share),
    );
    bodies.forEach((body, index) => {
      const path = ["generate", "customers", index];
      const created = new Date(dates[index]);
      this.clock.set(created);
      const customer = this.domain(path, body, () =>
        createCustomer(this.ctx, this.options.organizationId, body),
      );
      const plan = plans[assigned[index]];
      if (!plan) return;
      // Started within the current period, so no renewal is needed to bring it up to date.
      const product = this.product(plan.product);
      const period = periodDays(product.recurring_interval, product.recurring_interval_count) ?? 28;
      const back = faker.number.int({ min: 1, max: Math.max(1, period - 1) }) * DAY;
      const started = new Date(Math.max(created.getTime(), this.reference.getTime() - back));
      const entry: FixtureSubscription = {
        product: product.id,
        status: plan.status,
        started_at: started.toISOString(),
      };
      this.applySubscription(customer, entry, ["generate", "subscriptions", assigned[index]], created);
      if (generate.events && generate.events.max > 0) {
        const events = faker.number.int({ min: 0, max: generate.events.max });
        if (events > 0) {
          this.ingest(
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
 * Loads a scenario into an organization: checks it whole, then applies it all or nothing.
 * Throws FixtureError (every problem, with its path) and leaves the organization as it was.
 */
export function loadScenario(scenario: FixtureScenario, options: LoadOptions): Loaded {
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
  });
  if (problems.length > 0) throw new FixtureError(options.source, problems);

  const checkpoint = options.boot
    ? undefined
    : (options.checkpoint ?? takeSnapshot(options.store, options.organizationId));
  const keysBefore = options.boot ? undefined : copyRegistry(options.registry);
  try {
    return new Applier(options, reference).apply(scenario);
  } catch (error) {
    if (checkpoint && keysBefore) {
      restoreCheckpoint(options.store, checkpoint);
      for (const kind of Object.keys(keysBefore) as Kind[]) {
        options.registry[kind].clear();
        for (const [key, id] of keysBefore[kind]) options.registry[kind].set(key, id);
      }
    }
    throw error;
  }
}
