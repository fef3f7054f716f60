/**
 * `@polar-sh/sdk` 1.x validates nothing at runtime: whatever JSON comes back is handed over as the
 * declared type. This checks a value against the type the module itself declares for it, read
 * from the module's own `.d.mts` with the TypeScript compiler: a method's resolved return type
 * (`shapesOf("2026-10").check("customers.create", value)`) or the payload type of
 * `webhooks.validateEvent`. Every required key must be there, every value must fit its declared
 * type (literals, unions, nullability, arrays, nested objects), and a key the type does not declare
 * is reported too (a drift the client would hide).
 *
 * One documented exception, `CLIENT_BUGS`: a field the 1.x clients type wrongly.
 */
import path from "node:path";
import ts from "typescript";
import { ROOT } from "../python-venv.js";

export const MODULES = ["2026-04", "2026-10", "2027-01"] as const;
export type Module = (typeof MODULES)[number];

/**
 * Fields the clients type wrongly, with what Polar's server sends instead. Every 1.x module types
 * `CustomerStateSubscription.status` as `Status = "granted" | "disabled"`
 * (node_modules/polar-sdk-v1/dist/models-772bIFO1.d.mts (2026-04), models-DHD3CJOb.d.mts (2026-10)
 * and models-B0yaXFSN.d.mts (2027-01): `type Status` at line 283, used at line 9913): two inline
 * enums of Polar's OpenAPI document share the title "Status" (this one, [active, trialing], and the
 * license keys' [granted, disabled]) and the generator kept the last. Polar's server sends `active`
 * or `trialing` (server/polar/customer/schemas/state.py; docs/polar-versions.md §4, row 1), and so
 * must the emulator. The check insists that the client still declares the wrong type, so that this
 * exception goes once the client is fixed.
 */
const CLIENT_BUGS: Record<string, { declared: readonly string[]; server: readonly string[] }> = {
  "CustomerStateSubscription.status": { declared: ["granted", "disabled"], server: ["active", "trialing"] },
};

/** The values of a union of string literals, sorted (empty for any other type). */
function literalValues(type: ts.Type): string[] {
  const members = type.isUnion() ? type.types : [type];
  return members.every((member) => member.isStringLiteral())
    ? members.map((member) => (member as ts.StringLiteralType).value).sort()
    : [];
}

/**
 * Keys Polar sends that a type leaves out. Organization: Polar's server serializes deprecated fields
 * it hides from its schema with SkipJsonSchema, so no client has them: `bio` …
 * `default_upfront_split_to_contributors` on OrganizationBase and the computed
 * `notification_settings` (server/polar/organization/schemas.py:428-449 and :566-576 at the
 * mirror's HEAD c6c3645e). Not settled: `Organization.embed_hosts_enforced` and
 * `OrganizationFeatureSettings.seat_based_pricing_enabled` / `.unit_based_pricing_enabled` are plain
 * fields of Polar's server at that HEAD (schemas.py:548, :175, :178) and of the SDK generated from it
 * then (sdk/typescript/src/2026-10/models.ts:17353, 1.0.0-alpha.17), but @polar-sh/sdk 1.0.1 has
 * none of them in any module (`interface Organization` and `interface OrganizationFeatureSettings`
 * at models-772bIFO1.d.mts:16284 and :16755 (2026-04), models-DHD3CJOb.d.mts:16325 and :16796
 * (2026-10), models-B0yaXFSN.d.mts:16391 and :16862 (2027-01)): Polar may have dropped
 * them since, or only hidden them; the emulator sends them as that HEAD does. The Python contract
 * test (contract/python-v1/support.py KNOWN_EXTRA_KEYS) allows the same keys.
 */
const KNOWN_EXTRA_KEYS: Record<string, readonly string[]> = {
  Organization: [
    "bio",
    "company",
    "blog",
    "location",
    "twitter_username",
    "pledge_minimum_amount",
    "pledge_badge_show_amount",
    "default_upfront_split_to_contributors",
    "notification_settings",
    "embed_hosts_enforced",
  ],
  OrganizationFeatureSettings: ["seat_based_pricing_enabled", "unit_based_pricing_enabled"],
  // An order's deprecated fields (and a portal order's: customer_portal/schemas/order.py), hidden from Polar's schema (`SkipJsonSchema` in
  // server/polar/order/schemas.py) but serialized all the same.
  Order: ["product_price_id", "user_id", "user", "product_price", "amount", "from_balance_amount"],
  CustomerOrder: ["product_price_id", "user_id", "product_price", "amount", "from_balance_amount"],
  // A price's deprecated `type` and `recurring_interval` (from its product) and a checkout's
  // `customer_billing_address_fields`, `customer_external_id` and computed `subtotal_amount`:
  // SkipJsonSchema in server/polar/product/schemas.py ProductPriceBase and
  // server/polar/checkout/schemas.py CheckoutBase / Checkout, serialized all the same.
  ...Object.fromEntries(
    [
      "ProductPriceFixed",
      "ProductPriceCustom",
      "ProductPriceFree",
      "ProductPriceSeatBased",
      "ProductPriceMeteredUnit",
      "ProductPriceUnitBased",
    ].map((name) => [name, ["type", "recurring_interval"]]),
  ),
  Checkout: ["customer_billing_address_fields", "customer_external_id", "subtotal_amount"],
  CheckoutPublic: ["customer_billing_address_fields", "subtotal_amount"],
  CheckoutPublicConfirmed: ["customer_billing_address_fields", "subtotal_amount"],
  // Polar still sends a license key's customer as a legacy user (`SkipJsonSchema`, deprecated):
  // server/polar/license_key/schemas.py LicenseKeyRead, which no document and no client declares.
  LicenseKeyRead: ["user_id", "user"],
  LicenseKeyWithActivations: ["user_id", "user"],
  ValidatedLicenseKey: ["user_id", "user"],
  GrantedLicenseKey: ["user_id", "user"],
};

