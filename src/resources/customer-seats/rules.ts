/**
 * Polar's seat assignment models beyond their JSON Schema (customer_seat/schemas.py `SeatAssign`,
 * customer_portal/schemas/seat.py `CustomerSeatAssign`): the metadata's bounds, one seat source,
 * and the recipient's identifiers (one group, not both member identifiers, member_id without email).
 */
import { pythonJsonDumps } from "../../domain/python-json.js";
import type { Described } from "../../pydantic/messages.js";
import { valueError } from "../../pydantic/messages.js";
import type { ModelRules } from "../../pydantic/rules.js";

function metadata(value: unknown): Described | null {
  if (typeof value !== "object" || value === null) return null;
  if (Object.keys(value).length > 10) return valueError("Metadata cannot have more than 10 keys");
  if (pythonJsonDumps(value).length > 1024) return valueError("Metadata size cannot exceed 1KB");
  return null;
}

const given = (value: unknown) => value !== undefined && value !== null;

/** `validate_recipient`. */
function recipient(value: Record<string, unknown>): Described | null {
  const legacy = [value.external_customer_id, value.customer_id].filter(given).length;
  const member = [value.external_member_id, value.member_id].filter(given).length;
  const email = given(value.email) ? 1 : 0;
  if (legacy + member + email === 0)
    return valueError(
      "At least one of email, external_customer_id, customer_id, external_member_id, or member_id must be provided",
    );
  if (legacy > 0 && member > 0)
    return valueError("Cannot combine external_customer_id/customer_id with external_member_id/member_id");
  if (member > 1) return valueError("Cannot provide both external_member_id and member_id");
  if (legacy > 0 && legacy + email !== 1)
    return valueError("Exactly one of email, external_customer_id, or customer_id must be provided");
  if (given(value.member_id) && email === 1) return valueError("Cannot combine member_id with email");
  return null;
}

export const seatRules: ModelRules = {
  fieldValidators: {
    "SeatAssign.metadata": metadata,
    "CustomerSeatAssign.metadata": metadata,
  },
  modelValidators: {
    SeatAssign: (value) =>
      [value.subscription_id, value.order_id].filter(given).length !== 1
        ? valueError("Exactly one of subscription_id or order_id must be provided")
        : recipient(value),
    CustomerSeatAssign: (value) =>
      [value.subscription_id, value.order_id, value.checkout_id].filter(given).length !== 1
        ? valueError("Exactly one of subscription_id, order_id, or checkout_id must be provided")
        : recipient(value),
  },
};
