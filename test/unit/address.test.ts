/** Pins down billing addresses as Polar's Address model stores them: trimmed strings, empty → null, US/CA state prefixes and their 422. */
import { describe, expect, it } from "vitest";
import { RequestValidationError } from "../../src/errors.js";
import { type AddressInput, normalizeAddress } from "../../src/resources/customers/address.js";

const LOC = ["body", "individual", "billing_address"];

function thrown(input: AddressInput): unknown {
  try {
    normalizeAddress(input, LOC);
  } catch (error) {
    return error;
  }
  throw new Error("normalizeAddress did not throw");
}

describe("normalizeAddress", () => {
  it("trims every string, turns empty ones into null and writes every key, country upper-cased", () => {
    const address = normalizeAddress(
      { line1: "  1 Main St ", line2: "", postal_code: " \t", city: "Paris\n", country: "fr" },
      LOC,
    );
    expect(address).toEqual({
      line1: "1 Main St",
      line2: null,
      postal_code: null,
      city: "Paris",
      state: null,
      country: "FR",
    });
    expect(Object.keys(address)).toEqual(["line1", "line2", "postal_code", "city", "state", "country"]);
    expect(normalizeAddress({ country: "SE", line1: null }, LOC)).toEqual({
      line1: null,
      line2: null,
      postal_code: null,
      city: null,
      state: null,
      country: "SE",
    });
  });

  it("keeps another country's state as given, trimmed", () => {
    expect(normalizeAddress({ country: "DE", state: " Bayern " }, LOC).state).toBe("Bayern");
  });

  it("prefixes a US state or a Canadian subdivision with its country", () => {
    expect(normalizeAddress({ country: "US", state: "CA" }, LOC).state).toBe("US-CA");
    expect(normalizeAddress({ country: "US", state: " NY " }, LOC).state).toBe("US-NY");
    expect(normalizeAddress({ country: "US", state: "US-DC" }, LOC).state).toBe("US-DC");
    expect(normalizeAddress({ country: "CA", state: "QC" }, LOC).state).toBe("CA-QC");
    expect(normalizeAddress({ country: "CA", state: "CA-YT" }, LOC).state).toBe("CA-YT");
    expect(normalizeAddress({ country: "US", state: "  " }, LOC).state).toBeNull();
  });

  it("refuses an unknown US state with Polar's 422 at the address, the prefix not upper-cased", () => {
    for (const state of ["ca", "PR", "XX", "CA-ON"]) {
      const input = { country: "US", state };
      const error = thrown(input);
      expect(error).toBeInstanceOf(RequestValidationError);
      const validation = error as RequestValidationError;
      expect(validation.status).toBe(422);
      expect(validation.details).toEqual([
        { type: "value_error", loc: LOC, msg: "Value error, Invalid US state", input, ctx: { error: {} } },
      ]);
      expect(validation.body).toEqual({ error: "RequestValidationError", detail: validation.details });
    }
  });

  it("refuses an unknown Canadian subdivision", () => {
    const input = { country: "CA", state: "qc" };
    expect((thrown(input) as RequestValidationError).details).toEqual([
      {
        type: "value_error",
        loc: LOC,
        msg: "Value error, Invalid CA subdivision",
        input,
        ctx: { error: {} },
      },
    ]);
  });
});
