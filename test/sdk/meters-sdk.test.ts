/**
 * Meters, customer meters and event ingestion through the official clients: `@polar-sh/sdk` 0.49
 * (which validates every response strictly with zod, so each call that resolves proves the bytes
 * satisfy it) and 1.0 for API version 2026-10 (which validates nothing, so values are checked).
 */
import { Polar } from "@polar-sh/sdk";
import type { CustomerMeter } from "@polar-sh/sdk/models/components/customermeter.js";
import type { Meter } from "@polar-sh/sdk/models/components/meter.js";
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

const UNKNOWN_ID = "6f1b5c4e-0000-4000-8000-000000000000";

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to be rejected, it resolved");
}

describe("@polar-sh/sdk 0.49", () => {
  function client() {
    const { organizationId, token } = emulator.createOrganization();
    return { polar: new Polar({ accessToken: token, serverURL: emulator.url }), organizationId };
  }

  it("creates, gets and lists meters of every aggregation", async () => {
    const { polar, organizationId } = client();
    const filter = {
      conjunction: "and" as const,
      clauses: [
        { property: "name", operator: "eq" as const, value: "llm" },
        {
          conjunction: "or" as const,
          clauses: [
            { property: "metadata.model", operator: "like" as const, value: "gpt" },
            { property: "tokens", operator: "gte" as const, value: 1 },
            { property: "beta", operator: "eq" as const, value: true },
          ],
        },
      ],
    };
    const created: Meter[] = [];
    created.push(await polar.meters.create({ name: "calls", filter, aggregation: { func: "count" } }));
    for (const func of ["sum", "max", "min", "avg"] as const) {
      created.push(
        await polar.meters.create({
          name: `tokens ${func}`,
          filter,
          aggregation: { func, property: "tokens" },
        }),
      );
    }
    created.push(
      await polar.meters.create({
        name: "models",
        unit: "custom",
        customLabel: "model",
        customMultiplier: 1,
        metadata: { team: "ai", weight: 1.5, on: true },
        filter,
        aggregation: { func: "unique", property: "model" },
      }),
    );
    for (const meter of created) {
      expect(meter.organizationId).toBe(organizationId);
      expect(meter.createdAt).toBeInstanceOf(Date);
      expect(meter.modifiedAt).toBeNull();
      expect(meter.archivedAt).toBeNull();
    }
    expect(created[0].aggregation).toEqual({ func: "count" });
    expect(created[1].aggregation).toEqual({ func: "sum", property: "tokens" });
    expect(created[5]).toMatchObject({ unit: "custom", customLabel: "model", customMultiplier: 1 });
    expect(created[5].metadata).toEqual({ team: "ai", weight: 1.5, on: true });
    expect(created[0].filter).toEqual({
      ...filter,
      clauses: [
        filter.clauses[0],
        {
          ...filter.clauses[1],
          clauses: [
            { property: "model", operator: "like", value: "gpt" },
            { property: "tokens", operator: "gte", value: 1 },
            { property: "beta", operator: "eq", value: true },
          ],
        },
      ],
    });

    expect(await polar.meters.get({ id: created[3].id })).toEqual(created[3]);

    const names: string[] = [];
    for await (const page of await polar.meters.list({ limit: 4 })) {
      names.push(...page.result.items.map((meter) => meter.name));
    }
    expect(names).toEqual(["calls", "models", "tokens avg", "tokens max", "tokens min", "tokens sum"]);
    const filtered = await polar.meters.list({
      query: "TOKENS",
      sorting: ["-created_at"],
      isArchived: false,
    });
    expect(filtered.result.items.map((meter) => meter.name)).toEqual([
      "tokens avg",
      "tokens min",
      "tokens max",
      "tokens sum",
    ]);
    expect(filtered.result.pagination).toEqual({ totalCount: 4, maxPage: 1 });
    const byMetadata = await polar.meters.list({ metadata: { team: "ai" } });
    expect(byMetadata.result.items.map((meter) => meter.name)).toEqual(["models"]);
  });

  it("maps 404 and 422 to the SDK's error classes", async () => {
    const { polar, organizationId } = client();
    const missing = await rejectionOf(polar.meters.get({ id: UNKNOWN_ID }));
    expect(missing).toBeInstanceOf(ResourceNotFound);
    const missingCustomerMeter = await rejectionOf(polar.customerMeters.get({ id: UNKNOWN_ID }));
    expect(missingCustomerMeter).toBeInstanceOf(ResourceNotFound);
    const refused = await rejectionOf(
      polar.meters.create({
        name: "meter",
        organizationId,
        filter: { conjunction: "and", clauses: [] },
        aggregation: { func: "count" },
      }),
    );
    expect(refused).toBeInstanceOf(HTTPValidationError);
    const unknownCustomer = await rejectionOf(
      polar.events.ingest({ events: [{ name: "a", customerId: UNKNOWN_ID }] }),
    );
    expect(unknownCustomer).toBeInstanceOf(HTTPValidationError);
    if (unknownCustomer instanceof HTTPValidationError) {
      expect(unknownCustomer.detail).toEqual([
        {
          type: "customer_id",
          loc: ["body", "events", 0, "customer_id"],
          msg: "Customer not found.",
          input: UNKNOWN_ID,
        },
      ]);
    }
  });

  it("ingests events and reads customer meters and the customer state", async () => {
    const { polar } = client();
    const calls = await polar.meters.create({
      name: "calls",
      filter: { conjunction: "and", clauses: [] },
      aggregation: { func: "count" },
    });
    const tokens = await polar.meters.create({
      name: "tokens",
      filter: { conjunction: "and", clauses: [{ property: "name", operator: "eq", value: "llm" }] },
      aggregation: { func: "avg", property: "_llm.total_tokens" },
    });
    const customer = await polar.customers.create({ email: "sdk-meters@example.com", externalId: "sdk_1" });
    const result = await polar.events.ingest({
      events: [
        {
          name: "llm",
          customerId: customer.id,
          externalId: "evt_1",
          timestamp: new Date(Date.now() - 60_000),
          metadata: {
            _llm: { vendor: "openai", model: "gpt-4o", inputTokens: 3, outputTokens: 4, totalTokens: 7 },
          },
        },
        {
          name: "llm",
          externalCustomerId: "sdk_1",
          metadata: {
            _llm: { vendor: "openai", model: "gpt-4o", inputTokens: 1, outputTokens: 1, totalTokens: 2 },
          },
        },
        { name: "llm", customerId: customer.id, externalId: "evt_1" },
        { name: "other", externalCustomerId: "not-yet", metadata: { plan: "pro", n: 1.5, ok: false } },
      ],
    });
    expect(result).toEqual({ inserted: 3, duplicates: 1 });

    const all: CustomerMeter[] = [];
    for await (const page of await polar.customerMeters.list({ sorting: ["meter_name"] })) {
      all.push(...page.result.items);
    }
    expect(all.map((item) => [item.meterId, item.consumedUnits, item.creditedUnits, item.balance])).toEqual([
      [calls.id, 2, 0, -2],
      [tokens.id, 4.5, 0, -4.5],
    ]);
    expect(all[0].customer.id).toBe(customer.id);
    expect(all[0].meter).toEqual(calls);
    expect(all[1].modifiedAt).toBeInstanceOf(Date);
    expect(await polar.customerMeters.get({ id: all[1].id })).toEqual(all[1]);

    const filtered = await polar.customerMeters.list({ externalCustomerId: "sdk_1", meterId: [tokens.id] });
    expect(filtered.result.items.map((item) => item.id)).toEqual([all[1].id]);

    const state = await polar.customers.getState({ id: customer.id });
    expect(state.activeMeters.map((meter) => [meter.meterId, meter.consumedUnits, meter.balance])).toEqual([
      [calls.id, 2, -2],
      [tokens.id, 4.5, -4.5],
    ]);
  });
});

