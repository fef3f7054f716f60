/**
 * Benefits of every type, with Polar's creation rules: the body has passed pydantic's validation
 * (the model rules in rules.ts), then BenefitService.user_create
 * (benefit/service.py): the Slack feature flag, each strategy's `validate_properties`, and the
 * visibility rules of models/benefit.py.
 */
import { emit } from "../../domain/events.js";
import type { Schemas } from "../../domain/wire.js";
import { PolarRequestValidationError, ResourceNotFound } from "../../errors.js";
import { canonicalUuid } from "../../pydantic/uuid.js";
import type { Ctx, Partition } from "../context.js";
import { serializeBenefit, VISIBILITY_CONFIGURABLE } from "./serialize.js";
import type { BenefitProperties, BenefitRecord, BenefitType } from "./table.js";

export type BenefitCreateBody = Schemas["BenefitCreate"];
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
 * The benefit with its stored properties, as each type's public properties schema has them
 * (defaults filled in, UUIDs canonical). External checks Polar makes here (Discord roles, GitHub
 * installations, uploaded files, Slack integrations) have nothing to check against in the emulator.
 */
function benefitOf(input: BenefitCreateBody, fields: Fields): BenefitRecord {
  switch (input.type) {
    case "custom":
      return assemble(fields, "custom", { note: input.properties.note ?? null });
    case "discord": {
      const { guild_id, role_id, kick_member } = input.properties;
      return assemble(fields, "discord", { guild_id, role_id, kick_member });
    }
    case "github_repository": {
      const { repository_owner, repository_name, permission } = input.properties;
      return assemble(fields, "github_repository", { repository_owner, repository_name, permission });
    }
    case "downloadables": {
      const archived = input.properties.archived ?? {};
      return assemble(fields, "downloadables", {
        archived: Object.fromEntries(Object.entries(archived).map(([id, flag]) => [canonicalUuid(id), flag])),
        files: input.properties.files.map(canonicalUuid),
      });
    }
    case "license_keys": {
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
      const { units, rollover, meter_id } = input.properties;
      return assemble(fields, "meter_credit", { units, rollover, meter_id: canonicalUuid(meter_id) });
    }
    case "feature_flag":
      return assemble(fields, "feature_flag", {});
    case "slack_shared_channel": {
      const properties = input.properties;
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
  const refused = strategyProblem(partition, benefit);
  if (refused) throw refused;
  if (!VISIBILITY_CONFIGURABLE.has(input.type) && visibility !== null && visibility !== "public") {
    throw new PolarRequestValidationError([
      {
        type: "value_error",
        loc: ["body", "visibility"],
        msg: "Visibility is not configurable for this benefit type and must be public.",
        input: visibility,
      },
    ]);
  }

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
