/**
 * Organizations: the tenants of the emulator. Each has one partition of state and its access
 * tokens. Every organization (the default one, a boot fixture's, one the control plane makes) is
 * created here, with one naming rule.
 */
import { emit } from "../../domain/events.js";
import {
  byKey,
  byPosition,
  type Criterion,
  type Page,
  type Paginated,
  paginate,
  type Ranked,
  rankMatching,
  sortBy,
  sortingOr,
} from "../../domain/list.js";
import type { Schemas } from "../../domain/wire.js";
import { PolarHttpError, PolarRequestValidationError, ResourceNotFound } from "../../errors.js";
import { normalizeEmail } from "../../pydantic/email.js";
import type { AccessToken, Organization } from "../../store/store.js";
import { iso } from "../../util/time.js";
import { type Ctx, type Partition, partitionsOf } from "../context.js";
import { ALL_SCOPES } from "../index.js";
import { embedHosts } from "./embed-hosts.js";
import { serializeOrganization } from "./serialize.js";
import type { OrganizationProfile } from "./table.js";

export interface OrganizationInput {
  id?: string;
  name?: string;
  slug?: string;
  created_at?: Date;
  member_model_enabled?: boolean;
}

/** The slug Polar would derive from a name: lower-case words joined by hyphens. */
export function slugOf(name: string, id: string): string {
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  return slug === "" ? `org-${id.slice(0, 8)}` : slug;
}

/** Adds an organization (with a fresh id, name and slug unless given) and returns its partition. */
export function createOrganization(ctx: Ctx, input: OrganizationInput = {}): Partition {
  const id = input.id ?? ctx.random.uuid();
  const name = input.name ?? `Organization ${ctx.store.partitions.size + 1}`;
  const organization: Organization = {
    id,
    name,
    slug: input.slug ?? slugOf(name, id),
    created_at: input.created_at ?? ctx.clock.now(),
  };
  if (input.member_model_enabled !== undefined)
    organization.member_model_enabled = input.member_model_enabled;
  return ctx.store.addOrganization(organization);
}

/** Issues an organization access token (every scope unless told otherwise). */
export function issueToken(
  ctx: Ctx,
  organizationId: string,
  options: { token?: string; scopes?: readonly string[]; comment: string },
): AccessToken {
  const token: AccessToken = {
    token: options.token ?? ctx.random.organizationToken(),
    organizationId,
    scopes: new Set(options.scopes ?? ALL_SCOPES),
    comment: options.comment,
  };
  ctx.store.addToken(token);
  return token;
}

/** How many live customers an organization has. */
export function liveCustomerCount(partition: Partition): number {
  let customers = 0;
  for (const customer of partition.customers.values()) if (customer.deleted_at === null) customers++;
  return customers;
}

/** The organization as the control plane lists it. */
export function organizationWire(partition: Partition) {
  const { organization } = partition;
  return {
    id: organization.id,
    name: organization.name,
    slug: organization.slug,
    created_at: iso(organization.created_at),
    member_model_enabled: organization.member_model_enabled === true,
    customers: liveCustomerCount(partition),
  };
}

// --- the API's organizations -------------------------------------------------------------------

/** The organization with this id, when the token's organization is it; else 404. */
export function getOrganization(ctx: Ctx, tokenOrganizationId: string, id: string): Partition {
  if (id !== tokenOrganizationId) throw new ResourceNotFound();
  const partition = ctx.store.partitions.get(id);
  if (!partition) throw new ResourceNotFound();
  return partition;
}

