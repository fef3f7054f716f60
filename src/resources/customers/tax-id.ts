/**
 * Tax IDs: Polar validates the number against the formats of the billing country and stores
 * `[compact number, format]`. The emulator keeps Polar's country → formats table and checks the
 * common formats' structure (no checksums); a number no format of its country accepts is invalid.
 */
import type { Schemas } from "../../domain/wire.js";

export type TaxIdFormat = Schemas["TaxIDFormat"];

const EU_VAT_COUNTRIES =
  "AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK".split(" ");

/** Polar's COUNTRY_TAX_ID_MAP, first format first. */
const COUNTRY_FORMATS: Record<string, TaxIdFormat[]> = {
  AD: ["ad_nrt"],
  AE: ["ae_trn"],
  AR: ["ar_cuit"],
  AU: ["au_abn", "au_arn"],
  BH: ["bh_vat"],
  BO: ["bo_tin"],
  BR: ["br_cnpj", "br_cpf"],
  CA: ["ca_gst_hst", "ca_pst_bc", "ca_pst_mb", "ca_pst_sk", "ca_qst", "ca_bn"],
  CH: ["ch_uid", "ch_vat"],
  CL: ["cl_tin"],
  CN: ["cn_tin"],
  CO: ["co_nit"],
  CR: ["cr_tin"],
  DO: ["do_rcn"],
  EC: ["ec_ruc"],
  EG: ["eg_tin"],
  GB: ["gb_vat"],
  GE: ["ge_vat"],
  HK: ["hk_br"],
  ID: ["id_npwp"],
  IL: ["il_vat"],
  IN: ["in_gst"],
  IS: ["is_vat"],
  JP: ["jp_cn", "jp_rn", "jp_trn"],
  KE: ["ke_pin"],
  KR: ["kr_brn"],
  KZ: ["kz_bin"],
  LI: ["li_uid"],
  MK: ["mk_vat"],
  MU: ["mu_tan"],
  MX: ["mx_rfc"],
  MY: ["my_frp", "my_itn", "my_sst"],
  NG: ["ng_tin"],
  NO: ["no_vat", "no_voec"],
  NZ: ["nz_gst"],
  OM: ["om_vat"],
  PE: ["pe_ruc"],
  PH: ["ph_tin"],
  RS: ["rs_pib"],
  RU: ["ru_inn", "ru_kpp"],
  SA: ["sa_vat"],
  SG: ["sg_gst", "sg_uen"],
  SV: ["sv_nit"],
  TH: ["th_vat"],
  TR: ["tr_tin"],
  TW: ["tw_vat"],
  UA: ["ua_vat"],
  US: ["us_ein"],
  UY: ["uy_ruc"],
  VE: ["ve_rif"],
  VN: ["vn_tin"],
  ZA: ["za_vat"],
  ...Object.fromEntries(EU_VAT_COUNTRIES.map((country) => [country, ["eu_vat"]])),
};

/** Every format a stored tax id can have. */
export const TAX_ID_FORMATS: readonly TaxIdFormat[] = [...new Set(Object.values(COUNTRY_FORMATS).flat())];

/** The prefix a VAT number carries in each EU country (Greece uses EL). */
const VAT_PREFIX: Record<string, string> = { GR: "EL" };

function compact(number: string): string {
  return number.replace(/[\s\-./,]/g, "").toUpperCase();
}

type Validator = (compacted: string, country: string) => string | null;

const VALIDATORS: Record<string, Validator> = {
  us_ein: (n) => (/^\d{9}$/.test(n) ? n : null),
  eu_vat: (n, country) => {
    const prefix = VAT_PREFIX[country] ?? country;
    const body = n.startsWith(prefix) ? n.slice(prefix.length) : n;
    return /^[0-9A-Z]{8,12}$/.test(body) && /\d/.test(body) ? `${prefix}${body}` : null;
  },
  gb_vat: (n) => {
    const body = n.startsWith("GB") ? n.slice(2) : n;
    return /^(\d{9}|\d{12}|GD\d{3}|HA\d{3})$/.test(body) ? body : null;
  },
  ca_gst_hst: (n) => (/^\d{9}RT\d{4}$/.test(n) ? n : null),
  ca_bn: (n) => (/^\d{9}$/.test(n) ? n : null),
  au_abn: (n) => (/^\d{11}$/.test(n) ? n : null),
  ae_trn: (n) => (/^\d{15}$/.test(n) ? n : null),
  mu_tan: (n) => (/^[23]\d{7}$/.test(n) ? n : null),
  in_gst: (n) => (/^\d{2}[A-Z]{5}\d{4}[A-Z][1-9A-Z]Z[0-9A-Z]$/.test(n) ? n : null),
};

/** Any other format: a plausible identifier of 5 to 20 letters and digits with at least one digit. */
const fallback: Validator = (n) => (/^[0-9A-Z]{5,20}$/.test(n) && /\d/.test(n) ? n : null);

/** `[number, format]` as Polar stores it, or null when the number is invalid for the country. */
export function validateTaxId(number: string, country: string): [string, TaxIdFormat] | null {
  const formats = COUNTRY_FORMATS[country];
  if (!formats) return null;
  const compacted = compact(number);
  for (const format of formats) {
    const validated = (VALIDATORS[format] ?? fallback)(compacted, country);
    if (validated !== null) return [validated, format];
  }
  return null;
}
