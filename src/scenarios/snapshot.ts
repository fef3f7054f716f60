/**
 * Snapshots: the whole state of one organization as a JSON document (its organization, tokens
 * and every record, dates as ISO strings), and the way back. Restoring builds a new partition
 * from the document and swaps it in, so the organization then answers every request with the same
 * bytes as when the snapshot was taken.
 *
 * This is the one place that writes records without the domain: a snapshot is the store's own
 * state, not something to create. Reading one back is checked whole (shape, then references
 * between records) before anything changes.
 */
import type { AccessToken, Store } from "../store/store.js";
import { OrganizationPartition } from "../store/store.js";
import { isObject } from "../util/is-object.js";
import { type Path, type Problem, problem, toJson } from "./decode.js";
import { emptyRegistry, type KeyRegistry } from "./plan.js";
import { type DecodedSnapshot, SNAPSHOT_FORMAT, SNAPSHOT_VERSION, snapshotDocument } from "./records.js";

export type { DecodedSnapshot } from "./records.js";
export { SNAPSHOT_FORMAT, SNAPSHOT_VERSION } from "./records.js";

/** A snapshot as JSON: what `GET /_emulator/organizations/{id}/snapshot` answers. */
export type SnapshotDocument = Record<string, unknown>;

type DataKeys<T> = { [K in keyof T]: T[K] extends (...args: never[]) => unknown ? never : K }[keyof T];

/**
 * How each piece of a partition's state survives a snapshot: written to the document, or rebuilt
 * from it by the partition's insert methods. A field added to the partition must be listed here
 * (a type error otherwise), so a snapshot never silently misses state.
 */
export const PARTITION_COVERAGE: Record<DataKeys<OrganizationPartition>, "saved" | "rebuilt"> = {
  organization: "saved",
  customers: "saved",
  customerByExternalId: "rebuilt",
  customerByEmail: "rebuilt",
  products: "saved",
  benefits: "saved",
  subscriptions: "saved",
  grants: "saved",
  meters: "saved",
  customerMeters: "saved",
  customerMeterByKey: "rebuilt",
  usageEvents: "saved",
  usageEventExternalIds: "rebuilt",
  subscriptionsByCustomer: "rebuilt",
  grantsByCustomer: "rebuilt",
  customerMetersByCustomer: "rebuilt",
  usageEventsByCustomer: "saved",
  usageEventsByExternalCustomerId: "saved",
  customerMeterAggregates: "saved",
};

// ---------------------------------------------------------------------------------------------
// Taking a snapshot

/** The whole state of one organization, as JSON (with its fixture keys, when it has some). */
export function takeSnapshot(
  store: Store,
  organizationId: string,
  keys: KeyRegistry = emptyRegistry(),
): SnapshotDocument {
  const partition = store.partition(organizationId);
  const tokens = [...store.tokens.values()]
    .filter((item) => item.organizationId === organizationId)
    .map((item) => ({ token: item.token, scopes: [...item.scopes], comment: item.comment }));
  const values = <T>(map: Map<string, T>) => [...map.values()].map(toJson);
  return {
    [SNAPSHOT_FORMAT]: SNAPSHOT_VERSION,
    organization: toJson(partition.organization),
    tokens,
    meters: values(partition.meters),
    benefits: values(partition.benefits),
    products: values(partition.products),
    customers: values(partition.customers),
    subscriptions: values(partition.subscriptions),
    benefit_grants: values(partition.grants),
    customer_meters: values(partition.customerMeters),
    events: partition.usageEvents.map(toJson),
    usage_index: {
      events_by_customer: toJson(partition.usageEventsByCustomer),
      events_by_external_customer_id: toJson(partition.usageEventsByExternalCustomerId),
      customer_meter_aggregates: toJson(partition.customerMeterAggregates),
    },
    keys: toJson(keys),
  };
}

// ---------------------------------------------------------------------------------------------
// Reading one back

/** Ids unique within a collection, and every record of this organization. */
function checkCollection(
  items: { id: string; organization_id: string }[],
  name: string,
  organizationId: string,
  problems: Problem[],
): Set<string> {
  const ids = new Set<string>();
  items.forEach((item, index) => {
    if (ids.has(item.id))
      problems.push(problem([name, index, "id"], "value_error", `Duplicate ${name} id`, item.id));
    ids.add(item.id);
    if (item.organization_id !== organizationId) {
      problems.push(
        problem(
          [name, index, "organization_id"],
          "value_error",
          `Input should be the snapshot's organization id ${organizationId}`,
          item.organization_id,
        ),
      );
    }
  });
  return ids;
}

