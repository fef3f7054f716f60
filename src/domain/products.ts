/**
 * Products and their prices, with Polar's creation rules: the pydantic validators of
 * product/schemas.py (ProductCreate*, ProductPrice*Create, ProductPriceSeatTiers, kit/trial.py)
 * first, then ProductService.create and get_validated_prices (product/service.py).
 */
import { PolarRequestValidationError, RequestValidationError, ResourceNotFound } from "../errors.js";
import { canonicalUuid } from "../http/uuid.js";
import type {
  OrganizationPartition,
  PriceRecord,
  ProductRecord,
  RecurringInterval,
  SeatTierRecord,
} from "../store/store.js";
import { serializePrice, serializeProduct, serializeProductWithPrices } from "./catalog-serialize.js";
import type { DomainContext } from "./context.js";
import { type PresentmentCurrency, priceAmountProblem } from "./currency.js";
import { type Decimal, decimalProblem, decimalToString, parseDecimal, quantize } from "./decimal.js";
import { emit } from "./events.js";
import type { PriceWire, ProductCreateBody, ProductWire } from "./wire.js";

type Detail = PolarRequestValidationError["details"][number];
type SchemaDetail = RequestValidationError["details"][number];
type Loc = (string | number)[];

/** What a schema-valid create body may hold: fields with a default may be absent. */
interface ProductInput {
  name: string;
  description?: string | null;
  visibility?: ProductRecord["visibility"];
  metadata?: ProductRecord["metadata"];
  prices: PriceInput[];
  medias?: string[] | null;
  attached_custom_fields?: { custom_field_id: string; required: boolean }[];
  organization_id?: string | null;
  recurring_interval?: RecurringInterval | null;
  recurring_interval_count?: number | null;
  trial_interval?: RecurringInterval | null;
  trial_interval_count?: number | null;
  meter_interval?: RecurringInterval | null;
  meter_interval_count?: number | null;
}

interface PriceInputBase {
  price_currency?: PresentmentCurrency;
  tax_behavior?: PriceRecord["tax_behavior"];
}

type PriceInput =
  | (PriceInputBase & { amount_type: "fixed"; price_amount: number })
  | (PriceInputBase & {
      amount_type: "custom";
      minimum_amount?: number;
      maximum_amount?: number | null;
      preset_amount?: number | null;
    })
  | (PriceInputBase & {
      amount_type: "seat_based";
      seat_tiers: {
        seat_tier_type?: "volume" | "graduated";
        tiers: { min_seats: number; max_seats?: number | null; price_per_seat: number }[];
      };
    })
  | (PriceInputBase & {
      amount_type: "metered_unit";
      meter_id: string;
      unit_amount: number | string;
      cap_amount?: number | null;
    });

/** The organization settings Polar reads on create; a new organization has these. */
const DEFAULT_PRESENTMENT_CURRENCY = "usd";
const METER_CYCLING_ENABLED = false;

const NAME_MIN_LENGTH = 3;
const UNIT_AMOUNT = { maxDigits: 17, decimalPlaces: 12 };

/** The unit amounts as they were sent, for the creation answer (before the database rounds them). */
const sentUnitAmounts = new WeakMap<PriceRecord, string>();

// ---------------------------------------------------------------------------------------------
// Seat tiers (product/tiers.py and ProductPriceSeatTiers.validate_tiers)
// ---------------------------------------------------------------------------------------------

interface SharedTier {
  bound: number | null;
  unitAmount: number;
}

interface SeatTiersResult {
  tiers: SeatTierRecord[];
  minimum_seats: number;
  maximum_seats: number | null;
}

