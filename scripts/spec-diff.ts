/**
 * Structural comparison of OpenAPI 3.1 operations between our generated spec
 * (spec/polar.yaml) and Polar's published document.
 *
 * Pure functions only: documents come in as parsed objects, differences come
 * out as readable one-line strings. The CLI lives in spec-check.ts.
 *
 * Schemas are compared after resolving `$ref`s in each document separately,
 * so renaming or re-nesting a component is not drift as long as the resolved
 * structure is the same. Annotations (description, title, examples, x-*) are
 * ignored; everything that affects validation is compared.
 */

export type JsonObject = Record<string, unknown>;

export const HTTP_METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"] as const;

export interface OperationLocation {
  operationId: string;
  path: string;
  method: string;
  operation: JsonObject;
  pathItem: JsonObject;
}

export interface DiffOptions {
  /**
   * operationIds listed in spec/operations.yaml. When given, listed
   * operations missing from ours (or from upstream) are reported, and so are
   * operations in ours that are not listed.
   */
  expectedOperationIds?: readonly string[];
}

// ---------------------------------------------------------------------------
// Small helpers shared with spec-extract.ts and the tests
// ---------------------------------------------------------------------------

export function isRecord(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function asRecord(value: unknown): JsonObject {
  return isRecord(value) ? value : {};
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** Every operation of a document, keyed by operationId, in document order. */
export function listOperations(doc: unknown): Map<string, OperationLocation> {
  const operations = new Map<string, OperationLocation>();
  for (const [path, pathItem] of Object.entries(asRecord(asRecord(doc).paths))) {
    if (!isRecord(pathItem)) continue;
    for (const [method, operation] of Object.entries(pathItem)) {
      if (!isHttpMethod(method) || !isRecord(operation)) continue;
      const operationId = operation.operationId;
      if (typeof operationId !== "string") continue;
      operations.set(operationId, { operationId, path, method, operation, pathItem });
    }
  }
  return operations;
}

function isHttpMethod(key: string): boolean {
  return (HTTP_METHODS as readonly string[]).includes(key);
}

/** Resolves a local JSON pointer such as `#/components/schemas/Customer`. */
export function resolvePointer(doc: unknown, ref: string): unknown {
  if (ref === "#") return doc;
  if (!ref.startsWith("#/")) return undefined;
  let node: unknown = doc;
  for (const rawSegment of ref.slice(2).split("/")) {
    const segment = decodeURIComponent(rawSegment).replaceAll("~1", "/").replaceAll("~0", "~");
    if (Array.isArray(node)) node = node[Number(segment)];
    else if (isRecord(node) && Object.hasOwn(node, segment)) node = node[segment];
    else return undefined;
  }
  return node;
}

const MAX_REF_HOPS = 32;

/** Follows `$ref` chains of a non-schema object (parameter, response, ...). */
function derefObject(doc: unknown, node: unknown): unknown {
  let current = node;
  for (let hops = 0; hops < MAX_REF_HOPS && isRecord(current) && typeof current.$ref === "string"; hops++) {
    current = resolvePointer(doc, current.$ref);
  }
  return current;
}

function pointerSegment(key: string): string {
  return key.replaceAll("~", "~0").replaceAll("/", "~1");
}

/** Stable JSON text: object keys sorted, so that equal values print equally. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    isRecord(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}

function show(value: unknown): string {
  return value === undefined ? "(absent)" : JSON.stringify(value);
}

function sameValue(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

type Side = "ours" | "upstream";

/** Calls `onlyIn` for each value present on one side only (enum members, required keys...). */
function diffSets(
  ours: readonly unknown[],
  upstream: readonly unknown[],
  onlyIn: (value: unknown, side: Side) => void,
): void {
  const oursKeys = new Map(ours.map((v) => [canonical(v), v]));
  const upstreamKeys = new Map(upstream.map((v) => [canonical(v), v]));
  for (const [key, value] of upstreamKeys) {
    if (!oursKeys.has(key)) onlyIn(value, "upstream");
  }
  for (const [key, value] of oursKeys) {
    if (!upstreamKeys.has(key)) onlyIn(value, "ours");
  }
}

/** Calls `onlyIn` for each key present on one side only; returns the common keys. */
function diffKeySets(
  ours: JsonObject,
  upstream: JsonObject,
  onlyIn: (key: string, side: Side) => void,
): string[] {
  for (const key of Object.keys(upstream)) {
    if (!Object.hasOwn(ours, key)) onlyIn(key, "upstream");
  }
  for (const key of Object.keys(ours)) {
    if (!Object.hasOwn(upstream, key)) onlyIn(key, "ours");
  }
  return Object.keys(ours).filter((key) => Object.hasOwn(upstream, key));
}

function onlyOn(side: Side): string {
  return side === "upstream" ? "present upstream, missing in ours" : "present in ours, missing upstream";
}

function other(side: Side): Side {
  return side === "ours" ? "upstream" : "ours";
}

// ---------------------------------------------------------------------------
// Schemas
// ---------------------------------------------------------------------------

/** Keywords that never affect validation. */
const ANNOTATION_KEYWORDS = new Set([
  "description",
  "title",
  "examples",
  "example",
  "$comment",
  "externalDocs",
  "xml",
  "$schema",
  "$id",
  "$anchor",
]);
/** Keywords whose value is a single subschema. */
const SUBSCHEMA_KEYWORDS = new Set([
  "items",
  "additionalItems",
  "additionalProperties",
  "propertyNames",
  "unevaluatedItems",
  "unevaluatedProperties",
  "contains",
  "not",
  "if",
  "then",
  "else",
  "contentSchema",
]);
/** Keywords whose value is a list of subschemas, compared position by position. */
const SUBSCHEMA_LIST_KEYWORDS = new Set(["anyOf", "oneOf", "allOf", "prefixItems"]);
/** Keywords whose value maps names to subschemas. */
const SUBSCHEMA_MAP_KEYWORDS = new Set([
  "properties",
  "patternProperties",
  "dependentSchemas",
  "$defs",
  "definitions",
]);

function isAnnotation(keyword: string): boolean {
  return ANNOTATION_KEYWORDS.has(keyword) || keyword.startsWith("x-");
}

type Report = (path: string, message: string) => void;

/** State for comparing the schemas of one operation. */
class SchemaComparison {
  private readonly compared = new Map<object, Set<object>>();
  private readonly merged = new WeakMap<object, JsonObject>();

  constructor(
    private readonly oursDoc: unknown,
    private readonly upstreamDoc: unknown,
    private readonly report: Report,
  ) {}

  /** Compares two schemas; `path` is a JSON pointer within the resolved schema. */
  diff(ours: unknown, upstream: unknown, path: string): void {
    const a = this.resolve(ours, this.oursDoc, "ours", path);
    const b = this.resolve(upstream, this.upstreamDoc, "upstream", path);
    if (a === undefined || b === undefined) {
      if (a !== b) this.report(path || "schema", `ours ${summarize(ours)}, upstream ${summarize(upstream)}`);
      return;
    }
    if (!isRecord(a) || !isRecord(b)) {
      if (!sameValue(a, b)) this.report(path || "schema", `ours ${summarize(a)}, upstream ${summarize(b)}`);
      return;
    }
    if (this.alreadyCompared(a, b)) return;
    this.diffKeywords(a, b, path);
  }

  /**
   * The schema a node stands for: `$ref` chains are followed; structural
   * keywords next to a `$ref` (OpenAPI 3.1 allows them) are merged over the
   * target. Returns undefined for an absent schema; reports unresolvable refs.
   */
  private resolve(node: unknown, doc: unknown, side: Side, path: string, hops = 0): unknown {
    if (!isRecord(node) || typeof node.$ref !== "string") return node;
    const target = hops < MAX_REF_HOPS ? resolvePointer(doc, node.$ref) : undefined;
    if (target === undefined) {
      const why = hops < MAX_REF_HOPS ? "cannot resolve" : "$ref loop at";
      this.report(path || "schema", `${side}: ${why} $ref ${JSON.stringify(node.$ref)}`);
      return {};
    }
    const resolvedTarget = this.resolve(target, doc, side, path, hops + 1);
    const siblings = Object.keys(node).filter((key) => key !== "$ref" && !isAnnotation(key));
    if (siblings.length === 0 || !isRecord(resolvedTarget)) return resolvedTarget;
    let merged = this.merged.get(node);
    if (!merged) {
      merged = { ...resolvedTarget };
      for (const key of siblings) merged[key] = node[key];
      this.merged.set(node, merged);
    }
    return merged;
  }

  /** Cycle guard: each pair of resolved schemas is compared once. */
  private alreadyCompared(a: object, b: object): boolean {
    let partners = this.compared.get(a);
    if (!partners) {
      partners = new Set();
      this.compared.set(a, partners);
    }
    if (partners.has(b)) return true;
    partners.add(b);
    return false;
  }

  private diffKeywords(a: JsonObject, b: JsonObject, path: string): void {
    const keywords = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const keyword of keywords) {
      if (keyword === "$ref" || isAnnotation(keyword)) continue;
      const at = `${path}/${pointerSegment(keyword)}`;
      const ours = a[keyword];
      const upstream = b[keyword];
      if (SUBSCHEMA_KEYWORDS.has(keyword)) this.diffSubschema(ours, upstream, at);
      else if (SUBSCHEMA_LIST_KEYWORDS.has(keyword)) this.diffSchemaList(ours, upstream, at);
      else if (SUBSCHEMA_MAP_KEYWORDS.has(keyword)) this.diffSchemaMap(ours, upstream, at);
      else if (keyword === "required") this.diffMembers(ours, upstream, at, "requires");
      else if (keyword === "enum") this.diffMembers(ours, upstream, at, "allows");
      else if (keyword === "type") this.diffType(ours, upstream, at);
      else if (keyword === "discriminator") this.diffDiscriminator(ours, upstream, at);
      else if (!sameValue(ours, upstream)) this.report(at, `ours ${show(ours)}, upstream ${show(upstream)}`);
    }
  }

  private diffSubschema(ours: unknown, upstream: unknown, at: string): void {
    // `items` may still be a list in older documents.
    if (Array.isArray(ours) || Array.isArray(upstream)) this.diffSchemaList(ours, upstream, at);
    else this.diff(ours, upstream, at);
  }

  private diffSchemaList(ours: unknown, upstream: unknown, at: string): void {
    if (!Array.isArray(ours) || !Array.isArray(upstream)) {
      this.report(at, `ours ${summarize(ours)}, upstream ${summarize(upstream)}`);
      return;
    }
    const common = Math.min(ours.length, upstream.length);
    for (let i = 0; i < common; i++) this.diff(ours[i], upstream[i], `${at}/${i}`);
    for (let i = common; i < upstream.length; i++) {
      this.report(`${at}/${i}`, `upstream has ${summarize(upstream[i])}, missing in ours`);
    }
    for (let i = common; i < ours.length; i++) {
      this.report(`${at}/${i}`, `ours has ${summarize(ours[i])}, missing upstream`);
    }
  }

  private diffSchemaMap(ours: unknown, upstream: unknown, at: string): void {
    if (!isRecord(ours) || !isRecord(upstream)) {
      this.report(at, `ours ${summarize(ours)}, upstream ${summarize(upstream)}`);
      return;
    }
    const common = diffKeySets(ours, upstream, (key, side) =>
      this.report(`${at}/${pointerSegment(key)}`, onlyOn(side)),
    );
    for (const key of common) this.diff(ours[key], upstream[key], `${at}/${pointerSegment(key)}`);
  }

  private diffMembers(ours: unknown, upstream: unknown, at: string, verb: string): void {
    if (
      (ours !== undefined && !Array.isArray(ours)) ||
      (upstream !== undefined && !Array.isArray(upstream))
    ) {
      if (!sameValue(ours, upstream)) this.report(at, `ours ${show(ours)}, upstream ${show(upstream)}`);
      return;
    }
    diffSets(asArray(ours), asArray(upstream), (value, side) =>
      this.report(at, `${side} ${verb} ${show(value)}, ${other(side)} does not`),
    );
  }

  /** `type` may be a string or a list; ["string","null"] equals ["null","string"]. */
  private diffType(ours: unknown, upstream: unknown, at: string): void {
    const normalize = (type: unknown): string =>
      canonical(
        Array.isArray(type)
          ? [...new Set(type.map(String))].sort()
          : type === undefined
            ? undefined
            : [String(type)],
      );
    if (normalize(ours) !== normalize(upstream))
      this.report(at, `ours ${show(ours)}, upstream ${show(upstream)}`);
  }

  private diffDiscriminator(ours: unknown, upstream: unknown, at: string): void {
    if (!isRecord(ours) || !isRecord(upstream)) {
      if (!sameValue(ours, upstream)) this.report(at, `ours ${show(ours)}, upstream ${show(upstream)}`);
      return;
    }
    if (ours.propertyName !== upstream.propertyName) {
      this.report(
        `${at}/propertyName`,
        `ours ${show(ours.propertyName)}, upstream ${show(upstream.propertyName)}`,
      );
    }
    const oursMapping = asRecord(ours.mapping);
    const upstreamMapping = asRecord(upstream.mapping);
    const mappingAt = `${at}/mapping`;
    const common = diffKeySets(oursMapping, upstreamMapping, (key, side) =>
      this.report(`${mappingAt}/${pointerSegment(key)}`, onlyOn(side)),
    );
    // Mapping targets are compared by what they resolve to, not by name.
    for (const key of common) {
      this.diff(
        { $ref: oursMapping[key] },
        { $ref: upstreamMapping[key] },
        `${mappingAt}/${pointerSegment(key)}`,
      );
    }
  }
}

/** Short, one-line rendering of a schema for messages. */
function summarize(schema: unknown): string {
  if (schema === undefined) return "(absent)";
  if (isRecord(schema) && typeof schema.$ref === "string") return `$ref ${JSON.stringify(schema.$ref)}`;
  const text = JSON.stringify(stripAnnotations(schema));
  return text.length > 100 ? `${text.slice(0, 97)}...` : text;
}

function stripAnnotations(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripAnnotations);
  if (!isRecord(value)) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => !isAnnotation(key))
      .map(([key, v]) => [
        key,
        key === "enum" || key === "const" || key === "default" ? v : stripAnnotations(v),
      ]),
  );
}

