import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import {
  diffOperations,
  isRecord,
  type JsonObject,
  listOperations,
  resolvePointer,
} from "../scripts/spec-diff.js";

/** A small OpenAPI 3.1 document shaped like Polar's: one create and one get operation. */
function makeDoc(): JsonObject {
  const security = [{ pat: ["customers:write"] }, { oat: ["customers:write"] }];
  return {
    openapi: "3.1.0",
    info: { title: "test", version: "1" },
    paths: {
      "/v1/customers/": {
        post: {
          operationId: "customers:create",
          security,
          requestBody: {
            required: true,
            content: { "application/json": { schema: { $ref: "#/components/schemas/CustomerCreate" } } },
          },
          responses: {
            "201": {
              description: "Created",
              content: { "application/json": { schema: { $ref: "#/components/schemas/Customer" } } },
            },
            "422": { description: "Unprocessable Entity" },
          },
        },
      },
      "/v1/customers/{id}": {
        get: {
          operationId: "customers:get",
          security,
          parameters: [
            { name: "id", in: "path", required: true, schema: { type: "string", format: "uuid4" } },
            {
              name: "metadata",
              in: "query",
              style: "deepObject",
              schema: { anyOf: [{ type: "object" }, { type: "null" }] },
            },
          ],
          responses: {
            "200": {
              description: "OK",
              content: { "application/json": { schema: { $ref: "#/components/schemas/Customer" } } },
            },
            "404": { description: "Not Found" },
          },
        },
      },
    },
    components: {
      schemas: {
        CustomerCreate: {
          oneOf: [
            {
              type: "object",
              properties: {
                email: { type: "string", format: "email", description: "ignored by the comparison" },
                name: { anyOf: [{ type: "string", maxLength: 256 }, { type: "null" }] },
                type: { type: "string", const: "individual" },
              },
              required: ["email"],
            },
          ],
        },
        Customer: {
          type: "object",
          title: "Customer",
          properties: {
            id: { type: "string", format: "uuid4" },
            email: { type: "string" },
            name: { anyOf: [{ type: "string" }, { type: "null" }] },
            billing_address: { anyOf: [{ $ref: "#/components/schemas/Address" }, { type: "null" }] },
            status: { $ref: "#/components/schemas/CustomerStatus" },
          },
          required: ["id", "email", "name"],
        },
        Address: {
          type: "object",
          properties: { line1: { type: "string" }, country: { type: "string", pattern: "^[A-Z]{2}$" } },
          required: ["country"],
        },
        CustomerStatus: { type: "string", enum: ["active", "deleted"] },
      },
      securitySchemes: {
        pat: { type: "http", scheme: "bearer", description: "ignored" },
        oat: { type: "http", scheme: "bearer" },
      },
    },
  };
}

/** Walks a JSON pointer (without the leading `#`) to an object inside `doc`. */
function at(doc: JsonObject, pointer: string): JsonObject {
  const node = resolvePointer(doc, `#${pointer}`);
  if (!isRecord(node)) throw new Error(`test setup: nothing at ${pointer}`);
  return node;
}

function schema(doc: JsonObject, name: string): JsonObject {
  return at(doc, `/components/schemas/${name}`);
}

