import type { SpeakingEntry } from '../domain/speaking-balance';

/**
 * Speaking time per member, group and breakout step, kept for the session report. A member's time
 * only grows within a step: a late or repeated report never lowers it.
 */
export interface SpeakingStore {
  record(sessionId: string, entries: SpeakingEntry[]): Promise<void>;
  /** Every entry of the session, ordered by step, group and member. */
  load(sessionId: string): Promise<SpeakingEntry[]>;
  close(): Promise<void>;
}

export function compareEntries(a: SpeakingEntry, b: SpeakingEntry): number {
  return a.stepIndex - b.stepIndex || a.groupId.localeCompare(b.groupId) || a.memberId.localeCompare(b.memberId);
}

export class MemorySpeakingStore implements SpeakingStore {
  readonly #sessions = new Map<string, Map<string, SpeakingEntry>>();

  async record(sessionId: string, entries: SpeakingEntry[]): Promise<void> {
    const session = this.#sessions.get(sessionId) ?? new Map<string, SpeakingEntry>();
    this.#sessions.set(sessionId, session);
    for (const e of entries) {
      const key = `${e.stepIndex}\u0000${e.groupId}\u0000${e.memberId}`;
      const kept = session.get(key);
      session.set(key, { ...e, seconds: Math.max(kept?.seconds ?? 0, e.seconds) });
    }
  }

  async load(sessionId: string): Promise<SpeakingEntry[]> {
    return [...(this.#sessions.get(sessionId)?.values() ?? [])].sort(compareEntries);
  }

  async close(): Promise<void> {}
}
