/**
 * Members of customers to the byte (Polar's member/service.py, member/endpoints.py,
 * member/schemas.py, models/member.py and customer/service.py), over real HTTP, each test in its
 * own organization. The expected 422 bodies of the walked member bodies are pydantic 2.13.4's,
 * validating copies of Polar's member models.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestEmulator, tenant } from "./helpers.js";

let ctx: Awaited<ReturnType<typeof startTestEmulator>>;
beforeAll(async () => {
  ctx = await startTestEmulator();
});
afterAll(() => ctx.emulator.close());

type Headers = Record<string, string>;
type Body = Record<string, unknown>;

const MEMBER_KEYS = [
  "id",
  "created_at",
  "modified_at",
  "customer_id",
  "email",
  "name",
  "external_id",
  "role",
];
const ROLE_LITERAL = "<MemberRole.member: 'member'> or <MemberRole.billing_manager: 'billing_manager'>";
const NOT_ENABLED = {
  error: "NotPermitted",
  detail: "Member management is not enabled for this organization",
};
const MEMBER_NOT_FOUND = { error: "ResourceNotFound", detail: "Member not found" };
const CUSTOMER_NOT_FOUND = { error: "ResourceNotFound", detail: "Customer not found" };

/** An organization with Polar's member model, as organizations created since February 2026 have it. */
function memberTenant(scopes?: string[]) {
  const created = ctx.emulator.createOrganization({
    member_model_enabled: true,
    ...(scopes ? { scopes } : {}),
  });
  return { ...created, headers: { Authorization: `Bearer ${created.token}` } };
}