describe("diffOperations", () => {
  it("reports nothing for identical documents", () => {
    expect(diffOperations(makeDoc(), makeDoc())).toEqual([]);
  });

  it("ignores annotations: descriptions, titles, examples, x- keys", () => {
    const ours = makeDoc();
    const customer = schema(ours, "Customer");
    customer.title = "Something else";
    customer.description = "ours";
    customer.examples = [{ id: "x" }];
    customer["x-speakeasy-name-override"] = "Cust";
    expect(diffOperations(ours, makeDoc())).toEqual([]);
  });

  it("reports a changed type with its location", () => {
    const upstream = makeDoc();
    at(upstream, "/components/schemas/CustomerCreate/oneOf/0/properties/email").type = ["string", "null"];
    expect(diffOperations(makeDoc(), upstream)).toEqual([
      'customers:create requestBody application/json: /oneOf/0/properties/email/type: ours "string", upstream ["string","null"]',
    ]);
  });

  it("treats a type list as a set", () => {
    const ours = makeDoc();
    const upstream = makeDoc();
    at(ours, "/components/schemas/Address/properties/line1").type = ["string", "null"];
    at(upstream, "/components/schemas/Address/properties/line1").type = ["null", "string"];
    expect(diffOperations(ours, upstream)).toEqual([]);
  });

  it("reports a removed enum value", () => {
    const upstream = makeDoc();
    schema(upstream, "CustomerStatus").enum = ["active"];
    const lines = diffOperations(makeDoc(), upstream);
    expect(lines).toContain(
      'customers:get response 200 application/json: /properties/status/enum: ours allows "deleted", upstream does not',
    );
    expect(lines.every((line) => line.includes("/properties/status/enum"))).toBe(true);
  });

  it("reports a nullability change (anyOf null member removed)", () => {
    const upstream = makeDoc();
    at(upstream, "/components/schemas/Customer/properties/name").anyOf = [{ type: "string" }];
    expect(diffOperations(makeDoc(), upstream)).toEqual([
      'customers:create response 201 application/json: /properties/name/anyOf/1: ours has {"type":"null"}, missing upstream',
      'customers:get response 200 application/json: /properties/name/anyOf/1: ours has {"type":"null"}, missing upstream',
    ]);
  });

  it("reports a required key added upstream", () => {
    const upstream = makeDoc();
    schema(upstream, "Address").required = ["country", "line1"];
    expect(diffOperations(makeDoc(), upstream)).toContain(
      'customers:get response 200 application/json: /properties/billing_address/anyOf/0/required: upstream requires "line1", ours does not',
    );
  });

  it("compares `required` as a set", () => {
    const upstream = makeDoc();
    schema(upstream, "Customer").required = ["name", "email", "id"];
    expect(diffOperations(makeDoc(), upstream)).toEqual([]);
  });

  it("reports a property only upstream", () => {
    const upstream = makeDoc();
    const properties = at(upstream, "/components/schemas/Address/properties");
    properties.city = { type: "string" };
    expect(diffOperations(makeDoc(), upstream)).toContain(
      "customers:get response 200 application/json: /properties/billing_address/anyOf/0/properties/city: present upstream, missing in ours",
    );
  });

  it("reports a missing parameter and a changed parameter style", () => {
    const ours = makeDoc();
    const get = at(ours, "/paths/~1v1~1customers~1{id}/get");
    get.parameters = [
      { name: "id", in: "path", required: true, schema: { type: "string", format: "uuid4" } },
    ];
    expect(diffOperations(ours, makeDoc())).toEqual([
      'customers:get parameter query "metadata": present upstream, missing in ours',
    ]);

    const restyled = makeDoc();
    const metadata = at(restyled, "/paths/~1v1~1customers~1{id}/get/parameters/1");
    metadata.style = "form";
    expect(diffOperations(restyled, makeDoc())).toEqual([
      'customers:get parameter query "metadata": style: ours "form", upstream "deepObject"',
      'customers:get parameter query "metadata": explode: ours true, upstream false',
    ]);
  });

  it("treats explicit parameter defaults like omitted ones", () => {
    const ours = makeDoc();
    const metadata = at(ours, "/paths/~1v1~1customers~1{id}/get/parameters/1");
    metadata.required = false;
    metadata.explode = false;
    expect(diffOperations(ours, makeDoc())).toEqual([]);
  });

  it("reports a different status code", () => {
    const upstream = makeDoc();
    const responses = at(upstream, "/paths/~1v1~1customers~1/post/responses");
    responses["200"] = responses["201"];
    delete responses["201"];
    expect(diffOperations(makeDoc(), upstream)).toEqual([
      "customers:create responses: status 200 present upstream, missing in ours",
      "customers:create responses: status 201 present in ours, missing upstream",
    ]);
  });

  it("reports request body and security changes", () => {
    const upstream = makeDoc();
    at(upstream, "/paths/~1v1~1customers~1/post/requestBody").required = false;
    at(upstream, "/paths/~1v1~1customers~1/post").security = [
      { pat: ["customers:write", "customers:admin"] },
    ];
    expect(diffOperations(makeDoc(), upstream)).toEqual([
      "customers:create requestBody: required: ours true, upstream false",
      "customers:create security: upstream accepts pat [customers:admin customers:write], ours does not",
      "customers:create security: ours accepts pat [customers:write], upstream does not",
      "customers:create security: ours accepts oat [customers:write], upstream does not",
    ]);
  });

  it("reports an operation moved to another path, and one missing upstream", () => {
    const upstream = makeDoc();
    const paths = at(upstream, "/paths");
    paths["/v1/customers/{id}/"] = paths["/v1/customers/{id}"];
    delete paths["/v1/customers/{id}"];
    expect(diffOperations(makeDoc(), upstream)).toEqual([
      "customers:get: moved: ours GET /v1/customers/{id}, upstream GET /v1/customers/{id}/",
    ]);

    const gone = makeDoc();
    delete at(gone, "/paths")["/v1/customers/{id}"];
    expect(diffOperations(makeDoc(), gone)).toEqual([
      "customers:get: not found upstream (ours: GET /v1/customers/{id})",
    ]);
  });

  it("resolves refs: a renamed but structurally identical target is not drift", () => {
    const ours = makeDoc();
    const schemas = at(ours, "/components/schemas");
    schemas.PostalAddress = schemas.Address;
    delete schemas.Address;
    at(ours, "/components/schemas/Customer/properties/billing_address/anyOf/0").$ref =
      "#/components/schemas/PostalAddress";
    expect(diffOperations(ours, makeDoc())).toEqual([]);
  });

  it("resolves refs: an inlined schema equal to the upstream ref target is not drift", () => {
    const ours = makeDoc();
    at(ours, "/components/schemas/Customer/properties").status = {
      type: "string",
      enum: ["deleted", "active"],
    };
    expect(diffOperations(ours, makeDoc())).toEqual([]);
  });

  it("reports an unresolvable $ref in ours", () => {
    const ours = makeDoc();
    delete at(ours, "/components/schemas").CustomerStatus;
    expect(diffOperations(ours, makeDoc())).toContain(
      'customers:get response 200 application/json: /properties/status: ours: cannot resolve $ref "#/components/schemas/CustomerStatus"',
    );
  });

  it("terminates on recursive schemas and still finds differences inside them", () => {
    const recursive = (leafType: string): JsonObject => {
      const doc = makeDoc();
      at(doc, "/components/schemas").Node = {
        type: "object",
        properties: {
          value: { type: leafType },
          children: { type: "array", items: { $ref: "#/components/schemas/Node" } },
          parent: { anyOf: [{ $ref: "#/components/schemas/Node" }, { type: "null" }] },
        },
      };
      at(doc, "/components/schemas/Customer/properties").tree = { $ref: "#/components/schemas/Node" };
      return doc;
    };
    expect(diffOperations(recursive("string"), recursive("string"))).toEqual([]);
    expect(diffOperations(recursive("string"), recursive("integer"))).toEqual([
      'customers:create response 201 application/json: /properties/tree/properties/value/type: ours "string", upstream "integer"',
      'customers:get response 200 application/json: /properties/tree/properties/value/type: ours "string", upstream "integer"',
    ]);
  });

  it("compares discriminator mappings by resolved target", () => {
    const withDiscriminator = (mapping: JsonObject): JsonObject => {
      const doc = makeDoc();
      schema(doc, "CustomerCreate").discriminator = { propertyName: "type", mapping };
      at(doc, "/components/schemas").Individual = at(doc, "/components/schemas/CustomerCreate/oneOf/0");
      return doc;
    };
    const ours = withDiscriminator({ individual: "#/components/schemas/Individual" });
    const sameTarget = withDiscriminator({ individual: "#/components/schemas/CustomerCreate/oneOf/0" });
    expect(diffOperations(ours, sameTarget)).toEqual([]);

    const otherTarget = withDiscriminator({
      individual: "#/components/schemas/Address",
      team: "#/components/schemas/Individual",
    });
    const lines = diffOperations(ours, otherTarget);
    expect(lines).toContain(
      "customers:create requestBody application/json: /discriminator/mapping/team: present upstream, missing in ours",
    );
    expect(lines).toContain(
      'customers:create requestBody application/json: /discriminator/mapping/individual/required: upstream requires "country", ours does not',
    );
  });

  it("with the operations.yaml list, reports listed operations missing from ours", () => {
    const ours = makeDoc();
    delete at(ours, "/paths")["/v1/customers/{id}"];
    expect(
      diffOperations(ours, makeDoc(), { expectedOperationIds: ["customers:create", "customers:get"] }),
    ).toEqual([
      "customers:get: listed in operations.yaml and present upstream (GET /v1/customers/{id}), missing from our spec (re-run spec:extract)",
    ]);
  });
});

