/** The CLI: flags over environment over defaults, --help, and clear usage errors. */
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { resolveConfig } from "../src/config.js";

const tsx = ["--import", "tsx", "src/cli.ts"];

describe("configuration", () => {
  it("uses the defaults", () => {
    expect(resolveConfig([], {}).config).toEqual({
      port: 8000,
      host: "0.0.0.0",
      seed: 1337,
      logLevel: "info",
      apiVersion: "2026-04",
      webhooks: {
        maxAttempts: 10,
        retryDelays: "polar",
        timeoutMs: 10_000,
        signing: "auto",
        ordering: "polar",
        stateChangedDebounceMs: 0,
        logSize: 10_000,
        failureThreshold: 10,
      },
    });
  });

  it("reads POLAR_EMULATOR_* and PORT, and lets flags win", () => {
    const env = {
      PORT: "9000",
      POLAR_EMULATOR_SEED: "7",
      POLAR_EMULATOR_CUSTOMERS: "12",
      POLAR_EMULATOR_LOG_LEVEL: "warn",
    };
    expect(resolveConfig([], env).config).toMatchObject({
      port: 9000,
      seed: 7,
      customers: 12,
      logLevel: "warn",
    });
    expect(resolveConfig([], { ...env, POLAR_EMULATOR_PORT: "9100" }).config.port).toBe(9100);
    expect(resolveConfig(["--port", "0", "--seed", "8"], env).config).toMatchObject({ port: 0, seed: 8 });
  });

  it("takes --public-url or POLAR_EMULATOR_PUBLIC_URL, without its trailing slash, and refuses what is not one", () => {
    expect(resolveConfig(["--public-url", "http://localhost:8000/"], {}).config.publicUrl).toBe(
      "http://localhost:8000",
    );
    expect(
      resolveConfig([], { POLAR_EMULATOR_PUBLIC_URL: "https://polar.test/emulator/" }).config.publicUrl,
    ).toBe("https://polar.test/emulator");
    expect(() => resolveConfig(["--public-url", "localhost:8000"], {})).toThrow(/--public-url must be/);
    expect(() => resolveConfig(["--public-url", "http://a.test/?x=1"], {})).toThrow(/--public-url must be/);
  });

  it("takes --fixtures several times, or several paths in POLAR_EMULATOR_FIXTURES", () => {
    expect(resolveConfig(["--fixtures", "a.yaml", "--fixtures", "dir"], {}).config.fixtures).toEqual([
      "a.yaml",
      "dir",
    ]);
    expect(resolveConfig([], { POLAR_EMULATOR_FIXTURES: "a.yaml, b.json" }).config.fixtures).toEqual([
      "a.yaml",
      "b.json",
    ]);
    const both = resolveConfig(["--fixtures", "flag.yaml"], { POLAR_EMULATOR_FIXTURES: "env.yaml" });
    expect(both.config.fixtures).toEqual(["flag.yaml"]);
    expect(resolveConfig([], { POLAR_EMULATOR_FIXTURES: "" }).config.fixtures).toBeUndefined();
    expect(() => resolveConfig(["--fixtures", ""], {})).toThrow(/--fixtures needs a file or directory/);
  });

  it("refuses bad values with a message that names the flag", () => {
    expect(() => resolveConfig(["--port", "http"], {})).toThrow(
      /--port must be a whole number from 0 to 65535, got "http"/,
    );
    expect(() => resolveConfig([], { POLAR_EMULATOR_LOG_LEVEL: "loud" })).toThrow(
      /--log-level must be one of/,
    );
    expect(() => resolveConfig(["--token", "abc"], {})).toThrow(/--token must be polar_oat_/);
    expect(() => resolveConfig(["--organization-id", "1"], {})).toThrow(/UUID version 4/);
    expect(() => resolveConfig(["--api-version", "2026-4"], {})).toThrow(
      /--api-version must be one of 2026-04, 2026-10, 2027-01, got "2026-4"/,
    );
  });

  it("takes the default API version from --api-version or POLAR_EMULATOR_API_VERSION", () => {
    expect(resolveConfig(["--api-version", "2027-01"], {}).config.apiVersion).toBe("2027-01");
    expect(resolveConfig([], { POLAR_EMULATOR_API_VERSION: "2026-10" }).config.apiVersion).toBe("2026-10");
    expect(
      resolveConfig(["--api-version", "2026-04"], { POLAR_EMULATOR_API_VERSION: "2026-10" }).config
        .apiVersion,
    ).toBe("2026-04");
  });
});

