/** `--rate-limit`: Polar's per-organization limit, a 429 with an empty body and retry-after. */
import { afterAll, beforeAll, expect, it } from "vitest";
import { startTestEmulator, tenant } from "./helpers.js";

let ctx: Awaited<ReturnType<typeof startTestEmulator>>;
beforeAll(async () => {
  ctx = await startTestEmulator({ rateLimit: 3 });
});
afterAll(() => ctx.emulator.close());

it("answers 429 past the limit, per organization, with an empty body and retry-after: 60", async () => {
  const other = tenant(ctx.emulator);
  for (let i = 0; i < 3; i++) expect((await ctx.http.get("/v1/customers/").set(ctx.auth())).status).toBe(200);
  const limited = await ctx.http.get("/v1/customers/").set(ctx.auth());
  expect(limited.status).toBe(429);
  expect(limited.text).toBe("");
  expect(limited.headers["retry-after"]).toBe("60");
  // Another organization has its own window, and unauthenticated requests are not counted.
  expect((await ctx.http.get("/v1/customers/").set(other.headers)).status).toBe(200);
  expect((await ctx.http.get("/v1/customers/")).status).toBe(401);
  expect((await ctx.http.get("/_emulator/health")).status).toBe(200);
});
