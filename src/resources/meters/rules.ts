/**
 * Polar's meter models beyond their JSON Schema (meter/schemas.py, filter.py, aggregation.py),
 * applied by the model walker to `MeterCreate` and `MeterUpdate` bodies from the API and from
 * fixtures alike, and the checks of the quantities' query beyond its JSON Schema
 * (meter/endpoints.py `quantities`).
 */
import { laxDatetime } from "../../pydantic/lax.js";
import { type Described, valueError } from "../../pydantic/messages.js";
import type { QueryRule } from "../../pydantic/rules.js";
import type { ModelRules } from "../../pydantic/walker.js";
import { MIN_DATETIME } from "./quantities.js";

export const meterRules: ModelRules = {
  tagEnums: { func: { name: "AggregationFunction", members: { count: "cnt" } } },
  // meter/filter.py and meter/aggregation.py use pydantic's BaseModel, not Polar's Schema.
  plainModels: new Set([
    "Filter",
    "FilterClause",
    "CountAggregation",
    "PropertyAggregation",
    "UniqueAggregation",
  ]),
  modelValidators: {
    MeterCreate: (value) => {
      const label = value.custom_label ?? null;
      if (value.unit === "custom" && label === null)
        return valueError("custom_label is required when unit is 'custom'.");
      if (value.unit !== "custom" && label !== null)
        return valueError("custom_label and custom_multiplier are only allowed when unit is 'custom'.");
      return null;
    },
  },
};

const TIMEZONE_AWARE: Described = { type: "timezone_aware", msg: "Input should have timezone info" };

/**
 * `AwareDatetime`, with `ge=` when given: pydantic checks the bound first (a datetime without a
 * zone compared as if it were UTC), then the zone.
 */
function awareDatetime(minimum?: string): QueryRule {
  const floor = minimum === undefined ? undefined : Date.parse(minimum);
  return {
    check: (raw) => {
      const parsed = laxDatetime(raw);
      if ("type" in parsed) return null;
      if (floor !== undefined && parsed.epochMs < floor)
        return {
          type: "greater_than_equal",
          msg: `Input should be greater than or equal to ${minimum}`,
          ctx: { ge: minimum },
        };
      return parsed.aware ? null : TIMEZONE_AWARE;
    },
  };
}

/** The query of `meters:quantities` beyond its JSON Schema. */
export const quantitiesQueryRules: Record<string, QueryRule> = {
  start_timestamp: awareDatetime(MIN_DATETIME),
  end_timestamp: awareDatetime(),
  // pydantic_extra_types' TimeZoneName refuses a name it does not know with its own error.
  timezone: {
    instead: { keywords: ["enum"], problem: { type: "TimeZoneName", msg: "Invalid timezone name." } },
  },
};