// ---------------------------------------------------------------------------
// Operations
// ---------------------------------------------------------------------------

interface Docs {
  ours: unknown;
  upstream: unknown;
}

/** Collects the difference lines of one operation. */
class OperationDiff {
  readonly lines: string[] = [];

  constructor(
    private readonly id: string,
    private readonly docs: Docs,
  ) {}

  line(section: string, message: string): void {
    this.lines.push(`${this.id}${section ? ` ${section}` : ""}: ${message}`);
  }

  schemas(section: string): SchemaComparison {
    return new SchemaComparison(this.docs.ours, this.docs.upstream, (path, message) =>
      this.line(section, `${path}: ${message}`),
    );
  }

  run(ours: OperationLocation, upstream: OperationLocation): string[] {
    this.diffLocation(ours, upstream);
    this.diffParameters(ours, upstream);
    this.diffRequestBody(ours.operation.requestBody, upstream.operation.requestBody);
    this.diffResponses(asRecord(ours.operation.responses), asRecord(upstream.operation.responses));
    this.diffSecurity(ours.operation, upstream.operation);
    this.diffPlainField(
      "deprecated",
      ours.operation.deprecated ?? false,
      upstream.operation.deprecated ?? false,
    );
    this.diffAllowedSubjects(ours.operation, upstream.operation);
    return this.lines;
  }

