/** How pydantic names the members of a smart union in an error's `loc`. */
import { isObject } from "../util/is-object.js";
import { pythonRepr } from "./messages.js";
import type { TagEnum } from "./rules.js";

/** A schema followed through its local `$ref`s, with the name of the component it reached. */
export type Resolver = (schema: unknown) => { schema: Record<string, unknown>; name: string | undefined };

const CONSTRAINTS = [
  "minLength",
  "maxLength",
  "pattern",
  "minimum",
  "maximum",
  "exclusiveMinimum",
  "exclusiveMaximum",
];

/**
 * pydantic's name for a union member: a model's class, a tagged union of its members
 * (`tagged-union[A,B]`), else the member's core schema (`constrained-str`, `literal['now']`).
 */
export function unionMemberLabel(member: unknown, resolve: Resolver): string {
  const { schema, name } = resolve(member);
  const choices = Array.isArray(schema.oneOf)
    ? schema.oneOf
    : Array.isArray(schema.anyOf)
      ? schema.anyOf
      : null;
  if (choices && isObject(schema.discriminator))
    return `tagged-union[${choices.map((choice) => unionMemberLabel(choice, resolve)).join(",")}]`;
  if (schema.properties !== undefined)
    return typeof schema.title === "string" ? schema.title : (name ?? "model");
  if ("const" in schema) return `literal[${pythonRepr(schema.const)}]`;
  if (Array.isArray(schema.enum))
    return name !== undefined ? name : `literal[${schema.enum.map(pythonRepr).join(",")}]`;
  const prefix = CONSTRAINTS.some((keyword) => schema[keyword] !== undefined) ? "constrained-" : "";
  switch (schema.type) {
    case "string":
      if (schema.format === "date-time") return "datetime";
      if (schema.format === "uuid4" || schema.format === "uuid") return "uuid";
      return `${prefix}str`;
    case "integer":
      return `${prefix}int`;
    case "number":
      return `${prefix}float`;
    case "boolean":
      return "bool";
    case "array":
      return "list";
    case "object":
      return "dict";
    default:
      return String(schema.type);
  }
}

/** An Enum member as Python's `repr()` shows it: `<BenefitType.custom: 'custom'>`. */
export function enumMemberRepr(enumeration: TagEnum, value: string): string {
  return `<${enumeration.name}.${enumeration.members?.[value] ?? value}: '${value}'>`;
}
