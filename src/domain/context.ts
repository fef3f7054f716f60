import type { Store } from "../store/store.js";
import type { Clock } from "../util/clock.js";
import type { Random } from "../util/random.js";
import type { EventBus } from "./events.js";

/** What every domain function works with: the store, the clock, the random source and the event bus. */
export interface DomainContext {
  store: Store;
  clock: Clock;
  random: Random;
  events: EventBus;
}