/** The organizations a token reads (its own), with `slug` compared without case (a CITEXT column). */
export function listOrganizations(
  ctx: Ctx,
  tokenOrganizationId: string,
  filters: { slug?: string },
  sorting: readonly Schemas["OrganizationSortProperty"][] | undefined,
  page: Page,
): Paginated<Partition> {
  const slug = filters.slug?.toLowerCase();
  const ranked = rankMatching(
    partitionsOf(ctx, [tokenOrganizationId]),
    (partition) => slug === undefined || partition.organization.slug.toLowerCase() === slug,
  );
  const criterion = (field: string): Criterion<Ranked<Partition>> => {
    switch (field) {
      case "slug":
        return byKey(({ item }) => item.organization.slug.toLowerCase());
      case "name":
        return byKey(({ item }) => item.organization.name);
      case "created_at":
        return byKey(({ item }) => item.organization.created_at.getTime());
      default:
        // `next_review_threshold` and `days_in_status` are the same for every emulated organization.
        return () => 0;
    }
  };
  const sorted = sortBy(ranked, sortingOr(sorting, ["created_at"]), criterion, byPosition);
  return paginate(
    sorted.map(({ item }) => item),
    page,
  );
}

export type OrganizationUpdateBody = Schemas["OrganizationUpdate"];

/** 403 when a dispute threshold is set for an organization without auto-accept (all emulated ones). */
export class DisputeAutoAcceptNotEnabled extends PolarHttpError {
  constructor() {
    super(403, {
      error: "DisputeAutoAcceptNotEnabled",
      detail: "Dispute auto-accept is not enabled for this organization.",
    });
  }
}

type Detail = PolarRequestValidationError["details"][number];

/** The feature flags after the update: the stored ones, then the flags the body sets (not null). */
function mergedFeatures(
  stored: Record<string, unknown>,
  update: Schemas["OrganizationFeatureSettingsUpdate"],
): Record<string, unknown> {
  const set = Object.fromEntries(
    Object.entries(update).filter(([, value]) => value !== null && value !== undefined),
  );
  return { ...stored, ...set };
}

/** Polar's checks of an update, in its order (organization/service.py `update`); empty when none fails. */
function updateProblems(
  profile: OrganizationProfile,
  partition: Partition,
  body: OrganizationUpdateBody,
): Detail[] {
  const features = body.feature_settings
    ? mergedFeatures(profile.feature_settings, body.feature_settings)
    : profile.feature_settings;
  if (body.feature_settings) {
    const oldSeats = profile.feature_settings.seat_based_pricing_enabled === true;
    const newSeats = features.seat_based_pricing_enabled === true;
    const loc = ["body", "feature_settings", "seat_based_pricing_enabled"];
    if (oldSeats && !newSeats)
      return [
        {
          loc,
          msg: "Seat-based pricing cannot be disabled once enabled.",
          type: "value_error",
          input: false,
        },
      ];
    if (!oldSeats && newSeats && features.member_model_enabled !== true) {
      return [
        {
          loc,
          msg: "Member model must be enabled before enabling seat-based pricing.",
          type: "value_error",
          input: true,
        },
      ];
    }
  }
  const proration: string | undefined = body.subscription_settings?.proration_behavior;
  if (proration === "reset" && features.reset_proration_behavior_enabled !== true) {
    return [
      {
        type: "value_error",
        loc: ["body", "subscription_settings", "proration_behavior"],
        msg: "The 'reset' proration behavior is not enabled for this organization.",
        input: proration,
      },
    ];
  }
  if (body.dispute_settings && body.dispute_settings.auto_accept_below_amount != null) {
    throw new DisputeAutoAcceptNotEnabled();
  }
  const currency = body.default_presentment_currency;
  if (currency != null && currency !== profile.default_presentment_currency) {
    const lacking = [...partition.products.values()].some(
      (product) =>
        !product.is_archived &&
        !product.prices.some((price) => !price.is_archived && price.price_currency === currency),
    );
    if (lacking) {
      return [
        {
          loc: ["body", "default_presentment_currency"],
          msg: "All active products must have prices in the new currency.",
          type: "value_error",
          input: currency,
        },
      ];
    }
  }
  return [];
}

/**
 * `PATCH /v1/organizations/{id}`: the fields present in the body change (feature and dispute
 * settings are merged into the stored ones, the other settings replaced), then
 * `organization.updated`. A null for a field Polar's database cannot hold null (name, socials,
 * the settings, embed hosts, currency, tax behavior, SSO) would fail there with a 500; the
 * emulator leaves the field as it is.
 */
