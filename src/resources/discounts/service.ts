/**
 * Discounts with Polar's rules (discount/service.py): the body has passed pydantic's validation
 * (the model rules in rules.ts), then the service checks the code is free in the organization and
 * the products are the organization's, and each change sends its webhook (`discount.created`,
 * `discount.updated`, `discount.deleted`) with the discount as `data`.
 */

import { emit } from "../../domain/events.js";
import { jsonbOrdered } from "../../domain/jsonb.js";
import type { Schemas } from "../../domain/wire.js";
import { PolarRequestValidationError, ResourceNotFound, type ValidationDetail } from "../../errors.js";
import { laxDatetime } from "../../pydantic/lax.js";
import { pythonDeepEquals, pythonEquals } from "../../pydantic/scalars.js";
import { canonicalUuid } from "../../pydantic/uuid.js";
import type { Ctx, Partition } from "../context.js";
import { DEFAULT_PRESENTMENT_CURRENCY } from "../products/prices.js";
import { emptyStrToNone } from "./rules.js";
import { legacyAmount, serializeDiscount } from "./serialize.js";
import { codeKey, type DiscountAmounts, type DiscountRecord } from "./table.js";

export type DiscountCreateBody = Schemas["DiscountCreate"];
export type DiscountUpdateBody = Schemas["DiscountUpdate"];

function refuse(detail: Omit<ValidationDetail, "ctx">): never {
  throw new PolarRequestValidationError([detail]);
}

/** A validated datetime (an ISO string the walker handed on) as a Date; null stays null. */
function dateOf(value: string | null | undefined): Date | null {
  if (value === null || value === undefined) return null;
  const parsed = laxDatetime(value);
  return "epochMs" in parsed ? new Date(parsed.epochMs) : null;
}

/** An amounts map in the order jsonb keeps an object's keys: shorter first, then bytewise. */
export function jsonbOrder(amounts: DiscountAmounts): DiscountAmounts {
  return jsonbOrdered(amounts);
}

/** Python's `==` between two amounts maps (or None). */
function sameAmounts(a: DiscountAmounts | null | undefined, b: DiscountAmounts | null | undefined): boolean {
  return pythonDeepEquals(a ?? null, b ?? null);
}

/** `_assert_code_available`: no other live discount of the organization has the code, whatever its case. */
function assertCodeAvailable(partition: Partition, code: string, self?: DiscountRecord): void {
  const existing = partition.discounts.byCode.get(codeKey(code));
  if (existing && existing !== self)
    refuse({
      type: "value_error",
      loc: ["body", "code"],
      msg: "Discount with this code already exists.",
      input: code,
    });
}

/**
 * The products a discount applies to: each must be one of the organization's (archived ones
 * too), the first that is not is refused by its index. Polar inserts one row per id, so a
 * repeated id fails on the primary key there (a 500); the emulator keeps it once.
 */
function productIdsOf(partition: Partition, ids: readonly string[]): string[] {
  const found: string[] = [];
  ids.forEach((raw, index) => {
    const id = canonicalUuid(raw);
    if (!partition.products.has(id))
      refuse({ type: "value_error", loc: ["body", "products", index], msg: "Product not found.", input: id });
    if (!found.includes(id)) found.push(id);
  });
  return found;
}

/**
 * The amounts of a fixed discount as sent, in the order sent: `amounts`, or the deprecated
 * `amount` in `currency` (`usd` when left out); undefined for a percentage discount. Polar stores
 * no amounts at all for an `amount` with `currency: null` and then fails to show the discount (a
 * 500); the emulator takes the default currency.
 */
export function amountsAsSent(body: DiscountCreateBody): DiscountAmounts | undefined {
  if (body.type === "percentage") return undefined;
  if (body.amount !== null && body.amount !== undefined)
    return { [body.currency ?? DEFAULT_PRESENTMENT_CURRENCY]: body.amount };
  return { ...(body.amounts ?? {}) };
}

