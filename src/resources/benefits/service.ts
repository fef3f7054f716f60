/**
 * Benefits of every type, with Polar's creation rules: the body has passed pydantic's validation
 * (the model rules in rules.ts), then BenefitService.user_create
 * (benefit/service.py): the Slack feature flag, each strategy's `validate_properties`, and the
 * visibility rules of models/benefit.py.
 */
import { emit } from "../../domain/events.js";
import type { Schemas } from "../../domain/wire.js";
import { NotPermitted, PolarRequestValidationError, ResourceNotFound } from "../../errors.js";
import { pythonDeepEquals } from "../../pydantic/scalars.js";
import { canonicalUuid } from "../../pydantic/uuid.js";
import type { Ctx, Partition } from "../context.js";
import { revokeGrant, updateGrant } from "../grants/service.js";
import { refuseGitHubWithOrganizationToken } from "./rules.js";
import { serializeBenefit, VISIBILITY_CONFIGURABLE } from "./serialize.js";
import type { BenefitProperties, BenefitRecord, BenefitType } from "./table.js";

export type BenefitCreateBody = Schemas["BenefitCreate"];
/** `BenefitUpdate`: a smart union of one update model per type, told apart by `type`. */
export type BenefitUpdateBody =
  | Schemas["BenefitCustomUpdate"]
  | Schemas["BenefitDiscordUpdate"]
  | Schemas["BenefitGitHubRepositoryUpdate"]
  | Schemas["BenefitDownloadablesUpdate"]
  | Schemas["BenefitLicenseKeysUpdate"]
  | Schemas["BenefitMeterCreditUpdate"]
  | Schemas["BenefitFeatureFlagUpdate"]
  | Schemas["BenefitSlackSharedChannelUpdate"];
type Visibility = BenefitRecord["visibility"];

/** A new organization has Slack shared channels off (OrganizationFeatureSettings). */
const SLACK_BENEFIT_ENABLED = false;

/** `EmptyStrToNone`: stripped, and `""` becomes null. */
function emptyToNull(value: unknown): string | null {
  if (typeof value !== "string") return null;
  const stripped = value.trim();
  return stripped === "" ? null : stripped;
}

type Fields = Omit<BenefitRecord, "type" | "properties">;

/**
 * The benefit with the properties of a create or update body stored as each type's public
 * properties schema has them (defaults filled in, UUIDs canonical); null when an update sends no
 * properties. External checks Polar makes here (Discord roles, GitHub installations, uploaded
 * files, Slack integrations) have nothing to check against in the emulator.
 */
function benefitOf(input: BenefitCreateBody | BenefitUpdateBody, fields: Fields): BenefitRecord | null {
  switch (input.type) {
    case "custom":
      return input.properties ? assemble(fields, "custom", { note: input.properties.note ?? null }) : null;
    case "discord": {
      if (!input.properties) return null;
      const { guild_id, role_id, kick_member } = input.properties;
      return assemble(fields, "discord", { guild_id, role_id, kick_member });
    }
    case "github_repository": {
      if (!input.properties) return null;
      const { repository_owner, repository_name, permission } = input.properties;
      return assemble(fields, "github_repository", { repository_owner, repository_name, permission });
    }
    case "downloadables": {
      if (!input.properties) return null;
      const archived = input.properties.archived ?? {};
      return assemble(fields, "downloadables", {
        archived: Object.fromEntries(Object.entries(archived).map(([id, flag]) => [canonicalUuid(id), flag])),
        files: input.properties.files.map(canonicalUuid),
      });
    }
    case "license_keys": {
      if (!input.properties) return null;
      const { expires, activations, limit_usage } = input.properties;
      return assemble(fields, "license_keys", {
        prefix: emptyToNull(input.properties.prefix),
        expires: expires ? { ttl: expires.ttl, timeframe: expires.timeframe } : null,
        activations: activations
          ? { limit: activations.limit, enable_customer_admin: activations.enable_customer_admin }
          : null,
        limit_usage: limit_usage ?? null,
      });
    }
    case "meter_credit": {
      if (!input.properties) return null;
      const { units, rollover, meter_id } = input.properties;
      return assemble(fields, "meter_credit", { units, rollover, meter_id: canonicalUuid(meter_id) });
    }
    case "feature_flag":
      return input.properties ? assemble(fields, "feature_flag", {}) : null;
    case "slack_shared_channel": {
      const properties = input.properties;
      if (!properties) return null;
      return assemble(fields, "slack_shared_channel", {
        slack_integration_id: canonicalUuid(properties.slack_integration_id),
        channel_name_template: properties.channel_name_template,
        private: properties.private ?? true,
        welcome_message: properties.welcome_message ?? null,
        archive_on_revoke: properties.archive_on_revoke ?? true,
        team_invitees: [...(properties.team_invitees ?? [])],
      });
    }
  }
}