describe("spec/polar.yaml", () => {
  const specFile = fileURLToPath(new URL("../spec/polar.yaml", import.meta.url));
  const spec: unknown = parse(readFileSync(specFile, "utf8"));

  it("serves exactly the operations listed in spec/operations.yaml", () => {
    const listed = (
      parse(readFileSync(new URL("../spec/operations.yaml", import.meta.url), "utf8")) as {
        operations: { operationId: string }[];
      }
    ).operations.map((operation) => operation.operationId);
    expect([...listOperations(spec).keys()].sort()).toEqual([...listed].sort());
    expect(listed).toHaveLength(154);
    expect(listed).toEqual(
      expect.arrayContaining([
        "customers:get_state",
        "customers:list_payment_methods",
        "customers:members:update_external",
        "members:list_members",
        "customer-seats:claim_seat",
        "customer_portal:seats:list_claimed_subscriptions",
        "subscriptions:create",
        "subscriptions:export",
        "discounts:update",
        "subscriptions:update",
        "events:ingest",
        "events:list",
        "event-types:update",
        "organizations:update",
        "webhooks:create_webhook_endpoint",
        "webhooks:redeliver_webhook_event",
        "customer-sessions:create",
        "license_keys:validate",
        "customer_portal:subscriptions:cancel",
      ]),
    );
  });

  it("resolves every $ref and discriminator mapping within the file", () => {
    const refs: string[] = [];
    const collect = (node: unknown): void => {
      if (Array.isArray(node)) {
        for (const item of node) collect(item);
      } else if (isRecord(node)) {
        for (const [key, value] of Object.entries(node)) {
          if (key === "$ref" && typeof value === "string") refs.push(value);
          else if (key === "mapping" && isRecord(value)) refs.push(...Object.values(value).map(String));
          else collect(value);
        }
      }
    };
    collect(spec);
    expect(refs.length).toBeGreaterThan(0);
    expect(refs.filter((ref) => resolvePointer(spec, ref) === undefined)).toEqual([]);
  });

  it("carries no examples or SDK-generator metadata", () => {
    const found: string[] = [];
    const walk = (node: unknown, path: string, namesOnly: boolean): void => {
      if (Array.isArray(node)) {
        for (const [i, item] of node.entries()) walk(item, `${path}/${i}`, false);
      } else if (isRecord(node)) {
        for (const [key, value] of Object.entries(node)) {
          const stripped =
            ["examples", "example", "x-codeSamples"].includes(key) || key.startsWith("x-speakeasy-");
          if (stripped && !namesOnly) found.push(`${path}/${key}`);
          walk(value, `${path}/${key}`, !namesOnly && key === "properties");
        }
      }
    };
    walk(spec, "", false);
    expect(found).toEqual([]);
  });
});
