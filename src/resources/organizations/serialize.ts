/**
 * The public Organization object (organization/schemas.py `Organization`), keys in the order
 * pydantic writes them: the schema's fields with, among them, the deprecated ones it no longer
 * documents but still sends (`bio` … `default_upfront_split_to_contributors`), and last the
 * computed `notification_settings` (a fixed default). `feature_settings` fills in its defaults
 * (with `unit_based_pricing_enabled`, newer than the served document), `customer_email_settings`
 * too. The emulator's organizations are active: their capabilities are those of that status.
 */
import type { Schemas } from "../../domain/wire.js";
import { derivedUuid } from "../../util/derived-id.js";
import { iso, isoOrNull } from "../../util/time.js";
import type { Partition } from "../context.js";
import { CUSTOMER_EMAIL_SETTINGS, type CustomerEmailSettings, type OrganizationProfile } from "./table.js";

const FEATURE_FLAGS = [
  "issue_funding_enabled",
  "seat_based_pricing_enabled",
  "unit_based_pricing_enabled",
  "wallets_enabled",
  "member_model_enabled",
  "checkout_localization_enabled",
  "overview_metrics",
  "reset_proration_behavior_enabled",
  "off_session_charges_enabled",
  "meter_cycling_enabled",
  "slack_benefit_enabled",
  "preview_access_enabled",
  "disputes_enabled",
  "sso_enabled",
  "dispute_auto_accept_enabled",
  "compass_enabled",
  "merchant_migration_enabled",
] as const;

function featureSettings(stored: Record<string, unknown>): Schemas["OrganizationFeatureSettings"] {
  const settings: Record<string, unknown> = {};
  for (const flag of FEATURE_FLAGS) {
    const value = stored[flag];
    if (flag === "overview_metrics") settings[flag] = Array.isArray(value) ? [...value] : null;
    else settings[flag] = typeof value === "boolean" ? value : false;
  }
  return settings;
}

function portalSettings(stored: OrganizationProfile["customer_portal_settings"]) {
  return {
    usage: { show: stored.usage.show },
    subscription: {
      update_seats: stored.subscription.update_seats,
      update_plan: stored.subscription.update_plan,
      ...(stored.subscription.pause === undefined ? {} : { pause: stored.subscription.pause }),
    },
    ...(stored.customer === undefined
      ? {}
      : {
          customer:
            stored.customer.allow_email_change === undefined
              ? {}
              : { allow_email_change: stored.customer.allow_email_change },
        }),
  };
}

/** An organization's account id: derived from its id (the emulator keeps no accounts). */
export function accountIdOf(organizationId: string): string {
  return derivedUuid(`${organizationId}:account`);
}

export type OrganizationWire = Schemas["Organization"];

export function serializeOrganization(partition: Partition): OrganizationWire {
  const { organization } = partition;
  const profile = partition.organizationProfile.profile;
  const wire = {
    created_at: iso(organization.created_at),
    modified_at: isoOrNull(profile.modified_at),
    id: organization.id,
    name: organization.name,
    slug: organization.slug,
    avatar_url: profile.avatar_url,
    proration_behavior: profile.subscription_settings.proration_behavior,
    allow_customer_updates: profile.customer_portal_settings.subscription.update_plan,
    bio: null,
    company: null,
    blog: null,
    location: null,
    twitter_username: null,
    pledge_minimum_amount: 0,
    pledge_badge_show_amount: false,
    default_upfront_split_to_contributors: null,
    email: profile.email,
    website: profile.website,
    socials: profile.socials.map((social) => ({ platform: social.platform, url: social.url })),
    status: "active" as const,
    details_submitted_at: null,
    onboarding_resubmission_requested_at: null,
    sso_enforced: profile.sso_enforced,
    default_presentment_currency: profile.default_presentment_currency,
    default_tax_behavior: profile.default_tax_behavior,
    feature_settings: featureSettings(profile.feature_settings),
    subscription_settings: {
      allow_multiple_subscriptions: profile.subscription_settings.allow_multiple_subscriptions,
      proration_behavior: profile.subscription_settings.proration_behavior,
      benefit_revocation_grace_period: profile.subscription_settings.benefit_revocation_grace_period,
      prevent_trial_abuse: profile.subscription_settings.prevent_trial_abuse,
      allow_customer_updates: profile.subscription_settings.allow_customer_updates,
    },
    customer_email_settings: Object.fromEntries(
      CUSTOMER_EMAIL_SETTINGS.map((key) => [key, profile.customer_email_settings[key]]),
    ) as CustomerEmailSettings,
    customer_portal_settings: portalSettings(profile.customer_portal_settings),
    dispute_settings: { auto_accept_below_amount: profile.dispute_settings.auto_accept_below_amount },
    embed_hosts: [...profile.embed_hosts],
    // Polar enforces the list for every organization since 2026-08-17 12:00 UTC, a wall-clock date
    // (`EMBED_HOSTS_ENFORCED_FOR_ALL`, models/organization.py).
    embed_hosts_enforced: true,
    country: profile.country as OrganizationWire["country"],
    account_id: accountIdOf(organization.id),
    payout_account_id: null,
    capabilities: {
      checkout_payments: true,
      subscription_renewals: true,
      payouts: true,
      refunds: true,
      api_access: true,
      dashboard_access: true,
    },
    notification_settings: {
      new_order: true,
      new_subscription: true,
      chargeback_prevention: true,
      subscription_renewal: false,
    },
  };
  return wire;
}
