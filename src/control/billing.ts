/**
 * The control plane's billing verbs: start and change subscriptions, grant and revoke benefits,
 * credit meters, record usage, fire `customer.state_changed`, list domain events. They call the
 * same domain functions as the public API, and answer with what changed and the events emitted.
 */
import {
  serializeCustomerState,
  serializeGrant,
  serializeSubscription,
} from "../domain/billing-serialize.js";
import type { DomainContext } from "../domain/context.js";
import { type DomainEvent, emit } from "../domain/events.js";
import { grantBenefit, revokeBenefit } from "../domain/grants.js";
import { serializeCustomerMeter } from "../domain/meter-serialize.js";
import { changeSubscription, type SubscriptionAction, startSubscription } from "../domain/subscriptions.js";
import { creditCustomerMeter, ingestEvents } from "../domain/usage.js";
import { PolarRequestValidationError, ResourceNotFound } from "../errors.js";
import { type Call, type Handlers, json } from "../http/handler.js";
import type { CustomerRecord, Metadata, OrganizationPartition } from "../store/store.js";
import { iso } from "../util/time.js";

export interface BillingControlTarget {
  /** The organization a request means when it names none. */
  defaultOrganizationId(): string;
}

interface CustomerRef {
  customer_id?: string;
  external_customer_id?: string;
  organization_id?: string;
}

function wireEvent(event: DomainEvent) {
  return {
    id: event.id,
    type: event.type,
    timestamp: iso(event.timestamp),
    organization_id: event.organizationId,
    customer_id: event.customerId,
    data: event.data,
  };
}

/** Runs `change` and returns the events it emitted, in order. */
export function recording<T>(
  ctx: DomainContext,
  change: () => T,
): { result: T; events: ReturnType<typeof wireEvent>[] } {
  const events: DomainEvent[] = [];
  const unsubscribe = ctx.events.subscribe((event) => events.push(event));
  try {
    return { result: change(), events: events.map(wireEvent) };
  } finally {
    unsubscribe();
  }
}

function invalid(loc: (string | number)[], msg: string, input: unknown): PolarRequestValidationError {
  return new PolarRequestValidationError([{ type: "value_error", loc, msg, input }]);
}

function partitionOf(
  ctx: DomainContext,
  target: BillingControlTarget,
  ref: CustomerRef,
): OrganizationPartition {
  const organizationId = ref.organization_id ?? target.defaultOrganizationId();
  const partition = ctx.store.partitions.get(organizationId);
  if (!partition) throw invalid(["body", "organization_id"], "No organization with this id.", organizationId);
  return partition;
}

/** The live customer a control request names, or a 422 that says what is missing. */
function customerOf(ctx: DomainContext, target: BillingControlTarget, ref: CustomerRef): CustomerRecord {
  if (ref.customer_id !== undefined) {
    for (const partition of ctx.store.partitions.values()) {
      if (ref.organization_id !== undefined && partition.organization.id !== ref.organization_id) continue;
      const customer = partition.liveCustomer(ref.customer_id);
      if (customer) return customer;
    }
    throw invalid(["body", "customer_id"], "No live customer with this id.", ref.customer_id);
  }
  if (ref.external_customer_id !== undefined) {
    const partition = partitionOf(ctx, target, ref);
    const customer = partition.customerByExternalId.get(ref.external_customer_id);
    if (!customer) {
      throw invalid(
        ["body", "external_customer_id"],
        `No live customer with this external id in organization ${partition.organization.id}.`,
        ref.external_customer_id,
      );
    }
    return customer;
  }
  throw new PolarRequestValidationError([
    {
      type: "missing",
      loc: ["body", "customer_id"],
      msg: "Name the customer with customer_id or external_customer_id.",
      input: ref,
    },
  ]);
}

function subscriptionById(ctx: DomainContext, id: string) {
  for (const partition of ctx.store.partitions.values()) {
    const subscription = partition.subscriptions.get(id);
    if (subscription) return { partition, subscription };
  }
  throw new ResourceNotFound();
}

