/**
 * The customer portal's shapes (customer_portal/schemas/): what a customer may see of itself, its
 * organization, products, subscriptions, grants and meters, built from the organization API's
 * objects, key for key in the spec's order.
 */
import type { Schemas } from "../../domain/wire.js";
import type { BenefitRecord } from "../benefits/table.js";
import type { Partition } from "../context.js";
import { serializeCustomerMeter } from "../customer-meters/serialize.js";
import type { CustomerMeterRecord } from "../customer-meters/table.js";
import { serializeCustomer } from "../customers/serialize.js";
import type { CustomerRecord } from "../customers/table.js";
import { serializeGrant } from "../grants/serialize.js";
import type { GrantRecord } from "../grants/table.js";
import { memberModelEnabled } from "../members/service.js";
import { serializeOrganization } from "../organizations/serialize.js";
import { serializeProduct } from "../products/serialize.js";
import type { ProductRecord } from "../products/table.js";
import { serializeSubscription } from "../subscriptions/serialize.js";
import type { SubscriptionRecord } from "../subscriptions/table.js";
import { pick } from "./subject.js";

export function serializePortalCustomer(customer: CustomerRecord): Schemas["CustomerPortalCustomer"] {
  const wire = serializeCustomer(customer);
  return {
    created_at: wire.created_at,
    modified_at: wire.modified_at,
    id: wire.id,
    email: wire.email ?? null,
    email_verified: wire.email_verified,
    name: wire.name,
    billing_name: wire.billing_name,
    billing_address: wire.billing_address,
    tax_id: wire.tax_id,
    // The emulator connects no Discord or GitHub accounts through the portal.
    oauth_accounts: {},
    default_payment_method_id: wire.default_payment_method_id ?? null,
    type: wire.type,
    locale: wire.locale ?? null,
  };
}

const SUBSCRIBER_ORGANIZATION_KEYS = [
  "created_at",
  "modified_at",
  "id",
  "name",
  "slug",
  "avatar_url",
  "proration_behavior",
  "allow_customer_updates",
] as const;

export function serializeCustomerOrganization(partition: Partition): Schemas["CustomerOrganization"] {
  const organization = serializeOrganization(partition);
  const features = organization.feature_settings ?? {};
  return {
    ...pick(organization, SUBSCRIBER_ORGANIZATION_KEYS),
    customer_portal_settings: organization.customer_portal_settings,
    organization_features: {
      member_model_enabled: memberModelEnabled(partition),
      checkout_localization_enabled: features.checkout_localization_enabled === true,
    },
  };
}

function benefitPublic(benefit: BenefitRecord): Schemas["BenefitPublic"] {
  return {
    id: benefit.id,
    created_at: benefit.created_at.toISOString(),
    modified_at: benefit.modified_at === null ? null : benefit.modified_at.toISOString(),
    type: benefit.type,
    description: benefit.description,
    selectable: benefit.selectable,
    deletable: benefit.deletable,
    is_deleted: benefit.is_deleted,
    organization_id: benefit.organization_id,
    ...(benefit.type === "meter_credit"
      ? { properties: { units: benefit.properties.units, meter_id: benefit.properties.meter_id } }
      : {}),
  };
}

const PRODUCT_KEYS = [
  "id",
  "created_at",
  "modified_at",
  "trial_interval",
  "trial_interval_count",
  "name",
  "description",
  "visibility",
  "recurring_interval",
  "recurring_interval_count",
  "meter_interval",
  "meter_interval_count",
  "is_recurring",
  "is_archived",
  "organization_id",
  "prices",
] as const;

export function serializeCustomerProduct(
  partition: Partition,
  product: ProductRecord,
): Schemas["CustomerProduct"] {
  const wire = serializeProduct(partition, product);
  const benefits = product.benefit_ids.flatMap((id) => {
    const benefit = partition.benefits.live(id);
    return benefit ? [benefitPublic(benefit)] : [];
  });
  return { ...pick(wire, PRODUCT_KEYS), benefits, medias: wire.medias };
}

