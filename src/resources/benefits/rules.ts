/**
 * Polar's benefit models beyond their JSON Schema (benefit/strategies/<type>/schemas.py), applied
 * by the model walker to `BenefitCreate` bodies from the API and from fixtures alike, and the
 * GitHub strategy's refusal of organization tokens.
 */
import { PolarRequestValidationError } from "../../errors.js";
import { valueError } from "../../pydantic/messages.js";
import type { ModelRules } from "../../pydantic/walker.js";
import type { BenefitCreateBody, BenefitUpdateBody } from "./service.js";

const SLACK_ALLOWED =
  "Allowed: {customer_name}, {customer_email_local}, or {metadata.<key>} for customer metadata.";
const SLACK_FIXED = new Set(["customer_name", "customer_email_local"]);
const SLACK_METADATA = /^metadata\.[^{}]+$/;

/** `validate_template` (benefit/strategies/slack_shared_channel/template.py). */
function slackTemplateProblem(template: string): string | null {
  const malformed = (text: string) => `Malformed placeholder: ${text}. ${SLACK_ALLOWED}`;
  let position = 0;
  for (const match of template.matchAll(/\{([^{}]*)\}/g)) {
    const before = template.slice(position, match.index);
    if (/[{}]/.test(before)) return malformed(before);
    const name = match[1];
    if (!/^[\p{L}\p{N}_.]+$/u.test(name) && !SLACK_METADATA.test(name)) return malformed(`{${name}}`);
    if (!SLACK_FIXED.has(name) && !SLACK_METADATA.test(name))
      return `Unknown placeholder: {${name}}. ${SLACK_ALLOWED}`;
    position = (match.index ?? 0) + match[0].length;
  }
  if (/[{}]/.test(template.slice(position))) return malformed(template.slice(position));
  // _render_permissive: rendered for a sample customer, it must leave something to slugify.
  const rendered = template.replace(/\{([^{}]*)\}/g, (_, name: string) =>
    name === "customer_name"
      ? "sample customer"
      : SLACK_FIXED.has(name) || SLACK_METADATA.test(name)
        ? "sample"
        : "",
  );
  if (!/[\p{L}\p{N}]/u.test(rendered))
    return "Template renders to an empty channel name against a sample customer.";
  return null;
}

/** Polar's maximum license key lifetime per timeframe (BenefitLicenseKeyExpirationProperties). */
const LICENSE_KEY_TTL_MAXIMUM: Record<string, number> = { year: 457, month: 1200, day: 36500 };

/** `BenefitUpdate` is a plain union of one model per type, each with `type: Literal[BenefitType.…]`. */
const UPDATE_MODELS = [
  "BenefitCustomUpdate",
  "BenefitDiscordUpdate",
  "BenefitGitHubRepositoryUpdate",
  "BenefitDownloadablesUpdate",
  "BenefitLicenseKeysUpdate",
  "BenefitMeterCreditUpdate",
  "BenefitFeatureFlagUpdate",
  "BenefitSlackSharedChannelUpdate",
];

export const benefitRules: ModelRules = {
  tagEnums: { type: { name: "BenefitType" } },
  literalEnums: Object.fromEntries(UPDATE_MODELS.map((model) => [`${model}.type`, { name: "BenefitType" }])),
  fieldValidators: {
    "BenefitSlackSharedChannelCreateProperties.channel_name_template": (value) => {
      const problem = typeof value === "string" ? slackTemplateProblem(value) : null;
      return problem === null ? null : valueError(problem);
    },
  },
  modelValidators: {
    BenefitLicenseKeyExpirationProperties: (value) => {
      const maximum = LICENSE_KEY_TTL_MAXIMUM[String(value.timeframe)];
      if (typeof value.ttl !== "number" || maximum === undefined || value.ttl <= maximum) return null;
      return valueError(
        `ttl value ${value.ttl} exceeds the maximum of ${maximum} for timeframe '${String(value.timeframe)}'.`,
      );
    },
  },
};

/**
 * The GitHub repository strategy refuses organization tokens before anything else it checks
 * (benefit/strategies/github_repository/service.py `validate_properties`, which creating a
 * benefit and updating its properties call), and every token of the emulator is one. Fixtures
 * can still create such benefits through the service.
 */
export function refuseGitHubWithOrganizationToken(body: BenefitCreateBody | BenefitUpdateBody): void {
  if (body.type !== "github_repository" || !body.properties) return;
  throw new PolarRequestValidationError([
    {
      type: "invalid_auth_subject",
      loc: ["body", "properties", "repository_owner"],
      msg: "We do not yet support creating this benefit with an organization token.",
      input: body.properties.repository_owner,
    },
  ]);
}
