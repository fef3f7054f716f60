/** The products operations of Polar's API: thin handlers over domain/products. */
import type { Handlers } from "../http/handler.js";

export const productHandlers: Handlers = {};
