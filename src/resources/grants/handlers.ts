/** The benefit grants operations of Polar's API (`benefits:grants`, `benefit-grants:list`). */
import { listEnvelope, pageOf } from "../../domain/list.js";
import { ResourceNotFound } from "../../errors.js";
import { type Handlers, json, list, optional, organizationIds, organizationOf } from "../operation.js";
import { listGrants } from "./list.js";
import { serializeGrant } from "./serialize.js";

export type GrantOperation = "benefits:grants" | "benefit-grants:list";

export const grantHandlers = (): Handlers<GrantOperation> => ({
  "benefits:grants": (call) => {
    const organizationId = organizationOf(call);
    const partition = call.ctx.store.partition(organizationId);
    const benefit = partition.benefits.live(call.params.id);
    if (!benefit) throw new ResourceNotFound();
    const page = pageOf(call.query);
    const found = listGrants(
      call.ctx,
      {
        organizationIds: [organizationId],
        benefitId: benefit.id,
        isGranted: optional(call.query.is_granted),
        customerIds: list(call.query.customer_id),
        memberIds: list(call.query.member_id),
      },
      [],
      page,
    );
    return json(
      200,
      listEnvelope(found, page, (grant) => serializeGrant(partition, grant)),
    );
  },

  "benefit-grants:list": (call) => {
    const page = pageOf(call.query);
    const found = listGrants(
      call.ctx,
      {
        organizationIds: organizationIds(call),
        customerIds: list(call.query.customer_id),
        externalCustomerIds: list(call.query.external_customer_id),
        isGranted: optional(call.query.is_granted),
      },
      list(call.query.sorting),
      page,
    );
    const partition = call.ctx.store.partition(organizationOf(call));
    return json(
      200,
      listEnvelope(found, page, (grant) => serializeGrant(partition, grant)),
    );
  },
});
