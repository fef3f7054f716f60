/** The control plane's subscription verbs: start one, and move one through its lifecycle. */
import { ResourceNotFound } from "../../errors.js";
import type { Ctx, Partition } from "../context.js";
import { customerOf, invalid, recording } from "../control.js";
import type { Handlers } from "../operation.js";
import { billSubscriptionStart } from "../orders/renewal.js";
import type { Services } from "../services.js";
import { changeSubscription } from "./actions.js";
import { trialEndProblem } from "./rules.js";
import { serializeSubscription } from "./serialize.js";
import { startSubscription } from "./service.js";
import type { SubscriptionRecord } from "./table.js";

function subscriptionById(ctx: Ctx, id: string): { partition: Partition; subscription: SubscriptionRecord } {
  for (const partition of ctx.store.partitions.values()) {
    const subscription = partition.subscriptions.get(id);
    if (subscription) return { partition, subscription };
  }
  throw new ResourceNotFound();
}

export type SubscriptionControl = "emulator:subscriptions:start" | "emulator:subscriptions:change";

export const subscriptionControl = (services: Services): Handlers<SubscriptionControl> => ({
  "emulator:subscriptions:start": ({ ctx, body }) => {
    const customer = customerOf(ctx, services, body);
    const partition = ctx.store.partition(customer.organization_id);
    const product = partition.products.get(body.product_id);
    if (!product) {
      throw invalid(
        ["body", "product_id"],
        "No product with this id in the customer's organization.",
        body.product_id,
      );
    }
    if (product.is_archived)
      throw invalid(["body", "product_id"], "This product is archived.", body.product_id);
    const startsAt = body.starts_at === undefined ? undefined : new Date(body.starts_at);
    const trialEnd = body.trial_end === undefined ? undefined : new Date(body.trial_end);
    if (trialEnd !== undefined) {
      const problem = trialEndProblem(body.status, trialEnd, startsAt ?? ctx.clock.now());
      if (problem !== null) throw invalid(["body", "trial_end"], problem, body.trial_end);
    }
    const discount = body.discount_id === undefined ? null : partition.discounts.live(body.discount_id);
    if (discount === undefined)
      throw invalid(["body", "discount_id"], "No discount with this id.", body.discount_id);
    if (discount && discount.product_ids.length > 0 && !discount.product_ids.includes(product.id))
      throw invalid(
        ["body", "discount_id"],
        "This discount does not apply to the product.",
        body.discount_id,
      );
    const { result, events } = recording(ctx, () =>
      startSubscription(ctx, customer, {
        product,
        status: body.status,
        startsAt,
        trialEnd,
        metadata: body.metadata,
        discount,
        // A started subscription stands for a completed checkout, which places its first order.
        onCreated: (started) => billSubscriptionStart(ctx, customer, started),
      }),
    );
    return { status: 201, json: { subscription: serializeSubscription(partition, result), events } };
  },

  "emulator:subscriptions:change": ({ ctx, params }) => {
    const { partition, subscription } = subscriptionById(ctx, params.id);
    const { result, events } = recording(ctx, () => changeSubscription(ctx, subscription, params.action));
    return { status: 200, json: { subscription: serializeSubscription(partition, result), events } };
  },
});
