/** Every error case of Polar's error bodies (server/polar/exceptions.py, auth), with the exact body and headers, over real HTTP. */
import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestEmulator, tenant } from "./helpers.js";

let ctx: Awaited<ReturnType<typeof startTestEmulator>>;
beforeAll(async () => {
  ctx = await startTestEmulator();
});
afterAll(() => ctx.emulator.close());

const INVALID_TOKEN =
  "The access token provided is expired, revoked, malformed, or invalid for other reasons.";

function raw(method: string, path: string, headers: Record<string, string | number>, body?: string) {
  const url = new URL(path, ctx.emulator.url);
  return new Promise<{ status: number; headers: Record<string, unknown>; body: string }>(
    (resolve, reject) => {
      const req = httpRequest(url, { method, headers }, (res) => {
        let text = "";
        res.on("data", (chunk) => {
          text += chunk;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      });
      req.on("error", reject);
      if (body !== undefined) req.write(body);
      req.end();
    },
  );
}

describe("authentication", () => {
  it("answers 401 Unauthorized without a token", async () => {
    const res = await ctx.http.get("/v1/customers/");
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: "Unauthorized", detail: "Unauthorized" });
    expect(res.headers["www-authenticate"]).toBe('Bearer realm="polar"');
  });

  it("answers 401 Unauthorized for another scheme and for a customer session token", async () => {
    const basic = await ctx.http.get("/v1/customers/").set("Authorization", "Basic dXNlcjpwYXNz");
    expect(basic.status).toBe(401);
    expect(basic.body).toEqual({ error: "Unauthorized", detail: "Unauthorized" });
    const session = await ctx.http
      .get("/v1/customers/")
      .set("Authorization", `Bearer polar_cst_${"a".repeat(43)}`);
    expect(session.status).toBe(401);
    expect(session.body).toEqual({ error: "Unauthorized", detail: "Unauthorized" });
  });

  it("accepts the Bearer scheme in any case", async () => {
    const res = await ctx.http.get("/v1/customers/").set("Authorization", `bEaReR ${ctx.emulator.token}`);
    expect(res.status).toBe(200);
  });

  it("answers invalid_token for an unknown token, with its headers", async () => {
    const res = await ctx.http
      .get("/v1/customers/")
      .set("Authorization", `Bearer polar_oat_${"x".repeat(43)}`);
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: "invalid_token", error_description: INVALID_TOKEN });
    expect(res.headers["www-authenticate"]).toBe(
      `Bearer realm="polar", error="invalid_token", error_description="${INVALID_TOKEN}"`,
    );
    expect(res.headers["cache-control"]).toBe("no-store");
    expect(res.headers.pragma).toBe("no-cache");
  });

  it("answers 403 insufficient_scope when the token lacks every scope of the route", async () => {
    const reader = tenant(ctx.emulator, ["customers:read"]);
    const list = await ctx.http.get("/v1/customers/").set(reader.headers);
    expect(list.status).toBe(200);
    const create = await ctx.http.post("/v1/customers/").set(reader.headers).send({ email: "x@example.com" });
    expect(create.status).toBe(403);
    expect(create.body).toEqual({
      error: "insufficient_scope",
      error_description: "The request requires higher privileges than provided by the access token.",
    });
    expect(create.headers["www-authenticate"]).toBe(
      'Bearer realm="polar", scope="customers:write", error="insufficient_scope", error_description="The request requires higher privileges than provided by the access token."',
    );
    const none = tenant(ctx.emulator, ["webhooks:read"]);
    const read = await ctx.http.get("/v1/customers/").set(none.headers);
    expect(read.status).toBe(403);
    expect(read.headers["www-authenticate"]).toContain('scope="customers:read customers:write"');
  });
});

