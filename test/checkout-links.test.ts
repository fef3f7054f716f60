/**
 * Checkout links over real HTTP (Polar's checkout_link/service.py, schemas.py, endpoints.py) and
 * the redirect that opens a new checkout session from one.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestEmulator, tenant } from "./helpers.js";

let ctx: Awaited<ReturnType<typeof startTestEmulator>>;
beforeAll(async () => {
  ctx = await startTestEmulator();
});
afterAll(() => ctx.emulator.close());

type Body = Record<string, unknown>;
type Tenant = ReturnType<typeof tenant>;

const LINK_KEYS = [
  "id",
  "created_at",
  "modified_at",
  "trial_interval",
  "trial_interval_count",
  "metadata",
  "payment_processor",
  "client_secret",
  "success_url",
  "return_url",
  "label",
  "allow_discount_codes",
  "require_billing_address",
  "discount_id",
  "seats",
  "units",
  "organization_id",
  "products",
  "discount",
  "url",
];

async function product(t: Tenant, extra: Body = {}): Promise<Body> {
  const res = await ctx.http
    .post("/v1/products/")
    .set(t.headers)
    .send({ name: "Lifetime", prices: [{ amount_type: "fixed", price_amount: 2000 }], ...extra });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as Body;
}

async function link(t: Tenant, body: Body): Promise<Body> {
  const res = await ctx.http
    .post("/v1/checkout-links/")
    .set(t.headers)
    .send({ payment_processor: "stripe", ...body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as Body;
}

function refusal(loc: unknown[], msg: string) {
  return {
    error: "PolarRequestValidationError",
    detail: [{ type: "value_error", loc, msg, input: expect.anything() }],
  };
}

describe("checkout-links CRUD", () => {
  it("creates a link as Polar answers it, with its redirect URL", async () => {
    const t = tenant(ctx.emulator);
    const p = await product(t);
    const body = await link(t, { products: [p.id], label: "Launch", metadata: { source: "blog" } });
    expect(Object.keys(body)).toEqual(LINK_KEYS);
    expect(body.client_secret).toMatch(/^polar_cl_[A-Za-z0-9]{43}$/);
    expect(body.url).toBe(`${ctx.emulator.url}/v1/checkout-links/${String(body.client_secret)}/redirect`);
    expect(body).toMatchObject({
      label: "Launch",
      allow_discount_codes: true,
      require_billing_address: false,
      discount: null,
      metadata: { source: "blog" },
      payment_processor: "stripe",
    });
    expect((body.products as Body[]).map((item) => item.id)).toEqual([p.id]);
    const single = await link(t, { product_id: p.id });
    expect((single.products as Body[]).map((item) => item.id)).toEqual([p.id]);
    const byPrice = await link(t, { product_price_id: (p.prices as Body[])[0]?.id });
    expect((byPrice.products as Body[]).map((item) => item.id)).toEqual([p.id]);
  });

  it("refuses unknown, archived and draft products, foreign discounts and seats without seat pricing", async () => {
    const t = tenant(ctx.emulator);
    const p = await product(t);
    const archived = await product(t, { name: "Archived" });
    await ctx.http
      .patch(`/v1/products/${String(archived.id)}`)
      .set(t.headers)
      .send({ is_archived: true });
    const unknown = randomUUID();
    const cases: [Body, unknown][] = [
      [{ products: [unknown] }, refusal(["body", "products", 0], "Product does not exist.")],
      [{ products: [p.id, archived.id] }, refusal(["body", "products", 1], "Product is archived.")],
      [
        { products: [p.id], discount_id: unknown },
        refusal(["body", "discount_id"], "Discount does not exist or is not applicable to this product."),
      ],
      [
        { products: [p.id], seats: 3 },
        refusal(
          ["body", "seats"],
          "Seats can only be preconfigured when all products use seat-based pricing.",
        ),
      ],
      [{ product_price_id: unknown }, refusal(["body", "product_price_id"], "Price does not exist.")],
    ];
    for (const [body, expected] of cases) {
      const res = await ctx.http
        .post("/v1/checkout-links/")
        .set(t.headers)
        .send({ payment_processor: "stripe", ...body });
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(res.body).toEqual(expected);
    }
    const listed = await ctx.http.get("/v1/checkout-links/").set(t.headers);
    expect(listed.body.pagination).toEqual({ total_count: 0, max_page: 0 });
  });

  it("lists oldest first by default, filters by product, gets, updates and deletes", async () => {
    const t = tenant(ctx.emulator);
    const a = await product(t);
    const b = await product(t, { name: "Other" });
    const first = await link(t, { products: [a.id], label: "b" });
    const second = await link(t, { products: [b.id], label: "a" });
    const all = await ctx.http.get("/v1/checkout-links/").set(t.headers);
    expect(all.body.items.map((item: Body) => item.id)).toEqual([first.id, second.id]);
    const byLabel = await ctx.http.get("/v1/checkout-links/?sorting=label").set(t.headers);
    expect(byLabel.body.items.map((item: Body) => item.id)).toEqual([second.id, first.id]);
    const byProduct = await ctx.http.get(`/v1/checkout-links/?product_id=${String(b.id)}`).set(t.headers);
    expect(byProduct.body.items.map((item: Body) => item.id)).toEqual([second.id]);

    const got = await ctx.http.get(`/v1/checkout-links/${String(first.id)}`).set(t.headers);
    expect(got.body).toEqual(first);
    const discount = await ctx.http
      .post("/v1/discounts/")
      .set(t.headers)
      .send({ type: "percentage", name: "Half", duration: "once", basis_points: 5000 });
    const updated = await ctx.http
      .patch(`/v1/checkout-links/${String(first.id)}`)
      .set(t.headers)
      .send({ label: "renamed", discount_id: discount.body.id, products: [a.id, b.id] });
    expect(updated.status, JSON.stringify(updated.body)).toBe(200);
    expect(updated.body).toMatchObject({ label: "renamed", discount_id: discount.body.id });
    expect((updated.body.discount as Body).basis_points).toBe(5000);
    expect(updated.body.discount).not.toHaveProperty("products");
    expect(updated.body.modified_at).not.toBeNull();

    const other = tenant(ctx.emulator);
    const foreign = await ctx.http.get(`/v1/checkout-links/${String(first.id)}`).set(other.headers);
    expect(foreign.status).toBe(404);
    const deleted = await ctx.http.delete(`/v1/checkout-links/${String(first.id)}`).set(t.headers);
    expect(deleted.status).toBe(204);
    const gone = await ctx.http.get(`/v1/checkout-links/${String(first.id)}`).set(t.headers);
    expect(gone.status).toBe(404);
    expect(gone.body).toEqual({ error: "ResourceNotFound", detail: "Not found" });
  });

  it("needs checkout_links scopes", async () => {
    const t = tenant(ctx.emulator, ["checkout_links:read"]);
    const res = await ctx.http
      .post("/v1/checkout-links/")
      .set(t.headers)
      .send({ payment_processor: "stripe", products: [randomUUID()] });
    expect(res.status).toBe(403);
    const listed = await ctx.http.get("/v1/checkout-links/").set(t.headers);
    expect(listed.status).toBe(200);
  });
});

describe("the redirect", () => {
  it("opens a new checkout session with the link's settings and redirects to its page", async () => {
    const t = tenant(ctx.emulator);
    const a = await product(t);
    const b = await product(t, { name: "Second", prices: [{ amount_type: "fixed", price_amount: 3000 }] });
    const created = await link(t, {
      products: [a.id, b.id],
      success_url: "https://app.example.com/ok?c={CHECKOUT_ID}",
      allow_discount_codes: false,
      metadata: { campaign: "x" },
    });
    const res = await ctx.http
      .get(`/v1/checkout-links/${String(created.client_secret)}/redirect`)
      .query({ product_id: String(b.id), customer_email: "q@example.com", reference_id: "ref1", foo: "bar" })
      .redirects(0);
    expect(res.status).toBe(307);
    const location = new URL(String(res.headers.location));
    expect(location.searchParams.get("foo")).toBe("bar");
    expect(location.searchParams.get("reference_id")).toBe("ref1");
    expect(location.searchParams.has("customer_email")).toBe(false);
    const secret = location.pathname.split("/").pop();
    expect(location.pathname).toBe(`/checkout/${String(secret)}`);
    const session = await ctx.http.get(`/v1/checkouts/client/${String(secret)}`);
    expect(session.body).toMatchObject({
      product_id: b.id,
      amount: 3000,
      customer_email: "q@example.com",
      allow_discount_codes: false,
    });
    const listed = await ctx.http.get("/v1/checkouts/").set(t.headers);
    expect(listed.body.items[0]).toMatchObject({ metadata: { campaign: "x", reference_id: "ref1" } });
    expect(listed.body.items[0].success_url).toBe(
      `https://app.example.com/ok?c=${String(listed.body.items[0].id)}`,
    );
  });

  it("answers 404 for an unknown or deleted link", async () => {
    const t = tenant(ctx.emulator);
    const created = await link(t, { products: [(await product(t)).id] });
    await ctx.http.delete(`/v1/checkout-links/${String(created.id)}`).set(t.headers);
    for (const secret of ["polar_cl_unknown", String(created.client_secret)]) {
      const res = await ctx.http.get(`/v1/checkout-links/${secret}/redirect`).redirects(0);
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ error: "ResourceNotFound", detail: "Not found" });
    }
  });
});
