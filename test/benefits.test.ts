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

/** A customer of the organization, over the API. */
async function customer(headers: Headers, email = `${randomUUID()}@example.com`): Promise<Body> {
  const res = await ctx.http.post("/v1/customers/").set(headers).send({ email });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as Body;
}

/** Grants a benefit to a customer through the control plane. */
async function grant(organizationId: string, customerId: unknown, benefitId: unknown): Promise<Body> {
  const res = await ctx.http
    .post("/_emulator/benefit-grants")
    .send({ organization_id: organizationId, customer_id: customerId, benefit_id: benefitId });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.grant as Body;
}

function journal(organizationId: string, after: string | undefined) {
  return ctx.emulator.emulator.context.events.list({ organizationId, after });
}

async function patch(headers: Headers, id: unknown, body: unknown) {
  return ctx.http
    .patch(`/v1/benefits/${String(id)}`)
    .set(headers)
    .send(body as object);
}

async function patched(headers: Headers, id: unknown, body: unknown): Promise<Body> {
  const res = await patch(headers, id, body);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as Body;
}

describe("update", () => {
  it("changes the fields sent; benefit.updated shows modified_at as Polar's payload has it, before the flush", async () => {
    const { headers, organizationId } = tenant(ctx.emulator);
    const benefit = await created(headers, {
      type: "custom",
      description: "Support",
      metadata: { level: "gold" },
      properties: { note: "Old" },
    });
    const after = ctx.emulator.emulator.context.events.lastId();
    const body = await patched(headers, benefit.id, {
      type: "custom",
      description: "Priority support",
      visibility: "private",
      metadata: { level: "platinum" },
      properties: { note: "Write to us" },
    });
    expect(Object.keys(body)).toEqual(BENEFIT_KEYS);
    expect(body).toMatchObject({
      id: benefit.id,
      created_at: benefit.created_at,
      description: "Priority support",
      visibility: "private",
      metadata: { level: "platinum" },
      properties: { note: "Write to us" },
    });
    expect(body.modified_at).toMatch(ISO_Z);
    expect((await ctx.http.get(`/v1/benefits/${benefit.id}`).set(headers)).body).toEqual(body);
    const events = journal(organizationId, after);
    expect(events.map((event) => event.type)).toEqual(["benefit.updated"]);
    expect(events[0]).toMatchObject({
      customerId: null,
      subjectId: benefit.id,
      data: { ...body, modified_at: null },
    });
  });

  it("keeps modified_at when nothing changes; a null description is left as it is", async () => {
    const { headers } = tenant(ctx.emulator);
    const benefit = await created(headers, { type: "feature_flag", description: "Beta", properties: {} });
    expect(await patched(headers, benefit.id, { type: "feature_flag" })).toEqual(benefit);
    expect(
      await patched(headers, benefit.id, { type: "feature_flag", description: null, visibility: "private" }),
    ).toEqual(benefit);
  });

  it("resolves a null visibility to the type's default and ignores it where the type has none", async () => {
    const { headers } = tenant(ctx.emulator);
    const flag = await created(headers, {
      type: "feature_flag",
      description: "Beta",
      visibility: "public",
      properties: {},
    });
    expect((await patched(headers, flag.id, { type: "feature_flag", visibility: null })).visibility).toBe(
      "private",
    );
    const custom = await created(headers, {
      type: "custom",
      description: "Swag",
      visibility: "private",
      properties: {},
    });
    expect((await patched(headers, custom.id, { type: "custom", visibility: null })).visibility).toBe(
      "public",
    );
    // BenefitDownloadablesUpdate has no visibility field: the key is ignored.
    const files = await created(headers, {
      type: "downloadables",
      description: "E-book",
      properties: { files: [randomUUID()] },
    });
    expect(
      (await patched(headers, files.id, { type: "downloadables", visibility: "private" })).visibility,
    ).toBe("public");
  });

  it("never changes the type; answers with the benefit's own type", async () => {
    const { headers } = tenant(ctx.emulator);
    const benefit = await created(headers, { type: "custom", description: "Swag", properties: {} });
    const res = await patch(headers, benefit.id, { type: "feature_flag", description: "Flag" });
    expect(res.status).toBe(422);
    polarError(res.body, [
      { type: "value_error", loc: ["body", "type"], msg: "Benefit type cannot be changed.", input: "custom" },
    ]);
    expect((await ctx.http.get(`/v1/benefits/${benefit.id}`).set(headers)).body).toEqual(benefit);
  });

  it("checks new properties as creation does: the meter, GitHub with an organization token", async () => {
    const { headers, organizationId } = tenant(ctx.emulator);
    const meterId = addMeter(organizationId);
    const credits = await created(headers, {
      type: "meter_credit",
      description: "Credits",
      properties: { meter_id: meterId, units: 10, rollover: false },
    });
    const unknown = randomUUID();
    const res = await patch(headers, credits.id, {
      type: "meter_credit",
      properties: { meter_id: unknown, units: 20, rollover: true },
    });
    polarError(res.body, [
      {
        type: "value_error",
        loc: ["body", "properties", "meter_id"],
        msg: "This meter does not exist.",
        input: unknown,
      },
    ]);
    const more = await patched(headers, credits.id, {
      type: "meter_credit",
      properties: { meter_id: meterId, units: 20, rollover: true },
    });
    expect(more.properties).toEqual({ units: 20, rollover: true, meter_id: meterId });

    const github = createBenefit(ctx.emulator.emulator.context, organizationId, {
      type: "github_repository",
      description: "Repository access",
      properties: { repository_owner: "acme", repository_name: "sdk", permission: "pull" },
    });
    const refused = await patch(headers, github.id, {
      type: "github_repository",
      properties: { repository_owner: "acme", repository_name: "sdk", permission: "push" },
    });
    polarError(refused.body, [
      {
        type: "invalid_auth_subject",
        loc: ["body", "properties", "repository_owner"],
        msg: "We do not yet support creating this benefit with an organization token.",
        input: "acme",
      },
    ]);
    expect(
      (await patched(headers, github.id, { type: "github_repository", description: "Repository" }))
        .description,
    ).toBe("Repository");
  });

  it("grants the benefit again when its change reaches the grants: benefit_grant.updated, then the state", async () => {
    const { headers, organizationId } = tenant(ctx.emulator);
    const discord = await created(headers, {
      type: "discord",
      description: "Discord role",
      properties: { guild_id: "1122", role_id: "r1", kick_member: false },
    });
    const alice = await customer(headers);
    const before = await grant(organizationId, alice.id, discord.id);
    const after = ctx.emulator.emulator.context.events.lastId();
    const body = await patched(headers, discord.id, {
      type: "discord",
      properties: { guild_id: "1122", role_id: "r2", kick_member: false },
    });
    expect(body.properties).toMatchObject({ guild_id: "1122", role_id: "r2" });
    const events = journal(organizationId, after);
    expect(events.map((event) => event.type)).toEqual([
      "benefit.updated",
      "benefit_grant.updated",
      "customer.state_changed",
    ]);
    // Looking the grants up flushed the change before the payload was built.
    expect(events[0].data).toEqual(body);
    const updated = events[1].data as Body;
    expect(updated).toMatchObject({
      id: before.id,
      is_granted: true,
      benefit: body,
      properties: { guild_id: "1122", role_id: "r2" },
      previous_properties: before.properties,
    });
    expect(updated.granted_at).toMatch(ISO_Z);

    // A description alone reaches no grant.
    const quiet = ctx.emulator.emulator.context.events.lastId();
    await patched(headers, discord.id, { type: "discord", description: "Discord roles" });
    expect(journal(organizationId, quiet).map((event) => event.type)).toEqual(["benefit.updated"]);
  });

  it("validates the body as pydantic's smart union of the update models", async () => {
    const { headers } = tenant(ctx.emulator);
    const benefit = await created(headers, { type: "custom", description: "Swag", properties: {} });
    const models: [string, string, boolean][] = [
      ["BenefitCustomUpdate", "custom", true],
      ["BenefitDiscordUpdate", "discord", false],
      ["BenefitGitHubRepositoryUpdate", "github_repository", false],
      ["BenefitDownloadablesUpdate", "downloadables", false],
      ["BenefitLicenseKeysUpdate", "license_keys", true],
      ["BenefitMeterCreditUpdate", "meter_credit", true],
      ["BenefitFeatureFlagUpdate", "feature_flag", true],
      ["BenefitSlackSharedChannelUpdate", "slack_shared_channel", false],
    ];
    const literal = (model: string, type: string, input: unknown) => ({
      type: "literal_error",
      loc: ["body", model, "type"],
      msg: `Input should be <BenefitType.${type}: '${type}'>`,
      input,
      ctx: { expected: `<BenefitType.${type}: '${type}'>` },
    });
    const res = await patch(headers, benefit.id, { type: "custom", description: "ab" });
    expect(res.status).toBe(422);
    expect(res.body).toEqual({
      error: "RequestValidationError",
      detail: models.flatMap(([model, type]) => [
        {
          type: "string_too_short",
          loc: ["body", model, "description"],
          msg: "String should have at least 3 characters",
          input: "ab",
          ctx: { min_length: 3 },
        },
        ...(type === "custom" ? [] : [literal(model, type, "custom")]),
      ]),
    });
    const missing = await patch(headers, benefit.id, {});
    expect(missing.body.detail).toEqual(
      models.map(([model]) => ({
        type: "missing",
        loc: ["body", model, "type"],
        msg: "Field required",
        input: {},
      })),
    );
    const unknown = await patch(headers, benefit.id, { type: "articles" });
    expect(unknown.body.detail).toEqual(models.map(([model, type]) => literal(model, type, "articles")));
  });

  it("answers 404 for an unknown, foreign or deleted benefit, and needs benefits:write", async () => {
    const { headers } = tenant(ctx.emulator);
    const foreign = await created(tenant(ctx.emulator).headers, {
      type: "custom",
      description: "Theirs",
      properties: {},
    });
    const gone = await created(headers, { type: "custom", description: "Gone", properties: {} });
    expect((await ctx.http.delete(`/v1/benefits/${gone.id}`).set(headers)).status).toBe(204);
    for (const id of [randomUUID(), foreign.id, gone.id]) {
      const res = await patch(headers, id, { type: "custom", description: "Mine" });
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ error: "ResourceNotFound", detail: "Not found" });
    }
    const reader = tenant(ctx.emulator, ["benefits:read"]);
    const own = await created(tenant(ctx.emulator).headers, {
      type: "custom",
      description: "Own",
      properties: {},
    });
    expect((await patch(reader.headers, own.id, { type: "custom" })).status).toBe(403);
  });
});

