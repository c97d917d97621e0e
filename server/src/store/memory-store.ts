import { conflict, notFound } from '../domain/errors';
import type { SessionState } from '../domain/session';
import type { SessionDelta } from '../domain/session-parts';
import type { AuditEntry, DomainEvent } from '../domain/transition';
import { assembleSession, deltaRows, sizeOf, type CommitSize, type DeltaRows } from './session-rows';
import type { SessionStore } from './session-store';

interface Stored {
  version: number;
  status: SessionState['status'];
  parts: Map<string, string>;
  /** In roster order: a Map keeps insertion order, as the durable stores keep positions. */
  members: Map<string, string>;
}

/** For tests and throwaway runs: the same contract and the same parts as the durable stores, kept in this object. */
export class MemorySessionStore implements SessionStore {
  readonly #sessions = new Map<string, Stored>();
  readonly #audit = new Map<string, AuditEntry[]>();

  async create(state: SessionState, audit: AuditEntry[]): Promise<void> {
    if (this.#sessions.has(state.id)) throw conflict(`Session ${state.id} already exists.`);
    // Both copied before either is stored: all or nothing, like the durable stores' transactions.
    const rows = deltaRows(state, undefined, audit.map((e) => e.detail));
    const entries = structuredClone(audit);
    const stored: Stored = { version: state.version, status: state.status, parts: new Map(), members: new Map() };
    write(stored, rows);
    this.#sessions.set(state.id, stored);
    this.#audit.set(state.id, entries);
  }

  async load(id: string): Promise<SessionState | undefined> {
    const stored = this.#sessions.get(id);
    return stored && assembleSession(stored.parts, stored.members);
  }

  async listActive(): Promise<string[]> {
    return [...this.#sessions.entries()].filter(([, s]) => s.status !== 'ended').map(([id]) => id);
  }

  async commit(state: SessionState, expectedVersion: number, audit: AuditEntry[], _events?: readonly DomainEvent[], changed?: SessionDelta): Promise<CommitSize> {
    const stored = this.#sessions.get(state.id);
    if (stored === undefined) throw notFound(`Session ${state.id} does not exist.`);
    if (stored.version !== expectedVersion) throw conflict('The session changed meanwhile; try again.');
    const rows = deltaRows(state, changed, audit.map((e) => e.detail));
    const entries = structuredClone(audit);
    stored.version = state.version;
    stored.status = state.status;
    const written = 1 + write(stored, rows) + entries.length;
    this.#audit.get(state.id)!.push(...entries);
    return sizeOf(rows, written);
  }

  async audit(sessionId: string): Promise<AuditEntry[]> {
    return structuredClone(this.#audit.get(sessionId) ?? []);
  }

  async close(): Promise<void> {}
}

function write(stored: Stored, rows: DeltaRows): number {
  for (const [name, json] of rows.parts) stored.parts.set(name, json);
  for (const name of rows.dropped) stored.parts.delete(name);
  for (const [id, json] of rows.members) stored.members.set(id, json);
  for (const id of rows.gone) stored.members.delete(id);
  return rows.parts.length + rows.dropped.length + rows.members.length + rows.gone.length;
}
