/** The benefits operations of Polar's API: thin handlers over domain/benefits. */
import { checkBenefitCreate, createBenefit, getBenefit } from "../domain/benefits.js";
import { listBenefits } from "../domain/catalog-list.js";
import { serializeBenefit } from "../domain/catalog-serialize.js";
import type { BenefitCreateBody, BenefitSortProperty } from "../domain/wire.js";
import { PolarRequestValidationError } from "../errors.js";
import { type Handlers, json, organizationOf, rejectOrganizationId } from "../http/handler.js";
import { listResource, pageOf } from "../http/pagination.js";
import type { BenefitType } from "../store/store.js";
import { list, metadataFilter, organizationIds, stringParam } from "./query.js";

/**
 * The GitHub repository strategy refuses organization tokens before anything else it checks
 * (benefit/strategies/github_repository/service.py `validate_properties`), and every token of
 * the emulator is one. Fixtures can still create such benefits through the domain.
 */
function refuseGitHubWithOrganizationToken(body: BenefitCreateBody): void {
  if (body.type !== "github_repository") return;
  throw new PolarRequestValidationError([
    {
      type: "invalid_auth_subject",
      loc: ["body", "properties", "repository_owner"],
      msg: "We do not yet support creating this benefit with an organization token.",
      input: body.properties.repository_owner,
    },
  ]);
}

export const benefitHandlers: Handlers = {
  "benefits:list": (call) => {
    const page = pageOf(call.query);
    const { items, total } = listBenefits(
      call.ctx,
      {
        organizationIds: organizationIds(call),
        types: list(call.query.type) as BenefitType[] | undefined,
        ids: list(call.query.id),
        excludeIds: list(call.query.exclude_id),
        query: stringParam(call.query.query),
        metadata: metadataFilter(call.query.metadata),
      },
      (list(call.query.sorting) ?? []) as BenefitSortProperty[],
      page.page,
      page.limit,
    );
    return json(200, listResource(items.map(serializeBenefit), total, page));
  },

  "benefits:create": (call) => {
    const body = call.body as BenefitCreateBody;
    checkBenefitCreate(body);
    rejectOrganizationId(body.organization_id);
    refuseGitHubWithOrganizationToken(body);
    return json(201, serializeBenefit(createBenefit(call.ctx, organizationOf(call), body)));
  },

  "benefits:get": (call) =>
    json(200, serializeBenefit(getBenefit(call.ctx, organizationOf(call), call.params.id))),
};
