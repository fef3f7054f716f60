/** Wire shapes, generated from spec/polar.yaml (`npm run spec:types`); never typed by hand. */
import type { components } from "../generated/polar.js";

type Schemas = components["schemas"];

export type CustomerCreateBody = Schemas["CustomerIndividualCreate"] | Schemas["CustomerTeamCreate"];
export type CustomerUpdateBody = Schemas["CustomerUpdate"];
export type CustomerUpdateExternalBody = Schemas["CustomerUpdateExternalID"];
export type CustomerWire = Schemas["CustomerIndividual"] | Schemas["CustomerTeam"];
export type CustomerStateWire = Schemas["CustomerStateIndividual"] | Schemas["CustomerStateTeam"];
export type CustomerSortProperty = Schemas["CustomerSortProperty"];
export type AddressWire = Schemas["Address"];
export type TaxIdFormat = Schemas["TaxIDFormat"];
