/** The customers operations of Polar's API: thin handlers over domain/customers. */

import { serializeCustomerState } from "../domain/billing-serialize.js";
import { exportCustomersCsv, listCustomers } from "../domain/customer-list.js";
import { serializeCustomer } from "../domain/customer-serialize.js";
import {
  createCustomer,
  deleteCustomer,
  getCustomer,
  getCustomerByExternalId,
  updateCustomer,
} from "../domain/customers.js";
import type {
  CustomerCreateBody,
  CustomerSortProperty,
  CustomerUpdateBody,
  CustomerUpdateExternalBody,
} from "../domain/wire.js";
import { type Call, type Handlers, json, organizationOf, rejectOrganizationId } from "../http/handler.js";
import { listResource, pageOf } from "../http/pagination.js";
import type { CustomerRecord } from "../store/store.js";
import { list, metadataFilter, organizationIds } from "./query.js";

function byId(call: Call) {
  return getCustomer(call.ctx, organizationOf(call), call.params.id);
}

function byExternalId(call: Call) {
  return getCustomerByExternalId(call.ctx, organizationOf(call), call.params.external_id);
}

function state(call: Call, customer: CustomerRecord) {
  return serializeCustomerState(call.ctx.store.partition(customer.organization_id), customer);
}

function anonymize(call: Call): boolean {
  return call.query.anonymize === true;
}

export const customerHandlers: Handlers = {
  "customers:list": (call) => {
    const page = pageOf(call.query);
    const { items, total } = listCustomers(
      call.ctx,
      {
        organizationIds: organizationIds(call),
        email: typeof call.query.email === "string" ? call.query.email : undefined,
        query: typeof call.query.query === "string" ? call.query.query : undefined,
        active: typeof call.query.active === "boolean" ? call.query.active : undefined,
        metadata: metadataFilter(call.query.metadata),
      },
      (list(call.query.sorting) ?? []) as CustomerSortProperty[],
      page.page,
      page.limit,
    );
    return json(200, listResource(items.map(serializeCustomer), total, page));
  },

  "customers:create": (call) => {
    const body = call.body as CustomerCreateBody;
    rejectOrganizationId(body.organization_id);
    return json(201, serializeCustomer(createCustomer(call.ctx, organizationOf(call), body)));
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

  "customers:update": (call) =>
    json(200, serializeCustomer(updateCustomer(call.ctx, byId(call), call.body as CustomerUpdateBody))),
  "customers:update_external": (call) => {
    // This route's schema has neither `external_id` nor `type`: Polar ignores them when sent.
    const { external_id: _externalId, type: _type, ...body } = call.body as CustomerUpdateBody;
    const customer = updateCustomer(call.ctx, byExternalId(call), body as CustomerUpdateExternalBody);
    return json(200, serializeCustomer(customer));
  },

  "customers:delete": (call) => {
    deleteCustomer(call.ctx, byId(call), { anonymize: anonymize(call) });
    return { status: 204 };
  },
  "customers:delete_external": (call) => {
    deleteCustomer(call.ctx, byExternalId(call), { anonymize: anonymize(call) });
    return { status: 204 };
  },
};
