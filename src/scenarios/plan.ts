/**
 * Checks a fixture whole before anything is applied: each body against Polar's create schema,
 * every reference (`product: pro`), fixed ids and tokens, dates, and what the domain would refuse
 * that can be seen beforehand (duplicate emails and external ids). Every problem comes with its
 * path inside the fixture and says what is known, e.g. `unknown product "pr0"; known: free, pro`.
 */
import type { Store } from "../store/store.js";
import { isObject } from "../util/is-object.js";
import { DATE_HELP, parseFixtureDate } from "./dates.js";
import { type Path, type Problem, problem } from "./decode.js";
import type { FixtureCustomer, FixtureScenario, FixtureSubscription, SubscriptionState } from "./fixture.js";
import { polarSchemas } from "./schemas.js";

/** Fixture keys by kind, per organization: what `product: pro` means there. */
export interface KeyRegistry {
  meters: Map<string, string>;
  benefits: Map<string, string>;
  products: Map<string, string>;
  customers: Map<string, string>;
}

export type Kind = keyof KeyRegistry;

export const SINGULAR: Record<Kind, string> = {
  meters: "meter",
  benefits: "benefit",
  products: "product",
  customers: "customer",
};

export function emptyRegistry(): KeyRegistry {
  return { meters: new Map(), benefits: new Map(), products: new Map(), customers: new Map() };
}

export function copyRegistry(registry: KeyRegistry): KeyRegistry {
  return {
    meters: new Map(registry.meters),
    benefits: new Map(registry.benefits),
    products: new Map(registry.products),
    customers: new Map(registry.customers),
  };
}

/** Where a fixture is loaded: the organization, its keys so far and the reference time. */
export interface Target {
  store: Store;
  organizationId: string;
  registry: KeyRegistry;
  reference: Date;
}

/** Fields a fixture adds to Polar's create bodies, by kind; they are not sent to the domain. */
export const FIXTURE_FIELDS: Record<Kind, readonly string[]> = {
  meters: ["key", "id", "created_at"],
  benefits: ["key", "id", "created_at"],
  products: ["key", "id", "created_at", "benefits"],
  customers: ["key", "id", "created_at", "subscriptions", "grants", "events", "credits"],
};

/** Usage events one fixture may ingest (`count` adds up); more would hold the server for long. */
export const MAX_EVENTS = 100_000;

/** A valid UUID v4 that stands for a meter id while a body is checked against Polar's schema. */
const PLACEHOLDER_ID = "00000000-0000-4000-8000-000000000000";

/** The key a customer is known by: `key`, else its external id, else its email. */
export function customerKey(customer: FixtureCustomer): string | undefined {
  for (const value of [customer.key, customer.external_id, customer.email]) {
    if (typeof value === "string" && value.trim() !== "") return value.trim();
  }
  return undefined;
}

/** The body to send to the domain: fixture fields removed. */
export function stripFixtureFields(kind: Kind, entry: Record<string, unknown>): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(entry)) {
    if (!FIXTURE_FIELDS[kind].includes(name)) body[name] = value;
  }
  return body;
}

/** Replaces `meter: <key>` by `meter_id` in a price or in meter-credit properties. */
export function withMeterId(
  item: unknown,
  meterId: (ref: string) => string,
): Record<string, unknown> | unknown {
  if (!isObject(item) || typeof item.meter !== "string") return item;
  const { meter, ...rest } = item;
  return { ...rest, meter_id: meterId(meter) };
}

/** A benefit body with its meter reference resolved. */
export function benefitBody(body: Record<string, unknown>, meterId: (ref: string) => string) {
  return isObject(body.properties) ? { ...body, properties: withMeterId(body.properties, meterId) } : body;
}

/** A product body with the meter references of its prices resolved. */
export function productBody(body: Record<string, unknown>, meterId: (ref: string) => string) {
  return Array.isArray(body.prices)
    ? { ...body, prices: body.prices.map((price) => withMeterId(price, meterId)) }
    : body;
}

