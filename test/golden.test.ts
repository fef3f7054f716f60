/**
 * Golden responses: the script in test/golden/script.ts (about a thousand requests over the
 * public API and the control plane) against an emulator with the default seed and a clock the test moves
 * itself, compared byte for byte with test/golden/default-seed.jsonl. It guards refactors that
 * promise to change no answer: any difference in a status, a kept header or a body fails, naming
 * the first entry that differs.
 *
 * After an intended change of behaviour, record again and review the diff of the .jsonl file:
 *
 *   UPDATE_GOLDEN=1 npx vitest run test/golden.test.ts     (npm run golden:update)
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { isDeepStrictEqual } from "node:util";
import { expect, it } from "vitest";
import { FixedClock, startEmulator } from "../src/index.js";
import { ABORTED, type GoldenEntry, runGoldenScript } from "./golden/script.js";

const FILE = new URL("./golden/default-seed.jsonl", import.meta.url);

/**
 * The clock stands still during a request and moves between requests by a fixed step, so every
 * object the script creates gets a time of its own (sorting by date means something, dates with
 * and without milliseconds both occur), and nothing depends on how often the code reads the clock.
 */
const START = Date.parse("2026-01-05T12:00:00.000Z");
const STEP_MS = 1_001;

/** An entry as the file holds it (what JSON keeps of the request body). */
function normalized(entry: GoldenEntry): GoldenEntry {
  return JSON.parse(JSON.stringify(entry)) as GoldenEntry;
}

function readGolden(): GoldenEntry[] {
  return readFileSync(FILE, "utf8")
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line) as GoldenEntry);
}

function writeGolden(entries: GoldenEntry[]): void {
  writeFileSync(FILE, entries.map((entry) => `${JSON.stringify(entry)}\n`).join(""));
}

/** A JSON body pretty-printed, for a line-by-line diff; other bodies as they are. */
function pretty(body: string): string {
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}

/** Where two multi-line texts first differ, with the lines around it. */
function firstDifferentLine(expected: string, actual: string): string {
  const want = expected.split("\n");
  const got = actual.split("\n");
  let line = 0;
  while (line < want.length && line < got.length && want[line] === got[line]) line++;
  const from = Math.max(0, line - 3);
  const around = (lines: string[]) =>
    lines
      .slice(from, line + 4)
      .map((text, index) => `  ${from + index + 1}: ${text}`)
      .join("\n");
  return `first difference at line ${line + 1}:\n--- expected\n${around(want)}\n--- actual\n${around(got)}`;
}

/** Where two texts first differ, by character, with some text around it. */
function firstDifferentCharacter(expected: string, actual: string): string {
  let at = 0;
  while (at < expected.length && at < actual.length && expected[at] === actual[at]) at++;
  const around = (text: string) => JSON.stringify(text.slice(Math.max(0, at - 60), at + 60));
  return `first difference at character ${at}:\n--- expected\n  ${around(expected)}\n--- actual\n  ${around(actual)}`;
}

function describe(entry: GoldenEntry, index: number, total: number): string {
  return `golden entry ${index + 1} of ${total}, "${entry.name}" (${entry.method} ${entry.path})`;
}

it("answers the golden script byte for byte", { timeout: 60_000 }, async () => {
  const clock = new FixedClock(new Date(START));
  const emulator = await startEmulator({ clock });
  let actual: GoldenEntry[];
  try {
    actual = await runGoldenScript(emulator.url, emulator.token, emulator.organizationId, {
      beforeRequest: (index) => clock.set(new Date(START + index * STEP_MS)),
    });
  } finally {
    await emulator.close();
  }
  actual = actual.map(normalized);

  const aborted = actual.find((entry) => entry.name === ABORTED);
  if (process.env.UPDATE_GOLDEN === "1") {
    // A recording is only worth keeping when the script ran through and nothing crashed.
    if (aborted) throw new Error(`[golden] not written: the script aborted: ${aborted.body}`);
    const crashed = actual.filter((entry) => entry.status >= 500);
    if (crashed.length > 0) {
      throw new Error(
        `[golden] not written: 5xx answers to ${crashed.map((entry) => entry.name).join(", ")}`,
      );
    }
    writeGolden(actual);
    console.info(`[golden] wrote ${actual.length} entries to ${FILE.pathname}`);
    return;
  }
  if (!existsSync(FILE)) {
    throw new Error(`${FILE.pathname} is missing: record it with UPDATE_GOLDEN=1 (npm run golden:update)`);
  }
  const expected = readGolden();
  const differing = expected.filter((entry, index) => !isDeepStrictEqual(actual[index], entry)).length;
  for (let index = 0; index < Math.max(actual.length, expected.length); index++) {
    const want = expected[index];
    const got = actual[index];
    if (want === undefined) {
      expect.fail(
        `the script made more requests than recorded: ${describe(got, index, expected.length)} is new`,
      );
    }
    if (got === undefined) {
      expect.fail(`the script stopped early: ${describe(want, index, expected.length)} was not made`);
    }
    if (isDeepStrictEqual(got, want)) continue;
    if (got.name === ABORTED) {
      expect.fail(`the script aborted before ${describe(want, index, expected.length)}: ${got.body}`);
    }
    const where = `${describe(want, index, expected.length)} (the first of ${differing} that differ)`;
    // Everything but the body first, then the body pretty-printed (a line diff), then the raw
    // bytes (what pretty-printing hides: key order, number spelling, white space).
    const { body: wantBody, ...wantRest } = want;
    const { body: gotBody, ...gotRest } = got;
    expect(gotRest, `${where}: status, headers or request differ`).toEqual(wantRest);
    const [wantPretty, gotPretty] = [pretty(wantBody), pretty(gotBody)];
    if (wantPretty !== gotPretty) {
      expect(gotPretty, `${where}: the body differs, ${firstDifferentLine(wantPretty, gotPretty)}\n`).toBe(
        wantPretty,
      );
    }
    expect.fail(
      `${where}: the body differs in its bytes only, ${firstDifferentCharacter(wantBody, gotBody)}`,
    );
  }
});
