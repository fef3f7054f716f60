/**
 * `POST /v1/subscriptions/` (`SubscriptionService.create`): the API's own way to start a
 * subscription, for free recurring products only (a paid one needs a checkout).
 */
import type { Schemas } from "../../domain/wire.js";
import { PolarRequestValidationError } from "../../errors.js";
import { canonicalUuid } from "../../pydantic/uuid.js";
import type { Ctx } from "../context.js";
import type { PriceRecord } from "../products/table.js";
import { startSubscription, subscriptionPrices } from "./service.js";
import type { SubscriptionRecord } from "./table.js";

export type SubscriptionCreateBody =
  | Schemas["SubscriptionCreateCustomer"]
  | Schemas["SubscriptionCreateExternalCustomer"];

/** A price that charges nothing (Polar's `is_free`): fixed at 0, or seats at 0 in every tier. */
function isFree(price: PriceRecord): boolean {
  if (price.amount_type === "fixed") return price.price_amount === 0;
  if (price.amount_type === "seat_based")
    return price.seat_tiers.tiers.every((tier) => tier.price_per_seat === 0);
  return false;
}

/**
 * `POST /v1/subscriptions/` (`SubscriptionService.create`): an active subscription, now, of an
 * existing customer of the product's organization to a free recurring product; a paid one needs a
 * checkout. The product's checks come first, then the customer's; each refusal is a 422.
 */
export function createSubscription(
  ctx: Ctx,
  organizationId: string,
  body: SubscriptionCreateBody,
  customerField: "customer_id" | "external_customer_id",
): SubscriptionRecord {
  const partition = ctx.store.partition(organizationId);
  const productProblem = (msg: string) =>
    new PolarRequestValidationError([
      { type: "value_error", loc: ["body", "product_id"], msg, input: body.product_id },
    ]);
  const product = partition.products.get(body.product_id);
  if (!product) throw productProblem("Product does not exist.");
  if (product.recurring_interval === null) throw productProblem("Product is not a recurring product.");
  // The default price: the first static one (fixed, custom, seats), else the first.
  const prices = subscriptionPrices(product);
  const defaultPrice = prices.find((price) => price.amount_type !== "metered_unit") ?? prices[0];
  if (defaultPrice && !isFree(defaultPrice)) {
    throw productProblem(
      "Product is not free. The customer should go through a checkout to create a paid subscription.",
    );
  }
  // A UUID as pydantic hands it on (the union may have kept the spelling sent).
  const input =
    customerField === "customer_id" && "customer_id" in body ? canonicalUuid(body.customer_id) : undefined;
  const external =
    customerField === "external_customer_id" && "external_customer_id" in body
      ? body.external_customer_id
      : undefined;
  const customer =
    input !== undefined
      ? partition.customers.live(input)
      : external !== undefined
        ? partition.customers.byExternalId.get(external)
        : undefined;
  if (!customer) {
    throw new PolarRequestValidationError([
      {
        type: "value_error",
        loc: ["body", customerField],
        msg: "Customer does not exist.",
        input: input ?? external,
      },
    ]);
  }
  return startSubscription(ctx, customer, { product, metadata: body.metadata, origin: "api" });
}
