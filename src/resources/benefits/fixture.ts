/**
 * Benefits in a fixture: `BenefitCreate` bodies with a key, a fixed id or a creation date; a
 * meter-credit benefit may name its meter by key (`properties.meter`).
 */
import { isObject } from "../../util/is-object.js";
import {
  type FixtureSchemas,
  fixtureSection,
  PLACEHOLDER_ID,
  stripFixtureFields,
  withMeterId,
} from "../fixture.js";
import { type BenefitCreateBody, createBenefit } from "./service.js";

type Entry = FixtureSchemas["FixtureBenefit"] & Record<string, unknown>;
const FIELDS = ["key", "id", "created_at"];

/** The body with its meter reference resolved. */
function benefitBody(entry: Entry, meterId: (ref: string) => string): Record<string, unknown> {
  const body = stripFixtureFields(FIELDS, entry);
  return isObject(body.properties) ? { ...body, properties: withMeterId(body.properties, meterId) } : body;
}

export const benefitFixture = fixtureSection<Entry>({
  kind: "benefits",
  singular: "benefit",
  fields: FIELDS,
  keyOf: (entry) => ({ key: entry.key, explicit: true }),
  holds: (partition, id) => partition.benefits.has(id),
  lookup: (partition, id) => (partition.benefits.has(id) ? {} : undefined),
  check: (checker, entries) => {
    entries.forEach((entry, index) => {
      const path = ["benefits", index];
      checker.fixedId("benefits", entry.id, [...path, "id"]);
      checker.date(entry.created_at, [...path, "created_at"]);
      checker.meterRef(entry.properties, [...path, "properties"]);
      checker.body(
        "BenefitCreate",
        benefitBody(entry, () => PLACEHOLDER_ID),
        path,
      );
    });
  },
  apply: (applier, entries) => {
    entries.forEach((entry, index) => {
      applier.clock.set(applier.catalogDate(entry.created_at));
      const body = applier.coerce<BenefitCreateBody>(
        "BenefitCreate",
        benefitBody(entry, (ref) => applier.id("meters", ref)),
      );
      const benefit = applier.domain(["benefits", index], body, () =>
        createBenefit(applier.ctx, applier.organizationId, body, { id: entry.id }),
      );
      applier.define("benefits", entry.key, benefit.id);
    });
  },
});
