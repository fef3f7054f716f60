/**
 * `/v1/organizations/`: the token's organization (list, get, update with its settings and the
 * `organization.updated` webhook), another organization's id as a 404 even before the body is
 * read, creation refused to organization tokens, and Polar's errors. Over real HTTP, each test in
 * its own organization.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FixedClock } from "../src/index.js";
import { startTestEmulator, tenant } from "./helpers.js";

const NOW = new Date("2026-09-01T12:00:00.000Z");
const clock = new FixedClock(NOW);
let ctx: Awaited<ReturnType<typeof startTestEmulator>>;
beforeAll(async () => {
  ctx = await startTestEmulator({ clock });
});
afterAll(() => ctx.emulator.close());

type Json = Record<string, unknown>;
const UNKNOWN_ID = "6f1b5c4e-0000-4000-8000-000000000000";

function setup() {
  clock.set(NOW);
  return tenant(ctx.emulator);
}

const shape = (detail: Json[]) => detail.map((entry) => [entry.type, (entry.loc as unknown[]).join(".")]);

describe("reading", () => {
  it("gets the token's organization in Polar's shape, deprecated and computed keys included", async () => {
    const t = setup();
    const res = await ctx.http.get(`/v1/organizations/${t.organizationId}`).set(t.headers);
    expect(res.status).toBe(200);
    expect(Object.keys(res.body)).toEqual([
      "created_at",
      "modified_at",
      "id",
      "name",
      "slug",
      "avatar_url",
      "proration_behavior",
      "allow_customer_updates",
      "bio",
      "company",
      "blog",
      "location",
      "twitter_username",
      "pledge_minimum_amount",
      "pledge_badge_show_amount",
      "default_upfront_split_to_contributors",
      "email",
      "website",
      "socials",
      "status",
      "details_submitted_at",
      "onboarding_resubmission_requested_at",
      "sso_enforced",
      "default_presentment_currency",
      "default_tax_behavior",
      "feature_settings",
      "subscription_settings",
      "customer_email_settings",
      "customer_portal_settings",
      "dispute_settings",
      "embed_hosts",
      "embed_hosts_enforced",
      "country",
      "account_id",
      "payout_account_id",
      "capabilities",
      "notification_settings",
    ]);
    expect(res.body).toMatchObject({
      created_at: "2026-09-01T12:00:00Z",
      modified_at: null,
      id: t.organizationId,
      proration_behavior: "prorate",
      allow_customer_updates: true,
      status: "active",
      default_presentment_currency: "usd",
      default_tax_behavior: "location",
      subscription_settings: {
        allow_multiple_subscriptions: false,
        proration_behavior: "prorate",
        benefit_revocation_grace_period: 0,
        prevent_trial_abuse: false,
        allow_customer_updates: true,
      },
      customer_portal_settings: {
        usage: { show: true },
        subscription: { update_seats: true, update_plan: true },
        customer: { allow_email_change: false },
      },
      dispute_settings: { auto_accept_below_amount: null },
      embed_hosts: [],
      embed_hosts_enforced: true,
      notification_settings: {
        new_order: true,
        new_subscription: true,
        chargeback_prevention: true,
        subscription_renewal: false,
      },
    });
    for (const id of [UNKNOWN_ID, ctx.emulator.organizationId]) {
      const other = await ctx.http.get(`/v1/organizations/${id}`).set(t.headers);
      expect(other.status).toBe(404);
      expect(other.body).toEqual({ error: "ResourceNotFound", detail: "Not found" });
    }
    expect((await ctx.http.get("/v1/organizations/nope").set(t.headers)).body.detail[0]).toMatchObject({
      type: "uuid_parsing",
      loc: ["path", "id"],
    });
  });

  it("lists only the token's organization, by slug without case, with Polar's sort keys", async () => {
    const t = setup();
    const all = await ctx.http.get("/v1/organizations/").set(t.headers);
    expect(all.body.pagination).toEqual({ total_count: 1, max_page: 1 });
    expect(all.body.items[0].id).toBe(t.organizationId);
    const slug = all.body.items[0].slug as string;
    const bySlug = await ctx.http
      .get(`/v1/organizations/?slug=${slug.toUpperCase()}&sorting=-days_in_status`)
      .set(t.headers);
    expect(bySlug.body.items.map((item: Json) => item.id)).toEqual([t.organizationId]);
    expect((await ctx.http.get("/v1/organizations/?slug=acme").set(t.headers)).body.items).toEqual([]);
    const bad = await ctx.http.get("/v1/organizations/?sorting=email").set(t.headers);
    expect(bad.status).toBe(422);
    expect(shape(bad.body.detail)).toEqual([["enum", "query.sorting.0"]]);
  });

  it("needs organizations:read or organizations:write", async () => {
    const t = tenant(ctx.emulator, ["customers:read"]);
    const res = await ctx.http.get(`/v1/organizations/${t.organizationId}`).set(t.headers);
    expect(res.status).toBe(403);
    expect(res.headers["www-authenticate"]).toContain('scope="organizations:read organizations:write"');
    const reader = tenant(ctx.emulator, ["organizations:read"]);
    expect(
      (await ctx.http.get(`/v1/organizations/${reader.organizationId}`).set(reader.headers)).status,
    ).toBe(200);
    const denied = await ctx.http
      .patch(`/v1/organizations/${reader.organizationId}`)
      .set(reader.headers)
      .send({});
    expect(denied.status).toBe(403);
    expect(denied.headers["www-authenticate"]).toContain('scope="organizations:write"');
  });
});

describe("updating", () => {
  it("applies the fields sent, normalized as pydantic hands them on, and sends organization.updated", async () => {
    const t = setup();
    clock.set(new Date("2026-09-01T12:05:00Z"));
    const before = ctx.emulator.emulator.context.events.lastId();
    const res = await ctx.http
      .patch(`/v1/organizations/${t.organizationId}`)
      .set(t.headers)
      .send({
        name: "Renamed Shop",
        email: "Support@Example.COM",
        website: "https://Example.com",
        avatar_url: "https://img.logo.dev/example.com",
        socials: [
          { platform: "x", url: "https://www.GitHub.com/Acme" },
          { platform: "youtube", url: "https://acme.example/blog" },
        ],
        country: "FR",
        details: { product_description: "Things", switching: true, switching_from: "stripe" },
        feature_settings: { checkout_localization_enabled: true, overview_metrics: true },
        subscription_settings: {
          allow_multiple_subscriptions: true,
          proration_behavior: "invoice",
          benefit_revocation_grace_period: 3,
          prevent_trial_abuse: true,
          allow_customer_updates: false,
        },
        customer_portal_settings: {
          usage: { show: false },
          subscription: { update_seats: false, update_plan: false },
        },
        dispute_settings: { auto_accept_below_amount: null },
        embed_hosts: ["Shop.Example.com", "*.example.org:443", "localhost:3000", "shop.example.com"],
        default_tax_behavior: "inclusive",
        sso_enforced: false,
      });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({
      modified_at: "2026-09-01T12:05:00Z",
      name: "Renamed Shop",
      avatar_url: null,
      email: "Support@example.com",
      website: "https://example.com/",
      socials: [
        { platform: "github", url: "https://www.github.com/Acme" },
        { platform: "other", url: "https://acme.example/blog" },
      ],
      country: "FR",
      proration_behavior: "invoice",
      allow_customer_updates: false,
      customer_portal_settings: {
        usage: { show: false },
        subscription: { update_seats: false, update_plan: false },
      },
      embed_hosts: ["shop.example.com", "*.example.org", "localhost:3000"],
      default_tax_behavior: "inclusive",
    });
    expect(res.body.feature_settings).toMatchObject({
      checkout_localization_enabled: true,
      overview_metrics: null,
    });
    expect(res.body.customer_portal_settings).not.toHaveProperty("customer");
    expect((await ctx.http.get(`/v1/organizations/${t.organizationId}`).set(t.headers)).body).toEqual(
      res.body,
    );
    const events = ctx.emulator.emulator.context.events.list({
      after: before,
      organizationId: t.organizationId,
    });
    expect(events.map((event) => event.type)).toEqual(["organization.updated"]);
    expect(events[0].data).toEqual(res.body);
    // Null for a column that cannot hold it leaves the field as it is.
    const nulls = await ctx.http
      .patch(`/v1/organizations/${t.organizationId}`)
      .set(t.headers)
      .send({ name: null, socials: null, embed_hosts: null, email: null });
    expect(nulls.body).toMatchObject({
      name: "Renamed Shop",
      email: null,
      embed_hosts: res.body.embed_hosts,
    });
  });

  it("answers another organization's id with 404 before it reads the body", async () => {
    const t = setup();
    const res = await ctx.http
      .patch(`/v1/organizations/${ctx.emulator.organizationId}`)
      .set(t.headers)
      .send({ name: 1 });
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: "ResourceNotFound", detail: "Not found" });
    const badId = await ctx.http.patch("/v1/organizations/nope").set(t.headers).send({ name: 1 });
    expect(shape(badId.body.detail)).toEqual([
      ["uuid_parsing", "path.id"],
      ["string_type", "body.name"],
    ]);
  });

  it("refuses what pydantic refuses", async () => {
    const t = setup();
    const res = await ctx.http
      .patch(`/v1/organizations/${t.organizationId}`)
      .set(t.headers)
      .send({
        name: "Sexy Shop",
        avatar_url: "ftp://example.com/a.png",
        email: "not-an-email",
        website: "",
        socials: [{ platform: "x" }],
        subscription_settings: { proration_behavior: "prorate" },
        dispute_settings: { auto_accept_below_amount: 0 },
        embed_hosts: ["https://example.com"],
        default_presentment_currency: "xxx",
      });
    expect(res.status).toBe(422);
    expect(res.body.error).toBe("RequestValidationError");
    expect(res.body.detail).toEqual([
      {
        type: "value_error",
        loc: ["body", "name"],
        msg: "Value error, This name is not allowed.",
        input: "Sexy Shop",
        ctx: { error: {} },
      },
      {
        type: "url_scheme",
        loc: ["body", "avatar_url"],
        msg: "URL scheme should be 'http' or 'https'",
        input: "ftp://example.com/a.png",
        ctx: { expected_schemes: "'http' or 'https'" },
      },
      {
        type: "value_error",
        loc: ["body", "email"],
        msg: "value is not a valid email address: An email address must have an @-sign.",
        input: "not-an-email",
        ctx: { reason: "An email address must have an @-sign." },
      },
      {
        type: "url_parsing",
        loc: ["body", "website"],
        msg: "Input should be a valid URL, input is empty",
        input: "",
        ctx: { error: "input is empty" },
      },
      {
        type: "missing",
        loc: ["body", "socials", 0, "url"],
        msg: "Field required",
        input: { platform: "x" },
      },
      ...[
        "allow_multiple_subscriptions",
        "benefit_revocation_grace_period",
        "prevent_trial_abuse",
        "allow_customer_updates",
      ].map((key) => ({
        type: "missing",
        loc: ["body", "subscription_settings", key],
        msg: "Field required",
        input: { proration_behavior: "prorate" },
      })),
      {
        type: "greater_than_equal",
        loc: ["body", "dispute_settings", "auto_accept_below_amount"],
        msg: "Input should be greater than or equal to 1",
        input: 0,
        ctx: { ge: 1 },
      },
      {
        type: "value_error",
        loc: ["body", "embed_hosts"],
        msg: "Value error, 'https://example.com' is not a valid embed host: write the host on its own. HTTPS is always allowed, and HTTP as well for localhost and private addresses",
        input: ["https://example.com"],
        ctx: { error: {} },
      },
      expect.objectContaining({ type: "enum", loc: ["body", "default_presentment_currency"], input: "xxx" }),
    ]);
    expect(
      (await ctx.http.get(`/v1/organizations/${t.organizationId}`).set(t.headers)).body.modified_at,
    ).toBeNull();
  });

  it("answers Polar's rules: seat-based pricing, SSO, dispute auto-accept, currencies", async () => {
    const t = setup();
    const patch = (body: Json) =>
      ctx.http.patch(`/v1/organizations/${t.organizationId}`).set(t.headers).send(body);
    const seats = await patch({ feature_settings: { seat_based_pricing_enabled: true } });
    expect(seats.body).toEqual({
      error: "PolarRequestValidationError",
      detail: [
        {
          type: "value_error",
          loc: ["body", "feature_settings", "seat_based_pricing_enabled"],
          msg: "Member model must be enabled before enabling seat-based pricing.",
          input: true,
        },
      ],
    });
    expect(
      (await patch({ feature_settings: { seat_based_pricing_enabled: true, member_model_enabled: true } }))
        .status,
    ).toBe(200);
    const disable = await patch({ feature_settings: { seat_based_pricing_enabled: false } });
    expect(disable.body.detail[0].msg).toBe("Seat-based pricing cannot be disabled once enabled.");
    const sso = await patch({ sso_enforced: true });
    expect(sso.status).toBe(403);
    expect(sso.body).toEqual({
      error: "NotPermitted",
      detail: "You must be signed in through SSO for this organization to enforce it.",
    });
    const dispute = await patch({ dispute_settings: { auto_accept_below_amount: 500 } });
    expect(dispute.status).toBe(403);
    expect(dispute.body).toEqual({
      error: "DisputeAutoAcceptNotEnabled",
      detail: "Dispute auto-accept is not enabled for this organization.",
    });
    const product = await ctx.http
      .post("/v1/products/")
      .set(t.headers)
      .send({ name: "Dollars", prices: [{ amount_type: "fixed", price_amount: 500 }] });
    expect(product.status, product.text).toBe(201);
    const euro = await patch({ default_presentment_currency: "eur" });
    expect(euro.body).toEqual({
      error: "PolarRequestValidationError",
      detail: [
        {
          type: "value_error",
          loc: ["body", "default_presentment_currency"],
          msg: "All active products must have prices in the new currency.",
          input: "eur",
        },
      ],
    });
    expect((await patch({ default_presentment_currency: "usd" })).status).toBe(200);
  });
});

describe("creating", () => {
  it("refuses an organization token as no token: only users create organizations", async () => {
    const t = setup();
    for (const headers of [t.headers, {}]) {
      const res = await ctx.http
        .post("/v1/organizations/")
        .set(headers)
        .send({ name: "New", slug: "new-org" });
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ error: "Unauthorized", detail: "Unauthorized" });
      expect(res.headers["www-authenticate"]).toBe('Bearer realm="polar"');
    }
    const unknown = await ctx.http
      .post("/v1/organizations/")
      .set({ Authorization: "Bearer polar_oat_unknown" })
      .send({ name: "New", slug: "new-org" });
    expect(unknown.body.error).toBe("invalid_token");
    // The body is read (and must be JSON) before the token is looked at.
    const broken = await ctx.http
      .post("/v1/organizations/")
      .set(t.headers)
      .set("Content-Type", "application/json")
      .send("{");
    expect(broken.status).toBe(422);
    expect(broken.body.detail[0].type).toBe("json_invalid");
  });
});

describe("the control plane", () => {
  it("sends organization.updated on demand, with the organization as it is", async () => {
    const t = setup();
    const res = await ctx.http
      .post("/_emulator/webhooks/send")
      .send({ type: "organization.updated", id: t.organizationId });
    expect(res.status, res.text).toBe(200);
    expect(res.body.events.map((event: Json) => event.type)).toEqual(["organization.updated"]);
    const organization = await ctx.http.get(`/v1/organizations/${t.organizationId}`).set(t.headers);
    expect(res.body.events[0].data).toEqual(organization.body);
  });
});
