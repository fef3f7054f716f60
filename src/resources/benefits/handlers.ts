/** The benefits operations of Polar's API: thin handlers over the service. */
import { listEnvelope, pageOf } from "../../domain/list.js";
import {
  type Handlers,
  json,
  list,
  metadataFilter,
  optional,
  organizationIds,
  organizationOf,
  rejectOrganizationId,
} from "../operation.js";
import { listBenefits } from "./list.js";
import { refuseGitHubWithOrganizationToken } from "./rules.js";
import { serializeBenefit } from "./serialize.js";
import { createBenefit, getBenefit } from "./service.js";

export type BenefitOperation = "benefits:list" | "benefits:create" | "benefits:get";

export const benefitHandlers = (): Handlers<BenefitOperation> => ({
  "benefits:list": (call) => {
    const page = pageOf(call.query);
    const found = listBenefits(
      call.ctx,
      {
        organizationIds: organizationIds(call),
        types: list(call.query.type),
        ids: list(call.query.id),
        excludeIds: list(call.query.exclude_id),
        query: optional(call.query.query),
        metadata: metadataFilter(call.query.metadata),
      },
      list(call.query.sorting),
      page,
    );
    return json(200, listEnvelope(found, page, serializeBenefit));
  },

  "benefits:create": (call) => {
    rejectOrganizationId(call.body.organization_id);
    refuseGitHubWithOrganizationToken(call.body);
    return json(201, serializeBenefit(createBenefit(call.ctx, organizationOf(call), call.body)));
  },

  "benefits:get": (call) =>
    json(200, serializeBenefit(getBenefit(call.ctx, organizationOf(call), call.params.id))),
});