/** Null when the tiers are acceptable, else the message of Polar's ValueError. */
function seatTiersProblem(tiers: SeatTierRecord[]): string | null {
  const sorted = [...tiers].sort((a, b) => a.min_seats - b.min_seats);
  for (let index = 0; index + 1 < sorted.length; index++) {
    const current = sorted[index];
    const next = sorted[index + 1];
    if (current.max_seats === null) return "Only the last tier can have unlimited max_seats (None)";
    if (next.min_seats !== current.max_seats + 1) {
      return `Gap or overlap between tiers: tier ending at ${current.max_seats} and tier starting at ${next.min_seats}`;
    }
  }
  const shared = sharedTiers(sorted);
  const bounds = shared.map((tier) => tier.bound);
  for (let index = 0; index + 1 < bounds.length; index++) {
    if (bounds[index] !== null && bounds[index] === bounds[index + 1]) {
      return `Tier max_seats values must be unique, got ${bounds[index]} twice`;
    }
  }
  const minimum = sorted[0].min_seats;
  const maximum = sorted[sorted.length - 1].max_seats;
  const lastBound = shared[shared.length - 1].bound;
  if (lastBound !== null && minimum > lastBound) {
    return `minimum_seats must not exceed the last tier's max_seats, got ${minimum} > ${lastBound}`;
  }
  if (maximum !== null) {
    if (maximum < minimum) return `maximum_seats must be >= minimum_seats, got ${maximum} < ${minimum}`;
    if (lastBound !== null && maximum > lastBound) {
      return `maximum_seats must not exceed the last tier's max_seats, got ${maximum} > ${lastBound}`;
    }
  }
  return null;
}

/** `seat_tiers_to_tiers`: each tier's max_seats becomes a bound; sorted by bound, unbounded last. */
function sharedTiers(sortedBySeats: SeatTierRecord[]): SharedTier[] {
  return sortedBySeats
    .map((tier) => ({ bound: tier.max_seats, unitAmount: tier.price_per_seat }))
    .sort((a, b) => {
      if (a.bound === null || b.bound === null) return a.bound === null ? (b.bound === null ? 0 : 1) : -1;
      return a.bound - b.bound;
    });
}

/** What Polar stores (shared tiers plus unit bounds) read back as seat tiers (`tiers_to_seat_tiers`). */
function storedSeatTiers(tiers: SeatTierRecord[]): SeatTiersResult {
  const sorted = [...tiers].sort((a, b) => a.min_seats - b.min_seats);
  const minimumUnits = sorted[0].min_seats;
  const maximumUnits = sorted[sorted.length - 1].max_seats;
  const shared = sharedTiers(sorted);
  const firstMin = minimumUnits < 1 ? 1 : minimumUnits;
  const lastMax = maximumUnits ?? shared[shared.length - 1].bound;
  const result: SeatTierRecord[] = [];
  let previousBound = 0;
  for (const tier of shared) {
    const start = previousBound + 1;
    const end = tier.bound;
    if (end !== null && end < firstMin) {
      previousBound = end;
      continue;
    }
    if (lastMax !== null && start > lastMax) break;
    const maxSeats = end === null ? lastMax : lastMax === null ? end : Math.min(end, lastMax);
    result.push({
      min_seats: Math.max(firstMin, start),
      max_seats: maxSeats,
      price_per_seat: tier.unitAmount,
    });
    if (end !== null) previousBound = end;
  }
  return {
    tiers: result,
    minimum_seats: result[0]?.min_seats ?? 1,
    maximum_seats: result.length > 0 ? result[result.length - 1].max_seats : null,
  };
}

function seatTierRecords(price: Extract<PriceInput, { amount_type: "seat_based" }>): SeatTierRecord[] {
  return price.seat_tiers.tiers.map((tier) => ({
    min_seats: tier.min_seats,
    max_seats: tier.max_seats ?? null,
    price_per_seat: tier.price_per_seat,
  }));
}

// ---------------------------------------------------------------------------------------------
// pydantic's part: field validators, then model validators
// ---------------------------------------------------------------------------------------------

/** Python's `len()` of a string: code points. */
function pythonLength(text: string): number {
  return [...text].length;
}

