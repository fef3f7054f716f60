/** Wire shapes are generated from spec/polar.yaml (`npm run spec:types`); never typed by hand. */
import type { components } from "../generated/polar.js";

/** Polar's component schemas, by name: `Schemas["Customer"]`. */
export type Schemas = components["schemas"];
