/**
 * The in-memory store: one declaration of everything the emulator holds, partitioned by
 * organization (architecture principle 4). Only domain/ writes to it.
 */

export type MetadataValue = string | number | boolean;
export type Metadata = Record<string, MetadataValue>;

import type { AddressWire } from "../domain/wire.js";

/** The same shape as the wire's Address, country code included. */
export interface Address {
  line1: string | null;
  line2: string | null;
  postal_code: string | null;
  city: string | null;
  state: string | null;
  country: AddressWire["country"];
}

export interface Organization {
  id: string;
  name: string;
  slug: string;
  created_at: Date;
}

export interface AccessToken {
  token: string;
  organizationId: string;
  scopes: ReadonlySet<string>;
  /** A label for logs and the control plane. */
  comment: string;
}

export type CustomerType = "individual" | "team";

export interface CustomerRecord {
  id: string;
  organization_id: string;
  type: CustomerType;
  email: string | null;
  email_verified: boolean;
  name: string | null;
  /** Set only when it differs from `name`; the wire `billing_name` falls back to `name`. */
  billing_name: string | null;
  billing_address: Address | null;
  tax_id: [string, string] | null;
  locale: string | null;
  external_id: string | null;
  metadata: Metadata;
  default_payment_method_id: string | null;
  created_at: Date;
  modified_at: Date | null;
  deleted_at: Date | null;
  first_user_event_at: Date | null;
}

export type RecurringInterval = "day" | "week" | "month" | "year";
export type Visibility = "draft" | "private" | "public";

interface PriceCommon {
  id: string;
  product_id: string;
  created_at: Date;
  modified_at: Date | null;
  source: "catalog" | "ad_hoc";
  price_currency: string;
  tax_behavior: "location" | "inclusive" | "exclusive" | null;
  is_archived: boolean;
}

export interface FixedPriceRecord extends PriceCommon {
  amount_type: "fixed";
  price_amount: number;
}

export interface CustomPriceRecord extends PriceCommon {
  amount_type: "custom";
  minimum_amount: number;
  maximum_amount: number | null;
  preset_amount: number | null;
}

export interface SeatTierRecord {
  min_seats: number;
  max_seats: number | null;
  price_per_seat: number;
}

export interface SeatBasedPriceRecord extends PriceCommon {
  amount_type: "seat_based";
  seat_tiers: {
    seat_tier_type: "volume" | "graduated";
    tiers: SeatTierRecord[];
    minimum_seats: number;
    maximum_seats: number | null;
  };
}

export interface MeteredUnitPriceRecord extends PriceCommon {
  amount_type: "metered_unit";
  /** A decimal as text, as Polar sends it (`"0.5"`). */
  unit_amount: string;
  cap_amount: number | null;
  meter_id: string;
}

export type PriceRecord =
  | FixedPriceRecord
  | CustomPriceRecord
  | SeatBasedPriceRecord
  | MeteredUnitPriceRecord;

export interface ProductRecord {
  id: string;
  organization_id: string;
  created_at: Date;
  modified_at: Date | null;
  name: string;
  description: string | null;
  visibility: Visibility;
  /** Null for a one-time product. */
  recurring_interval: RecurringInterval | null;
  recurring_interval_count: number | null;
  trial_interval: RecurringInterval | null;
  trial_interval_count: number | null;
  meter_interval: RecurringInterval | null;
  meter_interval_count: number | null;
  is_archived: boolean;
  metadata: Metadata;
  prices: PriceRecord[];
  /** Attached benefits, in order. */
  benefit_ids: string[];
}

export type BenefitType =
  | "custom"
  | "discord"
  | "github_repository"
  | "downloadables"
  | "license_keys"
  | "meter_credit"
  | "feature_flag"
  | "slack_shared_channel";

export interface BenefitRecord {
  id: string;
  organization_id: string;
  created_at: Date;
  modified_at: Date | null;
  type: BenefitType;
  description: string;
  selectable: boolean;
  deletable: boolean;
  is_deleted: boolean;
  visibility: Visibility;
  metadata: Metadata;
  /** The benefit's public properties, exactly as its wire type has them. */
  properties: Record<string, unknown>;
}

export type SubscriptionStatus =
  | "incomplete"
  | "incomplete_expired"
  | "trialing"
  | "active"
  | "past_due"
  | "canceled"
  | "unpaid"
  | "paused";

export type CancellationReason =
  | "customer_service"
  | "low_quality"
  | "missing_features"
  | "switched_service"
  | "too_complex"
  | "too_expensive"
  | "unused"
  | "other";