function fieldProblems(body: ProductInput, tag: string): SchemaDetail[] {
  const problems: SchemaDetail[] = [];
  const name = body.name.trim();
  if (pythonLength(name) < NAME_MIN_LENGTH) {
    const actual = pythonLength(name);
    problems.push({
      type: "too_short",
      loc: ["body", tag, "name"],
      msg: `Value should have at least ${NAME_MIN_LENGTH} items after validation, not ${actual}`,
      input: body.name,
      ctx: { field_type: "Value", min_length: NAME_MIN_LENGTH, actual_length: actual },
    });
  }
  body.prices.forEach((price, index) => {
    const loc: Loc = ["body", tag, "prices", index, price.amount_type];
    const currency = price.price_currency ?? "usd";
    const amount = (field: string, value: number | null | undefined) => {
      if (value === undefined || value === null) return;
      const problem = priceAmountProblem(currency, value);
      if (problem)
        problems.push({ type: problem.type, loc: [...loc, field], msg: problem.msg, input: value });
    };
    switch (price.amount_type) {
      case "fixed":
        amount("price_amount", price.price_amount);
        break;
      case "custom":
        amount("minimum_amount", price.minimum_amount);
        amount("maximum_amount", price.maximum_amount);
        amount("preset_amount", price.preset_amount);
        break;
      case "seat_based": {
        const problem = seatTiersProblem(seatTierRecords(price));
        if (problem !== null) {
          problems.push({
            type: "value_error",
            loc: [...loc, "seat_tiers", "tiers"],
            msg: `Value error, ${problem}`,
            input: price.seat_tiers.tiers,
            ctx: { error: {} },
          });
        }
        break;
      }
      case "metered_unit": {
        const decimal = parseDecimal(price.unit_amount);
        const problem =
          decimal === null
            ? { type: "decimal_parsing", msg: "Input should be a valid decimal", ctx: undefined }
            : decimalProblem(decimal, UNIT_AMOUNT);
        if (problem) {
          const detail: SchemaDetail = {
            type: problem.type,
            loc: [...loc, "unit_amount"],
            msg: problem.msg,
            input: price.unit_amount,
          };
          if (problem.ctx) detail.ctx = problem.ctx;
          problems.push(detail);
        }
        break;
      }
    }
  });
  return problems;
}

/** `meter_interval_divides_billing_interval` (product/meter_interval.py). */
export function meterIntervalDivides(
  meter: RecurringInterval | string,
  meterCount: number,
  billing: RecurringInterval | string,
  billingCount: number,
): boolean {
  const m = meterCount;
  const n = billingCount;
  if ((meter === "day" && billing === "day") || (meter === "week" && billing === "week")) return n % m === 0;
  if (meter === "day" && billing === "week") return (n * 7) % m === 0;
  if (meter === "day" && (billing === "month" || billing === "year")) return m === 1;
  if ((meter === "month" && billing === "month") || (meter === "year" && billing === "year"))
    return n % m === 0;
  if (meter === "month" && billing === "year") return (n * 12) % m === 0;
  return false;
}