  private diffLocation(ours: OperationLocation, upstream: OperationLocation): void {
    if (ours.path !== upstream.path || ours.method !== upstream.method) {
      this.line(
        "",
        `moved: ours ${ours.method.toUpperCase()} ${ours.path}, upstream ${upstream.method.toUpperCase()} ${upstream.path}`,
      );
    }
  }

  private diffPlainField(label: string, ours: unknown, upstream: unknown, section = ""): void {
    if (!sameValue(ours, upstream))
      this.line(section, `${label}: ours ${show(ours)}, upstream ${show(upstream)}`);
  }

  // -- parameters ----------------------------------------------------------

  private diffParameters(ours: OperationLocation, upstream: OperationLocation): void {
    const oursParams = effectiveParameters(this.docs.ours, ours);
    const upstreamParams = effectiveParameters(this.docs.upstream, upstream);
    for (const [key, param] of upstreamParams) {
      if (!oursParams.has(key)) this.line(parameterLabel(param), onlyOn("upstream"));
    }
    for (const [key, param] of oursParams) {
      const other = upstreamParams.get(key);
      if (other) this.diffParameter(param, other);
      else this.line(parameterLabel(param), onlyOn("ours"));
    }
  }

  private diffParameter(ours: JsonObject, upstream: JsonObject): void {
    const section = parameterLabel(ours);
    const oursStyle = parameterStyle(ours);
    const upstreamStyle = parameterStyle(upstream);
    this.diffPlainField("required", ours.required ?? false, upstream.required ?? false, section);
    this.diffPlainField("style", oursStyle, upstreamStyle, section);
    this.diffPlainField(
      "explode",
      ours.explode ?? oursStyle === "form",
      upstream.explode ?? upstreamStyle === "form",
      section,
    );
    this.diffPlainField(
      "allowReserved",
      ours.allowReserved ?? false,
      upstream.allowReserved ?? false,
      section,
    );
    this.diffPlainField(
      "allowEmptyValue",
      ours.allowEmptyValue ?? false,
      upstream.allowEmptyValue ?? false,
      section,
    );
    this.diffPlainField("deprecated", ours.deprecated ?? false, upstream.deprecated ?? false, section);
    if (ours.content !== undefined || upstream.content !== undefined) {
      this.diffContent(asRecord(ours.content), asRecord(upstream.content), section);
    }
    if (ours.schema !== undefined || upstream.schema !== undefined) {
      this.schemas(section).diff(ours.schema, upstream.schema, "");
    }
  }

