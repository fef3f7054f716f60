/** Pins down tax id validation: Polar's country → formats table, compaction, the first accepting format, null when none does. */
import { describe, expect, it } from "vitest";
import { TAX_ID_FORMATS, validateTaxId } from "../../src/resources/customers/tax-id.js";

describe("validateTaxId", () => {
  it("compacts a US EIN and refuses a malformed one", () => {
    expect(validateTaxId("91-1144442", "US")).toEqual(["911144442", "us_ein"]);
    expect(validateTaxId(" 911144442 ", "US")).toEqual(["911144442", "us_ein"]);
    expect(validateTaxId("12345678", "US")).toBeNull();
    expect(validateTaxId("91114444A", "US")).toBeNull();
  });

  it("stores an EU VAT number upper-cased with its country prefix, EL for Greece", () => {
    expect(validateTaxId("FR61954506077", "FR")).toEqual(["FR61954506077", "eu_vat"]);
    expect(validateTaxId("fr 619 545 060 77", "FR")).toEqual(["FR61954506077", "eu_vat"]);
    expect(validateTaxId("DE136695976", "DE")).toEqual(["DE136695976", "eu_vat"]);
    expect(validateTaxId("el 094.259.216", "GR")).toEqual(["EL094259216", "eu_vat"]);
    expect(validateTaxId("FR1234567", "FR")).toBeNull();
    expect(validateTaxId("FRABCDEFGHIJ", "FR")).toBeNull();
  });

  it("stores a UK VAT number without its GB prefix", () => {
    expect(validateTaxId("GB980780684", "GB")).toEqual(["980780684", "gb_vat"]);
    expect(validateTaxId("GB 980 7806 84", "GB")).toEqual(["980780684", "gb_vat"]);
    expect(validateTaxId("GD001", "GB")).toEqual(["GD001", "gb_vat"]);
    expect(validateTaxId("GB12345", "GB")).toBeNull();
  });

  it("tries the country's formats in Polar's order", () => {
    expect(validateTaxId("123456782RT0001", "CA")).toEqual(["123456782RT0001", "ca_gst_hst"]);
    expect(validateTaxId("51 824 753 556", "AU")).toEqual(["51824753556", "au_abn"]);
  });

  it("checks the structure of the formats it knows", () => {
    expect(validateTaxId("100-1234-5678-9003", "AE")).toEqual(["100123456789003", "ae_trn"]);
    expect(validateTaxId("10012345678900", "AE")).toBeNull();
    expect(validateTaxId("20123456", "MU")).toEqual(["20123456", "mu_tan"]);
    expect(validateTaxId("40123456", "MU")).toBeNull();
    expect(validateTaxId("27aapfu0939f1zv", "IN")).toEqual(["27AAPFU0939F1ZV", "in_gst"]);
    expect(validateTaxId("27AAPFU0939F1XV", "IN")).toBeNull();
    expect(validateTaxId("CHE-100.155.212", "CH")).toEqual(["CHE100155212", "ch_uid"]);
  });

  it("is null for a country without formats (or not written as Polar's upper-case key)", () => {
    expect(validateTaxId("123456789", "BZ")).toBeNull();
    expect(validateTaxId("123456789", "XX")).toBeNull();
    expect(validateTaxId("FR61954506077", "fr")).toBeNull();
  });
});

describe("TAX_ID_FORMATS", () => {
  it("is every format of Polar's COUNTRY_TAX_ID_MAP, once each, first appearance first", () => {
    expect(TAX_ID_FORMATS).toHaveLength(68);
    expect(new Set(TAX_ID_FORMATS).size).toBe(68);
    expect(TAX_ID_FORMATS.slice(0, 4)).toEqual(["ad_nrt", "ae_trn", "ar_cuit", "au_abn"]);
    expect([...TAX_ID_FORMATS].sort()).toEqual(
      (
        "ad_nrt ae_trn ar_cuit eu_vat au_abn au_arn bh_vat bo_tin br_cnpj br_cpf ca_gst_hst ca_pst_bc ca_pst_mb " +
        "ca_pst_sk ca_qst ca_bn ch_uid ch_vat cl_tin cn_tin co_nit cr_tin do_rcn ec_ruc eg_tin gb_vat ge_vat hk_br " +
        "id_npwp il_vat in_gst is_vat jp_cn jp_rn jp_trn ke_pin kr_brn kz_bin li_uid mk_vat mu_tan mx_rfc my_frp " +
        "my_itn my_sst ng_tin no_vat no_voec nz_gst om_vat pe_ruc ph_tin rs_pib ru_inn ru_kpp sa_vat sg_gst sg_uen " +
        "sv_nit th_vat tr_tin tw_vat ua_vat us_ein uy_ruc ve_rif vn_tin za_vat"
      )
        .split(" ")
        .sort(),
    );
  });
});
