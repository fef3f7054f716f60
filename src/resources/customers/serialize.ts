/** The public Customer object, key for key in the spec's order. */
import { hash } from "node:crypto";
import type { Schemas } from "../../domain/wire.js";
import { iso, isoOrNull } from "../../util/time.js";
import type { CustomerRecord } from "./table.js";

export type CustomerWire = Schemas["CustomerIndividual"] | Schemas["CustomerTeam"];

/** Avatar URLs by email: the sha256 was the largest cost of serving a customer. Bounded. */
const avatarCache = new Map<string, string>();
const AVATAR_CACHE_SIZE = 50_000;

export function avatarUrl(email: string | null): string | null {
  if (email === null) return null;
  let url = avatarCache.get(email);
  if (url === undefined) {
    const digest = hash("sha256", email.toLowerCase(), "hex");
    url = `https://www.gravatar.com/avatar/${digest}?d=404`;
    if (avatarCache.size >= AVATAR_CACHE_SIZE) avatarCache.clear();
    avatarCache.set(email, url);
  }
  return url;
}

function copyTaxId<F extends string>([number, format]: [string, F]): [string, F] {
  return [number, format];
}

export function serializeCustomer(customer: CustomerRecord): CustomerWire {
  // Two literals in the wire's key order, not spreads of shared parts: a list serializes a
  // hundred of these per request, and literals build objects of one shape directly.
  const modifiedAt = isoOrNull(customer.modified_at);
  const billingAddress = customer.billing_address === null ? null : { ...customer.billing_address };
  const taxId = customer.tax_id === null ? null : copyTaxId(customer.tax_id);
  if (customer.type === "team") {
    return {
      id: customer.id,
      created_at: iso(customer.created_at),
      modified_at: modifiedAt,
      metadata: { ...customer.metadata },
      external_id: customer.external_id,
      email: customer.email,
      email_verified: customer.email_verified,
      type: "team",
      name: customer.name,
      billing_name: customer.billing_name ?? customer.name,
      billing_address: billingAddress,
      tax_id: taxId,
      locale: customer.locale,
      organization_id: customer.organization_id,
      default_payment_method_id: customer.default_payment_method_id,
      deleted_at: isoOrNull(customer.deleted_at),
      first_user_event_at: isoOrNull(customer.first_user_event_at),
      avatar_url: avatarUrl(customer.email),
    };
  }
  return {
    id: customer.id,
    created_at: iso(customer.created_at),
    modified_at: modifiedAt,
    metadata: { ...customer.metadata },
    external_id: customer.external_id,
    email: customer.email ?? "",
    email_verified: customer.email_verified,
    type: "individual",
    name: customer.name,
    billing_name: customer.billing_name ?? customer.name,
    billing_address: billingAddress,
    tax_id: taxId,
    locale: customer.locale,
    organization_id: customer.organization_id,
    default_payment_method_id: customer.default_payment_method_id,
    deleted_at: isoOrNull(customer.deleted_at),
    first_user_event_at: isoOrNull(customer.first_user_event_at),
    avatar_url: avatarUrl(customer.email),
  };
}
