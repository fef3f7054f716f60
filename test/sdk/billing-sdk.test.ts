/**
 * The official clients against subscriptions, grants and customer state. The 0.49 client
 * validates every response with zod, so each resolved call proves the bytes satisfy it; 1.x
 * returns the JSON as sent, so it must equal what plain HTTP gets.
 */
import { Polar } from "@polar-sh/sdk";
import { AlreadyCanceledSubscription } from "@polar-sh/sdk/models/errors/alreadycanceledsubscription.js";
import { ResourceNotFound } from "@polar-sh/sdk/models/errors/resourcenotfound.js";
import { createPolar, errors } from "polar-sdk-v1/2026-10";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Catalog, catalog, post } from "../billing/setup.js";
import { startTestEmulator } from "../helpers.js";

let t: Awaited<ReturnType<typeof startTestEmulator>>;
let c: Catalog;
const subscriptions: Record<string, string> = {};

beforeAll(async () => {
  t = await startTestEmulator();
  c = await catalog(t.emulator, t.http);
  // One subscription in each status, for the same customer.
  for (const status of ["active", "trialing", "canceling", "past_due", "canceled"]) {
    const started = await post(
      t.http,
      "/_emulator/subscriptions",
      {},
      {
        customer_id: c.customer.id,
        product_id: c.product.id,
        status: status === "trialing" ? "trialing" : "active",
        metadata: { status },
      },
    );
    expect(started.status).toBe(201);
    const id = started.body.subscription.id;
    const action = { canceling: "cancel", past_due: "past_due", canceled: "revoke" }[status];
    if (action)
      expect((await post(t.http, `/_emulator/subscriptions/${id}/${action}`, {}, undefined)).status).toBe(
        200,
      );
    subscriptions[status] = id;
  }
  await post(
    t.http,
    "/_emulator/usage",
    {},
    { customer_id: c.customer.id, events: [{ name: "api_call", count: 5 }] },
  );
});

afterAll(async () => {
  await t?.emulator.close();
});

