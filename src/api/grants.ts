/** The benefit grants operations of Polar's API (`benefits:grants`, `benefit-grants:list`). */
import type { Handlers } from "../http/handler.js";

export const grantHandlers: Handlers = {};
