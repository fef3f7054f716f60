/**
 * What a model walker needs to know of a document's models beyond their JSON Schema: callable
 * discriminators, Enum names, plain models and TypedDicts, field kinds, field and model
 * validators. The resources write these for Polar's models; the walker applies them.
 */
import type { Described } from "./messages.js";

/** A pydantic union with a callable `Discriminator(fn)` and `Tag`s (e.g. ProductCreate). */
export interface CallableUnion {
  /** The function as pydantic names it in `union_tag_invalid`: `_product_create_discriminator()`. */
  fn: string;
  /** The tag the function returns for an input. */
  tagOf(data: unknown): string;
  /** Each member's tag, by its component name. */
  tags: Record<string, string>;
}

/** The Enum whose members are a key discriminator's tags: pydantic lists them by their repr. */
export interface TagEnum {
  name: string;
  /** Member names that differ from their values (`AggregationFunction.cnt` is `'count'`). */
  members?: Record<string, string>;
}

/**
 * A union written inline in a field (`Component.field`, `Component.field[]` for a list's items)
 * that is not pydantic's default smart union, or whose members pydantic wraps in validators.
 */
export interface InlineUnion {
  /** `Field(union_mode="left_to_right")`: the first member that takes the input wins. */
  mode?: "left_to_right";
  /**
   * `BeforeValidator`s around members, by the member's index: they change the input of that
   * member only, and pydantic names the member `function-before[fn(), …]` in `loc`.
   */
  before?: Record<number, { fn: string; apply(item: unknown): unknown }>;
}

/** What a field is beyond its JSON Schema. */
export type FieldKind = "stripped-length" | "aware-past-datetime" | "future-datetime";

/** A field validator: `value` is the field's validated value, `data` the fields validated before it. */
export type FieldValidator = (value: unknown, data: Record<string, unknown>) => Described | null;

/** A `model_validator(mode="after")`: it runs once every field is valid, and reports at the model. */
export type ModelValidator = (value: Record<string, unknown>) => Described | null;

/** Knowledge of Polar's models that the JSON Schema does not carry. Keys are component names. */
export interface ModelRules {
  callableUnions?: Record<string, CallableUnion>;
  /**
   * By discriminator property (`type`, `amount_type`, `func`), or by `Union.property` for one
   * union when another union's tags on the same property are another Enum (`DiscountCreate.type`).
   */
  tagEnums?: Record<string, TagEnum>;
  /**
   * `Literal[Enum.member]` fields (a `const` in JSON Schema) and `Literal[Enum.a, Enum.b]` fields
   * (an inline enum), by `Component.field`: pydantic words a mismatch with the members' reprs
   * (`<BenefitType.custom: 'custom'>`, `<MemberRole.member: 'member'>`).
   */
  literalEnums?: Record<string, TagEnum>;
  /** By the field that holds the union (see InlineUnion). */
  unions?: Record<string, InlineUnion>;
  /** Plain pydantic `BaseModel`s: they lack the NUL check of Polar's `Schema`. */
  plainModels?: ReadonlySet<string>;
  /** TypedDicts: a non-dict is `dict_type`, and their content is checked by the model holding them. */
  typedDicts?: ReadonlySet<string>;
  /** By `Component.field`. */
  fieldKinds?: Record<string, FieldKind>;
  /** Validators after a field's own checks (`AfterValidator`s, `field_validator`s), by `Component.field`. */
  fieldValidators?: Record<string, FieldValidator>;
  /** By component. */
  modelValidators?: Record<string, ModelValidator>;
  /** `BeforeValidator`s of a list's items, by `Component.field`. */
  itemBeforeValidators?: Record<string, (item: unknown) => unknown>;
  /** `BeforeValidator`s of a field, by `Component.field`: they change the input before it is checked. */
  fieldBeforeValidators?: Record<string, (value: unknown) => unknown>;
}

/**
 * What pydantic checks of a query parameter beyond its JSON Schema: `check` runs on the raw value
 * once the schema accepts it (a constrained `AwareDatetime`); `instead` is a custom type's own
 * error, worded in place of the schema's errors of those keywords (`TimeZoneName` for a value
 * outside the schema's `enum`).
 */
export interface QueryRule {
  check?(raw: string): Described | null;
  instead?: { keywords: readonly string[]; problem: Described };
}

/** Several resources' rules as one: the maps and sets of each kind joined. */
export function mergeRules(all: readonly ModelRules[]): ModelRules {
  const plainModels = new Set<string>();
  const typedDicts = new Set<string>();
  const merged: Required<ModelRules> = {
    callableUnions: {},
    tagEnums: {},
    literalEnums: {},
    unions: {},
    plainModels,
    typedDicts,
    fieldKinds: {},
    fieldValidators: {},
    modelValidators: {},
    itemBeforeValidators: {},
    fieldBeforeValidators: {},
  };
  for (const rules of all) {
    Object.assign(merged.callableUnions, rules.callableUnions);
    Object.assign(merged.tagEnums, rules.tagEnums);
    Object.assign(merged.literalEnums, rules.literalEnums);
    Object.assign(merged.unions, rules.unions);
    for (const name of rules.plainModels ?? []) plainModels.add(name);
    for (const name of rules.typedDicts ?? []) typedDicts.add(name);
    Object.assign(merged.fieldKinds, rules.fieldKinds);
    Object.assign(merged.fieldValidators, rules.fieldValidators);
    Object.assign(merged.modelValidators, rules.modelValidators);
    Object.assign(merged.itemBeforeValidators, rules.itemBeforeValidators);
    Object.assign(merged.fieldBeforeValidators, rules.fieldBeforeValidators);
  }
  return merged;
}
