/**
 * The portal's license keys (customer_portal/endpoints/license_keys.py): the customer's keys (a
 * member's own), and validate, activate and deactivate without authentication, for desktop and
 * mobile apps, with the organization API's rules.
 */
import { listEnvelope, pageOf } from "../../domain/list.js";
import { ResourceNotFound } from "../../errors.js";
import { listLicenseKeys } from "../license-keys/list.js";
import {
  serializeActivationRead,
  serializeLicenseKey,
  serializeLicenseKeyWithActivations,
  serializeValidatedLicenseKey,
} from "../license-keys/serialize.js";
import {
  activateLicenseKey,
  deactivateLicenseKey,
  getLicenseKeyByKey,
  validateLicenseKey,
} from "../license-keys/service.js";
import { type Handlers, json, NO_CONTENT, optional } from "../operation.js";
import { ownsRow, portalSubject } from "./subject.js";

export type PortalLicenseKeyOperation =
  | "customer_portal:license_keys:list"
  | "customer_portal:license_keys:get"
  | "customer_portal:license_keys:validate"
  | "customer_portal:license_keys:activate"
  | "customer_portal:license_keys:deactivate";

export const portalLicenseKeyHandlers = (): Handlers<PortalLicenseKeyOperation> => ({
  "customer_portal:license_keys:list": (call) => {
    const subject = portalSubject(call);
    const partition = call.ctx.store.partition(subject.organizationId);
    const page = pageOf(call.query);
    const benefitId = optional(call.query.benefit_id);
    const found = listLicenseKeys(
      call.ctx,
      {
        organizationIds: [subject.organizationId],
        customerId: subject.customer.id,
        visible: (key) => ownsRow(subject, key),
        benefitIds: benefitId === undefined ? undefined : [benefitId],
      },
      page,
    );
    return json(
      200,
      listEnvelope(found, page, (key) => serializeLicenseKey(partition, key)),
    );
  },

  "customer_portal:license_keys:get": (call) => {
    const subject = portalSubject(call);
    const partition = call.ctx.store.partition(subject.organizationId);
    const key = partition.licenseKeys.get(call.params.id);
    if (!key || !ownsRow(subject, key)) throw new ResourceNotFound();
    const benefit = partition.benefits.get(key.benefit_id);
    const customerAdmin =
      benefit?.type === "license_keys" && benefit.properties.activations?.enable_customer_admin === true;
    return json(200, serializeLicenseKeyWithActivations(partition, key, customerAdmin));
  },

  "customer_portal:license_keys:validate": (call) => {
    const key = getLicenseKeyByKey(call.ctx, call.body.organization_id, call.body.key, null);
    const validated = validateLicenseKey(call.ctx, key, call.body);
    const partition = call.ctx.store.partition(key.organization_id);
    return json(200, serializeValidatedLicenseKey(partition, validated.key, validated.activation));
  },

  "customer_portal:license_keys:activate": (call) => {
    const key = getLicenseKeyByKey(call.ctx, call.body.organization_id, call.body.key, null);
    const activation = activateLicenseKey(call.ctx, key, call.body);
    return json(200, serializeActivationRead(call.ctx.store.partition(key.organization_id), activation, key));
  },

  "customer_portal:license_keys:deactivate": (call) => {
    const key = getLicenseKeyByKey(call.ctx, call.body.organization_id, call.body.key, null);
    deactivateLicenseKey(call.ctx, key, call.body);
    return NO_CONTENT;
  },
});