/** The component schema a benefit of this type is created with, from BenefitCreate's mapping. */
function benefitSchema(type: unknown): string | undefined {
  const mapping = (polarSchemas.schema("BenefitCreate").discriminator as { mapping: Record<string, string> })
    .mapping;
  return typeof type === "string" && Object.hasOwn(mapping, type)
    ? mapping[type].split("/").pop()
    : undefined;
}

function recurring(body: Record<string, unknown>): boolean {
  return body.recurring_interval !== undefined && body.recurring_interval !== null;
}

/** Renewals a fixture may need to bring one subscription up to date; more is surely a mistake. */
export const MAX_RENEWALS = 1000;

const DAY = 24 * 60 * 60 * 1000;

/** The shortest a period of this interval can be, in days; null for a one-time product. */
export function periodDays(interval: unknown, count: unknown): number | null {
  const days: Record<string, number> = { day: 1, week: 7, month: 28, year: 365 };
  if (typeof interval !== "string" || !(interval in days)) return null;
  return days[interval] * (typeof count === "number" && count > 0 ? count : 1);
}

const SUBSCRIPTION_CHANGES: ReadonlySet<SubscriptionState> = new Set(["past_due", "canceling", "canceled"]);

/** Collects the problems of one scenario (one organization's part of a fixture). */
class Checker {
  readonly problems: Problem[] = [];
  /** Keys the fixture defines, by kind, with the entry's path. */
  private readonly keys: Record<Kind, Map<string, Path>> = {
    meters: new Map(),
    benefits: new Map(),
    products: new Map(),
    customers: new Map(),
  };
  private readonly ids: Record<Kind | "subscriptions", Set<string>> = {
    meters: new Set(),
    benefits: new Set(),
    products: new Set(),
    customers: new Set(),
    subscriptions: new Set(),
  };
  /** Whether each product key names a recurring product. */
  /** The length of a period of each product key, in days (null: a one-time product). */
  private readonly productPeriods = new Map<string, number | null>();

  constructor(
    private readonly target: Target,
    private readonly base: Path,
    /** Whether bodies are checked against Polar's schemas (not for the embedded default). */
    private readonly schemas: boolean,
  ) {}

  add(path: Path, type: string, msg: string, input: unknown): void {
    this.problems.push(problem([...this.base, ...path], type, msg, input));
  }

  date(value: string | undefined, path: Path): Date | undefined {
    if (value === undefined) return undefined;
    const parsed = parseFixtureDate(value, this.target.reference);
    if (parsed === null) this.add(path, "date_parsing", `Input should be ${DATE_HELP}`, value);
    return parsed ?? undefined;
  }

  /** A key the fixture defines; `strict` is false for a customer's implicit key (external id, email). */
  defineKey(kind: Kind, key: string | undefined, path: Path, strict = true): void {
    if (key === undefined) return;
    const earlier = this.keys[kind].get(key);
    const existing = this.target.registry[kind].get(key);
    const partition = this.target.store.partition(this.target.organizationId);
    const taken =
      existing !== undefined && (kind !== "customers" || partition.liveCustomer(existing) !== undefined);
    if (!strict && (earlier || taken)) return;
    if (earlier) {
      this.add(
        path,
        "value_error",
        `${SINGULAR[kind]} key "${key}" is already used by /${earlier.join("/")}`,
        key,
      );
    } else if (taken) {
      this.add(
        path,
        "value_error",
        `${SINGULAR[kind]} key "${key}" is already defined in this organization`,
        key,
      );
    } else {
      this.keys[kind].set(key, [...this.base, ...path]);
    }
  }

  fixedId(kind: Kind | "subscriptions", id: unknown, path: Path): void {
    if (typeof id !== "string") return;
    const partition = this.target.store.partition(this.target.organizationId);
    const taken = this.ids[kind].has(id) || partition[kind].has(id);
    if (taken) this.add(path, "value_error", `A ${kind.replace(/s$/, "")} with this id already exists`, id);
    this.ids[kind].add(id);
  }

