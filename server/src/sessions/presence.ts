/**
 * Who is connected to which session, counted per connection so a second tab or a reconnect that
 * overlaps the old socket does not mark someone absent. One process keeps it in memory; a
 * cluster puts the same interface on Redis.
 */
export interface PresenceTracker {
  /** Returns true when this is the member's first connection. */
  connect(sessionId: string, memberId: string): boolean;
  /** Returns true when this was the member's last connection. */
  disconnect(sessionId: string, memberId: string): boolean;
  present(sessionId: string): ReadonlySet<string>;
  /**
   * Present when others (other nodes) change who is here too: `listener` is called with the
   * session whose presence they changed.
   */
  onRemoteChange?(listener: (sessionId: string) => void): () => void;
}

export class LocalPresence implements PresenceTracker {
  readonly #connections = new Map<string, Map<string, number>>();
  readonly #present = new Map<string, Set<string>>();

  connect(sessionId: string, memberId: string): boolean {
    const counts = this.#connections.get(sessionId) ?? new Map<string, number>();
    this.#connections.set(sessionId, counts);
    const n = (counts.get(memberId) ?? 0) + 1;
    counts.set(memberId, n);
    if (n === 1) {
      const set = this.#present.get(sessionId) ?? new Set<string>();
      this.#present.set(sessionId, set);
      set.add(memberId);
    }
    return n === 1;
  }

  disconnect(sessionId: string, memberId: string): boolean {
    const counts = this.#connections.get(sessionId);
    const n = (counts?.get(memberId) ?? 0) - 1;
    if (!counts || n < 0) return false;
    if (n > 0) {
      counts.set(memberId, n);
      return false;
    }
    counts.delete(memberId);
    this.#present.get(sessionId)?.delete(memberId);
    return true;
  }

  present(sessionId: string): ReadonlySet<string> {
    return this.#present.get(sessionId) ?? new Set();
  }
}
