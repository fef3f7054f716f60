/**
 * Customers in a fixture: `CustomerCreate` bodies with a key (else their external id, else their
 * email), a fixed id or a creation date, and what they have: subscriptions, direct grants, usage
 * events and meter credits. Named customers are the oldest, a day apart in file order, the last a
 * year before the reference time.
 */
import type { Path } from "../../domain/decode.js";
import { applyCredit, checkCredit } from "../customer-meters/fixture.js";
import { applySeats } from "../customer-seats/fixture.js";
import { applyEvents } from "../events/fixture.js";
import {
  DAY,
  type FixtureApplier,
  type FixtureChecker,
  type FixtureSchemas,
  fixtureSection,
  MAX_EVENTS,
  stripFixtureFields,
} from "../fixture.js";
import { applyGrant, checkGrant } from "../grants/fixture.js";
import { applyLicenseKey, checkLicenseKey } from "../license-keys/fixture.js";
import { addMember, type MemberCreateBody } from "../members/service.js";
import { applyOrder, checkOrder } from "../orders/fixture.js";
import { applySubscription, checkSubscription } from "../subscriptions/fixture.js";
import { type CustomerCreateBody, createCustomer } from "./service.js";
import type { CustomerRecord } from "./table.js";

/**
 * What is applied once every named customer exists, in this order: the subscriptions' seats (a
 * seat may name a customer listed later), then the customers' license keys (a claimed seat may
 * be what granted one).
 */
export interface Later {
  seats: Array<() => void>;
  licenseKeys: Array<() => void>;
}

export type FixtureCustomer = FixtureSchemas["FixtureCustomer"] & Record<string, unknown>;
const FIELDS = [
  "key",
  "id",
  "created_at",
  "subscriptions",
  "grants",
  "events",
  "credits",
  "orders",
  "members",
  "license_keys",
];

/** The key a customer is known by: `key`, else its external id, else its email. */
export function customerKey(customer: FixtureCustomer): string | undefined {
  for (const value of [customer.key, customer.external_id, customer.email]) {
    if (typeof value === "string" && value.trim() !== "") return value.trim();
  }
  return undefined;
}

/** When the named customers were created: a day apart, the last a year before the reference. */
function firstDay(reference: Date, count: number): number {
  return reference.getTime() - 365 * DAY - count * DAY;
}

function check(checker: FixtureChecker, customers: readonly FixtureCustomer[]): void {
  const { partition } = checker;
  const first = firstDay(checker.reference, customers.length);
  let events = 0;
  for (const entry of customers) for (const event of entry.events ?? []) events += event.count ?? 1;
  if (events > MAX_EVENTS) {
    checker.add(
      ["customers"],
      "value_error",
      `The customers' events add up to ${events}; a fixture ingests at most ${MAX_EVENTS}`,
      events,
    );
  }
  const emails = new Set<string>();
  const externalIds = new Set<string>();
  const licenseKeys = new Set<string>();
  customers.forEach((entry, index) => {
    const path: Path = ["customers", index];
    checker.fixedId("customers", entry.id, [...path, "id"]);
    const created =
      checker.date(entry.created_at, [...path, "created_at"]) ??
      (entry.created_at === undefined ? new Date(first + index * DAY) : undefined);
    if (entry.type !== undefined && entry.type !== "individual" && entry.type !== "team") {
      checker.add(
        [...path, "type"],
        "union_tag_invalid",
        "Input should be 'individual' or 'team'",
        entry.type,
      );
    } else {
      const model = entry.type === "team" ? "CustomerTeamCreate" : "CustomerIndividualCreate";
      checker.body(model, stripFixtureFields(FIELDS, entry), path);
    }
    if (typeof entry.email === "string") {
      const email = entry.email.trim().toLowerCase();
      if (emails.has(email) || partition.customers.byEmail.has(email))
        checker.add(
          [...path, "email"],
          "value_error",
          "A customer with this email address already exists.",
          entry.email,
        );
      emails.add(email);
    }
    if (typeof entry.external_id === "string" && entry.external_id.trim() !== "") {
      const externalId = entry.external_id.trim();
      if (externalIds.has(externalId) || partition.customers.byExternalId.has(externalId))
        checker.add(
          [...path, "external_id"],
          "value_error",
          "A customer with this external ID already exists.",
          entry.external_id,
        );
      externalIds.add(externalId);
    }
    entry.subscriptions?.forEach((subscription, at) => {
      checkSubscription(checker, subscription, [...path, "subscriptions", at], created);
    });
    entry.grants?.forEach((grant, at) => {
      checkGrant(checker, grant, [...path, "grants", at]);
    });
    entry.events?.forEach((event, at) => {
      checker.date(event.timestamp, [...path, "events", at, "timestamp"]);
    });
    entry.credits?.forEach((credit, at) => {
      checkCredit(checker, credit, [...path, "credits", at]);
    });
    entry.orders?.forEach((order, at) => {
      checkOrder(checker, order, [...path, "orders", at]);
    });
    entry.members?.forEach((member, at) => {
      checker.body("MemberCreateFromCustomer", member, [...path, "members", at]);
    });
    entry.license_keys?.forEach((licenseKey, at) => {
      checkLicenseKey(checker, licenseKey, [...path, "license_keys", at], licenseKeys);
    });
  });
}