/** Creates a discount (with `options.id` when a fixture fixes it) and sends `discount.created`. */
export function createDiscount(
  ctx: Ctx,
  organizationId: string,
  body: DiscountCreateBody,
  options: { id?: string } = {},
): DiscountRecord {
  const partition = ctx.store.partition(organizationId);
  const code = emptyStrToNone(body.code);
  if (code !== null) assertCodeAvailable(partition, code);
  const productIds = body.products ? productIdsOf(partition, body.products) : [];

  const fields = {
    id: options.id ?? ctx.random.uuid(),
    organization_id: organizationId,
    created_at: ctx.clock.now(),
    modified_at: null,
    deleted_at: null,
    name: body.name,
    code,
    starts_at: dateOf(body.starts_at),
    ends_at: dateOf(body.ends_at),
    max_redemptions: body.max_redemptions ?? null,
    max_redemptions_per_customer: body.max_redemptions_per_customer ?? null,
    duration: body.duration,
    duration_in_months: body.duration_in_months ?? null,
    redemptions_count: 0,
    metadata: { ...(body.metadata ?? {}) },
    product_ids: productIds,
  };
  const discount: DiscountRecord =
    body.type === "percentage"
      ? { ...fields, type: "percentage", basis_points: body.basis_points }
      : { ...fields, type: "fixed", amounts: jsonbOrder(amountsAsSent(body) ?? {}) };
  partition.discounts.insert(discount);
  // The webhook (like the answer) shows the objects still in memory: amounts in the order sent.
  emit(ctx, "discount.created", { organizationId, customerId: null, subjectId: discount.id }, () =>
    serializeDiscount(partition, discount, { amounts: amountsAsSent(body) }),
  );
  return discount;
}

/** A (not deleted) discount of the organization by id, or 404. */
export function getDiscount(ctx: Ctx, organizationId: string, id: string): DiscountRecord {
  const discount = ctx.store.partitions.get(organizationId)?.discounts.live(canonicalUuid(id));
  if (!discount) throw new ResourceNotFound();
  return discount;
}

/** What `getattr(discount, field)` reads for the fields a redeemed discount keeps. */
function currentValue(discount: DiscountRecord, field: string): unknown {
  if (discount.type === "fixed") {
    if (field === "amount" || field === "currency") return legacyAmount(discount.amounts)[field];
    if (field === "amounts") return { ...discount.amounts };
  } else if (field === "basis_points") {
    return discount.basis_points;
  }
  return discount.duration_in_months;
}

/** Fields a discount that was redeemed keeps, in the order they are checked. */
const FROZEN_WHEN_REDEEMED = {
  fixed: ["amount", "currency", "amounts", "duration_in_months"],
  percentage: ["basis_points", "duration_in_months"],
} as const;

/**
 * Applies a partial update (DiscountService.update): the checks first, in Polar's order (duration
 * and type never change, the code stays unique, a redeemed discount keeps its amounts and months,
 * the products are the organization's), then each field sent whose value differs. `modified_at`
 * moves only when a column changed (a new product list is another table); `discount.updated` is
 * sent either way.
 *
 * Values Polar cannot store or show end in a 500 there; the emulator leaves those fields as they
 * are: `null` for `name`, `type`, `amounts`, `basis_points` or a repeating discount's
 * `duration_in_months`, and `amount` or `currency` without the other (or an `amount` of 0).
 */
