/**
 * How the pipeline validates customer bodies beyond their JSON Schema: the tagged union's
 * callable discriminator (customer/schemas.py `_customer_create_type`) and `AddressInput`'s
 * before validator, which upper-cases the country (`"us"` is accepted as `"US"`).
 */
import { isObject } from "../../util/is-object.js";

export const CUSTOMER_CREATE_TAG_FUNCTION = "_customer_create_type()";

export function upperCaseCountry(body: unknown): void {
  if (isObject(body) && isObject(body.billing_address) && typeof body.billing_address.country === "string") {
    body.billing_address.country = body.billing_address.country.toUpperCase();
  }
}