describe("routing and headers", () => {
  it("sends Cache-Control, echoes Polar-Version and names the emulator on every response", async () => {
    const res = await ctx.http.get("/v1/customers/").set(ctx.auth()).set("Polar-Version", "2026-10");
    expect(res.headers["cache-control"]).toBe("private, no-store");
    expect(res.headers["content-type"]).toBe("application/json");
    expect(res.headers["polar-version"]).toBe("2026-10");
    expect(res.headers["x-polar-emulator"]).toMatch(/^polar-emulator\/\d+\.\d+\.\d+$/);
    const defaulted = await ctx.http.get("/v1/customers/").set(ctx.auth());
    expect(defaulted.headers["polar-version"]).toBe("2026-04");
  });

  it("answers 404 Not Found on every route for an unsupported Polar-Version", async () => {
    const res = await ctx.http.get("/v1/customers/").set(ctx.auth()).set("Polar-Version", "2024-01");
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ detail: "Not Found" });
  });

  it("answers 404 for an unknown route and 405 for a wrong method", async () => {
    const unknown = await ctx.http.get("/v1/nothing-here/").set(ctx.auth());
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ detail: "Not Found" });
    const wrong = await ctx.http.put("/v1/customers/").set(ctx.auth()).send({});
    expect(wrong.status).toBe(405);
    expect(wrong.body).toEqual({ detail: "Method Not Allowed" });
    expect(wrong.headers.allow).toBe("GET, POST");
    // `export` also matches /v1/customers/{id}: the 405 names the export route's methods only.
    const options = await ctx.http.options("/v1/customers/export").set(ctx.auth());
    expect(options.status).toBe(405);
    expect(options.headers.allow).toBe("GET");
  });

  it("keeps trailing slashes significant: 307 to the slashed collection route, query kept", async () => {
    const res = await ctx.http.get("/v1/customers?limit=1").set(ctx.auth()).redirects(0);
    expect(res.status).toBe(307);
    expect(res.headers.location).toBe(`${ctx.emulator.url}/v1/customers/?limit=1`);
    expect(res.text).toBe("");
    const export_ = await ctx.http.get("/v1/customers/export/").set(ctx.auth()).redirects(0);
    expect(export_.status).toBe(307);
    expect(export_.headers.location).toBe(`${ctx.emulator.url}/v1/customers/export`);
  });
});

describe("request bodies", () => {
  it("answers 411 for a write without Content-Length", async () => {
    const res = await raw(
      "POST",
      "/v1/customers/",
      {
        Authorization: `Bearer ${ctx.emulator.token}`,
        "Content-Type": "application/json",
        "Transfer-Encoding": "chunked",
      },
      JSON.stringify({ email: "chunked@example.com" }),
    );
    expect(res.status).toBe(411);
    expect(JSON.parse(res.body)).toEqual({
      error: "LengthRequired",
      detail: "A Content-Length header is required.",
    });
  });

  it("answers 413 for a body over 10 MiB", async () => {
    const body = JSON.stringify({ email: "big@example.com", name: "x".repeat(10 * 1024 * 1024) });
    const res = await raw(
      "POST",
      "/v1/customers/",
      {
        Authorization: `Bearer ${ctx.emulator.token}`,
        "Content-Type": "application/json",
        "Content-Length": Buffer.byteLength(body),
      },
      body,
    );
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body)).toEqual({
      error: "RequestBodyTooLarge",
      detail: "Request body exceeded the maximum allowed size of 10485760 bytes.",
    });
  });

  it("answers json_invalid for malformed JSON, before authentication", async () => {
    const res = await ctx.http.post("/v1/customers/").set("Content-Type", "application/json").send("{bad");
    expect(res.status).toBe(422);
    expect(res.body).toEqual({
      error: "RequestValidationError",
      detail: [
        {
          type: "json_invalid",
          loc: ["body", 1],
          msg: "JSON decode error",
          input: {},
          ctx: { error: "Expecting property name enclosed in double quotes" },
        },
      ],
    });
  });

  it("answers missing for a required body that is absent", async () => {
    const res = await raw("POST", "/v1/customers/", {
      Authorization: `Bearer ${ctx.emulator.token}`,
      "Content-Length": 0,
    });
    expect(res.status).toBe(422);
    expect(JSON.parse(res.body).detail).toEqual([
      { type: "missing", loc: ["body"], msg: "Field required", input: null },
    ]);
  });
});