async function customer(headers: Headers, body: Body): Promise<Body & { id: string }> {
  const res = await ctx.http.post("/v1/customers/").set(headers).send(body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

async function team(headers: Headers, extra: Body = {}) {
  return customer(headers, { type: "team", email: "team@example.com", name: "Team", ...extra });
}

function addMember(headers: Headers, customerId: string, body: unknown) {
  return ctx.http
    .post(`/v1/customers/${customerId}/members`)
    .set(headers)
    .send(body as object);
}

async function added(headers: Headers, customerId: string, body: Body): Promise<Body & { id: string }> {
  const res = await addMember(headers, customerId, body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

async function members(headers: Headers, query = "") {
  const res = await ctx.http.get(`/v1/members/${query}`).set(headers);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as { items: Body[]; pagination: { total_count: number; max_page: number } };
}

async function eventsOf(customerId: string, after?: string) {
  const query = after === undefined ? "" : `&after=${after}`;
  const res = await ctx.http.get(`/_emulator/events?customer_id=${customerId}${query}`);
  return res.body.items as { id: string; type: string; data: Body }[];
}

function lastEventId(): string | undefined {
  return ctx.emulator.emulator.context.events.lastId();
}

describe("the member model feature", () => {
  it("is off unless set: adding a member is 403 NotPermitted, after the customer is found", async () => {
    const t = tenant(ctx.emulator);
    const c = await team(t.headers);
    const refused = await addMember(t.headers, c.id, { email: "m@example.com" });
    expect(refused.status).toBe(403);
    expect(refused.body).toEqual(NOT_ENABLED);
    const unknown = await addMember(t.headers, "11111111-1111-4111-8111-111111111111", {
      email: "m@example.com",
    });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual(CUSTOMER_NOT_FOUND);
    // No owner was made with the customer, and nothing was sent about members.
    expect((await members(t.headers)).items).toEqual([]);
    expect((await eventsOf(c.id)).map((event) => event.type)).toEqual([
      "customer.created",
      "customer.state_changed",
    ]);
    const missing = await ctx.http
      .get(`/v1/customers/${c.id}/members/22222222-2222-4222-8222-222222222222`)
      .set(t.headers);
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual(MEMBER_NOT_FOUND);
  });

  it("is set per organization from the control plane, and shown with it", async () => {
    const created = await ctx.http.post("/_emulator/organizations").send({ member_model_enabled: true });
    expect(created.status).toBe(201);
    expect(created.body.organization.member_model_enabled).toBe(true);
    const plain = await ctx.http.post("/_emulator/organizations").send({});
    expect(plain.body.organization.member_model_enabled).toBe(false);
    const headers = { Authorization: `Bearer ${created.body.token}` };
    const c = await team(headers);
    expect((await members(headers, `?customer_id=${c.id}`)).items).toHaveLength(1);
  });
});

describe("the owner, made with the customer", () => {
  it("takes the customer's email, name and external id and date, and comes first in the webhooks", async () => {
    const t = memberTenant();
    const c = await customer(t.headers, { email: "Ann@Example.com", name: "Ann", external_id: "user_ann" });
    const [owner] = (await members(t.headers, `?customer_id=${c.id}`)).items;
    expect(Object.keys(owner)).toEqual(MEMBER_KEYS);
    expect(owner).toMatchObject({
      created_at: c.created_at,
      modified_at: null,
      customer_id: c.id,
      email: "Ann@example.com",
      name: "Ann",
      external_id: "user_ann",
      role: "owner",
    });
    const events = await eventsOf(c.id);
    expect(events.map((event) => event.type)).toEqual([
      "member.created",
      "customer.created",
      "customer.state_changed",
    ]);
    expect(events[0].data).toEqual(owner);
  });

  it("takes the team's `owner` instead, stripped, its email normalized", async () => {
    const t = memberTenant();
    const c = await customer(t.headers, {
      type: "team",
      name: "Acme",
      external_id: "acme",
      owner: { email: "Boss@Example.COM", name: " Boss ", external_id: " boss_1 " },
    });
    expect(c.email).toBeNull();
    const [owner] = (await members(t.headers, `?customer_id=${c.id}`)).items;
    expect(owner).toMatchObject({
      email: "Boss@example.com",
      name: "Boss",
      external_id: "boss_1",
      role: "owner",
    });
    // An empty owner name or external id falls back to the customer's.
    const other = await customer(t.headers, {
      type: "team",
      email: "ops@example.com",
      name: "Ops",
      external_id: "ops",
      owner: { email: "lead@example.com", name: "", external_id: "  " },
    });
    const [lead] = (await members(t.headers, `?customer_id=${other.id}`)).items;
    expect(lead).toMatchObject({ email: "lead@example.com", name: "Ops", external_id: "ops" });
  });

  it("follows an individual customer's new email without a webhook; a team's owner keeps its own", async () => {
    const t = memberTenant();
    const ann = await customer(t.headers, { email: "ann@example.com" });
    const mark = lastEventId();
    const patched = await ctx.http
      .patch(`/v1/customers/${ann.id}`)
      .set(t.headers)
      .send({ email: "ann@new.example" });
    expect(patched.status).toBe(200);
    const [owner] = (await members(t.headers, `?customer_id=${ann.id}`)).items;
    expect(owner).toMatchObject({ email: "ann@new.example", role: "owner" });
    expect(owner.modified_at).toBe(patched.body.modified_at);
    expect((await eventsOf(ann.id, mark)).map((event) => event.type)).toEqual([
      "customer.updated",
      "customer.state_changed",
    ]);
    const crew = await team(t.headers, { owner: { email: "boss@example.com" } });
    await ctx.http.patch(`/v1/customers/${crew.id}`).set(t.headers).send({ email: "crew@example.com" });
    const [boss] = (await members(t.headers, `?customer_id=${crew.id}`)).items;
    expect(boss.email).toBe("boss@example.com");
  });

  it("goes with the customer: deleting it deletes every member first, each with member.deleted", async () => {
    const t = memberTenant();
    const c = await team(t.headers);
    const m = await added(t.headers, c.id, { email: "m@example.com" });
    const mark = lastEventId();
    expect((await ctx.http.delete(`/v1/customers/${c.id}`).set(t.headers)).status).toBe(204);
    const events = await eventsOf(c.id, mark);
    expect(events.map((event) => event.type)).toEqual([
      "member.deleted",
      "member.deleted",
      "customer.deleted",
      "customer.state_changed",
    ]);
    expect(events[1].data).toMatchObject({ id: m.id, email: "m@example.com" });
    expect((await members(t.headers)).items).toEqual([]);
    const gone = await ctx.http.get(`/v1/customers/${c.id}/members/${m.id}`).set(t.headers);
    expect(gone.status).toBe(404);
    expect(gone.body).toEqual(MEMBER_NOT_FOUND);
  });
});

describe("POST /v1/customers/{id}/members", () => {
  it("adds a member of a team (role member by default) with member.created", async () => {
    const t = memberTenant();
    const c = await team(t.headers);
    const mark = lastEventId();
    const res = await addMember(t.headers, c.id, {
      email: "Jane@Example.COM",
      name: "  Jane ",
      external_id: " u_jane ",
      ignored: true,
    });
    expect(res.status).toBe(201);
    expect(Object.keys(res.body)).toEqual(MEMBER_KEYS);
    expect(res.body).toMatchObject({
      modified_at: null,
      customer_id: c.id,
      email: "Jane@example.com",
      name: "Jane",
      external_id: "u_jane",
      role: "member",
    });
    const manager = await added(t.headers, c.id, { email: "bm@example.com", role: "billing_manager" });
    expect(manager.role).toBe("billing_manager");
    expect((await eventsOf(c.id, mark)).map((event) => [event.type, event.data.id])).toEqual([
      ["member.created", res.body.id],
      ["member.created", manager.id],
    ]);
  });

  it("answers an existing member with the same email (any case) as it is, without an event", async () => {
    const t = memberTenant();
    const c = await team(t.headers);
    const first = await added(t.headers, c.id, { email: "same@example.com", name: "First" });
    const mark = lastEventId();
    const again = await addMember(t.headers, c.id, {
      email: "SAME@example.com",
      name: "Second",
      role: "billing_manager",
    });
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first);
    expect(await eventsOf(c.id, mark)).toEqual([]);
  });

  it("refuses an external id another member of the customer has, and changes nothing", async () => {
    const t = memberTenant();
    const c = await team(t.headers, { external_id: "crew" });
    await added(t.headers, c.id, { email: "a@example.com", external_id: "ext_1" });
    const res = await addMember(t.headers, c.id, { email: "b@example.com", external_id: "ext_1" });
    expect(res.status).toBe(422);
    expect(res.body).toEqual({
      error: "PolarRequestValidationError",
      detail: [
        {
          type: "value_error",
          loc: ["body", "external_id"],
          msg: "A member with this external ID already exists for this customer.",
          input: "ext_1",
        },
      ],
    });
    // The owner took the customer's external id: it is taken as well.
    expect((await addMember(t.headers, c.id, { email: "c@example.com", external_id: "crew" })).status).toBe(
      422,
    );
    expect((await members(t.headers, `?customer_id=${c.id}`)).pagination.total_count).toBe(2);
  });

  it("keeps an individual customer to its one member, the owner", async () => {
    const t = memberTenant();
    const c = await customer(t.headers, { email: "solo@example.com" });
    const res = await addMember(t.headers, c.id, { email: "solo@example.com" });
    expect(res.status).toBe(403);
    expect(res.body).toEqual({
      error: "NotPermitted",
      detail:
        "Individual customers can only have one member (the owner). Upgrade to a team customer to add more members.",
    });
    // An upgrade to a team lifts it.
    await ctx.http.patch(`/v1/customers/${c.id}`).set(t.headers).send({ type: "team" });
    expect((await addMember(t.headers, c.id, { email: "two@example.com" })).status).toBe(201);
  });

  it("finds the customer by external id, else answers 404 Customer not found (deleted ones too)", async () => {
    const t = memberTenant();
    const c = await team(t.headers, { external_id: "crew_ext" });
    const res = await ctx.http
      .post("/v1/customers/external/crew_ext/members")
      .set(t.headers)
      .send({ email: "x@example.com", role: "billing_manager" });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ customer_id: c.id, role: "billing_manager" });
    const unknown = await ctx.http
      .post("/v1/customers/external/nobody/members")
      .set(t.headers)
      .send({ email: "x@example.com" });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual(CUSTOMER_NOT_FOUND);
    await ctx.http.delete(`/v1/customers/${c.id}`).set(t.headers);
    const deleted = await addMember(t.headers, c.id, { email: "y@example.com" });
    expect(deleted.status).toBe(404);
    expect(deleted.body).toEqual(CUSTOMER_NOT_FOUND);
    // Another organization's customer is not found either.
    const other = memberTenant();
    expect((await addMember(other.headers, c.id, { email: "z@example.com" })).body).toEqual(
      CUSTOMER_NOT_FOUND,
    );
  });

  it("validates the body like pydantic: email, name length, external id type, the role literal", async () => {
    const t = memberTenant();
    const c = await team(t.headers);
    const long = "x".repeat(257);
    const res = await addMember(t.headers, c.id, {
      email: "nope",
      name: long,
      role: "owner",
      external_id: 5,
      extra: 1,
    });
    expect(res.status).toBe(422);
    expect(res.body).toEqual({
      error: "RequestValidationError",
      detail: [
        {
          type: "value_error",
          loc: ["body", "email"],
          msg: "value is not a valid email address: An email address must have an @-sign.",
          input: "nope",
          ctx: { reason: "An email address must have an @-sign." },
        },
        {
          type: "string_too_long",
          loc: ["body", "name"],
          msg: "String should have at most 256 characters",
          input: long,
          ctx: { max_length: 256 },
        },
        {
          type: "string_type",
          loc: ["body", "external_id"],
          msg: "Input should be a valid string",
          input: 5,
        },
        {
          type: "literal_error",
          loc: ["body", "role"],
          msg: `Input should be ${ROLE_LITERAL}`,
          input: "owner",
          ctx: { expected: ROLE_LITERAL },
        },
      ],
    });
    const missing = await addMember(t.headers, c.id, {});
    expect(missing.body.detail).toEqual([
      { type: "missing", loc: ["body", "email"], msg: "Field required", input: {} },
    ]);
    const nul = await addMember(t.headers, c.id, { email: "a@example.com", name: "a\u0000" });
    expect(nul.body.detail).toEqual([
      {
        type: "value_error",
        loc: ["body", "name"],
        msg: "Value error, This value contains invalid characters",
        input: "a\u0000",
        ctx: { error: {} },
      },
    ]);
    const badId = await addMember(t.headers, "not-a-uuid", { email: "a@example.com" });
    expect(badId.status).toBe(422);
    expect(badId.body.detail[0]).toMatchObject({ type: "uuid_parsing", loc: ["path", "id"] });
    // pydantic's EmailStr takes a `Name <address>` and surrounding spaces.
    const pretty = await added(t.headers, c.id, { email: "John <J@EXAMPLE.com>" });
    expect(pretty.email).toBe("J@example.com");
    expect((await members(t.headers, `?customer_id=${c.id}`)).pagination.total_count).toBe(2);
  });
});

describe("GET /v1/customers/{id}/members/{member_id} and by external ids", () => {
  it("answers a member of that customer only, by any UUID spelling; else 404 Member not found", async () => {
    const t = memberTenant();
    const c = await team(t.headers, { external_id: "crew" });
    const other = await team(t.headers, { email: "other@example.com", external_id: "other" });
    const m = await added(t.headers, c.id, { email: "m@example.com", external_id: "mem_1" });
    const got = await ctx.http.get(`/v1/customers/${c.id}/members/${m.id.toUpperCase()}`).set(t.headers);
    expect(got.status).toBe(200);
    expect(got.body).toEqual(m);
    const wrong = await ctx.http.get(`/v1/customers/${other.id}/members/${m.id}`).set(t.headers);
    expect(wrong.status).toBe(404);
    expect(wrong.body).toEqual(MEMBER_NOT_FOUND);
    // `member_id` is any UUID (`format: uuid`), `id` a version 4 one.
    const v1 = "6ba7b810-9dad-11d1-80b4-00c04fd430c8";
    const any = await ctx.http.get(`/v1/customers/${c.id}/members/${v1}`).set(t.headers);
    expect(any.status).toBe(404);
    const version = await ctx.http.get(`/v1/customers/${v1}/members/${m.id}`).set(t.headers);
    expect(version.status).toBe(422);
    expect(version.body.detail[0]).toMatchObject({ type: "uuid_version", loc: ["path", "id"] });
    const byExternal = await ctx.http.get("/v1/customers/external/crew/members/mem_1").set(t.headers);
    expect(byExternal.status).toBe(200);
    expect(byExternal.body).toEqual(m);
    for (const path of [
      "/v1/customers/external/other/members/mem_1",
      "/v1/customers/external/nobody/members/mem_1",
    ]) {
      const res = await ctx.http.get(path).set(t.headers);
      expect(res.status).toBe(404);
      expect(res.body).toEqual(MEMBER_NOT_FOUND);
    }
    const foreign = memberTenant();
    expect((await ctx.http.get(`/v1/customers/${c.id}/members/${m.id}`).set(foreign.headers)).status).toBe(
      404,
    );
  });
});

describe("PATCH /v1/customers/{id}/members/{member_id}", () => {
  it("changes the name and email given, stamps modified_at and sends member.updated", async () => {
    const t = memberTenant();
    const c = await team(t.headers);
    const m = await added(t.headers, c.id, { email: "m@example.com", name: "M" });
    const mark = lastEventId();
    const res = await ctx.http
      .patch(`/v1/customers/${c.id}/members/${m.id}`)
      .set(t.headers)
      .send({ name: " Mia ", email: "Mia@Example.com" });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: "Mia", email: "Mia@example.com", role: "member" });
    expect(res.body.modified_at).not.toBeNull();
    const events = await eventsOf(c.id, mark);
    expect(events.map((event) => event.type)).toEqual(["member.updated"]);
    expect(events[0].data).toEqual(res.body);
  });

  it("answers an update that changes nothing as it is, without an event", async () => {
    const t = memberTenant();
    const c = await team(t.headers);
    const m = await added(t.headers, c.id, { email: "m@example.com", name: "M" });
    const mark = lastEventId();
    for (const body of [
      {},
      { name: "", email: "m@example.com", role: "member" },
      { name: null, role: null },
    ]) {
      const res = await ctx.http.patch(`/v1/customers/${c.id}/members/${m.id}`).set(t.headers).send(body);
      expect(res.status).toBe(200);
      expect(res.body).toEqual(m);
    }
    expect(await eventsOf(c.id, mark)).toEqual([]);
  });

  it("transfers ownership: the new owner's role, the old one billing manager, one member.updated", async () => {
    const t = memberTenant();
    const c = await team(t.headers, { owner: { email: "boss@example.com" } });
    const [boss] = (await members(t.headers, `?customer_id=${c.id}`)).items;
    const m = await added(t.headers, c.id, { email: "heir@example.com" });
    const mark = lastEventId();
    const res = await ctx.http
      .patch(`/v1/customers/${c.id}/members/${m.id}`)
      .set(t.headers)
      .send({ role: "owner" });
    expect(res.status).toBe(200);
    expect(res.body.role).toBe("owner");
    const demoted = await ctx.http.get(`/v1/customers/${c.id}/members/${boss.id}`).set(t.headers);
    expect(demoted.body.role).toBe("billing_manager");
    expect((await eventsOf(c.id, mark)).map((event) => [event.type, event.data.id])).toEqual([
      ["member.updated", m.id],
    ]);
    expect(
      (await members(t.headers, `?customer_id=${c.id}&role=owner`)).items.map((item) => item.id),
    ).toEqual([m.id]);
  });

  it("keeps exactly one owner, keeps an individual customer's email on its owner, and emails unique", async () => {
    const t = memberTenant();
    const c = await team(t.headers);
    const [owner] = (await members(t.headers, `?customer_id=${c.id}`)).items;
    await added(t.headers, c.id, { email: "taken@example.com" });
    const patch = (id: unknown, body: Body, customerId = c.id) =>
      ctx.http
        .patch(`/v1/customers/${customerId}/members/${String(id)}`)
        .set(t.headers)
        .send(body);
    const demote = await patch(owner.id, { role: "member" });
    expect(demote.status).toBe(422);
    expect(demote.body).toEqual({
      error: "PolarRequestValidationError",
      detail: [
        {
          type: "value_error",
          loc: ["body", "role"],
          msg: "Cannot change role. Customer must have exactly one owner.",
          input: "member",
        },
      ],
    });
    const taken = await patch(owner.id, { email: "TAKEN@example.com", name: "Renamed" });
    expect(taken.status).toBe(422);
    expect(taken.body.detail).toEqual([
      {
        type: "value_error",
        loc: ["body", "email"],
        msg: "A member with this email already exists for this customer.",
        input: "TAKEN@example.com",
      },
    ]);
    const solo = await customer(t.headers, { email: "solo@example.com" });
    const [soloOwner] = (await members(t.headers, `?customer_id=${solo.id}`)).items;
    const individual = await patch(soloOwner.id, { email: "else@example.com" }, solo.id);
    expect(individual.body.detail).toEqual([
      {
        type: "value_error",
        loc: ["body", "email"],
        msg: "Cannot change the email of an individual customer's owner. Update the customer's email instead.",
        input: "else@example.com",
      },
    ]);
    // Nothing changed, the name of the refused update included.
    expect((await ctx.http.get(`/v1/customers/${c.id}/members/${owner.id}`).set(t.headers)).body).toEqual(
      owner,
    );
    const invalid = await patch(owner.id, { role: "boss", email: "x@", name: 3 });
    expect(invalid.body).toEqual({
      error: "RequestValidationError",
      detail: [
        { type: "string_type", loc: ["body", "name"], msg: "Input should be a valid string", input: 3 },
        {
          type: "value_error",
          loc: ["body", "email"],
          msg: "value is not a valid email address: There must be something after the @-sign.",
          input: "x@",
          ctx: { reason: "There must be something after the @-sign." },
        },
        {
          type: "enum",
          loc: ["body", "role"],
          msg: "Input should be 'owner', 'billing_manager' or 'member'",
          input: "boss",
          ctx: { expected: "'owner', 'billing_manager' or 'member'" },
        },
      ],
    });
  });

  it("updates by the customer's and the member's external ids", async () => {
    const t = memberTenant();
    const c = await team(t.headers, { external_id: "crew" });
    const m = await added(t.headers, c.id, { email: "m@example.com", external_id: "m_ext" });
    const res = await ctx.http
      .patch("/v1/customers/external/crew/members/m_ext")
      .set(t.headers)
      .send({ role: "billing_manager" });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: m.id, role: "billing_manager" });
    const unknown = await ctx.http.patch("/v1/customers/external/crew/members/nope").set(t.headers).send({});
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual(MEMBER_NOT_FOUND);
  });
});

