/**
 * The in-memory store: organizations, their access tokens, and one partition of state per
 * organization. What a partition holds is not known here: the resources declare their tables
 * (src/resources/index.ts) and the store is built with a factory that makes them, so this module
 * imports nothing above it. Writes go through the resources' services, and through snapshots
 * (src/scenarios/snapshot.ts), which put a partition back as it was.
 */

export type MetadataValue = string | number | boolean;
export type Metadata = Record<string, MetadataValue>;

export interface Organization {
  id: string;
  name: string;
  slug: string;
  created_at: Date;
  /**
   * Polar's `feature_settings.member_model_enabled`: customers have members, each customer an
   * owner from its creation on. Off when absent (as for organizations created before Polar turned
   * it on for new ones); set by a fixture's `organization` or the control plane.
   */
  member_model_enabled?: boolean;
}

export interface AccessToken {
  token: string;
  organizationId: string;
  scopes: ReadonlySet<string>;
  /** A label for logs and the control plane. */
  comment: string;
}

/** What every partition has, whatever the resources add. */
export interface PartitionBase {
  readonly organization: Organization;
}

export class Store<P extends PartitionBase> {
  readonly partitions = new Map<string, P>();
  readonly tokens = new Map<string, AccessToken>();

  constructor(private readonly newPartition: (organization: Organization) => P) {}

  /** An empty partition for an organization, not added to the store (a snapshot fills it). */
  emptyPartition(organization: Organization): P {
    return this.newPartition(organization);
  }

  addOrganization(organization: Organization): P {
    const partition = this.newPartition(organization);
    this.partitions.set(organization.id, partition);
    return partition;
  }

  partition(organizationId: string): P {
    const partition = this.partitions.get(organizationId);
    if (!partition) throw new Error(`[polar-emulator] unknown organization ${organizationId}`);
    return partition;
  }

  addToken(token: AccessToken): void {
    this.tokens.set(token.token, token);
  }

  tokensOf(organizationId: string): AccessToken[] {
    return [...this.tokens.values()].filter((token) => token.organizationId === organizationId);
  }

  /** Replaces an organization's partition and tokens (a restore, or a reset of one organization). */
  replace(partition: P, tokens: readonly AccessToken[]): void {
    const organizationId = partition.organization.id;
    for (const [value, token] of this.tokens) {
      if (token.organizationId === organizationId) this.tokens.delete(value);
    }
    this.partitions.set(organizationId, partition);
    for (const token of tokens) this.addToken(token);
  }
}