describe("schema validation (RequestValidationError)", () => {
  const expectDetail = async (
    res: { status: number; body: { error: string; detail: unknown[] } },
    detail: unknown[],
  ) => {
    expect(res.status).toBe(422);
    expect(res.body.error).toBe("RequestValidationError");
    expect(res.body.detail).toEqual(detail);
  };

  it("reports a missing email inside the tagged union", async () => {
    const res = await ctx.http.post("/v1/customers/").set(ctx.auth()).send({});
    await expectDetail(res, [
      { type: "missing", loc: ["body", "individual", "email"], msg: "Field required", input: {} },
    ]);
  });

  it("reports a bad email with email-validator's reason", async () => {
    const res = await ctx.http.post("/v1/customers/").set(ctx.auth()).send({ email: "not-an-email" });
    await expectDetail(res, [
      {
        type: "value_error",
        loc: ["body", "individual", "email"],
        msg: "value is not a valid email address: An email address must have an @-sign.",
        input: "not-an-email",
        ctx: { reason: "An email address must have an @-sign." },
      },
    ]);
  });

  it("reports an unknown union tag", async () => {
    const res = await ctx.http
      .post("/v1/customers/")
      .set(ctx.auth())
      .send({ type: "company", email: "a@example.com" });
    await expectDetail(res, [
      {
        type: "union_tag_invalid",
        loc: ["body"],
        msg: "Input tag 'company' found using _customer_create_type() does not match any of the expected tags: 'individual', 'team'",
        input: { type: "company", email: "a@example.com" },
        ctx: {
          discriminator: "_customer_create_type()",
          tag: "company",
          expected_tags: "'individual', 'team'",
        },
      },
    ]);
  });

  it("reports the team branch's own errors under its tag", async () => {
    const res = await ctx.http
      .post("/v1/customers/")
      .set(ctx.auth())
      .send({ type: "team", name: "x".repeat(257) });
    await expectDetail(res, [
      {
        type: "string_too_long",
        loc: ["body", "team", "name"],
        msg: "String should have at most 256 characters",
        input: "x".repeat(257),
        ctx: { max_length: 256 },
      },
    ]);
  });

  it("reports query errors with the raw input, in parameter order", async () => {
    const res = await ctx.http
      .get("/v1/customers/?limit=0&sorting=foo&page=abc&active=maybe")
      .set(ctx.auth());
    await expectDetail(res, [
      {
        type: "bool_parsing",
        loc: ["query", "active"],
        msg: "Input should be a valid boolean, unable to interpret input",
        input: "maybe",
      },
      {
        type: "int_parsing",
        loc: ["query", "page"],
        msg: "Input should be a valid integer, unable to parse string as an integer",
        input: "abc",
      },
      {
        type: "greater_than",
        loc: ["query", "limit"],
        msg: "Input should be greater than 0",
        input: "0",
        ctx: { gt: 0 },
      },
      {
        type: "enum",
        loc: ["query", "sorting", 0],
        msg: "Input should be 'created_at', '-created_at', 'email', '-email', 'name' or '-name'",
        input: "foo",
        ctx: { expected: "'created_at', '-created_at', 'email', '-email', 'name' or '-name'" },
      },
    ]);
  });

  it("reports path ids that are not UUIDs, or not version 4", async () => {
    const parsing = await ctx.http.get("/v1/customers/not-a-uuid").set(ctx.auth());
    await expectDetail(parsing, [
      {
        type: "uuid_parsing",
        loc: ["path", "id"],
        msg: "Input should be a valid UUID, invalid character: expected an optional prefix of `urn:uuid:` followed by [0-9a-fA-F-], found `n` at 1",
        input: "not-a-uuid",
        ctx: {
          error:
            "invalid character: expected an optional prefix of `urn:uuid:` followed by [0-9a-fA-F-], found `n` at 1",
        },
      },
    ]);
    const version = await ctx.http.get("/v1/customers/3b2c1d4e-1111-1111-8111-111111111111").set(ctx.auth());
    await expectDetail(version, [
      {
        type: "uuid_version",
        loc: ["path", "id"],
        msg: "UUID version 4 expected",
        input: "3b2c1d4e-1111-1111-8111-111111111111",
        ctx: { expected_version: 4 },
      },
    ]);
  });

  it("reports wrong types and metadata limits in an update", async () => {
    const metadata = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, i]));
    const id = (await ctx.http.get("/v1/customers/?limit=1").set(ctx.auth())).body.items[0].id;
    const res = await ctx.http.patch(`/v1/customers/${id}`).set(ctx.auth()).send({ name: 42, metadata });
    await expectDetail(res, [
      {
        type: "too_long",
        loc: ["body", "metadata"],
        msg: "Dictionary should have at most 50 items after validation, not 51",
        input: metadata,
        ctx: { field_type: "Dictionary", max_length: 50, actual_length: 51 },
      },
      { type: "string_type", loc: ["body", "name"], msg: "Input should be a valid string", input: 42 },
    ]);
  });

  it("refuses the NUL character in declared fields, naming the field, and ignores unknown keys", async () => {
    const body = await ctx.http
      .post("/v1/customers/")
      .set(ctx.auth())
      .send({ email: "nul@example.com", name: "a\u0000b" });
    await expectDetail(body, [
      {
        type: "value_error",
        loc: ["body", "individual", "name"],
        msg: "Value error, This value contains invalid characters",
        input: "a\u0000b",
        ctx: { error: {} },
      },
    ]);
    const key = await ctx.http
      .post("/v1/customers/")
      .set(ctx.auth())
      .send({ email: "nul@example.com", metadata: { "k\u0000": 1 } });
    expect(key.body.detail).toEqual([
      {
        type: "value_error",
        loc: ["body", "individual", "metadata"],
        msg: "Value error, This value contains invalid characters",
        input: { "k\u0000": 1 },
        ctx: { error: {} },
      },
    ]);
    const address = await ctx.http
      .post("/v1/customers/")
      .set(ctx.auth())
      .send({ email: "nul@example.com", billing_address: { country: "FR", city: "P\u0000ris" } });
    expect(address.body.detail[0]).toMatchObject({
      loc: ["body", "individual", "billing_address", "city"],
      input: "P\u0000ris",
    });
    const unknown = await ctx.http
      .post("/v1/customers/")
      .set(ctx.auth())
      .send({ email: "nul-ok@example.com", zzz: "a\u0000b" });
    expect(unknown.status).toBe(201);
  });

  it("answers ResourceNotFound for an unknown id", async () => {
    const res = await ctx.http.get("/v1/customers/3b2c1d4e-1111-4111-8111-111111111111").set(ctx.auth());
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: "ResourceNotFound", detail: "Not found" });
  });
});

