/**
 * Polar's event models beyond their JSON Schema (event/schemas.py), applied by the model walker
 * to `EventsIngest` bodies: from the API, the control plane's usage and fixtures alike.
 */
import type { ModelRules } from "../../pydantic/walker.js";

export const eventRules: ModelRules = {
  typedDicts: new Set(["EventMetadataInput", "CostMetadata-Input", "LLMMetadata"]),
  fieldKinds: {
    // EventCreateBase.timestamp: AwareDatetime with AfterValidator(is_past_timestamp).
    "EventCreateCustomer.timestamp": "aware-past-datetime",
    "EventCreateExternalCustomer.timestamp": "aware-past-datetime",
  },
};
