import type { SessionState } from '../domain/session';
import type { SessionDelta } from '../domain/session-parts';
import type { AuditEntry, DomainEvent } from '../domain/transition';
import type { CommitSize } from './session-rows';

export type { CommitSize } from './session-rows';

/**
 * One commit as every node hears of it: which session, from which version to which, what it
 * announced and what it changed (not the whole state: a node applies it to the version it holds,
 * and reads the session again when it holds another).
 */
export interface CommittedChange {
  id: string;
  fromVersion: number;
  version: number;
  events: DomainEvent[];
  changed: SessionDelta;
}

/**
 * Where sessions live between commands. Expressed in the deliberation's operations, not a
 * database's: a commit writes one new version and its audit entries together, or nothing.
 * A session is kept in parts (each top-level field, each member) so a commit writes what changed.
 */
export interface SessionStore {
  /** Stores a new session. Rejects with CONFLICT when the id is taken. */
  create(state: SessionState, audit: AuditEntry[]): Promise<void>;
  load(id: string): Promise<SessionState | undefined>;
  /** Sessions that have not ended: their clocks resume after a restart. */
  listActive(): Promise<string[]>;
  /**
   * Replaces the session stored at `expectedVersion` with `state`, atomically with `audit`.
   * Rejects with CONFLICT when another writer got there first. Resolves only once durable.
   * `changed` is how `state` differs from the stored version: only that is written (without it,
   * the whole state is). `events` are what the commit announces; a store shared by several nodes
   * hands them to `changes`. Resolves with what was written.
   */
  commit(
    state: SessionState,
    expectedVersion: number,
    audit: AuditEntry[],
    events?: readonly DomainEvent[],
    changed?: SessionDelta,
  ): Promise<CommitSize>;
  /**
   * Present on a store several nodes share: calls `listener` with every commit of any node, in
   * the order of the commits (the announcement is part of the commit), and `resync` when some may
   * have been missed (the link to the store was lost for a while). A store of one process has none.
   */
  changes?(listener: (change: CommittedChange) => void, resync: () => void): () => void;
  /** The audit log in order of writing. */
  audit(sessionId: string): Promise<AuditEntry[]>;
  close(): Promise<void>;
}
