/**
 * The model walker: a request body validated the way pydantic validates a model, walking an
 * OpenAPI document's JSON Schema with its `$ref`s unresolved (component names stand for model
 * classes). What JSON Schema cannot say about a model comes in as `ModelRules`; the walker itself
 * knows pydantic, not Polar.
 */
import { isIP } from "node:net";
import type { ValidationDetail } from "../errors.js";
import { isObject } from "../util/is-object.js";
import { resolvePointer } from "../util/json-pointer.js";
import { setOwn } from "../util/own.js";
import { AJV_DATETIME } from "./ajv.js";
import { pydanticEmail } from "./email.js";
import { enumMemberRepr, unionMemberLabel } from "./labels.js";
import { laxBool, laxDatetime, laxFloat, laxInt } from "./lax.js";
import {
  DICT_TYPE,
  EXTRA_FORBIDDEN,
  emailError,
  expectedOneOf,
  IP_ANY_ADDRESS,
  LIST_TYPE,
  lengthProblem,
  MISSING,
  MODEL_ATTRIBUTES_TYPE,
  NONE_REQUIRED,
  pythonStr,
  STRING_TYPE,
  stringLengthProblem,
  URL_TYPE,
  UUID_TYPE,
  unionTagInvalid,
  unionTagNotFound,
  valueError,
} from "./messages.js";
import type { FieldKind, InlineUnion, ModelRules } from "./rules.js";
import {
  append,
  decimalOutcome,
  fail,
  type Loc,
  literalOutcome,
  NUL_CHARACTERS,
  numberOutcome,
  type Outcome,
  ok,
  pythonEquals,
  pythonLength,
  pythonStrip,
} from "./scalars.js";
import { HTTP_URL_MAX_LENGTH, httpUrlProblem, normalizedHttpUrl } from "./url.js";
import { canonicalUuid, uuid4Problem } from "./uuid.js";

export type { ModelRules } from "./rules.js";

export { mergeRules } from "./rules.js";

/**
 * Validates request bodies like pydantic validates Polar's models (python mode, lax, with
 * `from_attributes`, as FastAPI calls it), walking the spec's JSON Schema with its `$ref`s
 * unresolved, so component names stand for model classes:
 *
 * - fields in declaration order (the schema's `properties` order), missing ones where they
 *   belong, then the keys a `extra="forbid"` model refuses;
 * - unions as pydantic builds them: a key discriminator (`discriminator.propertyName`) puts the
 *   tag in `loc` and reports `union_tag_not_found` / `union_tag_invalid`; a callable one
 *   (`rules.callableUnions`) puts its tag; `X | None` is no union; any other union is "smart" and,
 *   when every member fails, reports each member's errors under its name (`EventCreateCustomer`,
 *   `constrained-str`, `literal['now']`);
 * - `Decimal` (a number-or-pattern string in JSON Schema), datetimes, UUIDs and the lax coercions
 *   of int, float and bool;
 * - after a field's own checks, its validators (`rules.fieldValidators`) and, in Polar's
 *   `Schema` models, the NUL check; once every field is valid, the model validators.
 *
 * Returns the detail list pydantic would produce, or, when there is none, the value as pydantic
 * coerced it (`"5"` for an int is 5, UUIDs canonical, a legacy `free` price rewritten).
 */
export class ModelWalker {
  /** The domain's time for time-relative checks (`FutureDatetime`, past event timestamps), if given. */
  now: Date | undefined;

  constructor(
    private readonly document: Record<string, unknown>,
    private readonly rules: ModelRules,
  ) {}

  validate(schema: unknown, data: unknown, now?: Date): { details: ValidationDetail[]; value: unknown } {
    this.now = now;
    const outcome = this.node(schema, data, ["body"], undefined);
    return { details: outcome.errors, value: outcome.value };
  }

  /** Validates data as the document's component `name` (a model class). */
  validateModel(name: string, data: unknown, now?: Date): { details: ValidationDetail[]; value: unknown } {
    return this.validate({ $ref: `#/components/schemas/${name}` }, data, now);
  }

  /** A local `$ref` followed to its component, with the component's name. */
  private resolve(schema: unknown): { schema: Record<string, unknown>; name: string | undefined } {
    let node = schema;
    let name: string | undefined;
    for (let hops = 0; hops < 32 && isObject(node) && typeof node.$ref === "string"; hops++) {
      const ref: string = node.$ref;
      name = ref.split("/").pop();
      node = resolvePointer(this.document, ref);
    }
    return { schema: isObject(node) ? node : {}, name };
  }