describe("delete", () => {
  it("answers 204, leaves the products and lists, revokes every grant still granted, then answers 404", async () => {
    const { headers, organizationId } = tenant(ctx.emulator);
    const beta = await created(headers, { type: "feature_flag", description: "Beta", properties: {} });
    const kept = await created(headers, { type: "custom", description: "Swag", properties: {} });
    const product = (
      await ctx.http
        .post("/v1/products/")
        .set(headers)
        .send({ name: "Pro", prices: [{ amount_type: "fixed", price_amount: 1000 }] })
    ).body as Body;
    await ctx.http
      .post(`/v1/products/${product.id}/benefits`)
      .set(headers)
      .send({ benefits: [beta.id, kept.id] });
    const [alice, bob] = [await customer(headers), await customer(headers)];
    const aliceGrant = await grant(organizationId, alice.id, beta.id);
    await grant(organizationId, bob.id, beta.id);
    await ctx.http
      .post("/_emulator/benefit-grants/revoke")
      .send({ organization_id: organizationId, customer_id: bob.id, benefit_id: beta.id });
    const after = ctx.emulator.emulator.context.events.lastId();

    const res = await ctx.http.delete(`/v1/benefits/${beta.id}`).set(headers);
    expect(res.status).toBe(204);
    expect(res.text).toBe("");
    const events = journal(organizationId, after);
    expect(events.map((event) => event.type)).toEqual([
      "benefit.updated",
      "benefit_grant.revoked",
      "customer.state_changed",
    ]);
    const shown = events[0].data as Body;
    expect(shown).toMatchObject({ id: beta.id, is_deleted: true });
    expect(shown.modified_at).toMatch(ISO_Z);
    expect(events[1].data).toMatchObject({
      id: aliceGrant.id,
      customer_id: alice.id,
      is_granted: false,
      is_revoked: true,
      benefit: shown,
    });
    expect(events[2].customerId).toBe(alice.id);

    expect((await ctx.http.get(`/v1/benefits/${beta.id}`).set(headers)).status).toBe(404);
    expect((await ctx.http.delete(`/v1/benefits/${beta.id}`).set(headers)).status).toBe(404);
    expect(descriptions((await list(headers, "")).items)).toEqual(["Swag"]);
    const after404 = (await ctx.http.get(`/v1/products/${product.id}`).set(headers)).body as Body;
    expect((after404.benefits as Body[]).map((benefit) => benefit.id)).toEqual([kept.id]);
    expect(after404.modified_at).toBeNull();
    const state = (await ctx.http.get(`/v1/customers/${alice.id}/state`).set(headers)).body as Body;
    expect(state.granted_benefits).toEqual([]);
    const filtered = await ctx.http.get(`/v1/products/?benefit_id=${beta.id}`).set(headers);
    expect(filtered.body.items).toEqual([]);
  });

  it("refuses a benefit that is not deletable with 403, and needs benefits:write", async () => {
    const { headers, organizationId } = tenant(ctx.emulator);
    const benefit = await created(headers, { type: "custom", description: "System", properties: {} });
    const record = ctx.emulator.emulator.context.store
      .partition(organizationId)
      .benefits.get(String(benefit.id));
    if (!record) throw new Error("benefit not stored");
    record.deletable = false;
    const res = await ctx.http.delete(`/v1/benefits/${benefit.id}`).set(headers);
    expect(res.status).toBe(403);
    expect(res.body).toEqual({ error: "NotPermitted", detail: "Not permitted" });
    expect(record.is_deleted).toBe(false);
    const reader = tenant(ctx.emulator, ["benefits:read"]);
    const own = await created(tenant(ctx.emulator).headers, {
      type: "custom",
      description: "Own",
      properties: {},
    });
    expect((await ctx.http.delete(`/v1/benefits/${own.id}`).set(reader.headers)).status).toBe(403);
  });
});

