/** `POST /v1/customer-sessions/`. */
import { publicBase } from "../../domain/public-url.js";
import { type Handlers, json, organizationOf } from "../operation.js";
import { serializeCustomerSession } from "./serialize.js";
import { createCustomerSession } from "./service.js";

export type CustomerSessionOperation = "customer-sessions:create";

export const customerSessionHandlers = (): Handlers<CustomerSessionOperation> => ({
  "customer-sessions:create": (call) => {
    const session = createCustomerSession(call.ctx, organizationOf(call), call.body);
    const partition = call.ctx.store.partition(session.organization_id);
    return json(201, serializeCustomerSession(partition, session, publicBase(call.ctx)));
  },
});