  private node(raw: unknown, data: unknown, loc: Loc, field: string | undefined): Outcome {
    const { schema, name } = this.resolve(raw);
    const branches = Array.isArray(schema.oneOf)
      ? schema.oneOf
      : Array.isArray(schema.anyOf)
        ? schema.anyOf
        : null;
    if (branches) return this.union(schema, name, branches, data, loc, field);
    if ("const" in schema) {
      const enumeration = field === undefined ? undefined : this.rules.literalEnums?.[field];
      if (enumeration === undefined || typeof schema.const !== "string") {
        return literalOutcome([schema.const], data, loc);
      }
      if (pythonEquals(schema.const, data)) return ok(schema.const, schema.const === data);
      const expected = enumMemberRepr(enumeration, schema.const);
      return fail(
        { type: "literal_error", msg: `Input should be ${expected}`, ctx: { expected } },
        loc,
        data,
      );
    }
    if (Array.isArray(schema.enum)) {
      // An Enum class is a component of its own; a `Literal[...]` is written inline.
      if (name !== undefined) {
        return typeof data === "string" && schema.enum.includes(data)
          ? ok(data)
          : fail(expectedOneOf("enum", schema.enum), loc, data);
      }
      const enumeration = field === undefined ? undefined : this.rules.literalEnums?.[field];
      return literalOutcome(
        schema.enum,
        data,
        loc,
        enumeration && ((value) => enumMemberRepr(enumeration, String(value))),
      );
    }
    if (schema.properties !== undefined) return this.model(schema, name, data, loc);
    switch (schema.type) {
      case "string":
        return this.string(schema, data, loc, field);
      case "integer":
        return numberOutcome(schema, laxInt(data), data, loc);
      case "number":
        return numberOutcome(schema, laxFloat(data), data, loc);
      case "boolean": {
        const result = laxBool(data);
        return "value" in result ? ok(result.value, result.value === data) : fail(result, loc, data);
      }
      case "null":
        return data === null ? ok(null) : fail(NONE_REQUIRED, loc, data);
      case "array":
        return this.array(schema, data, loc, field);
      case "object":
        return this.dict(schema, data, loc);
      default:
        return ok(data);
    }
  }

  private string(
    schema: Record<string, unknown>,
    data: unknown,
    loc: Loc,
    field: string | undefined,
  ): Outcome {
    const kind = field === undefined ? undefined : this.rules.fieldKinds?.[field];
    if (schema.format === "uuid4" || schema.format === "uuid") {
      if (typeof data !== "string") return fail(UUID_TYPE, loc, data);
      const problem = uuid4Problem(data);
      if (problem && (schema.format === "uuid4" || problem.type === "uuid_parsing"))
        return fail(problem, loc, data);
      const value = canonicalUuid(data);
      return ok(value, value === data);
    }
    if (schema.format === "date-time") return this.datetime(kind, data, loc);
    if (schema.format === "uri") return this.url(schema, data, loc);
    if (typeof data !== "string") return fail(STRING_TYPE, loc, data);
    if (schema.format === "ipvanyaddress")
      return isIP(data) === 0 ? fail(IP_ANY_ADDRESS, loc, data) : ok(data, true);
    if (schema.format === "email") {
      // pydantic's `EmailStr`: email-validator's reason in a value_error, else the normalized address.
      const checked = pydanticEmail(data);
      if ("reason" in checked) return fail(emailError(checked.reason), loc, data);
      return ok(checked.email, checked.email === data, checked.email.includes("\u0000"));
    }
    if (kind === "stripped-length") {
      // An AfterValidator strips the name first: the length is checked on the stripped value,
      // as a generic constraint (`too_short`, "Value ...").
      const length = pythonLength(pythonStrip(data));
      if (typeof schema.minLength === "number" && length < schema.minLength)
        return fail(lengthProblem("Value", "min", schema.minLength, length), loc, data);
      if (typeof schema.maxLength === "number" && length > schema.maxLength)
        return fail(lengthProblem("Value", "max", schema.maxLength, length), loc, data);
      return ok(data, true, data.includes("\u0000"));
    }
    const length = pythonLength(data);
    if (typeof schema.minLength === "number" && length < schema.minLength)
      return fail(stringLengthProblem("min", schema.minLength), loc, data);
    if (typeof schema.maxLength === "number" && length > schema.maxLength)
      return fail(stringLengthProblem("max", schema.maxLength), loc, data);
    if (typeof schema.pattern === "string" && !new RegExp(schema.pattern, "u").test(data)) {
      return fail(
        {
          type: "string_pattern_mismatch",
          msg: `String should match pattern '${schema.pattern}'`,
          ctx: { pattern: schema.pattern },
        },
        loc,
        data,
      );
    }
    return ok(data, true, data.includes("\u0000"));
  }