export function updateOrganization(ctx: Ctx, partition: Partition, body: OrganizationUpdateBody): Partition {
  // Enforcing SSO needs a session signed in through it: an organization token never is.
  if (body.sso_enforced === true) {
    throw new PolarHttpError(403, {
      error: "NotPermitted",
      detail: "You must be signed in through SSO for this organization to enforce it.",
    });
  }
  const table = partition.organizationProfile;
  const profile = table.profile;
  const problems = updateProblems(profile, partition, body);
  if (problems.length > 0) throw new PolarRequestValidationError(problems);

  const now = ctx.clock.now();
  const next: OrganizationProfile = structuredClone(profile);
  const has = (key: keyof OrganizationUpdateBody) => Object.hasOwn(body, key);
  if (next.onboarded_at === null) next.onboarded_at = now;
  if (body.feature_settings)
    next.feature_settings = mergedFeatures(profile.feature_settings, body.feature_settings);
  if (body.subscription_settings) next.subscription_settings = { ...body.subscription_settings };
  if (body.dispute_settings) next.dispute_settings = { auto_accept_below_amount: null };
  if (body.details) next.details = detailsOf(body.details);
  if (typeof body.name === "string") partition.organization.name = body.name;
  if (has("avatar_url")) next.avatar_url = avatarUrl(body.avatar_url ?? null);
  if (has("email")) next.email = body.email == null ? null : normalizeEmail(body.email);
  if (has("website")) next.website = body.website ?? null;
  if (body.socials)
    next.socials = body.socials.map((social) => ({ platform: social.platform, url: social.url }));
  if (has("country")) next.country = body.country ?? null;
  if (body.customer_email_settings) next.customer_email_settings = { ...body.customer_email_settings };
  if (body.customer_portal_settings)
    next.customer_portal_settings = structuredClone(body.customer_portal_settings);
  if (body.embed_hosts) {
    const checked = embedHosts(body.embed_hosts);
    if ("hosts" in checked) next.embed_hosts = checked.hosts;
  }
  if (body.default_presentment_currency)
    next.default_presentment_currency = body.default_presentment_currency;
  if (body.default_tax_behavior) next.default_tax_behavior = body.default_tax_behavior;
  if (typeof body.sso_enforced === "boolean") next.sso_enforced = body.sso_enforced;
  // The row is written when the first update marks the organization onboarded, or a field is set.
  if (profile.onboarded_at === null || Object.keys(body).some((key) => KNOWN_FIELDS.has(key)))
    next.modified_at = now;
  table.profile = next;
  emit(
    ctx,
    "organization.updated",
    { organizationId: partition.organization.id, customerId: null, subjectId: partition.organization.id },
    () => serializeOrganization(partition),
  );
  return partition;
}

const KNOWN_FIELDS: ReadonlySet<string> = new Set([
  "name",
  "avatar_url",
  "email",
  "website",
  "socials",
  "details",
  "country",
  "feature_settings",
  "subscription_settings",
  "customer_email_settings",
  "customer_portal_settings",
  "dispute_settings",
  "embed_hosts",
  "default_presentment_currency",
  "default_tax_behavior",
  "sso_enforced",
]);

/** `AvatarUrl`: a logo.dev image is not kept. */
function avatarUrl(url: string | null): string | null {
  if (url === null) return null;
  return new URL(url).hostname.endsWith("logo.dev") ? null : url;
}

/** `OrganizationDetails.model_dump()`: every field, defaults filled in. */
function detailsOf(details: Schemas["OrganizationDetails"]): Record<string, unknown> {
  return {
    about: details.about ?? null,
    product_description: details.product_description ?? null,
    selling_categories: [...(details.selling_categories ?? [])],
    pricing_models: [...(details.pricing_models ?? [])],
    intended_use: details.intended_use ?? null,
    customer_acquisition: [...(details.customer_acquisition ?? [])],
    future_annual_revenue: details.future_annual_revenue ?? null,
    switching: details.switching ?? false,
    switching_from: details.switching_from ?? null,
    previous_annual_revenue: details.previous_annual_revenue ?? null,
  };
}
