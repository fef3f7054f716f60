/** The control plane under /_emulator, determinism and tenant isolation. */
import { readFileSync } from "node:fs";
import supertest from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator } from "../src/index.js";
import { startTestEmulator } from "./helpers.js";

let ctx: Awaited<ReturnType<typeof startTestEmulator>>;
beforeAll(async () => {
  ctx = await startTestEmulator();
});
afterAll(() => ctx.emulator.close());

describe("health and specs", () => {
  it("reports ready with the seed and counts", async () => {
    const res = await ctx.http.get("/_emulator/health");
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: "ready", seed: 1337, organizations: 1, customers: 40 });
    expect(res.headers["polar-version"]).toBeUndefined();
  });

  it("serves both specs as YAML", async () => {
    const polar = await ctx.http.get("/_emulator/openapi/polar.yaml");
    expect(polar.status).toBe(200);
    expect(polar.headers["content-type"]).toMatch(/^application\/yaml/);
    expect(polar.text).toContain("operationId: customers:get_state_external");
    const control = await ctx.http.get("/_emulator/openapi/emulator.yaml");
    expect(control.text).toContain("operationId: emulator:organizations:create");
  });
});

describe("organizations", () => {
  it("creates an isolated tenant with a working token", async () => {
    const res = await ctx.http
      .post("/_emulator/organizations")
      .send({ name: "Tenant A", scopes: ["customers:read", "customers:write"] });
    expect(res.status).toBe(201);
    expect(res.body.token).toMatch(/^polar_oat_[A-Za-z0-9]{43}$/);
    expect(res.body.organization).toMatchObject({ name: "Tenant A", customers: 0 });
    const auth = { Authorization: `Bearer ${res.body.token}` };
    const created = await ctx.http.post("/v1/customers/").set(auth).send({ email: "a@tenant.example.com" });
    expect(created.body.organization_id).toBe(res.body.organization.id);

    // The default organization neither lists nor reaches the tenant's customer, and vice versa.
    const defaultList = await ctx.http.get("/v1/customers/?email=a@tenant.example.com").set(ctx.auth());
    expect(defaultList.body.pagination.total_count).toBe(0);
    expect((await ctx.http.get(`/v1/customers/${created.body.id}`).set(ctx.auth())).status).toBe(404);
    expect((await ctx.http.delete(`/v1/customers/${created.body.id}`).set(ctx.auth())).status).toBe(404);
    const aliceId = (await ctx.http.get("/v1/customers/external/user_alice").set(ctx.auth())).body.id;
    expect((await ctx.http.get(`/v1/customers/${aliceId}`).set(auth)).status).toBe(404);
    expect((await ctx.http.get("/v1/customers/external/user_alice").set(auth)).status).toBe(404);

    const listed = await ctx.http.get("/_emulator/organizations");
    expect(listed.body.items.map((o: { name: string }) => o.name)).toContain("Tenant A");
  });

  it("rejects a bad body with Polar's 422 and creates nothing", async () => {
    const before = (await ctx.http.get("/_emulator/organizations")).body.items.length;
    const res = await ctx.http
      .post("/_emulator/organizations")
      .send({ scopes: ["everything"], color: "red" });
    expect(res.status).toBe(422);
    expect(res.body.error).toBe("RequestValidationError");
    expect(res.body.detail.map((d: { loc: unknown[] }) => d.loc)).toEqual([
      ["body", "color"],
      ["body", "scopes", 0],
    ]);
    expect((await ctx.http.get("/_emulator/organizations")).body.items.length).toBe(before);
  });
});

describe("reset and determinism", () => {
  it("puts back the seeded state: same ids, created customers gone, tenants gone", async () => {
    const first = (await ctx.http.get("/v1/customers/?limit=100").set(ctx.auth())).text;
    await ctx.http.post("/v1/customers/").set(ctx.auth()).send({ email: "temp@example.com" });
    await ctx.http.post("/_emulator/organizations").send({});
    const reset = await ctx.http.post("/_emulator/reset");
    expect(reset.status).toBe(200);
    expect(reset.body).toMatchObject({ status: "ready", organizations: 1, customers: 40 });
    expect((await ctx.http.get("/v1/customers/?limit=100").set(ctx.auth())).text).toBe(first);
  });

  it("gives the same bytes for the same seed, and other ones for another seed", async () => {
    const again = await startEmulator({ seed: 1337 });
    const other = await startEmulator({ seed: 7, customers: 5 });
    try {
      expect(again.token).toBe(ctx.emulator.token);
      expect(again.organizationId).toBe(ctx.emulator.organizationId);
      const page = async (url: string, token: string) =>
        (await supertest(url).get("/v1/customers/?limit=100").set("Authorization", `Bearer ${token}`)).text;
      expect(await page(again.url, again.token)).toBe(await page(ctx.emulator.url, ctx.emulator.token));
      expect(other.token).not.toBe(ctx.emulator.token);
      const otherPage = JSON.parse(await page(other.url, other.token));
      // The default scenario's 8 named customers, then the faker-made ones `customers` asks for.
      expect(otherPage.pagination.total_count).toBe(8 + 5);
    } finally {
      await again.close();
      await other.close();
    }
  });

  it("gives the default organization id and token the README shows", () => {
    const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
    expect(readme).toContain(`access token   ${ctx.emulator.token}`);
    expect(readme).toContain(`(${ctx.emulator.organizationId}), 40 customers`);
  });

  it("scales the generated customers with --customers", async () => {
    const big = await startEmulator({ customers: 1000 });
    try {
      const res = await supertest(big.url).get("/_emulator/health");
      expect(res.body.customers).toBe(1008);
    } finally {
      await big.close();
    }
  });
});
