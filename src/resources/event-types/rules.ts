/**
 * Polar's EventTypeUpdate beyond its JSON Schema (event_type/schemas.py): the label is stripped
 * and may not be blank; a blank label property selector means none.
 */
import { valueError } from "../../pydantic/messages.js";
import { pythonStrip } from "../../pydantic/scalars.js";
import type { ModelRules } from "../../pydantic/walker.js";

/** The label as the field validator hands it on. */
export function strippedLabel(label: string): string {
  return pythonStrip(label);
}

/** The selector as the field validator hands it on: stripped, and none when blank. */
export function strippedSelector(selector: string | null | undefined): string | null {
  if (selector === undefined || selector === null) return null;
  const stripped = pythonStrip(selector);
  return stripped === "" ? null : stripped;
}

export const eventTypeRules: ModelRules = {
  fieldValidators: {
    "EventTypeUpdate.label": (value) =>
      typeof value === "string" && strippedLabel(value) === ""
        ? valueError("Label cannot be empty or only whitespace")
        : null,
  },
};
