/**
 * Polar's discount models beyond their JSON Schema (discount/schemas.py), applied by the model
 * walker to `DiscountCreate` and `DiscountUpdate` bodies from the API and from fixtures alike.
 *
 * `DiscountCreate` is `Discriminator("type")` over `Literal[DiscountType.…]` members, so pydantic
 * lists its tags by their Enum repr. (The callable `get_discriminator_value` picks the member of
 * the *output* union `Discount`, which no request body goes through.)
 */
import { laxDatetime } from "../../pydantic/lax.js";
import { type Described, valueError } from "../../pydantic/messages.js";
import type { FieldValidator, ModelRules, ModelValidator } from "../../pydantic/rules.js";
import { pythonLength, pythonStrip } from "../../pydantic/scalars.js";

/** `EmptyStrToNone`: stripped, and nothing left is None. */
export function emptyStrToNone(value: string | null | undefined): string | null {
  if (typeof value !== "string") return null;
  const stripped = pythonStrip(value);
  return stripped === "" ? null : stripped;
}

/** Python's `str.isalnum()`: letters and numbers of any script. */
const ALPHANUMERIC = /^[\p{L}\p{N}]+$/u;

/** `_code_validator`, after `EmptyStrToNone`. */
const code: FieldValidator = (value) => {
  const stripped = emptyStrToNone(typeof value === "string" ? value : null);
  if (stripped === null) return null;
  if (!ALPHANUMERIC.test(stripped)) return valueError("Code must contain only alphanumeric characters.");
  const length = pythonLength(stripped);
  if (length < 3 || length > 256) return valueError("Code must be between 3 and 256 characters long.");
  return null;
};

/**
 * A validated datetime as a comparable number: epoch microseconds (pydantic keeps microseconds;
 * a naive one, which Python cannot compare with an aware one, is taken as UTC).
 */
export function epochMicros(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  const parsed = laxDatetime(typeof value === "number" ? value : String(value));
  if (!("epochMs" in parsed)) return null;
  const fraction = typeof value === "string" ? /[T t_]\d{2}:\d{2}:\d{2}\.(\d+)/.exec(value)?.[1] : undefined;
  const submilli = fraction === undefined ? 0 : Number(fraction.slice(3, 6).padEnd(3, "0"));
  return parsed.epochMs * 1000 + submilli;
}

/** `_starts_at_ends_at_validator`. */
function startsBeforeEnds(value: Record<string, unknown>): Described | null {
  const starts = epochMicros(value.starts_at);
  const ends = epochMicros(value.ends_at);
  if (starts !== null && ends !== null && starts >= ends)
    return valueError("starts_at must be before ends_at");
  return null;
}

/** `validate_either_amount_or_amounts`: the update only refuses both. */
function amountOrAmounts(value: Record<string, unknown>, required: boolean): Described | null {
  const amount = value.amount ?? null;
  const amounts = value.amounts ?? null;
  if (amount !== null && amounts !== null) return valueError("Cannot specify both `amount` and `amounts`.");
  if (required && amount === null && amounts === null)
    return valueError("Must specify either `amount` or `amounts`.");
  return null;
}

/** `_validate_duration_in_months`. */
function durationInMonths(value: Record<string, unknown>): Described | null {
  const months = value.duration_in_months ?? null;
  if (value.duration === "repeating" && months === null)
    return valueError("`duration_in_months` is required when `duration` is `repeating`.");
  if (value.duration !== "repeating" && months !== null)
    return valueError("`duration_in_months` must be omitted when `duration` is not `repeating`.");
  return null;
}

/**
 * The model validators of each model, in the order pydantic runs them (the base class's first,
 * then the class's own in their order); the first that fails is the one reported.
 */
const fixedCreate: ModelValidator = (value) =>
  startsBeforeEnds(value) ?? amountOrAmounts(value, true) ?? durationInMonths(value);
const percentageCreate: ModelValidator = (value) => startsBeforeEnds(value) ?? durationInMonths(value);
const update: ModelValidator = (value) => startsBeforeEnds(value) ?? amountOrAmounts(value, false);

export const discountRules: ModelRules = {
  // BenefitCreate's tags on `type` are BenefitType members: this union's are DiscountType's.
  tagEnums: { "DiscountCreate.type": { name: "DiscountType" } },
  fieldValidators: {
    "DiscountFixedCreate.code": code,
    "DiscountPercentageCreate.code": code,
    "DiscountUpdate.code": code,
  },
  modelValidators: {
    DiscountFixedCreate: fixedCreate,
    DiscountPercentageCreate: percentageCreate,
    DiscountUpdate: update,
  },
};