describe("files", () => {
  it("lists no file for a downloadables benefit (the emulator has no uploads), 404 for another type", async () => {
    const { headers } = tenant(ctx.emulator, ["benefits:read", "benefits:write"]);
    const files = await created(headers, {
      type: "downloadables",
      description: "E-book",
      properties: { files: [randomUUID(), randomUUID()] },
    });
    for (const query of ["", "?page=3&limit=100"]) {
      const res = await ctx.http.get(`/v1/benefits/${files.id}/files${query}`).set(headers);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ items: [], pagination: { total_count: 0, max_page: 0 } });
    }
    const custom = await created(headers, { type: "custom", description: "Swag", properties: {} });
    for (const id of [custom.id, randomUUID()]) {
      const res = await ctx.http.get(`/v1/benefits/${id}/files`).set(headers);
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ error: "ResourceNotFound", detail: "Not found" });
    }
    const bad = await ctx.http.get(`/v1/benefits/${files.id}/files?limit=0`).set(headers);
    expect(bad.status).toBe(422);
    expect(bad.body.detail[0]).toMatchObject({ type: "greater_than", loc: ["query", "limit"] });
    const reader = tenant(ctx.emulator, ["benefits:read"]);
    const theirs = await created(tenant(ctx.emulator).headers, {
      type: "custom",
      description: "Theirs",
      properties: {},
    });
    expect((await ctx.http.get(`/v1/benefits/${theirs.id}/files`).set(reader.headers)).status).toBe(404);
  });
});