describe("DELETE /v1/customers/{id}/members/{member_id}", () => {
  it("deletes a member (204, member.deleted, then 404), never the only owner", async () => {
    const t = memberTenant();
    const c = await team(t.headers, { external_id: "crew" });
    const [owner] = (await members(t.headers, `?customer_id=${c.id}`)).items;
    const only = await ctx.http.delete(`/v1/customers/${c.id}/members/${owner.id}`).set(t.headers);
    expect(only.status).toBe(422);
    expect(only.body).toEqual({
      error: "PolarRequestValidationError",
      detail: [
        {
          type: "value_error",
          loc: ["body"],
          msg: "Cannot delete the only owner. Transfer ownership first.",
          input: owner.id,
        },
      ],
    });
    const m = await added(t.headers, c.id, { email: "m@example.com", external_id: "m_ext" });
    const mark = lastEventId();
    const res = await ctx.http.delete(`/v1/customers/${c.id}/members/${m.id}`).set(t.headers);
    expect(res.status).toBe(204);
    expect(res.text).toBe("");
    const events = await eventsOf(c.id, mark);
    expect(events.map((event) => event.type)).toEqual(["member.deleted"]);
    expect(events[0].data).toMatchObject({ id: m.id, role: "member" });
    expect((await ctx.http.get(`/v1/customers/${c.id}/members/${m.id}`).set(t.headers)).status).toBe(404);
    // Its email and external id are free again.
    const back = await added(t.headers, c.id, { email: "m@example.com", external_id: "m_ext" });
    expect(back.id).not.toBe(m.id);
    const byExternal = await ctx.http.delete("/v1/customers/external/crew/members/m_ext").set(t.headers);
    expect(byExternal.status).toBe(204);
    expect((await members(t.headers, `?customer_id=${c.id}`)).items.map((item) => item.id)).toEqual([
      owner.id,
    ]);
  });

  it("deletes a former owner once ownership moved", async () => {
    const t = memberTenant();
    const c = await team(t.headers);
    const [owner] = (await members(t.headers, `?customer_id=${c.id}`)).items;
    const heir = await added(t.headers, c.id, { email: "heir@example.com" });
    await ctx.http.patch(`/v1/customers/${c.id}/members/${heir.id}`).set(t.headers).send({ role: "owner" });
    expect((await ctx.http.delete(`/v1/customers/${c.id}/members/${owner.id}`).set(t.headers)).status).toBe(
      204,
    );
  });
});

