import type { Clock } from '../../server/src/domain/clock';

/** A clock that moves only when told to, firing due timers in order: deadlines without waiting. */
export class ManualClock implements Clock {
  #now: number;
  #timers: Array<{ at: number; fn: () => void; id: number }> = [];
  #ids = 0;

  constructor(start = Date.UTC(2026, 10, 27, 9, 0, 0)) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  setTimer(fn: () => void, ms: number): () => void {
    const id = ++this.#ids;
    this.#timers.push({ at: this.#now + Math.max(0, ms), fn, id });
    return () => {
      this.#timers = this.#timers.filter((t) => t.id !== id);
    };
  }

  /** Moves time forward by `ms`, running each timer at its own moment. */
  advance(ms: number): void {
    const target = this.#now + ms;
    for (;;) {
      const due = this.#timers.filter((t) => t.at <= target).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!due) break;
      this.#timers = this.#timers.filter((t) => t !== due);
      this.#now = Math.max(this.#now, due.at);
      due.fn();
    }
    this.#now = target;
  }

  get pendingTimers(): number {
    return this.#timers.length;
  }
}
