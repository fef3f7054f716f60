/**
 * Python's `decimal.Decimal` as far as Polar's metered prices need it: parsing what a client sends
 * (a JSON number or a decimal string), pydantic's digit checks (`max_digits`, `decimal_places`,
 * `gt`), quantizing to a `Numeric(17, 12)` column and `str()` of the result.
 */

/** A finite decimal: `(-1)^negative × coefficient × 10^exponent`, coefficient without leading zeros. */
export interface Decimal {
  negative: boolean;
  coefficient: string;
  exponent: number;
}

const DECIMAL_TEXT = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/** Parses a decimal string or a JSON number (through its shortest text, as Python's `str(float)`). */
export function parseDecimal(value: string | number): Decimal | null {
  const text = typeof value === "number" ? String(value) : value.trim();
  const match = DECIMAL_TEXT.exec(text);
  if (!match) return null;
  const [, sign, whole = "", fraction = "", exponent = "0"] = match;
  if (whole === "" && fraction === "") return null;
  const digits = `${whole}${fraction}`.replace(/^0+/, "");
  return {
    negative: sign === "-",
    coefficient: digits === "" ? "0" : digits,
    exponent: Number(exponent) - fraction.length,
  };
}

function isZero(value: Decimal): boolean {
  return /^0+$/.test(value.coefficient);
}

/** pydantic-core's decimal checks, in its order: digits, decimal places, whole digits, then `gt=0`. */
export function decimalProblem(
  value: Decimal,
  constraints: { maxDigits: number; decimalPlaces: number },
): { type: string; msg: string; ctx: Record<string, unknown> } | null {
  // Digits are counted on the normalized value (trailing zeros dropped).
  let coefficient = value.coefficient.replace(/0+$/, "");
  let exponent = value.exponent + (value.coefficient.length - coefficient.length);
  if (coefficient === "") {
    coefficient = "0";
    exponent = 0;
  }
  let digits: number;
  let decimals: number;
  if (exponent >= 0) {
    decimals = 0;
    digits = coefficient.length + exponent;
  } else {
    decimals = -exponent;
    digits = Math.max(coefficient.length, decimals);
  }
  if (digits > constraints.maxDigits) {
    return {
      type: "decimal_max_digits",
      msg: `Decimal input should have no more than ${constraints.maxDigits} digits in total`,
      ctx: { max_digits: constraints.maxDigits },
    };
  }
  if (decimals > constraints.decimalPlaces) {
    return {
      type: "decimal_max_places",
      msg: `Decimal input should have no more than ${constraints.decimalPlaces} decimal places`,
      ctx: { decimal_places: constraints.decimalPlaces },
    };
  }
  const wholeDigits = constraints.maxDigits - constraints.decimalPlaces;
  if (digits - decimals > wholeDigits) {
    return {
      type: "decimal_whole_digits",
      msg: `Decimal input should have no more than ${wholeDigits} digits before the decimal point`,
      ctx: { whole_digits: wholeDigits },
    };
  }
  // Polar's only bound is `gt=0`: anything not strictly positive fails it.
  if (value.negative || isZero(value)) {
    return { type: "greater_than", msg: "Input should be greater than 0", ctx: { gt: 0 } };
  }
  return null;
}

/** The value with exactly `places` decimal places, as a `Numeric(p, places)` column gives it back. */
export function quantize(value: Decimal, places: number): Decimal {
  const shift = value.exponent + places;
  if (shift >= 0) {
    const coefficient = `${value.coefficient}${"0".repeat(shift)}`.replace(/^0+(?=\d)/, "");
    return { negative: value.negative, coefficient, exponent: -places };
  }
  // Never reached for validated input (at most `places` decimals); truncation keeps it total.
  const kept = value.coefficient.slice(0, Math.max(0, value.coefficient.length + shift)) || "0";
  return { negative: value.negative, coefficient: kept.replace(/^0+(?=\d)/, ""), exponent: -places };
}

/** Python's `str(Decimal)`: plain notation unless the exponent is positive or the value is tiny. */
export function decimalToString(value: Decimal): string {
  const digits = value.coefficient;
  const exponent = value.exponent;
  const leftDigits = exponent + digits.length;
  const dotPlace = exponent <= 0 && leftDigits > -6 ? leftDigits : 1;
  let integerPart: string;
  let fractionPart: string;
  if (dotPlace <= 0) {
    integerPart = "0";
    fractionPart = `.${"0".repeat(-dotPlace)}${digits}`;
  } else if (dotPlace >= digits.length) {
    integerPart = `${digits}${"0".repeat(dotPlace - digits.length)}`;
    fractionPart = "";
  } else {
    integerPart = digits.slice(0, dotPlace);
    fractionPart = `.${digits.slice(dotPlace)}`;
  }
  const shown = leftDigits - dotPlace;
  const exponentPart = shown === 0 ? "" : `E${shown > 0 ? "+" : "-"}${Math.abs(shown)}`;
  return `${value.negative ? "-" : ""}${integerPart}${fractionPart}${exponentPart}`;
}