describe("GET /v1/members/", () => {
  it("lists live members newest first, filtered by customer id, external customer id and role", async () => {
    const t = memberTenant();
    const crew = await team(t.headers, { external_id: "crew" });
    const solo = await customer(t.headers, { email: "solo@example.com" });
    const a = await added(t.headers, crew.id, { email: "a@example.com" });
    const b = await added(t.headers, crew.id, { email: "b@example.com", role: "billing_manager" });
    const all = await members(t.headers);
    expect(all.pagination).toEqual({ total_count: 4, max_page: 1 });
    expect(all.items.map((item) => item.email)).toEqual([
      "b@example.com",
      "a@example.com",
      "solo@example.com",
      "team@example.com",
    ]);
    expect((await members(t.headers, "?sorting=created_at")).items[0].email).toBe("team@example.com");
    expect((await members(t.headers, `?customer_id=${solo.id}`)).items.map((item) => item.role)).toEqual([
      "owner",
    ]);
    expect((await members(t.headers, "?external_customer_id=crew&role=member")).items).toEqual([a]);
    expect((await members(t.headers, "?role=billing_manager&limit=1")).items).toEqual([b]);
    const page = await members(t.headers, "?limit=3&page=2");
    expect(page.items).toHaveLength(1);
    expect(page.pagination).toEqual({ total_count: 4, max_page: 2 });
    // Python's UUID() reads the customer id: braces, no hyphens, upper case.
    const braced = `{${crew.id.replaceAll("-", "").toUpperCase()}}`;
    expect(
      (await members(t.headers, `?customer_id=${encodeURIComponent(braced)}`)).pagination.total_count,
    ).toBe(3);
    const invalid = await ctx.http.get("/v1/members/?customer_id=nope").set(t.headers);
    expect(invalid.status).toBe(404);
    expect(invalid.body).toEqual({ error: "ResourceNotFound", detail: "Invalid customer ID format" });
    const badRole = await ctx.http.get("/v1/members/?role=boss").set(t.headers);
    expect(badRole.status).toBe(422);
    expect(badRole.body.detail[0]).toMatchObject({ type: "enum", loc: ["query", "role"] });
    const badSort = await ctx.http.get("/v1/members/?sorting=email").set(t.headers);
    expect(badSort.status).toBe(422);
    // Another organization sees none of them.
    expect((await members(memberTenant().headers)).items).toEqual([]);
  });

  it("needs members:read or members:write; writes need members:write", async () => {
    const reader = memberTenant(["members:read", "customers:write"]);
    const c = await team(reader.headers);
    expect((await members(reader.headers)).items).toHaveLength(1);
    const refused = await addMember(reader.headers, c.id, { email: "m@example.com" });
    expect(refused.status).toBe(403);
    expect(refused.body.error).toBe("insufficient_scope");
    expect(refused.headers["www-authenticate"]).toContain('scope="members:write"');
    const none = memberTenant(["customers:read"]);
    const listed = await ctx.http.get("/v1/members/").set(none.headers);
    expect(listed.status).toBe(403);
    expect(listed.headers["www-authenticate"]).toContain('scope="members:read members:write"');
  });
});