  /** `HttpUrl`: its own length limit and errors, handed on normalized. */
  private url(schema: Record<string, unknown>, data: unknown, loc: Loc): Outcome {
    if (typeof data !== "string") return fail(URL_TYPE, loc, data);
    const maxLength = typeof schema.maxLength === "number" ? schema.maxLength : HTTP_URL_MAX_LENGTH;
    const problem = httpUrlProblem(data, maxLength);
    if (problem) return fail(problem, loc, data);
    const value = normalizedHttpUrl(data);
    return ok(value, value === data);
  }

  private datetime(kind: FieldKind | undefined, data: unknown, loc: Loc): Outcome {
    const parsed = laxDatetime(data);
    if ("type" in parsed) return fail(parsed, loc, data);
    if (kind === "aware-past-datetime" && !parsed.aware)
      return fail({ type: "timezone_aware", msg: "Input should have timezone info" }, loc, data);
    // A future date is checked against the wall clock when no time is given (the fields that
    // take one are not emulated past validation); a past one only against the domain's time, as
    // the emulator's clock may run ahead and the domain checks event timestamps itself.
    if (kind === "future-datetime" && parsed.epochMs <= (this.now ?? new Date()).getTime())
      return fail({ type: "datetime_future", msg: "Input should be in the future" }, loc, data);
    if (kind === "aware-past-datetime" && this.now !== undefined && parsed.epochMs > this.now.getTime())
      return fail(valueError("Timestamp must be in the past."), loc, data);
    if (typeof data === "string" && AJV_DATETIME.test(data)) return ok(data);
    const iso = new Date(parsed.epochMs).toISOString();
    return ok(parsed.aware ? iso : iso.slice(0, -1), false);
  }

  private array(
    schema: Record<string, unknown>,
    data: unknown,
    loc: Loc,
    field: string | undefined,
  ): Outcome {
    if (!Array.isArray(data)) return fail(LIST_TYPE, loc, data);
    const before = field === undefined ? undefined : this.rules.itemBeforeValidators?.[field];
    const errors: ValidationDetail[] = [];
    const value: unknown[] = [];
    let exact = true;
    let nul = false;
    data.forEach((item, index) => {
      const input = before ? before(item) : item;
      // A union of the items is known by the list's field (`Component.field[]`).
      const outcome = this.node(
        schema.items,
        input,
        [...loc, index],
        field === undefined ? undefined : `${field}[]`,
      );
      append(errors, outcome.errors);
      value.push(outcome.value);
      exact &&= outcome.exact && input === item;
      nul ||= outcome.nul;
    });
    if (errors.length > 0) return { errors, value: data, exact: false, nul: false };
    if (typeof schema.minItems === "number" && data.length < schema.minItems)
      return fail(lengthProblem("List", "min", schema.minItems, data.length), loc, data);
    if (typeof schema.maxItems === "number" && data.length > schema.maxItems)
      return fail(lengthProblem("List", "max", schema.maxItems, data.length), loc, data);
    return { errors: [], value: exact ? data : value, exact, nul };
  }

  /** A `dict[K, V]`: each key, then its value; the size once every entry is valid. */
  private dict(schema: Record<string, unknown>, data: unknown, loc: Loc): Outcome {
    if (!isObject(data)) return fail(DICT_TYPE, loc, data);
    const errors: ValidationDetail[] = [];
    const value: Record<string, unknown> = {};
    let exact = true;
    let nul = false;
    for (const [key, item] of Object.entries(data)) {
      let outKey = key;
      if (schema.propertyNames !== undefined) {
        // Keys are strings: JSON Schema leaves `type` out of `propertyNames`.
        const keySchema = isObject(schema.propertyNames) ? { type: "string", ...schema.propertyNames } : {};
        const keyOutcome = this.node(keySchema, key, [...loc, key, "[key]"], undefined);
        append(errors, keyOutcome.errors);
        if (typeof keyOutcome.value === "string") outKey = keyOutcome.value;
      }
      nul ||= key.includes("\u0000");
      if (isObject(schema.additionalProperties)) {
        const outcome = this.node(schema.additionalProperties, item, [...loc, key], undefined);
        append(errors, outcome.errors);
        setOwn(value, outKey, outcome.value);
        exact &&= outcome.exact && outKey === key;
        nul ||= outcome.nul;
      } else {
        setOwn(value, outKey, item);
      }
    }
    if (errors.length > 0) return { errors, value: data, exact: false, nul: false };
    const size = Object.keys(value).length;
    if (typeof schema.maxProperties === "number" && size > schema.maxProperties)
      return fail(lengthProblem("Dictionary", "max", schema.maxProperties, size), loc, data);
    if (typeof schema.minProperties === "number" && size < schema.minProperties)
      return fail(lengthProblem("Dictionary", "min", schema.minProperties, size), loc, data);
    return { errors: [], value: exact ? data : value, exact, nul };
  }

