/** Meters in a fixture: `MeterCreate` bodies with a key, a fixed id or a creation date. */
import { type FixtureSchemas, fixtureSection, stripFixtureFields } from "../fixture.js";
import { createMeter, type MeterCreateBody } from "./service.js";

type Entry = FixtureSchemas["FixtureMeter"] & Record<string, unknown>;
const FIELDS = ["key", "id", "created_at"];

export const meterFixture = fixtureSection<Entry>({
  kind: "meters",
  singular: "meter",
  fields: FIELDS,
  keyOf: (entry) => ({ key: entry.key, explicit: true }),
  holds: (partition, id) => partition.meters.has(id),
  lookup: (partition, id) => (partition.meters.has(id) ? {} : undefined),
  check: (checker, entries) => {
    entries.forEach((entry, index) => {
      const path = ["meters", index];
      checker.fixedId("meters", entry.id, [...path, "id"]);
      checker.date(entry.created_at, [...path, "created_at"]);
      checker.body("MeterCreate", stripFixtureFields(FIELDS, entry), path);
    });
  },
  apply: (applier, entries) => {
    entries.forEach((entry, index) => {
      applier.clock.set(applier.catalogDate(entry.created_at));
      const body = applier.coerce<MeterCreateBody>("MeterCreate", stripFixtureFields(FIELDS, entry));
      const meter = applier.domain(["meters", index], body, () =>
        createMeter(applier.ctx, applier.organizationId, body, { id: entry.id }),
      );
      applier.define("meters", entry.key, meter.id);
    });
  },
});
