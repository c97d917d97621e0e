import type { SessionState } from '../domain/session';
import type { AuditEntry, DomainEvent } from '../domain/transition';

/** One commit as every node hears of it: the state after it and what it announced. */
export interface CommittedChange {
  state: SessionState;
  events: DomainEvent[];
}

/**
 * Where sessions live between commands. Expressed in the deliberation's operations, not a
 * database's: a commit writes one new version and its audit entries together, or nothing.
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
   * `events` are what the commit announces; a store shared by several nodes hands them to `changes`.
   */
  commit(state: SessionState, expectedVersion: number, audit: AuditEntry[], events?: readonly DomainEvent[]): Promise<void>;
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
