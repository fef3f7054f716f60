/**
 * Members, customer payment methods, and subscriptions created and exported, through the official
 * clients: `@polar-sh/sdk` 0.49 (every answer validated by zod: a call that resolves proves the
 * bytes satisfy it) and 1.x (`polar-sdk-v1`, the 2026-10 surface).
 */
import { Polar } from "@polar-sh/sdk";
import { NotPermitted } from "@polar-sh/sdk/models/errors/notpermitted.js";
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

function clients(memberModel = true) {
  const { token } = emulator.createOrganization({ member_model_enabled: memberModel });
  return {
    v0: new Polar({ accessToken: token, serverURL: emulator.url }),
    v1: createPolar({ accessToken: token, baseUrl: emulator.url }),
  };
}

describe("@polar-sh/sdk 0.49", () => {
  it("creates, reads, lists, updates and deletes members, its zod schemas satisfied", async () => {
    const { v0 } = clients();
    const team = await v0.customers.create({
      type: "team",
      email: "team@example.com",
      name: "Team",
      externalId: "crew",
      owner: { email: "boss@example.com", name: "Boss" },
    });
    const member = await v0.customers.members.create({
      id: team.id,
      memberCreateFromCustomer: { email: "m@example.com", name: "M", externalId: "m_1" },
    });
    expect(member).toMatchObject({
      customerId: team.id,
      email: "m@example.com",
      role: "member",
      modifiedAt: null,
    });
    expect(member.createdAt).toBeInstanceOf(Date);
    expect(await v0.customers.members.get({ id: team.id, memberId: member.id })).toEqual(member);
    expect(await v0.customers.members.getExternal({ externalId: "crew", memberExternalId: "m_1" })).toEqual(
      member,
    );
    const promoted = await v0.customers.members.update({
      id: team.id,
      memberId: member.id,
      memberUpdate: { role: "owner" },
    });
    expect(promoted.role).toBe("owner");
    expect(promoted.modifiedAt).toBeInstanceOf(Date);
    const pages = [];
    for await (const page of await v0.members.listMembers({ customerId: team.id, sorting: ["created_at"] })) {
      pages.push(page.result);
    }
    expect(pages).toHaveLength(1);
    expect(pages[0].items.map((item) => [item.email, item.role])).toEqual([
      ["boss@example.com", "billing_manager"],
      ["m@example.com", "owner"],
    ]);
    const renamed = await v0.customers.members.updateExternal({
      externalId: "crew",
      memberExternalId: "m_1",
      memberUpdate: { name: "Mia" },
    });
    expect(renamed.name).toBe("Mia");
    await v0.customers.members.delete({ id: team.id, memberId: pages[0].items[0].id });
    await expect(
      v0.customers.members.get({ id: team.id, memberId: pages[0].items[0].id }),
    ).rejects.toBeInstanceOf(ResourceNotFound);
    await expect(
      v0.customers.members.deleteExternal({ externalId: "crew", memberExternalId: "m_1" }),
    ).rejects.toThrow();
  });

  it("raises NotPermitted without the member model, ResourceNotFound for an unknown customer", async () => {
    const { v0 } = clients(false);
    const customer = await v0.customers.create({ email: "solo@example.com" });
    const refused = v0.customers.members.create({
      id: customer.id,
      memberCreateFromCustomer: { email: "x@example.com" },
    });
    await expect(refused).rejects.toBeInstanceOf(NotPermitted);
    await expect(refused).rejects.toMatchObject({
      detail: "Member management is not enabled for this organization",
    });
    await expect(
      v0.customers.members.createExternal({
        externalId: "nobody",
        memberCreateFromCustomer: { email: "x@example.com" },
      }),
    ).rejects.toBeInstanceOf(ResourceNotFound);
  });

  it("lists a customer's payment methods (none), and creates and exports a subscription", async () => {
    const { v0 } = clients();
    const customer = await v0.customers.create({ email: "pay@example.com", externalId: "pay" });
    const methods = await v0.customers.listPaymentMethods({ id: customer.id });
    expect(methods.result).toEqual({ items: [], pagination: { totalCount: 0, maxPage: 0 } });
    const external = await v0.customers.listPaymentMethodsExternal({ externalId: "pay" });
    expect(external.result.items).toEqual([]);
    const product = await v0.products.create({
      name: "Free",
      recurringInterval: "month",
      prices: [{ amountType: "fixed", priceAmount: 0 }],
    });
    const subscription = await v0.subscriptions.create({ productId: product.id, customerId: customer.id });
    expect(subscription).toMatchObject({ status: "active", amount: 0, customerId: customer.id });
    const csv = await v0.subscriptions.export({});
    expect(csv).toBe(
      `Email,Started At,Product,Amount,Currency,Status,Billing Interval\r\npay@example.com,${subscription.startedAt
        ?.toISOString()
        .replace(/\.(\d{3})Z$/, (_, ms: string) =>
          ms === "000" ? "+00:00" : `.${ms}000+00:00`,
        )},Free,0.0,usd,active,month\r\n`,
    );
  });
});

describe("polar-sdk-v1 (2026-10)", () => {
  it("adds and reads members, and creates a subscription on a free product", async () => {
    const { v1 } = clients();
    const team = await v1.customers.create({ type: "team", email: "t@example.com", external_id: "t1" });
    const member = await v1.customers.members.create(team.id, {
      email: "a@example.com",
      role: "billing_manager",
    });
    expect(member).toMatchObject({ customer_id: team.id, role: "billing_manager" });
    expect(await v1.customers.members.get(team.id, member.id)).toEqual(member);
    const product = await v1.products.create({
      name: "Free",
      recurring_interval: "month",
      prices: [{ amount_type: "fixed", price_amount: 0 }],
    });
    const subscription = await v1.subscriptions.create({
      product_id: product.id,
      external_customer_id: "t1",
    });
    expect(subscription.customer_id).toBe(team.id);
    const paid = await v1.products.create({
      name: "Paid",
      recurring_interval: "month",
      prices: [{ amount_type: "fixed", price_amount: 500 }],
    });
    await expect(
      v1.subscriptions.create({ product_id: paid.id, customer_id: team.id }),
    ).rejects.toBeInstanceOf(errors.HTTPValidationError);
  });
});
