/**
 * Discounts in a fixture: `DiscountCreate` bodies with a key, a fixed id, a creation date, and
 * the products they apply to named by key or id (`products: [pro, …]`).
 */
import { type FixtureSchemas, fixtureSection, PLACEHOLDER_ID, stripFixtureFields } from "../fixture.js";
import { createDiscount, type DiscountCreateBody } from "./service.js";

type Entry = FixtureSchemas["FixtureDiscount"] & Record<string, unknown>;
const FIELDS = ["key", "id", "created_at", "products"];

/** The body with its product references resolved. */
function discountBody(entry: Entry, productId: (ref: string) => string): Record<string, unknown> {
  const body = stripFixtureFields(FIELDS, entry);
  return entry.products === undefined ? body : { ...body, products: entry.products.map(productId) };
}

export const discountFixture = fixtureSection<Entry>({
  kind: "discounts",
  singular: "discount",
  fields: FIELDS,
  keyOf: (entry) => ({ key: entry.key, explicit: true }),
  holds: (partition, id) => partition.discounts.has(id),
  lookup: (partition, id) => (partition.discounts.live(id) ? {} : undefined),
  check: (checker, entries) => {
    entries.forEach((entry, index) => {
      const path = ["discounts", index];
      checker.fixedId("discounts", entry.id, [...path, "id"]);
      checker.date(entry.created_at, [...path, "created_at"]);
      entry.products?.forEach((ref, at) => {
        checker.ref("products", ref, [...path, "products", at]);
      });
      checker.body(
        "DiscountCreate",
        discountBody(entry, () => PLACEHOLDER_ID),
        path,
      );
    });
  },
  apply: (applier, entries) => {
    entries.forEach((entry, index) => {
      applier.clock.set(applier.catalogDate(entry.created_at));
      const body = applier.coerce<DiscountCreateBody>(
        "DiscountCreate",
        discountBody(entry, (ref) => applier.id("products", ref)),
      );
      const discount = applier.domain(["discounts", index], body, () =>
        createDiscount(applier.ctx, applier.organizationId, body, { id: entry.id }),
      );
      applier.define("discounts", entry.key, discount.id);
    });
  },
});
