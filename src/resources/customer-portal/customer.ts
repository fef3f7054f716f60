/**
 * The portal's customer, session and organization operations (customer_portal/endpoints/
 * customer.py, customer_session.py, organization.py).
 */
import { listEnvelope, pageOf, paginate } from "../../domain/list.js";
import { PolarRequestValidationError, ResourceNotFound } from "../../errors.js";
import { iso } from "../../util/time.js";
import type { Ctx } from "../context.js";
import { updateCustomer } from "../customers/service.js";
import type { CustomerRecord } from "../customers/table.js";
import { type Handlers, json, NO_CONTENT } from "../operation.js";
import { serializePortalPaymentMethod } from "../payment-methods/serialize.js";
import {
  addPaymentMethod,
  confirmPaymentMethod,
  deletePaymentMethod,
  getPaymentMethod,
  type SaveResult,
} from "../payment-methods/service.js";
import {
  serializeCustomerOrganization,
  serializeCustomerProduct,
  serializePortalCustomer,
} from "./serialize.js";
import { billingSubject, portalSubject } from "./subject.js";

export type PortalCustomerOperation =
  | "customer_portal:customers:get"
  | "customer_portal:customers:update"
  | "customer_portal:customers:list_payment_methods"
  | "customer_portal:customers:add_payment_method"
  | "customer_portal:customers:confirm_payment_method"
  | "customer_portal:customers:delete_payment_method"
  | "customer_portal:customer-session:introspect"
  | "customer_portal:customer-session:get_authenticated_user"
  | "customer_portal:organizations:get";

type PortalCustomerUpdate = {
  billing_name?: string | null;
  billing_address?: Parameters<typeof updateCustomer>[2]["billing_address"];
  tax_id?: string | null;
  default_payment_method_id?: string | null;
};

/**
 * `CustomerService.update` of the portal: the billing name, address and tax ID (the address can
 * not be reset; the tax ID is checked against its country), and a default payment method, which
 * must be one of the customer's (the emulator keeps none). Sends `customer.updated`.
 */
function updatePortalCustomer(
  ctx: Ctx,
  customer: CustomerRecord,
  body: PortalCustomerUpdate,
): CustomerRecord {
  if (Object.hasOwn(body, "billing_address") && body.billing_address === null)
    throw new PolarRequestValidationError([
      {
        type: "missing",
        loc: ["body", "billing_address"],
        msg: "Customer billing address cannot be reset to null once set.",
        input: null,
      },
    ]);
  let defaultMethod: string | undefined;
  if (Object.hasOwn(body, "default_payment_method_id")) {
    const id = body.default_payment_method_id;
    if (id === null || id === undefined)
      throw new PolarRequestValidationError([
        {
          type: "missing",
          loc: ["body", "default_payment_method_id"],
          msg: "Default payment method cannot be reset to null.",
          input: null,
        },
      ]);
    const method = ctx.store.partition(customer.organization_id).paymentMethods.get(id);
    if (!method || method.customer_id !== customer.id || method.deleted_at !== null)
      throw new PolarRequestValidationError([
        {
          type: "invalid",
          loc: ["body", "default_payment_method_id"],
          msg: "Payment method not found.",
          input: id,
        },
      ]);
    defaultMethod = method.id;
  }
  const before = customer.billing_name;
  if (body.billing_name !== undefined && body.billing_name !== null)
    customer.billing_name = body.billing_name;
  const update: Parameters<typeof updateCustomer>[2] = {};
  if (body.billing_address) update.billing_address = body.billing_address;
  if (Object.hasOwn(body, "tax_id")) update.tax_id = body.tax_id ?? null;
  const defaultBefore = customer.default_payment_method_id;
  if (defaultMethod !== undefined) customer.default_payment_method_id = defaultMethod;
  try {
    return updateCustomer(ctx, customer, update);
  } catch (failure) {
    customer.billing_name = before;
    customer.default_payment_method_id = defaultBefore;
    throw failure;
  }
}

function saved(result: SaveResult) {
  return result.status === "succeeded"
    ? { status: result.status, payment_method: serializePortalPaymentMethod(result.method) }
    : { status: result.status, client_secret: result.clientSecret };
}

export const portalCustomerHandlers = (): Handlers<PortalCustomerOperation> => ({
  "customer_portal:customers:get": (call) => json(200, serializePortalCustomer(portalSubject(call).customer)),

  "customer_portal:customers:update": (call) => {
    const { customer } = billingSubject(call);
    return json(200, serializePortalCustomer(updatePortalCustomer(call.ctx, customer, call.body)));
  },

  "customer_portal:customers:list_payment_methods": (call) => {
    const { customer, organizationId } = billingSubject(call);
    const page = pageOf(call.query);
    const methods = call.ctx.store.partition(organizationId).paymentMethods.liveOf(customer.id);
    return json(200, listEnvelope(paginate(methods, page), page, serializePortalPaymentMethod));
  },

  "customer_portal:customers:add_payment_method": (call) => {
    const { customer } = billingSubject(call);
    return json(201, saved(addPaymentMethod(call.ctx, customer, call.body)));
  },

  "customer_portal:customers:confirm_payment_method": (call) => {
    const { customer } = billingSubject(call);
    return json(201, saved(confirmPaymentMethod(call.ctx, customer, call.body)));
  },

  "customer_portal:customers:delete_payment_method": (call) => {
    const { customer } = billingSubject(call);
    deletePaymentMethod(call.ctx, customer, getPaymentMethod(call.ctx, customer, call.params.id));
    return NO_CONTENT;
  },

  "customer_portal:customer-session:introspect": (call) => {
    const { session } = portalSubject(call);
    return json(200, { expires_at: iso(session.expires_at), return_url: session.return_url });
  },

  "customer_portal:customer-session:get_authenticated_user": (call) => {
    const { customer, member } = portalSubject(call);
    if (member)
      return json(200, {
        type: "member",
        name: member.name,
        email: member.email,
        customer_id: member.customer_id,
        member_id: member.id,
        role: member.role,
      });
    if (customer.email === null)
      throw new PolarRequestValidationError([
        {
          type: "value_error",
          loc: ["body"],
          msg: "Team customers must use member sessions. Create a customer session via the API with a member_id.",
          input: null,
        },
      ]);
    return json(200, {
      type: "customer",
      name: customer.name,
      email: customer.email,
      customer_id: customer.id,
      member_id: null,
      role: null,
    });
  },

  "customer_portal:organizations:get": (call) => {
    const partition = [...call.ctx.store.partitions.values()].find(
      (candidate) => candidate.organization.slug === call.params.slug,
    );
    if (!partition) throw new ResourceNotFound();
    const products = [...partition.products.values()]
      .filter((product) => !product.is_archived && product.visibility === "public")
      .sort((a, b) => a.created_at.getTime() - b.created_at.getTime())
      .map((product) => serializeCustomerProduct(partition, product));
    return json(200, { organization: serializeCustomerOrganization(partition), products });
  },
});
