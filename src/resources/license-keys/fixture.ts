/**
 * A customer's license keys in a fixture: the key a `license_keys` benefit granted it (through
 * its subscriptions, grants or a seat it holds), given its own text, status, usage, expiry and
 * activations, each through the service, so the limits hold as in the API. They are applied after
 * every named customer and the seats (customers/fixture.ts).
 */
import type { Path } from "../../domain/decode.js";
import type { CustomerRecord } from "../customers/table.js";
import type { FixtureApplier, FixtureChecker, FixtureSchemas } from "../fixture.js";
import { displayKey } from "./grant.js";
import { activateLicenseKey, updateLicenseKey } from "./service.js";

type Entry = FixtureSchemas["FixtureLicenseKey"];

export function checkLicenseKey(checker: FixtureChecker, entry: Entry, path: Path, keys: Set<string>): void {
  checker.ref("benefits", entry.benefit, [...path, "benefit"]);
  checker.date(entry.expires_at, [...path, "expires_at"]);
  if (entry.key === undefined) return;
  if (keys.has(entry.key) || checker.partition.licenseKeys.byKey.has(entry.key))
    checker.add([...path, "key"], "value_error", "A license key with this key already exists.", entry.key);
  keys.add(entry.key);
}

export function applyLicenseKey(
  applier: FixtureApplier,
  customer: CustomerRecord,
  entry: Entry,
  path: Path,
): void {
  const { partition } = applier;
  const benefitId = applier.id("benefits", entry.benefit);
  const key = partition.licenseKeys
    .ofCustomer(customer.id)
    .filter((candidate) => candidate.benefit_id === benefitId)
    .at(-1);
  if (!key)
    applier.refuse(
      [...path, "benefit"],
      "The customer holds no license key of this benefit: grant it first (subscriptions, grants or a claimed seat).",
      entry.benefit,
    );
  if (entry.key !== undefined && entry.key !== key.key) {
    partition.licenseKeys.rekey(key, entry.key);
    for (const grant of partition.grants.ofCustomer(customer.id))
      if (grant.properties.license_key_id === key.id) grant.properties.display_key = displayKey(entry.key);
  }
  // A key granted later than the customer's own time (through a seat claimed at the reference
  // time) is activated and updated from then on.
  if (key.created_at.getTime() > applier.clock.now().getTime()) applier.clock.set(key.created_at);
  if (entry.usage !== undefined) key.usage = entry.usage;
  const expires = applier.date(entry.expires_at);
  if (expires) key.expires_at = expires;
  entry.activations?.forEach((activation, index) => {
    applier.domain([...path, "activations", index], activation, () =>
      activateLicenseKey(applier.ctx, key, {
        key: key.key,
        organization_id: key.organization_id,
        label: activation.label,
        conditions: activation.conditions ?? {},
        meta: activation.meta ?? {},
      }),
    );
  });
  const status = entry.status;
  if (status !== undefined && status !== key.status)
    applier.domain([...path, "status"], status, () => updateLicenseKey(applier.ctx, key, { status }));
}