const PROBE = path.join(ROOT, "test", "sdk", "__sdk_v1_shape_probe__.ts");

function probeSource(): string {
  return MODULES.map((module, index) =>
    [
      `import { createPolar as createPolar${index}, webhooks as webhooks${index} } from "polar-sdk-v1/${module}";`,
      `export type Client${index} = ReturnType<typeof createPolar${index}>;`,
      `export type Payload${index} = Awaited<ReturnType<typeof webhooks${index}.validateEvent>>;`,
    ].join("\n"),
  ).join("\n");
}

let program: { checker: ts.TypeChecker; exports: Map<string, ts.Symbol> } | undefined;

/** The compiler's view of the three modules, built once (about a second). */
function compiled() {
  if (program) return program;
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    lib: ["lib.es2023.d.ts"],
    types: [],
    strict: true,
    skipLibCheck: true,
    noEmit: true,
  };
  const host = ts.createCompilerHost(options);
  const source = probeSource();
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, language, ...rest) =>
    path.resolve(fileName) === PROBE
      ? ts.createSourceFile(fileName, source, language)
      : getSourceFile(fileName, language, ...rest);
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (fileName) => path.resolve(fileName) === PROBE || fileExists(fileName);
  const readFile = host.readFile.bind(host);
  host.readFile = (fileName) => (path.resolve(fileName) === PROBE ? source : readFile(fileName));
  const built = ts.createProgram([PROBE], options, host);
  const errors = ts.getPreEmitDiagnostics(built).filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (errors.length > 0) {
    throw new Error(ts.formatDiagnostics(errors, { ...host, getNewLine: () => "\n" }));
  }
  const checker = built.getTypeChecker();
  const file = built.getSourceFile(PROBE);
  const moduleSymbol = file && checker.getSymbolAtLocation(file);
  if (!moduleSymbol) throw new Error("the shape probe has no module symbol");
  const exports = new Map(checker.getExportsOfModule(moduleSymbol).map((symbol) => [symbol.name, symbol]));
  program = { checker, exports };
  return program;
}

function exported(name: string): ts.Type {
  const { checker, exports } = compiled();
  const symbol = exports.get(name);
  if (!symbol) throw new Error(`no ${name} in the shape probe`);
  return checker.getDeclaredTypeOfSymbol(symbol);
}

function property(type: ts.Type, name: string, where: string): ts.Type {
  const { checker } = compiled();
  const symbol = checker.getPropertyOfType(type, name);
  if (!symbol) throw new Error(`${where} has no ${name}`);
  return checker.getTypeOfSymbol(symbol);
}

/** What a method resolves to: `Promise<T>` → T (the last overload's, as they all agree). */
function resolvedReturn(method: ts.Type, where: string): ts.Type {
  const { checker } = compiled();
  const signatures = checker.getSignaturesOfType(method, ts.SignatureKind.Call);
  if (signatures.length === 0) throw new Error(`${where} is not callable`);
  const returned = signatures[signatures.length - 1].getReturnType();
  return checker.getAwaitedType(returned) ?? returned;
}

