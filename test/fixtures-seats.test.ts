/**
 * Seats and license key activations in fixtures, over real HTTP: a seat-based subscription's
 * `seats` assigned (and claimed) through the seats service, so the holder has the product's
 * benefits and a pending seat's invitation token works; a seat holder's license key activated
 * through the license keys service; and every refusal a 422 at its path that changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestEmulator, tenant } from "./helpers.js";

let ctx: Awaited<ReturnType<typeof startTestEmulator>>;
beforeAll(async () => {
  ctx = await startTestEmulator();
});
afterAll(() => ctx.emulator.close());

type Body = Record<string, unknown>;

function load(organizationId: string, text: string) {
  return ctx.http
    .post(`/_emulator/organizations/${organizationId}/fixtures`)
    .set("Content-Type", "application/yaml")
    .send(text);
}

async function stateOf(organizationId: string): Promise<string> {
  return (await ctx.http.get(`/_emulator/organizations/${organizationId}/snapshot`)).text;
}

// `reference_time: now`: the pending seat's invitation is valid a day from the load.
const CATALOG = `
reference_time: now
benefits:
  - { key: perk, type: custom, description: Seat perk, properties: {} }
  - key: app
    type: license_keys
    description: Desktop app
    properties: { prefix: acme, activations: { limit: 1, enable_customer_admin: true } }
products:
  - key: team
    name: Team
    recurring_interval: month
    prices:
      - amount_type: seat_based
        seat_tiers: { tiers: [{ min_seats: 2, max_seats: null, price_per_seat: 1000 }] }
    benefits: [perk, app]
  - key: pro
    name: Pro
    recurring_interval: month
    prices: [{ amount_type: fixed, price_amount: 2000 }]
`;

const CUSTOMERS = `
customers:
  - key: acme
    email: billing@acme.example
    subscriptions:
      - product: team
        seats:
          - { customer: ada, claimed: true, metadata: { team: core } }
          - { email: bob@acme.example }
  - key: ada
    email: ada@acme.example
    license_keys:
      - benefit: app
        activations: [{ label: laptop, meta: { os: linux } }]
`;
const FIXTURE = CATALOG + CUSTOMERS;

describe("seats in fixtures", () => {
  it("assigns the seats, claims the claimed one, and activates the holder's license key", async () => {
    const t = tenant(ctx.emulator);
    const loaded = await load(t.organizationId, FIXTURE);
    expect(loaded.status, loaded.text).toBe(200);
    const acme = loaded.body.keys.customers.acme as string;
    const ada = loaded.body.keys.customers.ada as string;

    const subscriptions = await ctx.http.get(`/v1/subscriptions/?customer_id=${acme}`).set(t.headers);
    const subscription = subscriptions.body.items[0] as Body;
    expect(subscription.seats).toBe(2);
    const list = await ctx.http
      .get(`/v1/customer-seats?subscription_id=${String(subscription.id)}`)
      .set(t.headers);
    expect(list.status, list.text).toBe(200);
    expect(list.body).toMatchObject({ available_seats: 0, total_seats: 2 });
    const [claimed, pending] = list.body.seats as Body[];
    expect(claimed).toMatchObject({ status: "claimed", customer_id: ada, seat_metadata: { team: "core" } });
    expect(claimed.claimed_at).toEqual(expect.any(String));
    expect(pending).toMatchObject({ status: "pending", email: "bob@acme.example", claimed_at: null });

    // The holder has the product's benefits, granted by the seat.
    const state = await ctx.http.get(`/v1/customers/${ada}/state`).set(t.headers);
    expect(state.status, state.text).toBe(200);
    const granted = (state.body.granted_benefits as Body[]).map((grant) => grant.benefit_id).sort();
    const benefits = loaded.body.keys.benefits as Record<string, string>;
    expect(granted).toEqual([benefits.perk, benefits.app].sort());

    // The pending seat's invitation is readable on the control plane, and claims.
    const invitation = await ctx.http.get(`/_emulator/customer-seats/${String(pending.id)}/invitation`);
    expect(invitation.status, invitation.text).toBe(200);
    expect(invitation.body).toMatchObject({ status: "pending", email: "bob@acme.example", expired: false });
    expect(invitation.body.invitation_token).toEqual(expect.any(String));
    const claim = await ctx.http
      .post("/v1/customer-seats/claim")
      .send({ invitation_token: invitation.body.invitation_token });
    expect(claim.status, claim.text).toBe(200);
    expect(claim.body.seat).toMatchObject({ id: pending.id, status: "claimed" });

    // The license key the seat granted Ada, with its activation.
    const keys = await ctx.http.get(`/v1/license-keys/?benefit_id=${benefits.app}`).set(t.headers);
    const key = (keys.body.items as Body[]).find((item) => item.customer_id === ada);
    expect(key, keys.text).toBeDefined();
    const full = await ctx.http.get(`/v1/license-keys/${String(key?.id)}`).set(t.headers);
    const activations = full.body.activations as Body[];
    expect(activations).toHaveLength(1);
    expect(activations[0]).toMatchObject({ label: "laptop", meta: { os: "linux" } });
    const activation = await ctx.http
      .get(`/v1/license-keys/${String(key?.id)}/activations/${String(activations[0].id)}`)
      .set(t.headers);
    expect(activation.status, activation.text).toBe(200);
    expect(activation.body).toMatchObject({
      id: activations[0].id,
      label: "laptop",
      license_key_id: key?.id,
    });
  });

  it("with the member model: seats go to members of the billing customer, the claimed one's grants too", async () => {
    const t = tenant(ctx.emulator);
    const loaded = await load(
      t.organizationId,
      `organization: { member_model_enabled: true }
${CATALOG}
customers:
  - key: acme
    type: team
    email: billing@acme.example
    subscriptions:
      - product: team
        seats: [{ email: ada@acme.example, claimed: true }, { email: bob@acme.example }]
`,
    );
    expect(loaded.status, loaded.text).toBe(200);
    const acme = loaded.body.keys.customers.acme as string;
    const subscriptions = await ctx.http.get(`/v1/subscriptions/?customer_id=${acme}`).set(t.headers);
    const subscription = String(subscriptions.body.items[0].id);
    const list = await ctx.http.get(`/v1/customer-seats?subscription_id=${subscription}`).set(t.headers);
    const [claimed, pending] = list.body.seats as Body[];
    expect(claimed).toMatchObject({ status: "claimed", customer_id: acme, email: "ada@acme.example" });
    expect(pending).toMatchObject({ status: "pending", customer_id: acme, email: "bob@acme.example" });
    const members = await ctx.http.get(`/v1/members/?customer_id=${acme}`).set(t.headers);
    const emails = (members.body.items as Body[]).map((member) => member.email).sort();
    expect(emails).toEqual(["ada@acme.example", "billing@acme.example", "bob@acme.example"]);
    const grants = await ctx.http.get(`/v1/benefit-grants/?customer_id=${acme}&limit=100`).set(t.headers);
    expect(grants.status, grants.text).toBe(200);
    const ofMember = (grants.body.items as Body[]).filter(
      (grant) => grant.member_id === claimed.member_id && grant.is_granted === true,
    );
    expect(ofMember).toHaveLength(2);
  });

  it("keeps the seats and the activation in a snapshot", async () => {
    const a = tenant(ctx.emulator);
    expect((await load(a.organizationId, FIXTURE.replace("reference_time: now", ""))).status).toBe(200);
    const snapshot = await ctx.http.get(`/_emulator/organizations/${a.organizationId}/snapshot`);
    expect(snapshot.body.customer_seats).toHaveLength(2);
    expect(snapshot.body.license_key_activations).toHaveLength(1);
    // Assigned at the default reference time (2026-01-01): the invitation was valid a day.
    const pending = (snapshot.body.customer_seats as Body[]).find((seat) => seat.status === "pending");
    const invitation = await ctx.http.get(`/_emulator/customer-seats/${String(pending?.id)}/invitation`);
    expect(invitation.body).toMatchObject({ invitation_token_expires_at: "2026-01-02T00:00:00Z" });
  });

  it("refuses more seats than the subscription has, at the seat, and changes nothing", async () => {
    const t = tenant(ctx.emulator);
    expect((await load(t.organizationId, CATALOG)).status).toBe(200);
    const before = await stateOf(t.organizationId);
    const over = await load(
      t.organizationId,
      CUSTOMERS.replace(
        "          - { email: bob@acme.example }\n",
        "          - { email: bob@acme.example }\n          - { email: cy@acme.example }\n",
      ),
    );
    expect(over.status).toBe(422);
    expect(over.body.detail).toHaveLength(1);
    expect(over.body.detail[0].loc).toEqual(["body", "customers", 0, "subscriptions", 0, "seats", 2]);
    expect(over.body.detail[0].msg).toContain("SeatNotAvailable");
    expect(await stateOf(t.organizationId)).toBe(before);
  });

  it("refuses seats on a product that is not seat-based, and activations over the key's limit", async () => {
    const t = tenant(ctx.emulator);
    expect((await load(t.organizationId, CATALOG)).status).toBe(200);
    const before = await stateOf(t.organizationId);
    const notSeats = await load(
      t.organizationId,
      `customers:\n  - email: solo@example.com\n    subscriptions: [{ product: pro, seats: [{ email: x@example.com }] }]\n`,
    );
    expect(notSeats.status).toBe(422);
    expect(notSeats.body.detail[0].loc).toEqual(["body", "customers", 0, "subscriptions", 0, "seats", 0]);
    expect(notSeats.body.detail[0].msg).toContain("SeatNotAvailable");
    expect(await stateOf(t.organizationId)).toBe(before);

    const overLimit = await load(
      t.organizationId,
      CUSTOMERS.replace(
        "activations: [{ label: laptop, meta: { os: linux } }]",
        "activations: [{ label: laptop }, { label: phone }]",
      ),
    );
    expect(overLimit.status).toBe(422);
    expect(overLimit.body.detail[0].loc).toEqual([
      "body",
      "customers",
      1,
      "license_keys",
      0,
      "activations",
      1,
    ]);
    expect(overLimit.body.detail[0].msg).toContain("License key activation limit already reached");
    expect(await stateOf(t.organizationId)).toBe(before);
  });

  it("checks a seat before anything is loaded: one recipient, a known customer, no unknown fields", async () => {
    const t = tenant(ctx.emulator);
    const before = await stateOf(t.organizationId);
    const bad = await load(
      t.organizationId,
      `${CATALOG}
customers:
  - email: billing@acme.example
    subscriptions:
      - product: team
        seats:
          - { email: ada@acme.example, customer: nobody }
          - { email: bob@acme.example, metadata: { a: 1, b: 2, c: 3, d: 4, e: 5, f: 6, g: 7, h: 8, i: 9, j: 10, k: 11 } }
`,
    );
    expect(bad.status).toBe(422);
    const locs = (bad.body.detail as Array<{ loc: unknown[] }>).map((detail) => detail.loc);
    const seats = ["body", "customers", 0, "subscriptions", 0, "seats"];
    expect(locs).toContainEqual([...seats, 0, "customer"]);
    expect(locs).toContainEqual([...seats, 0]);
    expect(locs).toContainEqual([...seats, 1, "metadata"]);
    const typo = await load(
      t.organizationId,
      `${CATALOG}\ncustomers: [{ email: b@acme.example, subscriptions: [{ product: team, seats: [{ emial: x@acme.example }] }] }]\n`,
    );
    expect(typo.status).toBe(422);
    expect(typo.body.detail[0].loc).toEqual([...seats, 0, "emial"]);
    expect(await stateOf(t.organizationId)).toBe(before);
  });
});
