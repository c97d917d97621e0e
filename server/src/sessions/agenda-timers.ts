import { nextDeadline } from '../domain/agenda';
import type { Clock } from '../domain/clock';
import type { SessionState } from '../domain/session';

/**
 * Keeps each session's next agenda deadline armed. `due` lets the time pass on the session
 * (a compare-and-set on its version, so a late or second firing changes nothing) and resolves
 * with the state after it, which is armed again.
 */
export interface AgendaTimers {
  /** The session as it is now: arm its next deadline, or disarm it when it has none. */
  arm(state: SessionState): void;
  /** Stops every timer and gives up what this node held for others to take. */
  close(): Promise<void>;
}

export type DueHandler = (sessionId: string) => Promise<SessionState>;

/** The embedded default: one process, every session's timer in its memory. */
export class LocalAgendaTimers implements AgendaTimers {
  readonly #timers = new Map<string, () => void>();
  #closed = false;

  constructor(
    private readonly clock: Clock,
    private readonly due: DueHandler,
    private readonly onError: (error: unknown, sessionId: string) => void,
  ) {}

  arm(state: SessionState): void {
    this.#timers.get(state.id)?.();
    this.#timers.delete(state.id);
    if (this.#closed) return;
    const at = nextDeadline(state);
    if (at === null) return;
    const cancel = this.clock.setTimer(() => {
      this.#timers.delete(state.id);
      // Re-armed even when nothing was due: a timer may fire a millisecond early.
      this.due(state.id).then(
        (s) => this.arm(s),
        (error: unknown) => this.onError(error, state.id),
      );
    }, at - this.clock.now());
    this.#timers.set(state.id, cancel);
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const cancel of this.#timers.values()) cancel();
    this.#timers.clear();
  }
}