export function billingControlHandlers(target: BillingControlTarget): Handlers {
  return {
    "emulator:subscriptions:start": ({ ctx, body }: Call) => {
      const input = body as CustomerRef & {
        product_id: string;
        status?: "active" | "trialing";
        starts_at?: string;
        trial_end?: string;
        metadata?: Metadata;
      };
      const customer = customerOf(ctx, target, input);
      const partition = ctx.store.partition(customer.organization_id);
      const product = partition.products.get(input.product_id);
      if (!product) {
        throw invalid(
          ["body", "product_id"],
          "No product with this id in the customer's organization.",
          input.product_id,
        );
      }
      if (product.is_archived)
        throw invalid(["body", "product_id"], "This product is archived.", input.product_id);
      const startsAt = input.starts_at === undefined ? undefined : new Date(input.starts_at);
      const trialEnd = input.trial_end === undefined ? undefined : new Date(input.trial_end);
      if (trialEnd !== undefined && input.status !== "trialing") {
        throw invalid(
          ["body", "trial_end"],
          "trial_end applies to a trialing subscription only.",
          input.trial_end,
        );
      }
      const start = startsAt ?? ctx.clock.now();
      if (trialEnd !== undefined && trialEnd.getTime() <= start.getTime()) {
        throw invalid(
          ["body", "trial_end"],
          "trial_end must be after the start of the trial.",
          input.trial_end,
        );
      }
      const { result, events } = recording(ctx, () =>
        startSubscription(ctx, customer, {
          product,
          status: input.status,
          startsAt,
          trialEnd,
          metadata: input.metadata,
        }),
      );
      return json(201, { subscription: serializeSubscription(partition, result), events });
    },

    "emulator:subscriptions:change": ({ ctx, params }: Call) => {
      const { partition, subscription } = subscriptionById(ctx, params.id);
      const { result, events } = recording(ctx, () =>
        changeSubscription(ctx, subscription, params.action as SubscriptionAction),
      );
      return json(200, { subscription: serializeSubscription(partition, result), events });
    },

    "emulator:benefit-grants:grant": ({ ctx, body }: Call) => grantOrRevoke(ctx, target, body, "grant"),
    "emulator:benefit-grants:revoke": ({ ctx, body }: Call) => grantOrRevoke(ctx, target, body, "revoke"),

    "emulator:meters:credit": ({ ctx, params, body }: Call) => {
      const input = body as CustomerRef & { units: number };
      const customer = customerOf(ctx, target, input);
      const partition = ctx.store.partition(customer.organization_id);
      if (!partition.meters.has(params.id)) throw new ResourceNotFound();
      const { result, events } = recording(ctx, () => {
        const customerMeter = creditCustomerMeter(ctx, customer, params.id, input.units);
        emitState(ctx, partition, customer);
        return customerMeter;
      });
      return json(200, { customer_meter: serializeCustomerMeter(partition, result), events });
    },

    "emulator:usage:record": ({ ctx, body }: Call) => {
      const input = body as CustomerRef & {
        events: {
          name: string;
          metadata?: Record<string, unknown>;
          timestamp?: string;
          external_id?: string;
          count?: number;
        }[];
      };
      const customer = customerOf(ctx, target, input);
      const partition = ctx.store.partition(customer.organization_id);
      const batch = input.events.flatMap((event) =>
        Array.from({ length: event.count ?? 1 }, (_, index) => ({
          name: event.name,
          customer_id: customer.id,
          ...(event.metadata === undefined ? {} : { metadata: event.metadata }),
          ...(event.timestamp === undefined ? {} : { timestamp: event.timestamp }),
          ...(event.external_id === undefined
            ? {}
            : { external_id: (event.count ?? 1) > 1 ? `${event.external_id}-${index}` : event.external_id }),
        })),
      );
      const { result, events } = recording(ctx, () =>
        ingestEvents(ctx, customer.organization_id, batch as Parameters<typeof ingestEvents>[2]),
      );
      return json(200, {
        ...result,
        customer_meters: partition
          .customerMetersOf(customer.id)
          .map((customerMeter) => serializeCustomerMeter(partition, customerMeter)),
        events,
      });
    },

    "emulator:customers:state-changed": ({ ctx, params }: Call) => {
      for (const partition of ctx.store.partitions.values()) {
        const customer = partition.liveCustomer(params.id);
        if (!customer) continue;
        const { events } = recording(ctx, () => emitState(ctx, partition, customer));
        return json(200, { state: serializeCustomerState(partition, customer), events });
      }
      throw new ResourceNotFound();
    },

    "emulator:events:list": ({ ctx, query }: Call) => {
      const limit = typeof query.limit === "number" ? query.limit : 1000;
      const events = ctx.events.list({
        organizationId: typeof query.organization_id === "string" ? query.organization_id : undefined,
        customerId: typeof query.customer_id === "string" ? query.customer_id : undefined,
        type: typeof query.type === "string" ? query.type : undefined,
        after: typeof query.after === "string" ? query.after : undefined,
      });
      return json(200, { items: events.slice(0, limit).map(wireEvent) });
    },
  };
}

function emitState(ctx: DomainContext, partition: OrganizationPartition, customer: CustomerRecord): void {
  emit(
    ctx,
    "customer.state_changed",
    { organizationId: customer.organization_id, customerId: customer.id, subjectId: customer.id },
    () => serializeCustomerState(partition, customer),
  );
}

function grantOrRevoke(
  ctx: DomainContext,
  target: BillingControlTarget,
  body: unknown,
  verb: "grant" | "revoke",
) {
  const input = body as CustomerRef & { benefit_id: string; subscription_id?: string };
  const customer = customerOf(ctx, target, input);
  const partition = ctx.store.partition(customer.organization_id);
  const benefit = partition.benefits.get(input.benefit_id);
  if (!benefit || benefit.is_deleted) {
    throw invalid(
      ["body", "benefit_id"],
      "No benefit with this id in the customer's organization.",
      input.benefit_id,
    );
  }
  let subscription: ReturnType<typeof partition.subscriptions.get>;
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
