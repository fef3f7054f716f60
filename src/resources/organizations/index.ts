/** Organizations: the tenants, each with its partition of state and its access tokens. */
import { defineResource } from "../resource.js";

export const organizations = defineResource({
  name: "organizations",
  scopes: ["organization_access_tokens:read", "organization_access_tokens:write"],
});
