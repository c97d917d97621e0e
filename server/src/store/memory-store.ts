import { conflict, notFound } from '../domain/errors';
import type { SessionState } from '../domain/session';
import type { AuditEntry } from '../domain/transition';
import type { SessionStore } from './session-store';

/** For tests and throwaway runs: the same contract as the durable stores, kept in this object. */
export class MemorySessionStore implements SessionStore {
  readonly #sessions = new Map<string, string>();
  readonly #audit = new Map<string, AuditEntry[]>();

  async create(state: SessionState, audit: AuditEntry[]): Promise<void> {
    if (this.#sessions.has(state.id)) throw conflict(`Session ${state.id} already exists.`);
    // Both copied before either is stored: all or nothing, like the durable stores' transactions.
    const text = JSON.stringify(state);
    const entries = structuredClone(audit);
    this.#sessions.set(state.id, text);
    this.#audit.set(state.id, entries);
  }

  async load(id: string): Promise<SessionState | undefined> {
    const text = this.#sessions.get(id);
    return text === undefined ? undefined : (JSON.parse(text) as SessionState);
  }

  async listActive(): Promise<string[]> {
    return [...this.#sessions.entries()].filter(([, text]) => (JSON.parse(text) as SessionState).status !== 'ended').map(([id]) => id);
  }

  async commit(state: SessionState, expectedVersion: number, audit: AuditEntry[]): Promise<void> {
    const stored = this.#sessions.get(state.id);
    if (stored === undefined) throw notFound(`Session ${state.id} does not exist.`);
    if ((JSON.parse(stored) as SessionState).version !== expectedVersion) throw conflict('The session changed meanwhile; try again.');
    const text = JSON.stringify(state);
    const entries = structuredClone(audit);
    this.#sessions.set(state.id, text);
    this.#audit.get(state.id)!.push(...entries);
  }

  async audit(sessionId: string): Promise<AuditEntry[]> {
    return structuredClone(this.#audit.get(sessionId) ?? []);
  }

  async close(): Promise<void> {}
}