/** The record, keys in the store's order (a snapshot writes them so). */
function assemble<T extends BenefitType>(fields: Fields, type: T, properties: BenefitProperties<T>) {
  const { id, organization_id, created_at, modified_at, ...rest } = fields;
  return { id, organization_id, created_at, modified_at, type, ...rest, properties };
}

/** `BenefitType.resolve_visibility` (models/benefit.py). */
function resolveVisibility(type: BenefitType, visibility: Visibility | null): Visibility {
  if (!VISIBILITY_CONFIGURABLE.has(type)) return "public";
  return visibility ?? (type === "feature_flag" ? "private" : "public");
}

/** Types whose visibility is not configurable take `public` or nothing. */
function refuseVisibility(type: BenefitType, visibility: Visibility | null): void {
  if (VISIBILITY_CONFIGURABLE.has(type) || visibility === null || visibility === "public") return;
  throw new PolarRequestValidationError([
    {
      type: "value_error",
      loc: ["body", "visibility"],
      msg: "Visibility is not configurable for this benefit type and must be public.",
      input: visibility,
    },
  ]);
}

/** What a benefit type's strategy refuses (`validate_properties`): a meter credit needs a meter the organization has. */
function strategyProblem(partition: Partition, benefit: BenefitRecord): PolarRequestValidationError | null {
  if (benefit.type === "meter_credit" && !partition.meters.has(benefit.properties.meter_id)) {
    return new PolarRequestValidationError([
      {
        type: "value_error",
        loc: ["body", "properties", "meter_id"],
        msg: "This meter does not exist.",
        input: benefit.properties.meter_id,
      },
    ]);
  }
  return null;
}

/** Creates a benefit (with `options.id` when a fixture fixes it) and emits `benefit.created`. */
export function createBenefit(
  ctx: Ctx,
  organizationId: string,
  body: BenefitCreateBody,
  options: { id?: string } = {},
): BenefitRecord {
  const partition = ctx.store.partition(organizationId);
  const input = body;

  if (input.type === "slack_shared_channel" && !SLACK_BENEFIT_ENABLED) {
    throw new PolarRequestValidationError([
      {
        type: "value_error",
        loc: ["body", "type"],
        msg: "Slack shared channel benefit is not enabled for this organization.",
        input: input.type,
      },
    ]);
  }

  const now = ctx.clock.now();
  const visibility = input.visibility ?? null;
  const fields: Fields = {
    id: "",
    organization_id: organizationId,
    created_at: now,
    modified_at: null,
    description: input.description,
    selectable: true,
    deletable: true,
    is_deleted: false,
    visibility: resolveVisibility(input.type, visibility),
    metadata: { ...(input.metadata ?? {}) },
  };
  const benefit = benefitOf(input, fields);
  if (benefit === null) throw new Error("[polar-emulator] a benefit create body always has properties");
  const refused = strategyProblem(partition, benefit);
  if (refused) throw refused;
  refuseVisibility(input.type, visibility);

  benefit.id = options.id ?? ctx.random.uuid();
  partition.benefits.insert(benefit);
  emit(ctx, "benefit.created", { organizationId, customerId: null, subjectId: benefit.id }, () =>
    serializeBenefit(benefit),
  );
  return benefit;
}

/** A (not deleted) benefit of the organization by id, or 404. */
export function getBenefit(ctx: Ctx, organizationId: string, id: string): BenefitRecord {
  const benefit = ctx.store.partitions.get(organizationId)?.benefits.live(canonicalUuid(id));
  if (!benefit) throw new ResourceNotFound();
  return benefit;
}

/**
 * Whether a change of properties reaches the benefit's grants (each strategy's
 * `requires_update`): a Discord guild or role, a GitHub repository or permission, the active
 * files, a license key's expiry, activations or usage limit, the Slack invitees.
 */
function grantsFollow(previous: BenefitRecord, next: BenefitRecord): boolean {
  const differ = (a: unknown, b: unknown) => !pythonDeepEquals(a ?? null, b ?? null);
  switch (next.type) {
    case "discord":
      return (
        previous.type !== "discord" ||
        differ(next.properties.guild_id, previous.properties.guild_id) ||
        differ(next.properties.role_id, previous.properties.role_id)
      );
    case "github_repository": {
      if (previous.type !== "github_repository") return true;
      const keys = ["repository_owner", "repository_name", "permission"] as const;
      return keys.some((key) => differ(next.properties[key], previous.properties[key]));
    }
    case "downloadables": {
      if (previous.type !== "downloadables") return true;
      const active = (benefit: typeof next) =>
        new Set(benefit.properties.files.filter((file) => !benefit.properties.archived[file]));
      const [before, after] = [active(previous), active(next)];
      return before.size !== after.size || [...after].some((file) => !before.has(file));
    }
    case "license_keys": {
      if (previous.type !== "license_keys") return true;
      const keys = ["expires", "activations", "limit_usage"] as const;
      return keys.some((key) => differ(next.properties[key], previous.properties[key]));
    }
    case "slack_shared_channel": {
      if (previous.type !== "slack_shared_channel") return true;
      const before = new Set(previous.properties.team_invitees ?? []);
      const after = new Set(next.properties.team_invitees ?? []);
      return before.size !== after.size || [...after].some((invitee) => !before.has(invitee));
    }
    default:
      return false;
  }
}

