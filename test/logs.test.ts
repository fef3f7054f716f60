/** The request log: one JSON line per request at info, naming the error answered; quiet at warn. */
import { Writable } from "node:stream";
import { pino } from "pino";
import supertest from "supertest";
import { expect, it } from "vitest";
import { DEFAULT_CONFIG } from "../src/config.js";
import { createEmulator } from "../src/emulator.js";

async function loggedLines(
  level: "info" | "warn",
  send: (http: ReturnType<typeof supertest>, token: string) => Promise<unknown>,
) {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split("\n").filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  const emulator = await createEmulator(
    { ...DEFAULT_CONFIG, logLevel: level },
    { logger: pino({ level }, sink) },
  );
  await send(supertest(emulator.app), emulator.token);
  return lines.filter((line) => "status" in line);
}

it("writes one line per request with the operation, status and error", async () => {
  const lines = await loggedLines("info", async (http, token) => {
    await http.get("/v1/customers/?limit=1").set("Authorization", `Bearer ${token}`);
    await http.post("/v1/customers/").set("Authorization", `Bearer ${token}`).send({ email: "nope" });
    await http.get("/v1/customers/");
  });
  expect(lines.map((line) => [line.method, line.status, line.operationId, line.error])).toEqual([
    ["GET", 200, "customers:list", undefined],
    ["POST", 422, "customers:create", "RequestValidationError: body.individual.email value_error"],
    ["GET", 401, "customers:list", "Unauthorized"],
  ]);
  expect(lines[0]).toMatchObject({ url: "/v1/customers/?limit=1", msg: "GET /v1/customers/?limit=1 → 200" });
  expect(typeof lines[0].organizationId).toBe("string");
});

it("logs no request lines at warn", async () => {
  const lines = await loggedLines("warn", async (http, token) => {
    await http.get("/v1/customers/").set("Authorization", `Bearer ${token}`);
  });
  expect(lines).toEqual([]);
});
