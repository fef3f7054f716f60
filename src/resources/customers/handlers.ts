/** The customers operations of Polar's API: thin handlers over the service. */
import { listEnvelope, pageOf, paginate } from "../../domain/list.js";
import {
  type Call,
  type Handlers,
  json,
  list,
  metadataFilter,
  NO_CONTENT,
  optional,
  organizationIds,
  organizationOf,
  rejectOrganizationId,
} from "../operation.js";
import { serializeCustomerPaymentMethod } from "../payment-methods/serialize.js";
import { exportCustomersCsv } from "./export.js";
import { listCustomers } from "./list.js";
import { serializeCustomer } from "./serialize.js";
import {
  createCustomer,
  deleteCustomer,
  getCustomer,
  getCustomerByExternalId,
  updateCustomer,
} from "./service.js";
import { serializeCustomerState } from "./state.js";
import type { CustomerRecord } from "./table.js";

type ById = Call<
  | "customers:get"
  | "customers:update"
  | "customers:delete"
  | "customers:get_state"
  | "customers:list_payment_methods"
>;
type ByExternalId = Call<
  | "customers:get_external"
  | "customers:update_external"
  | "customers:delete_external"
  | "customers:get_state_external"
  | "customers:list_payment_methods_external"
>;

function byId(call: ById): CustomerRecord {
  return getCustomer(call.ctx, organizationOf(call), call.params.id);
}

function byExternalId(call: ByExternalId): CustomerRecord {
  return getCustomerByExternalId(call.ctx, organizationOf(call), call.params.external_id);
}

function state(call: ById | ByExternalId, customer: CustomerRecord) {
  return serializeCustomerState(call.ctx.store.partition(customer.organization_id), customer);
}

/**
 * A customer's saved payment methods (customer/service.py `list_payment_methods`), oldest first:
 * the cards the customer saved in the customer portal.
 */
function paymentMethods(
  call: Call<"customers:list_payment_methods" | "customers:list_payment_methods_external">,
  customer: CustomerRecord,
) {
  const page = pageOf(call.query);
  const methods = call.ctx.store.partition(customer.organization_id).paymentMethods.liveOf(customer.id);
  return json(
    200,
    listEnvelope(paginate(methods, page), page, (method) => serializeCustomerPaymentMethod(customer, method)),
  );
}

export type CustomerOperation =
  | "customers:list"
  | "customers:create"
  | "customers:export"
  | "customers:get"
  | "customers:get_external"
  | "customers:get_state"
  | "customers:get_state_external"
  | "customers:update"
  | "customers:update_external"
  | "customers:delete"
  | "customers:delete_external"
  | "customers:list_payment_methods"
  | "customers:list_payment_methods_external";

export const customerHandlers = (): Handlers<CustomerOperation> => ({
  "customers:list": (call) => {
    const page = pageOf(call.query);
    const found = listCustomers(
      call.ctx,
      {
        organizationIds: organizationIds(call),
        email: optional(call.query.email),
        query: optional(call.query.query),
        active: optional(call.query.active),
        metadata: metadataFilter(call.query.metadata),
      },
      list(call.query.sorting),
      page,
    );
    return json(200, listEnvelope(found, page, serializeCustomer));
  },

  "customers:create": (call) => {
    rejectOrganizationId(call.body.organization_id);
    return json(201, serializeCustomer(createCustomer(call.ctx, organizationOf(call), call.body)));
  },

  "customers:export": (call) => ({
    status: 200,
    text: exportCustomersCsv(call.ctx, organizationIds(call)),
    contentType: "text/csv; charset=utf-8",
    headers: { "Content-Disposition": 'attachment; filename="polar-customers.csv"' },
  }),

  "customers:get": (call) => json(200, serializeCustomer(byId(call))),
  "customers:get_external": (call) => json(200, serializeCustomer(byExternalId(call))),
  "customers:get_state": (call) => json(200, state(call, byId(call))),
  "customers:get_state_external": (call) => json(200, state(call, byExternalId(call))),
  "customers:list_payment_methods": (call) => paymentMethods(call, byId(call)),
  "customers:list_payment_methods_external": (call) => paymentMethods(call, byExternalId(call)),

  "customers:update": (call) => json(200, serializeCustomer(updateCustomer(call.ctx, byId(call), call.body))),
  "customers:update_external": (call) => {
    // This route's schema has neither `external_id` nor `type`: Polar ignores them when sent.
    const {
      external_id: _externalId,
      type: _type,
      ...body
    } = call.body as typeof call.body & {
      external_id?: unknown;
      type?: unknown;
    };
    return json(200, serializeCustomer(updateCustomer(call.ctx, byExternalId(call), body)));
  },

  "customers:delete": (call) => {
    deleteCustomer(call.ctx, byId(call), { anonymize: call.query.anonymize === true });
    return NO_CONTENT;
  },
  "customers:delete_external": (call) => {
    deleteCustomer(call.ctx, byExternalId(call), { anonymize: call.query.anonymize === true });
    return NO_CONTENT;
  },
});