export function updateDiscount(ctx: Ctx, discount: DiscountRecord, body: DiscountUpdateBody): DiscountRecord {
  const partition = ctx.store.partition(discount.organization_id);
  const sent = (field: keyof DiscountUpdateBody): boolean => Object.hasOwn(body, field);

  if (sent("duration") && body.duration !== discount.duration)
    refuse({
      type: "value_error",
      loc: ["body", "duration"],
      msg: "Duration cannot be changed.",
      input: body.duration ?? null,
    });
  if (body.type !== undefined && body.type !== null && body.type !== discount.type)
    refuse({ type: "value_error", loc: ["body", "type"], msg: "Type cannot be changed.", input: body.type });
  const code = sent("code") ? emptyStrToNone(body.code) : undefined;
  if (code) assertCodeAvailable(partition, code, discount);
  if (discount.redemptions_count > 0) {
    for (const field of FROZEN_WHEN_REDEEMED[discount.type]) {
      if (!sent(field)) continue;
      const current = currentValue(discount, field);
      const value = body[field] ?? null;
      const same =
        field === "amounts"
          ? sameAmounts(body.amounts, discount.type === "fixed" ? discount.amounts : null)
          : pythonEquals(value, current);
      if (!same)
        refuse({
          type: "value_error",
          loc: ["body", field],
          msg: "This field cannot be changed because the discount has already been redeemed.",
          input: current ?? null,
        });
    }
  }
  const productIds = body.products ? productIdsOf(partition, body.products) : undefined;

  let changed = false;
  const codeBefore = discount.code;
  if (body.metadata !== undefined && !pythonDeepEquals(body.metadata, discount.metadata)) {
    discount.metadata = { ...body.metadata };
    changed = true;
  }
  if (typeof body.name === "string" && body.name !== discount.name) {
    discount.name = body.name;
    changed = true;
  }
  if (code !== undefined && code !== discount.code) {
    discount.code = code;
    changed = true;
  }
  for (const field of ["starts_at", "ends_at"] as const) {
    if (!sent(field)) continue;
    const value = dateOf(body[field]);
    if (value?.getTime() !== discount[field]?.getTime()) {
      discount[field] = value;
      changed = true;
    }
  }
  for (const field of ["max_redemptions", "max_redemptions_per_customer"] as const) {
    if (!sent(field)) continue;
    const value = body[field] ?? null;
    if (value !== discount[field]) {
      discount[field] = value;
      changed = true;
    }
  }
  if (sent("duration_in_months")) {
    const months = body.duration_in_months ?? null;
    const shown = discount.duration === "repeating";
    if (months !== discount.duration_in_months && !(shown && months === null)) {
      discount.duration_in_months = months;
      changed = true;
    }
  }
  if (discount.type === "fixed") {
    const { amount, currency } = body;
    let amounts = body.amounts;
    if (amount && currency) amounts = { [currency]: amount };
    if (amounts !== undefined && amounts !== null && !sameAmounts(amounts, discount.amounts)) {
      discount.amounts = jsonbOrder(amounts);
      changed = true;
    }
  } else if (typeof body.basis_points === "number" && body.basis_points !== discount.basis_points) {
    discount.basis_points = body.basis_points;
    changed = true;
  }
  if (productIds !== undefined) discount.product_ids = productIds;

  if (changed) discount.modified_at = ctx.clock.now();
  if (discount.code !== codeBefore) partition.discounts.reindex(discount, codeBefore);
  emit(
    ctx,
    "discount.updated",
    { organizationId: discount.organization_id, customerId: null, subjectId: discount.id },
    () => serializeDiscount(partition, discount),
  );
  return discount;
}

/**
 * Deletes a discount (softly: `deleted_at`), which then answers 404 and leaves lists, and frees
 * its code. `discount.deleted` shows it as it was read, before the row's update stamps
 * `modified_at`.
 */
export function deleteDiscount(ctx: Ctx, discount: DiscountRecord): void {
  const partition = ctx.store.partition(discount.organization_id);
  const now = ctx.clock.now();
  discount.deleted_at = now;
  emit(
    ctx,
    "discount.deleted",
    { organizationId: discount.organization_id, customerId: null, subjectId: discount.id },
    () => serializeDiscount(partition, discount),
  );
  discount.modified_at = now;
  partition.discounts.reindex(discount, discount.code);
}
