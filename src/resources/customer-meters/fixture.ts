/** A customer's meter credits in a fixture: units on a meter (by key or id), at a date. */
import type { Path } from "../../domain/decode.js";
import type { CustomerRecord } from "../customers/table.js";
import { type FixtureApplier, type FixtureChecker, type FixtureSchemas, HOUR } from "../fixture.js";
import { creditCustomerMeter } from "./service.js";

type Credit = FixtureSchemas["FixtureCredit"];

export function checkCredit(checker: FixtureChecker, credit: Credit, path: Path): void {
  checker.ref("meters", credit.meter, [...path, "meter"]);
  checker.date(credit.at, [...path, "at"]);
}

export function applyCredit(
  applier: FixtureApplier,
  customer: CustomerRecord,
  credit: Credit,
  path: Path,
): void {
  applier.clock.set(applier.date(credit.at) ?? applier.at(-HOUR));
  const meter = applier.id("meters", credit.meter);
  applier.domain(path, credit, () => creditCustomerMeter(applier.ctx, customer, meter, credit.units));
}