  // -- request body --------------------------------------------------------

  private diffRequestBody(oursRef: unknown, upstreamRef: unknown): void {
    const ours = derefObject(this.docs.ours, oursRef);
    const upstream = derefObject(this.docs.upstream, upstreamRef);
    if (ours === undefined && upstream === undefined) return;
    if (ours === undefined || upstream === undefined) {
      this.line("requestBody", onlyOn(ours === undefined ? "upstream" : "ours"));
      return;
    }
    if (!isRecord(ours) || !isRecord(upstream)) {
      this.line("requestBody", `ours ${show(ours)}, upstream ${show(upstream)}`);
      return;
    }
    this.diffPlainField("required", ours.required ?? false, upstream.required ?? false, "requestBody");
    this.diffContent(asRecord(ours.content), asRecord(upstream.content), "requestBody");
  }

  // -- responses -----------------------------------------------------------

  private diffResponses(ours: JsonObject, upstream: JsonObject): void {
    const common = diffKeySets(ours, upstream, (status, side) =>
      this.line("responses", `status ${status} ${onlyOn(side)}`),
    );
    for (const status of common) {
      const section = `response ${status}`;
      const oursResponse = asRecord(derefObject(this.docs.ours, ours[status]));
      const upstreamResponse = asRecord(derefObject(this.docs.upstream, upstream[status]));
      this.diffContent(asRecord(oursResponse.content), asRecord(upstreamResponse.content), section);
      this.diffHeaders(asRecord(oursResponse.headers), asRecord(upstreamResponse.headers), section);
    }
  }

