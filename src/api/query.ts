/** Reading Polar's list query parameters, shared by every resource's list handler. */
import { type Call, organizationOf } from "../http/handler.js";

/** A repeatable query parameter as a list of strings (`?a=1&a=2`), or undefined when absent. */
export function list(value: unknown): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  return Array.isArray(value) ? value.map(String) : [String(value)];
}

/** An organization token reads its own organization only; an `organization_id` filter intersects with it. */
export function organizationIds(call: Call): string[] {
  const own = organizationOf(call);
  const filter = list(call.query.organization_id);
  return filter === undefined || filter.includes(own) ? [own] : [];
}

/** `metadata[key]=v1&metadata[key]=v2`: values of one key OR'd, keys AND'd, compared as text. */
export function metadataFilter(value: unknown): Record<string, string[]> | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, list(item) ?? []]));
}

/** An optional boolean query parameter (already parsed the way pydantic parses it). */
export function booleanParam(value: unknown): boolean | undefined {
  return typeof value === "boolean" ? value : undefined;
}

/** An optional string query parameter. */
export function stringParam(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}
