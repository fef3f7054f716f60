/** The subscriptions operations of Polar's API: thin handlers over the service. */
import { listEnvelope, pageOf } from "../../domain/list.js";
import { PolarRequestValidationError, ResourceNotFound } from "../../errors.js";
import { uuid4Problem } from "../../pydantic/uuid.js";
import {
  type Call,
  dateParam,
  type Handlers,
  json,
  list,
  metadataFilter,
  optional,
  organizationIds,
  organizationOf,
  type Reply,
} from "../operation.js";
import { createSubscription } from "./create.js";
import { exportFilename, exportSubscriptionsCsv } from "./export.js";
import { listSubscriptions } from "./list.js";
import { serializeSubscription } from "./serialize.js";
import { cancelAtPeriodEnd, revokeNow, uncancel, updateSubscriptionMetadata } from "./service.js";
import type { SubscriptionRecord } from "./table.js";

type ById = Call<"subscriptions:get" | "subscriptions:update" | "subscriptions:revoke">;

export function subscriptionOf(call: ById): SubscriptionRecord {
  const partition = call.ctx.store.partition(organizationOf(call));
  const subscription = partition.subscriptions.get(call.params.id);
  // Polar reads a subscription of a deleted customer too (`get_readable_statement`): canceled.
  if (!subscription || subscription.started_at === null) throw new ResourceNotFound();
  return subscription;
}

function reply(call: ById, subscription: SubscriptionRecord): Reply {
  return json(
    200,
    serializeSubscription(call.ctx.store.partition(subscription.organization_id), subscription),
  );
}

/** Parts of SubscriptionUpdate the emulator does not carry out (changes of product, seats, …). */
const NOT_EMULATED = [
  "product_id",
  "discount_id",
  "trial_end",
  "seats",
  "units",
  "current_billing_period_end",
  "pause_at_period_end",
  "resume",
  "pending_update",
] as const;

export type SubscriptionOperation =
  | "subscriptions:list"
  | "subscriptions:create"
  | "subscriptions:export"
  | "subscriptions:get"
  | "subscriptions:update"
  | "subscriptions:revoke";

export const subscriptionHandlers = (): Handlers<SubscriptionOperation> => ({
  "subscriptions:list": (call) => {
    const { query } = call;
    const page = pageOf(query);
    const found = listSubscriptions(
      call.ctx,
      {
        organizationIds: organizationIds(call),
        productIds: list(query.product_id),
        customerIds: list(query.customer_id),
        externalCustomerIds: list(query.external_customer_id),
        discountIds: list(query.discount_id),
        active: optional(query.active),
        statuses: list(query.status),
        cancelAtPeriodEnd: optional(query.cancel_at_period_end),
        cancellationReasons: list(query.customer_cancellation_reason),
        canceledAtAfter: dateParam(query.canceled_at_after),
        canceledAtBefore: dateParam(query.canceled_at_before),
        startedAfter: dateParam(query.started_after),
        startedBefore: dateParam(query.started_before),
        metadata: metadataFilter(query.metadata),
      },
      list(query.sorting),
      page,
    );
    const partition = call.ctx.store.partition(organizationOf(call));
    return json(
      200,
      listEnvelope(found, page, (subscription) => serializeSubscription(partition, subscription)),
    );
  },

  "subscriptions:create": (call) => {
    const { body } = call;
    // A smart union of two models with the same other fields: pydantic takes the first,
    // `SubscriptionCreateCustomer`, whenever its `customer_id` is valid.
    const byId =
      "customer_id" in body &&
      typeof body.customer_id === "string" &&
      uuid4Problem(body.customer_id) === null;
    const subscription = createSubscription(
      call.ctx,
      organizationOf(call),
      body,
      byId ? "customer_id" : "external_customer_id",
    );
    return json(
      201,
      serializeSubscription(call.ctx.store.partition(subscription.organization_id), subscription),
    );
  },

  "subscriptions:export": (call) => {
    const { query } = call;
    const filters = {
      organizationIds: organizationIds(call),
      productIds: list(query.product_id),
      statuses: list(query.status),
      cancelAtPeriodEnd: optional(query.cancel_at_period_end),
      startedAfter: dateParam(query.started_after),
      startedBefore: dateParam(query.started_before),
    };
    const timeZone = query.timezone ?? "UTC";
    return {
      status: 200,
      text: exportSubscriptionsCsv(call.ctx, filters, timeZone, list(query.columns)),
      contentType: "text/csv; charset=utf-8",
      headers: { "Content-Disposition": `attachment; filename="${exportFilename(filters, timeZone)}"` },
    };
  },

  "subscriptions:get": (call) => reply(call, subscriptionOf(call)),

  "subscriptions:update": (call) => {
    const subscription = subscriptionOf(call);
    const body: Record<string, unknown> & {
      revoke?: boolean | null;
      cancel_at_period_end?: boolean | null;
      customer_cancellation_reason?: SubscriptionRecord["customer_cancellation_reason"];
      customer_cancellation_comment?: string | null;
      metadata?: SubscriptionRecord["metadata"];
    } = call.body;
    const cancel = {
      reason: body.customer_cancellation_reason ?? null,
      comment: body.customer_cancellation_comment ?? null,
    };
    if (body.revoke === true) return reply(call, revokeNow(call.ctx, subscription, cancel));
    if (body.cancel_at_period_end === true)
      return reply(call, cancelAtPeriodEnd(call.ctx, subscription, cancel));
    if (body.cancel_at_period_end === false) return reply(call, uncancel(call.ctx, subscription));
    const unsupported = NOT_EMULATED.find((key) => body[key] !== undefined && body[key] !== null);
    if (unsupported !== undefined) {
      throw new PolarRequestValidationError([
        {
          type: "value_error",
          loc: ["body", unsupported],
          msg: `polar-emulator does not emulate this kind of subscription update (${unsupported}) yet; only metadata, cancel_at_period_end and revoke are supported.`,
          input: body[unsupported],
        },
      ]);
    }
    if (body.metadata !== undefined) {
      return reply(call, updateSubscriptionMetadata(call.ctx, subscription, body.metadata));
    }
    return reply(call, subscription);
  },

  "subscriptions:revoke": (call) => reply(call, revokeNow(call.ctx, subscriptionOf(call))),
});
