/** The license keys operations of Polar's API (organization tokens). */
import { listEnvelope, pageOf } from "../../domain/list.js";
import { type Handlers, json, list, NO_CONTENT, organizationIds, organizationOf } from "../operation.js";
import { listLicenseKeys } from "./list.js";
import {
  serializeActivationRead,
  serializeLicenseKey,
  serializeLicenseKeyWithActivations,
  serializeValidatedLicenseKey,
} from "./serialize.js";
import {
  activateLicenseKey,
  deactivateLicenseKey,
  getActivation,
  getLicenseKey,
  getLicenseKeyByKey,
  updateLicenseKey,
  validateLicenseKey,
} from "./service.js";

export type LicenseKeyOperation =
  | "license_keys:list"
  | "license_keys:get"
  | "license_keys:update"
  | "license_keys:get_activation"
  | "license_keys:validate"
  | "license_keys:activate"
  | "license_keys:deactivate";

export const licenseKeyHandlers = (): Handlers<LicenseKeyOperation> => ({
  "license_keys:list": (call) => {
    const page = pageOf(call.query);
    const found = listLicenseKeys(
      call.ctx,
      {
        organizationIds: organizationIds(call),
        benefitIds: list(call.query.benefit_id),
        statuses: list(call.query.status),
      },
      page,
    );
    const partition = call.ctx.store.partition(organizationOf(call));
    return json(
      200,
      listEnvelope(found, page, (key) => serializeLicenseKey(partition, key)),
    );
  },

  "license_keys:get": (call) => {
    const key = getLicenseKey(call.ctx, organizationOf(call), call.params.id);
    return json(200, serializeLicenseKeyWithActivations(call.ctx.store.partition(key.organization_id), key));
  },

  "license_keys:update": (call) => {
    const key = updateLicenseKey(
      call.ctx,
      getLicenseKey(call.ctx, organizationOf(call), call.params.id),
      call.body,
    );
    return json(200, serializeLicenseKey(call.ctx.store.partition(key.organization_id), key));
  },

  "license_keys:get_activation": (call) => {
    const key = getLicenseKey(call.ctx, organizationOf(call), call.params.id);
    const partition = call.ctx.store.partition(key.organization_id);
    const activation = getActivation(partition, key, call.params.activation_id);
    return json(200, serializeActivationRead(partition, activation, key));
  },

  "license_keys:validate": (call) => {
    const key = getLicenseKeyByKey(call.ctx, call.body.organization_id, call.body.key, [
      organizationOf(call),
    ]);
    const validated = validateLicenseKey(call.ctx, key, call.body);
    const partition = call.ctx.store.partition(key.organization_id);
    return json(200, serializeValidatedLicenseKey(partition, validated.key, validated.activation));
  },

  "license_keys:activate": (call) => {
    const key = getLicenseKeyByKey(call.ctx, call.body.organization_id, call.body.key, [
      organizationOf(call),
    ]);
    const activation = activateLicenseKey(call.ctx, key, call.body);
    return json(200, serializeActivationRead(call.ctx.store.partition(key.organization_id), activation, key));
  },

  "license_keys:deactivate": (call) => {
    const key = getLicenseKeyByKey(call.ctx, call.body.organization_id, call.body.key, [
      organizationOf(call),
    ]);
    deactivateLicenseKey(call.ctx, key, call.body);
    return NO_CONTENT;
  },
});
