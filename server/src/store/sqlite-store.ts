import type Database from 'better-sqlite3';
import { conflict, notFound } from '../domain/errors';
import type { SessionState } from '../domain/session';
import type { AuditEntry } from '../domain/transition';
import type { SessionStore } from './session-store';
import { openDataFile } from './sqlite-file';

const schema = `
CREATE TABLE IF NOT EXISTS sessions (
  id TEXT PRIMARY KEY,
  version INTEGER NOT NULL,
  status TEXT NOT NULL,
  state TEXT NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS audit (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  session_id TEXT NOT NULL,
  at INTEGER NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  from_version INTEGER NOT NULL,
  to_version INTEGER NOT NULL,
  detail TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_by_session ON audit (session_id, seq);
`;

interface AuditRow {
  session_id: string;
  at: number;
  actor: string;
  action: string;
  from_version: number;
  to_version: number;
  detail: string;
}

/**
 * The embedded default: one SQLite file in the data directory, in WAL mode with full sync, so a
 * commit that returned is on disk even if the process is killed the next instant.
 */
export class SqliteSessionStore implements SessionStore {
  readonly #db: Database.Database;
  readonly #insertSession: Database.Statement;
  readonly #updateSession: Database.Statement;
  readonly #selectSession: Database.Statement;
  readonly #selectActive: Database.Statement;
  readonly #insertAudit: Database.Statement;
  readonly #selectAudit: Database.Statement;

  constructor(dataDir: string) {
    this.#db = openDataFile(dataDir, 'FULL', schema);
    this.#insertSession = this.#db.prepare('INSERT INTO sessions (id, version, status, state, updated_at) VALUES (?, ?, ?, ?, ?)');
    this.#updateSession = this.#db.prepare(
      'UPDATE sessions SET version = ?, status = ?, state = ?, updated_at = ? WHERE id = ? AND version = ?',
    );
    this.#selectSession = this.#db.prepare('SELECT state, version FROM sessions WHERE id = ?');
    this.#selectActive = this.#db.prepare("SELECT id FROM sessions WHERE status != 'ended' ORDER BY id");
    this.#insertAudit = this.#db.prepare(
      'INSERT INTO audit (session_id, at, actor, action, from_version, to_version, detail) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    this.#selectAudit = this.#db.prepare('SELECT * FROM audit WHERE session_id = ? ORDER BY seq');
  }

  #appendAudit(audit: AuditEntry[]): void {
    for (const e of audit) {
      this.#insertAudit.run(e.sessionId, e.at, e.actor, e.action, e.fromVersion, e.toVersion, JSON.stringify(e.detail));
    }
  }

  async create(state: SessionState, audit: AuditEntry[]): Promise<void> {
    this.#db.transaction(() => {
      if (this.#selectSession.get(state.id)) throw conflict(`Session ${state.id} already exists.`);
      this.#insertSession.run(state.id, state.version, state.status, JSON.stringify(state), state.updatedAt);
      this.#appendAudit(audit);
    })();
  }

  async load(id: string): Promise<SessionState | undefined> {
    const row = this.#selectSession.get(id) as { state: string } | undefined;
    return row ? (JSON.parse(row.state) as SessionState) : undefined;
  }

  async listActive(): Promise<string[]> {
    return (this.#selectActive.all() as Array<{ id: string }>).map((r) => r.id);
  }

  async commit(state: SessionState, expectedVersion: number, audit: AuditEntry[]): Promise<void> {
    this.#db.transaction(() => {
      const result = this.#updateSession.run(state.version, state.status, JSON.stringify(state), state.updatedAt, state.id, expectedVersion);
      if (result.changes === 0) {
        if (!this.#selectSession.get(state.id)) throw notFound(`Session ${state.id} does not exist.`);
        throw conflict('The session changed meanwhile; try again.');
      }
      this.#appendAudit(audit);
    })();
  }

  async audit(sessionId: string): Promise<AuditEntry[]> {
    return (this.#selectAudit.all(sessionId) as AuditRow[]).map((r) => ({
      sessionId: r.session_id,
      at: r.at,
      actor: r.actor,
      action: r.action,
      fromVersion: r.from_version,
      toVersion: r.to_version,
      detail: JSON.parse(r.detail) as Record<string, unknown>,
    }));
  }

  async close(): Promise<void> {
    if (this.#db.open) this.#db.close();
  }
}
