/** The control plane's benefit grant verbs: grant a benefit to a customer, or revoke it. */
import type { Ctx } from "../context.js";
import { customerOf, invalid, recording } from "../control.js";
import { type Handlers, json, type Reply } from "../operation.js";
import type { Services } from "../services.js";
import type { SubscriptionRecord } from "../subscriptions/table.js";
import { serializeGrant } from "./serialize.js";
import { grantBenefit, revokeBenefit } from "./service.js";

interface GrantInput {
  customer_id?: string;
  external_customer_id?: string;
  organization_id?: string;
  benefit_id: string;
  subscription_id?: string;
}

function grantOrRevoke(ctx: Ctx, services: Services, input: GrantInput, verb: "grant" | "revoke"): Reply {
  const customer = customerOf(ctx, services, input);
  const partition = ctx.store.partition(customer.organization_id);
  const benefit = partition.benefits.live(input.benefit_id);
  if (!benefit) {
    throw invalid(
      ["body", "benefit_id"],
      "No benefit with this id in the customer's organization.",
      input.benefit_id,
    );
  }
  let subscription: SubscriptionRecord | undefined;
  if (input.subscription_id !== undefined) {
    subscription = partition.subscriptions.get(input.subscription_id);
    if (!subscription || subscription.customer_id !== customer.id) {
      throw invalid(
        ["body", "subscription_id"],
        "No subscription with this id for this customer.",
        input.subscription_id,
      );
    }
  }
  const { result, events } = recording(ctx, () =>
    verb === "grant"
      ? grantBenefit(ctx, customer, benefit, { subscription })
      : revokeBenefit(ctx, customer, benefit, { subscription }),
  );
  return json(200, { grant: serializeGrant(partition, result), events });
}

export type GrantControl = "emulator:benefit-grants:grant" | "emulator:benefit-grants:revoke";

export const grantControl = (services: Services): Handlers<GrantControl> => ({
  "emulator:benefit-grants:grant": ({ ctx, body }) => grantOrRevoke(ctx, services, body, "grant"),
  "emulator:benefit-grants:revoke": ({ ctx, body }) => grantOrRevoke(ctx, services, body, "revoke"),
});
