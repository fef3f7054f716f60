/**
 * Billing addresses with the rules of Polar's `Address` model: every string is trimmed and an
 * empty one becomes null; for the US and Canada the state gets the country prefix (`"CA"` →
 * `"US-CA"`, not upper-cased) and must then be a real state or subdivision. The country was
 * upper-cased before validation (`AddressInput`'s before validator, rules.ts).
 */
import { RequestValidationError } from "../../errors.js";
import type { Address } from "./table.js";

/** The billing address as a request carries it (already checked against `AddressInput`). */
export interface AddressInput {
  line1?: string | null;
  line2?: string | null;
  postal_code?: string | null;
  city?: string | null;
  state?: string | null;
  country: string;
}

const US_STATES = new Set(
  "AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY DC"
    .split(" ")
    .map((code) => `US-${code}`),
);
const CA_SUBDIVISIONS = new Set(
  "AB BC MB NB NL NS NT NU ON PE QC SK YT".split(" ").map((code) => `CA-${code}`),
);

function cleaned(value: string | null | undefined): string | null {
  if (value === undefined || value === null) return null;
  const text = value.trim();
  return text === "" ? null : text;
}

/** The address as Polar stores it, or a 422 at `loc` (e.g. `["body", "individual", "billing_address"]`). */
export function normalizeAddress(input: AddressInput, loc: (string | number)[]): Address {
  const country = input.country.toUpperCase() as Address["country"];
  let state = cleaned(input.state);
  if (state !== null && (country === "US" || country === "CA")) {
    if (!state.startsWith(`${country}-`)) state = `${country}-${state}`;
    const valid = country === "US" ? US_STATES.has(state) : CA_SUBDIVISIONS.has(state);
    if (!valid) {
      const message = country === "US" ? "Invalid US state" : "Invalid CA subdivision";
      throw new RequestValidationError([
        { type: "value_error", loc, msg: `Value error, ${message}`, input, ctx: { error: {} } },
      ]);
    }
  }
  return {
    line1: cleaned(input.line1),
    line2: cleaned(input.line2),
    postal_code: cleaned(input.postal_code),
    city: cleaned(input.city),
    state,
    country,
  };
}
