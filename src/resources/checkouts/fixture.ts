/**
 * Checkouts in a fixture: `CheckoutCreate` bodies with a key, a fixed id, a creation date, the
 * products, the customer and the discount named by key or id, and `status: succeeded` for a
 * purchase already made (completed as the control plane completes one).
 */
import { type FixtureSchemas, fixtureSection, PLACEHOLDER_ID, stripFixtureFields } from "../fixture.js";
import { completeCheckout } from "./complete.js";
import { type CheckoutCreateBody, createCheckout } from "./service.js";

type Entry = FixtureSchemas["FixtureCheckout"] & Record<string, unknown>;
const FIELDS = ["key", "id", "created_at", "products", "customer", "discount", "status"];

/** The body with its references resolved. */
function checkoutBody(
  entry: Entry,
  id: (kind: "products" | "customers" | "discounts", ref: string) => string,
) {
  const body: Record<string, unknown> = {
    ...stripFixtureFields(FIELDS, entry),
    products: entry.products.map((ref) => id("products", ref)),
  };
  if (entry.customer !== undefined) body.customer_id = id("customers", entry.customer);
  if (entry.discount !== undefined) body.discount_id = id("discounts", entry.discount);
  return body;
}

export const checkoutFixture = fixtureSection<Entry>({
  kind: "checkouts",
  singular: "checkout",
  fields: FIELDS,
  keyOf: (entry) => ({ key: entry.key, explicit: true }),
  holds: (partition, id) => partition.checkouts.has(id),
  lookup: (partition, id) => (partition.checkouts.has(id) ? {} : undefined),
  check: (checker, entries) => {
    entries.forEach((entry, index) => {
      const path = ["checkouts", index];
      checker.fixedId("checkouts", entry.id, [...path, "id"]);
      checker.date(entry.created_at, [...path, "created_at"]);
      entry.products.forEach((ref, at) => {
        checker.ref("products", ref, [...path, "products", at]);
      });
      if (entry.customer !== undefined) checker.ref("customers", entry.customer, [...path, "customer"]);
      if (entry.discount !== undefined) checker.ref("discounts", entry.discount, [...path, "discount"]);
      checker.body(
        "CheckoutProductsCreate",
        checkoutBody(entry, () => PLACEHOLDER_ID),
        path,
      );
    });
  },
  apply: (applier, entries) => {
    entries.forEach((entry, index) => {
      const path = ["checkouts", index];
      // A session lives a day: it is dated at the reference time unless it says otherwise.
      applier.clock.set(applier.date(entry.created_at) ?? applier.reference);
      const body = applier.coerce<CheckoutCreateBody>(
        "CheckoutProductsCreate",
        checkoutBody(entry, (kind, ref) => applier.id(kind, ref)),
      );
      const checkout = applier.domain(path, body, () =>
        createCheckout(applier.ctx, applier.organizationId, body, { id: entry.id }),
      );
      if (entry.status === "succeeded")
        applier.domain([...path, "status"], entry.status, () =>
          completeCheckout(applier.ctx, checkout, { outcome: "succeeded" }),
        );
      applier.define("checkouts", entry.key, checkout.id);
    });
  },
});
