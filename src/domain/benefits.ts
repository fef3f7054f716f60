/** Benefits of every type, with Polar's creation rules. */
import type { BenefitRecord } from "../store/store.js";
import type { DomainContext } from "./context.js";
import type { BenefitCreateBody } from "./wire.js";

/** Creates a benefit (with `options.id` when a fixture fixes it) and emits `benefit.created`. */
export function createBenefit(
  _ctx: DomainContext,
  _organizationId: string,
  _body: BenefitCreateBody,
  _options: { id?: string } = {},
): BenefitRecord {
  throw new Error("not implemented yet");
}

/** A (not deleted) benefit of the organization by id, or 404. */
export function getBenefit(_ctx: DomainContext, _organizationId: string, _id: string): BenefitRecord {
  throw new Error("not implemented yet");
}
