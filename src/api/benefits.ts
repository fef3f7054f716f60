/** The benefits operations of Polar's API: thin handlers over domain/benefits. */
import type { Handlers } from "../http/handler.js";

export const benefitHandlers: Handlers = {};