  private diffHeaders(ours: JsonObject, upstream: JsonObject, section: string): void {
    const lower = (headers: JsonObject): JsonObject =>
      Object.fromEntries(Object.entries(headers).map(([name, header]) => [name.toLowerCase(), header]));
    const oursHeaders = lower(ours);
    const upstreamHeaders = lower(upstream);
    const common = diffKeySets(oursHeaders, upstreamHeaders, (name, side) =>
      this.line(section, `header ${JSON.stringify(name)} ${onlyOn(side)}`),
    );
    for (const name of common) {
      const oursHeader = asRecord(derefObject(this.docs.ours, oursHeaders[name]));
      const upstreamHeader = asRecord(derefObject(this.docs.upstream, upstreamHeaders[name]));
      const headerSection = `${section} header ${JSON.stringify(name)}`;
      this.diffPlainField(
        "required",
        oursHeader.required ?? false,
        upstreamHeader.required ?? false,
        headerSection,
      );
      this.schemas(headerSection).diff(oursHeader.schema, upstreamHeader.schema, "");
    }
  }

  // -- media types (request bodies, responses, content parameters) ---------

  private diffContent(ours: JsonObject, upstream: JsonObject, section: string): void {
    const common = diffKeySets(ours, upstream, (type, side) =>
      this.line(section, `content type ${JSON.stringify(type)} ${onlyOn(side)}`),
    );
    for (const type of common) {
      const oursMedia = asRecord(ours[type]);
      const upstreamMedia = asRecord(upstream[type]);
      this.schemas(`${section} ${type}`).diff(oursMedia.schema, upstreamMedia.schema, "");
      const oursEncoding = stripAnnotations(oursMedia.encoding);
      const upstreamEncoding = stripAnnotations(upstreamMedia.encoding);
      this.diffPlainField("encoding", oursEncoding, upstreamEncoding, `${section} ${type}`);
    }
  }

