/** The subscriptions operations of Polar's API: thin handlers over domain/subscriptions. */

import { listSubscriptions } from "../domain/billing-list.js";
import { serializeSubscription } from "../domain/billing-serialize.js";
import {
  cancelAtPeriodEnd,
  revokeNow,
  uncancel,
  updateSubscriptionMetadata,
} from "../domain/subscriptions.js";
import { PolarRequestValidationError, ResourceNotFound } from "../errors.js";
import { type Call, type Handlers, json, organizationOf } from "../http/handler.js";
import { listResource, pageOf } from "../http/pagination.js";
import type { CancellationReason, Metadata, SubscriptionRecord } from "../store/store.js";
import { booleanParam, list, metadataFilter, organizationIds } from "./query.js";

function date(value: unknown): Date | undefined {
  return typeof value === "string" ? new Date(value) : undefined;
}

export function subscriptionOf(call: Call, id: string): SubscriptionRecord {
  const partition = call.ctx.store.partition(organizationOf(call));
  const subscription = partition.subscriptions.get(id);
  const customer = subscription && partition.customers.get(subscription.customer_id);
  if (!subscription || !customer || customer.deleted_at !== null) throw new ResourceNotFound();
  return subscription;
}

function reply(call: Call, subscription: SubscriptionRecord) {
  return json(
    200,
    serializeSubscription(call.ctx.store.partition(subscription.organization_id), subscription),
  );
}

interface UpdateBody {
  cancel_at_period_end?: boolean;
  revoke?: boolean;
  customer_cancellation_reason?: CancellationReason | null;
  customer_cancellation_comment?: string | null;
  metadata?: Metadata;
  product_id?: string | null;
  discount_id?: string | null;
  trial_end?: string | null;
  seats?: number;
  current_billing_period_end?: string;
  pause_at_period_end?: boolean;
  pending_update?: null;
  [key: string]: unknown;
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
];

export const subscriptionHandlers: Handlers = {
  "subscriptions:list": (call) => {
    const page = pageOf(call.query);
    const { query } = call;
    const { items, total } = listSubscriptions(
      call.ctx,
      {
        organizationIds: organizationIds(call),
        productIds: list(query.product_id),
        customerIds: list(query.customer_id),
        externalCustomerIds: list(query.external_customer_id),
        discountIds: list(query.discount_id),
        active: booleanParam(query.active),
        statuses: list(query.status),
        cancelAtPeriodEnd: booleanParam(query.cancel_at_period_end),
        cancellationReasons: list(query.customer_cancellation_reason),
        canceledAtAfter: date(query.canceled_at_after),
        canceledAtBefore: date(query.canceled_at_before),
        startedAfter: date(query.started_after),
        startedBefore: date(query.started_before),
        metadata: metadataFilter(query.metadata),
      },
      list(query.sorting) ?? [],
      page.page,
      page.limit,
    );
    const partition = call.ctx.store.partition(organizationOf(call));
    return json(
      200,
      listResource(
        items.map((subscription) => serializeSubscription(partition, subscription)),
        total,
        page,
      ),
    );
  },

  "subscriptions:get": (call) => reply(call, subscriptionOf(call, call.params.id)),

  "subscriptions:update": (call) => {
    const subscription = subscriptionOf(call, call.params.id);
    const body = (call.body ?? {}) as UpdateBody;
    const cancel = {
      reason: body.customer_cancellation_reason ?? null,
      comment: body.customer_cancellation_comment ?? null,
    };
    if (body.revoke === true) return reply(call, revokeNow(call.ctx, subscription, cancel));
    if (body.cancel_at_period_end === true) {
      return reply(call, cancelAtPeriodEnd(call.ctx, subscription, cancel));
    }
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

  "subscriptions:revoke": (call) => reply(call, revokeNow(call.ctx, subscriptionOf(call, call.params.id))),
};
