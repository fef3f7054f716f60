/**
 * Customer sessions over real HTTP (Polar's customer_session/service.py): by customer id or
 * external id, a `polar_cst_` token valid for an hour, the portal URL on the emulator's own base
 * URL, member sessions with the member model, and Polar's refusals.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { post } from "./billing/setup.js";
import { startTestEmulator, tenant } from "./helpers.js";

let t: Awaited<ReturnType<typeof startTestEmulator>>;
beforeAll(async () => {
  t = await startTestEmulator();
});
afterAll(() => t.emulator.close());

describe("customer sessions", () => {
  it("opens a session by customer id or external id", async () => {
    const { headers, organizationId } = tenant(t.emulator);
    const customer = await post(t.http, "/v1/customers/", headers, {
      email: "ada@example.com",
      external_id: "ada",
    });
    const byId = await post(t.http, "/v1/customer-sessions/", headers, {
      customer_id: customer.body.id,
      return_url: "https://example.com",
    });
    expect(byId.status, JSON.stringify(byId.body)).toBe(201);
    expect(Object.keys(byId.body)).toEqual([
      "created_at",
      "modified_at",
      "id",
      "token",
      "expires_at",
      "return_url",
      "customer_portal_url",
      "customer_id",
      "customer",
    ]);
    expect(byId.body.token).toMatch(/^polar_cst_[a-zA-Z0-9]{43}$/);
    expect(byId.body.return_url).toBe("https://example.com/");
    expect(new Date(byId.body.expires_at).getTime() - new Date(byId.body.created_at).getTime()).toBe(
      3_600_000,
    );
    expect(byId.body.customer).toEqual(customer.body);
    const slug = (await t.http.get(`/v1/organizations/${organizationId}`).set(headers)).body.slug;
    const url = new URL(byId.body.customer_portal_url);
    expect(url.origin).toBe(t.emulator.url);
    expect(url.pathname).toBe(`/${slug}/portal`);
    expect(url.searchParams.get("customer_session_token")).toBe(byId.body.token);
    expect(url.searchParams.get("email")).toBe("ada@example.com");

    const byExternal = await post(t.http, "/v1/customer-sessions/", headers, { external_customer_id: "ada" });
    expect(byExternal.status).toBe(201);
    expect(byExternal.body.customer_id).toBe(customer.body.id);
    expect(byExternal.body.return_url).toBeNull();
    expect(byExternal.body.token).not.toBe(byId.body.token);
  });

  it("refuses unknown and foreign customers with Polar's 422", async () => {
    const { headers } = tenant(t.emulator);
    const other = tenant(t.emulator);
    const foreign = await post(t.http, "/v1/customers/", other.headers, {
      email: "x@example.com",
      external_id: "x",
    });
    const unknown = randomUUID();
    const byId = await post(t.http, "/v1/customer-sessions/", headers, { customer_id: foreign.body.id });
    expect(byId.status).toBe(422);
    expect(byId.body).toEqual({
      error: "PolarRequestValidationError",
      detail: [
        {
          type: "value_error",
          loc: ["body", "customer_id"],
          msg: "Customer does not exist.",
          input: foreign.body.id,
        },
      ],
    });
    expect((await post(t.http, "/v1/customer-sessions/", headers, { customer_id: unknown })).status).toBe(
      422,
    );
    const byExternal = await post(t.http, "/v1/customer-sessions/", headers, { external_customer_id: "x" });
    expect(byExternal.body.detail[0]).toEqual({
      type: "value_error",
      loc: ["body", "external_customer_id"],
      msg: "Customer does not exist.",
      input: "x",
    });
    expect((await post(t.http, "/v1/customer-sessions/", headers, {})).status).toBe(422);
    const customer = await post(t.http, "/v1/customers/", headers, {
      email: "u@example.com",
      external_id: "u",
    });
    const notUrl = await post(t.http, "/v1/customer-sessions/", headers, {
      customer_id: customer.body.id,
      return_url: "not a url",
    });
    expect(notUrl.status).toBe(422);
    expect(notUrl.body.detail[0]).toMatchObject({ type: "url_parsing", loc: ["body", "return_url"] });
    const ftp = await post(t.http, "/v1/customer-sessions/", headers, {
      customer_id: customer.body.id,
      return_url: "ftp://example.com",
    });
    expect(ftp.body.detail[0]).toMatchObject({ type: "url_scheme", loc: ["body", "return_url"] });
    // pydantic's alias of external_customer_id.
    const alias = await post(t.http, "/v1/customer-sessions/", headers, { customer_external_id: "u" });
    expect(alias.status).toBe(201);
    expect(alias.body.customer_id).toBe(customer.body.id);
  });

  it("needs customer_sessions:write; a session token is refused on the organization API", async () => {
    const reader = tenant(t.emulator, ["customers:read"]);
    const refused = await post(t.http, "/v1/customer-sessions/", reader.headers, {
      external_customer_id: "a",
    });
    expect(refused.status).toBe(403);
    const { headers } = tenant(t.emulator);
    const customer = await post(t.http, "/v1/customers/", headers, { email: "ada@example.com" });
    const session = await post(t.http, "/v1/customer-sessions/", headers, { customer_id: customer.body.id });
    const orgApi = await t.http.get("/v1/customers/").set({ Authorization: `Bearer ${session.body.token}` });
    expect(orgApi.status).toBe(401);
    expect(orgApi.body).toEqual({ error: "Unauthorized", detail: "Unauthorized" });
  });

  it("opens a member session for the owner when the member model is on", async () => {
    const created = t.emulator.createOrganization({ member_model_enabled: true });
    const headers = { Authorization: `Bearer ${created.token}` };
    const solo = await post(t.http, "/v1/customers/", headers, { email: "solo@example.com" });
    const owned = await post(t.http, "/v1/customer-sessions/", headers, { customer_id: solo.body.id });
    expect(owned.status, JSON.stringify(owned.body)).toBe(201);
    expect(owned.body.token).toMatch(/^polar_mst_[a-zA-Z0-9]{43}$/);
    // Polar's MemberSession.customer_portal_url: customer_session_token (for API compatibility)
    // and the member's email.
    const portal = new URL(owned.body.customer_portal_url);
    expect([...portal.searchParams.keys()]).toEqual(["customer_session_token", "email"]);
    expect(portal.searchParams.get("customer_session_token")).toBe(owned.body.token);
    expect(portal.searchParams.get("email")).toBe("solo@example.com");
    const customer = await post(t.http, "/v1/customers/", headers, {
      email: "team@example.com",
      type: "team",
    });
    const missing = await post(t.http, "/v1/customer-sessions/", headers, { customer_id: customer.body.id });
    expect(missing.body.detail[0]).toEqual({
      type: "value_error",
      loc: ["body", "member_id"],
      msg: "member_id is required for team customers.",
      input: null,
    });
    const members = await t.http.get(`/v1/members/?customer_id=${customer.body.id}`).set(headers);
    const owner = members.body.items[0];
    const session = await post(t.http, "/v1/customer-sessions/", headers, {
      customer_id: customer.body.id,
      member_id: owner.id,
    });
    expect(session.status, JSON.stringify(session.body)).toBe(201);
    expect(session.body.token).toMatch(/^polar_mst_/);
    const wrong = await post(t.http, "/v1/customer-sessions/", headers, {
      customer_id: customer.body.id,
      member_id: randomUUID(),
    });
    expect(wrong.body.detail[0].msg).toBe("Member does not exist for this customer.");
  });
});