describe("members elsewhere", () => {
  it("are not in the customer state", async () => {
    const t = memberTenant();
    const c = await team(t.headers);
    const state = await ctx.http.get(`/v1/customers/${c.id}/state`).set(t.headers);
    expect(Object.keys(state.body)).not.toContain("members");
    expect(Object.keys(state.body)).not.toContain("owner");
  });

  it("take usage events by member_id: a live member of the organization, else 422 Member not found", async () => {
    const t = memberTenant();
    const c = await team(t.headers);
    const m = await added(t.headers, c.id, { email: "m@example.com" });
    const ingest = (memberId: string) =>
      ctx.http
        .post("/v1/events/ingest")
        .set(t.headers)
        .send({ events: [{ name: "api_call", customer_id: c.id, member_id: memberId }] });
    const ok = await ingest(m.id);
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body).toEqual({ inserted: 1, duplicates: 0 });
    await ctx.http.delete(`/v1/customers/${c.id}/members/${m.id}`).set(t.headers);
    const gone = await ingest(m.id);
    expect(gone.status).toBe(422);
    expect(gone.body.detail).toEqual([
      { type: "member_id", loc: ["body", "events", 0, "member_id"], msg: "Member not found.", input: m.id },
    ]);
  });

  it("are sent on demand from the control plane, a deleted one as member.deleted only", async () => {
    const t = memberTenant();
    const c = await team(t.headers);
    const m = await added(t.headers, c.id, { email: "m@example.com" });
    const sent = await ctx.http.post("/_emulator/webhooks/send").send({ type: "member.updated", id: m.id });
    expect(sent.status, sent.text).toBe(200);
    expect(sent.body.events[0]).toMatchObject({ type: "member.updated", customer_id: c.id, data: m });
    await ctx.http.delete(`/v1/customers/${c.id}/members/${m.id}`).set(t.headers);
    expect(
      (await ctx.http.post("/_emulator/webhooks/send").send({ type: "member.updated", id: m.id })).status,
    ).toBe(404);
    const deleted = await ctx.http
      .post("/_emulator/webhooks/send")
      .send({ type: "member.deleted", id: m.id });
    expect(deleted.status).toBe(200);
  });

  it("round-trip through a snapshot with the organization's member model, byte for byte", async () => {
    const t = memberTenant();
    const c = await team(t.headers, { external_id: "crew" });
    const m = await added(t.headers, c.id, { email: "m@example.com", external_id: "m1" });
    await ctx.http.delete(`/v1/customers/${c.id}/members/${m.id}`).set(t.headers);
    await added(t.headers, c.id, { email: "n@example.com" });
    const taken = await ctx.http.get(`/_emulator/organizations/${t.organizationId}/snapshot`);
    expect(taken.status).toBe(200);
    expect(taken.body.organization.member_model_enabled).toBe(true);
    expect(taken.body.members).toHaveLength(3);
    const before = (await members(t.headers)).items;
    await ctx.http.post(`/_emulator/organizations/${t.organizationId}/reset`);
    expect((await members(t.headers)).items).toEqual([]);
    const restored = await ctx.http
      .put(`/_emulator/organizations/${t.organizationId}/snapshot`)
      .send(taken.body);
    expect(restored.status, restored.text).toBe(200);
    expect((await members(t.headers)).items).toEqual(before);
    const again = await ctx.http.get(`/_emulator/organizations/${t.organizationId}/snapshot`);
    expect(JSON.stringify(again.body)).toBe(JSON.stringify(taken.body));
    // The feature is restored with it: members can still be added.
    expect((await addMember(t.headers, c.id, { email: "o@example.com" })).status).toBe(201);
    // Two live owners of one customer are refused.
    const broken = structuredClone(taken.body);
    broken.members.push({
      ...broken.members[0],
      id: "33333333-3333-4333-8333-333333333333",
      email: "x@example.com",
    });
    const refused = await ctx.http.put(`/_emulator/organizations/${t.organizationId}/snapshot`).send(broken);
    expect(refused.status).toBe(422);
    expect(JSON.stringify(refused.body)).toContain("the owner role");
  });

  it("are made by a fixture that turns the member model on, owners and listed members", async () => {
    const t = tenant(ctx.emulator);
    const loaded = await ctx.http
      .post(`/_emulator/organizations/${t.organizationId}/fixtures`)
      .set("Content-Type", "application/yaml")
      .send(
        [
          "organization: { member_model_enabled: true }",
          "customers:",
          "  - { email: fix@example.com, name: Fix }",
          "  - type: team",
          "    email: crew@example.com",
          "    external_id: crew",
          "    members:",
          "      - { email: Ada@Example.com, role: billing_manager, external_id: u_ada }",
          "      - { email: bob@example.com }",
          "",
        ].join("\n"),
      );
    expect(loaded.status, loaded.text).toBe(200);
    expect(loaded.body.organization.member_model_enabled).toBe(true);
    expect(loaded.body.changed.members).toHaveLength(4);
    const listed = (await members(t.headers, "?sorting=created_at")).items;
    expect(listed.map((item) => [item.email, item.role])).toEqual([
      ["fix@example.com", "owner"],
      ["crew@example.com", "owner"],
      ["Ada@example.com", "billing_manager"],
      ["bob@example.com", "member"],
    ]);
    expect((await ctx.http.get("/v1/customers/external/crew/members/u_ada").set(t.headers)).status).toBe(200);
  });

  it("are refused in a fixture as the API refuses them: the body's model, and the feature", async () => {
    const t = tenant(ctx.emulator);
    const load = (text: string) =>
      ctx.http
        .post(`/_emulator/organizations/${t.organizationId}/fixtures`)
        .set("Content-Type", "application/yaml")
        .send(text);
    const team = "customers:\n  - type: team\n    email: t@example.com\n    members: ";
    const invalid = await load(`${team}[{ email: nope, role: owner }]\n`);
    expect(invalid.status).toBe(422);
    expect(invalid.body.detail.map((detail: Body) => [detail.loc, detail.type])).toEqual([
      [["body", "customers", 0, "members", 0, "email"], "value_error"],
      [["body", "customers", 0, "members", 0, "role"], "literal_error"],
    ]);
    const off = await load(`${team}[{ email: m@example.com }]\n`);
    expect(off.status).toBe(422);
    expect(off.body.detail[0]).toMatchObject({
      loc: ["body", "customers", 0, "members", 0],
      msg: "NotPermitted: Member management is not enabled for this organization",
    });
    expect((await ctx.http.get("/v1/customers/").set(t.headers)).body.items).toEqual([]);
  });
});
