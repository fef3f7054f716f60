/** A customer's direct grants in a fixture: a benefit (by key or id), granted and maybe revoked on dates. */
import type { Path } from "../../domain/decode.js";
import type { CustomerRecord } from "../customers/table.js";
import type { FixtureApplier, FixtureChecker, FixtureSchemas } from "../fixture.js";
import { grantBenefit, revokeBenefit } from "./service.js";

type Entry = FixtureSchemas["FixtureRef"] | FixtureSchemas["FixtureGrant"];

function parts(entry: Entry): FixtureSchemas["FixtureGrant"] {
  return typeof entry === "string" ? { benefit: entry } : entry;
}

export function checkGrant(checker: FixtureChecker, entry: Entry, path: Path): void {
  if (typeof entry === "string") {
    checker.ref("benefits", entry, path);
    return;
  }
  checker.ref("benefits", entry.benefit, [...path, "benefit"]);
  const granted = checker.date(entry.granted_at, [...path, "granted_at"]);
  const revoked = checker.date(entry.revoked_at, [...path, "revoked_at"]);
  if (granted && revoked && revoked < granted)
    checker.add(
      [...path, "revoked_at"],
      "value_error",
      "revoked_at should not be before granted_at",
      entry.revoked_at,
    );
}

export function applyGrant(
  applier: FixtureApplier,
  customer: CustomerRecord,
  entry: Entry,
  path: Path,
  customerCreated: Date,
): void {
  const { benefit: ref, granted_at, revoked_at } = parts(entry);
  const benefit = applier.partition.benefits.get(applier.id("benefits", ref));
  if (!benefit) return;
  applier.clock.set(applier.date(granted_at) ?? customerCreated);
  applier.domain(path, entry, () => grantBenefit(applier.ctx, customer, benefit));
  const revoked = applier.date(revoked_at);
  if (revoked) {
    applier.clock.set(revoked);
    applier.domain(path, entry, () => revokeBenefit(applier.ctx, customer, benefit));
  }
}
