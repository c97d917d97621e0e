import type { Clock } from '../domain/clock';

/**
 * Runs `fn` once things have been quiet for `waitMs`, but never later than `maxWaitMs` after the
 * first change since the last run: a quiet document is saved once, a busy one at least every
 * `maxWaitMs` (that bounds what a crash can lose). One timer per burst, not one per keystroke:
 * `touch` only notes the time, and the timer re-arms itself when it fires early.
 */
export class PersistenceDebounce {
  #firstAt: number | null = null;
  #lastAt = 0;
  #cancel: (() => void) | null = null;

  constructor(
    private readonly clock: Clock,
    private readonly waitMs: number,
    private readonly maxWaitMs: number,
    private readonly fn: () => void,
  ) {}

  /** Something changed. */
  touch(): void {
    const now = this.clock.now();
    this.#lastAt = now;
    if (this.#firstAt === null) this.#firstAt = now;
    if (!this.#cancel) this.#arm(now);
  }

  get pending(): boolean {
    return this.#firstAt !== null;
  }

  /** Runs now if anything is pending. */
  fire(): void {
    this.#cancel?.();
    this.#cancel = null;
    if (this.#firstAt === null) return;
    this.#firstAt = null;
    this.fn();
  }

  cancel(): void {
    this.#cancel?.();
    this.#cancel = null;
    this.#firstAt = null;
  }

  #due(): number {
    return Math.min(this.#lastAt + this.waitMs, (this.#firstAt ?? this.#lastAt) + this.maxWaitMs);
  }

  #arm(now: number): void {
    this.#cancel = this.clock.setTimer(() => {
      this.#cancel = null;
      const at = this.clock.now();
      if (this.#firstAt === null) return;
      if (this.#due() > at) this.#arm(at);
      else this.fire();
    }, this.#due() - now);
  }
}
