/**
 * The `filter` parameter of `GET /v1/events/` read as Polar's `Filter.model_validate_json` reads
 * it: jiter's messages and positions, then the models in JSON mode. The expected answers in
 * filter-json.cases.json were produced by pydantic 2.13.4 (pydantic-core 2.46.4, Polar's pins)
 * validating a copy of Polar's Filter models (infinities and NaN written as null).
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseJsonLikePydantic } from "../../src/pydantic/jiter.js";
import { parseFilterJson } from "../../src/resources/meters/filter-json.js";

interface Case {
  text: string;
  ok?: unknown;
  err?: unknown[];
}

const CASES = JSON.parse(
  readFileSync(new URL("./filter-json.cases.json", import.meta.url), "utf8"),
) as Case[];

/** JSON as the comparison sees it: NaN and infinities as null, as the cases write them. */
const normalized = (value: unknown) => JSON.parse(JSON.stringify(value));

describe("parseFilterJson", () => {
  it.each(CASES.map((entry) => [JSON.stringify(entry.text).slice(0, 60), entry] as const))(
    "%s",
    (_, entry) => {
      const result = parseFilterJson(entry.text);
      if (entry.ok !== undefined) expect(normalized(result)).toEqual({ filter: entry.ok });
      else expect(normalized(result)).toEqual({ errors: entry.err });
    },
  );
});

describe("parseJsonLikePydantic", () => {
  it("reads NaN and the infinities, keeps a repeated key's last value in its first place", () => {
    const parsed = parseJsonLikePydantic('{"a": NaN, "b": -Infinity, "a": Infinity}');
    expect(parsed.ok && Object.entries(parsed.value as object)).toEqual([
      ["a", Number.POSITIVE_INFINITY],
      ["b", Number.NEGATIVE_INFINITY],
    ]);
  });

  it("tells integral floats apart from integers", () => {
    const parsed = parseJsonLikePydantic("[1, 2.0, 3e0, 4.5]");
    expect(parsed.ok && [...parsed.integralFloats]).toEqual([2, 3]);
  });
});
