import type { Clock } from '../domain/clock';

/** An allowance of messages: `burst` at once, refilled at `perSecond`. */
export class TokenBucket {
  #tokens: number;
  #at: number;

  constructor(
    private readonly clock: Clock,
    private readonly perSecond: number,
    private readonly burst: number,
  ) {
    this.#tokens = burst;
    this.#at = clock.now();
  }

  take(): boolean {
    return TokenBucket.takeAll([this]);
  }

  /** Takes one token from each bucket, or none at all when any of them is empty. */
  static takeAll(buckets: readonly TokenBucket[]): boolean {
    for (const bucket of buckets) bucket.#refill();
    if (buckets.some((b) => b.#tokens < 1)) return false;
    for (const bucket of buckets) bucket.#tokens -= 1;
    return true;
  }

  #refill(): void {
    const now = this.clock.now();
    this.#tokens = Math.min(this.burst, this.#tokens + ((now - this.#at) / 1000) * this.perSecond);
    this.#at = now;
  }
}