export interface SubscriptionRecord {
  id: string;
  organization_id: string;
  customer_id: string;
  product_id: string;
  /** The product prices the subscription was started with. */
  price_ids: string[];
  created_at: Date;
  modified_at: Date | null;
  amount: number;
  currency: string;
  recurring_interval: RecurringInterval;
  recurring_interval_count: number;
  /** The day of the month periods end on (Polar's `anchor_day`), clamped in shorter months. */
  anchor_day: number;
  status: SubscriptionStatus;
  current_period_start: Date;
  current_period_end: Date;
  current_meter_period_start: Date | null;
  current_meter_period_end: Date | null;
  trial_start: Date | null;
  trial_end: Date | null;
  cancel_at_period_end: boolean;
  canceled_at: Date | null;
  started_at: Date | null;
  ends_at: Date | null;
  ended_at: Date | null;
  past_due_at: Date | null;
  pause_at_period_end: boolean;
  paused_at: Date | null;
  resumes_at: Date | null;
  discount_id: string | null;
  checkout_id: string | null;
  seats: number | null;
  customer_cancellation_reason: CancellationReason | null;
  customer_cancellation_comment: string | null;
  metadata: Metadata;
  custom_field_data: Record<string, string | number | boolean | null>;
  /** One per metered price of the product, created with the subscription. */
  meters: SubscriptionMeterRecord[];
}

export interface SubscriptionMeterRecord {
  id: string;
  meter_id: string;
  created_at: Date;
  modified_at: Date | null;
}

export interface GrantRecord {
  id: string;
  organization_id: string;
  customer_id: string;
  benefit_id: string;
  /** The subscription that grants it; null for a grant made directly. */
  subscription_id: string | null;
  order_id: string | null;
  member_id: string | null;
  created_at: Date;
  modified_at: Date | null;
  granted_at: Date | null;
  revoked_at: Date | null;
  /** The grant's properties, exactly as its wire type has them. */
  properties: Record<string, unknown>;
}

export type FilterOperator = "eq" | "ne" | "gt" | "gte" | "lt" | "lte" | "like" | "not_like";

export interface FilterClauseRecord {
  property: string;
  operator: FilterOperator;
  value: string | number | boolean;
}

export interface FilterRecord {
  conjunction: "and" | "or";
  clauses: (FilterClauseRecord | FilterRecord)[];
}

export type AggregationRecord =
  | { func: "count" }
  | { func: "sum" | "max" | "min" | "avg"; property: string }
  | { func: "unique"; property: string };

export interface MeterRecord {
  id: string;
  organization_id: string;
  created_at: Date;
  modified_at: Date | null;
  name: string;
  unit: "scalar" | "token" | "custom";
  custom_label: string | null;
  custom_multiplier: number | null;
  filter: FilterRecord;
  aggregation: AggregationRecord;
  metadata: Metadata;
  archived_at: Date | null;
}

export interface CustomerMeterRecord {
  id: string;
  organization_id: string;
  customer_id: string;
  meter_id: string;
  created_at: Date;
  modified_at: Date | null;
  consumed_units: number;
  credited_units: number;
  /**
   * Usage events count from this position of the partition's `usageEvents` on: a reset (a new
   * billing period, a meter-credit benefit without rollover) moves it to the end.
   */
  consumed_since: number;
}

/** An ingested usage event (`POST /v1/events/ingest`). */
export interface UsageEventRecord {
  id: string;
  organization_id: string;
  name: string;
  timestamp: Date;
  /** Set when the event named a customer id, or once its external customer id resolved. */
  customer_id: string | null;
  external_customer_id: string | null;
  external_id: string | null;
  metadata: Record<string, unknown>;
  ingested_at: Date;
}

/** What one organization owns, with the indices Polar's unique constraints need. */
export class OrganizationPartition {
  /** Every customer ever created here, deleted ones included, in creation order. */
  readonly customers = new Map<string, CustomerRecord>();
  /** Live (not deleted) customers by external_id, case-sensitive. */
  readonly customerByExternalId = new Map<string, CustomerRecord>();
  /** Live customers by lower-cased email. */
  readonly customerByEmail = new Map<string, CustomerRecord>();

  readonly products = new Map<string, ProductRecord>();
  readonly benefits = new Map<string, BenefitRecord>();
  readonly subscriptions = new Map<string, SubscriptionRecord>();
  readonly grants = new Map<string, GrantRecord>();
  readonly meters = new Map<string, MeterRecord>();
  readonly customerMeters = new Map<string, CustomerMeterRecord>();
  /** Customer meters by `${customer_id}:${meter_id}`. */
  readonly customerMeterByKey = new Map<string, CustomerMeterRecord>();
  /** Ingested events, in ingestion order. */
  readonly usageEvents: UsageEventRecord[] = [];
  /** External ids of ingested events, for deduplication. */
  readonly usageEventExternalIds = new Set<string>();

