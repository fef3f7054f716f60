/**
 * The partition every organization has, and the snapshot sections it is written as. Each resource
 * adds its tables to `PartitionTables` from its `table.ts`, and its decoded sections to
 * `DecodedSections` from its `snapshot.ts` (declaration merging), and creates them from its
 * registry entry: a service reads `partition.customers` or `partition.usage` with their real types.
 */
import type { DomainContext } from "../domain/context.js";
import type { PartitionBase } from "../store/store.js";

/** What each organization holds, table by table: the resources add theirs. */
// biome-ignore lint/suspicious/noEmptyInterface: filled by declaration merging, one resource at a time
export interface PartitionTables {}

export interface Partition extends PartitionBase, PartitionTables {}

/** Every section of a snapshot document, decoded (`customers: CustomerRecord[]`, …): the resources add theirs. */
// biome-ignore lint/suspicious/noEmptyInterface: filled by declaration merging, one resource at a time
export interface DecodedSections {}

/** What every service works with. */
export type Ctx = DomainContext<Partition>;

/** The partitions of these organizations, those the store holds, in the order given. */
export function partitionsOf(ctx: Ctx, organizationIds: readonly string[]): Partition[] {
  const partitions: Partition[] = [];
  for (const organizationId of organizationIds) {
    const partition = ctx.store.partitions.get(organizationId);
    if (partition) partitions.push(partition);
  }
  return partitions;
}
