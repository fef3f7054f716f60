/**
 * The string formats of an OpenAPI document as pydantic reads them, on an ajv instance (the
 * request pipeline's and the fixtures'): `uuid4` and `uuid` (pydantic-core's parser), `email`
 * (email-validator), `date-time` (the spellings the walker hands on), the rest unchecked.
 */
import { isIP } from "node:net";
import type { Ajv } from "ajv";
import { emailProblem } from "./email.js";
import { uuid4Problem } from "./uuid.js";

/** The `date-time` spelling ajv accepts: datetimes the walker coerces are handed on in this form. */
export const AJV_DATETIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/i;

export function customizeAjv(ajv: Ajv): Ajv {
  ajv.addFormat("uuid4", { type: "string", validate: (value: string) => uuid4Problem(value) === null });
  ajv.addFormat("uuid", {
    type: "string",
    validate: (value: string) => uuid4Problem(value)?.type !== "uuid_parsing",
  });
  ajv.addFormat("email", { type: "string", validate: (value: string) => emailProblem(value) === null });
  ajv.addFormat("date-time", { type: "string", validate: (value: string) => AJV_DATETIME.test(value) });
  ajv.addFormat("ipvanyaddress", { type: "string", validate: (value: string) => isIP(value) !== 0 });
  for (const name of ["uri", "date", "binary", "int64", "int32", "path", "color"]) ajv.addFormat(name, true);
  return ajv;
}
