import type { Address } from "../store/store.js";
import type { AddressWire } from "./wire.js";

/** The billing address as a request carries it (already checked against `AddressInput`). */
export interface AddressInput {
  line1?: string | null;
  line2?: string | null;
  postal_code?: string | null;
  city?: string | null;
  state?: string | null;
  country: string;
}

function emptyToNull(value: string | null | undefined): string | null {
  if (value === undefined || value === null) return null;
  return value === "" ? null : value;
}

/**
 * Polar's Address rules: empty strings become null, the country is upper-cased, and for the US
 * and Canada the state gets the country prefix (`"CA"` → `"US-CA"`).
 */
export function normalizeAddress(input: AddressInput): Address {
  const country = input.country.toUpperCase() as AddressWire["country"];
  let state = emptyToNull(input.state);
  if (
    state !== null &&
    (country === "US" || country === "CA") &&
    !state.toUpperCase().startsWith(`${country}-`)
  ) {
    state = `${country}-${state.toUpperCase()}`;
  }
  return {
    line1: emptyToNull(input.line1),
    line2: emptyToNull(input.line2),
    postal_code: emptyToNull(input.postal_code),
    city: emptyToNull(input.city),
    state,
    country,
  };
}
