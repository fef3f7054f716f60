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
export type CustomerStateSubscriptionWire = Schemas["CustomerStateSubscription"];
export type CustomerStateBenefitGrantWire = Schemas["CustomerStateBenefitGrant"];
export type CustomerStateMeterWire = Schemas["CustomerStateMeter"];
export type SubscriptionWire = Schemas["Subscription"];
export type SubscriptionMeterWire = Schemas["SubscriptionMeter"];
export type SubscriptionCustomerWire = Schemas["SubscriptionCustomer"];
export type SubscriptionUpdateBody = Schemas["SubscriptionUpdate"];
export type SubscriptionSortProperty = Schemas["SubscriptionSortProperty"];
export type BenefitGrantWire = Schemas["BenefitGrant"];
export type BenefitGrantSortProperty = Schemas["BenefitGrantSortProperty"];
export type ProductWire = Schemas["Product"];
export type ProductCreateBody = Schemas["ProductCreate"];
export type ProductSortProperty = Schemas["ProductSortProperty"];
export type PriceWire = Schemas["ProductPrice"] | Schemas["LegacyRecurringProductPrice"];
export type BenefitWire = Schemas["Benefit"];
export type BenefitCreateBody = Schemas["BenefitCreate"];
export type BenefitSortProperty = Schemas["BenefitSortProperty"];
export type MeterWire = Schemas["Meter"];
export type MeterCreateBody = Schemas["MeterCreate"];
export type MeterSortProperty = Schemas["MeterSortProperty"];
export type CustomerMeterWire = Schemas["CustomerMeter"];
export type CustomerMeterSortProperty = Schemas["CustomerMeterSortProperty"];
export type EventsIngestBody = Schemas["EventsIngest"];
export type EventsIngestResponseWire = Schemas["EventsIngestResponse"];
