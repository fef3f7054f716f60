/**
 * Schemathesis (pinned in contract/fuzz/requirements.txt) against the emulator: property-based
 * requests generated from spec/polar.yaml and spec/emulator.yaml, checked against the same specs.
 * A fixed seed and a fixed number of examples make the run reproducible; a failure prints
 * schemathesis' report, with a curl command per finding.
 *
 * The venv lives in node_modules/.cache/schemathesis/venv and is rebuilt when the requirements,
 * the interpreter or the platform change; test/python-venv.ts builds it (atomically).
 *
 * Reproduce a run by hand against `npm start` (the same seeded data; without POLAR_FUZZ_UUIDS and
 * POLAR_FUZZ_EXTERNAL_IDS, see contract/fuzz/hooks.py, the hooks make up random ids):
 *   SCHEMATHESIS_HOOKS=contract/fuzz/hooks.py node_modules/.cache/schemathesis/venv/bin/python \
 *     -m schemathesis.cli --config-file contract/fuzz/schemathesis.toml run spec/polar.yaml \
 *     --url http://127.0.0.1:8000 --header "Authorization: Bearer <token>" <the FLAGS below>
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningEmulator, startEmulator } from "../src/index.js";
import { describeRun, ensureVenv, ROOT, run } from "./python-venv.js";

const FUZZ = path.join(ROOT, "contract", "fuzz");

/**
 * The checks that must hold for every request made with a token holding every scope:
 * - not_a_server_error: no 5xx, whatever the input;
 * - status_code_conformance: every status is one the operation documents. Polar's spec leaves
 *   out codes its server does answer (401, 403, 405, 307, 411, 413, 429, 400 for JSON nested too
 *   deep); none of them is reachable with this token and these generators today. If one ever is,
 *   exclude this check, with the reason, rather than loosen the others;
 * - content_type_conformance: the Content-Type is one the operation documents for that status;
 * - response_schema_conformance: the body validates against the documented schema.
 * Not run, because a spec cannot tell what they need to know:
 * - positive_data_acceptance, negative_data_rejection: Polar refuses schema-valid requests by
 *   business rule (a duplicate email, `organization_id` with an organization token, a billing
 *   address reset to null) and pydantic accepts some schema-invalid ones (unknown keys, a bare
 *   scalar as a `metadata` filter); the emulator copies both;
 * - allow_header_conformance: Polar's 405 (Starlette's) lists the methods of the first route that
 *   matches the path, not those the spec gives the operation; the emulator copies that too;
 * - unsupported_method, missing_required_header, response_headers_conformance, ignored_auth,
 *   object_level_authorization, use_after_free, ensure_resource_availability: methods,
 *   authentication, scopes, tenants and deletion have hand-written tests with Polar's answers
 *   (test/errors.test.ts, test/customers.test.ts, test/control.test.ts).
 */
const CHECKS = [
  "not_a_server_error",
  "status_code_conformance",
  "content_type_conformance",
  "response_schema_conformance",
];

const FLAGS = [
  "--checks",
  CHECKS.join(","),
  // The same requests every run, for the same emulator, pinned versions and Python version:
  // one worker, a fixed seed, and no example database carried over from an earlier run.
  "--seed",
  "1",
  "--workers",
  "1",
  "--generation-database",
  "none",
  // Per operation and phase; with the coverage phase (not bounded by it) and the stateful phase
  // that makes about 2,200 requests for spec/polar.yaml, 20 to 30 s.
  "--max-examples",
  "50",
  "--request-timeout",
  "10",
  "--no-color",
];

interface Summary {
  selected: number;
  total: number;
  tested: number;
  generated: number;
  passed: number;
  phases: Record<string, string>;
}

/** What schemathesis' SUMMARY section says: operations, test cases and the phases' outcomes. */
function schemathesisSummary(stdout: string): Summary | null {
  const summary = stdout.slice(stdout.lastIndexOf("SUMMARY"));
  const operations = /Selected: (\d+)\/(\d+)\s+Tested: (\d+)/.exec(summary);
  const cases = /Test cases:\s+(\d+) generated(?:, (\d+) passed)?/.exec(summary);
  if (!operations || !cases) return null;
  const phases: Record<string, string> = {};
  const block = /Test Phases:\n((?:[ \t]+\S.*\n)+)/.exec(summary)?.[1] ?? "";
  for (const line of block.split("\n")) {
    const match = /^\s*(\S+)\s+(Examples|Coverage|Fuzzing|Stateful)\b/u.exec(line);
    if (match) phases[match[2]] = match[1];
  }
  return {
    selected: Number(operations[1]),
    total: Number(operations[2]),
    tested: Number(operations[3]),
    generated: Number(cases[1]),
    passed: Number(cases[2] ?? 0),
    phases,
  };
}

let emulator: RunningEmulator;
let python: string;

