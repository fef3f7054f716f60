/**
 * A customer's one-time purchases in a fixture: a one-time product (by key or id), maybe a
 * discount, placed paid (with the product's benefits granted) or left pending on its date, and
 * maybe partly or fully refunded a day later.
 */
import type { Path } from "../../domain/decode.js";
import type { CustomerRecord } from "../customers/table.js";
import type { FixtureApplier, FixtureChecker, FixtureSchemas } from "../fixture.js";
import { grantBenefit } from "../grants/service.js";
import { createRefund } from "../refunds/service.js";
import { placeOrder } from "./service.js";

type Entry = FixtureSchemas["FixtureOrder"];

const DAY = 24 * 60 * 60 * 1000;

export function checkOrder(checker: FixtureChecker, entry: Entry, path: Path): void {
  const product = checker.ref("products", entry.product, [...path, "product"]);
  if (product && product.periodDays !== null && product.periodDays !== undefined)
    checker.add(
      [...path, "product"],
      "value_error",
      "An order in a fixture is a one-time purchase: a subscription places its own orders",
      entry.product,
    );
  if (entry.discount !== undefined) checker.ref("discounts", entry.discount, [...path, "discount"]);
  checker.date(entry.created_at, [...path, "created_at"]);
  if (entry.refunded !== undefined && entry.paid === false)
    checker.add([...path, "refunded"], "value_error", "Only a paid order can be refunded", entry.refunded);
}

export function applyOrder(
  applier: FixtureApplier,
  customer: CustomerRecord,
  entry: Entry,
  path: Path,
  customerCreated: Date,
): void {
  const { partition } = applier;
  const product = partition.products.get(applier.id("products", entry.product));
  if (!product) return;
  const discount =
    entry.discount === undefined
      ? null
      : (partition.discounts.get(applier.id("discounts", entry.discount)) ?? null);
  const placed = applier.date(entry.created_at) ?? customerCreated;
  applier.clock.set(placed);
  const order = applier.domain(path, entry, () => {
    const order = placeOrder(applier.ctx, {
      customer,
      product,
      discount,
      amount: entry.amount,
      billingReason: "purchase",
      paid: entry.paid ?? true,
      metadata: entry.metadata,
    });
    if (order.status === "paid") {
      for (const benefitId of product.benefit_ids) {
        const benefit = partition.benefits.get(benefitId);
        if (benefit && !benefit.is_deleted) grantBenefit(applier.ctx, customer, benefit);
      }
    }
    return order;
  });
  if (entry.refunded !== undefined) {
    applier.clock.set(new Date(placed.getTime() + DAY));
    const amount = entry.refunded;
    applier.domain([...path, "refunded"], entry, () =>
      createRefund(applier.ctx, applier.organizationId, {
        order_id: order.id,
        reason: "customer_request",
        amount,
      }),
    );
  }
}
