/**
 * Bad input that must never hurt (issue 13): amplification is bounded with Polar's error shapes,
 * a YAML alias bomb is a 422, bytes that are not UTF-8 are FastAPI's 400, and a client that hangs
 * up mid-body is not an error in the log.
 */
import { spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_CONFIG } from "../src/config.js";
import { createEmulator } from "../src/emulator.js";
import { startEmulator } from "../src/index.js";
import { FixtureError } from "../src/scenarios/fixture.js";
import { startTestEmulator, tenant } from "./helpers.js";

let ctx: Awaited<ReturnType<typeof startTestEmulator>>;
beforeAll(async () => {
  ctx = await startTestEmulator();
});
afterAll(() => ctx.emulator.close());

/** A YAML document whose aliases expand to 9^10 nodes. */
function aliasBomb(): string {
  const lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"];
  for (let level = 1; level <= 10; level++)
    lines.push(
      `a${level}: &a${level} [${Array(9)
        .fill(`*a${level - 1}`)
        .join(", ")}]`,
    );
  return `${lines.join("\n")}\n`;
}

describe("amplification", () => {
  it("refuses usage whose counts add up past 2,500, at once and with pydantic's too_long", async () => {
    const t = tenant(ctx.emulator);
    const customer = await ctx.http.post("/v1/customers/").set(t.headers).send({ email: "u@example.com" });
    const started = performance.now();
    const res = await ctx.http.post("/_emulator/usage").send({
      customer_id: customer.body.id,
      events: Array.from({ length: 1000 }, () => ({ name: "e", count: 10000 })),
    });
    expect(performance.now() - started).toBeLessThan(2000);
    expect(res.status).toBe(422);
    expect(res.body.error).toBe("RequestValidationError");
    expect(res.body.detail[0]).toMatchObject({
      type: "too_long",
      loc: ["body", "events"],
      msg: "List should have at most 2500 items after validation, not 10000000",
      ctx: { field_type: "List", max_length: 2500, actual_length: 10000000 },
    });
    const ok = await ctx.http
      .post("/_emulator/usage")
      .send({ customer_id: customer.body.id, events: [{ name: "e", count: 2499 }, { name: "f" }] });
    expect(ok.status).toBe(200);
    expect(ok.body.inserted).toBe(2500);
  });
});

describe("fixture loads through the control plane", () => {
  it("refuse more than 200 generated customers or 2,500 events in one request, pointing at the boot flags", async () => {
    const t = tenant(ctx.emulator);
    const big = await ctx.http
      .post(`/_emulator/organizations/${t.organizationId}/fixtures`)
      .send({ generate: { customers: 10000 } });
    expect(big.status).toBe(422);
    expect(big.body.error).toBe("RequestValidationError");
    expect(big.body.detail).toEqual([
      expect.objectContaining({
        type: "less_than_equal",
        loc: ["body", "generate", "customers"],
        input: 10000,
        ctx: { le: 200 },
      }),
    ]);
    expect(big.body.detail[0].msg).toContain("--customers");
    const events = await ctx.http.post(`/_emulator/organizations/${t.organizationId}/fixtures`).send({
      customers: [
        {
          email: "e@example.com",
          events: [
            { name: "e", count: 2000 },
            { name: "f", count: 501 },
          ],
        },
      ],
    });
    expect(events.status).toBe(422);
    expect(events.body.detail[0]).toMatchObject({
      type: "value_error",
      loc: ["body", "customers"],
      input: 2501,
    });
    // Nothing was loaded.
    expect((await ctx.http.get("/v1/customers/").set(t.headers)).body.items).toEqual([]);
    // At the bounds it loads; in-process (not a request) the fixture's own bounds hold.
    const ok = await ctx.http.post(`/_emulator/organizations/${t.organizationId}/fixtures`).send({
      generate: { customers: 200 },
      customers: [{ email: "e@example.com", events: [{ name: "e", count: 2500 }] }],
    });
    expect(ok.status).toBe(200);
    const inProcess = tenant(ctx.emulator);
    ctx.emulator.loadFixture({ generate: { customers: 1000 } }, inProcess.organizationId);
    expect(
      (await ctx.http.get("/v1/customers/?limit=1").set(inProcess.headers)).body.pagination.total_count,
    ).toBe(1000);
  });

  it("refuse subscriptions that take more than 300 renewals in all to come up to date", async () => {
    const t = tenant(ctx.emulator);
    const fixture = (days: string) => ({
      products: [
        {
          key: "daily",
          name: "Daily",
          recurring_interval: "day",
          prices: [{ amount_type: "fixed", price_amount: 100 }],
        },
      ],
      customers: [
        {
          email: "r@example.com",
          created_at: "-995d",
          subscriptions: [{ product: "daily", started_at: days }],
        },
      ],
    });
    const many = await ctx.http
      .post(`/_emulator/organizations/${t.organizationId}/fixtures`)
      .send(fixture("-990d"));
    expect(many.status).toBe(422);
    expect(many.body.detail[0]).toMatchObject({
      type: "value_error",
      loc: ["body", "customers"],
      input: 990,
    });
    expect(many.body.detail[0].msg).toContain("at most 300");
    expect((await ctx.http.get("/v1/subscriptions/").set(t.headers)).body.items).toEqual([]);
    const few = await ctx.http
      .post(`/_emulator/organizations/${t.organizationId}/fixtures`)
      .send(fixture("-200d"));
    expect(few.status).toBe(200);
    // In process, the fixture's own cap (1,000 per subscription) holds.
    const inProcess = tenant(ctx.emulator);
    ctx.emulator.loadFixture(fixture("-990d"), inProcess.organizationId);
  });

  it("answers 404 for an unknown organization before measuring the body", async () => {
    const res = await ctx.http
      .post("/_emulator/organizations/5f0e0d8e-1111-4111-8111-111111111111/fixtures")
      .send({ generate: { customers: 10000 } });
    expect(res.status).toBe(404);
  });
});

