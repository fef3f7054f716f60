/** The meters, customer meters and event ingestion operations of Polar's API. */
import type { Handlers } from "../http/handler.js";

export const meterHandlers: Handlers = {};