  /** A model (or a TypedDict): its fields in order, then extra keys, then its model validators. */
  private model(schema: Record<string, unknown>, name: string | undefined, data: unknown, loc: Loc): Outcome {
    const typedDict = name !== undefined && this.rules.typedDicts?.has(name) === true;
    if (!isObject(data)) return fail(typedDict ? DICT_TYPE : MODEL_ATTRIBUTES_TYPE, loc, data);
    const properties = isObject(schema.properties) ? schema.properties : {};
    const required = new Set(Array.isArray(schema.required) ? schema.required : []);
    const checksNul = !typedDict && !(name !== undefined && this.rules.plainModels?.has(name));
    const errors: ValidationDetail[] = [];
    // What pydantic's validators see as `info.data` and the model: valid fields and defaults.
    const validated: Record<string, unknown> = {};
    const coerced: Record<string, unknown> = {};
    let exact = true;
    let nul = false;
    for (const [key, fieldSchema] of Object.entries(properties)) {
      if (!Object.hasOwn(data, key)) {
        if (required.has(key)) append(errors, fail(MISSING, [...loc, key], data).errors);
        else if (isObject(fieldSchema) && "default" in fieldSchema) validated[key] = fieldSchema.default;
        continue;
      }
      const field = name === undefined ? undefined : `${name}.${key}`;
      const raw = data[key];
      const before = field === undefined ? undefined : this.rules.fieldBeforeValidators?.[field];
      const input = before ? before(raw) : raw;
      const outcome = this.node(fieldSchema, input, [...loc, key], field);
      if (outcome.errors.length > 0) {
        append(errors, outcome.errors);
        continue;
      }
      const validator = field === undefined ? undefined : this.rules.fieldValidators?.[field];
      const problem =
        validator?.(outcome.value, validated) ??
        (checksNul && outcome.nul ? valueError(NUL_CHARACTERS) : null);
      if (problem) {
        append(errors, fail(problem, [...loc, key], input).errors);
        continue;
      }
      validated[key] = outcome.value;
      coerced[key] = outcome.value;
      exact &&= outcome.exact && input === raw;
      nul ||= outcome.nul;
    }
    for (const [key, input] of Object.entries(data)) {
      if (Object.hasOwn(properties, key)) continue;
      if (schema.additionalProperties === false) {
        append(errors, fail(EXTRA_FORBIDDEN, [...loc, key], input).errors);
      } else if (isObject(schema.additionalProperties)) {
        // A TypedDict's `extra_items`.
        const outcome = this.node(schema.additionalProperties, input, [...loc, key], undefined);
        append(errors, outcome.errors);
        validated[key] = outcome.value;
        coerced[key] = outcome.value;
        exact &&= outcome.exact;
        nul ||= outcome.nul || key.includes("\u0000");
      }
    }
    if (errors.length > 0) return { errors, value: data, exact: false, nul: false };
    const validator = name === undefined ? undefined : this.rules.modelValidators?.[name];
    const problem = validator?.(validated);
    if (problem) return fail(problem, loc, data);
    // Handed on in the order it came, keys it ignores included.
    const value = exact
      ? data
      : Object.fromEntries(
          Object.entries(data).map(([key, item]) => [key, key in coerced ? coerced[key] : item]),
        );
    // A model is handed on as an object: what it holds is no concern of the model holding it.
    return { errors: [], value, exact, nul: typedDict && nul };
  }

