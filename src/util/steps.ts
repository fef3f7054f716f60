/**
 * Work done in steps: a generator that yields between pieces of its work, run to the end at once
 * (`runSteps`, the in-process API) or in slices of the event loop while it holds the store alone
 * (`Exclusive.run`, the control plane's big requests). One implementation, two ways to run it.
 * See docs/decisions.md ("Big control-plane requests run in slices, holding the store").
 */

/** Work that yields (nothing) between its pieces and returns T. */
export type Steps<T> = Generator<void, T, void>;

/** Runs the steps to the end without giving the loop back. */
export function runSteps<T>(steps: Steps<T>): T {
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
  }
}

/** How long one slice may hold the event loop. */
export const SLICE_MS = 20;

/**
 * One job at a time holds the store, in slices of the event loop: between them the loop serves
 * timers, webhook deliveries and the health check, while requests that read or change state wait
 * (`idle()`) until the job is done, so that the job sees (and leaves) one consistent state.
 */
export class Exclusive {
  private tail: Promise<void> = Promise.resolve();
  private running = 0;

  /** Whether a job holds the store, or waits to. */
  get busy(): boolean {
    return this.running > 0;
  }

  /** Resolves once no job holds the store or waits for it. */
  async idle(): Promise<void> {
    while (this.running > 0) await this.tail;
  }

  /** Runs the steps after the jobs before it, giving the loop back every SLICE_MS. */
  run<T>(steps: Steps<T>): Promise<T> {
    this.running += 1;
    const job = this.tail.then(async () => {
      let sliceStarted = performance.now();
      for (;;) {
        const next = steps.next();
        if (next.done) return next.value;
        if (performance.now() - sliceStarted >= SLICE_MS) {
          await new Promise<void>((resolve) => setImmediate(resolve));
          sliceStarted = performance.now();
        }
      }
    });
    const settled = job.then(
      () => undefined,
      () => undefined,
    );
    this.tail = settled.then(() => {
      this.running -= 1;
    });
    return job;
  }
}
