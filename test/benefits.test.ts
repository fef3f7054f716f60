/** Benefits of every type to the byte (Polar's benefit/service.py and strategies), over real HTTP. */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBenefit } from "../src/resources/benefits/service.js";
import { startTestEmulator, tenant } from "./helpers.js";

let ctx: Awaited<ReturnType<typeof startTestEmulator>>;
beforeAll(async () => {
  ctx = await startTestEmulator();
});
afterAll(() => ctx.emulator.close());

const BENEFIT_KEYS = [
  "id",
  "created_at",
  "modified_at",
  "type",
  "description",
  "selectable",
  "deletable",
  "is_deleted",
  "organization_id",
  "metadata",
  "visibility",
  "properties",
  "visibility_configurable",
];
const ISO_Z = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{6})?Z$/;

type Headers = Record<string, string>;
type Body = Record<string, unknown>;

async function create(headers: Headers, body: Body) {
  return ctx.http.post("/v1/benefits/").set(headers).send(body);
}

async function created(headers: Headers, body: Body): Promise<Body> {
  const res = await create(headers, body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as Body;
}

async function list(headers: Headers, query: string) {
  const res = await ctx.http.get(`/v1/benefits/${query}`).set(headers);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as { items: Body[]; pagination: { total_count: number; max_page: number } };
}

const descriptions = (items: Body[]) => items.map((item) => item.description);

/** A meter in the organization's store (meters have their own API, not under test here). */
function addMeter(organizationId: string): string {
  const id = randomUUID();
  ctx.emulator.emulator.context.store.partition(organizationId).meters.set(id, {
    id,
    organization_id: organizationId,
    created_at: new Date(),
    modified_at: null,
    name: "Credits",
    unit: "scalar",
    custom_label: null,
    custom_multiplier: null,
    filter: { conjunction: "and", clauses: [] },
    aggregation: { func: "count" },
    metadata: {},
    archived_at: null,
  });
  return id;
}

function polarError(body: Body, detail: Body[]) {
  expect(body).toEqual({ error: "PolarRequestValidationError", detail });
}

describe("create", () => {
  it("creates a custom benefit: every key in order, note null by default, public and configurable", async () => {
    const { headers, organizationId } = tenant(ctx.emulator);
    const res = await create(headers, {
      type: "custom",
      description: "Priority support",
      metadata: { tier: "gold", level: 2 },
      properties: {},
    });
    expect(res.status).toBe(201);
    expect(Object.keys(res.body)).toEqual(BENEFIT_KEYS);
    expect(res.body).toMatchObject({
      modified_at: null,
      type: "custom",
      description: "Priority support",
      selectable: true,
      deletable: true,
      is_deleted: false,
      organization_id: organizationId,
      metadata: { tier: "gold", level: 2 },
      visibility: "public",
      properties: { note: null },
      visibility_configurable: true,
    });
    expect(res.body.created_at).toMatch(ISO_Z);

    const noted = await created(headers, {
      type: "custom",
      description: "Onboarding call",
      visibility: "private",
      properties: { note: "Book at https://cal.example" },
    });
    expect(noted).toMatchObject({
      visibility: "private",
      properties: { note: "Book at https://cal.example" },
    });
  });

  it("creates a discord benefit with the server's guild_id, always public, no guild token back", async () => {
    const { headers } = tenant(ctx.emulator);
    const plain = await created(headers, {
      type: "discord",
      description: "Discord role",
      visibility: "public",
      properties: { guild_id: "1122334455", role_id: "998877", kick_member: true },
    });
    // Polar's BenefitDiscordProperties now (benefit/strategies/discord/schemas.py).
    expect(plain.properties).toEqual({ guild_id: "1122334455", role_id: "998877", kick_member: true });
    expect(plain).toMatchObject({ visibility: "public", visibility_configurable: false });

    // The guild token of older clients is no field of the model any more: ignored, and guild_id is missing.
    const res = await ctx.http
      .post("/v1/benefits/")
      .set(headers)
      .send({
        type: "discord",
        description: "Old",
        properties: { guild_token: "x", role_id: "1", kick_member: false },
      });
    expect(res.status).toBe(422);
    expect(res.body.detail).toEqual([
      {
        type: "missing",
        loc: ["body", "discord", "properties", "guild_id"],
        msg: "Field required",
        input: { guild_token: "x", role_id: "1", kick_member: false },
      },
    ]);
  });

  it("creates a downloadables benefit with archived {} by default and canonical file ids", async () => {
    const { headers } = tenant(ctx.emulator);
    const file = randomUUID();
    const benefit = await created(headers, {
      type: "downloadables",
      description: "E-book",
      properties: { files: [file.toUpperCase()] },
    });
    expect(benefit.properties).toEqual({ archived: {}, files: [file] });
    const archived = await created(headers, {
      type: "downloadables",
      description: "Old e-book",
      properties: { files: [file], archived: { [file.toUpperCase()]: true } },
    });
    expect(archived.properties).toEqual({ archived: { [file]: true }, files: [file] });
  });

  it("creates a license keys benefit: every property present, the prefix stripped", async () => {
    const { headers } = tenant(ctx.emulator);
    const bare = await created(headers, { type: "license_keys", description: "License", properties: {} });
    expect(bare.properties).toEqual({ prefix: null, expires: null, activations: null, limit_usage: null });
    expect(bare.visibility_configurable).toBe(true);

    const full = await created(headers, {
      type: "license_keys",
      description: "Pro license",
      visibility: "draft",
      properties: {
        prefix: "  PRO  ",
        expires: { ttl: 12, timeframe: "month" },
        activations: { limit: 3, enable_customer_admin: true },
        limit_usage: 100,
      },
    });
    expect(full).toMatchObject({
      visibility: "draft",
      properties: {
        prefix: "PRO",
        expires: { ttl: 12, timeframe: "month" },
        activations: { limit: 3, enable_customer_admin: true },
        limit_usage: 100,
      },
    });
    const blank = await created(headers, {
      type: "license_keys",
      description: "Blank",
      properties: { prefix: " " },
    });
    expect((blank.properties as Body).prefix).toBeNull();
  });

  it("refuses a license key lifetime over Polar's maximum for its timeframe", async () => {
    const { headers } = tenant(ctx.emulator);
    const expires = { ttl: 458, timeframe: "year" };
    const res = await create(headers, {
      type: "license_keys",
      description: "Forever",
      properties: { expires },
    });
    expect(res.status).toBe(422);
    expect(res.body).toEqual({
      error: "RequestValidationError",
      detail: [
        {
          type: "value_error",
          loc: ["body", "license_keys", "properties", "expires"],
          msg: "Value error, ttl value 458 exceeds the maximum of 457 for timeframe 'year'.",
          input: expires,
          ctx: { error: {} },
        },
      ],
    });
  });

  it("creates a meter credit benefit on a meter of the organization only", async () => {
    const { headers, organizationId } = tenant(ctx.emulator);
    const meterId = addMeter(organizationId);
    const benefit = await created(headers, {
      type: "meter_credit",
      description: "1000 credits",
      properties: { units: 1000, rollover: true, meter_id: meterId.toUpperCase() },
    });
    expect(benefit.properties).toEqual({ units: 1000, rollover: true, meter_id: meterId });
    expect(benefit.visibility).toBe("public");

    const foreign = addMeter(tenant(ctx.emulator).organizationId);
    const res = await create(headers, {
      type: "meter_credit",
      description: "Foreign credits",
      properties: { units: 5, rollover: false, meter_id: foreign },
    });
    expect(res.status).toBe(422);
    polarError(res.body, [
      {
        type: "value_error",
        loc: ["body", "properties", "meter_id"],
        msg: "This meter does not exist.",
        input: foreign,
      },
    ]);
  });

  it("creates a feature flag benefit, private unless told otherwise", async () => {
    const { headers } = tenant(ctx.emulator);
    const flag = await created(headers, { type: "feature_flag", description: "Beta access", properties: {} });
    expect(flag).toMatchObject({ visibility: "private", properties: {}, visibility_configurable: true });
    const shown = await created(headers, {
      type: "feature_flag",
      description: "Shown flag",
      visibility: "public",
      properties: {},
    });
    expect(shown.visibility).toBe("public");
  });

  it("refuses GitHub repository benefits with an organization token, as Polar does", async () => {
    const { headers } = tenant(ctx.emulator);
    const res = await create(headers, {
      type: "github_repository",
      description: "Repo access",
      properties: { repository_owner: "polarsource", repository_name: "private_repo", permission: "pull" },
    });
    expect(res.status).toBe(422);
    polarError(res.body, [
      {
        type: "invalid_auth_subject",
        loc: ["body", "properties", "repository_owner"],
        msg: "We do not yet support creating this benefit with an organization token.",
        input: "polarsource",
      },
    ]);
  });

  it("refuses Slack shared channels, off for every new organization", async () => {
    const { headers } = tenant(ctx.emulator);
    const res = await create(headers, {
      type: "slack_shared_channel",
      description: "Shared channel",
      properties: { slack_integration_id: randomUUID(), channel_name_template: "{customer_name}" },
    });
    expect(res.status).toBe(422);
    polarError(res.body, [
      {
        type: "value_error",
        loc: ["body", "type"],
        msg: "Slack shared channel benefit is not enabled for this organization.",
        input: "slack_shared_channel",
      },
    ]);
  });

  it("refuses a visibility other than public for types that cannot configure it", async () => {
    const { headers } = tenant(ctx.emulator);
    const res = await create(headers, {
      type: "downloadables",
      description: "Hidden files",
      visibility: "private",
      properties: { files: [randomUUID()] },
    });
    expect(res.status).toBe(422);
    polarError(res.body, [
      {
        type: "value_error",
        loc: ["body", "visibility"],
        msg: "Visibility is not configurable for this benefit type and must be public.",
        input: "private",
      },
    ]);
  });

  it("refuses organization_id with an organization token", async () => {
    const { headers, organizationId } = tenant(ctx.emulator);
    const res = await create(headers, {
      type: "custom",
      description: "Scoped",
      organization_id: organizationId,
      properties: {},
    });
    expect(res.status).toBe(422);
    polarError(res.body, [
      {
        type: "organization_token",
        loc: ["body", "organization_id"],
        msg: "Setting organization_id is disallowed when using an organization token.",
        input: organizationId,
      },
    ]);
  });

  it("emits benefit.created with the object answered, and nothing when refused", async () => {
    const { headers, organizationId } = tenant(ctx.emulator);
    await create(headers, {
      type: "meter_credit",
      description: "No meter",
      properties: { units: 1, rollover: false, meter_id: randomUUID() },
    });
    expect(ctx.emulator.emulator.context.events.list({ organizationId })).toEqual([]);
    const benefit = await created(headers, { type: "custom", description: "Evented", properties: {} });
    const events = ctx.emulator.emulator.context.events.list({ organizationId });
    expect(events.map((event) => event.type)).toEqual(["benefit.created"]);
    expect(events[0]).toMatchObject({ customerId: null, subjectId: benefit.id, data: benefit });
  });
});

describe("get", () => {
  it("answers the benefit, 404 for an unknown, foreign or deleted id", async () => {
    const { headers, organizationId } = tenant(ctx.emulator);
    const other = tenant(ctx.emulator);
    const benefit = await created(headers, { type: "custom", description: "Mine", properties: {} });
    const res = await ctx.http.get(`/v1/benefits/${benefit.id}`).set(headers);
    expect(res.status).toBe(200);
    expect(res.body).toEqual(benefit);

    // A GitHub benefit, created the way a fixture does, reads back like the others.
    const github = createBenefit(ctx.emulator.emulator.context, organizationId, {
      type: "github_repository",
      description: "Repository",
      properties: { repository_owner: "acme", repository_name: "app", permission: "push" },
    });
    const read = await ctx.http.get(`/v1/benefits/${github.id}`).set(headers);
    expect(read.body).toMatchObject({
      type: "github_repository",
      visibility: "public",
      properties: { repository_owner: "acme", repository_name: "app", permission: "push" },
      visibility_configurable: false,
    });

    const deleted = createBenefit(ctx.emulator.emulator.context, organizationId, {
      type: "custom",
      description: "Deleted",
      properties: {},
    });
    deleted.is_deleted = true;
    for (const [id, who] of [
      [randomUUID(), headers],
      [benefit.id, other.headers],
      [deleted.id, headers],
    ] as const) {
      const missing = await ctx.http.get(`/v1/benefits/${String(id)}`).set(who);
      expect(missing.status).toBe(404);
      expect(missing.body).toEqual({ error: "ResourceNotFound", detail: "Not found" });
    }
  });
});

describe("list", () => {
  it("lists newest first, paginated, scoped to the organization, without deleted benefits", async () => {
    const { headers, organizationId } = tenant(ctx.emulator);
    const other = tenant(ctx.emulator);
    for (const description of ["First", "Second", "Third"]) {
      await created(headers, { type: "custom", description, properties: {} });
    }
    await created(other.headers, { type: "custom", description: "Foreign", properties: {} });
    const gone = createBenefit(ctx.emulator.emulator.context, organizationId, {
      type: "custom",
      description: "Gone",
      properties: {},
    });
    gone.is_deleted = true;

    const all = await list(headers, "");
    expect(descriptions(all.items)).toEqual(["Third", "Second", "First"]);
    expect(all.pagination).toEqual({ total_count: 3, max_page: 1 });
    expect(Object.keys(all.items[0])).toEqual(BENEFIT_KEYS);
    const second = await list(headers, "?limit=2&page=2");
    expect(descriptions(second.items)).toEqual(["First"]);
    expect(second.pagination).toEqual({ total_count: 3, max_page: 2 });
    expect(await list(headers, `?organization_id=${other.organizationId}`)).toEqual({
      items: [],
      pagination: { total_count: 0, max_page: 0 },
    });
  });

  it("filters by type, id, excluded id, description query and metadata", async () => {
    const { headers } = tenant(ctx.emulator);
    const custom = await created(headers, {
      type: "custom",
      description: "VIP_support",
      metadata: { group: "support" },
      properties: {},
    });
    const flag = await created(headers, {
      type: "feature_flag",
      description: "Beta features",
      metadata: { group: "product", rank: 1 },
      properties: {},
    });
    const license = await created(headers, {
      type: "license_keys",
      description: "License key",
      properties: {},
    });

    expect(descriptions((await list(headers, "?type=custom")).items)).toEqual(["VIP_support"]);
    expect(descriptions((await list(headers, "?type=custom&type=license_keys")).items)).toEqual([
      "License key",
      "VIP_support",
    ]);
    expect(descriptions((await list(headers, `?id=${custom.id}&id=${flag.id}`)).items)).toEqual([
      "Beta features",
      "VIP_support",
    ]);
    expect(
      descriptions((await list(headers, `?exclude_id=${license.id}&exclude_id=${flag.id}`)).items),
    ).toEqual(["VIP_support"]);
    expect(descriptions((await list(headers, "?query=BETA")).items)).toEqual(["Beta features"]);
    expect(descriptions((await list(headers, "?query=p_s")).items)).toEqual(["VIP_support"]);
    expect(descriptions((await list(headers, "?query=a%20f")).items)).toEqual(["Beta features"]);
    // Characters that are special in a regular expression are plain text in a query (a 500 once).
    expect((await list(headers, `?query=${encodeURIComponent("Û-(")}`)).items).toEqual([]);
    expect(
      descriptions((await list(headers, "?metadata[group]=support&metadata[group]=product")).items),
    ).toEqual(["Beta features", "VIP_support"]);
    expect(descriptions((await list(headers, "?metadata[rank]=1")).items)).toEqual(["Beta features"]);
    expect((await list(headers, "?metadata[group]=support&metadata[rank]=1")).items).toEqual([]);
  });

  it("sorts by description, type, creation and the order of an id filter", async () => {
    const { headers } = tenant(ctx.emulator);
    const a = await created(headers, { type: "license_keys", description: "Charlie", properties: {} });
    const b = await created(headers, { type: "custom", description: "Alpha", properties: {} });
    const c = await created(headers, { type: "feature_flag", description: "Bravo", properties: {} });

    expect(descriptions((await list(headers, "?sorting=description")).items)).toEqual([
      "Alpha",
      "Bravo",
      "Charlie",
    ]);
    expect(descriptions((await list(headers, "?sorting=-description")).items)).toEqual([
      "Charlie",
      "Bravo",
      "Alpha",
    ]);
    expect(descriptions((await list(headers, "?sorting=type")).items)).toEqual(["Alpha", "Bravo", "Charlie"]);
    expect(descriptions((await list(headers, "?sorting=created_at")).items)).toEqual([
      "Charlie",
      "Alpha",
      "Bravo",
    ]);
    const ids = `?id=${c.id}&id=${a.id}&id=${b.id}`;
    expect(descriptions((await list(headers, `${ids}&sorting=user_order`)).items)).toEqual([
      "Bravo",
      "Charlie",
      "Alpha",
    ]);
    expect(descriptions((await list(headers, `${ids}&sorting=-user_order`)).items)).toEqual([
      "Alpha",
      "Charlie",
      "Bravo",
    ]);
    // Without an id filter, user_order alone orders by nothing: the order of creation.
    expect(descriptions((await list(headers, "?sorting=user_order")).items)).toEqual([
      "Charlie",
      "Alpha",
      "Bravo",
    ]);

    const bad = await ctx.http.get("/v1/benefits/?type=coupon").set(headers);
    expect(bad.status).toBe(422);
  });
});