  private union(
    schema: Record<string, unknown>,
    name: string | undefined,
    branches: unknown[],
    data: unknown,
    loc: Loc,
    field: string | undefined,
  ): Outcome {
    const callable = name === undefined ? undefined : this.rules.callableUnions?.[name];
    if (callable) {
      const tag = callable.tagOf(data);
      const branch = branches.find((item) => {
        const member = this.resolve(item).name;
        return member !== undefined && callable.tags[member] === tag;
      });
      if (branch === undefined) {
        const expected = Object.values(callable.tags)
          .map((value) => `'${value}'`)
          .join(", ");
        return fail(unionTagInvalid(callable.fn, tag, expected), loc, data);
      }
      return this.node(branch, data, [...loc, tag], field);
    }
    const discriminator = isObject(schema.discriminator) ? schema.discriminator.propertyName : undefined;
    if (typeof discriminator === "string") return this.tagged(discriminator, branches, data, loc, name);

    const members = branches.filter((branch) => this.resolve(branch).schema.type !== "null");
    if (members.length < branches.length && data === null) return ok(null);
    if (members.length === 1) return this.node(members[0], data, loc, field);
    const decimal = this.decimalOf(members);
    if (decimal) return decimalOutcome(decimal, data, loc);

    // A smart union: the first member that takes the input as it is, else the first that takes
    // it at all; when none does, every member's errors, each under the member's name. A
    // left-to-right union takes the first member that takes the input at all.
    const inline: InlineUnion | undefined = field === undefined ? undefined : this.rules.unions?.[field];
    const outcomes = members.map((member, index) => {
      const before = inline?.before?.[index];
      if (!before) return this.node(member, data, [...loc, this.label(member)], field);
      const input = before.apply(data);
      const label = `function-before[${before.fn}(), ${this.label(member)}]`;
      const outcome = this.node(member, input, [...loc, label], field);
      return input === data ? outcome : { ...outcome, exact: false };
    });
    const valid = (outcome: Outcome) => outcome.errors.length === 0;
    const chosen =
      inline?.mode === "left_to_right"
        ? outcomes.find(valid)
        : (outcomes.find((outcome) => valid(outcome) && outcome.exact) ?? outcomes.find(valid));
    if (chosen) return chosen;
    return { errors: outcomes.flatMap((outcome) => outcome.errors), value: data, exact: false, nul: false };
  }

  /** `Discriminator("key")`: the tag picks the member and goes into `loc`. */
  private tagged(
    property: string,
    branches: unknown[],
    data: unknown,
    loc: Loc,
    union: string | undefined,
  ): Outcome {
    if (!isObject(data)) return fail(MODEL_ATTRIBUTES_TYPE, loc, data);
    if (!Object.hasOwn(data, property)) return fail(unionTagNotFound(property), loc, data);
    const tag = data[property];
    const tags: string[] = [];
    let chosen: unknown;
    for (const branch of branches) {
      const { schema } = this.resolve(branch);
      const tagSchema = isObject(schema.properties) ? this.resolve(schema.properties[property]).schema : {};
      const values =
        "const" in tagSchema ? [tagSchema.const] : Array.isArray(tagSchema.enum) ? tagSchema.enum : [];
      for (const value of values) {
        if (typeof value !== "string") continue;
        tags.push(value);
        if (value === tag && chosen === undefined) chosen = branch;
      }
    }
    if (chosen === undefined || typeof tag !== "string") {
      const enumeration =
        (union === undefined ? undefined : this.rules.tagEnums?.[`${union}.${property}`]) ??
        this.rules.tagEnums?.[property];
      const expected = tags
        .map((value) => (enumeration ? enumMemberRepr(enumeration, value) : `'${value}'`))
        .join(", ");
      return fail(unionTagInvalid(`'${property}'`, pythonStr(tag), expected), loc, data);
    }
    return this.node(chosen, data, [...loc, tag], undefined);
  }

  /** pydantic's name for a union member in `loc` (see `unionMemberLabel`). */
  private label(member: unknown): string {
    return unionMemberLabel(member, (schema) => this.resolve(schema));
  }

  /**
   * pydantic writes a `Decimal` as `number | string` with a pattern that spells its digit
   * limits (`\d{0,5}` whole digits, `\d{0,12}` decimal places): it is one type, not a union.
   */
  private decimalOf(members: unknown[]): { maxDigits: number; decimalPlaces: number; gt: boolean } | null {
    if (members.length !== 2) return null;
    const [first, second] = members.map((member) => this.resolve(member).schema);
    const number = first.type === "number" ? first : second.type === "number" ? second : null;
    const text = first.type === "string" ? first : second.type === "string" ? second : null;
    if (!number || !text || typeof text.pattern !== "string") return null;
    const digits = /\\d\{0,(\d+)\}\\\.\\d\{0,(\d+)\}/.exec(text.pattern);
    if (!digits) return null;
    const decimalPlaces = Number(digits[2]);
    return { maxDigits: Number(digits[1]) + decimalPlaces, decimalPlaces, gt: number.exclusiveMinimum === 0 };
  }
}