/** The "after" model validators of ProductCreateRecurring: the trial mixin's, then the meter interval's. */
function modelProblem(body: ProductInput): SchemaDetail | null {
  const trialInterval = body.trial_interval ?? null;
  const trialCount = body.trial_interval_count ?? null;
  if ((trialInterval === null) !== (trialCount === null)) {
    return {
      type: "missing",
      loc: ["body", "recurring"],
      msg: "Both trial_interval and trial_interval_count must be set together.",
      input: body,
    };
  }
  const meterInterval = body.meter_interval ?? null;
  if (
    meterInterval !== null &&
    !meterIntervalDivides(
      meterInterval,
      body.meter_interval_count ?? 1,
      body.recurring_interval as RecurringInterval,
      body.recurring_interval_count ?? 1,
    )
  ) {
    return {
      type: "value_error",
      loc: ["body", "recurring"],
      msg: "Value error, The meter interval must evenly divide the billing interval, so the meter cycle re-aligns with the billing cycle at every renewal.",
      input: body,
      ctx: { error: {} },
    };
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// The service's part: get_validated_prices and the rest of ProductService.create
// ---------------------------------------------------------------------------------------------

/** A price create schema as pydantic dumps it into an error's `input`: every field, defaults included. */
function priceDump(price: PriceInput): Record<string, unknown> {
  const head = {
    amount_type: price.amount_type,
    price_currency: price.price_currency ?? "usd",
    tax_behavior: price.tax_behavior ?? null,
  };
  switch (price.amount_type) {
    case "fixed":
      return { ...head, price_amount: price.price_amount };
    case "custom":
      return {
        ...head,
        minimum_amount: price.minimum_amount ?? 50,
        maximum_amount: price.maximum_amount ?? null,
        preset_amount: price.preset_amount ?? null,
      };
    case "seat_based": {
      const sorted = [...seatTierRecords(price)].sort((a, b) => a.min_seats - b.min_seats);
      return {
        ...head,
        seat_tiers: {
          seat_tier_type: price.seat_tiers.seat_tier_type ?? "volume",
          tiers: sorted,
          minimum_seats: sorted[0].min_seats,
          maximum_seats: sorted[sorted.length - 1].max_seats,
        },
      };
    }
    case "metered_unit":
      return {
        ...head,
        meter_id: canonicalUuid(price.meter_id),
        unit_amount: decimalToString(parseDecimal(price.unit_amount) as Decimal),
        cap_amount: price.cap_amount ?? null,
      };
  }
}

/** A price record without its ids yet: they are drawn once the whole product is accepted. */
function buildPrice(price: PriceInput, now: Date): PriceRecord {
  const common = {
    id: "",
    product_id: "",
    created_at: now,
    modified_at: null,
    source: "catalog" as const,
    price_currency: price.price_currency ?? "usd",
    tax_behavior: price.tax_behavior ?? null,
    is_archived: false,
  };
  switch (price.amount_type) {
    case "fixed":
      return { ...common, amount_type: "fixed", price_amount: price.price_amount };
    case "custom":
      return {
        ...common,
        amount_type: "custom",
        minimum_amount: price.minimum_amount ?? 50,
        maximum_amount: price.maximum_amount ?? null,
        preset_amount: price.preset_amount ?? null,
      };
    case "seat_based":
      return {
        ...common,
        amount_type: "seat_based",
        seat_tiers: {
          seat_tier_type: price.seat_tiers.seat_tier_type ?? "volume",
          ...storedSeatTiers(seatTierRecords(price)),
        },
      };
    case "metered_unit": {
      const decimal = parseDecimal(price.unit_amount) as Decimal;
      const record: PriceRecord = {
        ...common,
        amount_type: "metered_unit",
        // A Numeric(17, 12) column: read back with twelve decimal places.
        unit_amount: decimalToString(quantize(decimal, UNIT_AMOUNT.decimalPlaces)),
        cap_amount: price.cap_amount ?? null,
        meter_id: canonicalUuid(price.meter_id),
      };
      sentUnitAmounts.set(record, decimalToString(decimal));
      return record;
    }
  }
}

function validatedPrices(
  partition: OrganizationPartition,
  body: ProductInput,
  now: Date,
): { prices: PriceRecord[]; errors: Detail[] } {
  const prefix: Loc = ["body", "prices"];
  const errors: Detail[] = [];
  const prices: PriceRecord[] = [];
  const perCurrency = new Map<string, { price: PriceRecord; index: number }[]>();
  const recurring = body.recurring_interval !== undefined && body.recurring_interval !== null;
  const allDumps = () => body.prices.map(priceDump);

  body.prices.forEach((input, index) => {
    // Seat-based pricing is enabled on every new organization (organization/service.py).
    if (input.amount_type === "metered_unit") {
      if (!recurring) {
        errors.push({
          type: "value_error",
          loc: [...prefix, index],
          msg: "Metered pricing is not supported on one-time products.",
          input: priceDump(input),
        });
        return;
      }
      const meterId = canonicalUuid(input.meter_id);
      if (!partition.meters.has(meterId)) {
        errors.push({
          type: "value_error",
          loc: [...prefix, index, "meter_id"],
          msg: "Meter does not exist.",
          input: meterId,
        });
        return;
      }
    }
    const price = buildPrice(input, now);
    prices.push(price);
    const list = perCurrency.get(price.price_currency) ?? [];
    list.push({ price, index });
    perCurrency.set(price.price_currency, list);
  });

  if (prices.length < 1) {
    errors.push({
      type: "too_short",
      loc: prefix,
      msg: "At least one price is required.",
      input: allDumps(),
    });
  }

  const structures = new Set<string>();
  for (const entries of perCurrency.values()) {
    const count = (type: PriceRecord["amount_type"]) =>
      entries.filter(({ price }) => price.amount_type === type).length;
    const fixed = count("fixed");
    const custom = count("custom");
    const seats = count("seat_based");
    const rule = (msg: string) => errors.push({ type: "value_error", loc: prefix, msg, input: allDumps() });
    if (fixed > 1) rule("Only one fixed price is allowed.");
    if (seats > 1) rule("Only one seat-based price is allowed.");
    if (custom > 1) rule("Only one custom price is allowed.");
    if (custom > 0 && (fixed > 0 || seats > 0)) {
      rule("A custom price cannot be combined with a fixed, seat-based or unit-based price.");
    }
    const meters = new Set<string>();
    for (const { price, index } of entries) {
      if (price.amount_type !== "metered_unit") continue;
      if (meters.has(price.meter_id)) {
        errors.push({
          type: "value_error",
          loc: [...prefix, index, "meter_id"],
          msg: "Meter is already used for another price.",
          input: price.meter_id,
        });
        continue;
      }
      meters.add(price.meter_id);
    }
    if (new Set(entries.map(({ price }) => price.tax_behavior)).size > 1) {
      rule("All prices for the same currency must have the same tax behavior.");
    }
    structures.add(JSON.stringify([fixed > 0, seats > 0, false, custom > 0, meters.size]));
  }
  if (structures.size > 1) {
    errors.push({
      type: "value_error",
      loc: prefix,
      msg: "All price currencies must define the same set of price types.",
      input: allDumps(),
    });
  }
  if (!perCurrency.has(DEFAULT_PRESENTMENT_CURRENCY)) {
    errors.push({
      type: "value_error",
      loc: prefix,
      msg: "The organization's default presentment currency must be present in the prices.",
      input: allDumps(),
    });
  }
  return { prices, errors };
}

/**
 * The validation pydantic does while parsing the body, beyond the JSON schema: field validators
 * (all of them), then the model validators. Polar answers these before it looks at anything else,
 * so the handler runs it before its own checks; createProduct runs it too.
 */
export function checkProductCreate(body: ProductCreateBody): void {
  const input = body as ProductInput;
  const recurring = input.recurring_interval !== undefined && input.recurring_interval !== null;
  const problems = fieldProblems(input, recurring ? "recurring" : "one_time");
  if (problems.length > 0) throw new RequestValidationError(problems);
  if (recurring) {
    const problem = modelProblem(input);
    if (problem) throw new RequestValidationError([problem]);
  }
}

/** Creates a product (with `options.id` when a fixture fixes it) and emits `product.created`. */
export function createProduct(
  ctx: DomainContext,
  organizationId: string,
  body: ProductCreateBody,
  options: { id?: string } = {},
): ProductRecord {
  const partition = ctx.store.partition(organizationId);
  const input = body as ProductInput;
  const recurringInterval = input.recurring_interval ?? null;
  checkProductCreate(body);

  const now = ctx.clock.now();
  const { prices, errors } = validatedPrices(partition, input, now);

  const meterInterval = recurringInterval !== null ? (input.meter_interval ?? null) : null;
  if (meterInterval !== null && !METER_CYCLING_ENABLED) {
    errors.push({
      type: "value_error",
      loc: ["body", "meter_interval"],
      msg: "Separate meter cycling is not enabled for this organization.",
      input: meterInterval,
    });
  }
  // `medias` name uploaded files, which the emulator does not hold: accepted as given, not shown.
  // Custom fields have no API in the emulator, so none exists and every attachment is refused.
  (input.attached_custom_fields ?? []).forEach((field, order) => {
    errors.push({
      type: "value_error",
      loc: ["body", "attached_custom_fields", order],
      msg: "Custom field does not exist.",
      input: canonicalUuid(field.custom_field_id),
    });
  });
  if (errors.length > 0) throw new PolarRequestValidationError(errors);

  const id = options.id ?? ctx.random.uuid();
  for (const price of prices) {
    price.id = ctx.random.uuid();
    price.product_id = id;
  }
  const description = input.description?.trim() ?? null;
  const product: ProductRecord = {
    id,
    organization_id: organizationId,
    created_at: now,
    modified_at: null,
    name: input.name.trim(),
    description: description === "" ? null : description,
    visibility: input.visibility ?? "public",
    recurring_interval: recurringInterval,
    recurring_interval_count: recurringInterval !== null ? (input.recurring_interval_count ?? 1) : null,
    trial_interval: recurringInterval !== null ? (input.trial_interval ?? null) : null,
    trial_interval_count: recurringInterval !== null ? (input.trial_interval_count ?? null) : null,
    meter_interval: meterInterval,
    meter_interval_count: meterInterval !== null ? (input.meter_interval_count ?? 1) : null,
    is_archived: false,
    metadata: { ...(input.metadata ?? {}) },
    prices,
    benefit_ids: [],
  };
  partition.products.set(product.id, product);
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
export function serializeCreatedProduct(
  partition: OrganizationPartition,
  product: ProductRecord,
): ProductWire {
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
export function setProductBenefits(
  ctx: DomainContext,
  product: ProductRecord,
  benefitIds: string[],
): ProductRecord {
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
export function getProduct(ctx: DomainContext, organizationId: string, id: string): ProductRecord {
  const product = ctx.store.partitions.get(organizationId)?.products.get(canonicalUuid(id));
  if (!product) throw new ResourceNotFound();
  return product;
}
