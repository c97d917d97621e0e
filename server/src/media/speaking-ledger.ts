import type { GroupSpeaking, SpeakingReport } from '../../../shared/speaking';
import type { Clock } from '../domain/clock';
import type { Actor } from '../domain/roles';
import type { SessionState } from '../domain/session';
import { acceptSpeakingReport, type SpeakingEntry } from '../domain/speaking-balance';
import type { SpeakingStore } from '../store/speaking-store';

export interface SpeakingLedgerOptions {
  store: SpeakingStore;
  clock: Clock;
  /** A table is flagged when one voice takes more than this share of its talk (0..1). */
  shareLimit: number;
  /** Watchers hear of new figures at most this often per session. */
  intervalMs?: number;
}

/** One breakout step's figures: group → member → seconds. */
interface StepFigures {
  stepIndex: number;
  groups: Map<string, Map<string, number>>;
}

function remember(current: StepFigures, e: SpeakingEntry): void {
  const group = current.groups.get(e.groupId) ?? new Map<string, number>();
  current.groups.set(e.groupId, group);
  group.set(e.memberId, Math.max(group.get(e.memberId) ?? 0, e.seconds));
}

/**
 * Speaking time per table, as members report their own: stored for the session report (a
 * member's figure only grows), and announced to the watchers at most once per interval.
 */
export class SpeakingLedger {
  readonly #opts: SpeakingLedgerOptions;
  /** The running breakout's figures per session: step, then group → member → seconds. */
  readonly #current = new Map<string, StepFigures>();
  readonly #timers = new Map<string, () => void>();
  readonly #listeners = new Set<(sessionId: string) => void>();

  constructor(opts: SpeakingLedgerOptions) {
    this.#opts = opts;
  }

  get shareLimit(): number {
    return this.#opts.shareLimit;
  }

  /** Decided by the domain, stored, then announced (coalesced). */
  async report(state: SessionState, actor: Actor, report: SpeakingReport): Promise<void> {
    const entry = acceptSpeakingReport(state, actor, report);
    await this.#opts.store.record(state.id, [entry]);
    remember(await this.#currentOf(state.id, entry.stepIndex), entry);
    this.#schedule(state.id);
  }

  /** The current breakout's figures, per group (empty when another step's figures are asked for). */
  async balance(state: SessionState): Promise<{ stepIndex: number; groups: GroupSpeaking[] }> {
    const current = await this.#currentOf(state.id, state.stepIndex);
    const groups = state.groups.map((g) => {
      const kept = current.groups.get(g.id);
      return { groupId: g.id, seconds: Object.fromEntries(g.members.map((id) => [id, kept?.get(id) ?? 0])) };
    });
    return { stepIndex: state.stepIndex, groups };
  }

  /** Every figure of the session, for its report. */
  entries(sessionId: string): Promise<SpeakingEntry[]> {
    return this.#opts.store.load(sessionId);
  }

  onBalance(listener: (sessionId: string) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  close(): void {
    for (const cancel of this.#timers.values()) cancel();
    this.#timers.clear();
  }

  /** The step's figures in memory; after a restart, read back from the store first. */
  async #currentOf(sessionId: string, stepIndex: number): Promise<StepFigures> {
    const kept = this.#current.get(sessionId);
    if (kept?.stepIndex === stepIndex) return kept;
    const current: StepFigures = { stepIndex, groups: new Map() };
    for (const e of await this.#opts.store.load(sessionId)) if (e.stepIndex === stepIndex) remember(current, e);
    this.#current.set(sessionId, current);
    return current;
  }

  #schedule(sessionId: string): void {
    if (this.#timers.has(sessionId)) return;
    this.#timers.set(
      sessionId,
      this.#opts.clock.setTimer(() => {
        this.#timers.delete(sessionId);
        for (const listener of this.#listeners) listener(sessionId);
      }, this.#opts.intervalMs ?? 2000),
    );
  }
}
