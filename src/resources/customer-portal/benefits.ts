/**
 * The portal's benefit grants, customer meters and downloadables (customer_portal/service/
 * benefit_grant.py, customer_meter.py, downloadables.py): the session's customer's, or a
 * member's own.
 */
import {
  byId,
  byKey,
  listEnvelope,
  type Page,
  type Paginated,
  pageOf,
  paginate,
  type SortKey,
  sortBy,
  sortingOr,
  within,
} from "../../domain/list.js";
import { NotPermitted, PolarRequestValidationError, ResourceNotFound } from "../../errors.js";
import type { Partition } from "../context.js";
import { listCustomerMeters } from "../customer-meters/list.js";
import type { PortalSubject } from "../customer-sessions/service.js";
import type { GrantRecord } from "../grants/table.js";
import { type Handlers, json, list, optional } from "../operation.js";
import { serializeCustomerCustomerMeter, serializeCustomerGrant } from "./serialize.js";
import { ownsRow, portalSubject } from "./subject.js";

export type PortalBenefitOperation =
  | "customer_portal:benefit-grants:list"
  | "customer_portal:benefit-grants:get"
  | "customer_portal:benefit-grants:update"
  | "customer_portal:customer_meters:list"
  | "customer_portal:customer_meters:get"
  | "customer_portal:downloadables:list";

/**
 * Grants the subject reads: granted (not revoked) grants of public benefits, the customer's; a
 * member reads those made for it (and an owner those made for the customer as a whole, which is
 * how the emulator grants).
 */
function readableGrants(partition: Partition, subject: PortalSubject): GrantRecord[] {
  return partition.grants.ofCustomer(subject.customer.id).filter((grant) => {
    const benefit = partition.benefits.get(grant.benefit_id);
    if (benefit?.visibility !== "public" || grant.revoked_at !== null) return false;
    return ownsRow(subject, grant);
  });
}

export interface GrantFilters {
  query?: string;
  types?: string[];
  benefitIds?: string[];
  subscriptionIds?: string[];
  orderIds?: string[];
  memberIds?: string[];
}

/** ProductBenefit.order of the grant's benefit in its subscription's product (null outside one). */
function productBenefitOrder(partition: Partition, grant: GrantRecord): SortKey {
  if (grant.subscription_id === null) return null;
  const product = partition.products.get(
    partition.subscriptions.get(grant.subscription_id)?.product_id ?? "",
  );
  const index = product ? product.benefit_ids.indexOf(grant.benefit_id) : -1;
  return index === -1 ? null : index;
}

/** The grants the subject reads, filtered, sorted and paginated: the API's list, and the hosted portal page's. */
export function listGrants(
  partition: Partition,
  subject: PortalSubject,
  filters: GrantFilters,
  sorting: readonly string[] | undefined,
  page: Page,
): Paginated<GrantRecord> {
  const rows = readableGrants(partition, subject).filter((grant) => {
    const benefit = partition.benefits.get(grant.benefit_id);
    if (!benefit) return false;
    if (
      filters.query !== undefined &&
      !benefit.description.toLowerCase().includes(filters.query.toLowerCase())
    )
      return false;
    return (
      within(filters.types, benefit.type) &&
      within(filters.benefitIds, grant.benefit_id) &&
      within(filters.subscriptionIds, grant.subscription_id) &&
      within(filters.orderIds, grant.order_id) &&
      within(filters.memberIds, grant.member_id)
    );
  });
  sortBy(
    rows,
    sortingOr(sorting, ["product_benefit", "-granted_at"]),
    (field) =>
      byKey((grant: GrantRecord) => {
        switch (field) {
          case "granted_at":
            return grant.granted_at?.getTime() ?? null;
          case "type":
            return partition.benefits.get(grant.benefit_id)?.type ?? null;
          case "organization":
            return partition.organization.slug;
          default:
            return productBenefitOrder(partition, grant);
        }
      }),
    byId,
  );
  return paginate(rows, page);
}