describe("YAML", () => {
  it("answers an alias bomb with a 422 yaml_invalid, not a 500", async () => {
    const t = tenant(ctx.emulator);
    const res = await ctx.http
      .post(`/_emulator/organizations/${t.organizationId}/fixtures`)
      .set("Content-Type", "application/yaml")
      .send(aliasBomb());
    expect(res.status).toBe(422);
    expect(res.body.detail[0]).toMatchObject({
      type: "yaml_invalid",
      loc: ["body"],
      msg: "YAML decode error",
    });
    expect(res.body.detail[0].ctx.error).toMatch(/Excessive alias count/);
  });

  it("refuses an alias bomb in a fixture given to startEmulator as text", async () => {
    const { parseFixtureText } = await import("../src/scenarios/fixture.js");
    expect(() => parseFixtureText(aliasBomb(), "bomb.yaml")).toThrow(/bomb.yaml is not valid YAML/);
  });
});

describe("bytes that are not UTF-8", () => {
  it("are FastAPI's 400 'There was an error parsing the body', and nothing is stored", async () => {
    const t = tenant(ctx.emulator);
    const body = Buffer.concat([
      Buffer.from('{"email":"a@example.com","name":"a'),
      Buffer.from([0xff]),
      Buffer.from(' b"}'),
    ]);
    const answer = await fetch(`${ctx.emulator.url}/v1/customers/`, {
      method: "POST",
      headers: { ...t.headers, "Content-Type": "application/json" },
      body,
    });
    const res = { status: answer.status, body: await answer.json() };
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(res.body).toEqual({ detail: "There was an error parsing the body" });
    const list = await ctx.http.get("/v1/customers/").set(t.headers);
    expect(list.body.pagination.total_count).toBe(0);
  });
});

describe("1e309", () => {
  it("is refused with pydantic's finite_number rather than stored as null", async () => {
    const t = tenant(ctx.emulator);
    const res = await ctx.http
      .post("/v1/customers/")
      .set(t.headers)
      .set("Content-Type", "application/json")
      .send('{"email":"inf@example.com","metadata":{"big":1e309}}');
    expect(res.status).toBe(422);
    expect(res.body).toEqual({
      error: "RequestValidationError",
      detail: [
        {
          type: "finite_number",
          loc: ["body", "metadata", "big"],
          msg: "Input should be a finite number",
          input: "inf",
        },
      ],
    });
    expect((await ctx.http.get("/v1/customers/").set(t.headers)).body.items).toEqual([]);
  });
});

