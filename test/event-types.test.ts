/**
 * `GET /v1/event-types/` and `PATCH /v1/event-types/{id}`: event types made when events of a new
 * name are ingested, their statistics and filters, relabelling (and the labels events then show),
 * and Polar's errors. Over real HTTP, with a clock that stands still, each test in its own
 * organization.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FixedClock } from "../src/index.js";
import { startTestEmulator, tenant } from "./helpers.js";

const NOW = new Date("2026-03-01T12:00:00.000Z");
const clock = new FixedClock(NOW);
let ctx: Awaited<ReturnType<typeof startTestEmulator>>;
beforeAll(async () => {
  ctx = await startTestEmulator({ clock });
});
afterAll(() => ctx.emulator.close());

type Json = Record<string, unknown>;
const UNKNOWN_ID = "6f1b5c4e-0000-4000-8000-000000000000";

async function setup() {
  clock.set(NOW);
  const t = tenant(ctx.emulator);
  const customer = await ctx.http
    .post("/v1/customers/")
    .set(t.headers)
    .send({ email: "bob@example.com", external_id: "ext_b" });
  const ingest = await ctx.http
    .post("/v1/events/ingest")
    .set(t.headers)
    .send({
      events: [
        {
          name: "chat",
          customer_id: customer.body.id,
          external_id: "c1",
          timestamp: "2026-03-01T08:00:00Z",
          metadata: { subject: "Hello" },
        },
        {
          name: "chat",
          external_customer_id: "ext_b",
          timestamp: "2026-03-01T09:00:00Z",
          metadata: { subject: 0 },
        },
        { name: "tool", external_customer_id: "other", parent_id: "c1", timestamp: "2026-03-01T10:00:00Z" },
      ],
    });
  expect(ingest.status, ingest.text).toBe(200);
  return { ...t, customerId: customer.body.id as string };
}

async function types(headers: Record<string, string>, query = "") {
  const res = await ctx.http.get(`/v1/event-types/${query}`).set(headers);
  expect(res.status, res.text).toBe(200);
  return res.body as { items: Json[]; pagination: { total_count: number; max_page: number } };
}

const pairs = (body: { items: Json[] }) => body.items.map((item) => `${item.name}/${item.source}`);

describe("listing", () => {
  it("lists each name and source with its event type and statistics, last seen first", async () => {
    const t = await setup();
    const body = await types(t.headers);
    expect(pairs(body)).toEqual(["customer.created/system", "tool/user", "chat/user"]);
    const [created, tool, chat] = body.items;
    expect(created).toEqual({
      id: null,
      created_at: null,
      modified_at: null,
      name: "customer.created",
      label: "Customer Created",
      label_property_selector: null,
      organization_id: t.organizationId,
      source: "system",
      occurrences: 1,
      first_seen: "2026-03-01T12:00:00Z",
      last_seen: "2026-03-01T12:00:00Z",
    });
    expect(chat).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      created_at: "2026-03-01T12:00:00Z",
      modified_at: null,
      name: "chat",
      label: "chat",
      label_property_selector: null,
      organization_id: t.organizationId,
      source: "user",
      occurrences: 2,
      first_seen: "2026-03-01T08:00:00Z",
      last_seen: "2026-03-01T09:00:00Z",
    });
    expect(tool.occurrences).toBe(1);
  });

  it("filters by customer, source, root events, parent and query; `label` orders nothing", async () => {
    const t = await setup();
    expect(pairs(await types(t.headers, `?customer_id=${t.customerId}`))).toEqual([
      "customer.created/system",
      "chat/user",
    ]);
    expect(pairs(await types(t.headers, "?external_customer_id=other"))).toEqual(["tool/user"]);
    expect(pairs(await types(t.headers, "?source=user&root_events=true"))).toEqual(["chat/user"]);
    const events = await ctx.http.get("/v1/events/?name=chat&sorting=timestamp").set(t.headers);
    expect(pairs(await types(t.headers, `?parent_id=${events.body.items[0].id}`))).toEqual(["tool/user"]);
    expect(pairs(await types(t.headers, "?query=CREATED"))).toEqual(["customer.created/system"]);
    expect(pairs(await types(t.headers, "?sorting=name"))).toEqual([
      "chat/user",
      "customer.created/system",
      "tool/user",
    ]);
    expect(pairs(await types(t.headers, "?sorting=-label"))).toEqual(pairs(await types(t.headers)));
    expect(pairs(await types(t.headers, "?sorting=occurrences&sorting=-name"))).toEqual([
      "tool/user",
      "customer.created/system",
      "chat/user",
    ]);
    const page = await types(t.headers, "?limit=2&page=2");
    expect(page.pagination).toEqual({ total_count: 3, max_page: 2 });
    expect(pairs(page)).toEqual(["chat/user"]);
    expect(await types(t.headers, `?organization_id=${UNKNOWN_ID}`)).toEqual({
      items: [],
      pagination: { total_count: 0, max_page: 0 },
    });
  });
});

describe("updating", () => {
  it("relabels an event type, answering with the row as it was read; events take the label", async () => {
    const t = await setup();
    const chat = (await types(t.headers, "?query=chat")).items[0];
    clock.set(new Date("2026-03-01T12:30:00Z"));
    const res = await ctx.http
      .patch(`/v1/event-types/${chat.id}`)
      .set(t.headers)
      .send({ label: "  Chat message  ", label_property_selector: " subject " });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      created_at: "2026-03-01T12:00:00Z",
      modified_at: null,
      id: chat.id,
      name: "chat",
      label: "Chat message",
      label_property_selector: "subject",
      organization_id: t.organizationId,
    });
    expect((await types(t.headers, "?query=chat")).items[0]).toMatchObject({
      label: "Chat message",
      modified_at: "2026-03-01T12:30:00Z",
    });
    // The selector's value labels an event that has a truthy one; the others take the label.
    const events = await ctx.http.get("/v1/events/?name=chat").set(t.headers);
    expect(events.body.items.map((event: Json) => event.label)).toEqual(["Chat message", "Hello"]);
    const names = await ctx.http.get("/v1/events/names?source=user").set(t.headers);
    expect(names.body.items.find((item: Json) => item.name === "chat").label).toBe("Chat message");
    // A blank selector means none; the label stays as it is written.
    const cleared = await ctx.http
      .patch(`/v1/event-types/${chat.id}`)
      .set(t.headers)
      .send({ label: "Chat message", label_property_selector: "   " });
    expect(cleared.body).toMatchObject({
      label_property_selector: null,
      modified_at: "2026-03-01T12:30:00Z",
    });
  });

  it("answers Polar's 422s, 404s and scope errors", async () => {
    const t = await setup();
    const chat = (await types(t.headers, "?query=chat")).items[0];
    const blank = await ctx.http.patch(`/v1/event-types/${chat.id}`).set(t.headers).send({ label: "   " });
    expect(blank.status).toBe(422);
    expect(blank.body).toEqual({
      error: "RequestValidationError",
      detail: [
        {
          type: "value_error",
          loc: ["body", "label"],
          msg: "Value error, Label cannot be empty or only whitespace",
          input: "   ",
          ctx: { error: {} },
        },
      ],
    });
    const empty = await ctx.http
      .patch(`/v1/event-types/${chat.id}`)
      .set(t.headers)
      .send({ label: "", label_property_selector: "" });
    expect(
      empty.body.detail.map((detail: Json) => [detail.type, (detail.loc as unknown[]).join(".")]),
    ).toEqual([
      ["string_too_short", "body.label"],
      ["string_too_short", "body.label_property_selector"],
    ]);
    const missing = await ctx.http.patch(`/v1/event-types/${chat.id}`).set(t.headers).send({});
    expect(missing.body.detail).toEqual([
      { type: "missing", loc: ["body", "label"], msg: "Field required", input: {} },
    ]);

    const other = await setup();
    for (const id of [UNKNOWN_ID, chat.id]) {
      const res = await ctx.http.patch(`/v1/event-types/${id}`).set(other.headers).send({ label: "Mine" });
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ error: "ResourceNotFound", detail: "Not found" });
    }
    const reader = tenant(ctx.emulator, ["events:read"]);
    const denied = await ctx.http
      .patch(`/v1/event-types/${chat.id}`)
      .set(reader.headers)
      .send({ label: "x" });
    expect(denied.status).toBe(403);
    expect(denied.headers["www-authenticate"]).toContain('scope="events:write"');
    expect((await ctx.http.get("/v1/event-types/").set(reader.headers)).status).toBe(200);
  });
});
