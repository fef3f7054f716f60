/**
 * Polar's member models beyond their JSON Schema (member/schemas.py), applied by the model walker
 * to the member bodies: `MemberCreateFromCustomer.role` is `Literal[MemberRole.member,
 * MemberRole.billing_manager]`, so pydantic names the expected values by their Enum repr.
 */
import type { ModelRules } from "../../pydantic/rules.js";

export const memberRules: ModelRules = {
  literalEnums: { "MemberCreateFromCustomer.role": { name: "MemberRole" } },
};
