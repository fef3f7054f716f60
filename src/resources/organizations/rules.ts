/**
 * Polar's organization rules: an organization token sets the organization itself (an
 * `organization_id` in a create body, or an ingested event, is refused, as Polar's
 * `get_payload_organization` does), and the model rules of `OrganizationUpdate`.
 */
import type { ValidationDetail } from "../../errors.js";
import { emailProblem } from "../../pydantic/email.js";
import { valueError } from "../../pydantic/messages.js";
import type { ModelRules } from "../../pydantic/walker.js";
import { isObject } from "../../util/is-object.js";
import { embedHosts } from "./embed-hosts.js";

export function organizationTokenDetail(
  loc: (string | number)[],
  input: unknown,
): Omit<ValidationDetail, "ctx"> {
  return {
    type: "organization_token",
    loc,
    msg: "Setting organization_id is disallowed when using an organization token.",
    input,
  };
}

// --- OrganizationUpdate (organization/schemas.py) ----------------------------------------------

/** Polar's ORGANIZATION_BLOCKED_WORDS (config.py): a name holding one as a word is refused. */
const BLOCKED_WORDS = [
  "porn",
  "porno",
  "pornography",
  "sex",
  "sexual",
  "sexy",
  "nsfw",
  "xxx",
  "hentai",
  "erotic",
  "erotica",
  "fetish",
  "nude",
  "nudes",
  "nudity",
  "onlyfans",
  "camgirl",
  "escort",
];
const BLOCKED = new RegExp(`(?<![\\p{L}\\p{N}_])(${BLOCKED_WORDS.join("|")})(?![\\p{L}\\p{N}_])`, "iu");

/** `PLATFORM_DOMAINS`: the social platform a URL's host names. */
const PLATFORM_DOMAINS: Record<string, string> = {
  "twitter.com": "x",
  "x.com": "x",
  "github.com": "github",
  "facebook.com": "facebook",
  "fb.com": "facebook",
  "instagram.com": "instagram",
  "youtube.com": "youtube",
  "youtu.be": "youtube",
  "tiktok.com": "tiktok",
  "linkedin.com": "linkedin",
  "threads.net": "threads",
  "discord.gg": "discord",
  "discord.com": "discord",
};

function detectPlatform(url: string): string {
  let host = "";
  try {
    host = new URL(url.toLowerCase()).hostname;
  } catch {
    const match = /^[a-z][a-z0-9+.-]*:\/\/([^/?#:@]*)/.exec(url.toLowerCase());
    host = match?.[1] ?? "";
  }
  return PLATFORM_DOMAINS[host.replace(/^www\./, "")] ?? "other";
}

export const organizationRules: ModelRules = {
  typedDicts: new Set([
    "OrganizationSubscriptionSettings",
    "OrganizationCustomerEmailSettings",
    "OrganizationCustomerPortalSettings",
    "CustomerPortalUsageSettings",
    "CustomerPortalSubscriptionSettings",
    "CustomerPortalCustomerSettings",
  ]),
  fieldValidators: {
    "OrganizationUpdate.name": (value) =>
      typeof value === "string" && BLOCKED.test(value) ? valueError("This name is not allowed.") : null,
    "OrganizationUpdate.email": (value) => {
      if (typeof value !== "string") return null;
      const reason = emailProblem(value);
      return reason === null
        ? null
        : { type: "value_error", msg: `value is not a valid email address: ${reason}`, ctx: { reason } };
    },
    "OrganizationUpdate.embed_hosts": (value) => {
      if (!Array.isArray(value)) return null;
      const checked = embedHosts(value.map(String));
      return "error" in checked ? valueError(checked.error) : null;
    },
  },
  fieldBeforeValidators: {
    // OverviewMetrics: a boolean means none.
    "OrganizationFeatureSettingsUpdate.overview_metrics": (value) =>
      typeof value === "boolean" ? null : value,
  },
  itemBeforeValidators: {
    // OrganizationSocialLink's model validator: the platform is the one the URL's host names.
    "OrganizationUpdate.socials": (item) =>
      isObject(item) && typeof item.url === "string" && item.url !== ""
        ? { ...item, platform: detectPlatform(item.url) }
        : item,
  },
};