describe("a client that hangs up mid-body", () => {
  it("is logged at debug, never as an unexpected error", async () => {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        for (const line of String(chunk).split("\n").filter(Boolean)) lines.push(JSON.parse(line));
        done();
      },
    });
    const emulator = await createEmulator(
      { ...DEFAULT_CONFIG, port: 0, logLevel: "debug" },
      { logger: pino({ level: "debug" }, sink) },
    );
    const { url } = await emulator.listen();
    try {
      const { port } = new URL(url);
      for (let i = 0; i < 5; i++) {
        await new Promise<void>((resolve) => {
          const socket = connect(Number(port), "127.0.0.1", () => {
            socket.write(
              `POST /v1/customers/ HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"email":`,
            );
            setTimeout(() => {
              socket.destroy();
              resolve();
            }, 50);
          });
        });
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(lines.filter((line) => line.level === 50)).toEqual([]);
      expect(lines.filter((line) => line.msg === "client disconnected")).toHaveLength(5);
    } finally {
      await emulator.close();
    }
  });
});

describe("ids", () => {
  it("are global: a fixture cannot give one organization another's customer id", async () => {
    const a = tenant(ctx.emulator);
    const b = tenant(ctx.emulator);
    const created = await ctx.http.post("/v1/customers/").set(a.headers).send({ email: "a@example.com" });
    const res = await ctx.http
      .post(`/_emulator/organizations/${b.organizationId}/fixtures`)
      .send({ customers: [{ id: created.body.id, email: "b@example.com" }] });
    expect(res.status).toBe(422);
    expect(JSON.stringify(res.body)).toContain("A customer with this id already exists");
    expect((await ctx.http.get("/v1/customers/").set(b.headers)).body.items).toEqual([]);
  });

  it("are global at boot: a boot snapshot cannot hold an id a boot fixture gave another organization", async () => {
    const id = "0b0b0b0b-0b0b-4b0b-8b0b-0b0b0b0b0b0b";
    const dir = mkdtempSync(join(tmpdir(), "polar-boot-ids-"));
    const fixture = join(dir, "1-fixture.yaml");
    writeFileSync(fixture, `customers:\n  - id: ${id}\n    email: first@example.com\n`);
    // A snapshot of another organization holding the same customer id.
    const source = tenant(ctx.emulator);
    ctx.emulator.loadFixture({ customers: [{ id, email: "second@example.com" }] }, source.organizationId);
    const snapshotFile = join(dir, "2-snapshot.json");
    writeFileSync(snapshotFile, JSON.stringify(ctx.emulator.snapshot(source.organizationId)));
    ctx.emulator.resetOrganization(source.organizationId);

    const failure = await startEmulator({ fixtures: [fixture, snapshotFile], port: 0 }).catch(
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(FixtureError);
    expect((failure as FixtureError).message).toBe(
      `[polar-emulator] ${snapshotFile} is not a valid snapshot:\n` +
        "  /customers/0/id: A customer with this id already exists",
    );
    // The same files through the CLI: a boot error (exit 2) naming the file and the path.
    const cli = spawnSync(
      process.execPath,
      ["--import", "tsx", "src/cli.ts", "--port", "0", "--fixtures", fixture, "--fixtures", snapshotFile],
      { encoding: "utf8", timeout: 60_000 },
    );
    expect(cli.status).toBe(2);
    expect(cli.stderr).toContain(`${snapshotFile} is not a valid snapshot`);
    expect(cli.stderr).toContain("/customers/0/id: A customer with this id already exists");
  });

  it("are global on a restore: a copy of an organization under a new id needs ids of its own", async () => {
    const source = tenant(ctx.emulator);
    const created = await ctx.http
      .post("/v1/customers/")
      .set(source.headers)
      .send({ email: "c@example.com" });
    const snapshot = ctx.emulator.snapshot(source.organizationId);
    const copyId = "c0c0c0c0-0000-4000-8000-00000000c0c0";
    const copy = {
      ...JSON.parse(JSON.stringify(snapshot).split(source.organizationId).join(copyId)),
      tokens: [],
    };
    const before = (await ctx.http.get("/_emulator/organizations")).body;
    const refused = await ctx.http.put(`/_emulator/organizations/${copyId}/snapshot`).send(copy);
    expect(refused.status).toBe(422);
    expect(JSON.stringify(refused.body)).toContain("A customer with this id already exists");
    expect((await ctx.http.get("/_emulator/organizations")).body).toEqual(before);
    // With ids of its own, the copy is restored as a new organization.
    let text = JSON.stringify(copy);
    for (const records of Object.values(snapshot)) {
      if (!Array.isArray(records)) continue;
      for (const record of records as { id?: unknown }[])
        if (typeof record.id === "string") text = text.split(record.id).join(randomUUID());
    }
    expect(text).not.toContain(created.body.id);
    const fresh = JSON.parse(text);
    const restored = await ctx.http.put(`/_emulator/organizations/${copyId}/snapshot`).send(fresh);
    expect(restored.status).toBe(201);
    expect(restored.body.counts.customers).toBe(1);
  });

  it("handed out before a reset are never handed out again after it", async () => {
    const local = await startTestEmulator();
    try {
      const create = async (count: number) => {
        const ids: string[] = [];
        for (let i = 0; i < count; i++) {
          const res = await local.http
            .post("/v1/customers/")
            .set(local.auth())
            .send({ email: `r${i}@example.com` });
          ids.push(res.body.id);
        }
        return ids;
      };
      const seedIds = (await local.http.get("/v1/customers/?limit=100").set(local.auth())).body.items.map(
        (item: { id: string }) => item.id,
      );
      const before = await create(30);
      await local.http.post("/_emulator/reset");
      // The seed's own objects keep their ids (determinism)...
      const seedAfter = (await local.http.get("/v1/customers/?limit=100").set(local.auth())).body.items.map(
        (item: { id: string }) => item.id,
      );
      expect(seedAfter).toEqual(seedIds);
      // ...but a stale id is a 404, never someone created since.
      const after = await create(30);
      expect(after.filter((id) => before.includes(id))).toEqual([]);
      expect((await local.http.get(`/v1/customers/${before[0]}`).set(local.auth())).status).toBe(404);
      await local.http.post("/_emulator/reset");
      const third = await create(30);
      expect(third.filter((id) => before.includes(id) || after.includes(id))).toEqual([]);
    } finally {
      await local.emulator.close();
    }
  });
});

describe("metadata keys that are object machinery in JavaScript", () => {
  it("are data: stored, filtered on, snapshotted and restored like any other key", async () => {
    const t = tenant(ctx.emulator);
    const special = JSON.parse('{"__proto__":"x","constructor":"y","toString":"z","hasOwnProperty":1}');
    const created = await ctx.http
      .post("/v1/customers/")
      .set(t.headers)
      .set("Content-Type", "application/json")
      .send(JSON.stringify({ email: "proto@example.com", metadata: special }));
    expect(created.status).toBe(201);
    expect(Object.keys(created.body.metadata)).toEqual([
      "__proto__",
      "constructor",
      "toString",
      "hasOwnProperty",
    ]);
    await ctx.http
      .post("/v1/customers/")
      .set(t.headers)
      .send({ email: "plain@example.com", metadata: { a: "b" } });

    for (const [query, expected] of [
      ["metadata[__proto__]=x", 1],
      ["metadata[__proto__]=nope", 0],
      ["metadata[constructor]=y", 1],
      ["metadata[toString]=z", 1],
      ["metadata[hasOwnProperty]=1", 1],
      ["metadata[valueOf]=anything", 0],
    ] as const) {
      const res = await ctx.http.get(`/v1/customers/?${query}`).set(t.headers);
      expect(res.status, `${query}: ${JSON.stringify(res.body).slice(0, 300)}`).toBe(200);
      expect(res.body.pagination.total_count, query).toBe(expected);
    }

    const snapshot = ctx.emulator.snapshot(t.organizationId);
    ctx.emulator.restore(JSON.parse(JSON.stringify(snapshot)));
    const again = await ctx.http.get(`/v1/customers/${created.body.id}`).set(t.headers);
    expect(again.status).toBe(200);
    expect(Object.keys(again.body.metadata)).toEqual([
      "__proto__",
      "constructor",
      "toString",
      "hasOwnProperty",
    ]);
    expect(Object.getOwnPropertyDescriptor(again.body.metadata, "__proto__")?.value).toBe("x");
  });
});
