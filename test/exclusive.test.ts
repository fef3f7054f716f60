/**
 * Big control-plane requests (issue 13: no request holds the event loop past ~100 ms): a fixture
 * load into a big organization, its snapshot and a restore run in slices of the event loop while
 * they hold the store. Between slices the health check answers; requests that read or change
 * state wait and then see the state after. What they answer is the same as all at once.
 */

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { startTestEmulator, tenant } from "./helpers.js";

let ctx: Awaited<ReturnType<typeof startTestEmulator>>;
let big: ReturnType<typeof tenant>;
/** Sections past the chunk sizes (200 records written, 500 decoded per step), small enough to send back. */
let medium: ReturnType<typeof tenant>;

const CATALOG = {
  products: [
    {
      key: "pro",
      name: "Pro",
      recurring_interval: "month",
      prices: [{ amount_type: "fixed", price_amount: 900 }],
    },
  ],
};

beforeAll(async () => {
  ctx = await startTestEmulator();
  big = tenant(ctx.emulator);
  ctx.emulator.loadFixture(
    { ...CATALOG, generate: { customers: 6000, subscriptions: [{ product: "pro", share: 0.5 }] } },
    big.organizationId,
  );
  medium = tenant(ctx.emulator);
  ctx.emulator.loadFixture(
    { ...CATALOG, generate: { customers: 700, subscriptions: [{ product: "pro", share: 0.5 }] } },
    medium.organizationId,
  );
});
afterAll(() => ctx.emulator.close());

/** When each request was answered, in order. */
function timed<T>(order: string[], name: string, request: PromiseLike<T>): Promise<T> {
  return Promise.resolve(request).then((value) => {
    order.push(name);
    return value;
  });
}

describe("a big control-plane request", () => {
  it("lets the health check answer while it runs, and requests for state wait for it", async () => {
    // Each request's validator compiled first (a first request compiles its own), so that the
    // timed load starts holding the store at once.
    await ctx.http.post(`/_emulator/organizations/${big.organizationId}/fixtures`).send({});
    await ctx.http.get("/_emulator/health");
    await ctx.http.get("/v1/customers/?email=nobody@example.com").set(big.headers);
    const order: string[] = [];
    const load = timed(
      order,
      "load",
      ctx.http
        .post(`/_emulator/organizations/${big.organizationId}/fixtures`)
        .send({ customers: [{ email: "during-the-load@example.com" }] }),
    );
    // Sent once the load holds the store.
    await new Promise((resolve) => setTimeout(resolve, 30));
    const health = timed(order, "health", ctx.http.get("/_emulator/health"));
    const lookup = timed(
      order,
      "lookup",
      ctx.http.get("/v1/customers/?email=during-the-load@example.com").set(big.headers),
    );
    const [loaded, healthy, found] = await Promise.all([load, health, lookup]);
    expect(loaded.status).toBe(200);
    expect(loaded.body.changed.customers.map((c: { email: string }) => c.email)).toEqual([
      "during-the-load@example.com",
    ]);
    expect(healthy.status).toBe(200);
    expect(found.status).toBe(200);
    // The health check did not wait for the load; the lookup did, and saw what it loaded.
    expect(order).toEqual(["health", "load", "lookup"]);
    expect(found.body.items.map((c: { email: string }) => c.email)).toEqual(["during-the-load@example.com"]);
  });

  it("answers the snapshot in pieces that make the same document as taking it at once", async () => {
    const expected = ctx.emulator.snapshot(big.organizationId);
    const json = await ctx.http.get(`/_emulator/organizations/${big.organizationId}/snapshot`);
    expect(json.status).toBe(200);
    expect(json.headers["content-length"]).toBe(String(Buffer.byteLength(JSON.stringify(expected))));
    expect(json.text).toBe(JSON.stringify(expected));
    const yaml = await ctx.http.get(`/_emulator/organizations/${medium.organizationId}/snapshot?format=yaml`);
    expect(yaml.status).toBe(200);
    expect(parseYaml(yaml.text)).toEqual(ctx.emulator.snapshot(medium.organizationId));
  });

  it("restores a big snapshot in slices, and names a bad record's index in a long section", async () => {
    const snapshot = ctx.emulator.snapshot(medium.organizationId) as Record<string, unknown>;
    const customers = snapshot.customers as Record<string, unknown>[];
    expect(customers.length).toBe(700);
    const bad = structuredClone(snapshot) as Record<string, unknown>;
    (bad.customers as Record<string, unknown>[])[634].email_verified = "yes";
    const refused = await ctx.http
      .put(`/_emulator/organizations/${medium.organizationId}/snapshot`)
      .send(bad);
    expect(refused.status).toBe(422);
    expect(refused.body.detail).toEqual([
      expect.objectContaining({ loc: ["body", "customers", 634, "email_verified"], type: "bool_type" }),
    ]);
    const restored = await ctx.http
      .put(`/_emulator/organizations/${medium.organizationId}/snapshot`)
      .send(snapshot);
    expect(restored.status).toBe(200);
    expect(restored.body.counts.customers).toBe(700);
    expect(ctx.emulator.snapshot(medium.organizationId)).toEqual(snapshot);
  });
});
