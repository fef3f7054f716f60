/**
 * The resource registry against the specs: every operation either spec serves has a handler and
 * every handler an operation (a missing one is also a type error in src/resources/index.ts), the
 * scopes a token can hold are the control plane's `Scope`, and no source file outgrows its job.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { eventJournalHandlers } from "../src/control/events.js";
import { controlHandlers } from "../src/control/handlers.js";
import { scenarioHandlers } from "../src/control/scenarios.js";
import { ALL_SCOPES, apiHandlers, RESOURCES, resourceControlHandlers } from "../src/resources/index.js";
import type { Services } from "../src/resources/services.js";

function operationIds(file: string): string[] {
  const document = parse(readFileSync(new URL(`../spec/${file}`, import.meta.url), "utf8"));
  return Object.values(document.paths as Record<string, Record<string, { operationId?: string }>>).flatMap(
    (item) =>
      Object.values(item).flatMap((operation) => (operation.operationId ? [operation.operationId] : [])),
  );
}

// The handler maps are built without running anything: the factories only close over these.
const services = {} as Services;
const never = () => {
  throw new Error("not called");
};

describe("the registry", () => {
  it("has a handler for every operation of spec/polar.yaml, and none for an operation it does not serve", () => {
    expect(Object.keys(apiHandlers(services)).sort()).toEqual(operationIds("polar.yaml").sort());
  });

  it("has a handler for every control-plane operation of spec/emulator.yaml, and no other", () => {
    const handlers = {
      ...controlHandlers({
        ready: () => true,
        health: () => ({}),
        authorized: () => true,
        reset: never,
        createOrganization: never,
        specs: { polar: "", emulator: "" },
      }),
      ...scenarioHandlers({
        loadFixture: never,
        resetOrganization: never,
        snapshotText: never,
        restore: never,
      }),
      ...eventJournalHandlers(),
      ...resourceControlHandlers(services),
    };
    expect(Object.keys(handlers).sort()).toEqual(operationIds("emulator.yaml").sort());
  });

  it("gives tokens exactly the scopes of the control plane's Scope", () => {
    const document = parse(readFileSync(new URL("../spec/emulator.yaml", import.meta.url), "utf8"));
    expect([...ALL_SCOPES].sort()).toEqual([...document.components.schemas.Scope.enum].sort());
    expect(new Set(ALL_SCOPES).size).toBe(ALL_SCOPES.length);
  });

  it("names every resource after its folder, once", () => {
    const folders = readdirSync(new URL("../src/resources/", import.meta.url), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name);
    expect(RESOURCES.map((resource) => resource.name).sort()).toEqual(folders.sort());
  });

  it("keeps every source file outside src/generated under 500 lines", () => {
    const long: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) {
          if (name !== "generated") walk(path);
        } else if (readFileSync(path, "utf8").split("\n").length > 500) long.push(path);
      }
    };
    walk(new URL("../src/", import.meta.url).pathname);
    expect(long).toEqual([]);
  });
});
