/**
 * Products and their prices, with ProductService's rules (product/service.py): the body has passed
 * pydantic's validation (the model rules in rules.ts), then the prices are checked together
 * (prices.ts) and the product is created, or its benefits replaced.
 */
import { emit } from "../../domain/events.js";
import type { Schemas } from "../../domain/wire.js";
import { PolarRequestValidationError, ResourceNotFound, type ValidationDetail } from "../../errors.js";
import { pythonDeepEquals } from "../../pydantic/scalars.js";
import { canonicalUuid } from "../../pydantic/uuid.js";
import type { Ctx, Partition } from "../context.js";
import { type ProductCreateBody, sentUnitAmounts, validatedPrices } from "./prices.js";
import { productDescription, productName } from "./rules.js";
import {
  type PriceWire,
  type ProductWire,
  serializePrice,
  serializeProduct,
  serializeProductWithPrices,
} from "./serialize.js";
import type { ProductRecord } from "./table.js";

export type ProductUpdateBody = Schemas["ProductUpdate"];
type Detail = Omit<ValidationDetail, "ctx">;

/** Separate meter cycling is off for a new organization (OrganizationFeatureSettings). */
const METER_CYCLING_ENABLED = false;

/** ProductCreateRecurring, as `_product_create_discriminator` tells them apart. */
function isRecurring(body: ProductCreateBody): body is Schemas["ProductCreateRecurring"] {
  return body.recurring_interval !== undefined && body.recurring_interval !== null;
}

/** Custom fields have no API in the emulator, so none exists and every attachment is refused. */
function customFieldErrors(fields: Schemas["AttachedCustomFieldCreate"][] | null | undefined): Detail[] {
  return (fields ?? []).map((field, order) => ({
    type: "value_error",
    loc: ["body", "attached_custom_fields", order],
    msg: "Custom field does not exist.",
    input: canonicalUuid(field.custom_field_id),
  }));
}

/** Creates a product (with `options.id` when a fixture fixes it) and emits `product.created`. */
export function createProduct(
  ctx: Ctx,
  organizationId: string,
  body: ProductCreateBody,
  options: { id?: string } = {},
): ProductRecord {
  const partition = ctx.store.partition(organizationId);
  const input = body;
  const recurring = isRecurring(input) ? input : undefined;
  const recurringInterval = recurring?.recurring_interval ?? null;

  const now = ctx.clock.now();
  const { prices, errors } = validatedPrices(partition, input.prices, recurringInterval !== null, now);

  const meterInterval = recurringInterval !== null ? (recurring?.meter_interval ?? null) : null;
  if (meterInterval !== null && !METER_CYCLING_ENABLED) {
    errors.push({
      type: "value_error",
      loc: ["body", "meter_interval"],
      msg: "Separate meter cycling is not enabled for this organization.",
      input: meterInterval,
    });
  }
  // `medias` name uploaded files, which the emulator does not hold: accepted as given, not shown.
  errors.push(...customFieldErrors(input.attached_custom_fields));
  if (errors.length > 0) throw new PolarRequestValidationError(errors);

  const id = options.id ?? ctx.random.uuid();
  for (const price of prices) {
    price.id = ctx.random.uuid();
    price.product_id = id;
  }
  const product: ProductRecord = {
    id,
    organization_id: organizationId,
    created_at: now,
    modified_at: null,
    name: productName(input.name),
    description: productDescription(input.description),
    visibility: input.visibility ?? "public",
    recurring_interval: recurringInterval,
    recurring_interval_count: recurringInterval !== null ? (input.recurring_interval_count ?? 1) : null,
    trial_interval: recurringInterval !== null ? (recurring?.trial_interval ?? null) : null,
    trial_interval_count: recurringInterval !== null ? (recurring?.trial_interval_count ?? null) : null,
    meter_interval: meterInterval,
    meter_interval_count: meterInterval !== null ? (recurring?.meter_interval_count ?? 1) : null,
    is_archived: false,
    metadata: { ...(input.metadata ?? {}) },
    prices,
    benefit_ids: [],
  };
  partition.products.insert(product);
  emit(ctx, "product.created", { organizationId, customerId: null, subjectId: product.id }, () =>
    serializeCreatedProduct(partition, product),
  );
  return product;
}

/**
 * The product as the create call answers it: Polar returns the objects it just built, so the
 * prices keep the order they were sent in and metered unit amounts the form they were sent in
 * (a later read gives the database's order and twelve decimal places).
 */
export function serializeCreatedProduct(partition: Partition, product: ProductRecord): ProductWire {
  const prices = product.prices.map((price): PriceWire => {
    const wire = serializePrice(partition, price);
    const sent = sentUnitAmounts.get(price);
    return sent !== undefined && wire.amount_type === "metered_unit" ? { ...wire, unit_amount: sent } : wire;
  });
  return serializeProductWithPrices(partition, product, prices);
}

/**
 * Replaces the benefits attached to a product (ids of the same organization) and emits
 * `product.updated`, with ProductService.update_benefits' checks. Only the association changes,
 * so the product's own row, and its `modified_at`, stay as they were.
 */
