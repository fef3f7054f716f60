/** The subscriptions operations of Polar's API: thin handlers over domain/subscriptions. */
import type { Handlers } from "../http/handler.js";

export const subscriptionHandlers: Handlers = {};