describe("@polar-sh/sdk 0.49", () => {
  const polar = () => new Polar({ accessToken: c.token, serverURL: t.emulator.url });

  it("lists, filters and gets subscriptions in every status", async () => {
    const seen: string[] = [];
    for await (const page of await polar().subscriptions.list({ limit: 2 })) {
      seen.push(...page.result.items.map((subscription) => subscription.status));
    }
    expect(seen.sort()).toEqual(["active", "active", "canceled", "past_due", "trialing"]);
    const active = await polar().subscriptions.list({ active: true });
    expect(active.result.items).toHaveLength(3);
    const byMetadata = await polar().subscriptions.list({ metadata: { status: "past_due" } });
    expect(byMetadata.result.items.map((subscription) => subscription.id)).toEqual([subscriptions.past_due]);
    const byExternal = await polar().subscriptions.list({
      externalCustomerId: "user_ada",
      status: "canceled",
    });
    expect(byExternal.result.items.map((subscription) => subscription.id)).toEqual([subscriptions.canceled]);
    const one = await polar().subscriptions.get({ id: subscriptions.canceling });
    expect(one.cancelAtPeriodEnd).toBe(true);
    expect(one.endsAt).toEqual(one.currentPeriodEnd);
    expect(one.product.benefits).toHaveLength(4);
    expect(one.customer.externalId).toBe("user_ada");
  });

  it("cancels, uncancels and revokes, with Polar's errors", async () => {
    const canceled = await polar().subscriptions.update({
      id: subscriptions.active,
      subscriptionUpdate: { cancelAtPeriodEnd: true },
    });
    expect(canceled.cancelAtPeriodEnd).toBe(true);
    await expect(
      polar().subscriptions.update({
        id: subscriptions.active,
        subscriptionUpdate: { cancelAtPeriodEnd: true },
      }),
    ).rejects.toBeInstanceOf(AlreadyCanceledSubscription);
    const uncanceled = await polar().subscriptions.update({
      id: subscriptions.active,
      subscriptionUpdate: { cancelAtPeriodEnd: false },
    });
    expect(uncanceled.canceledAt).toBeNull();
    await expect(polar().subscriptions.revoke({ id: subscriptions.canceled })).rejects.toBeInstanceOf(
      AlreadyCanceledSubscription,
    );
    await expect(polar().subscriptions.get({ id: c.customer.id })).rejects.toBeInstanceOf(ResourceNotFound);
  });

  it("reads the customer state with subscriptions, benefits and meters", async () => {
    const state = await polar().customers.getState({ id: c.customer.id });
    expect(state.activeSubscriptions.map((subscription) => subscription.status).sort()).toEqual([
      "active",
      "active",
      "trialing",
    ]);
    expect(state.grantedBenefits.map((grant) => grant.benefitType).sort()).toEqual([
      "custom",
      "custom",
      "custom",
      "feature_flag",
      "feature_flag",
      "feature_flag",
      "license_keys",
      "license_keys",
      "license_keys",
      "meter_credit",
      "meter_credit",
      "meter_credit",
    ]);
    expect(state.activeMeters).toHaveLength(1);
    // Three subscriptions credit 1000 units each; five calls were consumed.
    expect(state.activeMeters[0]).toMatchObject({ consumedUnits: 5, creditedUnits: 3000, balance: 2995 });
    const external = await polar().customers.getStateExternal({ externalId: "user_ada" });
    expect(external).toEqual(state);
  });

  it("lists benefit grants, across benefits and for one", async () => {
    const all = await polar().benefitGrants.list({ customerId: c.customer.id, limit: 100 });
    // Five subscriptions × four benefits; past_due and canceled ones are revoked.
    expect(all.result.items).toHaveLength(20);
    expect(all.result.items.filter((grant) => grant.isGranted)).toHaveLength(12);
    const one = await polar().benefits.grants({ id: c.benefits.license_keys.id, isGranted: true });
    expect(one.result.items).toHaveLength(3);
    expect(one.result.items[0].benefit.type).toBe("license_keys");
  });
});

describe("@polar-sh/sdk 1.x (2026-10)", () => {
  const polar = () => createPolar({ accessToken: c.token, baseUrl: t.emulator.url });

  it("returns exactly the JSON plain HTTP gets", async () => {
    const raw = async (path: string) => (await t.http.get(path).set(c.headers)).body;
    expect(await polar().customers.getState(c.customer.id)).toEqual(
      await raw(`/v1/customers/${c.customer.id}/state`),
    );
    expect(await polar().customers.getStateExternal("user_ada")).toEqual(
      await raw("/v1/customers/external/user_ada/state"),
    );
    expect(await polar().subscriptions.get(subscriptions.trialing)).toEqual(
      await raw(`/v1/subscriptions/${subscriptions.trialing}`),
    );
    expect(await polar().subscriptions.list({ status: ["past_due", "canceled"] })).toEqual(
      await raw("/v1/subscriptions/?status=past_due&status=canceled"),
    );
    expect(await polar().benefitGrants.list({ is_granted: false })).toEqual(
      await raw("/v1/benefit-grants/?is_granted=false"),
    );
  });

  it("updates metadata", async () => {
    const updated = await polar().subscriptions.update(subscriptions.active, {
      metadata: { status: "active", plan: "pro" },
    });
    expect(updated.metadata).toEqual({ status: "active", plan: "pro" });
  });

  it("revokes, and maps a repeat to its error", async () => {
    const revoked = await polar().subscriptions.revoke(subscriptions.trialing);
    expect(revoked.status).toBe("canceled");
    const repeat = polar().subscriptions.revoke(subscriptions.trialing);
    await expect(repeat).rejects.toBeInstanceOf(errors.AlreadyCanceledSubscription);
    await expect(repeat).rejects.toMatchObject({ statusCode: 403 });
  });
});
