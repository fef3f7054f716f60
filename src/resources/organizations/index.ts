/**
 * Organizations: the tenants, each with its partition of state and its access tokens, and what
 * Polar's API shows and changes of them (`/v1/organizations/`).
 */
import { ResourceNotFound } from "../../errors.js";
import { canonicalUuid, uuid4Problem } from "../../pydantic/uuid.js";
import { defineResource } from "../resource.js";
import { organizationHandlers } from "./handlers.js";
import { organizationRules } from "./rules.js";
import { serializeOrganization } from "./serialize.js";
import { organizationProfileDecoder } from "./snapshot.js";
import { OrganizationProfileTable } from "./table.js";

export const organizations = defineResource({
  name: "organizations",
  scopes: [
    "organizations:read",
    "organizations:write",
    "organization_access_tokens:read",
    "organization_access_tokens:write",
  ],
  tables: () => ({ organizationProfile: new OrganizationProfileTable() }),
  handlers: organizationHandlers,
  validation: {
    rules: organizationRules,
    walked: ["organizations:update"],
    guards: {
      // Polar resolves the organization (OrgPolicyGuard) before it reads the body: another
      // organization's id is a 404 whatever the body says.
      "organizations:update": ({ organizationId, params }) => {
        const id = params.id;
        if (typeof id === "string" && uuid4Problem(id) === null && canonicalUuid(id) !== organizationId)
          throw new ResourceNotFound();
      },
    },
  },
  snapshot: {
    sections: {
      organization_profile: {
        decode: organizationProfileDecoder,
        capture: ({ organizationProfile }) => organizationProfile.profile,
        restore: ({ organizationProfile }, profile) => {
          organizationProfile.profile = profile;
        },
      },
    },
  },
  events: {
    prefix: "organization.",
    subject: (partition, _type, id) =>
      id === partition.organization.id
        ? { customerId: null, data: () => serializeOrganization(partition) }
        : undefined,
  },
});
