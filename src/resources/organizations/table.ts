/**
 * What the emulator holds of an organization beyond its id, name, slug and creation date (those
 * are the store's `Organization`): the settings `PATCH /v1/organizations/{id}` changes, with
 * Polar's defaults (models/organization.py).
 */
import type { Schemas } from "../../domain/wire.js";

export type SubscriptionSettings = Schemas["OrganizationSubscriptionSettings"];
export type CustomerEmailSettings = Schemas["OrganizationCustomerEmailSettings"];
export type CustomerPortalSettings = Schemas["OrganizationCustomerPortalSettings"];

/** The customer email settings, in their TypedDict's order. */
export const CUSTOMER_EMAIL_SETTINGS: readonly (keyof CustomerEmailSettings)[] = [
  "order_confirmation",
  "payment_method_expiration_reminder",
  "subscription_cancellation",
  "subscription_confirmation",
  "subscription_cycled",
  "subscription_cycled_after_trial",
  "subscription_past_due",
  "subscription_paused",
  "subscription_resumed",
  "subscription_renewal_reminder",
  "subscription_revoked",
  "subscription_trial_conversion_reminder",
  "subscription_uncanceled",
  "subscription_updated",
];

export interface OrganizationProfile {
  /** Null until the organization is first updated. */
  modified_at: Date | null;
  /** Set by the first update, as Polar's `onboarded_at`. */
  onboarded_at: Date | null;
  avatar_url: string | null;
  email: string | null;
  website: string | null;
  socials: { platform: Schemas["OrganizationSocialPlatforms"]; url: string }[];
  /** The compliance details as stored (not shown by the public object). */
  details: Record<string, unknown>;
  country: string | null;
  /** The feature flags as stored: the public object fills in the defaults. */
  feature_settings: Record<string, unknown>;
  subscription_settings: SubscriptionSettings;
  customer_email_settings: CustomerEmailSettings;
  customer_portal_settings: CustomerPortalSettings;
  dispute_settings: { auto_accept_below_amount: number | null };
  embed_hosts: string[];
  default_presentment_currency: string;
  default_tax_behavior: Schemas["TaxBehaviorOption"];
  sso_enforced: boolean;
}

/** A new organization's settings: Polar's column defaults. */
export function defaultProfile(): OrganizationProfile {
  return {
    modified_at: null,
    onboarded_at: null,
    avatar_url: null,
    email: null,
    website: null,
    socials: [],
    details: {},
    country: null,
    feature_settings: {},
    subscription_settings: {
      allow_multiple_subscriptions: false,
      allow_customer_updates: true,
      proration_behavior: "prorate",
      benefit_revocation_grace_period: 0,
      prevent_trial_abuse: false,
    },
    customer_email_settings: {
      order_confirmation: true,
      payment_method_expiration_reminder: true,
      subscription_cancellation: true,
      subscription_confirmation: true,
      subscription_cycled: true,
      subscription_cycled_after_trial: true,
      subscription_past_due: true,
      subscription_paused: true,
      subscription_resumed: true,
      subscription_renewal_reminder: true,
      subscription_revoked: true,
      subscription_trial_conversion_reminder: true,
      subscription_uncanceled: true,
      subscription_updated: true,
    },
    customer_portal_settings: {
      usage: { show: true },
      subscription: { update_seats: true, update_plan: true },
      customer: { allow_email_change: false },
    },
    dispute_settings: { auto_accept_below_amount: null },
    embed_hosts: [],
    default_presentment_currency: "usd",
    default_tax_behavior: "location",
    sso_enforced: false,
  };
}

/** The organization's settings, one record per partition. */
export class OrganizationProfileTable {
  profile: OrganizationProfile = defaultProfile();
}

declare module "../context.js" {
  interface PartitionTables {
    organizationProfile: OrganizationProfileTable;
  }
}
