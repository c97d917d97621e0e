import type { SessionState } from '../domain/session';
import type { AuditEntry } from '../domain/transition';

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
   */
  commit(state: SessionState, expectedVersion: number, audit: AuditEntry[]): Promise<void>;
  /** The audit log in order of writing. */
  audit(sessionId: string): Promise<AuditEntry[]>;
  close(): Promise<void>;
}
