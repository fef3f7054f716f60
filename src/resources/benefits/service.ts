/**
 * Benefits of every type, with Polar's creation rules: the body has passed pydantic's validation
 * (the model rules in rules.ts), then BenefitService.user_create
 * (benefit/service.py): the Slack feature flag, each strategy's `validate_properties`, and the
 * visibility rules of models/benefit.py.
 */
import { createHmac } from "node:crypto";
import { emit } from "../../domain/events.js";
import type { Schemas } from "../../domain/wire.js";
import { PolarRequestValidationError, ResourceNotFound } from "../../errors.js";
import { canonicalUuid } from "../../pydantic/uuid.js";
import type { Ctx, Partition } from "../context.js";
import { serializeBenefit, VISIBILITY_CONFIGURABLE } from "./serialize.js";
import type { BenefitRecord, BenefitType } from "./table.js";

export type BenefitCreateBody = Schemas["BenefitCreate"];
type Visibility = BenefitRecord["visibility"];

/** A new organization has Slack shared channels off (OrganizationFeatureSettings). */
const SLACK_BENEFIT_ENABLED = false;

/**
 * Discord guild tokens are JWTs Polar signs (kit/jwt.py: HS256, `type` and `exp` claims). The
 * emulator signs its own with this key; it is no secret, only a shape.
 */
const GUILD_TOKEN_KEY = "polar-emulator-discord-guild-token";
const GUILD_TOKEN_LIFETIME_SECONDS = 15 * 60;

function base64url(data: string | Buffer): string {
  return Buffer.from(data).toString("base64url");
}

function guildToken(guildId: string, now: Date): string {
  const header = base64url(JSON.stringify({ alg: "HS256", typ: "JWT" }));
  const exp = Math.floor(now.getTime() / 1000) + GUILD_TOKEN_LIFETIME_SECONDS;
  const payload = base64url(JSON.stringify({ guild_id: guildId, type: "discord_guild_token", exp }));
  const signature = createHmac("sha256", GUILD_TOKEN_KEY).update(`${header}.${payload}`).digest("base64url");
  return `${header}.${payload}.${signature}`;
}

/**
 * The guild id a guild token stands for. Polar checks the token's signature with its own secret
 * (Discord's OAuth flow issues it); the emulator accepts any token as given: a JWT's `guild_id`
 * claim when it has one, else the token itself is taken as the guild id.
 */
function guildIdOf(token: string): string {
  const parts = token.split(".");
  if (parts.length === 3) {
    try {
      const claims: unknown = JSON.parse(Buffer.from(parts[1], "base64url").toString("utf8"));
      if (typeof claims === "object" && claims !== null && "guild_id" in claims) {
        const guildId = (claims as { guild_id: unknown }).guild_id;
        if (typeof guildId === "string" || typeof guildId === "number") return String(guildId);
      }
    } catch {
      // Not a JWT after all: the token is the guild id.
    }
  }
  return token;
}

/** `EmptyStrToNone`: stripped, and `""` becomes null. */
function emptyToNull(value: unknown): string | null {
  if (typeof value !== "string") return null;
  const stripped = value.trim();
  return stripped === "" ? null : stripped;
}

/**
 * The stored properties, as each type's public properties schema has them (defaults filled in,
 * UUIDs canonical). External checks Polar makes here (Discord roles, GitHub installations,
 * uploaded files, Slack integrations) have nothing to check against in the emulator.
 */
function normalizedProperties(type: BenefitType, properties: Record<string, unknown>, now: Date) {
  switch (type) {
    case "custom":
      return { note: typeof properties.note === "string" ? properties.note : null };
    case "discord": {
      const guildId = guildIdOf(String(properties.guild_token));
      return {
        guild_id: guildId,
        role_id: properties.role_id,
        kick_member: properties.kick_member,
        guild_token: guildToken(guildId, now),
      };
    }
    case "github_repository":
      return {
        repository_owner: properties.repository_owner,
        repository_name: properties.repository_name,
        permission: properties.permission,
      };
    case "downloadables": {
      const archived = (properties.archived ?? {}) as Record<string, boolean>;
      return {
        archived: Object.fromEntries(Object.entries(archived).map(([id, flag]) => [canonicalUuid(id), flag])),
        files: (properties.files as string[]).map(canonicalUuid),
      };
    }
    case "license_keys": {
      const expires = properties.expires as { ttl: number; timeframe: string } | null | undefined;
      const activations = properties.activations as
        | { limit: number; enable_customer_admin: boolean }
        | null
        | undefined;
      return {
        prefix: emptyToNull(properties.prefix),
        expires: expires ? { ttl: expires.ttl, timeframe: expires.timeframe } : null,
        activations: activations
          ? { limit: activations.limit, enable_customer_admin: activations.enable_customer_admin }
          : null,
        limit_usage: typeof properties.limit_usage === "number" ? properties.limit_usage : null,
      };
    }
    case "meter_credit":
      return {
        units: properties.units,
        rollover: properties.rollover,
        meter_id: canonicalUuid(String(properties.meter_id)),
      };
    case "feature_flag":
      return {};
    case "slack_shared_channel":
      return {
        slack_integration_id: canonicalUuid(String(properties.slack_integration_id)),
        channel_name_template: properties.channel_name_template,
        private: properties.private ?? true,
        welcome_message: properties.welcome_message ?? null,
        archive_on_revoke: properties.archive_on_revoke ?? true,
        team_invitees: [...((properties.team_invitees as string[] | undefined) ?? [])],
      };
  }
}

/** `BenefitType.resolve_visibility` (models/benefit.py). */
function resolveVisibility(type: BenefitType, visibility: Visibility | null): Visibility {
  if (!VISIBILITY_CONFIGURABLE.has(type)) return "public";
  return visibility ?? (type === "feature_flag" ? "private" : "public");
}

function strategyProblem(
  partition: Partition,
  type: BenefitType,
  properties: Record<string, unknown>,
): PolarRequestValidationError | null {
  if (type === "meter_credit") {
    const meterId = properties.meter_id as string;
    if (!partition.meters.has(meterId)) {
      return new PolarRequestValidationError([
        {
          type: "value_error",
          loc: ["body", "properties", "meter_id"],
          msg: "This meter does not exist.",
          input: meterId,
        },
      ]);
    }
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
  const properties = normalizedProperties(input.type, input.properties, now);
  const refused = strategyProblem(partition, input.type, properties);
  if (refused) throw refused;

  const visibility = input.visibility ?? null;
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

  const benefit: BenefitRecord = {
    id: options.id ?? ctx.random.uuid(),
    organization_id: organizationId,
    created_at: now,
    modified_at: null,
    type: input.type,
    description: input.description,
    selectable: true,
    deletable: true,
    is_deleted: false,
    visibility: resolveVisibility(input.type, visibility),
    metadata: { ...(input.metadata ?? {}) },
    properties,
  };
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
