/**
 * An organization token sets the organization itself: an `organization_id` in a create body (or
 * an ingested event) is refused, as Polar's `get_payload_organization` does.
 */
import type { ValidationDetail } from "../../errors.js";

export function organizationTokenDetail(
  loc: (string | number)[],
  input: unknown,
): Omit<ValidationDetail, "ctx"> {
  return {
    type: "organization_token",
    loc,
    msg: "Setting organization_id is disallowed when using an organization token.",
    input,
  };
}
