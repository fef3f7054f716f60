/**
 * API versions over real HTTP (server/polar/kit/versioning.py; spec/changes.yaml): each version
 * validates requests against its own document and answers in its own shapes; webhook endpoints
 * render their payloads in their own version.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestEmulator, tenant } from "./helpers.js";
import { type Receiver, startReceiver } from "./webhooks/receiver.js";

let ctx: Awaited<ReturnType<typeof startTestEmulator>>;
const receivers: Receiver[] = [];

beforeAll(async () => {
  ctx = await startTestEmulator({ customers: 0 });
});

afterAll(async () => {
  await Promise.all(receivers.map((receiver) => receiver.close()));
  await ctx?.emulator.close();
});

type Body = Record<string, unknown>;
const PRICE_HEAD = [
  "created_at",
  "modified_at",
  "id",
  "source",
  "amount_type",
  "price_currency",
  "tax_behavior",
  "is_archived",
  "product_id",
  // Deprecated, hidden from Polar's document and sent all the same (ProductPriceBase).
  "type",
  "recurring_interval",
];

const in2027 = (headers: Record<string, string>) => ({ ...headers, "Polar-Version": "2027-01" });

describe("seat-based prices: seat_tiers until 2026-10, tiers from 2027-01", () => {
  const seatTiers = {
    seat_tier_type: "volume",
    tiers: [
      { min_seats: 1, max_seats: 10, price_per_seat: 1000 },
      { min_seats: 11, max_seats: null, price_per_seat: 800 },
    ],
    minimum_seats: 1,
    maximum_seats: null,
  };
  const tiers = {
    type: "volume",
    tiers: [
      { bound: 10, unit_amount: "1000" },
      { bound: null, unit_amount: "800" },
    ],
  };

  it("takes a 2027-01 body with tiers and answers each version in its shape", async () => {
    const { headers } = tenant(ctx.emulator);
    const created = await ctx.http
      .post("/v1/products/")
      .set(in2027(headers))
      .send({
        name: "Team",
        recurring_interval: "month",
        prices: [
          {
            amount_type: "seat_based",
            tiers: { type: "volume", tiers: [{ bound: 10, unit_amount: 1000 }, { unit_amount: "800" }] },
          },
        ],
      });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.headers["polar-version"]).toBe("2027-01");
    const price = (created.body.prices as Body[])[0] as Body;
    expect(Object.keys(price)).toEqual([...PRICE_HEAD, "tiers", "minimum_units", "maximum_units"]);
    expect(price).toMatchObject({ tiers, minimum_units: 1, maximum_units: null });

    const id = created.body.id as string;
    const old = await ctx.http.get(`/v1/products/${id}`).set(headers);
    expect(((old.body.prices as Body[])[0] as Body).seat_tiers).toEqual(seatTiers);
    const next = await ctx.http.get(`/v1/products/${id}`).set(in2027(headers));
    expect(next.body).toEqual(created.body);
    const listed = await ctx.http.get("/v1/products/").set(in2027(headers));
    expect((((listed.body.items as Body[])[0] as Body).prices as Body[])[0]).toEqual(price);
  });

  it("takes seat_tiers in 2026-04 and answers them as tiers in 2027-01", async () => {
    const { headers } = tenant(ctx.emulator);
    const created = await ctx.http
      .post("/v1/products/")
      .set(headers)
      .send({
        name: "Team",
        recurring_interval: "month",
        prices: [{ amount_type: "seat_based", seat_tiers: { tiers: seatTiers.tiers } }],
      });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const next = await ctx.http.get(`/v1/products/${created.body.id}`).set(in2027(headers));
    expect((next.body.prices as Body[])[0]).toMatchObject({ tiers, minimum_units: 1, maximum_units: null });
  });

  it("refuses the other version's shape with pydantic's 422, and creates nothing", async () => {
    const { headers } = tenant(ctx.emulator);
    const old = await ctx.http
      .post("/v1/products/")
      .set(in2027(headers))
      .send({
        name: "Team",
        recurring_interval: "month",
        prices: [{ amount_type: "seat_based", seat_tiers: { tiers: seatTiers.tiers } }],
      });
    expect(old.status).toBe(422);
    expect(old.body.detail).toContainEqual(
      expect.objectContaining({
        type: "missing",
        loc: ["body", "recurring", "prices", 0, "seat_based", "tiers"],
      }),
    );
    const next = await ctx.http
      .post("/v1/products/")
      .set(headers)
      .send({ name: "Team", recurring_interval: "month", prices: [{ amount_type: "seat_based", tiers }] });
    expect(next.status).toBe(422);
    expect(next.body.detail).toContainEqual(
      expect.objectContaining({
        type: "missing",
        loc: ["body", "recurring", "prices", 0, "seat_based", "seat_tiers"],
      }),
    );
    const products = await ctx.http.get("/v1/products/").set(headers);
    expect(products.body.pagination.total_count).toBe(0);
  });
});

describe("webhook endpoints: api_version", () => {
  async function endpoint(headers: Record<string, string>, body: Body) {
    return ctx.http
      .post("/v1/webhooks/endpoints")
      .set(headers)
      .send({ url: "https://example.com/hook", format: "raw", events: ["product.created"], ...body });
  }

  it("defaults to the current version, takes any version up to the request's, and updates", async () => {
    const { headers } = tenant(ctx.emulator);
    const plain = await endpoint(headers, {});
    expect(plain.status).toBe(201);
    expect(plain.body.api_version).toBe("2026-04");
    // A 2027-01 request without one still gets the current version (Polar's default is not the request's).
    const next = await endpoint(in2027(headers), {});
    expect(next.body.api_version).toBe("2026-04");
    const chosen = await endpoint(in2027(headers), { api_version: "2026-10" });
    expect(chosen.body.api_version).toBe("2026-10");

    // Later than the request's own version: the enum of the request's document.
    const refused = await endpoint(headers, { api_version: "2026-10" });
    expect(refused.status).toBe(422);
    expect(refused.body.detail).toEqual([
      {
        type: "enum",
        loc: ["body", "api_version"],
        msg: "Input should be '2026-04'",
        input: "2026-10",
        ctx: { expected: "'2026-04'" },
      },
    ]);
    const unknown = await endpoint(in2027(headers), { api_version: "2027-04" });
    expect(unknown.status).toBe(422);
    expect(unknown.body.detail[0]).toMatchObject({
      type: "enum",
      msg: "Input should be '2026-04', '2026-10' or '2027-01'",
    });

    const updated = await ctx.http
      .patch(`/v1/webhooks/endpoints/${plain.body.id}`)
      .set(in2027(headers))
      .send({ api_version: "2027-01" });
    expect(updated.status).toBe(200);
    expect(updated.body.api_version).toBe("2027-01");
    const kept = await ctx.http
      .patch(`/v1/webhooks/endpoints/${plain.body.id}`)
      .set(headers)
      .send({ api_version: null, name: "renamed" });
    expect(kept.body).toMatchObject({ api_version: "2027-01", name: "renamed" });
  });

  it("ignores the deprecated secret after 2026-04, as any field the model does not know", async () => {
    const { headers } = tenant(ctx.emulator);
    const secret = `whsec_${"c".repeat(40)}`;
    const kept = await endpoint(headers, { secret });
    expect(kept.body).toMatchObject({ secret, uses_standard_webhook_signature: false });
    const ignored = await endpoint({ ...headers, "Polar-Version": "2026-10" }, { secret });
    expect(ignored.status).toBe(201);
    expect(ignored.body.secret).not.toBe(secret);
    expect(ignored.body.uses_standard_webhook_signature).toBe(true);
    const short = await endpoint({ ...headers, "Polar-Version": "2026-10" }, { secret: "short" });
    expect(short.status).toBe(201);
  });

  it("renders each endpoint's payloads in its version, and records it on the event", async () => {
    const org = tenant(ctx.emulator);
    const [old, next] = await Promise.all([startReceiver(), startReceiver()]);
    receivers.push(old, next);
    for (const [receiver, version] of [
      [old, "2026-04"],
      [next, "2027-01"],
    ] as const) {
      const created = await endpoint(in2027(org.headers), { url: receiver.url, api_version: version });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
    }
    const product = await ctx.http
      .post("/v1/products/")
      .set(org.headers)
      .send({
        name: "Team",
        recurring_interval: "month",
        prices: [
          { amount_type: "seat_based", seat_tiers: { tiers: [{ min_seats: 1, price_per_seat: 900 }] } },
        ],
      });
    expect(product.status).toBe(201);
    const [[a], [b]] = await Promise.all([old.waitForCount(1), next.waitForCount(1)]);
    expect(a?.headers["webhook-api-version"]).toBe("2026-04");
    expect(b?.headers["webhook-api-version"]).toBe("2027-01");
    const payloadOld = JSON.parse(a?.body ?? "{}");
    const payloadNext = JSON.parse(b?.body ?? "{}");
    expect(Object.keys(payloadNext)).toEqual(["type", "timestamp", "api_version", "data"]);
    expect([payloadOld.api_version, payloadNext.api_version]).toEqual(["2026-04", "2027-01"]);
    expect(payloadOld.data.prices[0].seat_tiers.tiers).toEqual([
      { min_seats: 1, max_seats: null, price_per_seat: 900 },
    ]);
    expect(payloadNext.data.prices[0]).toMatchObject({
      tiers: { type: "volume", tiers: [{ bound: null, unit_amount: "900" }] },
      minimum_units: 1,
      maximum_units: null,
    });
    // Everything but the price is the same object.
    const { prices: _a, ...restOld } = payloadOld.data;
    const { prices: _b, ...restNext } = payloadNext.data;
    expect(restNext).toEqual(restOld);
    const deliveries = await ctx.http.get("/v1/webhooks/deliveries").set(org.headers);
    const versions = (deliveries.body.items as { webhook_event: Body }[]).map(
      (item) => item.webhook_event.api_version,
    );
    expect(versions.sort()).toEqual(["2026-04", "2027-01"]);
  });
});

describe("--api-version", () => {
  it("answers requests without Polar-Version, and makes endpoints, in the version given", async () => {
    const next = await startTestEmulator({ customers: 0, apiVersion: "2027-01" });
    try {
      const { headers } = tenant(next.emulator);
      const res = await next.http.get("/v1/customers/").set(headers);
      expect(res.headers["polar-version"]).toBe("2027-01");
      const endpoint = await next.http
        .post("/v1/webhooks/endpoints")
        .set(headers)
        .send({ url: "https://example.com/hook", format: "raw", events: ["product.created"] });
      expect(endpoint.body.api_version).toBe("2027-01");
    } finally {
      await next.emulator.close();
    }
  });
});
