/**
 * Polar's rate limit, when asked for (`--rate-limit`): a fixed one-minute window per
 * organization. Over the limit, Polar answers 429 with an empty body and `retry-after` set to
 * the window's length in seconds. Wall-clock time, like Polar's limiter.
 */
import { PolarHttpError } from "../errors.js";

const WINDOW_SECONDS = 60;

export class RateLimited extends PolarHttpError {
  constructor() {
    super(429, undefined, { "Retry-After": String(WINDOW_SECONDS) });
  }
}

export class RateLimiter {
  private readonly windows = new Map<string, { window: number; count: number }>();

  /** `limit` requests per minute and organization; 0 turns the limiter off. */
  constructor(
    private readonly limit: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts one request of `key`; throws RateLimited when it is over the limit. */
  hit(key: string): void {
    if (this.limit <= 0) return;
    const window = Math.floor(this.now() / (WINDOW_SECONDS * 1000));
    const current = this.windows.get(key);
    if (!current || current.window !== window) {
      this.windows.set(key, { window, count: 1 });
      return;
    }
    current.count++;
    if (current.count > this.limit) throw new RateLimited();
  }
}