  // -- security ------------------------------------------------------------

  private diffSecurity(ours: JsonObject, upstream: JsonObject): void {
    const oursRequirements = securityRequirements(ours.security ?? asRecord(this.docs.ours).security);
    const upstreamRequirements = securityRequirements(
      upstream.security ?? asRecord(this.docs.upstream).security,
    );
    diffSets(oursRequirements, upstreamRequirements, (requirement, side) =>
      this.line("security", `${side} accepts ${String(requirement)}, ${other(side)} does not`),
    );
  }

  private diffAllowedSubjects(ours: JsonObject, upstream: JsonObject): void {
    const key = "x-polar-allowed-subjects";
    diffSets(asArray(ours[key]), asArray(upstream[key]), (subject, side) =>
      this.line(key, `${side} allows ${show(subject)}, ${other(side)} does not`),
    );
  }
}

/** Path-level parameters overridden by operation-level ones, keyed by `in name`. */
function effectiveParameters(doc: unknown, location: OperationLocation): Map<string, JsonObject> {
  const parameters = new Map<string, JsonObject>();
  for (const raw of [...asArray(location.pathItem.parameters), ...asArray(location.operation.parameters)]) {
    const parameter = derefObject(doc, raw);
    if (!isRecord(parameter)) continue;
    parameters.set(`${String(parameter.in)} ${String(parameter.name)}`, parameter);
  }
  return parameters;
}

function parameterLabel(parameter: JsonObject): string {
  return `parameter ${String(parameter.in)} ${JSON.stringify(parameter.name)}`;
}

/** The style in effect, with OpenAPI's defaults per location. */
function parameterStyle(parameter: JsonObject): unknown {
  if (parameter.style !== undefined) return parameter.style;
  return parameter.in === "query" || parameter.in === "cookie" ? "form" : "simple";
}

/** Each alternative as text like `pat [customers:read customers:write]`, scopes sorted. */
function securityRequirements(security: unknown): string[] {
  return asArray(security).map((requirement) => {
    const schemes = Object.entries(asRecord(requirement))
      .map(([scheme, scopes]) => `${scheme} [${asArray(scopes).map(String).sort().join(" ")}]`)
      .sort();
    return schemes.length === 0 ? "anonymous access" : schemes.join(" + ");
  });
}

