/**
 * The session's sense of time. Injected everywhere so tests run deadlines without waiting,
 * and so a restart can replay what happened while the process was down.
 */
export interface Clock {
  now(): number;
  /** Calls `fn` after `ms`; returns a function that cancels it. */
  setTimer(fn: () => void, ms: number): () => void;
}

/** setTimeout cannot wait longer than this; longer waits re-arm. */
const maxTimerMs = 2 ** 31 - 1;

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(fn, ms) {
    const handle = setTimeout(fn, Math.min(Math.max(0, ms), maxTimerMs));
    handle.unref?.();
    return () => clearTimeout(handle);
  },
};
