/**
 * Polar's product models beyond their JSON Schema (product/schemas.py, kit/trial.py,
 * product/meter_interval.py, kit/schemas.py), applied by the model walker to `ProductCreate`
 * bodies, from the API and from fixtures alike, and to `ProductUpdate` bodies; and the
 * validators that change a value (`StripValidator`, `EmptyStrToNoneValidator`), which the
 * service applies.
 */
import type { Schemas } from "../../domain/wire.js";
import type { Described } from "../../pydantic/messages.js";
import { MISSING, valueError } from "../../pydantic/messages.js";
import { pythonStrip } from "../../pydantic/scalars.js";
import { uuid4Problem } from "../../pydantic/uuid.js";
import type { ModelRules } from "../../pydantic/walker.js";
import { isObject } from "../../util/is-object.js";
import type { RecurringInterval } from "../subscriptions/table.js";
import { type PresentmentCurrency, priceAmountProblem } from "./currency.js";
import { type SeatTierInput, seatTiersProblem } from "./tiers.js";

/** `validate_price_amount(currency, amount, allow_zero=True)` (product/schemas.py), skipped when the currency failed. */
function priceAmount(value: unknown, data: Record<string, unknown>): Described | null {
  if (typeof value !== "number" || typeof data.price_currency !== "string") return null;
  return priceAmountProblem(data.price_currency as PresentmentCurrency, value);
}

/** `_coerce_legacy_free_price` (product/schemas.py): a `free` price is a fixed price of 0. */
function legacyFreePrice(item: unknown): unknown {
  if (!isObject(item) || item.amount_type !== "free") return item;
  const kept = Object.fromEntries(
    ["price_currency", "tax_behavior"].filter((key) => key in item).map((key) => [key, item[key]]),
  );
  return { amount_type: "fixed", price_amount: 0, ...kept };
}

/** `ProductName`: the name as Polar stores it (`StripValidator`). */
export function productName(name: string): string {
  return pythonStrip(name);
}

/** `ProductDescription`: stripped, and nothing left is None (`EmptyStrToNoneValidator`). */
export function productDescription(description: string | null | undefined): string | null {
  if (typeof description !== "string") return null;
  const stripped = pythonStrip(description);
  return stripped === "" ? null : stripped;
}

/**
 * Which member of `ExistingProductPrice | ProductPriceCreate` (left to right) an update's price
 * is: the existing price whenever the item has a valid UUID v4 `id`, whatever else it holds.
 */
export function isExistingPrice(
  item: NonNullable<Schemas["ProductUpdate"]["prices"]>[number],
): item is Schemas["ExistingProductPrice"] {
  return "id" in item && typeof item.id === "string" && uuid4Problem(item.id) === null;
}

/** `TrialConfigurationInputMixin.is_complete_configuration` (kit/trial.py). */
function trialConfiguration(value: Record<string, unknown>): Described | null {
  if (((value.trial_interval ?? null) === null) !== ((value.trial_interval_count ?? null) === null)) {
    return { type: MISSING.type, msg: "Both trial_interval and trial_interval_count must be set together." };
  }
  return null;
}

/** `meter_interval_divides_billing_interval` (product/meter_interval.py). */
function meterIntervalDivides(
  meter: RecurringInterval | string,
  meterCount: number,
  billing: RecurringInterval | string,
  billingCount: number,
): boolean {
  const m = meterCount;
  const n = billingCount;
  if ((meter === "day" && billing === "day") || (meter === "week" && billing === "week")) return n % m === 0;
  if (meter === "day" && billing === "week") return (n * 7) % m === 0;
  if (meter === "day" && (billing === "month" || billing === "year")) return m === 1;
  if ((meter === "month" && billing === "month") || (meter === "year" && billing === "year"))
    return n % m === 0;
  if (meter === "month" && billing === "year") return (n * 12) % m === 0;
  return false;
}

export const productRules: ModelRules = {
  callableUnions: {
    // ProductCreate: Discriminator(_product_create_discriminator) with Tag("recurring") and Tag("one_time").
    ProductCreate: {
      fn: "_product_create_discriminator()",
      tagOf: (data) =>
        isObject(data) && data.recurring_interval !== undefined && data.recurring_interval !== null
          ? "recurring"
          : "one_time",
      tags: { ProductCreateRecurring: "recurring", ProductCreateOneTime: "one_time" },
    },
  },
  tagEnums: { amount_type: { name: "ProductPriceAmountType" } },
  fieldKinds: {
    // ProductName: str with StripValidator, then min_length=3 and max_length=64.
    "ProductCreateRecurring.name": "stripped-length",
    "ProductCreateOneTime.name": "stripped-length",
    "ProductUpdate.name": "stripped-length",
  },
  unions: {
    // ProductPriceUpdate: `ExistingProductPrice | ProductPriceCreate` with union_mode="left_to_right",
    // ProductPriceCreate being the tagged union behind `BeforeValidator(_coerce_legacy_free_price)`.
    "ProductUpdate.prices[]": {
      mode: "left_to_right",
      before: { 1: { fn: "_coerce_legacy_free_price", apply: legacyFreePrice } },
    },
  },
  fieldValidators: {
    "ProductPriceFixedCreate.price_amount": priceAmount,
    "ProductPriceCustomCreate.minimum_amount": priceAmount,
    "ProductPriceCustomCreate.maximum_amount": priceAmount,
    "ProductPriceCustomCreate.preset_amount": priceAmount,
    "ProductPriceSeatTiers-Input.tiers": (value) => {
      const problem =
        Array.isArray(value) && value.length > 0 ? seatTiersProblem(value as SeatTierInput[]) : null;
      return problem === null ? null : valueError(problem);
    },
  },
  modelValidators: {
    ProductCreateRecurring: (value) => {
      // TrialConfigurationInputMixin.is_complete_configuration, then validate_meter_interval.
      const trial = trialConfiguration(value);
      if (trial) return trial;
      const meterInterval = value.meter_interval ?? null;
      if (
        typeof meterInterval === "string" &&
        !meterIntervalDivides(
          meterInterval,
          typeof value.meter_interval_count === "number" ? value.meter_interval_count : 1,
          String(value.recurring_interval),
          typeof value.recurring_interval_count === "number" ? value.recurring_interval_count : 1,
        )
      ) {
        return valueError(
          "The meter interval must evenly divide the billing interval, so the meter cycle re-aligns with the billing cycle at every renewal.",
        );
      }
      return null;
    },
    ProductUpdate: trialConfiguration,
  },
  itemBeforeValidators: {
    "ProductCreateRecurring.prices": legacyFreePrice,
    "ProductCreateOneTime.prices": legacyFreePrice,
  },
};
