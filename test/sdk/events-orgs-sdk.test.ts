/**
 * Events, event types and organizations through the official clients: `@polar-sh/sdk` 0.49
 * (strict zod on every response: each call that resolves proves the bytes satisfy it) and 1.0 for
 * API version 2026-10 (no validation: values are checked).
 */
import { Polar } from "@polar-sh/sdk";
import { ResourceNotFound } from "@polar-sh/sdk/models/errors/resourcenotfound.js";
import { createPolar } from "polar-sdk-v1/2026-10";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningEmulator, startEmulator } from "../../src/index.js";

let emulator: RunningEmulator;
beforeAll(async () => {
  emulator = await startEmulator();
});
afterAll(async () => {
  await emulator?.close();
});

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to be rejected, it resolved");
}

/** An organization with a customer, a subscription to a product with a meter credit, usage with a parent. */
async function seeded(polar: Polar) {
  const customer = await polar.customers.create({
    email: `${Math.random().toString(36).slice(2)}@example.com`,
    externalId: "sdk-ext",
  });
  const meter = await polar.meters.create({
    name: "Calls",
    filter: { conjunction: "and", clauses: [] },
    aggregation: { func: "count" },
  });
  const benefit = await polar.benefits.create({
    type: "meter_credit",
    description: "Credits",
    properties: { meterId: meter.id, units: 5, rollover: true },
  });
  const product = await polar.products.create({
    name: "Pro",
    recurringInterval: "month",
    prices: [{ amountType: "fixed", priceAmount: 900 }],
  });
  await polar.products.updateBenefits({ id: product.id, productBenefitsUpdate: { benefits: [benefit.id] } });
  const started = await fetch(`${emulator.url}/_emulator/subscriptions`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ customer_id: customer.id, product_id: product.id }),
  });
  expect(started.status).toBe(201);
  await polar.events.ingest({
    events: [
      { name: "run", customerId: customer.id, externalId: "run-1", metadata: { model: "gpt", tokens: 3 } },
      {
        name: "step",
        externalCustomerId: "sdk-ext",
        parentId: "run-1",
        metadata: { _cost: { amount: 1.25, currency: "usd" } },
      },
    ],
  });
  return { customer };
}

describe("@polar-sh/sdk 0.49", () => {
  it("lists and gets usage and system events, names and event types; relabels one", async () => {
    const { token } = emulator.createOrganization();
    const polar = new Polar({ accessToken: token, serverURL: emulator.url });
    await seeded(polar);
    const listed = await polar.events.list({ limit: 100 });
    const items = listed.items;
    expect(items.map((event) => event.name).sort()).toEqual(
      [
        "benefit.granted",
        "customer.created",
        "meter.credited",
        // The started subscription's first order.
        "order.paid",
        "run",
        "step",
        "subscription.created",
      ].sort(),
    );
    const run = items.find((event) => event.name === "run");
    expect(run).toMatchObject({ source: "user", childCount: 1, label: "run" });
    const got = await polar.events.get({ id: run?.id ?? "" });
    expect(got.id).toBe(run?.id);
    const names = [];
    for await (const page of await polar.events.listNames({ limit: 100 })) names.push(...page.result.items);
    expect(names.map((name) => name.name)).toContain("meter.credited");
    const types = [];
    for await (const page of await polar.eventTypes.list({})) types.push(...page.result.items);
    const step = types.find((type) => type.name === "step");
    const updated = await polar.eventTypes.update({
      id: step?.id ?? "",
      eventTypeUpdate: { label: "A step" },
    });
    expect(updated.label).toBe("A step");
    const error = await rejectionOf(polar.events.get({ id: "6f1b5c4e-0000-4000-8000-000000000000" }));
    expect(error).toBeInstanceOf(ResourceNotFound);
  });

  it("gets, lists and updates the organization", async () => {
    const { token, organizationId } = emulator.createOrganization();
    const polar = new Polar({ accessToken: token, serverURL: emulator.url });
    const organization = await polar.organizations.get({ id: organizationId });
    expect(organization.id).toBe(organizationId);
    const pages = [];
    for await (const page of await polar.organizations.listOrganizations({}))
      pages.push(...page.result.items);
    expect(pages.map((item) => item.id)).toEqual([organizationId]);
    const updated = await polar.organizations.update({
      id: organizationId,
      organizationUpdate: { name: "Through the SDK", website: "https://example.com" },
    });
    expect(updated).toMatchObject({ name: "Through the SDK", website: "https://example.com/" });
  });
});

describe("@polar-sh/sdk 1.0 (2026-10)", () => {
  it("lists events with their customers and reads the organization", async () => {
    const { token, organizationId } = emulator.createOrganization();
    await seeded(new Polar({ accessToken: token, serverURL: emulator.url }));
    const polar = createPolar({ accessToken: token, baseUrl: emulator.url });
    const listed = await polar.events.list({ limit: 100, source: "user" });
    expect(listed.items.map((event) => event.name)).toEqual(["step", "run"]);
    expect(listed.items[0]).toMatchObject({
      customer_id: null,
      external_customer_id: "sdk-ext",
      metadata: { _cost: { amount: "1.25", currency: "usd" } },
    });
    const organization = await polar.organizations.get(organizationId);
    expect(organization.id).toBe(organizationId);
  });
});