/**
 * Applies a partial update (BenefitService.update): the type never changes, a visibility is
 * resolved as on create, and properties are checked by the type's strategy as on create. Each
 * field sent is set; `modified_at` moves only when a column changed. `benefit.updated` is sent,
 * then, when the change reaches the grants (`grantsFollow`), each granted grant is granted again
 * with the new properties: `benefit_grant.updated` and `customer.state_changed` for each.
 *
 * Polar builds the webhook's payload before its session flushes the change, unless looking up
 * the grants to update flushed it first: `benefit.updated` shows the previous `modified_at`
 * unless the grants follow. A `null` description would set a NOT NULL column (a 500 in Polar):
 * the emulator leaves it as it is.
 */
export function updateBenefit(ctx: Ctx, benefit: BenefitRecord, body: BenefitUpdateBody): BenefitRecord {
  const partition = ctx.store.partition(benefit.organization_id);
  if (body.type !== benefit.type) {
    throw new PolarRequestValidationError([
      {
        type: "value_error",
        loc: ["body", "type"],
        msg: "Benefit type cannot be changed.",
        input: benefit.type,
      },
    ]);
  }
  // Only the update models of the types that configure it have the field; others ignore the key.
  let visibility = benefit.visibility;
  if (VISIBILITY_CONFIGURABLE.has(body.type) && "visibility" in body && body.visibility !== undefined) {
    refuseVisibility(benefit.type, body.visibility);
    visibility = resolveVisibility(benefit.type, body.visibility);
  }
  const now = ctx.clock.now();
  const description = typeof body.description === "string" ? body.description : benefit.description;
  const metadata = body.metadata === undefined ? benefit.metadata : { ...body.metadata };
  const { type: _type, properties: _properties, ...kept } = benefit;
  const fields: Fields = { ...kept, description, visibility, metadata };
  refuseGitHubWithOrganizationToken(body);
  const next = benefitOf(body, fields) ?? { ...benefit, description, visibility, metadata };
  const refused = strategyProblem(partition, next);
  if (refused) throw refused;

  const changed =
    next.description !== benefit.description ||
    next.visibility !== benefit.visibility ||
    !pythonDeepEquals(next.metadata, benefit.metadata) ||
    !pythonDeepEquals(next.properties, benefit.properties);
  const follow = grantsFollow(benefit, next);
  const shownModifiedAt = follow && changed ? now : benefit.modified_at;
  Object.assign(benefit, next, { modified_at: changed ? now : benefit.modified_at });
  const subject = { organizationId: benefit.organization_id, customerId: null, subjectId: benefit.id };
  emit(ctx, "benefit.updated", subject, () => serializeBenefit({ ...benefit, modified_at: shownModifiedAt }));
  if (follow) {
    for (const grant of partition.grants.values()) {
      if (grant.benefit_id === benefit.id && grant.granted_at !== null) updateGrant(ctx, grant);
    }
  }
  return benefit;
}

/**
 * Deletes a benefit (BenefitService.delete, softly): a benefit that is not deletable is a 403.
 * It leaves the products that had it and answers 404 from then on; `benefit.updated` shows it
 * deleted; then every grant of it still granted is revoked (`benefit_grant.revoked`, then
 * `customer.state_changed`), as Polar's `benefit.delete` job does.
 */
export function deleteBenefit(ctx: Ctx, benefit: BenefitRecord): void {
  if (!benefit.deletable) throw new NotPermitted();
  const partition = ctx.store.partition(benefit.organization_id);
  benefit.is_deleted = true;
  benefit.modified_at = ctx.clock.now();
  for (const product of partition.products.values()) {
    if (product.benefit_ids.includes(benefit.id))
      product.benefit_ids = product.benefit_ids.filter((id) => id !== benefit.id);
  }
  const subject = { organizationId: benefit.organization_id, customerId: null, subjectId: benefit.id };
  emit(ctx, "benefit.updated", subject, () => serializeBenefit(benefit));
  for (const grant of partition.grants.values()) {
    if (grant.benefit_id === benefit.id && grant.granted_at !== null) revokeGrant(ctx, grant);
  }
}
