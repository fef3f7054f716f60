/** Meters: an event filter and an aggregation. */
import type { MeterRecord } from "../store/store.js";
import type { DomainContext } from "./context.js";
import type { MeterCreateBody } from "./wire.js";

/** Creates a meter (with `options.id` when a fixture fixes it). */
export function createMeter(
  _ctx: DomainContext,
  _organizationId: string,
  _body: MeterCreateBody,
  _options: { id?: string } = {},
): MeterRecord {
  throw new Error("not implemented yet");
}

/** A meter of the organization by id, or 404. */
export function getMeter(_ctx: DomainContext, _organizationId: string, _id: string): MeterRecord {
  throw new Error("not implemented yet");
}
