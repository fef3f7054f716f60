/** LicenseKeyRead, LicenseKeyWithActivations, ValidatedLicenseKey and the activation objects. */
import type { Schemas } from "../../domain/wire.js";
import { iso, isoOrNull } from "../../util/time.js";
import type { Partition } from "../context.js";
import { avatarUrl, serializeCustomer } from "../customers/serialize.js";
import { displayKey } from "./grant.js";
import type { ActivationRecord, LicenseKeyRecord } from "./table.js";

/**
 * The key as Polar answers it. `user_id` and `user` are left out of Polar's document
 * (`SkipJsonSchema`, deprecated) but still sent: the customer as a legacy user.
 */
export function serializeLicenseKey(partition: Partition, key: LicenseKeyRecord): Schemas["LicenseKeyRead"] {
  const customer = partition.customers.get(key.customer_id);
  if (!customer) throw new Error(`[polar-emulator] customer ${key.customer_id} vanished`);
  const member = key.member_id === null ? undefined : partition.members.get(key.member_id);
  const wire = {
    id: key.id,
    created_at: iso(key.created_at),
    modified_at: isoOrNull(key.modified_at),
    organization_id: key.organization_id,
    user_id: customer.id,
    customer_id: key.customer_id,
    user: {
      id: customer.id,
      email: customer.email,
      public_name: customer.name?.[0] ?? customer.email?.[0] ?? "?",
      avatar_url: avatarUrl(customer.email),
    },
    customer: serializeCustomer(customer),
    member_id: member ? member.id : null,
    member: member ? { id: member.id, email: member.email, external_id: member.external_id } : null,
    benefit_id: key.benefit_id,
    key: key.key,
    display_key: displayKey(key.key),
    status: key.status,
    limit_activations: key.limit_activations,
    usage: key.usage,
    limit_usage: key.limit_usage,
    validations: key.validations,
    last_validated_at: isoOrNull(key.last_validated_at),
    expires_at: isoOrNull(key.expires_at),
  };
  return wire;
}

export function serializeActivation(activation: ActivationRecord): Schemas["LicenseKeyActivationBase"] {
  return {
    id: activation.id,
    license_key_id: activation.license_key_id,
    label: activation.label,
    meta: { ...activation.meta },
    created_at: iso(activation.created_at),
    modified_at: isoOrNull(activation.modified_at),
  };
}

export function serializeActivationRead(
  partition: Partition,
  activation: ActivationRecord,
  key: LicenseKeyRecord,
): Schemas["LicenseKeyActivationRead"] {
  return { ...serializeActivation(activation), license_key: serializeLicenseKey(partition, key) };
}

/** The key with its activations (none shown when `activations` is false). */
export function serializeLicenseKeyWithActivations(
  partition: Partition,
  key: LicenseKeyRecord,
  activations = true,
): Schemas["LicenseKeyWithActivations"] {
  return {
    ...serializeLicenseKey(partition, key),
    activations: activations ? partition.licenseKeyActivations.liveOf(key.id).map(serializeActivation) : [],
  };
}

export function serializeValidatedLicenseKey(
  partition: Partition,
  key: LicenseKeyRecord,
  activation: ActivationRecord | null,
): Schemas["ValidatedLicenseKey"] {
  return {
    ...serializeLicenseKey(partition, key),
    activation: activation === null ? null : serializeActivation(activation),
  };
}
