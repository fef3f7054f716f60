/**
 * Organizations: the tenants of the emulator. Each has one partition of state and its access
 * tokens. Every organization (the default one, a boot fixture's, one the control plane makes) is
 * created here, with one naming rule.
 */
import type { AccessToken, Organization } from "../../store/store.js";
import { iso } from "../../util/time.js";
import type { Ctx, Partition } from "../context.js";
import { ALL_SCOPES } from "../index.js";

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
