/** The benefit grants operations of Polar's API (`benefits:grants`, `benefit-grants:list`). */

import { listGrants } from "../domain/billing-list.js";
import { serializeGrant } from "../domain/billing-serialize.js";
import { ResourceNotFound } from "../errors.js";
import { type Handlers, json, organizationOf } from "../http/handler.js";
import { listResource, pageOf } from "../http/pagination.js";
import { booleanParam, list, organizationIds } from "./query.js";

export const grantHandlers: Handlers = {
  "benefits:grants": (call) => {
    const organizationId = organizationOf(call);
    const partition = call.ctx.store.partition(organizationId);
    const benefit = partition.benefits.get(call.params.id);
    if (!benefit || benefit.is_deleted) throw new ResourceNotFound();
    const page = pageOf(call.query);
    const { items, total } = listGrants(
      call.ctx,
      {
        organizationIds: [organizationId],
        benefitId: benefit.id,
        isGranted: booleanParam(call.query.is_granted),
        customerIds: list(call.query.customer_id),
        memberIds: list(call.query.member_id),
      },
      [],
      page.page,
      page.limit,
    );
    return json(
      200,
      listResource(
        items.map((grant) => serializeGrant(partition, grant)),
        total,
        page,
      ),
    );
  },

  "benefit-grants:list": (call) => {
    const page = pageOf(call.query);
    const { items, total } = listGrants(
      call.ctx,
      {
        organizationIds: organizationIds(call),
        customerIds: list(call.query.customer_id),
        externalCustomerIds: list(call.query.external_customer_id),
        isGranted: booleanParam(call.query.is_granted),
      },
      list(call.query.sorting) ?? [],
      page.page,
      page.limit,
    );
    const partition = call.ctx.store.partition(organizationOf(call));
    return json(
      200,
      listResource(
        items.map((grant) => serializeGrant(partition, grant)),
        total,
        page,
      ),
    );
  },
};