const SUBSCRIPTION_KEYS = [
  "created_at",
  "modified_at",
  "id",
  "amount",
  "currency",
  "recurring_interval",
  "recurring_interval_count",
  "status",
  "current_period_start",
  "current_period_end",
  "current_meter_period_start",
  "current_meter_period_end",
  "trial_start",
  "trial_end",
  "cancel_at_period_end",
  "canceled_at",
  "started_at",
  "ends_at",
  "ended_at",
  "past_due_at",
  "pause_at_period_end",
  "paused_at",
  "resumes_at",
  "customer_id",
  "product_id",
  "discount_id",
  "checkout_id",
  "seats",
  "units",
  "customer_cancellation_reason",
  "customer_cancellation_comment",
] as const;

export function serializeCustomerSubscription(
  partition: Partition,
  subscription: SubscriptionRecord,
): Schemas["CustomerSubscription"] {
  const wire = serializeSubscription(partition, subscription);
  const product = partition.products.get(subscription.product_id);
  if (!product) throw new Error(`[polar-emulator] subscription ${subscription.id} has no product`);
  return {
    ...pick(wire, SUBSCRIPTION_KEYS),
    product: {
      ...serializeCustomerProduct(partition, product),
      organization: serializeCustomerOrganization(partition),
    },
    prices: wire.prices,
    meters: wire.meters.map((meter) => ({
      ...pick(meter, [
        "created_at",
        "modified_at",
        "id",
        "consumed_units",
        "credited_units",
        "amount",
        "meter_id",
      ]),
      meter: pick(meter.meter, ["created_at", "modified_at", "id", "name"]),
    })),
    pending_update: wire.pending_update,
  };
}

/** The benefit as its subscriber sees it: the public fields, the organization and the public properties. */
function benefitSubscriber(partition: Partition, benefit: BenefitRecord): Record<string, unknown> {
  const properties = ((): Record<string, unknown> => {
    switch (benefit.type) {
      case "custom":
        return { note: benefit.properties.note };
      case "discord":
        return { guild_id: benefit.properties.guild_id };
      case "github_repository":
        return pick(benefit.properties, ["repository_owner", "repository_name"]);
      case "downloadables":
        return {
          active_files: benefit.properties.files.filter((file) => !benefit.properties.archived[file]),
        };
      case "license_keys":
        return pick(benefit.properties, ["prefix", "expires", "activations", "limit_usage"]);
      case "meter_credit":
        return pick(benefit.properties, ["units", "rollover", "meter_id"]);
      default:
        return {};
    }
  })();
  return {
    ...benefitPublic(benefit),
    organization: pick(serializeCustomerOrganization(partition), SUBSCRIBER_ORGANIZATION_KEYS),
    properties,
  };
}

export function serializeCustomerGrant(
  partition: Partition,
  grant: GrantRecord,
): Schemas["CustomerBenefitGrant"] {
  const wire = serializeGrant(partition, grant);
  const customer = partition.customers.get(grant.customer_id);
  const benefit = partition.benefits.get(grant.benefit_id);
  if (!customer || !benefit) throw new Error(`[polar-emulator] grant ${grant.id} points at a missing object`);
  return {
    created_at: wire.created_at,
    modified_at: wire.modified_at,
    id: wire.id,
    granted_at: wire.granted_at,
    revoked_at: wire.revoked_at,
    customer_id: wire.customer_id,
    member_id: wire.member_id,
    benefit_id: wire.benefit_id,
    subscription_id: wire.subscription_id,
    order_id: wire.order_id,
    is_granted: wire.is_granted,
    is_revoked: wire.is_revoked,
    error: null,
    customer: serializePortalCustomer(customer),
    benefit: benefitSubscriber(partition, benefit),
    properties: wire.properties,
  } as Schemas["CustomerBenefitGrant"];
}

export function serializeCustomerCustomerMeter(
  partition: Partition,
  customerMeter: CustomerMeterRecord,
): Schemas["CustomerCustomerMeter"] {
  const wire = serializeCustomerMeter(partition, customerMeter);
  return {
    ...pick(wire, [
      "id",
      "created_at",
      "modified_at",
      "customer_id",
      "meter_id",
      "consumed_units",
      "credited_units",
      "balance",
    ]),
    meter: pick(wire.meter, ["created_at", "modified_at", "id", "name"]),
  };
}