beforeAll(async () => {
  const venv = await ensureVenv({
    cacheName: "schemathesis",
    requirements: path.join("contract", "fuzz", "requirements.txt"),
    purpose: "the schemathesis fuzz test",
    minimumPython: [3, 11], // schemathesis 4.32.5 requires it
  });
  python = venv.python;
  if (venv.built) console.info(`schemathesis venv built in ${venv.seconds.toFixed(1)} s (${venv.venv})`);
  emulator = await startEmulator();
}, 300_000);

afterAll(async () => {
  await emulator?.close();
});

/** Runs schemathesis on `spec` in an empty directory (it writes nothing into the repository). */
async function schemathesis(spec: string, extraArgs: string[], env: NodeJS.ProcessEnv) {
  const cwd = mkdtempSync(path.join(os.tmpdir(), "polar-fuzz-"));
  try {
    const noProxy = [process.env.NO_PROXY ?? process.env.no_proxy, "127.0.0.1", "localhost"]
      .filter(Boolean)
      .join(",");
    const args = [
      "-m",
      "schemathesis.cli",
      "--config-file",
      path.join(FUZZ, "schemathesis.toml"),
      "run",
      path.join(ROOT, "spec", spec),
      "--url",
      emulator.url,
      ...extraArgs,
      ...FLAGS,
    ];
    const result = await run(python, args, {
      cwd,
      env: {
        ...process.env,
        ...env,
        SCHEMATHESIS_HOOKS: path.join(FUZZ, "hooks.py"),
        PYTHONDONTWRITEBYTECODE: "1",
        PYTHONHASHSEED: "0",
        COLUMNS: "120",
        // The emulator is local: a proxy from the environment must not get the requests.
        NO_PROXY: noProxy,
        no_proxy: noProxy,
      },
      timeoutMs: 240_000,
    });
    const shown = args.map((arg) => (arg.startsWith("Authorization:") ? "Authorization: Bearer …" : arg));
    const report = describeRun(`schemathesis ${shown.slice(2).join(" ")}`, result);
    return { result, report, summary: schemathesisSummary(result.stdout) };
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
}

function expectClean(
  outcome: Awaited<ReturnType<typeof schemathesis>>,
  expected: { operations: number; minCases: number; phases: string[] },
) {
  const { result, report, summary } = outcome;
  expect(result.timedOut, report).toBe(false);
  expect(result.code, report).toBe(0);
  expect(summary, `no summary in schemathesis' output\n${report}`).not.toBeNull();
  if (!summary) return;
  expect(summary.total, `operations in the spec\n${report}`).toBe(expected.operations);
  expect(summary.tested, `operations tested\n${report}`).toBe(expected.operations);
  // So that an empty or truncated run (a spec that no longer loads its operations, generation
  // that gives up) cannot pass.
  expect(summary.generated, `test cases generated\n${report}`).toBeGreaterThanOrEqual(expected.minCases);
  expect(summary.passed, `test cases passed\n${report}`).toBeGreaterThanOrEqual(expected.minCases);
  for (const phase of expected.phases) {
    expect(summary.phases[phase], `${phase} phase\n${report}`).toBe("✅");
  }
}

describe("schemathesis against the emulator", () => {
  it("finds nothing in the Polar API (spec/polar.yaml), with an organization token", async () => {
    emulator.reset();
    // The ids the emulator holds, for the hooks to put in paths and filters (see hooks.py).
    const response = await fetch(`${emulator.url}/v1/customers/?limit=100`, {
      headers: { Authorization: `Bearer ${emulator.token}` },
    });
    expect(response.status).toBe(200);
    const { items } = (await response.json()) as { items: { id: string; external_id: string | null }[] };
    expect(items.length).toBeGreaterThan(0);

    const fuzz = await schemathesis("polar.yaml", ["--header", `Authorization: Bearer ${emulator.token}`], {
      POLAR_FUZZ_UUIDS: [emulator.organizationId, ...items.map((item) => item.id)].join(","),
      POLAR_FUZZ_EXTERNAL_IDS: items
        .flatMap((item) => (item.external_id ? [item.external_id] : []))
        .join(","),
    });
    expectClean(fuzz, { operations: 11, minCases: 1_500, phases: ["Coverage", "Fuzzing", "Stateful"] });
  }, 260_000);

  it("finds nothing in the control plane (spec/emulator.yaml)", async () => {
    emulator.reset();
    // No token: the control plane has no authentication. Its two spec endpoints answer
    // application/yaml declared as `type: string`; hooks.py has schemathesis take those bodies as
    // text instead of parsing the YAML and comparing a mapping with `type: string` (a tool
    // artifact, not an emulator bug). Nothing else is excluded.
    const fuzz = await schemathesis("emulator.yaml", [], {});
    expectClean(fuzz, { operations: 6, minCases: 100, phases: ["Coverage", "Fuzzing"] });
  }, 260_000);
});
