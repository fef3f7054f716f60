/**
 * Polar's API versions (server/polar/kit/versioning.py, server/polar/version.py): a request names
 * one with `Polar-Version: YYYY-MM`; without one (or with an empty one) it gets the server's
 * current version. A version Polar does not serve, or one not written `YYYY-MM`, answers 404 on
 * every route. Versions differ field by field (docs/polar-versions.md); spec/changes.yaml says how.
 */

/** The versions Polar serves, oldest first (deprecated, current, next). */
export const API_VERSIONS = ["2026-04", "2026-10", "2027-01"] as const;

export type ApiVersion = (typeof API_VERSIONS)[number];

/** What Polar answers to a request without `Polar-Version` (`CURRENT_API_VERSION`). */
export const DEFAULT_API_VERSION: ApiVersion = "2026-04";

const VERSION_PATTERN = /^(\d{4})-(\d{2})$/;

/** The version a header names, or undefined when Polar would answer 404 (malformed or not served). */
export function parseApiVersion(text: string): ApiVersion | undefined {
  if (!VERSION_PATTERN.test(text)) return undefined;
  return API_VERSIONS.find((version) => version === text);
}

/** Whether `version` is `since` or later (both `YYYY-MM`, which order as text). */
export function isAtLeast(version: ApiVersion, since: ApiVersion): boolean {
  return version >= since;
}