/**
 * Creates a customer on its date, then what it has, in the order it would have happened; its
 * subscriptions' seats and its license keys go to `later`.
 */
export function applyCustomer(
  applier: FixtureApplier,
  entry: FixtureCustomer,
  path: Path,
  created: Date,
  later: Later,
): CustomerRecord {
  applier.clock.set(created);
  const body = stripFixtureFields(FIELDS, entry) as CustomerCreateBody;
  const customer = applier.domain(path, body, () =>
    createCustomer(applier.ctx, applier.organizationId, body, { id: entry.id }),
  );
  applier.define("customers", customerKey(entry), customer.id);
  entry.subscriptions?.forEach((subscription, index) => {
    const at: Path = [...path, "subscriptions", index];
    const record = applySubscription(applier, customer, subscription, at, created);
    const seats = subscription.seats;
    if (seats && seats.length > 0)
      later.seats.push(() => applySeats(applier, record, seats, [...at, "seats"]));
  });
  entry.grants?.forEach((grant, index) => {
    applyGrant(applier, customer, grant, [...path, "grants", index], created);
  });
  if (entry.events && entry.events.length > 0)
    applyEvents(applier, customer, entry.events, [...path, "events"]);
  entry.credits?.forEach((credit, index) => {
    applyCredit(applier, customer, credit, [...path, "credits", index]);
  });
  entry.orders?.forEach((order, index) => {
    applyOrder(applier, customer, order, [...path, "orders", index], created);
  });
  entry.members?.forEach((member, index) => {
    const body = applier.coerce<MemberCreateBody>("MemberCreateFromCustomer", member);
    applier.domain([...path, "members", index], member, () => addMember(applier.ctx, customer, body));
  });
  const licenseKeys = entry.license_keys;
  if (licenseKeys && licenseKeys.length > 0) {
    const at = applier.clock.now();
    later.licenseKeys.push(() => {
      applier.clock.set(at);
      licenseKeys.forEach((licenseKey, index) => {
        applyLicenseKey(applier, customer, licenseKey, [...path, "license_keys", index]);
      });
    });
  }
  return customer;
}

export const customerFixture = fixtureSection<FixtureCustomer>({
  kind: "customers",
  singular: "customer",
  fields: FIELDS,
  // An implicit key (external id or email) that is taken is no error: those have their own rules.
  keyOf: (entry) => ({ key: customerKey(entry), explicit: entry.key !== undefined }),
  holds: (partition, id) => partition.customers.has(id),
  lookup: (partition, id) => (partition.customers.live(id) ? {} : undefined),
  check,
  apply: (applier, customers) => {
    const first = firstDay(applier.reference, customers.length);
    const later: Later = { seats: [], licenseKeys: [] };
    customers.forEach((entry, index) => {
      const created = applier.date(entry.created_at) ?? new Date(first + index * DAY);
      applyCustomer(applier, entry, ["customers", index], created, later);
    });
    for (const step of [...later.seats, ...later.licenseKeys]) step();
  },
});
