/**
 * Polar's price bounds per presentment currency (server/polar/kit/currency.py:
 * MINIMUM_PRICE_PER_CURRENCY, MAXIMUM_PRICE_PER_CURRENCY) with the amounts already formatted
 * the way Polar's messages show them (babel's `format_currency(amount, CUR, locale="en_US")`
 * after dividing by the currency's decimal factor). Generated once with babel 2.18.
 */
import type { components } from "../../generated/polar.js";

export type PresentmentCurrency = components["schemas"]["PresentmentCurrency"];

/** [minimum, minimum as formatted, maximum, maximum as formatted], in the smallest unit. */
const BOUNDS: Record<PresentmentCurrency, [number, string, number, string]> = {
  aed: [200, "AED2.00", 99999999, "AED999,999.99"],
  all: [5000, "ALL50", 99999999, "ALL1,000,000"],
  amd: [20000, "AMD200.00", 99999999, "AMD999,999.99"],
  aoa: [50000, "AOA500.00", 99999999, "AOA999,999.99"],
  ars: [75000, "ARS750.00", 140000000, "ARS1,400,000.00"],
  aud: [70, "A$0.70", 99999999, "A$999,999.99"],
  awg: [100, "AWG1.00", 99999999, "AWG999,999.99"],
  azn: [100, "AZN1.00", 99999999, "AZN999,999.99"],
  bam: [100, "BAM1.00", 99999999, "BAM999,999.99"],
  bbd: [200, "BBD2.00", 99999999, "BBD999,999.99"],
  bdt: [7000, "BDT70.00", 99999999, "BDT999,999.99"],
  bif: [2000, "BIF2,000", 99999999, "BIF99,999,999"],
  bmd: [100, "BMD1.00", 99999999, "BMD999,999.99"],
  bnd: [100, "BND1.00", 99999999, "BND999,999.99"],
  bob: [500, "BOB5.00", 99999999, "BOB999,999.99"],
  brl: [250, "R$2.50", 99999999, "R$999,999.99"],
  bsd: [100, "BSD1.00", 99999999, "BSD999,999.99"],
  bwp: [1000, "BWP10.00", 99999999, "BWP999,999.99"],
  bzd: [200, "BZD2.00", 99999999, "BZD999,999.99"],
  cad: [70, "CA$0.70", 99999999, "CA$999,999.99"],
  cdf: [200000, "CDF2,000.00", 280000000, "CDF2,800,000.00"],
  chf: [50, "CHF0.50", 99999999, "CHF999,999.99"],
  clp: [500, "CLP500", 99999999, "CLP99,999,999"],
  cny: [500, "CN¥5.00", 99999999, "CN¥999,999.99"],
  cop: [200000, "COP2,000.00", 400000000, "COP4,000,000.00"],
  crc: [30000, "CRC300.00", 99999999, "CRC999,999.99"],
  cve: [5000, "CVE50.00", 99999999, "CVE999,999.99"],
  czk: [1500, "CZK15.00", 99999999, "CZK999,999.99"],
  djf: [100, "DJF100", 99999999, "DJF99,999,999"],
  dkk: [320, "DKK3.20", 99999999, "DKK999,999.99"],
  dop: [4000, "DOP40.00", 99999999, "DOP999,999.99"],
  dzd: [7000, "DZD70.00", 99999999, "DZD999,999.99"],
  egp: [3000, "EGP30.00", 99999999, "EGP999,999.99"],
  etb: [8000, "ETB80.00", 99999999, "ETB999,999.99"],
  eur: [50, "€0.50", 99999999, "€999,999.99"],
  fjd: [200, "FJD2.00", 99999999, "FJD999,999.99"],
  fkp: [100, "FKP1.00", 99999999, "FKP999,999.99"],
  gbp: [40, "£0.40", 99999999, "£999,999.99"],
  gel: [200, "GEL2.00", 99999999, "GEL999,999.99"],
  gip: [100, "GIP1.00", 99999999, "GIP999,999.99"],
  gmd: [4000, "GMD40.00", 99999999, "GMD999,999.99"],
  gnf: [5000, "GNF5,000", 99999999, "GNF99,999,999"],
  gtq: [500, "GTQ5.00", 99999999, "GTQ999,999.99"],
  gyd: [20000, "GYD200.00", 99999999, "GYD999,999.99"],
  hkd: [400, "HK$4.00", 99999999, "HK$999,999.99"],
  hnl: [2000, "HNL20.00", 99999999, "HNL999,999.99"],
  htg: [7000, "HTG70.00", 99999999, "HTG999,999.99"],
  huf: [17500, "HUF175.00", 99999999, "HUF999,999.99"],
  idr: [900000, "IDR9,000.00", 1600000000, "IDR16,000,000.00"],
  ils: [150, "₪1.50", 99999999, "₪999,999.99"],
  inr: [6000, "₹60.00", 99999999, "₹999,999.99"],
  isk: [7000, "ISK70", 99999999, "ISK1,000,000"],
  jmd: [8000, "JMD80.00", 99999999, "JMD999,999.99"],
  jpy: [80, "¥80", 99999999, "¥99,999,999"],
  kes: [7000, "KES70.00", 99999999, "KES999,999.99"],
  kgs: [5000, "KGS50.00", 99999999, "KGS999,999.99"],
  khr: [300000, "KHR3,000.00", 400000000, "KHR4,000,000.00"],
  kmf: [500, "KMF500", 99999999, "KMF99,999,999"],
  krw: [800, "₩800", 99999999, "₩99,999,999"],
  kyd: [100, "KYD1.00", 99999999, "KYD999,999.99"],
  kzt: [30000, "KZT300.00", 99999999, "KZT999,999.99"],
  lak: [2000000, "LAK20,000", 2100000000, "LAK21,000,000"],
  lkr: [20000, "LKR200.00", 99999999, "LKR999,999.99"],
  lrd: [10000, "LRD100.00", 99999999, "LRD999,999.99"],
  lsl: [1000, "LSL10.00", 99999999, "LSL999,999.99"],
  mad: [500, "MAD5.00", 99999999, "MAD999,999.99"],
  mdl: [1000, "MDL10.00", 99999999, "MDL999,999.99"],
  mga: [3000, "MGA3,000", 99999999, "MGA99,999,999"],
  mkd: [5000, "MKD50.00", 99999999, "MKD999,999.99"],
  mnt: [200000, "MNT2,000.00", 350000000, "MNT3,500,000.00"],
  mop: [500, "MOP5.00", 99999999, "MOP999,999.99"],
  mur: [5000, "MUR50.00", 99999999, "MUR999,999.99"],
  mvr: [800, "MVR8.00", 99999999, "MVR999,999.99"],
  mwk: [100000, "MWK1,000.00", 175000000, "MWK1,750,000.00"],
  mxn: [900, "MX$9.00", 99999999, "MX$999,999.99"],
  myr: [200, "MYR2.00", 99999999, "MYR999,999.99"],
  mzn: [5000, "MZN50.00", 99999999, "MZN999,999.99"],
  nad: [1000, "NAD10.00", 99999999, "NAD999,999.99"],
  ngn: [70000, "NGN700.00", 155000000, "NGN1,550,000.00"],
  nio: [2000, "NIO20.00", 99999999, "NIO999,999.99"],
  nok: [500, "NOK5.00", 99999999, "NOK999,999.99"],
  npr: [8000, "NPR80.00", 99999999, "NPR999,999.99"],
  nzd: [90, "NZ$0.90", 99999999, "NZ$999,999.99"],
  pab: [100, "PAB1.00", 99999999, "PAB999,999.99"],
  pen: [200, "PEN2.00", 99999999, "PEN999,999.99"],
  pgk: [300, "PGK3.00", 99999999, "PGK999,999.99"],
  php: [3500, "₱35.00", 99999999, "₱999,999.99"],
  pkr: [20000, "PKR200.00", 99999999, "PKR999,999.99"],
  pln: [200, "PLN2.00", 99999999, "PLN999,999.99"],
  pyg: [4000, "PYG4,000", 99999999, "PYG99,999,999"],
  qar: [200, "QAR2.00", 99999999, "QAR999,999.99"],
  ron: [250, "RON2.50", 99999999, "RON999,999.99"],
  rsd: [6000, "RSD60", 99999999, "RSD1,000,000"],
  rwf: [1000, "RWF1,000", 99999999, "RWF99,999,999"],
  sar: [200, "SAR2.00", 99999999, "SAR999,999.99"],
  sbd: [400, "SBD4.00", 99999999, "SBD999,999.99"],
  scr: [800, "SCR8.00", 99999999, "SCR999,999.99"],
  sek: [500, "SEK5.00", 99999999, "SEK999,999.99"],
  sgd: [70, "SGD0.70", 99999999, "SGD999,999.99"],
  shp: [100, "SHP1.00", 99999999, "SHP999,999.99"],
  sos: [50000, "SOS500", 99999999, "SOS1,000,000"],
  srd: [2000, "SRD20.00", 99999999, "SRD999,999.99"],
  szl: [1000, "SZL10.00", 99999999, "SZL999,999.99"],
  thb: [2000, "THB20.00", 99999999, "THB999,999.99"],
  tjs: [500, "TJS5.00", 99999999, "TJS999,999.99"],
  top: [200, "TOP2.00", 99999999, "TOP999,999.99"],
  try: [3000, "TRY30.00", 99999999, "TRY999,999.99"],
  ttd: [400, "TTD4.00", 99999999, "TTD999,999.99"],
  twd: [2000, "NT$20.00", 99999999, "NT$999,999.99"],
  tzs: [200000, "TZS2,000.00", 250000000, "TZS2,500,000.00"],
  uah: [3000, "UAH30.00", 99999999, "UAH999,999.99"],
  ugx: [200000, "UGX2,000", 370000000, "UGX3,700,000"],
  usd: [50, "$0.50", 99999999, "$999,999.99"],
  uyu: [2000, "UYU20.00", 99999999, "UYU999,999.99"],
  uzs: [700000, "UZS7,000.00", 1250000000, "UZS12,500,000.00"],
  vnd: [20000, "₫20,000", 99999999, "₫99,999,999"],
  vuv: [100, "VUV100", 99999999, "VUV99,999,999"],
  wst: [200, "WST2.00", 99999999, "WST999,999.99"],
  xaf: [500, "FCFA500", 99999999, "FCFA99,999,999"],
  xcd: [200, "EC$2.00", 99999999, "EC$999,999.99"],
  xcg: [100, "Cg.1.00", 99999999, "Cg.999,999.99"],
  xof: [500, "F\u202fCFA500", 99999999, "F\u202fCFA99,999,999"],
  xpf: [100, "CFPF100", 99999999, "CFPF99,999,999"],
  yer: [20000, "YER200", 99999999, "YER1,000,000"],
  zar: [900, "ZAR9.00", 99999999, "ZAR999,999.99"],
  zmw: [1000, "ZMW10.00", 99999999, "ZMW999,999.99"],
};

/**
 * Polar's `validate_price_amount(currency, amount, allow_zero=True)` (product/schemas.py): the
 * pydantic error type and message for an amount out of bounds, or null when it is acceptable.
 */
export function priceAmountProblem(
  currency: PresentmentCurrency,
  amount: number,
): { type: "minimum_price" | "maximum_price"; msg: string } | null {
  const [minimum, minimumText, maximum, maximumText] = BOUNDS[currency];
  if (amount < minimum && amount !== 0) {
    return { type: "minimum_price", msg: `Amount must be at least ${minimumText} or 0 for free pricing` };
  }
  if (amount > maximum) return { type: "maximum_price", msg: `Amount must be at most ${maximumText}` };
  return null;
}

/** A currency's bounds: the smallest and largest amount a processor charges, each as Polar formats it. */
export function currencyBounds(currency: string): {
  minimum: number;
  minimumText: string;
  maximum: number;
  maximumText: string;
} {
  const [minimum, minimumText, maximum, maximumText] = BOUNDS[currency as PresentmentCurrency] ?? BOUNDS.usd;
  return { minimum, minimumText, maximum, maximumText };
}
