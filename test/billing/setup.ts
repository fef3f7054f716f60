/**
 * Shared setup for the billing tests: a tenant with a customer, a monthly product with benefits,
 * built through the public API, and the control plane's answers.
 */
import type supertest from "supertest";
import { expect } from "vitest";
import type { RunningEmulator } from "../../src/index.js";
import { tenant } from "../helpers.js";

export interface ControlEvent {
  id: string;
  type: string;
  timestamp: string;
  organization_id: string;
  customer_id: string | null;
  data: Record<string, unknown> & { id: string };
}

export interface Catalog {
  organizationId: string;
  token: string;
  headers: { Authorization: string };
  customer: { id: string; external_id: string };
  product: Record<string, unknown> & { id: string };
  benefits: Record<string, Record<string, unknown> & { id: string }>;
  meter: { id: string };
}

export async function post(http: supertest.Agent, path: string, headers: object, body: unknown) {
  const response = await http
    .post(path)
    .set(headers as Record<string, string>)
    .send(body as object);
  return response;
}

/** A fresh tenant with a customer, a meter, benefits of several types and a monthly product. */
export async function catalog(
  emulator: RunningEmulator,
  http: supertest.Agent,
  options: { interval?: "month" | "year" | "week" | "day"; amount?: number } = {},
): Promise<Catalog> {
  const { organizationId, token, headers } = tenant(emulator);
  const customer = await post(http, "/v1/customers/", headers, {
    email: "ada@example.com",
    name: "Ada Lovelace",
    external_id: "user_ada",
  });
  expect(customer.status).toBe(201);
  const meter = await post(http, "/v1/meters/", headers, {
    name: "API calls",
    filter: { conjunction: "and", clauses: [{ property: "name", operator: "eq", value: "api_call" }] },
    aggregation: { func: "count" },
  });
  expect(meter.status, JSON.stringify(meter.body)).toBe(201);
  const bodies: Record<string, unknown> = {
    custom: { type: "custom", description: "Priority support", properties: { note: "Write to us" } },
    license_keys: { type: "license_keys", description: "License key", properties: { prefix: "ACME" } },
    feature_flag: { type: "feature_flag", description: "Beta features", properties: {} },
    meter_credit: {
      type: "meter_credit",
      description: "1000 API calls",
      properties: { units: 1000, rollover: false, meter_id: meter.body.id },
    },
  };
  const benefits: Catalog["benefits"] = {};
  for (const [key, body] of Object.entries(bodies)) {
    const created = await post(http, "/v1/benefits/", headers, body);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    benefits[key] = created.body;
  }
  const product = await post(http, "/v1/products/", headers, {
    name: "Pro",
    recurring_interval: options.interval ?? "month",
    prices: [{ amount_type: "fixed", price_amount: options.amount ?? 2000, price_currency: "usd" }],
  });
  expect(product.status, JSON.stringify(product.body)).toBe(201);
  const attached = await post(http, `/v1/products/${product.body.id}/benefits`, headers, {
    benefits: Object.values(benefits).map((benefit) => benefit.id),
  });
  expect(attached.status, JSON.stringify(attached.body)).toBe(200);
  return {
    organizationId,
    token,
    headers,
    customer: customer.body,
    product: attached.body,
    benefits,
    meter: meter.body,
  };
}

export function types(events: ControlEvent[]): string[] {
  return events.map((event) => event.type);
}