/** References between records: every id a record names exists in the snapshot. */
function checkReferences(decoded: DecodedSnapshot, store: Store, problems: Problem[]): void {
  const orgId = decoded.organization.id;
  const meterIds = checkCollection(decoded.meters, "meters", orgId, problems);
  const benefitIds = checkCollection(decoded.benefits, "benefits", orgId, problems);
  const productIds = checkCollection(decoded.products, "products", orgId, problems);
  const customerIds = checkCollection(decoded.customers, "customers", orgId, problems);
  const subscriptionIds = checkCollection(decoded.subscriptions, "subscriptions", orgId, problems);
  checkCollection(decoded.benefit_grants, "benefit_grants", orgId, problems);
  const customerMeterIds = checkCollection(decoded.customer_meters, "customer_meters", orgId, problems);
  checkCollection(decoded.events, "events", orgId, problems);
  const missing = (path: Path, what: string, value: string) =>
    problems.push(problem(path, "value_error", `No ${what} with this id in the snapshot`, value));

  const emails = new Set<string>();
  const externalIds = new Set<string>();
  decoded.customers.forEach((item, index) => {
    if (item.deleted_at !== null) return;
    const email = item.email?.toLowerCase();
    if (email !== undefined) {
      if (emails.has(email))
        problems.push(
          problem(
            ["customers", index, "email"],
            "value_error",
            "Two live customers share this email",
            item.email,
          ),
        );
      emails.add(email);
    }
    if (item.external_id !== null) {
      if (externalIds.has(item.external_id)) {
        problems.push(
          problem(
            ["customers", index, "external_id"],
            "value_error",
            "Two live customers share this external id",
            item.external_id,
          ),
        );
      }
      externalIds.add(item.external_id);
    }
  });

  decoded.benefits.forEach((item, index) => {
    const meterId = item.properties.meter_id;
    if (item.type === "meter_credit" && (typeof meterId !== "string" || !meterIds.has(meterId)))
      missing(["benefits", index, "properties", "meter_id"], "meter", String(meterId));
  });
  const priceIds = new Map<string, string>();
  decoded.products.forEach((item, index) => {
    item.prices.forEach((entry, at) => {
      const path = ["products", index, "prices", at];
      if (entry.product_id !== item.id)
        problems.push(
          problem(
            [...path, "product_id"],
            "value_error",
            "Input should be the product's id",
            entry.product_id,
          ),
        );
      if (priceIds.has(entry.id))
        problems.push(problem([...path, "id"], "value_error", "Duplicate price id", entry.id));
      priceIds.set(entry.id, item.id);
      if (entry.amount_type === "metered_unit" && !meterIds.has(entry.meter_id))
        missing([...path, "meter_id"], "meter", entry.meter_id);
    });
    item.benefit_ids.forEach((benefitId, at) => {
      if (!benefitIds.has(benefitId)) missing(["products", index, "benefit_ids", at], "benefit", benefitId);
    });
  });
  decoded.subscriptions.forEach((item, index) => {
    if (!customerIds.has(item.customer_id))
      missing(["subscriptions", index, "customer_id"], "customer", item.customer_id);
    if (!productIds.has(item.product_id))
      missing(["subscriptions", index, "product_id"], "product", item.product_id);
    item.price_ids.forEach((priceId, at) => {
      if (priceIds.get(priceId) !== item.product_id)
        missing(["subscriptions", index, "price_ids", at], "price of the subscription's product", priceId);
    });
    item.meters.forEach((entry, at) => {
      if (!meterIds.has(entry.meter_id))
        missing(["subscriptions", index, "meters", at, "meter_id"], "meter", entry.meter_id);
    });
  });
  decoded.benefit_grants.forEach((item, index) => {
    if (!customerIds.has(item.customer_id))
      missing(["benefit_grants", index, "customer_id"], "customer", item.customer_id);
    if (!benefitIds.has(item.benefit_id))
      missing(["benefit_grants", index, "benefit_id"], "benefit", item.benefit_id);
    if (item.subscription_id !== null && !subscriptionIds.has(item.subscription_id))
      missing(["benefit_grants", index, "subscription_id"], "subscription", item.subscription_id);
  });
  const pairs = new Set<string>();
  decoded.customer_meters.forEach((item, index) => {
    if (!customerIds.has(item.customer_id))
      missing(["customer_meters", index, "customer_id"], "customer", item.customer_id);
    if (!meterIds.has(item.meter_id)) missing(["customer_meters", index, "meter_id"], "meter", item.meter_id);
    const pair = `${item.customer_id}:${item.meter_id}`;
    if (pairs.has(pair))
      problems.push(
        problem(
          ["customer_meters", index],
          "value_error",
          "Two customer meters for one customer and meter",
          pair,
        ),
      );
    pairs.add(pair);
    if (item.consumed_since < 0 || item.consumed_since > decoded.events.length) {
      problems.push(
        problem(
          ["customer_meters", index, "consumed_since"],
          "value_error",
          "Input should be a position in events",
          item.consumed_since,
        ),
      );
    }
  });
  decoded.events.forEach((item, index) => {
    if (item.customer_id !== null && !customerIds.has(item.customer_id))
      missing(["events", index, "customer_id"], "customer", item.customer_id);
  });
  const positions = (map: Map<string, number[]>, name: string) => {
    for (const [key, list] of map) {
      list.forEach((position, at) => {
        if (position < 0 || position >= decoded.events.length || (at > 0 && position <= list[at - 1])) {
          problems.push(
            problem(
              ["usage_index", name, key, at],
              "value_error",
              "Input should be ascending positions in events",
              position,
            ),
          );
        }
      });
    }
  };
  positions(decoded.usage_index.events_by_customer, "events_by_customer");
  positions(decoded.usage_index.events_by_external_customer_id, "events_by_external_customer_id");
  for (const key of decoded.usage_index.customer_meter_aggregates.keys()) {
    if (!customerMeterIds.has(key))
      missing(["usage_index", "customer_meter_aggregates", key], "customer meter", key);
  }

  const known: Record<keyof KeyRegistry, Set<string>> = {
    meters: meterIds,
    benefits: benefitIds,
    products: productIds,
    customers: customerIds,
  };
  for (const kind of Object.keys(known) as (keyof KeyRegistry)[]) {
    for (const [key, value] of decoded.keys[kind]) {
      if (!known[kind].has(value)) missing(["keys", kind, key], kind.replace(/s$/, ""), value);
    }
  }

  const seen = new Set<string>();
  decoded.tokens.forEach((item, index) => {
    const owner = store.tokens.get(item.token)?.organizationId;
    if ((owner !== undefined && owner !== orgId) || seen.has(item.token)) {
      problems.push(
        problem(
          ["tokens", index, "token"],
          "value_error",
          "This token belongs to another organization",
          item.token,
        ),
      );
    }
    seen.add(item.token);
  });
}