describe("the command", () => {
  it("prints --help with every flag and environment variable", () => {
    const run = spawnSync(process.execPath, [...tsx, "--help"], { encoding: "utf8" });
    expect(run.status).toBe(0);
    for (const word of [
      "--port",
      "--host",
      "--seed",
      "--customers",
      "--fixtures",
      "--token",
      "--organization-id",
      "--log-level",
      "--api-version",
      "POLAR_EMULATOR_API_VERSION",
      "POLAR_EMULATOR_PORT",
      "POLAR_EMULATOR_FIXTURES",
      "directory",
      "docs/fixtures.md",
      "/_emulator/organizations/{id}/fixtures",
      "/_emulator/organizations/{id}/snapshot",
      "healthcheck",
      "serverURL",
      "baseUrl",
    ]) {
      expect(run.stdout).toContain(word);
    }
  });

  it("exits 2 with a clear message on an unknown flag or a broken fixture", () => {
    const unknown = spawnSync(process.execPath, [...tsx, "--prot", "1"], { encoding: "utf8" });
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain("--prot");
    expect(unknown.stderr).toContain("--help");
    const missing = spawnSync(process.execPath, [...tsx, "--fixtures", "/nonexistent.yaml"], {
      encoding: "utf8",
    });
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain("/nonexistent.yaml cannot be read");
    expect(missing.stderr).toContain("ENOENT");
  });

  it("refuses an invalid fixture whole, naming the file, the path inside it and the problem", () => {
    const dir = mkdtempSync(join(tmpdir(), "polar-fixture-"));
    const badType = join(dir, "bad-type.yaml");
    writeFileSync(badType, "customers:\n  - email: 5\n");
    const typed = spawnSync(process.execPath, [...tsx, "--fixtures", badType], { encoding: "utf8" });
    expect(typed.status).toBe(2);
    expect(typed.stderr).toContain(`${badType} is not a valid fixture`);
    expect(typed.stderr).toContain("/customers/0/email: Input should be a valid string");
    const duplicate = join(dir, "duplicate.yaml");
    writeFileSync(duplicate, "customers:\n  - email: a@example.com\n  - email: A@example.com\n");
    const dup = spawnSync(process.execPath, [...tsx, "--fixtures", duplicate], { encoding: "utf8" });
    expect(dup.status).toBe(2);
    expect(dup.stderr).toContain(`${duplicate} is not a valid fixture`);
    expect(dup.stderr).toContain("/customers/1/email: A customer with this email address already exists.");
    // In a directory, the file that is wrong is named; the good ones before it do not matter.
    const directory = mkdtempSync(join(tmpdir(), "polar-fixtures-"));
    writeFileSync(join(directory, "10-good.yaml"), "customers:\n  - email: good@example.com\n");
    writeFileSync(
      join(directory, "20-bad.yml"),
      "customers:\n  - email: x@example.com\n    subscriptions: [{ product: pr0 }]\n",
    );
    writeFileSync(join(directory, "notes.txt"), "not a fixture");
    const inDirectory = spawnSync(process.execPath, [...tsx, "--fixtures", directory], { encoding: "utf8" });
    expect(inDirectory.status).toBe(2);
    expect(inDirectory.stderr).toContain(`${join(directory, "20-bad.yml")} is not a valid fixture`);
    expect(inDirectory.stderr).toContain('/customers/0/subscriptions/0/product: unknown product "pr0"');
  });
});