  /** Subscriptions, grants and customer meters of each customer, in creation order. */
  readonly subscriptionsByCustomer = new Map<string, SubscriptionRecord[]>();
  readonly grantsByCustomer = new Map<string, GrantRecord[]>();
  readonly customerMetersByCustomer = new Map<string, CustomerMeterRecord[]>();

  // Usage indices (domain/usage.ts), so ingestion never scans every event. Positions are indices
  // into `usageEvents`, ascending.
  /** Positions of the events that count for each customer (by customer_id or resolved external id). */
  readonly usageEventsByCustomer = new Map<string, number[]>();
  /** Positions of the events ingested with each `external_customer_id`, resolved or not. */
  readonly usageEventsByExternalCustomerId = new Map<string, number[]>();
  /**
   * The running aggregation of each customer meter (by customer meter id) over its events since
   * `consumed_since`: matching events, sum, max, min, and the distinct values for `unique`.
   */
  readonly customerMeterAggregates = new Map<
    string,
    { matched: number; sum: number; max: number; min: number; distinct: Set<string> }
  >();

  constructor(readonly organization: Organization) {}

  insertSubscription(subscription: SubscriptionRecord): void {
    this.subscriptions.set(subscription.id, subscription);
    push(this.subscriptionsByCustomer, subscription.customer_id, subscription);
  }

  insertGrant(grant: GrantRecord): void {
    this.grants.set(grant.id, grant);
    push(this.grantsByCustomer, grant.customer_id, grant);
  }

  insertCustomerMeter(customerMeter: CustomerMeterRecord): void {
    this.customerMeters.set(customerMeter.id, customerMeter);
    this.customerMeterByKey.set(`${customerMeter.customer_id}:${customerMeter.meter_id}`, customerMeter);
    push(this.customerMetersByCustomer, customerMeter.customer_id, customerMeter);
  }

  subscriptionsOf(customerId: string): readonly SubscriptionRecord[] {
    return this.subscriptionsByCustomer.get(customerId) ?? [];
  }

  grantsOf(customerId: string): readonly GrantRecord[] {
    return this.grantsByCustomer.get(customerId) ?? [];
  }

  customerMetersOf(customerId: string): readonly CustomerMeterRecord[] {
    return this.customerMetersByCustomer.get(customerId) ?? [];
  }

  liveCustomer(id: string): CustomerRecord | undefined {
    const customer = this.customers.get(id);
    return customer && customer.deleted_at === null ? customer : undefined;
  }

  /** Adds a new customer and indexes it. The caller has checked uniqueness. */
  insertCustomer(customer: CustomerRecord): void {
    this.customers.set(customer.id, customer);
    this.index(customer);
  }

  /** Re-indexes a customer after its email, external_id or deletion changed. */
  reindexCustomer(
    customer: CustomerRecord,
    before: { email: string | null; external_id: string | null },
  ): void {
    if (before.email !== null && this.customerByEmail.get(before.email.toLowerCase()) === customer) {
      this.customerByEmail.delete(before.email.toLowerCase());
    }
    if (before.external_id !== null && this.customerByExternalId.get(before.external_id) === customer) {
      this.customerByExternalId.delete(before.external_id);
    }
    this.index(customer);
  }

  private index(customer: CustomerRecord): void {
    if (customer.deleted_at !== null) return;
    if (customer.email !== null) this.customerByEmail.set(customer.email.toLowerCase(), customer);
    if (customer.external_id !== null) this.customerByExternalId.set(customer.external_id, customer);
  }
}

function push<T>(index: Map<string, T[]>, key: string, value: T): void {
  const list = index.get(key);
  if (list) list.push(value);
  else index.set(key, [value]);
}

export class Store {
  readonly partitions = new Map<string, OrganizationPartition>();
  readonly tokens = new Map<string, AccessToken>();

  addOrganization(organization: Organization): OrganizationPartition {
    const partition = new OrganizationPartition(organization);
    this.partitions.set(organization.id, partition);
    return partition;
  }

  partition(organizationId: string): OrganizationPartition {
    const partition = this.partitions.get(organizationId);
    if (!partition) throw new Error(`[polar-emulator] unknown organization ${organizationId}`);
    return partition;
  }

  addToken(token: AccessToken): void {
    this.tokens.set(token.token, token);
  }

  customerCount(): number {
    let count = 0;
    for (const partition of this.partitions.values()) count += partition.customers.size;
    return count;
  }
}
