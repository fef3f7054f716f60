/** Every timestamp the domain writes comes from a Clock, so tests and later issues can move time. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock that stands still until told to move; used by tests that compare bytes. */
export class FixedClock implements Clock {
  constructor(private current: Date) {}
  now(): Date {
    return new Date(this.current.getTime());
  }
  set(date: Date): void {
    this.current = new Date(date.getTime());
  }
}

/**
 * A fixed clock that hands out one Date for each instant it is set to, for loading fixtures:
 * each generated customer reads the clock about 14 times (its creation, its events, grants and
 * subscription), and a Date costs about 100 bytes of heap. The domain never changes a Date in
 * place, so the records can share it.
 */
export class SteppingClock extends FixedClock {
  private shared: Date;

  constructor(current: Date) {
    super(current);
    this.shared = new Date(current.getTime());
  }

  override now(): Date {
    return this.shared;
  }

  override set(date: Date): void {
    super.set(date);
    this.shared = new Date(date.getTime());
  }
}
