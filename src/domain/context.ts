import type { PartitionBase, Store } from "../store/store.js";
import type { Clock } from "../util/clock.js";
import type { Random } from "../util/random.js";
import type { EventBus } from "./events.js";

/**
 * What every resource's service works with: the store, the clock, the random source and the
 * event bus. `P` is the partition the resources declare (src/resources/context.ts names it).
 */
export interface DomainContext<P extends PartitionBase = PartitionBase> {
  store: Store<P>;
  clock: Clock;
  random: Random;
  events: EventBus;
  /**
   * The base URL a browser reaches the emulator at (`--public-url`, else the address it listens
   * on): what links the emulator hands out (a checkout's `url`) start with.
   */
  publicUrl?: () => string;
}
