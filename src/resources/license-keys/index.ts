/** License keys, made by `license_keys` benefits, and their activations. */
import { problem } from "../../domain/decode.js";
import { collection, defineResource } from "../resource.js";
import { licenseKeyHandlers } from "./handlers.js";
import { serializeActivationRead, serializeLicenseKey } from "./serialize.js";
import { activationDecoder, licenseKeyDecoder } from "./snapshot.js";
import { ActivationTable, LicenseKeyTable } from "./table.js";

export const licenseKeys = defineResource({
  name: "license-keys",
  scopes: ["license_keys:read", "license_keys:write"],
  tables: () => ({ licenseKeys: new LicenseKeyTable(), licenseKeyActivations: new ActivationTable() }),
  handlers: licenseKeyHandlers,
  snapshot: {
    sections: {
      license_keys: collection({
        table: (partition) => partition.licenseKeys,
        decode: licenseKeyDecoder,
        serialize: serializeLicenseKey,
      }),
      license_key_activations: collection({
        table: (partition) => partition.licenseKeyActivations,
        decode: activationDecoder,
        serialize: (partition, activation) => {
          const key = partition.licenseKeys.get(activation.license_key_id);
          if (!key) throw new Error(`[polar-emulator] license key ${activation.license_key_id} vanished`);
          return serializeActivationRead(partition, activation, key);
        },
      }),
    },
    references: (decoded, ids, problems, missing) => {
      const keys = new Map<string, number>();
      decoded.license_keys.forEach((item, index) => {
        if (!ids("customers").has(item.customer_id))
          missing(["license_keys", index, "customer_id"], "customer", item.customer_id);
        if (!ids("benefits").has(item.benefit_id))
          missing(["license_keys", index, "benefit_id"], "benefit", item.benefit_id);
        const earlier = keys.get(item.key);
        if (earlier !== undefined)
          problems.push(
            problem(
              ["license_keys", index, "key"],
              "value_error",
              `License key already exists (license_keys/${earlier})`,
              item.key,
            ),
          );
        else keys.set(item.key, index);
      });
      decoded.license_key_activations.forEach((item, index) => {
        if (!ids("license_keys").has(item.license_key_id))
          missing(["license_key_activations", index, "license_key_id"], "license key", item.license_key_id);
      });
    },
  },
});