describe("@polar-sh/sdk 1.0 (2026-10)", () => {
  function client() {
    const { organizationId, token } = emulator.createOrganization();
    return { polar: createPolar({ accessToken: token, baseUrl: emulator.url }), organizationId };
  }

  it("creates, gets and lists meters, ingests, and reads customer meters", async () => {
    const { polar, organizationId } = client();
    const meter = await polar.meters.create({
      name: "bytes",
      filter: { conjunction: "or", clauses: [{ property: "kind", operator: "ne", value: "free" }] },
      aggregation: { func: "sum", property: "metadata.bytes" },
    });
    expect(meter).toMatchObject({
      name: "bytes",
      unit: "scalar",
      organization_id: organizationId,
      aggregation: { func: "sum", property: "bytes" },
      archived_at: null,
    });
    expect(await polar.meters.get(meter.id)).toEqual(meter);
    expect(await polar.meters.list()).toEqual({
      items: [meter],
      pagination: { total_count: 1, max_page: 1 },
    });

    const customer = await polar.customers.create({ email: "v1-meters@example.com" });
    const ingested = await polar.events.ingest({
      events: [
        { name: "upload", customer_id: customer.id, metadata: { kind: "paid", bytes: 300 } },
        { name: "upload", customer_id: customer.id, metadata: { kind: "free", bytes: 999 } },
        { name: "upload", customer_id: customer.id, metadata: { bytes: 1 } },
      ],
    });
    expect(ingested).toEqual({ inserted: 1 + 2, duplicates: 0 });

    const page = await polar.customerMeters.list({ customer_id: customer.id });
    expect(page.pagination).toEqual({ total_count: 1, max_page: 1 });
    expect(page.items[0]).toMatchObject({
      customer_id: customer.id,
      meter_id: meter.id,
      consumed_units: 300,
      credited_units: 0,
      balance: -300,
      meter,
    });
    expect(await polar.customerMeters.get(page.items[0].id)).toEqual(page.items[0]);

    const missing = await rejectionOf(polar.meters.get(UNKNOWN_ID));
    expect(missing).toBeInstanceOf(errors.ResourceNotFound);
    const invalid = await rejectionOf(
      polar.events.ingest({
        events: [{ name: "a", customer_id: customer.id, organization_id: organizationId }],
      }),
    );
    expect(invalid).toBeInstanceOf(errors.HTTPValidationError);
  });
});