describe("regressions found by fuzzing", () => {
  it("accepts every UUID spelling pydantic accepts, for the same id", async () => {
    const alice = (await ctx.http.get("/v1/customers/external/user_alice").set(ctx.auth())).body;
    const spellings = [
      alice.id.toUpperCase(),
      alice.id.replaceAll("-", ""),
      `urn:uuid:${alice.id}`,
      `{${alice.id}}`,
    ];
    for (const id of spellings) {
      const res = await ctx.http.get(`/v1/customers/${encodeURIComponent(id)}`).set(ctx.auth());
      expect(res.status, id).toBe(200);
      expect(res.body.id).toBe(alice.id);
    }
    const org = ctx.emulator.organizationId.replaceAll("-", "").toUpperCase();
    const all = await ctx.http.get("/v1/customers/?limit=1").set(ctx.auth());
    const list = await ctx.http.get(`/v1/customers/?organization_id=${org}&limit=1`).set(ctx.auth());
    expect(list.body.pagination.total_count).toBe(all.body.pagination.total_count);
    expect(list.body.pagination.total_count).toBeGreaterThan(0);
  });

  it("reads query integers like pydantic: 1_000 yes, 1e3 and 0x10 no", async () => {
    const total = (await ctx.http.get("/v1/customers/").set(ctx.auth())).body.pagination.total_count;
    const underscores = await ctx.http.get("/v1/customers/?page=1_0&limit=1_0").set(ctx.auth());
    expect(underscores.status).toBe(200);
    expect(underscores.body).toEqual({
      items: [],
      pagination: { total_count: total, max_page: Math.ceil(total / 10) },
    });
    for (const value of ["1e3", "0x10", "1.5"]) {
      const res = await ctx.http.get(`/v1/customers/?page=${value}`).set(ctx.auth());
      expect(res.status, value).toBe(422);
      expect(res.body.detail).toEqual([
        {
          type: "int_parsing",
          loc: ["query", "page"],
          msg: "Input should be a valid integer, unable to parse string as an integer",
          input: value,
        },
      ]);
    }
  });

  it("answers 400 for JSON nested deeper than Python's json module reads, never a 500", async () => {
    const deep = `{"name":"x","zzz":${"[".repeat(3400)}${"]".repeat(3400)}}`;
    const res = await ctx.http
      .post("/v1/customers/")
      .set(ctx.auth())
      .set("Content-Type", "application/json")
      .send(deep);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ detail: "There was an error parsing the body" });
    const deeper = `{"metadata":{"a":${"[".repeat(5000)}${"]".repeat(5000)}}}`;
    const again = await ctx.http
      .post("/_emulator/organizations")
      .set("Content-Type", "application/json")
      .send(deeper);
    expect(again.status).toBe(400);
    expect(again.headers["content-type"]).toBe("application/json");
  });

  it("requires an owner for a team customer without an email, as a pydantic error", async () => {
    const res = await ctx.http
      .post("/v1/customers/")
      .set(ctx.auth())
      .send({ type: "team", name: "Globex 2" });
    expect(res.status).toBe(422);
    expect(res.body).toEqual({
      error: "RequestValidationError",
      detail: [
        {
          type: "value_error",
          loc: ["body", "team"],
          msg: "Value error, An owner with an email address is required when creating a team customer without an email.",
          input: { type: "team", name: "Globex 2" },
          ctx: { error: {} },
        },
      ],
    });
  });

  it("answers HEAD with 405 like FastAPI, and takes a bare POST on the control plane", async () => {
    const head = await ctx.http.head("/v1/customers/export").set(ctx.auth());
    expect(head.status).toBe(405);
    expect(head.headers.allow).toBe("GET");
    const reset = await raw("POST", "/_emulator/organizations", {});
    expect(reset.status).toBe(201);
  });

  it("validates billing addresses like Polar's Address model", async () => {
    const state = await ctx.http
      .post("/v1/customers/")
      .set(ctx.auth())
      .send({ email: "addr1@example.com", billing_address: { country: "US", state: "ZZ" } });
    expect(state.status).toBe(422);
    expect(state.body.detail).toEqual([
      {
        type: "value_error",
        loc: ["body", "individual", "billing_address"],
        msg: "Value error, Invalid US state",
        input: { country: "US", state: "ZZ" },
        ctx: { error: {} },
      },
    ]);
    const lower = await ctx.http
      .post("/v1/customers/")
      .set(ctx.auth())
      .send({
        email: "addr2@example.com",
        billing_address: { country: "ca", state: "on", city: "   ", line1: "  1 Main St  " },
      });
    expect(lower.status).toBe(422);
    expect(lower.body.detail[0].msg).toBe("Value error, Invalid CA subdivision");
    const ok = await ctx.http
      .post("/v1/customers/")
      .set(ctx.auth())
      .send({
        email: "addr3@example.com",
        billing_address: { country: "ca", state: "ON", city: "   ", line1: "  1 Main St  " },
      });
    expect(ok.status).toBe(201);
    expect(ok.body.billing_address).toEqual({
      line1: "1 Main St",
      line2: null,
      postal_code: null,
      city: null,
      state: "CA-ON",
      country: "CA",
    });
  });

  it("reads a metadata filter key up to its first ]", async () => {
    const a = await ctx.http.get("/v1/customers/?metadata[plan][x]=pro&sorting=email").set(ctx.auth());
    const b = await ctx.http.get("/v1/customers/?metadata[plan]=pro&sorting=email").set(ctx.auth());
    expect(a.status).toBe(200);
    expect(a.body).toEqual(b.body);
    expect(b.body.pagination.total_count).toBeGreaterThan(0);
  });

  it("reports path errors before body errors", async () => {
    const res = await ctx.http.patch("/v1/customers/nope").set(ctx.auth()).send({ name: 1 });
    expect(res.body.detail.map((d: { loc: unknown[] }) => d.loc)).toEqual([
      ["path", "id"],
      ["body", "name"],
    ]);
  });

  it("validates a team's billing address like an individual's (shared schemas in both branches)", async () => {
    const empty = await ctx.http
      .post("/v1/customers/")
      .set(ctx.auth())
      .send({ type: "team", email: "t1@example.com", billing_address: {} });
    expect(empty.status).toBe(422);
    expect(empty.body.detail).toEqual([
      {
        type: "missing",
        loc: ["body", "team", "billing_address", "country"],
        msg: "Field required",
        input: {},
      },
    ]);
    const wrongType = await ctx.http
      .post("/v1/customers/")
      .set(ctx.auth())
      .send({ type: "team", email: "t2@example.com", billing_address: { country: "FR", line1: 5 } });
    expect(wrongType.status).toBe(422);
    expect(wrongType.body.detail).toEqual([
      {
        type: "string_type",
        loc: ["body", "team", "billing_address", "line1"],
        msg: "Input should be a valid string",
        input: 5,
      },
    ]);
  });
});
