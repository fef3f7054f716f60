/**
 * Checkout links in a fixture: `CheckoutLinkCreate` bodies with a key, a fixed id, a creation
 * date, and the products and the discount named by key or id.
 */
import { type FixtureSchemas, fixtureSection, PLACEHOLDER_ID, stripFixtureFields } from "../fixture.js";
import { type CheckoutLinkCreateBody, createCheckoutLink } from "./service.js";

type Entry = FixtureSchemas["FixtureCheckoutLink"] & Record<string, unknown>;
const FIELDS = ["key", "id", "created_at", "products", "discount"];

function linkBody(entry: Entry, id: (kind: "products" | "discounts", ref: string) => string) {
  const body: Record<string, unknown> = {
    payment_processor: "stripe",
    ...stripFixtureFields(FIELDS, entry),
    products: entry.products.map((ref) => id("products", ref)),
  };
  if (entry.discount !== undefined) body.discount_id = id("discounts", entry.discount);
  return body;
}

export const checkoutLinkFixture = fixtureSection<Entry>({
  kind: "checkout_links",
  singular: "checkout link",
  fields: FIELDS,
  keyOf: (entry) => ({ key: entry.key, explicit: true }),
  holds: (partition, id) => partition.checkoutLinks.has(id),
  lookup: (partition, id) => (partition.checkoutLinks.live(id) ? {} : undefined),
  check: (checker, entries) => {
    entries.forEach((entry, index) => {
      const path = ["checkout_links", index];
      checker.fixedId("checkout_links", entry.id, [...path, "id"]);
      checker.date(entry.created_at, [...path, "created_at"]);
      entry.products.forEach((ref, at) => {
        checker.ref("products", ref, [...path, "products", at]);
      });
      if (entry.discount !== undefined) checker.ref("discounts", entry.discount, [...path, "discount"]);
      checker.body(
        "CheckoutLinkCreateProducts",
        linkBody(entry, () => PLACEHOLDER_ID),
        path,
      );
    });
  },
  apply: (applier, entries) => {
    entries.forEach((entry, index) => {
      applier.clock.set(applier.catalogDate(entry.created_at));
      const body = applier.coerce<CheckoutLinkCreateBody>(
        "CheckoutLinkCreateProducts",
        linkBody(entry, (kind, ref) => applier.id(kind, ref)),
      );
      const link = applier.domain(["checkout_links", index], body, () =>
        createCheckoutLink(applier.ctx, applier.organizationId, body, { id: entry.id }),
      );
      applier.define("checkout_links", entry.key, link.id);
    });
  },
});
