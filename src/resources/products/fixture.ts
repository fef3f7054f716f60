/**
 * Products in a fixture: `ProductCreate` bodies with a key, a fixed id, a creation date and the
 * benefits attached (`benefits: [key, …]`); a metered price may name its meter by key (`meter`).
 */
import {
  type FixtureSchemas,
  fixtureSection,
  PLACEHOLDER_ID,
  periodDays,
  stripFixtureFields,
  withMeterId,
} from "../fixture.js";
import type { ProductCreateBody } from "./prices.js";
import { createProduct, setProductBenefits } from "./service.js";

type Entry = FixtureSchemas["FixtureProduct"] & Record<string, unknown>;
const FIELDS = ["key", "id", "created_at", "benefits"];

/** The body with the meter references of its prices resolved. */
function productBody(entry: Entry, meterId: (ref: string) => string): Record<string, unknown> {
  const body = stripFixtureFields(FIELDS, entry);
  return Array.isArray(body.prices)
    ? { ...body, prices: body.prices.map((price: unknown) => withMeterId(price, meterId)) }
    : body;
}

function recurring(entry: Entry): boolean {
  return entry.recurring_interval !== undefined && entry.recurring_interval !== null;
}

export const productFixture = fixtureSection<Entry>({
  kind: "products",
  singular: "product",
  fields: FIELDS,
  keyOf: (entry) => ({ key: entry.key, explicit: true }),
  info: (entry) => ({ periodDays: periodDays(entry.recurring_interval, entry.recurring_interval_count) }),
  holds: (partition, id) => partition.products.has(id),
  lookup: (partition, id) => {
    const product = partition.products.get(id);
    return (
      product && { periodDays: periodDays(product.recurring_interval, product.recurring_interval_count) }
    );
  },
  check: (checker, entries) => {
    entries.forEach((entry, index) => {
      const path = ["products", index];
      checker.fixedId("products", entry.id, [...path, "id"]);
      checker.date(entry.created_at, [...path, "created_at"]);
      const prices: unknown[] = Array.isArray(entry.prices) ? entry.prices : [];
      prices.forEach((price, at) => {
        checker.meterRef(price, [...path, "prices", at]);
      });
      entry.benefits?.forEach((ref, at) => {
        checker.ref("benefits", ref, [...path, "benefits", at]);
      });
      const keys = recurring(entry) ? "ProductCreateRecurring" : "ProductCreateOneTime";
      checker.body(
        "ProductCreate",
        productBody(entry, () => PLACEHOLDER_ID),
        path,
        keys,
      );
    });
  },
  apply: (applier, entries) => {
    entries.forEach((entry, index) => {
      applier.clock.set(applier.catalogDate(entry.created_at));
      const body = applier.coerce<ProductCreateBody>(
        "ProductCreate",
        productBody(entry, (ref) => applier.id("meters", ref)),
      );
      const product = applier.domain(["products", index], body, () =>
        createProduct(applier.ctx, applier.organizationId, body, { id: entry.id }),
      );
      if (entry.benefits && entry.benefits.length > 0) {
        const ids = entry.benefits.map((ref) => applier.id("benefits", ref));
        applier.domain(["products", index, "benefits"], entry.benefits, () =>
          setProductBenefits(applier.ctx, product, ids),
        );
      }
      applier.define("products", entry.key, product.id);
    });
  },
});