/** Security schemes used by our operations must match upstream's, ignoring descriptions. */
function diffSecuritySchemes(
  ours: unknown,
  upstream: unknown,
  oursOperations: Iterable<OperationLocation>,
): string[] {
  const lines: string[] = [];
  const used = new Set<string>();
  for (const { operation } of oursOperations) {
    for (const requirement of asArray(operation.security ?? asRecord(ours).security)) {
      for (const scheme of Object.keys(asRecord(requirement))) used.add(scheme);
    }
  }
  const oursSchemes = asRecord(asRecord(asRecord(ours).components).securitySchemes);
  const upstreamSchemes = asRecord(asRecord(asRecord(upstream).components).securitySchemes);
  for (const name of [...used].sort()) {
    const label = `securityScheme ${JSON.stringify(name)}`;
    const a = stripAnnotations(derefObject(ours, oursSchemes[name]));
    const b = stripAnnotations(derefObject(upstream, upstreamSchemes[name]));
    if (a === undefined) lines.push(`${label}: used by our operations but missing from our components`);
    else if (b === undefined) lines.push(`${label}: ${onlyOn("ours")}`);
    else if (!sameValue(a, b)) lines.push(`${label}: ours ${canonical(a)}, upstream ${canonical(b)}`);
  }
  return lines;
}

function describeLocation(location: OperationLocation): string {
  return `${location.method.toUpperCase()} ${location.path}`;
}

/** Where our operation is not upstream: say so, and what upstream has at that path instead. */
function describeMissingUpstream(
  location: OperationLocation,
  upstreamOperations: Map<string, OperationLocation>,
): string {
  const occupant = [...upstreamOperations.values()].find(
    (candidate) => candidate.path === location.path && candidate.method === location.method,
  );
  const hint = occupant ? `; upstream has ${JSON.stringify(occupant.operationId)} there` : "";
  return `${location.operationId}: not found upstream (ours: ${describeLocation(location)}${hint})`;
}

/**
 * Compares every operation of `ours` with the upstream operation of the same
 * operationId. Returns one readable line per difference; [] means no drift.
 */
export function diffOperations(ours: unknown, upstream: unknown, options: DiffOptions = {}): string[] {
  const docs: Docs = { ours, upstream };
  const oursOperations = listOperations(ours);
  const upstreamOperations = listOperations(upstream);
  const lines: string[] = [];

  for (const [id, location] of oursOperations) {
    const upstreamLocation = upstreamOperations.get(id);
    if (upstreamLocation) lines.push(...new OperationDiff(id, docs).run(location, upstreamLocation));
    else lines.push(describeMissingUpstream(location, upstreamOperations));
  }
  lines.push(...diffSecuritySchemes(ours, upstream, oursOperations.values()));

  if (options.expectedOperationIds) {
    lines.push(...diffListedOperations(options.expectedOperationIds, oursOperations, upstreamOperations));
  }
  return lines;
}

/** Consistency of ours with the list in spec/operations.yaml. */
function diffListedOperations(
  expected: readonly string[],
  oursOperations: Map<string, OperationLocation>,
  upstreamOperations: Map<string, OperationLocation>,
): string[] {
  const lines: string[] = [];
  const listed = new Set(expected);
  for (const id of listed) {
    if (oursOperations.has(id)) continue;
    const upstreamLocation = upstreamOperations.get(id);
    lines.push(
      upstreamLocation
        ? `${id}: listed in operations.yaml and present upstream (${describeLocation(upstreamLocation)}), missing from our spec (re-run spec:extract)`
        : `${id}: listed in operations.yaml but found neither in our spec nor upstream`,
    );
  }
  for (const id of oursOperations.keys()) {
    if (!listed.has(id))
      lines.push(`${id}: in our spec but not listed in operations.yaml (re-run spec:extract)`);
  }
  return lines;
}
