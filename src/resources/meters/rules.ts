/**
 * Polar's meter models beyond their JSON Schema (meter/schemas.py, filter.py, aggregation.py),
 * applied by the model walker to `MeterCreate` bodies from the API and from fixtures alike.
 */
import { valueError } from "../../pydantic/messages.js";
import type { ModelRules } from "../../pydantic/walker.js";

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
