/**
 * The specs' schemas for fixtures: `Fixture` from spec/emulator.yaml (the same schema the control
 * plane validates a request body with), and Polar's create bodies from spec/polar.yaml, validated
 * as the API validates them: by the model walker with the resources' rules for the models the API
 * walks, by ajv (errors translated) for the others. Errors are worded as the API words them
 * (pydantic's types and messages), with paths inside the fixture.
 */
import { readFileSync } from "node:fs";
import { Ajv, type ValidateFunction } from "ajv";
import { parse as parseYaml } from "yaml";
import type { Path, Problem } from "../domain/decode.js";
import type { ValidationDetail } from "../errors.js";
import { customizeAjv } from "../pydantic/ajv.js";
import { toPydanticDetails } from "../pydantic/translate.js";
import type { ModelWalker } from "../pydantic/walker.js";
import { isObject } from "../util/is-object.js";
import { packageFile } from "../util/package-root.js";

const SPEC_DIR = packageFile("spec/");

function createAjv(): Ajv {
  // The specs are not checked against the meta-schema (compiling it costs more than all the rest),
  // and shared refs compile once instead of being inlined into every schema that uses them.
  const ajv = new Ajv({
    allErrors: true,
    verbose: true,
    strict: false,
    validateSchema: false,
    inlineRefs: false,
    code: { optimize: false },
  });
  return customizeAjv(ajv);
}

/** One spec document, loaded once, whose component schemas compile on first use. */
class SpecSchemas {
  private ajv: Ajv | undefined;
  private document: Record<string, unknown> | undefined;
  private readonly compiled = new Map<string, ValidateFunction>();
  private walker: { walker: ModelWalker; models: ReadonlySet<string> } | undefined;

  constructor(private readonly file: string) {}

  /**
   * Uses a document the emulator has parsed already, unless one is loaded: the spec files do not
   * change while the process runs, so validators compiled for one emulator serve the next ones.
   */
  use(document: Record<string, unknown>): void {
    this.document ??= document;
  }

  private load(): { ajv: Ajv; document: Record<string, unknown> } {
    if (!this.document) {
      const document: unknown = parseYaml(readFileSync(new URL(this.file, SPEC_DIR), "utf8"));
      if (!isObject(document))
        throw new Error(`[polar-emulator] spec/${this.file} is not an OpenAPI document`);
      this.document = document;
    }
    if (!this.ajv) {
      this.ajv = createAjv();
      this.ajv.addSchema(this.document, this.file);
    }
    return { ajv: this.ajv, document: this.document };
  }

  /** The model walker the API validates `models` with: fixtures use it for the same models. */
  useWalker(walker: ModelWalker, models: ReadonlySet<string>): void {
    this.walker = { walker, models };
  }

  /** The walker for a model the API walks, else undefined. */
  private walkerFor(name: string): ModelWalker | undefined {
    return this.walker?.models.has(name) ? this.walker.walker : undefined;
  }

  /** The model's fields, or undefined for a union. */
  properties(name: string): Record<string, unknown> | undefined {
    const properties = this.schema(name).properties;
    return isObject(properties) ? properties : undefined;
  }

  /** The branch of a discriminated union a body's tag picks (`BenefitCreate` → `BenefitCustomCreate`), or the model. */
  branchOf(name: string, body: Record<string, unknown>): string | undefined {
    const schema = this.schema(name);
    const discriminator = isObject(schema.discriminator) ? schema.discriminator : undefined;
    if (!discriminator) return name;
    const tag = body[String(discriminator.propertyName)];
    const mapping = isObject(discriminator.mapping) ? discriminator.mapping : {};
    const ref = typeof tag === "string" && Object.hasOwn(mapping, tag) ? mapping[tag] : undefined;
    return typeof ref === "string" ? ref.split("/").pop() : undefined;
  }

  /** The body as the model hands it on: coerced by the walker for a walked model, else as it is. */
  coerce(name: string, data: Record<string, unknown>): unknown {
    const walker = this.walkerFor(name);
    if (!walker) return data;
    const walked = walker.validateModel(name, data);
    return walked.details.length === 0 ? walked.value : data;
  }

  /** The component schema itself, e.g. to read its `properties`. */
  schema(name: string): Record<string, unknown> {
    const { document } = this.load();
    const components = isObject(document.components) ? document.components : {};
    const schemas = isObject(components.schemas) ? components.schemas : {};
    const schema = schemas[name];
    if (!isObject(schema)) throw new Error(`[polar-emulator] spec/${this.file} has no schema ${name}`);
    return schema;
  }

  /** Problems of `data` against the component schema `name`, with paths under `base`. */
  check(name: string, data: unknown, base: Path = []): Problem[] {
    const walker = this.walkerFor(name);
    if (walker) {
      return walker.validateModel(name, data).details.map((detail) => {
        const path = [...base, ...withoutTags(detail.loc.slice(1), data)];
        // pydantic reports a wrong tag at the union; a fixture's path names the field that holds it.
        const tag =
          detail.type === "union_tag_invalid" ? /^'(.+)'$/.exec(String(detail.ctx?.discriminator)) : null;
        return toProblem(detail, tag ? [...path, tag[1]] : path);
      });
    }
    const { ajv, document } = this.load();
    let validate = this.compiled.get(name);
    if (!validate) {
      const compiled = ajv.getSchema(`${this.file}#/components/schemas/${name}`);
      if (!compiled) throw new Error(`[polar-emulator] spec/${this.file} has no schema ${name}`);
      validate = compiled;
      this.compiled.set(name, validate);
    }
    if (validate(data)) return [];
    const details = toPydanticDetails(
      validate.errors ?? [],
      { query: {}, path: {} },
      { rootSchema: document },
    );
    return details.map((detail) => toProblem(detail, [...base, ...withoutTags(detail.loc, data)]));
  }
}

function toProblem(detail: ValidationDetail, path: Path): Problem {
  const entry: Problem = { path, type: detail.type, msg: detail.msg, input: detail.input };
  if (detail.ctx !== undefined) entry.ctx = detail.ctx;
  return entry;
}

/**
 * pydantic puts the tag of a tagged union in `loc` (`prices.0.fixed.price_amount`); a fixture
 * path names only what is in the file, so those steps go.
 */
export function withoutTags(loc: (string | number)[], data: unknown): Path {
  const path: Path = [];
  let node = data;
  loc.forEach((step, index) => {
    const last = index === loc.length - 1;
    if (typeof step === "string" && isObject(node) && !Object.hasOwn(node, step) && !last) return;
    path.push(step);
    if (typeof step === "number" && Array.isArray(node)) node = node[step];
    else if (typeof step === "string" && isObject(node)) node = node[step];
    else node = undefined;
  });
  return path;
}

export const emulatorSchemas = new SpecSchemas("emulator.yaml");
export const polarSchemas = new SpecSchemas("polar.yaml");