/** Reads a snapshot document: every problem with its path, or the decoded state. */
export function readSnapshot(
  document: unknown,
  store: Store,
): { ok: true; snapshot: DecodedSnapshot } | { ok: false; problems: Problem[] } {
  const problems: Problem[] = [];
  if (!isObject(document) || !(SNAPSHOT_FORMAT in document)) {
    problems.push(
      problem(
        [SNAPSHOT_FORMAT],
        "missing",
        `Field required: a snapshot starts with ${SNAPSHOT_FORMAT}: ${SNAPSHOT_VERSION}`,
        document,
      ),
    );
    return { ok: false, problems };
  }
  const decoded = snapshotDocument(document, [], problems);
  if (problems.length === 0) checkReferences(decoded, store, problems);
  return problems.length === 0 ? { ok: true, snapshot: decoded } : { ok: false, problems };
}

/**
 * Replaces the organization's state (or adds the organization) with a decoded snapshot: a new
 * partition, indexed by its own insert methods, and the snapshot's tokens instead of the old ones.
 */
export function restoreSnapshot(store: Store, decoded: DecodedSnapshot): OrganizationPartition {
  const partition = new OrganizationPartition(decoded.organization);
  for (const item of decoded.meters) partition.meters.set(item.id, item);
  for (const item of decoded.benefits) partition.benefits.set(item.id, item);
  for (const item of decoded.products) partition.products.set(item.id, item);
  for (const item of decoded.customers) partition.insertCustomer(item);
  for (const item of decoded.subscriptions) partition.insertSubscription(item);
  for (const item of decoded.benefit_grants) partition.insertGrant(item);
  for (const item of decoded.customer_meters) partition.insertCustomerMeter(item);
  for (const item of decoded.events) {
    partition.usageEvents.push(item);
    if (item.external_id !== null) partition.usageEventExternalIds.add(item.external_id);
  }
  const { usage_index: index } = decoded;
  for (const [key, list] of index.events_by_customer) partition.usageEventsByCustomer.set(key, list);
  for (const [key, list] of index.events_by_external_customer_id)
    partition.usageEventsByExternalCustomerId.set(key, list);
  for (const [key, value] of index.customer_meter_aggregates)
    partition.customerMeterAggregates.set(key, value);

  const organizationId = decoded.organization.id;
  for (const [value, item] of store.tokens) {
    if (item.organizationId === organizationId) store.tokens.delete(value);
  }
  store.partitions.set(organizationId, partition);
  for (const item of decoded.tokens) {
    const accessToken: AccessToken = {
      token: item.token,
      organizationId,
      scopes: new Set(item.scopes),
      comment: item.comment,
    };
    store.addToken(accessToken);
  }
  return partition;
}

/**
 * Puts back a snapshot this emulator took itself (a checkpoint before a load, the state right
 * after boot): decoded afresh each time, so the same document can be restored again and again.
 */
export function restoreCheckpoint(store: Store, document: SnapshotDocument): OrganizationPartition {
  const result = readSnapshot(document, store);
  if (!result.ok) {
    const [first] = result.problems;
    throw new Error(
      `[polar-emulator] a checkpoint does not read back: /${first.path.join("/")}: ${first.msg}`,
    );
  }
  return restoreSnapshot(store, result.snapshot);
}
