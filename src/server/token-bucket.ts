/**
 * A token bucket: `take(n)` succeeds while the bucket holds n tokens; it refills at
 * `ratePerSecond` up to `capacity`. Used for per-connection rate limits: a client may burst up to
 * `capacity` (e.g. audio held back by a stalled network arriving at once), then keep to the rate.
 *
 * @param ratePerSecond - tokens added per second (> 0).
 * @param capacity - the most tokens held, and the bucket's start (> 0).
 * @param now - clock in ms; injectable so tests need no real time.
 *
 * ## Example
 * ```ts
 * const messages = new TokenBucket(1000, 1000);
 * if (!messages.take(1)) closeForFlooding();
 * ```
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly ratePerSecond: number,
    private readonly capacity: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.tokens = capacity;
    this.last = now();
  }

  /** Takes `n` tokens if the bucket holds them; false (and takes nothing) otherwise. */
  take(n: number): boolean {
    const t = this.now();
    this.tokens = Math.min(this.capacity, this.tokens + ((t - this.last) / 1000) * this.ratePerSecond);
    this.last = t;
    if (this.tokens < n) return false;
    this.tokens -= n;
    return true;
  }
}
