/**
 * Updating and deleting catalog objects, and a meter's quantities, through the official clients:
 * `@polar-sh/sdk` 0.49 (every response validated with zod, so each call that resolves proves the
 * bytes fit) and 1.x for API version 2026-10 (which validates nothing, so values are checked).
 */
import { randomUUID } from "node:crypto";
import { Polar } from "@polar-sh/sdk";
import { HTTPValidationError } from "@polar-sh/sdk/models/errors/httpvalidationerror.js";
import { ResourceNotFound } from "@polar-sh/sdk/models/errors/resourcenotfound.js";
import { createPolar, errors } from "polar-sdk-v1/2026-10";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningEmulator, startEmulator } from "../../src/index.js";

let emulator: RunningEmulator;

beforeAll(async () => {
  emulator = await startEmulator();
});

afterAll(async () => {
  await emulator?.close();
});

function freshOrganization() {
  const { organizationId, token } = emulator.createOrganization();
  return {
    organizationId,
    polar: new Polar({ accessToken: token, serverURL: emulator.url }),
    v1: createPolar({ accessToken: token, baseUrl: emulator.url }),
  };
}

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to be rejected, it resolved");
}

const LLM = {
  conjunction: "and" as const,
  clauses: [{ property: "name", operator: "eq" as const, value: "llm" }],
};

describe("@polar-sh/sdk 0.49", () => {
  it("updates a product: fields, a kept price and a new one", async () => {
    const { polar } = freshOrganization();
    const product = await polar.products.create({
      name: "Pro",
      recurringInterval: "month",
      prices: [{ amountType: "fixed", priceAmount: 2000 }],
    });
    const updated = await polar.products.update({
      id: product.id,
      productUpdate: {
        name: "Pro plan",
        description: "Everything",
        metadata: { tier: "pro" },
        trialInterval: "week",
        trialIntervalCount: 2,
        prices: [
          { id: product.prices[0].id },
          { amountType: "fixed", priceAmount: 1500, priceCurrency: "eur" },
        ],
      },
    });
    expect(updated).toMatchObject({ name: "Pro plan", description: "Everything", trialIntervalCount: 2 });
    expect(updated.prices.map((price) => price.id)).toContain(product.prices[0].id);
    expect(updated.modifiedAt).toBeInstanceOf(Date);
    const missing = await rejectionOf(
      polar.products.update({ id: randomUUID(), productUpdate: { name: "Gone" } }),
    );
    expect(missing).toBeInstanceOf(ResourceNotFound);
    const refused = await rejectionOf(
      polar.products.update({ id: product.id, productUpdate: { recurringInterval: "year" } }),
    );
    expect(refused).toBeInstanceOf(HTTPValidationError);
  });

  it("updates and deletes a benefit", async () => {
    const { polar } = freshOrganization();
    const benefit = await polar.benefits.create({
      type: "license_keys",
      description: "License key",
      properties: { prefix: "ACME" },
    });
    const updated = await polar.benefits.update({
      id: benefit.id,
      requestBody: {
        type: "license_keys",
        description: "License keys",
        properties: { prefix: "PRO", limitUsage: 5 },
      },
    });
    expect(updated).toMatchObject({ type: "license_keys", description: "License keys" });
    await polar.benefits.delete({ id: benefit.id });
    expect(await rejectionOf(polar.benefits.get({ id: benefit.id }))).toBeInstanceOf(ResourceNotFound);
  });

  it("updates a meter and reads its quantities", async () => {
    const { polar } = freshOrganization();
    const meter = await polar.meters.create({
      name: "Tokens",
      filter: LLM,
      aggregation: { func: "sum", property: "tokens" },
    });
    const customer = await polar.customers.create({ email: "quantities@example.com" });
    await polar.events.ingest({
      events: [
        {
          name: "llm",
          customerId: customer.id,
          timestamp: new Date("2026-03-07T10:00:00Z"),
          metadata: { tokens: 4 },
        },
        {
          name: "llm",
          customerId: customer.id,
          timestamp: new Date("2026-03-08T10:00:00Z"),
          metadata: { tokens: 2.5 },
        },
      ],
    });
    const updated = await polar.meters.update({ id: meter.id, meterUpdate: { name: "LLM tokens" } });
    expect(updated.name).toBe("LLM tokens");
    const quantities = await polar.meters.quantities({
      id: meter.id,
      startTimestamp: new Date("2026-03-07T00:00:00Z"),
      endTimestamp: new Date("2026-03-09T00:00:00Z"),
      interval: "day",
      timezone: "Europe/Paris",
    });
    expect(quantities.total).toBe(6.5);
    expect(quantities.quantities.map((row) => [row.timestamp.toISOString(), row.quantity])).toEqual([
      ["2026-03-07T00:00:00.000Z", 4],
      ["2026-03-08T00:00:00.000Z", 2.5],
      ["2026-03-09T00:00:00.000Z", 0],
    ]);
    const tooLong = await rejectionOf(
      polar.meters.quantities({
        id: meter.id,
        startTimestamp: new Date("2026-01-01T00:00:00Z"),
        endTimestamp: new Date("2026-03-01T00:00:00Z"),
        interval: "hour",
      }),
    );
    expect(tooLong).toBeInstanceOf(HTTPValidationError);
  });
});

describe("@polar-sh/sdk 1.x (2026-10)", () => {
  it("updates a product, a benefit and a meter; deletes a benefit; lists a benefit's files", async () => {
    const { v1 } = freshOrganization();
    const product = await v1.products.create({
      name: "Lifetime",
      prices: [{ amount_type: "fixed", price_amount: 900 }],
    });
    const archived = await v1.products.update(product.id, { is_archived: true });
    expect(archived).toMatchObject({ id: product.id, is_archived: true });

    const files = await v1.benefits.create({
      type: "downloadables",
      description: "E-book",
      properties: { files: [randomUUID()] },
    });
    expect(await v1.benefits.files(files.id)).toEqual({
      items: [],
      pagination: { total_count: 0, max_page: 0 },
    });
    const renamed = await v1.benefits.update(files.id, { type: "downloadables", description: "E-books" });
    expect(renamed.description).toBe("E-books");
    await v1.benefits.delete(files.id);
    expect(await rejectionOf(v1.benefits.get(files.id))).toBeInstanceOf(errors.ResourceNotFound);

    const meter = await v1.meters.create({ name: "Calls", filter: LLM, aggregation: { func: "count" } });
    expect(await v1.meters.update(meter.id, { is_archived: true })).toMatchObject({ id: meter.id });
    const quantities = await v1.meters.quantities(meter.id, {
      start_timestamp: "2026-03-01T00:00:00Z",
      end_timestamp: "2026-03-02T00:00:00Z",
      interval: "day",
    });
    expect(quantities).toEqual({
      quantities: [
        { timestamp: "2026-03-01T00:00:00Z", quantity: 0 },
        { timestamp: "2026-03-02T00:00:00Z", quantity: 0 },
      ],
      total: 0,
    });
    const invalid = await rejectionOf(v1.benefits.update(files.id, { type: "custom" }));
    expect(invalid).toBeInstanceOf(errors.ResourceNotFound);
  });
});