  /** Checks a reference to a key or an existing id; for products, the length of their period. */
  ref(kind: Kind, ref: string, path: Path): { periodDays?: number | null } | undefined {
    if (this.keys[kind].has(ref)) return { periodDays: this.productPeriods.get(ref) };
    const partition = this.target.store.partition(this.target.organizationId);
    const id = this.target.registry[kind].get(ref) ?? ref;
    const found = kind === "customers" ? partition.liveCustomer(id) : partition[kind].get(id);
    if (found) {
      if (kind === "products" && "recurring_interval" in found)
        return { periodDays: periodDays(found.recurring_interval, found.recurring_interval_count) };
      return {};
    }
    const known = [...new Set([...this.keys[kind].keys(), ...this.target.registry[kind].keys()])];
    const hint =
      known.length > 0
        ? `known: ${known.slice(0, 20).join(", ")}${known.length > 20 ? ", …" : ""}`
        : `no ${SINGULAR[kind]} key is defined; give one a key, or use the id of one of the organization's ${kind}`;
    this.add(path, "reference_error", `unknown ${SINGULAR[kind]} "${ref}"; ${hint}`, ref);
    return undefined;
  }

  /** A create body against Polar's schema, with unknown top-level keys refused. */
  body(schemaName: string, body: Record<string, unknown>, path: Path): void {
    const properties = polarSchemas.schema(schemaName).properties as Record<string, unknown>;
    for (const name of Object.keys(body)) {
      if (name === "organization_id") {
        this.add(
          [...path, name],
          "extra_forbidden",
          "Leave organization_id out: a fixture is loaded into one organization",
          body[name],
        );
      } else if (!Object.hasOwn(properties, name)) {
        const allowed = Object.keys(properties).filter((key) => key !== "organization_id");
        this.add(
          [...path, name],
          "extra_forbidden",
          `Extra inputs are not permitted; ${schemaName} takes ${allowed.join(", ")}`,
          body[name],
        );
      }
    }
    if (!this.schemas) return;
    const { organization_id: _ignored, ...checked } = body;
    this.problems.push(...polarSchemas.check(schemaName, checked, [...this.base, ...path]));
  }

  /** `meter: <key>` and `meter_id` in one object: exactly one of them, and the key known. */
  meterRef(item: unknown, path: Path): void {
    if (!isObject(item) || item.meter === undefined) return;
    if (item.meter_id !== undefined)
      this.add([...path, "meter"], "value_error", "Give meter (a key) or meter_id, not both", item.meter);
    if (typeof item.meter === "string") this.ref("meters", item.meter, [...path, "meter"]);
    else this.add([...path, "meter"], "string_type", "Input should be a valid string", item.meter);
  }

  // -------------------------------------------------------------------------------------------

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
    scenario.meters?.forEach((entry, index) => {
      this.defineKey("meters", entry.key, ["meters", index, "key"]);
    });
    scenario.benefits?.forEach((entry, index) => {
      this.defineKey("benefits", entry.key, ["benefits", index, "key"]);
    });
    scenario.products?.forEach((entry, index) => {
      this.defineKey("products", entry.key, ["products", index, "key"]);
      if (entry.key !== undefined)
        this.productPeriods.set(
          entry.key,
          periodDays(entry.recurring_interval, entry.recurring_interval_count),
        );
    });
    scenario.customers?.forEach((entry, index) => {
      // An implicit key (external id or email) that is taken is no error: those have their own rules.
      this.defineKey("customers", customerKey(entry), ["customers", index, "key"], entry.key !== undefined);
    });