export function setProductBenefits(ctx: Ctx, product: ProductRecord, benefitIds: string[]): ProductRecord {
  const partition = ctx.store.partition(product.organization_id);
  const previous = new Set(product.benefit_ids);
  const next: string[] = [];
  benefitIds.forEach((rawId, order) => {
    const id = canonicalUuid(rawId);
    const benefit = partition.benefits.get(id);
    const refuse = (msg: string): never => {
      throw new PolarRequestValidationError([
        { type: "value_error", loc: ["body", "benefits", order], msg, input: id },
      ]);
    };
    if (!benefit || benefit.is_deleted) refuse("Benefit does not exist.");
    else if (benefit.organization_id !== product.organization_id) {
      refuse("Benefit must be on the same organization as the product.");
    } else if (!benefit.selectable && !previous.has(id)) refuse("Benefit is not selectable.");
    // The association's primary key is (product, benefit): a repeated id is kept once.
    if (!next.includes(id)) next.push(id);
  });
  for (const id of previous) {
    const benefit = partition.benefits.get(id);
    if (!next.includes(id) && benefit && !benefit.selectable) {
      throw new PolarRequestValidationError([
        { type: "value_error", loc: ["body", "benefits"], msg: "Benefit is not selectable.", input: id },
      ]);
    }
  }
  product.benefit_ids = next;
  emit(
    ctx,
    "product.updated",
    { organizationId: product.organization_id, customerId: null, subjectId: product.id },
    () => serializeProduct(partition, product),
  );
  return product;
}

/** A product of the organization by id, or 404. */
export function getProduct(ctx: Ctx, organizationId: string, id: string): ProductRecord {
  const product = ctx.store.partitions.get(organizationId)?.products.get(canonicalUuid(id));
  if (!product) throw new ResourceNotFound();
  return product;
}

/**
 * Applies a partial update (ProductService.update): every check first, in Polar's order (the
 * prices, a recurring interval that never changes, a trial only on a recurring product, the
 * custom fields), then the fields sent. The product's prices the body does not name are archived
 * and new ones are created; `modified_at` moves only when a column of the product changed (prices
 * are rows of their own); `product.updated` is sent either way.
 *
 * `null` for `name`, `visibility` or `is_archived` would set a NOT NULL column, a 500 in Polar;
 * the emulator leaves those fields as they are. `medias` are accepted as on create.
 */
export function updateProduct(ctx: Ctx, product: ProductRecord, body: ProductUpdateBody): ProductRecord {
  const partition = ctx.store.partition(product.organization_id);
  const sent = (field: keyof ProductUpdateBody): boolean => Object.hasOwn(body, field);
  const now = ctx.clock.now();
  const errors: Detail[] = [];

  const prices =
    body.prices === undefined || body.prices === null
      ? undefined
      : validatedPrices(partition, body.prices, product.recurring_interval !== null, now, product);
  if (prices) errors.push(...prices.errors);

  // Clearing counts as a change too; only a product whose prices are all legacy ones (which the
  // emulator never has) may change it.
  const interval = body.recurring_interval ?? null;
  const count = body.recurring_interval_count ?? null;
  const intervalChanges =
    (interval !== null && interval !== product.recurring_interval) ||
    (count !== null && count !== product.recurring_interval_count) ||
    (sent("recurring_interval") && interval === null && product.recurring_interval !== null) ||
    (sent("recurring_interval_count") && count === null && product.recurring_interval_count !== null);
  const shown = product.prices.filter((price) => !price.is_archived && price.source === "catalog");
  if (intervalChanges && shown.length > 0) {
    errors.push({
      type: "value_error",
      loc: ["body", "recurring_interval"],
      msg: "Recurring interval cannot be changed.",
      input: interval,
    });
  }

  const trialInterval = body.trial_interval ?? null;
  const trialCount = body.trial_interval_count ?? null;
  if ((trialInterval !== null || trialCount !== null) && product.recurring_interval === null) {
    const msg = "Trial configuration is only supported on recurring products.";
    errors.push(
      { type: "value_error", loc: ["body", "trial_interval"], msg, input: trialInterval },
      { type: "value_error", loc: ["body", "trial_interval_count"], msg, input: trialCount },
    );
  }
  if (body.attached_custom_fields !== undefined && body.attached_custom_fields !== null) {
    errors.push(...customFieldErrors(body.attached_custom_fields));
  }
  if (errors.length > 0) throw new PolarRequestValidationError(errors);

  let changed = false;
  const name = typeof body.name === "string" ? productName(body.name) : product.name;
  const description = sent("description") ? productDescription(body.description) : product.description;
  const visibility = body.visibility ?? product.visibility;
  const archived = body.is_archived ?? product.is_archived;
  const trial = {
    trial_interval: sent("trial_interval") ? trialInterval : product.trial_interval,
    trial_interval_count: sent("trial_interval_count") ? trialCount : product.trial_interval_count,
  };
  if (
    name !== product.name ||
    description !== product.description ||
    visibility !== product.visibility ||
    archived !== product.is_archived ||
    trial.trial_interval !== product.trial_interval ||
    trial.trial_interval_count !== product.trial_interval_count
  ) {
    Object.assign(product, { name, description, visibility, is_archived: archived, ...trial });
    changed = true;
  }
  if (body.metadata !== undefined && !pythonDeepEquals(body.metadata, product.metadata)) {
    product.metadata = { ...body.metadata };
    changed = true;
  }
  if (prices) {
    for (const price of shown) {
      if (prices.existing.has(price)) continue;
      price.is_archived = true;
      price.modified_at = now;
    }
    for (const price of prices.added) {
      price.id = ctx.random.uuid();
      price.product_id = product.id;
      product.prices.push(price);
    }
  }
  if (changed) product.modified_at = now;
  emit(
    ctx,
    "product.updated",
    { organizationId: product.organization_id, customerId: null, subjectId: product.id },
    () => serializeProduct(partition, product),
  );
  return product;
}