function grantOf(partition: Partition, subject: PortalSubject, id: string): GrantRecord {
  const grant = readableGrants(partition, subject).find((candidate) => candidate.id === id);
  if (!grant) throw new ResourceNotFound();
  return grant;
}

export const portalBenefitHandlers = (): Handlers<PortalBenefitOperation> => ({
  "customer_portal:benefit-grants:list": (call) => {
    const subject = portalSubject(call);
    const partition = call.ctx.store.partition(subject.organizationId);
    const page = pageOf(call.query);
    const found = listGrants(
      partition,
      subject,
      {
        query: optional(call.query.query),
        types: list(call.query.type),
        benefitIds: list(call.query.benefit_id),
        subscriptionIds: list(call.query.subscription_id),
        orderIds: list(call.query.order_id),
        memberIds: list(call.query.member_id),
      },
      list(call.query.sorting),
      page,
    );
    return json(
      200,
      listEnvelope(found, page, (grant) => serializeCustomerGrant(partition, grant)),
    );
  },

  "customer_portal:benefit-grants:get": (call) => {
    const subject = portalSubject(call);
    const partition = call.ctx.store.partition(subject.organizationId);
    return json(200, serializeCustomerGrant(partition, grantOf(partition, subject, call.params.id)));
  },

  "customer_portal:benefit-grants:update": (call) => {
    const subject = portalSubject(call);
    const partition = call.ctx.store.partition(subject.organizationId);
    const grant = partition.grants.ofCustomer(subject.customer.id).find((item) => item.id === call.params.id);
    const benefit = grant && partition.benefits.get(grant.benefit_id);
    if (!grant || !benefit || benefit.visibility !== "public") throw new ResourceNotFound();
    if (grant.revoked_at !== null) throw new NotPermitted("Cannot update a revoked benefit grant.");
    const body = call.body;
    if (body.benefit_type !== benefit.type)
      throw new PolarRequestValidationError([
        {
          type: "value_error",
          loc: ["body", "benefit_type"],
          msg: "Benefit type must match the existing granted benefit type.",
          input: body.benefit_type,
        },
      ]);
    if (
      (body.benefit_type === "discord" || body.benefit_type === "github_repository") &&
      body.properties.account_id
    )
      // The emulator links no OAuth accounts to customers.
      throw new PolarRequestValidationError([
        {
          type: "value_error",
          loc: ["body", "properties", "account_id"],
          msg: "OAuth account does not exist.",
          input: body.properties.account_id,
        },
      ]);
    return json(200, serializeCustomerGrant(partition, grant));
  },

  "customer_portal:customer_meters:list": (call) => {
    const subject = portalSubject(call);
    const partition = call.ctx.store.partition(subject.organizationId);
    const page = pageOf(call.query);
    const found = listCustomerMeters(
      call.ctx,
      {
        organizationIds: [subject.organizationId],
        customerIds: [subject.customer.id],
        meterIds: list(call.query.meter_id),
        meterName: optional(call.query.query),
      },
      list(call.query.sorting),
      page,
    );
    return json(
      200,
      listEnvelope(found, page, (meter) => serializeCustomerCustomerMeter(partition, meter)),
    );
  },

  "customer_portal:customer_meters:get": (call) => {
    const subject = portalSubject(call);
    const partition = call.ctx.store.partition(subject.organizationId);
    const meter = partition.customerMeters.get(call.params.id);
    if (!meter || meter.customer_id !== subject.customer.id) throw new ResourceNotFound();
    return json(200, serializeCustomerCustomerMeter(partition, meter));
  },

  // The emulator stores no files, so a downloadables benefit has none to list.
  "customer_portal:downloadables:list": (call) => {
    portalSubject(call);
    const none: never[] = [];
    return json(
      200,
      listEnvelope({ items: none, total: 0 }, pageOf(call.query), (item) => item),
    );
  },
});