    scenario.meters?.forEach((entry, index) => {
      const path = ["meters", index];
      this.fixedId("meters", entry.id, [...path, "id"]);
      this.date(entry.created_at, [...path, "created_at"]);
      this.body("MeterCreate", stripFixtureFields("meters", entry), path);
    });
    scenario.benefits?.forEach((entry, index) => {
      const path = ["benefits", index];
      this.fixedId("benefits", entry.id, [...path, "id"]);
      this.date(entry.created_at, [...path, "created_at"]);
      const schema = benefitSchema(entry.type);
      if (!schema) {
        const types = Object.keys(
          (polarSchemas.schema("BenefitCreate").discriminator as { mapping: object }).mapping,
        );
        this.add(
          [...path, "type"],
          "union_tag_invalid",
          `Input should be ${types.map((type) => `'${type}'`).join(", ")}`,
          entry.type,
        );
        return;
      }
      this.meterRef(entry.properties, [...path, "properties"]);
      this.body(
        schema,
        benefitBody(stripFixtureFields("benefits", entry), () => PLACEHOLDER_ID),
        path,
      );
    });
    scenario.products?.forEach((entry, index) => {
      const path = ["products", index];
      this.fixedId("products", entry.id, [...path, "id"]);
      this.date(entry.created_at, [...path, "created_at"]);
      const prices: unknown[] = Array.isArray(entry.prices) ? entry.prices : [];
      prices.forEach((price, at) => {
        this.meterRef(price, [...path, "prices", at]);
      });
      entry.benefits?.forEach((ref, at) => {
        this.ref("benefits", ref, [...path, "benefits", at]);
      });
      const schema = recurring(entry) ? "ProductCreateRecurring" : "ProductCreateOneTime";
      this.body(
        schema,
        productBody(stripFixtureFields("products", entry), () => PLACEHOLDER_ID),
        path,
      );
    });
    this.checkCustomers(scenario.customers ?? []);
    this.checkGenerate(scenario);
  }

  private checkCustomers(customers: FixtureCustomer[]): void {
    const partition = this.target.store.partition(this.target.organizationId);
    // As the loader dates them: a day apart in file order, the last a year before the reference.
    const firstDay = this.target.reference.getTime() - 365 * DAY - customers.length * DAY;
    let events = 0;
    for (const entry of customers) for (const event of entry.events ?? []) events += event.count ?? 1;
    if (events > MAX_EVENTS) {
      this.add(
        ["customers"],
        "value_error",
        `The customers' events add up to ${events}; a fixture ingests at most ${MAX_EVENTS}`,
        events,
      );
    }
    const emails = new Map<string, number>();
    const externalIds = new Map<string, number>();
    customers.forEach((entry, index) => {
      const path = ["customers", index];
      this.fixedId("customers", entry.id, [...path, "id"]);
      const created =
        this.date(entry.created_at, [...path, "created_at"]) ??
        (entry.created_at === undefined ? new Date(firstDay + index * DAY) : undefined);
      if (entry.type !== undefined && entry.type !== "individual" && entry.type !== "team") {
        this.add(
          [...path, "type"],
          "union_tag_invalid",
          "Input should be 'individual' or 'team'",
          entry.type,
        );
      } else {
        const schema = entry.type === "team" ? "CustomerTeamCreate" : "CustomerIndividualCreate";
        this.body(schema, stripFixtureFields("customers", entry), path);
      }
      if (typeof entry.email === "string") {
        const email = entry.email.trim().toLowerCase();
        if (emails.has(email) || partition.customerByEmail.has(email))
          this.add(
            [...path, "email"],
            "value_error",
            "A customer with this email address already exists.",
            entry.email,
          );
        emails.set(email, index);
      }
      if (typeof entry.external_id === "string" && entry.external_id.trim() !== "") {
        const externalId = entry.external_id.trim();
        if (externalIds.has(externalId) || partition.customerByExternalId.has(externalId))
          this.add(
            [...path, "external_id"],
            "value_error",
            "A customer with this external ID already exists.",
            entry.external_id,
          );
        externalIds.set(externalId, index);
      }
      entry.subscriptions?.forEach((subscription, at) => {
        this.checkSubscription(subscription, [...path, "subscriptions", at], created);
      });
      entry.grants?.forEach((grant, at) => {
        const grantPath = [...path, "grants", at];
        if (typeof grant === "string") {
          this.ref("benefits", grant, grantPath);
          return;
        }
        this.ref("benefits", grant.benefit, [...grantPath, "benefit"]);
        const granted = this.date(grant.granted_at, [...grantPath, "granted_at"]);
        const revoked = this.date(grant.revoked_at, [...grantPath, "revoked_at"]);
        if (granted && revoked && revoked < granted)
          this.add(
            [...grantPath, "revoked_at"],
            "value_error",
            "revoked_at should not be before granted_at",
            grant.revoked_at,
          );
      });
      entry.events?.forEach((event, at) => {
        this.date(event.timestamp, [...path, "events", at, "timestamp"]);
      });
      entry.credits?.forEach((credit, at) => {
        this.ref("meters", credit.meter, [...path, "credits", at, "meter"]);
        this.date(credit.at, [...path, "credits", at, "at"]);
      });
    });
  }

  private checkSubscription(
    subscription: FixtureSubscription,
    path: Path,
    customerCreated: Date | undefined,
  ): void {
    const status = subscription.status ?? "active";
    const product = this.ref("products", subscription.product, [...path, "product"]);
    if (product?.periodDays === null) {
      this.add(
        [...path, "product"],
        "value_error",
        `Product "${subscription.product}" is a one-time product; a subscription needs a recurring product`,
        subscription.product,
      );
    }
    this.fixedId("subscriptions", subscription.id, [...path, "id"]);
    const started = this.date(subscription.started_at, [...path, "started_at"]);
    const trialEnd = this.date(subscription.trial_end, [...path, "trial_end"]);
    const changed = this.date(subscription.changed_at, [...path, "changed_at"]);
    const start = started ?? customerCreated;
    if (product?.periodDays && start && status !== "trialing") {
      const until = (changed ?? this.target.reference).getTime();
      const renewals = Math.floor((until - start.getTime()) / (product.periodDays * DAY));
      if (renewals > MAX_RENEWALS) {
        this.add(
          [...path, subscription.started_at === undefined ? "product" : "started_at"],
          "value_error",
          `About ${renewals} renewals from the start to the reference time (at most ${MAX_RENEWALS}): start it later`,
          subscription.started_at ?? subscription.product,
        );
      }
    }
    if (started && customerCreated && started < customerCreated)
      this.add(
        [...path, "started_at"],
        "value_error",
        "started_at should not be before the customer's created_at",
        subscription.started_at,
      );
    if (subscription.trial_end !== undefined && status !== "trialing")
      this.add(
        [...path, "trial_end"],
        "value_error",
        "trial_end applies to a trialing subscription",
        subscription.trial_end,
      );
    if (trialEnd && started && trialEnd <= started)
      this.add(
        [...path, "trial_end"],
        "value_error",
        "trial_end should be after started_at",
        subscription.trial_end,
      );
    if (subscription.changed_at !== undefined && !SUBSCRIPTION_CHANGES.has(status))
      this.add(
        [...path, "changed_at"],
        "value_error",
        "changed_at applies to past_due, canceling and canceled subscriptions",
        subscription.changed_at,
      );
    if (changed && started && changed < started)
      this.add(
        [...path, "changed_at"],
        "value_error",
        "changed_at should not be before started_at",
        subscription.changed_at,
      );
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

/** Every problem of a scenario loaded into `target`; empty when it can be applied. */
export function checkScenario(
  scenario: FixtureScenario,
  target: Target,
  base: Path,
  options: { boot: boolean; schemas?: boolean },
): Problem[] {
  const checker = new Checker(target, base, options.schemas ?? true);
  checker.check(scenario, options.boot);
  return checker.problems;
}
