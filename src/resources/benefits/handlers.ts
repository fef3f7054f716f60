/** The benefits operations of Polar's API: thin handlers over the service. */
import { listEnvelope, type Paginated, pageOf } from "../../domain/list.js";
import type { Schemas } from "../../domain/wire.js";
import { ResourceNotFound } from "../../errors.js";
import {
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
import { listBenefits } from "./list.js";
import { refuseGitHubWithOrganizationToken } from "./rules.js";
import { serializeBenefit } from "./serialize.js";
import { createBenefit, deleteBenefit, getBenefit, updateBenefit } from "./service.js";

export type BenefitOperation =
  | "benefits:list"
  | "benefits:create"
  | "benefits:get"
  | "benefits:update"
  | "benefits:delete"
  | "benefits:files";

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

  "benefits:update": (call) => {
    const benefit = getBenefit(call.ctx, organizationOf(call), call.params.id);
    return json(200, serializeBenefit(updateBenefit(call.ctx, benefit, call.body)));
  },

  "benefits:delete": (call) => {
    deleteBenefit(call.ctx, getBenefit(call.ctx, organizationOf(call), call.params.id));
    return NO_CONTENT;
  },

  // Polar lists a downloadables benefit's files that are uploaded; the emulator has no file
  // uploads, so there are none. Another type of benefit is a 404.
  "benefits:files": (call) => {
    const benefit = getBenefit(call.ctx, organizationOf(call), call.params.id);
    if (benefit.type !== "downloadables") throw new ResourceNotFound();
    const files: Paginated<Schemas["BenefitDownloadableFile"]> = { items: [], total: 0 };
    return json(
      200,
      listEnvelope(files, pageOf(call.query), (file) => file),
    );
  },
});