function nameOf(type: ts.Type): string {
  return type.aliasSymbol?.name ?? type.getSymbol()?.name ?? compiled().checker.typeToString(type);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Problems of `value` read as `type`, each `path: what`. */
function problemsOf(type: ts.Type, value: unknown, where: string): string[] {
  const { checker } = compiled();
  const flags = type.flags;
  if (flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return [];
  if (flags & ts.TypeFlags.Union) {
    const members = (type as ts.UnionType).types;
    let best: string[] | undefined;
    for (const member of members) {
      const found = problemsOf(member, value, where);
      if (found.length === 0) return [];
      if (!best || found.length < best.length) best = found;
    }
    // Enums of literals: say what was allowed rather than each member's miss.
    if (
      members.every(
        (member) => member.isLiteral() || member.flags & (ts.TypeFlags.Null | ts.TypeFlags.Undefined),
      )
    ) {
      return [`${where}: ${JSON.stringify(value)} is not ${checker.typeToString(type)}`];
    }
    return best ?? [`${where}: nothing in ${checker.typeToString(type)}`];
  }
  if (type.isStringLiteral() || type.isNumberLiteral()) {
    return value === type.value
      ? []
      : [`${where}: ${JSON.stringify(value)} is not ${JSON.stringify(type.value)}`];
  }
  if (flags & ts.TypeFlags.BooleanLiteral) {
    const literal = checker.typeToString(type) === "true";
    return value === literal ? [] : [`${where}: ${JSON.stringify(value)} is not ${literal}`];
  }
  if (flags & ts.TypeFlags.Null)
    return value === null ? [] : [`${where}: ${JSON.stringify(value)} is not null`];
  if (flags & ts.TypeFlags.Undefined)
    return value === undefined ? [] : [`${where}: present, typed undefined`];
  if (flags & ts.TypeFlags.StringLike)
    return typeof value === "string" ? [] : [`${where}: ${JSON.stringify(value)} is not a string`];
  if (flags & ts.TypeFlags.NumberLike)
    return typeof value === "number" ? [] : [`${where}: ${JSON.stringify(value)} is not a number`];
  if (flags & ts.TypeFlags.BooleanLike)
    return typeof value === "boolean" ? [] : [`${where}: ${JSON.stringify(value)} is not a boolean`];
  if (flags & ts.TypeFlags.Void)
    return value === undefined ? [] : [`${where}: a value where none is declared`];
  if (checker.isArrayType(type) || checker.isTupleType(type)) {
    if (!Array.isArray(value)) return [`${where}: ${JSON.stringify(value)} is not an array`];
    const [element] = checker.getTypeArguments(type as ts.TypeReference);
    if (checker.isTupleType(type)) {
      const elements = checker.getTypeArguments(type as ts.TypeReference);
      return value.flatMap((item, index) =>
        elements[index]
          ? problemsOf(elements[index], item, `${where}[${index}]`)
          : [`${where}[${index}]: beyond the tuple`],
      );
    }
    return value.flatMap((item, index) => problemsOf(element, item, `${where}[${index}]`));
  }
  if (flags & (ts.TypeFlags.Object | ts.TypeFlags.Intersection)) {
    if (!isPlainObject(value))
      return [`${where}: ${JSON.stringify(value)} is not an object (${nameOf(type)})`];
    const owner = nameOf(type);
    const problems: string[] = [];
    const declared = new Set<string>();
    for (const symbol of checker.getPropertiesOfType(type)) {
      const key = symbol.name;
      declared.add(key);
      const propertyType = checker.getTypeOfSymbol(symbol);
      const optional = (symbol.flags & ts.SymbolFlags.Optional) !== 0;
      if (!(key in value)) {
        if (!optional) problems.push(`${where}: missing required ${owner}.${key}`);
        continue;
      }
      const bug = CLIENT_BUGS[`${owner}.${key}`];
      if (bug) {
        const typed = literalValues(propertyType);
        if (typed.join("|") !== [...bug.declared].sort().join("|")) {
          problems.push(
            `${where}.${key}: ${owner}.${key} is now typed ${checker.typeToString(propertyType)}: drop the CLIENT_BUGS workaround`,
          );
        } else if (!bug.server.includes(value[key] as string)) {
          problems.push(
            `${where}.${key}: ${JSON.stringify(value[key])} is not one of ${bug.server.join(", ")}`,
          );
        }
        continue;
      }
      problems.push(...problemsOf(propertyType, value[key], `${where}.${key}`));
    }
    const [index] = checker.getIndexInfosOfType(type);
    for (const [key, item] of Object.entries(value)) {
      if (declared.has(key)) continue;
      if (index) problems.push(...problemsOf(index.type, item, `${where}.${key}`));
      else if (!KNOWN_EXTRA_KEYS[owner]?.includes(key))
        problems.push(`${where}: key ${key} is not in ${owner}`);
    }
    return problems;
  }
  return [`${where}: cannot check ${checker.typeToString(type)}`];
}

export interface Shapes {
  /**
   * Problems of `value` as what `method` ("customers.create", "customers.members.get") of this
   * module's client resolves to.
   */
  problems(method: string, value: unknown): string[];
  /** Problems of `value` as what this module's `webhooks.validateEvent` resolves to. */
  payloadProblems(value: unknown): string[];
  /** The declared type, as the compiler prints it (for messages). */
  typeOf(method: string): string;
}

const cache = new Map<Module, Shapes>();

export function shapesOf(module: Module): Shapes {
  const known = cache.get(module);
  if (known) return known;
  const index = MODULES.indexOf(module);
  /** The method at a dotted path of the client ("customers.members.create"). */
  const returned = (method: string) => {
    // "customers.create", or deeper: "customerPortal.licenseKeys.get".
    let type = exported(`Client${index}`);
    let where: string = module;
    for (const part of method.split(".")) {
      type = property(type, part, where);
      where = `${where} ${part}`;
    }
    return resolvedReturn(type, method);
  };
  const shapes: Shapes = {
    problems: (method, value) => problemsOf(returned(method), value, "$"),
    payloadProblems: (value) => problemsOf(exported(`Payload${index}`), value, "$"),
    typeOf: (method) => compiled().checker.typeToString(returned(method)),
  };
  cache.set(module, shapes);
  return shapes;
}
